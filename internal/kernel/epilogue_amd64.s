//go:build !purego

#include "textflag.h"

// func biasLeakyReLURow32(n int, a, z, b *float32, slope float32)
// z += b; a = max(z, 0) + slope·min(z, 0), 8 lanes at a time, for a row
// z and a bias row b. VMAXPS with 0 second returns +0 for −0 as Go's max
// does; VMINPS with z second returns z for ±0 and NaN as Go's min does.
TEXT ·biasLeakyReLURow32(SB), NOSPLIT, $0-36
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ z+16(FP), DX
	MOVQ b+24(FP), SI
	VBROADCASTSS slope+32(FP), Y0
	VXORPS Y7, Y7, Y7
	XORQ AX, AX

loop:
	CMPQ AX, CX
	JGE  done
	VMOVUPS (DX)(AX*4), Y1
	VADDPS  (SI)(AX*4), Y1, Y1
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
