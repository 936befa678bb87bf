package nn_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/gradcheck"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// directConv computes an identity-activation convolution straight from
// its definition, as the reference im2col must agree with.
func directConv(x []float64, in nn.Shape, w, b []float64, f, k, stride, pad int) []float64 {
	c, h, wd := in[0], in[1], in[2]
	oh, ow := (h+2*pad-k)/stride+1, (wd+2*pad-k)/stride+1
	out := make([]float64, f*oh*ow)
	for fi := range f {
		for oy := range oh {
			for ox := range ow {
				sum := 0.0
				if b != nil {
					sum = b[fi]
				}
				for ci := range c {
					for ki := range k {
						for kj := range k {
							iy, ix := oy*stride-pad+ki, ox*stride-pad+kj
							if iy < 0 || iy >= h || ix < 0 || ix >= wd {
								continue
							}
							sum += w[((fi*c+ci)*k+ki)*k+kj] * x[(ci*h+iy)*wd+ix]
						}
					}
				}
				out[(fi*oh+oy)*ow+ox] = sum
			}
		}
	}
	return out
}

func TestConv2DMatchesDefinition(t *testing.T) {
	identity := activation.Spec{Name: activation.NameIdentity}
	cases := []struct {
		name                   string
		in                     nn.Shape
		filters, k, stride, pd int
		noBias                 bool
	}{
		{"3×3", nn.Shape{2, 6, 5}, 3, 3, 1, 0, false},
		{"stride 2 pad 1", nn.Shape{1, 7, 6}, 2, 3, 2, 1, false},
		{"5×5 pad 2 no bias", nn.Shape{3, 5, 5}, 4, 5, 1, 2, true},
		{"1×1", nn.Shape{4, 3, 2}, 2, 1, 1, 0, false},
		{"stride 3", nn.Shape{2, 9, 8}, 2, 2, 3, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := nn.LayerSpec{Kind: nn.KindConv2D, Filters: c.filters, Kernel: c.k, Stride: c.stride, Padding: c.pd, Activation: identity, NoBias: c.noBias}
			l, err := nn.Build[float64](spec, c.in, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			var b []float64
			if !c.noBias {
				b = l.Params()[1].Value.Data
				for i := range b {
					b[i] = float64(i) - 0.5
				}
			}
			w := l.Params()[0].Value.Data
			x := randomMatrix[float64](rand.New(rand.NewPCG(3, 4)), 3, c.in.Size())
			got := l.Forward(x)
			for s := range x.Rows {
				want := directConv(x.Data[s*x.Cols:(s+1)*x.Cols], c.in, w, b, c.filters, c.k, c.stride, c.pd)
				row := got.Data[s*got.Cols : (s+1)*got.Cols]
				if len(row) != len(want) {
					t.Fatalf("sample %d: %d outputs, want %d", s, len(row), len(want))
				}
				for i := range want {
					if math.Abs(row[i]-want[i]) > 1e-12 {
						t.Fatalf("sample %d, output %d: got %v, want %v", s, i, row[i], want[i])
					}
				}
			}
		})
	}
}

func TestPool2DValues(t *testing.T) {
	// One channel, 4×4, values 0..15 row by row, with 15 moved to the
	// top left so that the maxima are not all bottom-right.
	x := tensor.New[float64](1, 16)
	for i := range x.Data {
		x.Data[i] = float64(i)
	}
	x.Data[0], x.Data[15] = 15, 0
	cases := []struct {
		kind           string
		k, stride, pad int
		want, wantGrad []float64
	}{
		{nn.KindMaxPool2D, 2, 2, 0, []float64{15, 7, 13, 14},
			[]float64{1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0}},
		{nn.KindAvgPool2D, 2, 2, 0, []float64{(15 + 1 + 4 + 5) / 4.0, (2 + 3 + 6 + 7) / 4.0, (8 + 9 + 12 + 13) / 4.0, (10 + 11 + 14 + 0) / 4.0},
			[]float64{.25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25}},
		// Padding: a 2×2 window at stride 2 starting one cell out; the
		// average counts the padding as zeros, as PyTorch does by default.
		{nn.KindMaxPool2D, 2, 2, 1, []float64{15, 2, 3, 8, 10, 11, 12, 14, 0},
			[]float64{1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1}},
		{nn.KindAvgPool2D, 2, 2, 1, []float64{15 / 4.0, 3 / 4.0, 3 / 4.0, 12 / 4.0, 30 / 4.0, 18 / 4.0, 12 / 4.0, 27 / 4.0, 0},
			[]float64{.25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25}},
	}
	for _, c := range cases {
		l, err := nn.Build[float64](nn.LayerSpec{Kind: c.kind, Kernel: c.k, Stride: c.stride, Padding: c.pad}, nn.Shape{1, 4, 4}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := l.Forward(x)
		if !sameSlices(got.Data, c.want) {
			t.Errorf("%s %d pad %d: got %v, want %v", c.kind, c.k, c.pad, got.Data, c.want)
		}
		ones := tensor.New[float64](1, len(c.want))
		for i := range ones.Data {
			ones.Data[i] = 1
		}
		if g := l.Backward(ones, true); !sameSlices(g.Data, c.wantGrad) {
			t.Errorf("%s %d pad %d: input gradient %v, want %v", c.kind, c.k, c.pad, g.Data, c.wantGrad)
		}
	}
}

// cnnSpec is a small network with every spatial kind, flattened into a
// dense layer.
func cnnSpec() nn.Spec {
	tanh := activation.Spec{Name: activation.NameTanh}
	return nn.Spec{Inputs: 2 * 8 * 7, InputShape: nn.Shape{2, 8, 7}, Layers: []nn.LayerSpec{
		{Kind: nn.KindConv2D, Filters: 3, Kernel: 3, Padding: 1, Activation: tanh},
		{Kind: nn.KindMaxPool2D, Kernel: 2},
		{Kind: nn.KindConv2D, Filters: 2, Kernel: 2, Activation: tanh},
		{Kind: nn.KindAvgPool2D, Kernel: 2, Stride: 1},
		{Units: 3, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
}

func TestConvNetworkGradient(t *testing.T) {
	spec := cnnSpec()
	net, err := nn.New[float64](spec, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := net.OutShape(), (nn.Shape{3}); !got.Equal(want) {
		t.Fatalf("OutShape %v, want %v", got, want)
	}
	if got, want := net.Layers[3].OutShape(), (nn.Shape{2, 2, 1}); !got.Equal(want) {
		t.Fatalf("the average pooling's OutShape %v, want %v", got, want)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	x := randomMatrix[float64](rng, 4, spec.Inputs)
	y := randomMatrix[float64](rng, 4, 3)
	rep := gradcheck.Check(net, loss.MSE[float64]{}, x, y, gradcheck.Options{Inputs: true})
	if !rep.OK() {
		t.Errorf("gradient check failed:\n%s", rep)
	}
}

// TestConvNetworkSameBitsAnyThreads wants a convolutional network's
// training to give the same bits whatever the number of threads.
func TestConvNetworkSameBitsAnyThreads(t *testing.T) {
	defer tensor.SetThreads(0)
	var first []float64
	for _, threads := range []int{1, 2, 3} {
		tensor.SetThreads(threads)
		net := nn.MustNew[float64](cnnSpec(), rand.New(rand.NewPCG(1, 1)))
		rng := rand.New(rand.NewPCG(2, 2))
		x := randomMatrix[float64](rng, 16, net.Inputs())
		y := randomMatrix[float64](rng, 16, 3)
		for range 3 {
			net.Step(loss.MSE[float64]{}, x, y, 0.1)
		}
		var got []float64
		for _, p := range net.Params() {
			got = append(got, p.Value.Data...)
		}
		if first == nil {
			first = got
		} else if !sameSlices(got, first) {
			t.Errorf("%d threads: weights differ from 1 thread's", threads)
		}
	}
}

func TestSpatialSpecErrors(t *testing.T) {
	cases := []struct {
		name string
		spec nn.LayerSpec
		in   nn.Shape
		want string
	}{
		{"conv on flat input", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 3}, nn.Shape{16}, "channels×height×width"},
		{"conv without filters", nn.LayerSpec{Kind: nn.KindConv2D, Kernel: 3}, nn.Shape{1, 4, 4}, "at least one filter"},
		{"conv without kernel", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2}, nn.Shape{1, 4, 4}, "kernel size of at least 1"},
		{"conv kernel too large", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 5}, nn.Shape{1, 4, 6}, "does not fit"},
		{"conv negative padding", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 3, Padding: -1}, nn.Shape{1, 4, 4}, "must not be negative"},
		{"conv negative stride", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 3, Stride: -1}, nn.Shape{1, 4, 4}, "stride of at least 1"},
		{"conv softmax", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 3, Activation: activation.Spec{Name: activation.NameSoftmax}}, nn.Shape{1, 4, 4}, "value by value"},
		{"conv with units", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 3, Units: 4}, nn.Shape{1, 4, 4}, "not units"},
		{"pool on flat input", nn.LayerSpec{Kind: nn.KindMaxPool2D, Kernel: 2}, nn.Shape{16}, "channels×height×width"},
		{"pool padding too large", nn.LayerSpec{Kind: nn.KindMaxPool2D, Kernel: 2, Padding: 2}, nn.Shape{1, 4, 4}, "at most half"},
		{"pool with activation", nn.LayerSpec{Kind: nn.KindAvgPool2D, Kernel: 2, Activation: activation.Spec{Name: activation.NameReLU}}, nn.Shape{1, 4, 4}, "no units"},
		{"pool too large", nn.LayerSpec{Kind: nn.KindAvgPool2D, Kernel: 5}, nn.Shape{1, 4, 4}, "does not fit"},
	}
	for _, c := range cases {
		_, err := nn.Build[float64](c.spec, c.in, rand.New(rand.NewPCG(1, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	// A network spec whose input shape does not hold its inputs.
	s := nn.Spec{Inputs: 10, InputShape: nn.Shape{1, 3, 3}, Layers: []nn.LayerSpec{{Units: 1}}}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "does not hold 10 inputs") {
		t.Errorf("Validate: got %v, want the input shape refused", err)
	}
}

func benchmarkCNN[T tensor.Float](b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	relu := activation.Spec{Name: activation.NameReLU}
	net := nn.MustNew[T](nn.Spec{Inputs: 784, InputShape: nn.Shape{1, 28, 28}, Layers: []nn.LayerSpec{
		{Kind: nn.KindConv2D, Filters: 32, Kernel: 3},
		{Kind: nn.KindMaxPool2D, Kernel: 2},
		{Kind: nn.KindConv2D, Filters: 64, Kernel: 3},
		{Kind: nn.KindMaxPool2D, Kernel: 2},
		{Units: 128, Activation: relu},
		{Units: 10, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}, rng)
	const batch = 64
	x := tensor.New[T](batch, 784)
	y := tensor.New[T](batch, 10)
	for i := range x.Data {
		x.Data[i] = T(rng.Float64())
	}
	for i := range batch {
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

// BenchmarkConv2DMNISTStep is one SGD step of the MNIST-shaped
// network (conv 32×3×3, max pool 2, conv 64×3×3, max pool 2, 128, 10) on
// a batch of 64.
func BenchmarkConv2DMNISTStep(b *testing.B) {
	b.Run("float32", benchmarkCNN[float32])
	b.Run("float64", benchmarkCNN[float64])
}

// TestConv2DBlocksAddUp runs convolutions whose batch is cut into several
// blocks of samples and those into several shards (the last block
// shorter), and wants the batch's weight, bias and input gradients to be
// the per-sample ones added up, and its outputs the per-sample ones.
func TestConv2DBlocksAddUp(t *testing.T) {
	relu := activation.Spec{Name: activation.NameReLU}
	tanh := activation.Spec{Name: activation.NameTanh}
	for _, c := range []struct {
		name    string
		in      nn.Shape
		filters int
		act     activation.Spec
		batch   int
	}{
		// (16·3·3 + 5) × 24·24 a sample, more than a block aims at:
		// a block a sample, 29 blocks in 8 shards.
		{"relu, 3 blocks", nn.Shape{16, 26, 26}, 5, relu, 29},
		// (1·3·3 + 3) × 40·40 windows and outputs: 6 samples a block
		// (the last 5), 14 blocks in 8 shards.
		{"tanh, 10 blocks", nn.Shape{1, 42, 42}, 3, tanh, 83},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := nn.LayerSpec{Kind: nn.KindConv2D, Filters: c.filters, Kernel: 3, Activation: c.act}
			l, err := nn.Build[float64](spec, c.in, rand.New(rand.NewPCG(5, 6)))
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, 8))
			x := randomMatrix[float64](rng, c.batch, c.in.Size())
			da := randomMatrix[float64](rng, c.batch, l.OutShape().Size())
			gw, gb := l.Params()[0].Grad, l.Params()[1].Grad
			gw.Zero()
			gb.Zero()
			out := l.Forward(x).Clone()
			dx := l.Backward(da, true).Clone()
			batchW, batchB := gw.Clone(), gb.Clone()
			gw.Zero()
			gb.Zero()
			for s := range c.batch {
				xs := tensor.FromSlice(1, x.Cols, x.Data[s*x.Cols:(s+1)*x.Cols])
				das := tensor.FromSlice(1, da.Cols, da.Data[s*da.Cols:(s+1)*da.Cols])
				closeTo(t, "output", l.Forward(xs).Data, out.Data[s*out.Cols:(s+1)*out.Cols])
				closeTo(t, "input gradient", l.Backward(das, true).Data, dx.Data[s*dx.Cols:(s+1)*dx.Cols])
			}
			closeTo(t, "weight gradient", gw.Data, batchW.Data)
			closeTo(t, "bias gradient", gb.Data, batchB.Data)
		})
	}
}

// closeTo wants got and want equal to 1e-12 relative.
func closeTo(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > 1e-12*max(1, math.Abs(want[i])) {
			t.Fatalf("%s [%d]: got %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestConv2DSameBitsAnyThreads trains a float32 convolution whose batch
// is cut into several shards, at 1, 2 and 3 threads, and wants the same
// weights bit for bit.
func TestConv2DSameBitsAnyThreads(t *testing.T) {
	defer tensor.SetThreads(0)
	spec := nn.Spec{Inputs: 8 * 14 * 14, InputShape: nn.Shape{8, 14, 14}, Layers: []nn.LayerSpec{
		{Kind: nn.KindConv2D, Filters: 6, Kernel: 3},
		{Kind: nn.KindMaxPool2D, Kernel: 2},
		{Kind: nn.KindConv2D, Filters: 4, Kernel: 3, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 3, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	var first []float32
	for _, threads := range []int{1, 2, 3} {
		tensor.SetThreads(threads)
		net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 1)))
		rng := rand.New(rand.NewPCG(2, 2))
		x := randomMatrix[float32](rng, 100, net.Inputs())
		y := randomMatrix[float32](rng, 100, 3)
		for range 3 {
			net.Step(loss.MSE[float32]{}, x, y, 0.1)
		}
		var got []float32
		for _, p := range net.Params() {
			got = append(got, p.Value.Data...)
		}
		if first == nil {
			first = got
		} else if !sameSlices(got, first) {
			t.Errorf("%d threads: weights differ from 1 thread's", threads)
		}
	}
}
