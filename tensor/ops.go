package tensor

import (
	"fmt"

	"github.com/descent-ml/descent/internal/kernel"
)

// Mul computes c = alpha·op(a)·op(b) + beta·c, where op(x) is x or its
// transpose as transA and transB say. c must already have the product's
// shape. With beta = 0, c's old contents are ignored.
func Mul[T Float](c *Matrix[T], a *Matrix[T], transA bool, b *Matrix[T], transB bool, alpha, beta T) {
	m, k := OpDims(a, transA)
	kb, n := OpDims(b, transB)
	if k != kb || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("tensor: Mul shape mismatch: op(a) %d×%d, op(b) %d×%d, c %d×%d", m, k, kb, n, c.Rows, c.Cols))
	}
	kernel.Gemm(transA, transB, m, n, k, alpha, a.Data, a.Cols, b.Data, b.Cols, beta, c.Data, c.Cols)
}

// OpDims returns the rows and columns of op(x): x's, or its transpose's
// when trans is set.
func OpDims[T Float](x *Matrix[T], trans bool) (rows, cols int) {
	if trans {
		return x.Cols, x.Rows
	}
	return x.Rows, x.Cols
}

// AddRowVector adds v to every row of m.
func AddRowVector[T Float](m *Matrix[T], v []T) {
	if len(v) != m.Cols {
		panic(fmt.Sprintf("tensor: AddRowVector length %d, matrix has %d columns", len(v), m.Cols))
	}
	kernel.AddRowVector(m.Rows, m.Data, m.Cols, v)
}

// SumRows sets dst = beta·dst + the sum of m's rows (its column sums).
func SumRows[T Float](dst []T, beta T, m *Matrix[T]) {
	if len(dst) != m.Cols {
		panic(fmt.Sprintf("tensor: SumRows length %d, matrix has %d columns", len(dst), m.Cols))
	}
	kernel.SumRows(dst, beta, m.Rows, m.Data, m.Cols)
}
