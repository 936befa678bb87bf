//go:build !purego

#include "textflag.h"

// exp4 is math.Exp four lanes at a time: the same steps as the standard
// library's amd64 assembly on a CPU with FMA (math/exp_amd64.s, its avxfma
// branch), the same constants, in the same order, each a correctly rounded
// IEEE operation whether scalar or packed, so every lane gets math.Exp's
// bits. Only the range where that code takes its plain path is done here:
// |x| ≤ 700 (the result is then a normal number, neither the overflow nor
// the denormal branch); a group of four with any other lane (NaN, ±Inf,
// beyond ±700) ends the call, for the caller to finish with math.Exp.

// Each constant four times over, for packed operands read from memory.
#define C4(off, v) \
	DATA expc<>+(off+0)(SB)/8, v \
	DATA expc<>+(off+8)(SB)/8, v \
	DATA expc<>+(off+16)(SB)/8, v \
	DATA expc<>+(off+24)(SB)/8, v

C4(0, $1.4426950408889634073599246810018920)      // LOG2E
C4(32, $0.69314718055966295651160180568695068359375) // LN2U
C4(64, $0.28235290563031577122588448175013436025525412068e-12) // LN2L
C4(96, $0.0625)
C4(128, $2.4801587301587301587e-5)
C4(160, $1.9841269841269841270e-4)
C4(192, $1.3888888888888888889e-3)
C4(224, $8.3333333333333333333e-3)
C4(256, $4.1666666666666666667e-2)
C4(288, $1.6666666666666666667e-1)
C4(320, $0.5)
C4(352, $1.0)
C4(384, $2.0)
C4(416, $1023)                                   // exponent bias (int64)
C4(448, $0x7FFFFFFFFFFFFFFF)                     // |x| mask
C4(480, $700.0)                                  // the range done here
GLOBL expc<>(SB), RODATA, $512

// INRANGE sets flags for x: ZF set when every lane has |x| ≤ 700 (false
// for NaN), using t and R as scratch.
#define INRANGE(x, t, R) \
	VANDPD    expc<>+448(SB), x, t \
	VCMPPD    $0x12, expc<>+480(SB), t, t \
	VMOVMSKPD t, R \
	CMPQ      R, $15

// EXP4 replaces x with exp(x) lane by lane; k, kf and p are scratch.
#define EXP4(x, k, kf, p) \
	VMULPD       expc<>+0(SB), x, kf   \
	VCVTPD2DQY   kf, k                 \
	VCVTDQ2PD    k, kf                 \
	VFNMADD231PD expc<>+32(SB), kf, x  \
	VFNMADD231PD expc<>+64(SB), kf, x  \
	VMULPD       expc<>+96(SB), x, x   \
	VMOVUPD      expc<>+128(SB), p     \
	VFMADD213PD  expc<>+160(SB), x, p  \
	VFMADD213PD  expc<>+192(SB), x, p  \
	VFMADD213PD  expc<>+224(SB), x, p  \
	VFMADD213PD  expc<>+256(SB), x, p  \
	VFMADD213PD  expc<>+288(SB), x, p  \
	VFMADD213PD  expc<>+320(SB), x, p  \
	VFMADD213PD  expc<>+352(SB), x, p  \
	VMULPD       p, x, x               \
	VADDPD       expc<>+384(SB), x, p  \
	VMULPD       p, x, x               \
	VADDPD       expc<>+384(SB), x, p  \
	VMULPD       p, x, x               \
	VADDPD       expc<>+384(SB), x, p  \
	VMULPD       p, x, x               \
	VADDPD       expc<>+384(SB), x, p  \
	VFMADD213PD  expc<>+352(SB), p, x  \
	VPMOVSXDQ    k, kf                 \
	VPADDQ       expc<>+416(SB), kf, kf \
	VPSLLQ       $52, kf, kf           \
	VMULPD       kf, x, x

// func exp4(n int, src, dst *float64) int
// dst[i] = exp(src[i]) for i < n (a multiple of 4), four or eight at a
// time; it stops before the first group of four with a lane outside the
// range and returns how many it did. dst may be src.
TEXT ·exp4(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ dst+16(FP), DI
	XORQ AX, AX

loop8:
	MOVQ CX, DX
	SUBQ AX, DX
	CMPQ DX, $8
	JLT  loop4
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y6
	INRANGE(Y0, Y2, R8)
	JNE  loop4
	INRANGE(Y6, Y2, R8)
	JNE  loop4
	EXP4(Y0, X1, Y3, Y4)
	EXP4(Y6, X7, Y9, Y10)
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y6, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP  loop8

loop4:
	MOVQ CX, DX
	SUBQ AX, DX
	CMPQ DX, $4
	JLT  done
	VMOVUPD (SI)(AX*8), Y0
	INRANGE(Y0, Y2, R8)
	JNE  done
	EXP4(Y0, X1, Y3, Y4)
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  loop8

done:
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET
