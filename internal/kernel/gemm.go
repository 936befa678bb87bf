package kernel

import "fmt"

// Gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where
// op(X) is X or Xᵀ as transA and transB say. op(A) is m×k, op(B) is k×n and
// C is m×n; lda, ldb and ldc are the row strides of the stored matrices.
// When beta is zero C is overwritten, so C may hold garbage (even NaN) on
// entry, as in BLAS.
//
// Gemm panics with a "kernel:" message when the sizes do not fit the slices:
// that is a programming error, never a data error.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

// GemmSerial is Gemm on the calling goroutine alone, for a caller that
// already splits its work between the workers (a layer's loop over
// blocks of samples under For), where a split inside would compete with
// its own. It gives Gemm's bits: Gemm's split never changes how an
// element is computed.
func GemmSerial[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if !hasAVX2FMA || m*n*k < smallProduct {
		gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmParallel(1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

func checkGemm(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkOperand("A", ar, ac, la, lda)
	checkOperand("B", br, bc, lb, ldb)
	checkOperand("C", m, n, lc, ldc)
}

// checkOperand panics unless a slice of l elements holds a rows×cols
// matrix with row stride ld.
func checkOperand(name string, rows, cols, l, ld int) {
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols {
		panic(fmt.Sprintf("kernel: %s stride %d < %d columns", name, ld, cols))
	}
	if l < (rows-1)*ld+cols {
		panic(fmt.Sprintf("kernel: %s slice of %d elements too short for %d×%d with stride %d", name, l, rows, cols, ld))
	}
}

// gemmGo is the portable implementation. It walks C row by row, so rows can
// be split between goroutines without changing any result. Every element
// of C is first scaled by beta (set to +0 for beta 0, even over NaN), then
// either each term (alpha·a)·b is added in turn (op(B) = B), or alpha times
// the dot product of the terms a·b, summed from zero, is added once
// (op(B) = Bᵀ). The loops are written out rather than calling axpyUnitary
// and dotUnitary per row and term, which at the tutorials' sizes cost more
// than the arithmetic (a quarter of a 2-8-1 network's products).
//
// The conversions T(x·y) round each product before it is added, as the Go
// spec has them do, so that no build fuses the two into one multiply-add
// (with GOAMD64=v3 the compiler would).
func gemmGo[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if k == 0 {
		// Nothing to multiply (and op(B) may be an empty slice): only
		// beta·C is left, as on the packed path.
		for i := 0; i < m; i++ {
			scaleRow(c[i*ldc:i*ldc+n], beta)
		}
		return
	}
	switch {
	case !transA && !transB:
		for i := 0; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			scaleRow(crow, beta)
			for p, av := range a[i*lda : i*lda+k] {
				s := T(alpha * av)
				brow := b[p*ldb : p*ldb+n]
				for j := range crow {
					crow[j] += T(s * brow[j])
				}
			}
		}
	case transA && !transB:
		for i := 0; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			scaleRow(crow, beta)
			for p := 0; p < k; p++ {
				s := T(alpha * a[p*lda+i])
				brow := b[p*ldb : p*ldb+n]
				for j := range crow {
					crow[j] += T(s * brow[j])
				}
			}
		}
	case !transA && transB:
		for i := 0; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			scaleRow(crow, beta)
			arow := a[i*lda : i*lda+k]
			for j := range crow {
				brow := b[j*ldb : j*ldb+k]
				var s T
				for p, av := range arow {
					s += T(av * brow[p])
				}
				crow[j] += T(alpha * s)
			}
		}
	default:
		for i := 0; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			scaleRow(crow, beta)
			for j := range crow {
				var s T
				for p := 0; p < k; p++ {
					s += T(a[p*lda+i] * b[j*ldb+p])
				}
				crow[j] += T(alpha * s)
			}
		}
	}
}

func scaleRow[T Float](x []T, beta T) {
	switch beta {
	case 1:
	case 0:
		clear(x)
	default:
		for j := range x {
			x[j] *= beta
		}
	}
}

// axpyUnitary computes y += alpha·x, unrolled by four.
func axpyUnitary[T Float](y []T, alpha T, x []T) {
	x = x[:len(y)]
	j := 0
	for ; j+4 <= len(y); j += 4 {
		y[j] += T(alpha * x[j])
		y[j+1] += T(alpha * x[j+1])
		y[j+2] += T(alpha * x[j+2])
		y[j+3] += T(alpha * x[j+3])
	}
	for ; j < len(y); j++ {
		y[j] += T(alpha * x[j])
	}
}

// dotUnitary returns Σ x[i]·y[i], summed strictly left to right.
func dotUnitary[T Float](x, y []T) T {
	y = y[:len(x)]
	var s T
	for i, v := range x {
		s += T(v * y[i])
	}
	return s
}
