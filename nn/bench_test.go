package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

func benchmarkMLP[T tensor.Float](b *testing.B, hidden []int, batch int) {
	rng := rand.New(rand.NewPCG(1, 1))
	relu := activation.Spec{Name: activation.NameReLU}
	var layers []nn.LayerSpec
	for _, h := range hidden {
		layers = append(layers, nn.LayerSpec{Units: h, Activation: relu})
	}
	layers = append(layers, nn.LayerSpec{Units: 10, Activation: activation.Spec{Name: activation.NameIdentity}})
	net := nn.MustNew[T](nn.Spec{Inputs: 784, Layers: layers}, rng)
	x := tensor.New[T](batch, 784)
	y := tensor.New[T](batch, 10)
	for i := range x.Data {
		x.Data[i] = T(rng.Float64())
	}
	for i := 0; i < batch; i++ {
		y.Set(i, rng.IntN(10), 1)
	}
	l := loss.SoftmaxCrossEntropy[T]{}
	net.Step(l, x, y, 0.01)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		net.Step(l, x, y, 0.01)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkMLPStep is one SGD step (forward, loss, backward, update) of a
// 784-256-128-10 ReLU network on a batch of 64.
func BenchmarkMLPStep(b *testing.B) {
	b.Run("float32", func(b *testing.B) { benchmarkMLP[float32](b, []int{256, 128}, 64) })
	b.Run("float64", func(b *testing.B) { benchmarkMLP[float64](b, []int{256, 128}, 64) })
}

// BenchmarkWideMLPStep is BenchmarkMLPStep for 784-1024-1024-10 on a
// batch of 512.
func BenchmarkWideMLPStep(b *testing.B) {
	b.Run("float32", func(b *testing.B) { benchmarkMLP[float32](b, []int{1024, 1024}, 512) })
}

// BenchmarkTutorialStep is one iteration of the tutorial's 1-input network.
func BenchmarkTutorialStep(b *testing.B) {
	net := tutorialNet(0.5)
	x := tensor.FromRows([][]float64{{0.1}})
	y := tensor.FromRows([][]float64{{0.3}})
	l := loss.SquaredError[float64]{Reduction: loss.Sum}
	b.ReportAllocs()
	for b.Loop() {
		net.Step(l, x, y, 0.5)
	}
}

// BenchmarkTinyStep is one SGD step of the 2-8-1 sigmoid network with
// biases at batch 1 (mean squared error), cycling over a few samples like
// `descent bench -workload tiny`.
func BenchmarkTinyStep(b *testing.B) {
	b.Run("float32", benchmarkTiny[float32])
	b.Run("float64", benchmarkTiny[float64])
}

func benchmarkTiny[T tensor.Float](b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := nn.MustNew[T](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 8}, {Units: 1}}}, rng)
	const samples = 64
	xs := tensor.New[T](samples, 2)
	ys := tensor.New[T](samples, 1)
	for i := range samples {
		a, c := 2*rng.Float64()-1, 2*rng.Float64()-1
		xs.Set(i, 0, T(a))
		xs.Set(i, 1, T(c))
		if a*c > 0 {
			ys.Set(i, 0, 1)
		}
	}
	l := loss.MSE[T]{}
	// x and y are declared outside the loop so that the benchmark times
	// the step, not the allocation of two escaping headers.
	var x, y tensor.Matrix[T]
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		j := i % samples
		x = tensor.Matrix[T]{Rows: 1, Cols: 2, Data: xs.Data[2*j : 2*j+2]}
		y = tensor.Matrix[T]{Rows: 1, Cols: 1, Data: ys.Data[j : j+1]}
		net.Step(l, &x, &y, 0.1)
		i++
	}
}

// BenchmarkTutorialHandLoop is the same iteration written as a plain Go
// loop, the floor the network's per-step overhead is measured against.
func BenchmarkTutorialHandLoop(b *testing.B) {
	const x, target, lr = 0.1, 0.3, 0.5
	w := 0.5
	b.ReportAllocs()
	for b.Loop() {
		pred := 1 / (1 + math.Exp(-x*w))
		w -= lr * 2 * (pred - target) * pred * (1 - pred) * x
	}
	sink = w
}

var sink float64
