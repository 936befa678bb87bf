//go:build !purego

package kernel

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasAVX2FMA reports whether the AVX2+FMA micro-kernels can run. The OS must
// also save the YMM registers, which x/sys/cpu folds into HasAVX.
var hasAVX2FMA = cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA

// hasAVX512 reports whether the AVX-512 micro-kernels can run; x/sys/cpu
// sets HasAVX512F only where the OS saves the ZMM registers too. Setting
// GODEBUG=cpu.avx512f=off turns it off, to compare both paths on one
// machine.
var hasAVX512 = hasAVX2FMA && cpu.X86.HasAVX512F

// sgemmKernel6x32 computes two neighbouring 6×16 tiles at once with
// AVX-512: t = Σₚ a[p·6+i]·b1[p·16+j] in columns j < 16 and the same with b2
// in columns 16 + j, stored as sgemmKernel6x16 stores its tile, with
// bit-identical results.
//
//go:noescape
func sgemmKernel6x32(k int, a, b1, b2, c *float32, ldc int, alpha, beta float32, load int)

// dgemmKernel6x16 is sgemmKernel6x32 for float64: two 6×8 tiles at once.
//
//go:noescape
func dgemmKernel6x16(k int, a, b1, b2, c *float64, ldc int, alpha, beta float64, load int)

// sgemmKernel6x16 computes the 6×16 tile t = Σₚ a[p·6+i]·b[p·16+j] over k
// packed steps and stores C[i,j] = alpha·t + beta·C[i,j], reading C only when
// load is non-zero. C rows are ldc elements apart.
//
//go:noescape
func sgemmKernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32, load int)

// dgemmKernel6x8 is sgemmKernel6x16 for float64 with a 6×8 tile.
//
//go:noescape
func dgemmKernel6x8(k int, a, b, c *float64, ldc int, alpha, beta float64, load int)

// copyPanel64 copies rows runs of 64 bytes, stride bytes apart in src,
// back to back into dst.
//
//go:noescape
func copyPanel64(rows int, src unsafe.Pointer, stride int, dst unsafe.Pointer)

// copyPanels256 copies four neighbouring panels at once: rows runs of 256
// bytes, stride bytes apart in src, each split into four runs of 64 bytes,
// one to each panel; the panels start pstride bytes apart in dst.
//
//go:noescape
func copyPanels256(rows int, src unsafe.Pointer, stride int, dst unsafe.Pointer, pstride int)

// transposePanel32 sets dst[p·16+j] = src[j·lds+p] for j < 16 and
// p < 8·chunks.
//
//go:noescape
func transposePanel32(chunks int, src *float32, lds int, dst *float32)

// transposePanel64 sets dst[p·8+j] = src[j·lds+p] for j < 8 and
// p < 4·chunks.
//
//go:noescape
func transposePanel64(chunks int, src *float64, lds int, dst *float64)

// gatherPanel32 sets dst[p·6+r] = src[r·lda+p] for r < 6 and p < 8·chunks,
// writing up to 2 floats past the last step.
//
//go:noescape
func gatherPanel32(chunks int, src *float32, lda int, dst *float32)

// gatherPanel64 sets dst[p·6+r] = src[r·lda+p] for r < 6 and p < 4·chunks.
//
//go:noescape
func gatherPanel64(chunks int, src *float64, lda int, dst *float64)

// copySteps32 sets dst[p·6+r] = src[p·lda+r] for r < 6 and p < steps.
//
//go:noescape
func copySteps32(steps int, src *float32, lda int, dst *float32)

// copySteps64 sets dst[p·6+r] = src[p·lda+r] for r < 6 and p < steps.
//
//go:noescape
func copySteps64(steps int, src *float64, lda int, dst *float64)

// sgemmNarrow8 computes eight rows of C = alpha·op(A)·B + beta·C for a B
// at most 16 columns wide, the columns set in mask, without packing: row
// r's A value at step p is at a[r·rs + p·ps], B's rows are ldb apart.
// Each element gets the arithmetic the packed kernels give it.
//
//go:noescape
func sgemmNarrow8(k int, a *float32, rs, ps int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, load int, mask uint16)

// sgemmKernel6x32A is sgemmKernel6x32 reading the six rows of A where
// they lie: row r's value at step p is at a[r·rs + p·ps]. Same bits.
//
//go:noescape
func sgemmKernel6x32A(k int, a *float32, rs, ps int, b1, b2, c *float32, ldc int, alpha, beta float32, load int)

// sgemmKernel6x32AB is sgemmKernel6x32A reading B where it lies too: step
// p's 32 values of B are b[p·ldb : p·ldb+32]. Same bits.
//
//go:noescape
func sgemmKernel6x32AB(k int, a *float32, rs, ps int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, load int)
