package kernel

import "fmt"

// The routines here serve the tiny networks of the tutorials, whose
// products have a handful of elements: at these sizes Gemm's operand
// checks, its dispatch and its portable loops' calls to their helpers cost
// more than the arithmetic. Each computes exactly what Gemm computes for
// products that IsSmall accepts, bit for bit, by putting every element of
// C through the operations of gemmGo in gemmGo's order: C scaled by beta
// first (set to +0 for beta 0, even over NaN), then either each term
// (alpha·a)·b added in turn (op(B) = B), or alpha times the dot product
// of the terms a·b, summed from zero, added once (op(B) = Bᵀ). Only the
// order in which elements are visited may differ, which cannot change a
// result. small_test.go holds them to Gemm.
//
// The conversions T(x·y) round each product before it is added, as the Go
// spec has them do, so that no build fuses the two into one multiply-add
// (with GOAMD64=v3 the compiler would, here; gemmGo's products escape it
// because their loads fold into the multiplies instead).

// IsSmall reports whether Gemm computes an m×n×k product with the portable
// loops on every build: products of fewer than a few hundred multiply-adds.
func IsSmall(m, n, k int) bool { return m*n*k < smallProduct }

// GemmSmall is Gemm for products that IsSmall accepts, without Gemm's
// operand checks: it is for callers that have checked their operands'
// shapes already. Slices too short for the shapes still panic, with Go's
// index out of range message. It panics with a "kernel:" message when the
// product is not small, as Gemm's assembly path rounds differently.
func GemmSmall[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m < 0 || n < 0 || k < 0 || !IsSmall(m, n, k) {
		panic(fmt.Sprintf("kernel: GemmSmall given a %d×%d×%d product", m, n, k))
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			scaleRow(c[i*ldc:i*ldc+n], beta)
		}
		return
	}
	// gemmGo with scaleRow, axpyUnitary and dotUnitary written out in
	// place, which saves a call for every row of C and every term
	// (measured: about a quarter of the time of the products of a 2-8-1
	// network at batch 1).
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

// The three products of a dense layer on one sample, each a row vector
// times a matrix, take three slices and no sizes, and cost half of what
// GemmSmall costs for them. The results are Gemm's only where IsSmall
// accepts the product; elsewhere they are correct but may differ from
// Gemm in the last bits.

// RowMul sets z = x·W for the row vector x and the len(x)×len(z) matrix W
// stored row by row: Gemm(false, false, 1, len(z), len(x), 1, x, len(x),
// w, len(z), 0, z, len(z)).
func RowMul[T Float](z, x, w []T) {
	n := len(z)
	w = w[:len(x)*n]
	for j := range z {
		// Element j's sum held in a register, from +0 as gemmGo clears C.
		var v T
		for p, xv := range x {
			v += T(xv * w[p*n+j])
		}
		z[j] = v
	}
}

// RowMulT sets z = x·Wᵀ for the row vector x and the len(z)×len(x) matrix
// W stored row by row: Gemm(false, true, 1, len(z), len(x), 1, x, len(x),
// w, len(x), 0, z, len(z)).
func RowMulT[T Float](z, x, w []T) {
	k := len(x)
	w = w[:len(z)*k]
	for j := range z {
		wrow := w[j*k : j*k+k]
		// gemmGo adds the dot product to the cleared element, which
		// changes nothing: a sum started at +0 is never −0.
		var s T
		for p, xv := range x {
			s += T(xv * wrow[p])
		}
		z[j] = s
	}
}

// AddOuter adds the outer product of x and y to the len(x)×len(y) matrix C
// stored row by row, C[i,j] += x[i]·y[j]: Gemm(true, false, len(x),
// len(y), 1, 1, x, len(x), y, len(y), 1, c, len(y)).
func AddOuter[T Float](c, x, y []T) {
	n := len(y)
	c = c[:len(x)*n]
	for i, xv := range x {
		crow := c[i*n : i*n+n]
		for j, yv := range y {
			crow[j] += T(xv * yv)
		}
	}
}

// AxpyShort is Axpy for the short parameter slices of tiny networks,
// computing the same bits. Below the length at which Axpy turns to
// assembly it runs the Go loop directly: Axpy's checks for a split between
// goroutines and for assembly cost more than adding a few elements.
func AxpyShort[T Float](y []T, alpha T, x []T) {
	if len(y) >= simdAxpyMin || len(x) != len(y) {
		Axpy(y, alpha, x)
		return
	}
	for i := range y {
		y[i] += T(alpha * x[i])
	}
}
