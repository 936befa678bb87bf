package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestElementwiseSplit checks that the element-wise loops long enough to be
// split give the same bits whatever the worker count, cover every element,
// and allocate nothing once warm.
func TestElementwiseSplit(t *testing.T) {
	defer SetWorkers(Workers())
	rng := rand.New(rand.NewPCG(3, 4))
	n := 3*parallelElements + 5
	const rows = 64
	cols := n/rows - 3
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], y[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	ops := map[string]func(dst []float32){
		"Axpy":              func(dst []float32) { Axpy(dst, 0.37, x) },
		"LeakyReLU":         func(dst []float32) { LeakyReLU(dst, x, 0.01) },
		"LeakyReLUBackward": func(dst []float32) { LeakyReLUBackward(dst, x, y, 0.01) },
		// x as a 64-row matrix with stride cols+3, and dst as one with
		// stride cols+1: rows and columns split with padding in between.
		"AddRowVector": func(dst []float32) { AddRowVector(rows, dst, cols+1, x[:cols]) },
		"SumRows":      func(dst []float32) { SumRows(dst[:cols], 0.5, rows, x, cols+3) },
	}
	for name, op := range ops {
		var want []float32
		for _, w := range []int{1, 2, 3, 8} {
			SetWorkers(w)
			dst := append([]float32(nil), y...)
			op(dst)
			if want == nil {
				want = dst
				// Check against the plain loop, element by element.
				ref := append([]float32(nil), y...)
				switch name {
				case "Axpy":
					axpy(ref, 0.37, x)
				case "LeakyReLU":
					leakyReLU(ref, x, 0.01)
				case "LeakyReLUBackward":
					leakyReLUBackward(ref, x, y, 0.01)
				case "AddRowVector":
					addRowVector(rows, ref, cols+1, x[:cols])
				case "SumRows":
					sumRows(ref[:cols], 0.5, rows, x, cols+3)
				}
				for i := range ref {
					if math.Float32bits(ref[i]) != math.Float32bits(dst[i]) {
						t.Fatalf("%s: element %d = %v, plain loop gives %v", name, i, dst[i], ref[i])
					}
				}
				continue
			}
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(dst[i]) {
					t.Fatalf("%s with %d workers: element %d = %v, one worker gave %v", name, w, i, dst[i], want[i])
				}
			}
			if !raceEnabled {
				if a := testing.AllocsPerRun(20, func() { op(dst) }); a != 0 {
					t.Errorf("%s with %d workers: %v allocations per call, want 0", name, w, a)
				}
			}
		}
	}
}
