//go:build !purego

package kernel

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasAVX2FMA reports whether the AVX2+FMA micro-kernels can run. The OS must
// also save the YMM registers, which x/sys/cpu folds into HasAVX.
//
// An AVX-512 path would add its own kernels (6×32 float32, 6×16 float64,
// say), a flag set from cpu.X86.HasAVX512F here, and a branch in tile and
// microKernel; packing already takes nr as a parameter, apart from the
// assembly panel routines, which assume 64-byte panel rows.
var hasAVX2FMA = cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA

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
