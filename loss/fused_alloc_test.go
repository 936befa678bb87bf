//go:build !race

// The race detector makes sync.Pool drop items on purpose, so allocation
// counts mean nothing under it.

package loss

import (
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// TestSoftmaxForwardBackwardNoAllocs: after the first call, a step's loss
// allocates nothing, split between the cores or not.
func TestSoftmaxForwardBackwardNoAllocs(t *testing.T) {
	defer kernel.SetWorkers(0)
	rng := rand.New(rand.NewPCG(1, 2))
	pred, target := fusedCase[float32](64, 10, false, rng)
	grad := tensor.New[float32](64, 10)
	l := SoftmaxCrossEntropy[float32]{Reduction: Mean, Smoothing: 0.1}
	for _, w := range []int{1, 2} {
		kernel.SetWorkers(w)
		l.ForwardBackward(grad, pred, target)
		if a := testing.AllocsPerRun(50, func() { l.ForwardBackward(grad, pred, target) }); a != 0 {
			t.Errorf("%d workers: %v allocations a call, want 0", w, a)
		}
	}
}
