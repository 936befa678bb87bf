package nn_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// TestBatchNormStatistics checks the numbers PyTorch's BatchNorm1d gives
// for a small batch worked by hand: the output in training mode, the
// running statistics after the step (momentum 0.1, unbiased variance),
// and the output in evaluation mode from those statistics.
func TestBatchNormStatistics(t *testing.T) {
	b := nn.NewBatchNorm[float64]("bn", nn.Shape{2})
	// Feature 0 is 1, 3 (mean 2, biased variance 1, unbiased 2);
	// feature 1 is 5, 5 (variance 0).
	x := tensor.FromRows([][]float64{{1, 5}, {3, 5}})
	out := b.Forward(x)
	s := 1 / math.Sqrt(1+1e-5)
	want := []float64{-s, 0, s, 0}
	for i, w := range want {
		if math.Abs(out.Data[i]-w) > 1e-15 {
			t.Errorf("training output[%d] = %v, want %v", i, out.Data[i], w)
		}
	}
	tests := []struct {
		name      string
		got, want []float64
	}{
		{"running_mean", b.RunningMean.Value.Data, []float64{0.1 * 2, 0.1 * 5}},
		{"running_var", b.RunningVar.Value.Data, []float64{0.9 + 0.1*2, 0.9}},
	}
	for _, tt := range tests {
		for i := range tt.want {
			if math.Abs(tt.got[i]-tt.want[i]) > 1e-15 {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
				break
			}
		}
	}
	b.SetTraining(false)
	out = b.Forward(tensor.FromRows([][]float64{{2, 5}}))
	want = []float64{(2 - 0.2) / math.Sqrt(1.1+1e-5), (5 - 0.5) / math.Sqrt(0.9+1e-5)}
	for i, w := range want {
		if math.Abs(out.Data[i]-w) > 1e-15 {
			t.Errorf("evaluation output[%d] = %v, want %v", i, out.Data[i], w)
		}
	}
}

// TestBatchNormChannels checks that a C×H×W sample is normalised per
// channel over the batch and the positions, as BatchNorm2d does, and that
// one value per channel leaves the running variance alone (its unbiased
// estimate would divide by zero; PyTorch refuses such a batch).
func TestBatchNormChannels(t *testing.T) {
	b := nn.NewBatchNorm[float64]("", nn.Shape{2, 1, 2})
	// Channel 0 holds 0, 2, 4, 6 over two samples, channel 1 all 7s.
	x := tensor.FromRows([][]float64{{0, 2, 7, 7}, {4, 6, 7, 7}})
	out := b.Forward(x)
	// Mean 3, biased variance 5.
	for i, v := range []float64{0, 2, 4, 6} {
		j := []int{0, 1, 4, 5}[i]
		if w := (v - 3) / math.Sqrt(5+1e-5); math.Abs(out.Data[j]-w) > 1e-15 {
			t.Errorf("output[%d] = %v, want %v", j, out.Data[j], w)
		}
	}
	if got, want := b.RunningVar.Value.Data[0], 0.9+0.1*20.0/3; math.Abs(got-want) > 1e-15 {
		t.Errorf("channel 0 running_var = %v, want %v", got, want)
	}
	one := nn.NewBatchNorm[float64]("", nn.Shape{3})
	one.Forward(tensor.FromRows([][]float64{{1, 2, 3}}))
	for i, v := range one.RunningVar.Value.Data {
		if v != 1 {
			t.Errorf("after a batch of one, running_var[%d] = %v, want 1 (unchanged)", i, v)
		}
	}
	if got, want := one.RunningMean.Value.Data[2], 0.3; math.Abs(got-want) > 1e-15 {
		t.Errorf("after a batch of one, running_mean[2] = %v, want %v", got, want)
	}
}

// TestBatchNormBuffers checks that the running statistics are a network's
// Buffers, not its Params, in the order and with the names
// Spec.BufferLayout gives, and that a Clone copies them.
func TestBatchNormBuffers(t *testing.T) {
	spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{{Units: 4}, {Kind: nn.KindBatchNorm}, {Units: 1}}}
	net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 2)))
	layout, err := spec.BufferLayout()
	if err != nil {
		t.Fatal(err)
	}
	bufs := net.Buffers()
	if len(bufs) != len(layout) || len(bufs) != 2 {
		t.Fatalf("%d buffers, layout %d, want 2", len(bufs), len(layout))
	}
	for i, b := range bufs {
		if b.Name != layout[i].Name || b.Value.Rows != layout[i].Rows || b.Value.Cols != layout[i].Cols {
			t.Errorf("buffer %d is %s %d×%d, layout says %+v", i, b.Name, b.Value.Rows, b.Value.Cols, layout[i])
		}
	}
	if got, want := bufs[0].Name+" "+bufs[1].Name, "layer2.running_mean layer2.running_var"; got != want {
		t.Errorf("buffer names %q, want %q", got, want)
	}
	for _, p := range net.Params() {
		if strings.Contains(p.Name, "running") {
			t.Errorf("%s is among the trained parameters", p.Name)
		}
	}
	bufs[0].Value.Data[1] = 0.25
	if got := net.Clone().Buffers()[0].Value.Data[1]; got != 0.25 {
		t.Errorf("the clone's running_mean[1] = %v, want 0.25", got)
	}
	if got, want := net.Spec().String(), "3 → 4 sigmoid → batchnorm → 1 sigmoid"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
