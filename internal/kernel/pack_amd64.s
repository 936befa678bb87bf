//go:build !purego

#include "textflag.h"

// func copyPanel64(rows int, src unsafe.Pointer, stride int, dst unsafe.Pointer)
// Copies rows runs of 64 bytes, stride bytes apart in src, back to back
// into dst: one row of a B panel that is not transposed (16 float32 or 8
// float64).
TEXT ·copyPanel64(SB), NOSPLIT, $0-32
	MOVQ rows+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ dst+24(FP), DI
	TESTQ CX, CX
	JZ   cdone

cloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ DX, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  cloop

cdone:
	VZEROUPPER
	RET

// T8X8 transposes the 8×8 float32 block in Y0..Y7 (row i in Yi) into
// Y8..Y15 (column i in Y(8+i)).
#define T8X8 \
	VUNPCKLPS  Y1, Y0, Y8         \
	VUNPCKHPS  Y1, Y0, Y9         \
	VUNPCKLPS  Y3, Y2, Y10        \
	VUNPCKHPS  Y3, Y2, Y11        \
	VUNPCKLPS  Y5, Y4, Y12        \
	VUNPCKHPS  Y5, Y4, Y13        \
	VUNPCKLPS  Y7, Y6, Y14        \
	VUNPCKHPS  Y7, Y6, Y15        \
	VSHUFPS    $0x44, Y10, Y8, Y0 \
	VSHUFPS    $0xEE, Y10, Y8, Y1 \
	VSHUFPS    $0x44, Y11, Y9, Y2 \
	VSHUFPS    $0xEE, Y11, Y9, Y3 \
	VSHUFPS    $0x44, Y14, Y12, Y4 \
	VSHUFPS    $0xEE, Y14, Y12, Y5 \
	VSHUFPS    $0x44, Y15, Y13, Y6 \
	VSHUFPS    $0xEE, Y15, Y13, Y7 \
	VPERM2F128 $0x20, Y4, Y0, Y8  \
	VPERM2F128 $0x20, Y5, Y1, Y9  \
	VPERM2F128 $0x20, Y6, Y2, Y10 \
	VPERM2F128 $0x20, Y7, Y3, Y11 \
	VPERM2F128 $0x31, Y4, Y0, Y12 \
	VPERM2F128 $0x31, Y5, Y1, Y13 \
	VPERM2F128 $0x31, Y6, Y2, Y14 \
	VPERM2F128 $0x31, Y7, Y3, Y15

// LOAD8 loads 32 bytes from each of 8 rows starting at R8, DX bytes apart.
#define LOAD8 \
	MOVQ    R8, R9          \
	VMOVUPS (R9), Y0        \
	VMOVUPS (R9)(DX*1), Y1  \
	VMOVUPS (R9)(DX*2), Y2  \
	VMOVUPS (R9)(R10*1), Y3 \
	VMOVUPS (R9)(DX*4), Y4  \
	LEAQ    (R9)(DX*4), R9  \
	VMOVUPS (R9)(DX*1), Y5  \
	VMOVUPS (R9)(DX*2), Y6  \
	VMOVUPS (R9)(R10*1), Y7

// func transposePanel32(chunks int, src *float32, lds int, dst *float32)
// Packs 8·chunks steps of a transposed float32 B panel: dst[p·16+j] =
// src[j·lds+p] for j < 16, p < 8·chunks.
TEXT ·transposePanel32(SB), NOSPLIT, $0-32
	MOVQ chunks+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10  // 3 rows
	MOVQ DX, R11
	SHLQ $3, R11          // 8 rows
	TESTQ CX, CX
	JZ   t32done

t32loop:
	MOVQ SI, R8
	LOAD8
	T8X8
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 64(DI)
	VMOVUPS Y10, 128(DI)
	VMOVUPS Y11, 192(DI)
	VMOVUPS Y12, 256(DI)
	VMOVUPS Y13, 320(DI)
	VMOVUPS Y14, 384(DI)
	VMOVUPS Y15, 448(DI)
	LEAQ (SI)(R11*1), R8
	LOAD8
	T8X8
	VMOVUPS Y8, 32(DI)
	VMOVUPS Y9, 96(DI)
	VMOVUPS Y10, 160(DI)
	VMOVUPS Y11, 224(DI)
	VMOVUPS Y12, 288(DI)
	VMOVUPS Y13, 352(DI)
	VMOVUPS Y14, 416(DI)
	VMOVUPS Y15, 480(DI)
	ADDQ $32, SI
	ADDQ $512, DI
	DECQ CX
	JNZ  t32loop

t32done:
	VZEROUPPER
	RET

// T4X4 transposes the 4×4 float64 block in Y0..Y3 into Y8..Y11.
#define T4X4 \
	VUNPCKLPD  Y1, Y0, Y4         \
	VUNPCKHPD  Y1, Y0, Y5         \
	VUNPCKLPD  Y3, Y2, Y6         \
	VUNPCKHPD  Y3, Y2, Y7         \
	VPERM2F128 $0x20, Y6, Y4, Y8  \
	VPERM2F128 $0x20, Y7, Y5, Y9  \
	VPERM2F128 $0x31, Y6, Y4, Y10 \
	VPERM2F128 $0x31, Y7, Y5, Y11

#define LOAD4 \
	VMOVUPD (R8), Y0        \
	VMOVUPD (R8)(DX*1), Y1  \
	VMOVUPD (R8)(DX*2), Y2  \
	VMOVUPD (R8)(R10*1), Y3

// func transposePanel64(chunks int, src *float64, lds int, dst *float64)
// Packs 4·chunks steps of a transposed float64 B panel: dst[p·8+j] =
// src[j·lds+p] for j < 8, p < 4·chunks.
TEXT ·transposePanel64(SB), NOSPLIT, $0-32
	MOVQ chunks+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $3, DX
	LEAQ (DX)(DX*2), R10  // 3 rows
	MOVQ DX, R11
	SHLQ $2, R11          // 4 rows
	TESTQ CX, CX
	JZ   t64done

t64loop:
	MOVQ SI, R8
	LOAD4
	T4X4
	VMOVUPD Y8, (DI)
	VMOVUPD Y9, 64(DI)
	VMOVUPD Y10, 128(DI)
	VMOVUPD Y11, 192(DI)
	LEAQ (SI)(R11*1), R8
	LOAD4
	T4X4
	VMOVUPD Y8, 32(DI)
	VMOVUPD Y9, 96(DI)
	VMOVUPD Y10, 160(DI)
	VMOVUPD Y11, 224(DI)
	ADDQ $32, SI
	ADDQ $256, DI
	DECQ CX
	JNZ  t64loop

t64done:
	VZEROUPPER
	RET

// LOAD6 loads 32 bytes from each of 6 rows starting at R8, DX bytes apart,
// into Y0..Y5.
#define LOAD6 \
	VMOVUPS (R8), Y0        \
	VMOVUPS (R8)(DX*1), Y1  \
	VMOVUPS (R8)(DX*2), Y2  \
	VMOVUPS (R8)(R10*1), Y3 \
	VMOVUPS (R8)(DX*4), Y4  \
	VMOVUPS (R8)(R11*1), Y5

// func gatherPanel32(chunks int, src *float32, lda int, dst *float32)
// Packs 8·chunks steps of a float32 A panel from 6 rows: dst[p·6+r] =
// src[r·lda+p]. Each 8-float store overlaps the next step by 2 floats, so
// dst needs 2 floats of slack past the last step.
TEXT ·gatherPanel32(SB), NOSPLIT, $0-32
	MOVQ chunks+0(FP), CX
	MOVQ src+8(FP), R8
	MOVQ lda+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10  // 3 rows
	LEAQ (DX)(DX*4), R11  // 5 rows
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ CX, CX
	JZ   g32done

g32loop:
	LOAD6
	T8X8
	VXORPS  Y6, Y6, Y6
	VXORPS  Y7, Y7, Y7
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 24(DI)
	VMOVUPS Y10, 48(DI)
	VMOVUPS Y11, 72(DI)
	VMOVUPS Y12, 96(DI)
	VMOVUPS Y13, 120(DI)
	VMOVUPS Y14, 144(DI)
	VMOVUPS Y15, 168(DI)
	ADDQ $32, R8
	ADDQ $192, DI
	DECQ CX
	JNZ  g32loop

g32done:
	VZEROUPPER
	RET

// func gatherPanel64(chunks int, src *float64, lda int, dst *float64)
// Packs 4·chunks steps of a float64 A panel from 6 rows: dst[p·6+r] =
// src[r·lda+p].
TEXT ·gatherPanel64(SB), NOSPLIT, $0-32
	MOVQ chunks+0(FP), CX
	MOVQ src+8(FP), R8
	MOVQ lda+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $3, DX
	LEAQ (DX)(DX*2), R10  // 3 rows
	LEAQ (DX)(DX*4), R11  // 5 rows
	TESTQ CX, CX
	JZ   g64done

g64loop:
	VMOVUPD (R8)(DX*4), Y12
	VMOVUPD (R8)(R11*1), Y13
	LOAD4
	T4X4
	VUNPCKLPD Y13, Y12, Y14
	VUNPCKHPD Y13, Y12, Y15
	VMOVUPD   Y8, (DI)
	VMOVUPD   X14, 32(DI)
	VMOVUPD   Y9, 48(DI)
	VMOVUPD   X15, 80(DI)
	VMOVUPD   Y10, 96(DI)
	VEXTRACTF128 $1, Y14, X14
	VMOVUPD   X14, 128(DI)
	VMOVUPD   Y11, 144(DI)
	VEXTRACTF128 $1, Y15, X15
	VMOVUPD   X15, 176(DI)
	ADDQ $32, R8
	ADDQ $192, DI
	DECQ CX
	JNZ  g64loop

g64done:
	VZEROUPPER
	RET

// func copySteps32(steps int, src *float32, lda int, dst *float32)
// Packs a float32 A panel from a transposed A: dst[p·6+r] = src[p·lda+r]
// for r < 6.
TEXT ·copySteps32(SB), NOSPLIT, $0-32
	MOVQ steps+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $2, DX
	TESTQ CX, CX
	JZ   cs32done

cs32loop:
	VMOVUPS (SI), X0
	VMOVSD  16(SI), X1
	VMOVUPS X0, (DI)
	VMOVSD  X1, 16(DI)
	ADDQ DX, SI
	ADDQ $24, DI
	DECQ CX
	JNZ  cs32loop

cs32done:
	RET

// func copySteps64(steps int, src *float64, lda int, dst *float64)
// Packs a float64 A panel from a transposed A: dst[p·6+r] = src[p·lda+r]
// for r < 6.
TEXT ·copySteps64(SB), NOSPLIT, $0-32
	MOVQ steps+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $3, DX
	TESTQ CX, CX
	JZ   cs64done

cs64loop:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), X1
	VMOVUPD Y0, (DI)
	VMOVUPD X1, 32(DI)
	ADDQ DX, SI
	ADDQ $48, DI
	DECQ CX
	JNZ  cs64loop

cs64done:
	VZEROUPPER
	RET

// func copyPanels256(rows int, src unsafe.Pointer, stride int, dst unsafe.Pointer, pstride int)
// Copies four neighbouring panels at once: each of rows runs of 256 bytes,
// stride bytes apart in src, goes out as four runs of 64 bytes, one to
// each panel (pstride bytes apart in dst). Reading 256 contiguous bytes a
// row lets the prefetcher stream the rows, where one panel's 64 bytes a
// row touch one line of each row.
TEXT ·copyPanels256(SB), NOSPLIT, $0-40
	MOVQ rows+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ dst+24(FP), DI
	MOVQ pstride+32(FP), R8
	LEAQ (DI)(R8*2), R9
	TESTQ CX, CX
	JZ   c4done

c4loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, (DI)(R8*1)
	VMOVUPS Y3, 32(DI)(R8*1)
	VMOVUPS Y4, (R9)
	VMOVUPS Y5, 32(R9)
	VMOVUPS Y6, (R9)(R8*1)
	VMOVUPS Y7, 32(R9)(R8*1)
	ADDQ DX, SI
	ADDQ $64, DI
	ADDQ $64, R9
	DECQ CX
	JNZ  c4loop

c4done:
	VZEROUPPER
	RET
