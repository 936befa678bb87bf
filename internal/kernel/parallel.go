package kernel

import (
	"sync"
	"unsafe"
)

// parallelElements is the length from which an element-wise loop is split
// between goroutines: a few microseconds of work on one core, against well under a
// microsecond to hand a part to a spinning helper. Each element is computed
// the same way wherever the split falls, so results do not depend on it.
const parallelElements = 1 << 13

// ewOp names the element-wise loop an ewJob runs.
type ewOp uint8

const (
	opAxpy              ewOp = iota // dst += alpha·x
	opLeakyReLU                     // dst = leaky(x) with slope alpha
	opLeakyReLUBackward             // dst = leaky'(x)·y with slope alpha
	opAddRowVector                  // rows of the m×len(y) matrix dst += y
	opSumRows                       // dst = beta·dst + column sums of x
)

// ewJob is one element-wise loop split between goroutines: the 1-D loops
// over len(dst) elements, AddRowVector over the m rows of dst and SumRows
// over the columns of x (so each column is still summed in row order).
type ewJob[T Float] struct {
	op          ewOp
	dst, x, y   []T
	alpha, beta T
	m, ld       int
	split       split
}

// ewParts returns how many parts to split an n-element loop into, 1 when
// it is not worth splitting.
func ewParts(n int) int {
	if !hasAVX2FMA || n < parallelElements {
		return 1
	}
	return min(Workers(), n/(parallelElements/2))
}

// runEW runs op over n elements in parts (> 1) on up to parts goroutines.
func runEW[T Float](parts int, op ewOp, dst, x, y []T, alpha T) {
	j := getEWJob[T]()
	j.op, j.dst, j.x, j.y, j.alpha = op, dst, x, y, alpha
	j.split.run(parts, parts)
}

// runRows runs AddRowVector or SumRows in parts (> 1).
func runRows[T Float](parts int, op ewOp, m int, dst []T, beta T, x []T, ld int, y []T) {
	j := getEWJob[T]()
	j.op, j.m, j.dst, j.beta, j.x, j.ld, j.y = op, m, dst, beta, x, ld, y
	j.split.run(parts, parts)
}

// runPart runs the loop on share i of the elements, in runs of whole
// 64-byte lines (for float32) so two goroutines never write the same cache
// line.
func (j *ewJob[T]) runPart(i int) {
	switch j.op {
	case opAddRowVector:
		lo, hi := share(j.m, 1, j.split.parts, i)
		addRowVector(hi-lo, j.dst[lo*j.ld:], j.ld, j.y)
		return
	case opSumRows:
		lo, hi := share(len(j.dst), 16, j.split.parts, i)
		sumRows(j.dst[lo:hi], j.beta, j.m, j.x[lo:], j.ld)
		return
	}
	lo, hi := share(len(j.dst), 16, j.split.parts, i)
	dst, x := j.dst[lo:hi], j.x[lo:hi]
	switch j.op {
	case opAxpy:
		axpy(dst, j.alpha, x)
	case opLeakyReLU:
		leakyReLU(dst, x, j.alpha)
	case opLeakyReLUBackward:
		leakyReLUBackward(dst, x, j.y[lo:hi], j.alpha)
	}
}

func (j *ewJob[T]) recycle() {
	j.dst, j.x, j.y = nil, nil, nil
	poolFor[T](&ewJobs32, &ewJobs64).Put(unsafe.Pointer(j))
}

var ewJobs32, ewJobs64 sync.Pool

func getEWJob[T Float]() *ewJob[T] {
	if j, ok := poolFor[T](&ewJobs32, &ewJobs64).Get().(unsafe.Pointer); ok {
		return (*ewJob[T])(j)
	}
	j := new(ewJob[T])
	j.split.p = j
	return j
}
