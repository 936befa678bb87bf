package optim_test

import (
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// mnistShapes are the weights and biases of the 784-256-128-10 network that
// descent bench -workload mnist trains: 235,146 values in all.
var mnistShapes = [][2]int{{784, 256}, {1, 256}, {256, 128}, {1, 128}, {128, 10}, {1, 10}}

// benchParams returns parameters shaped like mnistShapes, with seeded
// random values and gradients.
func benchParams[T tensor.Float]() []*nn.Param[T] {
	rng := rand.New(rand.NewPCG(1, 2))
	var ps []*nn.Param[T]
	for _, s := range mnistShapes {
		p := &nn.Param[T]{Value: tensor.New[T](s[0], s[1]), Grad: tensor.New[T](s[0], s[1])}
		for j := range p.Value.Data {
			p.Value.Data[j] = T(rng.NormFloat64() * 0.05)
			p.Grad.Data[j] = T(rng.NormFloat64() * 0.01)
		}
		ps = append(ps, p)
	}
	return ps
}

func benchStep[T tensor.Float](b *testing.B, opt optim.Optimizer[T]) {
	ps := benchParams[T]()
	opt.Step(ps, 1e-3) // allocate the state outside the timed loop
	b.ResetTimer()
	for b.Loop() {
		opt.Step(ps, 1e-3)
	}
}

func BenchmarkAdamStep235146Float32(b *testing.B)  { benchStep(b, &optim.Adam[float32]{}) }
func BenchmarkAdamWStep235146Float32(b *testing.B) { benchStep(b, &optim.AdamW[float32]{}) }
func BenchmarkAdamStep235146Float64(b *testing.B)  { benchStep(b, &optim.Adam[float64]{}) }
func BenchmarkSGDStep235146Float32(b *testing.B)   { benchStep(b, &optim.SGD[float32]{}) }
