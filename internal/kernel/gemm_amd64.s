//go:build !purego

#include "textflag.h"

// The micro-kernels keep a 6-row tile of C in twelve YMM accumulators
// (Y0..Y11): row i lives in Y(2i) and Y(2i+1). Each packed step p loads two
// vectors of B (Y12, Y13), broadcasts the six A values of that step in turn
// (Y14, Y15) and issues twelve FMAs. Every accumulator lane sums its products
// in order p = 0, 1, …, k-1, whatever the tile's position in C, which keeps
// results independent of how C is split between goroutines.

#define SSTEP(ao, bo) \
	VMOVUPS      bo(BX), Y12       \
	VMOVUPS      bo+32(BX), Y13    \
	VBROADCASTSS ao(AX), Y14       \
	VFMADD231PS  Y12, Y14, Y0      \
	VFMADD231PS  Y13, Y14, Y1      \
	VBROADCASTSS ao+4(AX), Y15     \
	VFMADD231PS  Y12, Y15, Y2      \
	VFMADD231PS  Y13, Y15, Y3      \
	VBROADCASTSS ao+8(AX), Y14     \
	VFMADD231PS  Y12, Y14, Y4      \
	VFMADD231PS  Y13, Y14, Y5      \
	VBROADCASTSS ao+12(AX), Y15    \
	VFMADD231PS  Y12, Y15, Y6      \
	VFMADD231PS  Y13, Y15, Y7      \
	VBROADCASTSS ao+16(AX), Y14    \
	VFMADD231PS  Y12, Y14, Y8      \
	VFMADD231PS  Y13, Y14, Y9      \
	VBROADCASTSS ao+20(AX), Y15    \
	VFMADD231PS  Y12, Y15, Y10     \
	VFMADD231PS  Y13, Y15, Y11

// SROW scales one row's accumulators by alpha (Y12) and, when asked, adds
// beta (Y13) times the old C row at DX.
#define SROW_LOAD(r0, r1) \
	VMULPS      Y12, r0, r0     \
	VMULPS      Y12, r1, r1     \
	VFMADD231PS (DX), Y13, r0   \
	VFMADD231PS 32(DX), Y13, r1 \
	VMOVUPS     r0, (DX)        \
	VMOVUPS     r1, 32(DX)      \
	ADDQ        SI, DX

#define SROW_STORE(r0, r1) \
	VMULPS  Y12, r0, r0 \
	VMULPS  Y12, r1, r1 \
	VMOVUPS r0, (DX)    \
	VMOVUPS r1, 32(DX)  \
	ADDQ    SI, DX

// func sgemmKernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32, load int)
TEXT ·sgemmKernel6x16(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), SI
	SHLQ $2, SI

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	// Warm the C tile while the products run.
	MOVQ DX, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)

	MOVQ CX, R9
	SHRQ $2, R9
	JZ   stail

sloop4:
	PREFETCHT0 384(BX)
	SSTEP(0, 0)
	SSTEP(24, 64)
	PREFETCHT0 448(BX)
	SSTEP(48, 128)
	SSTEP(72, 192)
	ADDQ $96, AX
	ADDQ $256, BX
	DECQ R9
	JNZ  sloop4

stail:
	ANDQ $3, CX
	JZ   sdone

sloop1:
	SSTEP(0, 0)
	ADDQ $24, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  sloop1

sdone:
	VBROADCASTSS alpha+40(FP), Y12
	MOVQ         load+48(FP), R8
	TESTQ        R8, R8
	JZ           sstore
	VBROADCASTSS beta+44(FP), Y13
	SROW_LOAD(Y0, Y1)
	SROW_LOAD(Y2, Y3)
	SROW_LOAD(Y4, Y5)
	SROW_LOAD(Y6, Y7)
	SROW_LOAD(Y8, Y9)
	SROW_LOAD(Y10, Y11)
	VZEROUPPER
	RET

sstore:
	SROW_STORE(Y0, Y1)
	SROW_STORE(Y2, Y3)
	SROW_STORE(Y4, Y5)
	SROW_STORE(Y6, Y7)
	SROW_STORE(Y8, Y9)
	SROW_STORE(Y10, Y11)
	VZEROUPPER
	RET

#define DSTEP(ao, bo) \
	VMOVUPD      bo(BX), Y12       \
	VMOVUPD      bo+32(BX), Y13    \
	VBROADCASTSD ao(AX), Y14       \
	VFMADD231PD  Y12, Y14, Y0      \
	VFMADD231PD  Y13, Y14, Y1      \
	VBROADCASTSD ao+8(AX), Y15     \
	VFMADD231PD  Y12, Y15, Y2      \
	VFMADD231PD  Y13, Y15, Y3      \
	VBROADCASTSD ao+16(AX), Y14    \
	VFMADD231PD  Y12, Y14, Y4      \
	VFMADD231PD  Y13, Y14, Y5      \
	VBROADCASTSD ao+24(AX), Y15    \
	VFMADD231PD  Y12, Y15, Y6      \
	VFMADD231PD  Y13, Y15, Y7      \
	VBROADCASTSD ao+32(AX), Y14    \
	VFMADD231PD  Y12, Y14, Y8      \
	VFMADD231PD  Y13, Y14, Y9      \
	VBROADCASTSD ao+40(AX), Y15    \
	VFMADD231PD  Y12, Y15, Y10     \
	VFMADD231PD  Y13, Y15, Y11

#define DROW_LOAD(r0, r1) \
	VMULPD      Y12, r0, r0     \
	VMULPD      Y12, r1, r1     \
	VFMADD231PD (DX), Y13, r0   \
	VFMADD231PD 32(DX), Y13, r1 \
	VMOVUPD     r0, (DX)        \
	VMOVUPD     r1, 32(DX)      \
	ADDQ        SI, DX

#define DROW_STORE(r0, r1) \
	VMULPD  Y12, r0, r0 \
	VMULPD  Y12, r1, r1 \
	VMOVUPD r0, (DX)    \
	VMOVUPD r1, 32(DX)  \
	ADDQ    SI, DX

// func dgemmKernel6x8(k int, a, b, c *float64, ldc int, alpha, beta float64, load int)
TEXT ·dgemmKernel6x8(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), SI
	SHLQ $3, SI

	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11

	MOVQ DX, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)
	ADDQ SI, R8
	PREFETCHT0 (R8)
	PREFETCHT0 60(R8)

	MOVQ CX, R9
	SHRQ $2, R9
	JZ   dtail

dloop4:
	PREFETCHT0 384(BX)
	DSTEP(0, 0)
	DSTEP(48, 64)
	PREFETCHT0 448(BX)
	DSTEP(96, 128)
	DSTEP(144, 192)
	ADDQ $192, AX
	ADDQ $256, BX
	DECQ R9
	JNZ  dloop4

dtail:
	ANDQ $3, CX
	JZ   ddone

dloop1:
	DSTEP(0, 0)
	ADDQ $48, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  dloop1

ddone:
	VBROADCASTSD alpha+40(FP), Y12
	MOVQ         load+56(FP), R8
	TESTQ        R8, R8
	JZ           dstore
	VBROADCASTSD beta+48(FP), Y13
	DROW_LOAD(Y0, Y1)
	DROW_LOAD(Y2, Y3)
	DROW_LOAD(Y4, Y5)
	DROW_LOAD(Y6, Y7)
	DROW_LOAD(Y8, Y9)
	DROW_LOAD(Y10, Y11)
	VZEROUPPER
	RET

dstore:
	DROW_STORE(Y0, Y1)
	DROW_STORE(Y2, Y3)
	DROW_STORE(Y4, Y5)
	DROW_STORE(Y6, Y7)
	DROW_STORE(Y8, Y9)
	DROW_STORE(Y10, Y11)
	VZEROUPPER
	RET
