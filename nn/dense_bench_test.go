//go:build unix

package nn_test

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// benchmarkStep times SGD steps of a 784-hidden...-10 ReLU network in
// float32 on one batch.
func benchmarkStep(b *testing.B, hidden []int, batch int) {
	rng := rand.New(rand.NewPCG(1, 1))
	spec := nn.Spec{Inputs: 784}
	for _, h := range hidden {
		spec.Layers = append(spec.Layers, nn.LayerSpec{Units: h, Activation: activation.Spec{Name: activation.NameReLU}})
	}
	spec.Layers = append(spec.Layers, nn.LayerSpec{Units: 10, Activation: activation.Spec{Name: activation.NameIdentity}})
	net := nn.MustNew[float32](spec, rng)
	x := tensor.New[float32](batch, 784)
	y := tensor.New[float32](batch, 10)
	for i := range x.Data {
		x.Data[i] = float32(rng.Float64())
	}
	for i := range batch {
		y.Set(i, rng.IntN(10), 1)
	}
	var l loss.Loss[float32] = loss.SoftmaxCrossEntropy[float32]{}
	net.Step(l, x, y, 0.01)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		net.Step(l, x, y, 0.01)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
	// The process's processor time per step: on a machine that other
	// work shares, steadier than the wall-clock time.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the processor time the process has used, in
// nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkDenseStep is one SGD step of 784-256-128-10 and
// 784-1024-1024-10 ReLU networks in float32, named by batch size: the
// rows of bench/compare.sh.
func BenchmarkDenseStep(b *testing.B) {
	for _, batch := range []int{16, 64, 256, 1024} {
		b.Run(fmt.Sprintf("784-256-128-10/b%d", batch), func(b *testing.B) { benchmarkStep(b, []int{256, 128}, batch) })
	}
	for _, batch := range []int{64, 512} {
		b.Run(fmt.Sprintf("784-1024-1024-10/b%d", batch), func(b *testing.B) { benchmarkStep(b, []int{1024, 1024}, batch) })
	}
}
