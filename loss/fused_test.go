package loss

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// fusedCase fills a batch of logits and (smoothed or soft) targets.
func fusedCase[T tensor.Float](rows, cols int, soft bool, rng *rand.Rand) (pred, target *tensor.Matrix[T]) {
	pred, target = tensor.New[T](rows, cols), tensor.New[T](rows, cols)
	for i := range rows {
		for c := range cols {
			pred.Set(i, c, T(rng.NormFloat64()*3))
		}
		if i%5 == 3 {
			// A saturated row: logits hundreds apart, so that some
			// exponentials fall outside kernel.Exp's vector range.
			for c := range cols {
				pred.Set(i, c, T(rng.NormFloat64()*400))
			}
		}
		if soft {
			for c := range cols {
				target.Set(i, c, T(rng.Float64()/float64(cols)))
			}
			continue
		}
		target.Set(i, rng.IntN(cols), 1)
	}
	return pred, target
}

// TestSoftmaxForwardBackwardSameBits: the fused call gives Forward's value
// and Backward's gradient bit for bit, for any batch size (around the
// parts of 16 rows), smoothing, reduction, precision and worker count.
func TestSoftmaxForwardBackwardSameBits(t *testing.T) {
	defer kernel.SetWorkers(0)
	for _, workers := range []int{1, 2, 3} {
		kernel.SetWorkers(workers)
		testFusedSameBits[float32](t, workers)
		testFusedSameBits[float64](t, workers)
	}
}

func testFusedSameBits[T tensor.Float](t *testing.T, workers int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, uint64(workers)))
	for _, rows := range []int{1, 15, 16, 17, 64, 100} {
		for _, soft := range []bool{false, true} {
			for _, smoothing := range []float64{0, 0.1} {
				for _, red := range []Reduction{Mean, Sum} {
					l := SoftmaxCrossEntropy[T]{Reduction: red, Smoothing: smoothing}
					pred, target := fusedCase[T](rows, 10, soft, rng)
					want := tensor.New[T](rows, 10)
					wantV := l.Forward(pred, target)
					l.Backward(want, pred, target)
					got := tensor.New[T](rows, 10)
					// Stale values must not leak through.
					for i := range got.Data {
						got.Data[i] = T(math.NaN())
					}
					gotV := ValueAndGrad[T](l, got, pred, target)
					if math.Float64bits(gotV) != math.Float64bits(wantV) {
						t.Errorf("%d workers, %d rows, soft %v, smoothing %g, %v: value %v, want %v", workers, rows, soft, smoothing, red, gotV, wantV)
					}
					if !slices.Equal(got.Data, want.Data) {
						t.Errorf("%d workers, %d rows, soft %v, smoothing %g, %v: gradients differ", workers, rows, soft, smoothing, red)
					}
				}
			}
		}
	}
}

// TestValueAndGradOtherLosses: a loss that is not fused gets Forward and
// Backward.
func TestValueAndGradOtherLosses(t *testing.T) {
	pred := m([]float64{0.5, 0.2}, []float64{0.1, 0.9})
	target := m([]float64{0.3, 0.0}, []float64{0.0, 1.0})
	grad := tensor.New[float64](2, 2)
	l := MSE[float64]{Mean}
	if v := ValueAndGrad[float64](l, grad, pred, target); v != l.Forward(pred, target) {
		t.Errorf("value %v, want %v", v, l.Forward(pred, target))
	}
	want := tensor.New[float64](2, 2)
	l.Backward(want, pred, target)
	if !slices.Equal(grad.Data, want.Data) {
		t.Errorf("gradient %v, want %v", grad.Data, want.Data)
	}
}
