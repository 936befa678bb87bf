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
