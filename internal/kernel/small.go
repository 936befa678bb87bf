package kernel

import "fmt"

// The routines here serve the tiny networks of the tutorials, whose
// products have a handful of elements: at these sizes Gemm's operand
// checks and dispatch cost more than the arithmetic. Each computes exactly
// what Gemm computes for products that IsSmall accepts, bit for bit, by
// putting every element of C through the operations of gemmGo (see there)
// in gemmGo's order; only the order in which elements are visited may
// differ, which cannot change a result. small_test.go holds them to Gemm.

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
	gemmGo(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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
