package kernel

import "unsafe"

// Post is work done on a product's C block by block, each block right
// after its final value is computed, on the goroutine that computed it,
// while the block is still in cache: a dense layer's bias and activation
// after its forward product. It saves a pass over C and, when the
// product is split between the cores, the wait between the product and
// that pass.
type Post[T Float] interface {
	// Block is given c starting at the first element of a rows×cols
	// block of C, with C's rows ldc apart. Every element of C is in
	// exactly one block; blocks may be given on different goroutines
	// at once.
	Block(c []T, ldc, rows, cols int)
}

// GemmPost is Gemm, then post on every element of C, block by block as
// each is finished. C's values are Gemm's bits.
func GemmPost[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, post Post[T]) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, post)
}

// offset returns the index in base of c's first element; c must start
// inside base's storage.
func offset[T Float](base, c []T) int {
	d := uintptr(unsafe.Pointer(unsafe.SliceData(c))) - uintptr(unsafe.Pointer(unsafe.SliceData(base)))
	return int(d / unsafe.Sizeof(T(0)))
}

// BiasLeakyReLUPost is the Post of a dense layer's forward product z = x·W:
// for each block of Z it adds the bias B (nil for none) and, with A
// non-nil, sets the same block of A to LeakyReLU(z) with slope Slope (0
// for ReLU), as BiasLeakyReLURows does row by row, with its bits. Z and A
// have len(B) columns when B is set; the product's C must be Z or a
// block of it.
type BiasLeakyReLUPost[T Float] struct {
	Z, A, B []T
	Slope   T
}

// Block finishes the given block of Z.
func (e *BiasLeakyReLUPost[T]) Block(c []T, ldc, rows, cols int) {
	off := offset(e.Z, c)
	i0, j0 := off/ldc, off%ldc
	var b []T
	if e.B != nil {
		b = e.B[j0 : j0+cols]
	}
	for i := 0; i < rows; i++ {
		r := (i0+i)*ldc + j0
		var a []T
		if e.A != nil {
			a = e.A[r : r+cols]
		}
		BiasLeakyReLURows(1, cols, e.Z[r:r+cols], a, b, e.Slope)
	}
}
