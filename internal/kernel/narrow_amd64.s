//go:build !purego

#include "textflag.h"

// sgemmNarrow8 computes eight rows of a product at most 16 columns wide
// (a dense layer's output layer of 10 classes, say) without packing: each
// row of C lives in one ZMM accumulator, masked to the product's columns
// (K1). Step p loads row p of B once and adds, for each of the eight rows,
// its A value times that row with a fused multiply-add. Every lane sums its
// products in order p = 0, 1, …, k-1 starting from 0, then takes alpha·t
// and beta·C as the packed kernels do, so an element gets the bits it gets
// there.
//
// Row r's value at step p is at a + r·rs + p·ps (in elements): rs = lda,
// ps = 1 for A, rs = 1, ps = lda for Aᵀ.

#define NSTEP \
	VMOVUPS.Z    (BX), K1, Z8           \
	VBROADCASTSS (AX), Z9               \
	VFMADD231PS  Z8, Z9, Z0             \
	VBROADCASTSS (AX)(R9*1), Z10        \
	VFMADD231PS  Z8, Z10, Z1            \
	VBROADCASTSS (AX)(R9*2), Z11        \
	VFMADD231PS  Z8, Z11, Z2            \
	VBROADCASTSS (AX)(R10*1), Z12       \
	VFMADD231PS  Z8, Z12, Z3            \
	VBROADCASTSS (R11), Z13             \
	VFMADD231PS  Z8, Z13, Z4            \
	VBROADCASTSS (R11)(R9*1), Z14       \
	VFMADD231PS  Z8, Z14, Z5            \
	VBROADCASTSS (R11)(R9*2), Z15       \
	VFMADD231PS  Z8, Z15, Z6            \
	VBROADCASTSS (R11)(R10*1), Z16      \
	VFMADD231PS  Z8, Z16, Z7            \
	ADDQ         R12, AX                \
	ADDQ         R12, R11               \
	ADDQ         R13, BX

#define NROW_LOAD(r) \
	VMULPS      Z17, r, r        \
	VMOVUPS.Z   (DX), K1, Z19    \
	VFMADD231PS Z19, Z18, r      \
	VMOVUPS     r, K1, (DX)      \
	ADDQ        SI, DX

#define NROW_STORE(r) \
	VMULPS  Z17, r, r     \
	VMOVUPS r, K1, (DX)   \
	ADDQ    SI, DX

// func sgemmNarrow8(k int, a *float32, rs, ps int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, load int, mask uint16)
TEXT ·sgemmNarrow8(SB), NOSPLIT, $0-82
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ rs+16(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	LEAQ (AX)(R9*4), R11
	MOVQ ps+24(FP), R12
	SHLQ $2, R12
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R13
	SHLQ $2, R13
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), SI
	SHLQ $2, SI
	KMOVW mask+80(FP), K1

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

	MOVQ CX, R8
	SHRQ $1, R8
	JZ   ntail

nloop2:
	NSTEP
	NSTEP
	DECQ R8
	JNZ  nloop2

ntail:
	ANDQ $1, CX
	JZ   ndone
	NSTEP

ndone:
	VBROADCASTSS alpha+64(FP), Z17
	MOVQ         load+72(FP), R8
	TESTQ        R8, R8
	JZ           nstore
	VBROADCASTSS beta+68(FP), Z18
	NROW_LOAD(Z0)
	NROW_LOAD(Z1)
	NROW_LOAD(Z2)
	NROW_LOAD(Z3)
	NROW_LOAD(Z4)
	NROW_LOAD(Z5)
	NROW_LOAD(Z6)
	NROW_LOAD(Z7)
	VZEROUPPER
	RET

nstore:
	NROW_STORE(Z0)
	NROW_STORE(Z1)
	NROW_STORE(Z2)
	NROW_STORE(Z3)
	NROW_STORE(Z4)
	NROW_STORE(Z5)
	NROW_STORE(Z6)
	NROW_STORE(Z7)
	VZEROUPPER
	RET
