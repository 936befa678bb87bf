//go:build !purego

#include "textflag.h"

// The AVX-512 micro-kernels multiply one packed A panel (6 rows) by two
// neighbouring packed B panels at once, b1 and b2, each as wide as one ZMM
// register (16 float32 or 8 float64). Row i of the 6-row tile lives in
// Z(2i) (from b1) and Z(2i+1) (from b2). Every lane does exactly what the
// AVX2 kernels in gemm_amd64.s do for the same element: a fused multiply-add
// per step p = 0, 1, …, k-1 starting from 0, then alpha·t, then beta·C
// added with one more fused multiply-add. So a tile gives the same bits
// whichever kernel computed it, and results stay independent of the CPU and
// of how C is split.

#define S512STEP(ao, bo) \
	VMOVUPS      bo(BX), Z12       \
	VMOVUPS      bo(R10), Z13      \
	VBROADCASTSS ao(AX), Z14       \
	VFMADD231PS  Z12, Z14, Z0      \
	VFMADD231PS  Z13, Z14, Z1      \
	VBROADCASTSS ao+4(AX), Z15     \
	VFMADD231PS  Z12, Z15, Z2      \
	VFMADD231PS  Z13, Z15, Z3      \
	VBROADCASTSS ao+8(AX), Z16     \
	VFMADD231PS  Z12, Z16, Z4      \
	VFMADD231PS  Z13, Z16, Z5      \
	VBROADCASTSS ao+12(AX), Z17    \
	VFMADD231PS  Z12, Z17, Z6      \
	VFMADD231PS  Z13, Z17, Z7      \
	VBROADCASTSS ao+16(AX), Z18    \
	VFMADD231PS  Z12, Z18, Z8      \
	VFMADD231PS  Z13, Z18, Z9      \
	VBROADCASTSS ao+20(AX), Z19    \
	VFMADD231PS  Z12, Z19, Z10     \
	VFMADD231PS  Z13, Z19, Z11

#define S512ROW_LOAD(r0, r1) \
	VMULPS      Z12, r0, r0     \
	VMULPS      Z12, r1, r1     \
	VFMADD231PS (DX), Z13, r0   \
	VFMADD231PS 64(DX), Z13, r1 \
	VMOVUPS     r0, (DX)        \
	VMOVUPS     r1, 64(DX)      \
	ADDQ        SI, DX

#define S512ROW_STORE(r0, r1) \
	VMULPS  Z12, r0, r0 \
	VMULPS  Z12, r1, r1 \
	VMOVUPS r0, (DX)    \
	VMOVUPS r1, 64(DX)  \
	ADDQ    SI, DX

// S512FINISH stores the float32 tile in Z0..Z11 as alpha·t, plus beta·C
// when load is non-zero, and returns; store names the label for the
// branch without C.
#define S512FINISH(alpha, beta, load, store) \
	VBROADCASTSS alpha, Z12 \
	MOVQ         load, R8   \
	TESTQ        R8, R8     \
	JZ           store      \
	VBROADCASTSS beta, Z13  \
	S512ROW_LOAD(Z0, Z1)    \
	S512ROW_LOAD(Z2, Z3)    \
	S512ROW_LOAD(Z4, Z5)    \
	S512ROW_LOAD(Z6, Z7)    \
	S512ROW_LOAD(Z8, Z9)    \
	S512ROW_LOAD(Z10, Z11)  \
	VZEROUPPER              \
	RET                     \
store:                      \
	S512ROW_STORE(Z0, Z1)   \
	S512ROW_STORE(Z2, Z3)   \
	S512ROW_STORE(Z4, Z5)   \
	S512ROW_STORE(Z6, Z7)   \
	S512ROW_STORE(Z8, Z9)   \
	S512ROW_STORE(Z10, Z11) \
	VZEROUPPER              \
	RET

#define ZERO12 \
	VPXORD Z0, Z0, Z0    \
	VPXORD Z1, Z1, Z1    \
	VPXORD Z2, Z2, Z2    \
	VPXORD Z3, Z3, Z3    \
	VPXORD Z4, Z4, Z4    \
	VPXORD Z5, Z5, Z5    \
	VPXORD Z6, Z6, Z6    \
	VPXORD Z7, Z7, Z7    \
	VPXORD Z8, Z8, Z8    \
	VPXORD Z9, Z9, Z9    \
	VPXORD Z10, Z10, Z10 \
	VPXORD Z11, Z11, Z11

// PREFETCH_C warms the six 128-byte rows of the C tile at DX.
#define PREFETCH_C \
	MOVQ       DX, R8    \
	PREFETCHT0 (R8)      \
	PREFETCHT0 127(R8)   \
	ADDQ       SI, R8    \
	PREFETCHT0 (R8)      \
	PREFETCHT0 127(R8)   \
	ADDQ       SI, R8    \
	PREFETCHT0 (R8)      \
	PREFETCHT0 127(R8)   \
	ADDQ       SI, R8    \
	PREFETCHT0 (R8)      \
	PREFETCHT0 127(R8)   \
	ADDQ       SI, R8    \
	PREFETCHT0 (R8)      \
	PREFETCHT0 127(R8)   \
	ADDQ       SI, R8    \
	PREFETCHT0 (R8)      \
	PREFETCHT0 127(R8)

// func sgemmKernel6x32(k int, a, b1, b2, c *float32, ldc int, alpha, beta float32, load int)
TEXT ·sgemmKernel6x32(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b1+16(FP), BX
	MOVQ b2+24(FP), R10
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), SI
	SHLQ $2, SI
	ZERO12
	PREFETCH_C

	MOVQ CX, R9
	SHRQ $2, R9
	JZ   s5tail

s5loop4:
	PREFETCHT0 256(BX)
	PREFETCHT0 256(R10)
	S512STEP(0, 0)
	S512STEP(24, 64)
	S512STEP(48, 128)
	S512STEP(72, 192)
	ADDQ $96, AX
	ADDQ $256, BX
	ADDQ $256, R10
	DECQ R9
	JNZ  s5loop4

s5tail:
	ANDQ $3, CX
	JZ   s5done

s5loop1:
	S512STEP(0, 0)
	ADDQ $24, AX
	ADDQ $64, BX
	ADDQ $64, R10
	DECQ CX
	JNZ  s5loop1

s5done:
	S512FINISH(alpha+48(FP), beta+52(FP), load+56(FP), s5store)

#define D512STEP(ao, bo) \
	VMOVUPD      bo(BX), Z12       \
	VMOVUPD      bo(R10), Z13      \
	VBROADCASTSD ao(AX), Z14       \
	VFMADD231PD  Z12, Z14, Z0      \
	VFMADD231PD  Z13, Z14, Z1      \
	VBROADCASTSD ao+8(AX), Z15     \
	VFMADD231PD  Z12, Z15, Z2      \
	VFMADD231PD  Z13, Z15, Z3      \
	VBROADCASTSD ao+16(AX), Z16    \
	VFMADD231PD  Z12, Z16, Z4      \
	VFMADD231PD  Z13, Z16, Z5      \
	VBROADCASTSD ao+24(AX), Z17    \
	VFMADD231PD  Z12, Z17, Z6      \
	VFMADD231PD  Z13, Z17, Z7      \
	VBROADCASTSD ao+32(AX), Z18    \
	VFMADD231PD  Z12, Z18, Z8      \
	VFMADD231PD  Z13, Z18, Z9      \
	VBROADCASTSD ao+40(AX), Z19    \
	VFMADD231PD  Z12, Z19, Z10     \
	VFMADD231PD  Z13, Z19, Z11

#define D512ROW_LOAD(r0, r1) \
	VMULPD      Z12, r0, r0     \
	VMULPD      Z12, r1, r1     \
	VFMADD231PD (DX), Z13, r0   \
	VFMADD231PD 64(DX), Z13, r1 \
	VMOVUPD     r0, (DX)        \
	VMOVUPD     r1, 64(DX)      \
	ADDQ        SI, DX

#define D512ROW_STORE(r0, r1) \
	VMULPD  Z12, r0, r0 \
	VMULPD  Z12, r1, r1 \
	VMOVUPD r0, (DX)    \
	VMOVUPD r1, 64(DX)  \
	ADDQ    SI, DX

// func dgemmKernel6x16(k int, a, b1, b2, c *float64, ldc int, alpha, beta float64, load int)
TEXT ·dgemmKernel6x16(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b1+16(FP), BX
	MOVQ b2+24(FP), R10
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), SI
	SHLQ $3, SI
	ZERO12
	PREFETCH_C

	MOVQ CX, R9
	SHRQ $2, R9
	JZ   d5tail

d5loop4:
	PREFETCHT0 256(BX)
	PREFETCHT0 256(R10)
	D512STEP(0, 0)
	D512STEP(48, 64)
	D512STEP(96, 128)
	D512STEP(144, 192)
	ADDQ $192, AX
	ADDQ $256, BX
	ADDQ $256, R10
	DECQ R9
	JNZ  d5loop4

d5tail:
	ANDQ $3, CX
	JZ   d5done

d5loop1:
	D512STEP(0, 0)
	ADDQ $48, AX
	ADDQ $64, BX
	ADDQ $64, R10
	DECQ CX
	JNZ  d5loop1

d5done:
	VBROADCASTSD alpha+48(FP), Z12
	MOVQ         load+64(FP), R8
	TESTQ        R8, R8
	JZ           d5store
	VBROADCASTSD beta+56(FP), Z13
	D512ROW_LOAD(Z0, Z1)
	D512ROW_LOAD(Z2, Z3)
	D512ROW_LOAD(Z4, Z5)
	D512ROW_LOAD(Z6, Z7)
	D512ROW_LOAD(Z8, Z9)
	D512ROW_LOAD(Z10, Z11)
	VZEROUPPER
	RET

d5store:
	D512ROW_STORE(Z0, Z1)
	D512ROW_STORE(Z2, Z3)
	D512ROW_STORE(Z4, Z5)
	D512ROW_STORE(Z6, Z7)
	D512ROW_STORE(Z8, Z9)
	D512ROW_STORE(Z10, Z11)
	VZEROUPPER
	RET

// sgemmKernel6x32A is sgemmKernel6x32 reading A where it lies instead of
// from a packed panel: row r's value at step p is at a + r·rs + p·ps (in
// elements; rs = lda, ps = 1 for A, rs = 1, ps = lda for Aᵀ). The
// arithmetic of every lane is sgemmKernel6x32's, so are the bits.
#define A512ROWS(b1, b2) \
	VMOVUPS      b1, Z12              \
	VMOVUPS      b2, Z13              \
	VBROADCASTSS (AX), Z14            \
	VFMADD231PS  Z12, Z14, Z0         \
	VFMADD231PS  Z13, Z14, Z1         \
	VBROADCASTSS (AX)(R11*1), Z15     \
	VFMADD231PS  Z12, Z15, Z2         \
	VFMADD231PS  Z13, Z15, Z3         \
	VBROADCASTSS (AX)(R11*2), Z16     \
	VFMADD231PS  Z12, Z16, Z4         \
	VFMADD231PS  Z13, Z16, Z5         \
	VBROADCASTSS (AX)(R12*1), Z17     \
	VFMADD231PS  Z12, Z17, Z6         \
	VFMADD231PS  Z13, Z17, Z7         \
	VBROADCASTSS (R13), Z18           \
	VFMADD231PS  Z12, Z18, Z8         \
	VFMADD231PS  Z13, Z18, Z9         \
	VBROADCASTSS (R13)(R11*1), Z19    \
	VFMADD231PS  Z12, Z19, Z10        \
	VFMADD231PS  Z13, Z19, Z11        \
	ADDQ         R9, AX               \
	ADDQ         R9, R13

// A512SETUP loads the in-place kernels' count and A arguments: k into
// CX, rows 0–3 of A from AX and rows 4–5 from R13, rs bytes apart (R11,
// 3·rs in R12), each step ps bytes on (R9).
#define A512SETUP(k, a, rs, ps) \
	MOVQ k, CX                \
	MOVQ a, AX                \
	MOVQ rs, R11              \
	SHLQ $2, R11              \
	LEAQ (R11)(R11*2), R12    \
	LEAQ (AX)(R11*4), R13     \
	MOVQ ps, R9               \
	SHLQ $2, R9

// A512STEP is one step of sgemmKernel6x32A: B from the packed panels at
// BX and R10, bo bytes on.
#define A512STEP(bo) A512ROWS(bo(BX), bo(R10))

// func sgemmKernel6x32A(k int, a *float32, rs, ps int, b1, b2, c *float32, ldc int, alpha, beta float32, load int)
TEXT ·sgemmKernel6x32A(SB), NOSPLIT, $0-80
	A512SETUP(k+0(FP), a+8(FP), rs+16(FP), ps+24(FP))
	MOVQ b1+32(FP), BX
	MOVQ b2+40(FP), R10
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), SI
	SHLQ $2, SI
	ZERO12
	PREFETCH_C

	MOVQ CX, R8
	SHRQ $2, R8
	JZ   a5tail

a5loop4:
	PREFETCHT0 256(BX)
	PREFETCHT0 256(R10)
	A512STEP(0)
	A512STEP(64)
	A512STEP(128)
	A512STEP(192)
	ADDQ $256, BX
	ADDQ $256, R10
	DECQ R8
	JNZ  a5loop4

a5tail:
	ANDQ $3, CX
	JZ   a5done

a5loop1:
	A512STEP(0)
	ADDQ $64, BX
	ADDQ $64, R10
	DECQ CX
	JNZ  a5loop1

a5done:
	S512FINISH(alpha+64(FP), beta+68(FP), load+72(FP), a5store)

// sgemmKernel6x32AB is sgemmKernel6x32A reading B where it lies too: step
// p's 32 values of B are at b + p·ldb, contiguous. Same bits.
#define AB512STEP \
	A512ROWS((BX), 64(BX)) \
	ADDQ R10, BX

// func sgemmKernel6x32AB(k int, a *float32, rs, ps int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, load int)
TEXT ·sgemmKernel6x32AB(SB), NOSPLIT, $0-80
	A512SETUP(k+0(FP), a+8(FP), rs+16(FP), ps+24(FP))
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R10
	SHLQ $2, R10
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), SI
	SHLQ $2, SI
	ZERO12
	PREFETCH_C

	MOVQ CX, R8
	SHRQ $2, R8
	JZ   b5tail

b5loop4:
	PREFETCHT0 (BX)(R10*8)
	PREFETCHT0 64(BX)(R10*8)
	AB512STEP
	AB512STEP
	AB512STEP
	AB512STEP
	DECQ R8
	JNZ  b5loop4

b5tail:
	ANDQ $3, CX
	JZ   b5done

b5loop1:
	AB512STEP
	DECQ CX
	JNZ  b5loop1

b5done:
	S512FINISH(alpha+64(FP), beta+68(FP), load+72(FP), b5store)
