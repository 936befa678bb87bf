//go:build !purego

#include "textflag.h"

// func biasLeakyReLU32(n int, a, z, y *float32, b, slope float32)
// z = y + b; a = max(z, 0) + slope·min(z, 0), 8 lanes at a time. VMAXPS
// with 0 second returns +0 for −0 as Go's max does; VMINPS with z second
// returns z for ±0 and NaN as Go's min does.
TEXT ·biasLeakyReLU32(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ z+16(FP), DX
	MOVQ y+24(FP), SI
	VBROADCASTSS b+32(FP), Y8
	VBROADCASTSS slope+36(FP), Y0
	VXORPS Y7, Y7, Y7
	XORQ AX, AX

loop:
	CMPQ AX, CX
	JGE  done
	VMOVUPS (SI)(AX*4), Y1
	VADDPS  Y8, Y1, Y1
	VMOVUPS Y1, (DX)(AX*4)
	VMAXPS  Y7, Y1, Y2
	VMINPS  Y1, Y7, Y3
	VMULPS  Y0, Y3, Y3
	VADDPS  Y3, Y2, Y2
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ $8, AX
	JMP  loop

done:
	VZEROUPPER
	RET

// func biasLeakyReLUOut32(n int, a, y *float32, b, slope float32)
// biasLeakyReLU32 without storing z.
TEXT ·biasLeakyReLUOut32(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ y+16(FP), SI
	VBROADCASTSS b+24(FP), Y8
	VBROADCASTSS slope+28(FP), Y0
	VXORPS Y7, Y7, Y7
	XORQ AX, AX

oloop:
	CMPQ AX, CX
	JGE  odone
	VMOVUPS (SI)(AX*4), Y1
	VADDPS  Y8, Y1, Y1
	VMAXPS  Y7, Y1, Y2
	VMINPS  Y1, Y7, Y3
	VMULPS  Y0, Y3, Y3
	VADDPS  Y3, Y2, Y2
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ $8, AX
	JMP  oloop

odone:
	VZEROUPPER
	RET

// func leakyReLUGrad32(n int, dz, z, da *float32, slope float32)
// dz = da where z's bits, as a signed integer, are above 0 (z > 0 or a
// positive NaN), else slope·da.
TEXT ·leakyReLUGrad32(SB), NOSPLIT, $0-36
	MOVQ n+0(FP), CX
	MOVQ dz+8(FP), DI
	MOVQ z+16(FP), SI
	MOVQ da+24(FP), DX
	VBROADCASTSS slope+32(FP), Y0
	VPXOR Y7, Y7, Y7
	XORQ AX, AX

gloop:
	CMPQ AX, CX
	JGE  gdone
	VMOVDQU  (SI)(AX*4), Y1
	VPCMPGTD Y7, Y1, Y2
	VMOVUPS  (DX)(AX*4), Y3
	VMULPS   Y0, Y3, Y4
	VANDPS   Y2, Y3, Y5
	VANDNPS  Y4, Y2, Y6
	VORPS    Y5, Y6, Y6
	VMOVUPS  Y6, (DI)(AX*4)
	ADDQ $8, AX
	JMP  gloop

gdone:
	VZEROUPPER
	RET

DATA iota2<>+0(SB)/4, $0
DATA iota2<>+4(SB)/4, $2
DATA iota2<>+8(SB)/4, $4
DATA iota2<>+12(SB)/4, $6
DATA iota2<>+16(SB)/4, $8
DATA iota2<>+20(SB)/4, $10
DATA iota2<>+24(SB)/4, $12
DATA iota2<>+28(SB)/4, $14
GLOBL iota2<>(SB), RODATA|NOPTR, $32

// func max2x2Row32(n int, top, bot, dst *float32, arg *int32, first, w int32)
// 8 outputs at a time: VSHUFPS splits 16 values of a row into the even
// and odd columns, in the order 0 1 4 5 2 3 6 7 of the outputs, which
// VPERMQ puts right at the end; GT_OQ is false for NaNs, as Go's > is.
TEXT ·max2x2Row32(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ top+8(FP), SI
	MOVQ bot+16(FP), DX
	MOVQ dst+24(FP), DI
	MOVQ arg+32(FP), R8
	MOVL         first+40(FP), AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14
	VPADDD       iota2<>(SB), Y14, Y14
	MOVL         w+44(FP), AX
	VMOVD        AX, X11
	VPBROADCASTD X11, Y11
	VPCMPEQD     Y12, Y12, Y12
	VPSRLD       $31, Y12, Y12
	VPADDD       Y11, Y12, Y13
	VPSLLD       $4, Y12, Y15
	XORQ         BX, BX

mloop:
	CMPQ BX, CX
	JGE  mdone
	VMOVUPS   (SI)(BX*8), Y0
	VMOVUPS   32(SI)(BX*8), Y1
	VSHUFPS   $0x88, Y1, Y0, Y2
	VSHUFPS   $0xDD, Y1, Y0, Y3
	VMOVUPS   (DX)(BX*8), Y0
	VMOVUPS   32(DX)(BX*8), Y1
	VSHUFPS   $0x88, Y1, Y0, Y4
	VSHUFPS   $0xDD, Y1, Y0, Y5
	VPXOR     Y6, Y6, Y6
	VCMPPS    $0x1E, Y2, Y3, Y7
	VBLENDVPS Y7, Y3, Y2, Y2
	VBLENDVPS Y7, Y12, Y6, Y6
	VCMPPS    $0x1E, Y2, Y4, Y7
	VBLENDVPS Y7, Y4, Y2, Y2
	VBLENDVPS Y7, Y11, Y6, Y6
	VCMPPS    $0x1E, Y2, Y5, Y7
	VBLENDVPS Y7, Y5, Y2, Y2
	VBLENDVPS Y7, Y13, Y6, Y6
	VPERMQ    $0xD8, Y2, Y2
	VPERMQ    $0xD8, Y6, Y6
	VPADDD    Y14, Y6, Y6
	VMOVUPS   Y2, (DI)(BX*4)
	VMOVDQU   Y6, (R8)(BX*4)
	VPADDD    Y15, Y14, Y14
	ADDQ      $8, BX
	JMP       mloop

mdone:
	VZEROUPPER
	RET

// func add2D32(rows, cols int, dst *float32, ldd int, src *float32, lds int)
// dst[i·ldd+j] += src[i·lds+j], 8 lanes at a time, then one by one.
TEXT ·add2D32(SB), NOSPLIT, $0-48
	MOVQ rows+0(FP), R9
	MOVQ cols+8(FP), CX
	MOVQ dst+16(FP), DI
	MOVQ ldd+24(FP), R10
	SHLQ $2, R10
	MOVQ src+32(FP), SI
	MOVQ lds+40(FP), R11
	SHLQ $2, R11

arow:
	TESTQ R9, R9
	JEQ   adone
	XORQ  AX, AX

a8:
	MOVQ    CX, DX
	SUBQ    AX, DX
	CMPQ    DX, $8
	JLT     a1
	VMOVUPS (DI)(AX*4), Y1
	VADDPS  (SI)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     a8

a1:
	CMPQ   AX, CX
	JGE    anext
	VMOVSS (DI)(AX*4), X1
	VADDSS (SI)(AX*4), X1, X1
	VMOVSS X1, (DI)(AX*4)
	INCQ   AX
	JMP    a1

anext:
	ADDQ R10, DI
	ADDQ R11, SI
	DECQ R9
	JMP  arow

adone:
	VZEROUPPER
	RET

// func copy2D32(rows, cols int, dst *float32, ldd int, src *float32, lds int)
// dst[i·ldd+j] = src[i·lds+j], 8 lanes at a time, then one by one.
TEXT ·copy2D32(SB), NOSPLIT, $0-48
	MOVQ rows+0(FP), R9
	MOVQ cols+8(FP), CX
	MOVQ dst+16(FP), DI
	MOVQ ldd+24(FP), R10
	SHLQ $2, R10
	MOVQ src+32(FP), SI
	MOVQ lds+40(FP), R11
	SHLQ $2, R11

crow:
	TESTQ R9, R9
	JEQ   cdone
	XORQ  AX, AX

c8:
	MOVQ    CX, DX
	SUBQ    AX, DX
	CMPQ    DX, $8
	JLT     c1
	VMOVUPS (SI)(AX*4), Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     c8

c1:
	CMPQ   AX, CX
	JGE    cnext
	MOVL   (SI)(AX*4), DX
	MOVL   DX, (DI)(AX*4)
	INCQ   AX
	JMP    c1

cnext:
	ADDQ R10, DI
	ADDQ R11, SI
	DECQ R9
	JMP  crow

cdone:
	VZEROUPPER
	RET

// func max2x2Row32x4(top, bot, dst *float32, arg *int32, first, w int32)
// max2x2Row32 on 4 outputs, with 128-bit registers, for rows of 4 to 7
// outputs: VSHUFPS puts them in order here.
TEXT ·max2x2Row32x4(SB), NOSPLIT, $0-40
	MOVQ         top+0(FP), SI
	MOVQ         bot+8(FP), DX
	MOVQ         dst+16(FP), DI
	MOVQ         arg+24(FP), R8
	MOVL         first+32(FP), AX
	VMOVD        AX, X14
	VPBROADCASTD X14, X14
	VPADDD       iota2<>(SB), X14, X14
	MOVL         w+36(FP), AX
	VMOVD        AX, X11
	VPBROADCASTD X11, X11
	VPCMPEQD     X12, X12, X12
	VPSRLD       $31, X12, X12
	VPADDD       X11, X12, X13
	VMOVUPS      (SI), X0
	VMOVUPS      16(SI), X1
	VSHUFPS      $0x88, X1, X0, X2
	VSHUFPS      $0xDD, X1, X0, X3
	VMOVUPS      (DX), X0
	VMOVUPS      16(DX), X1
	VSHUFPS      $0x88, X1, X0, X4
	VSHUFPS      $0xDD, X1, X0, X5
	VPXOR        X6, X6, X6
	VCMPPS       $0x1E, X2, X3, X7
	VBLENDVPS    X7, X3, X2, X2
	VBLENDVPS    X7, X12, X6, X6
	VCMPPS       $0x1E, X2, X4, X7
	VBLENDVPS    X7, X4, X2, X2
	VBLENDVPS    X7, X11, X6, X6
	VCMPPS       $0x1E, X2, X5, X7
	VBLENDVPS    X7, X5, X2, X2
	VBLENDVPS    X7, X13, X6, X6
	VPADDD       X14, X6, X6
	VMOVUPS      X2, (DI)
	VMOVDQU      X6, (R8)
	RET

// func add2D32x16(rows, cols int, dst *float32, ldd int, src *float32, lds int)
// add2D32 with AVX-512: 16 lanes at a time, then the last cols mod 16 of
// each row in one masked operation (K1), so a row of 11 is one load, add
// and store; masked-off lanes are neither read nor written.
TEXT ·add2D32x16(SB), NOSPLIT, $0-48
	MOVQ  rows+0(FP), R9
	MOVQ  cols+8(FP), CX
	MOVQ  dst+16(FP), DI
	MOVQ  ldd+24(FP), R10
	SHLQ  $2, R10
	MOVQ  src+32(FP), SI
	MOVQ  lds+40(FP), R11
	SHLQ  $2, R11
	ANDQ  $15, CX        // the tail's length
	MOVQ  CX, BX
	MOVQ  $1, DX
	SHLQ  CX, DX
	DECQ  DX
	KMOVW DX, K1
	MOVQ  cols+8(FP), CX
	SUBQ  BX, CX         // the full vectors' length

xarow:
	TESTQ R9, R9
	JEQ   xadone
	XORQ  AX, AX

xa16:
	CMPQ    AX, CX
	JGE     xatail
	VMOVUPS (DI)(AX*4), Z1
	VADDPS  (SI)(AX*4), Z1, Z1
	VMOVUPS Z1, (DI)(AX*4)
	ADDQ    $16, AX
	JMP     xa16

xatail:
	TESTQ     BX, BX
	JEQ       xanext
	VMOVUPS.Z (DI)(AX*4), K1, Z1
	VMOVUPS.Z (SI)(AX*4), K1, Z2
	VADDPS    Z2, Z1, Z1
	VMOVUPS   Z1, K1, (DI)(AX*4)

xanext:
	ADDQ R10, DI
	ADDQ R11, SI
	DECQ R9
	JMP  xarow

xadone:
	VZEROUPPER
	RET

// func copy2D32x16(rows, cols int, dst *float32, ldd int, src *float32, lds int)
// copy2D32 with AVX-512, the tail of each row in one masked move.
TEXT ·copy2D32x16(SB), NOSPLIT, $0-48
	MOVQ  rows+0(FP), R9
	MOVQ  cols+8(FP), CX
	MOVQ  dst+16(FP), DI
	MOVQ  ldd+24(FP), R10
	SHLQ  $2, R10
	MOVQ  src+32(FP), SI
	MOVQ  lds+40(FP), R11
	SHLQ  $2, R11
	ANDQ  $15, CX
	MOVQ  CX, BX
	MOVQ  $1, DX
	SHLQ  CX, DX
	DECQ  DX
	KMOVW DX, K1
	MOVQ  cols+8(FP), CX
	SUBQ  BX, CX

xcrow:
	TESTQ R9, R9
	JEQ   xcdone
	XORQ  AX, AX

xc16:
	CMPQ    AX, CX
	JGE     xctail
	VMOVUPS (SI)(AX*4), Z1
	VMOVUPS Z1, (DI)(AX*4)
	ADDQ    $16, AX
	JMP     xc16

xctail:
	TESTQ     BX, BX
	JEQ       xcnext
	VMOVUPS.Z (SI)(AX*4), K1, Z1
	VMOVUPS   Z1, K1, (DI)(AX*4)

xcnext:
	ADDQ R10, DI
	ADDQ R11, SI
	DECQ R9
	JMP  xcrow

xcdone:
	VZEROUPPER
	RET
