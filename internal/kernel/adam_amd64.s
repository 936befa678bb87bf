//go:build !purego

#include "textflag.h"

// func adam32x8(n int, w, grad, m1, m2 *float32, c *AdamConsts)
// Adam32's update for i < n, n a multiple of 8, eight lanes at a time. Every
// step rounds on its own (VMULPS then VADDPS, never VFMADD) in the same
// order as adam32Go, so the two agree bit for bit.
TEXT ·adam32x8(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m1+24(FP), R8
	MOVQ m2+32(FP), R9
	MOVQ c+40(FP), R10
	VBROADCASTSS 0(R10), Y0  // Scale
	VBROADCASTSS 4(R10), Y1  // L2
	VBROADCASTSS 8(R10), Y2  // Beta1
	VBROADCASTSS 12(R10), Y3 // OneMinusBeta1
	VBROADCASTSS 16(R10), Y4 // Beta2
	VBROADCASTSS 20(R10), Y5 // OneMinusBeta2
	VBROADCASTSS 24(R10), Y6 // Decay
	VBROADCASTSS 28(R10), Y7 // StepSize
	VBROADCASTSS 32(R10), Y8 // InvSqrtBC2
	VBROADCASTSS 36(R10), Y9 // Epsilon
	XORQ AX, AX

loop:
	CMPQ AX, CX
	JGE  done
	VMOVUPS (DI)(AX*4), Y11       // w
	VMULPS  (SI)(AX*4), Y0, Y10   // Scale·g
	VMULPS  Y11, Y1, Y12          // L2·w
	VADDPS  Y12, Y10, Y10         // g̃
	VMULPS  (R8)(AX*4), Y2, Y12   // β₁·m
	VMULPS  Y10, Y3, Y13          // (1−β₁)·g̃
	VADDPS  Y13, Y12, Y12         // m
	VMOVUPS Y12, (R8)(AX*4)
	VMULPS  Y10, Y10, Y13         // g̃²
	VMULPS  Y13, Y5, Y13          // (1−β₂)·g̃²
	VMULPS  (R9)(AX*4), Y4, Y14   // β₂·v
	VADDPS  Y13, Y14, Y14         // v
	VMOVUPS Y14, (R9)(AX*4)
	VSQRTPS Y14, Y14              // √v
	VMULPS  Y14, Y8, Y14          // √v·InvSqrtBC2
	VADDPS  Y9, Y14, Y14          // + ε
	VDIVPS  Y14, Y12, Y12         // m / (√v·InvSqrtBC2 + ε)
	VMULPS  Y12, Y7, Y12          // ·StepSize
	VMULPS  Y11, Y6, Y13          // Decay·w
	VSUBPS  Y13, Y11, Y11         // w − Decay·w
	VSUBPS  Y12, Y11, Y11         // − StepSize·(m/…)
	VMOVUPS Y11, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     loop

done:
	VZEROUPPER
	RET
