//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

// hasAVX2FMA reports whether the AVX2+FMA micro-kernels can run. The OS must
// also save the YMM registers, which x/sys/cpu folds into HasAVX.
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
