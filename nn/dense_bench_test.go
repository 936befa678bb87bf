//go:build unix

package nn_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// benchmarkStep times SGD steps of a 784-hidden...-10 ReLU network in
// float32 on one batch.
func benchmarkStep(b *testing.B, hidden []int, batch int) {
	net, l, x, y := stepSetup(hidden, batch)
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

// stepSetup returns a 784-hidden...-10 ReLU network in float32, softmax
// cross-entropy and a random batch of MNIST's shape.
func stepSetup(hidden []int, batch int) (*nn.Network[float32], loss.Loss[float32], *tensor.Matrix[float32], *tensor.Matrix[float32]) {
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
	return net, l, x, y
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

// BenchmarkShardedVsLayered alternates, step by step, the data-parallel
// step and the layer-by-layer one on the same network and batch, so that
// both see the same machine (others' work on a shared machine moves a
// step's time severalfold within a minute), and the layer-by-layer step
// on one worker, and reports the median time of each and the speedup of
// the data-parallel step over the layer-by-layer one.
func BenchmarkShardedVsLayered(b *testing.B) {
	for _, c := range []struct {
		hidden []int
		batch  int
		force  int // shards forced on the data-parallel step, 0 for its own choice
	}{{[]int{256, 128}, 64, 2}, {[]int{256, 128}, 128, 0}, {[]int{256, 128}, 256, 0}, {[]int{256, 128}, 1024, 0}, {[]int{1024, 1024}, 512, 0}} {
		// 784-1024-1024-10 takes the layer-by-layer step both ways: its
		// ratio shows the noise. Batch 64 is forced into two shards of 32
		// rows, which minShardRows refuses.
		b.Run(fmt.Sprintf("784-%d-%d-10/b%d", c.hidden[0], c.hidden[1], c.batch), func(b *testing.B) {
			net, l, x, y := stepSetup(c.hidden, c.batch)
			nn.ForceShards(net, c.force)
			// Sharded, layer by layer, and layer by layer on one worker.
			var times [3][]time.Duration
			defer tensor.SetThreads(0)
			for b.Loop() {
				for i := range times {
					nn.UseLayerByLayer(net, i > 0)
					if i == 2 {
						tensor.SetThreads(1)
					}
					t0 := time.Now()
					net.Step(l, x, y, 0.01)
					times[i] = append(times[i], time.Since(t0))
					tensor.SetThreads(0)
				}
			}
			sh, ly, one := median(times[0]), median(times[1]), median(times[2])
			b.ReportMetric(sh, "sharded-µs")
			b.ReportMetric(ly, "layered-µs")
			b.ReportMetric(one, "1-thread-µs")
			b.ReportMetric(ly/sh, "speedup")
		})
	}
}

// BenchmarkShardCost alternates, step by step on one worker, the
// layer-by-layer step and the data-parallel one with 2, 4 and 8 shards:
// what cutting the batch costs a core (each shard packs the weights for
// its products again), apart from what sharing the cores gains.
func BenchmarkShardCost(b *testing.B) {
	for _, c := range []struct {
		hidden []int
		batch  int
	}{{[]int{256, 128}, 64}, {[]int{256, 128}, 256}, {[]int{256, 128}, 1024}, {[]int{1024, 1024}, 64}, {[]int{1024, 1024}, 512}} {
		b.Run(fmt.Sprintf("784-%d-%d-10/b%d", c.hidden[0], c.hidden[1], c.batch), func(b *testing.B) {
			net, l, x, y := stepSetup(c.hidden, c.batch)
			shards := []int{0, 2, 4, 8}
			times := make([][]time.Duration, len(shards))
			defer tensor.SetThreads(0)
			tensor.SetThreads(1)
			for b.Loop() {
				for i, s := range shards {
					nn.UseLayerByLayer(net, s == 0)
					nn.ForceShards(net, s)
					t0 := time.Now()
					net.Step(l, x, y, 0.01)
					times[i] = append(times[i], time.Since(t0))
				}
			}
			base := median(times[0])
			b.ReportMetric(base, "layered-µs")
			for i, s := range shards[1:] {
				b.ReportMetric(median(times[i+1])/base, fmt.Sprintf("x%d-shards", s))
			}
		})
	}
}

// median returns the median of d in microseconds, sorting d.
func median(d []time.Duration) float64 {
	slices.Sort(d)
	return float64(d[len(d)/2].Microseconds())
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

// BenchmarkBothAtOnce alternates, step by step at the default worker
// count, the layer-by-layer step with each dense layer's two gradient
// products computed at the same time (one a core) and one after the other
// (each split between the cores), and reports the median step of each and
// the speedup.
func BenchmarkBothAtOnce(b *testing.B) {
	for _, c := range []struct {
		hidden []int
		batch  int
	}{{[]int{256, 128}, 16}, {[]int{256, 128}, 32}, {[]int{256, 128}, 64}, {[]int{1024, 1024}, 64}} {
		b.Run(fmt.Sprintf("784-%d-%d-10/b%d", c.hidden[0], c.hidden[1], c.batch), func(b *testing.B) {
			net, l, x, y := stepSetup(c.hidden, c.batch)
			nn.UseLayerByLayer(net, true)
			var times [2][]time.Duration
			for b.Loop() {
				for i := range times {
					nn.UseBothAtOnce(net, i == 0)
					t0 := time.Now()
					net.Step(l, x, y, 0.01)
					times[i] = append(times[i], time.Since(t0))
				}
			}
			both, one := median(times[0]), median(times[1])
			b.ReportMetric(both, "both-µs")
			b.ReportMetric(one, "one-µs")
			b.ReportMetric(one/both, "speedup")
		})
	}
}
