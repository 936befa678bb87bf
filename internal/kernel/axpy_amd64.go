//go:build !purego

package kernel

// axpy32 sets y[i] += alpha·x[i] for i < n with AVX2 fused multiply-adds.
//
//go:noescape
func axpy32(n int, alpha float32, x, y *float32)

// axpy64 is axpy32 for float64.
//
//go:noescape
func axpy64(n int, alpha float64, x, y *float64)
