package tensor

import (
	"fmt"

	"github.com/descent-ml/descent/internal/kernel"
)

// Float is the set of element types descent computes in: float32 for speed,
// float64 for exactness.
type Float = kernel.Float

// Matrix is a dense row-major matrix: element (i, j) is Data[i*Cols+j].
// Data may be longer than Rows*Cols; the extra capacity lets Resize shrink
// and grow a workspace without allocating.
type Matrix[T Float] struct {
	Rows, Cols int
	Data       []T
}

// New returns a zero rows×cols matrix.
func New[T Float](rows, cols int) *Matrix[T] {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("tensor: negative shape %d×%d", rows, cols))
	}
	return &Matrix[T]{Rows: rows, Cols: cols, Data: make([]T, rows*cols)}
}

// FromSlice returns a rows×cols matrix that uses data as its storage.
func FromSlice[T Float](rows, cols int, data []T) *Matrix[T] {
	if rows < 0 || cols < 0 || len(data) < rows*cols {
		panic(fmt.Sprintf("tensor: %d elements cannot hold a %d×%d matrix", len(data), rows, cols))
	}
	return &Matrix[T]{Rows: rows, Cols: cols, Data: data[:rows*cols]}
}

// FromRows returns a matrix holding a copy of rows; every row must have the
// same length.
func FromRows[T Float](rows [][]T) *Matrix[T] {
	if len(rows) == 0 {
		return New[T](0, 0)
	}
	m := New[T](len(rows), len(rows[0]))
	for i, r := range rows {
		if len(r) != m.Cols {
			panic(fmt.Sprintf("tensor: row %d has %d elements, want %d", i, len(r), m.Cols))
		}
		copy(m.Row(i), r)
	}
	return m
}

// At returns element (i, j).
func (m *Matrix[T]) At(i, j int) T {
	m.checkIndex(i, j)
	return m.Data[i*m.Cols+j]
}

// Set sets element (i, j) to v.
func (m *Matrix[T]) Set(i, j int, v T) {
	m.checkIndex(i, j)
	m.Data[i*m.Cols+j] = v
}

func (m *Matrix[T]) checkIndex(i, j int) {
	if i < 0 || i >= m.Rows || j < 0 || j >= m.Cols {
		panic(fmt.Sprintf("tensor: index (%d, %d) out of range for %d×%d", i, j, m.Rows, m.Cols))
	}
}

// Row returns row i as a slice that shares the matrix's storage.
func (m *Matrix[T]) Row(i int) []T {
	if i < 0 || i >= m.Rows {
		panic(fmt.Sprintf("tensor: row %d out of range for %d rows", i, m.Rows))
	}
	return m.Data[i*m.Cols : (i+1)*m.Cols]
}

// Values returns the Rows*Cols elements in row-major order, sharing storage.
func (m *Matrix[T]) Values() []T { return m.Data[:m.Rows*m.Cols] }

// Clone returns a deep copy of m.
func (m *Matrix[T]) Clone() *Matrix[T] {
	c := New[T](m.Rows, m.Cols)
	copy(c.Data, m.Values())
	return c
}

// CopyFrom copies src into m; the shapes must match.
func (m *Matrix[T]) CopyFrom(src *Matrix[T]) {
	mustSameShape("CopyFrom", m, src)
	copy(m.Values(), src.Values())
}

// Zero sets every element to zero.
func (m *Matrix[T]) Zero() { clear(m.Values()) }

// Resize sets the shape to rows×cols, reusing the storage when its capacity
// allows and allocating otherwise. Contents are unspecified afterwards.
func (m *Matrix[T]) Resize(rows, cols int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("tensor: negative shape %d×%d", rows, cols))
	}
	n := rows * cols
	if cap(m.Data) < n {
		m.Data = make([]T, n)
	}
	m.Data = m.Data[:n]
	m.Rows, m.Cols = rows, cols
}

// SameShape reports whether a and b have the same shape.
func SameShape[T Float](a, b *Matrix[T]) bool { return a.Rows == b.Rows && a.Cols == b.Cols }

func mustSameShape[T Float](op string, a, b *Matrix[T]) {
	if !SameShape(a, b) {
		panic(fmt.Sprintf("tensor: %s shape mismatch %d×%d vs %d×%d", op, a.Rows, a.Cols, b.Rows, b.Cols))
	}
}

// String formats small matrices for debugging and examples.
func (m *Matrix[T]) String() string {
	s := "["
	for i := 0; i < m.Rows; i++ {
		if i > 0 {
			s += "\n "
		}
		s += fmt.Sprint(m.Row(i))
	}
	return s + "]"
}

// Convert returns a copy of m with its elements converted to type U.
func Convert[U, T Float](m *Matrix[T]) *Matrix[U] {
	out := New[U](m.Rows, m.Cols)
	for i, v := range m.Values() {
		out.Data[i] = U(v)
	}
	return out
}
