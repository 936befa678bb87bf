package parity

import (
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// convGolden is testdata/conv.json, written by gen_conv.py.
type convGolden struct {
	Torch  string
	Layers []struct {
		Name                    string
		Kind                    string
		Shape                   []int
		Filters, Kernel, Stride int
		Padding                 int
		Weight                  [][]float64
		Bias                    []float64
		X, Y, DY, DX, DWeight   [][]float64
		DBias                   []float64
	}
	Train struct {
		InputShape  []int `json:"input_shape"`
		Outputs     int
		LR          float64
		X, Y        [][]float64
		Init, Final [][][]float64
		Losses      []float64
		Output      [][]float64
	}
}

// TestConvPoolMatchPyTorch runs descent's conv2d, maxpool2d and
// avgpool2d layers on the batches PyTorch's Conv2d, MaxPool2d and
// AvgPool2d saw, from the same weights: the output and the gradients of
// the input and of the weights.
func TestConvPoolMatchPyTorch(t *testing.T) {
	var g convGolden
	load(t, "conv.json", &g)
	identity := activation.Spec{Name: activation.NameIdentity}
	for _, c := range g.Layers {
		t.Run(c.Name, func(t *testing.T) {
			spec := nn.LayerSpec{Kind: c.Kind, Kernel: c.Kernel, Stride: c.Stride, Padding: c.Padding}
			if c.Kind == nn.KindConv2D {
				// PyTorch's Conv2d has no activation of its own.
				spec.Filters, spec.Activation = c.Filters, identity
			}
			l, err := nn.Build[float64](spec, nn.Shape(c.Shape), rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			ps := l.Params()
			if c.Kind == nn.KindConv2D {
				copy(ps[0].Value.Data, tensor.FromRows(c.Weight).Data)
				copy(ps[1].Value.Data, c.Bias)
			}
			y := l.Forward(tensor.FromRows(c.X)).Clone()
			dx := l.Backward(tensor.FromRows(c.DY), true).Clone()
			type check struct {
				what      string
				got, want []float64
			}
			checks := []check{
				{"output", y.Data, tensor.FromRows(c.Y).Data},
				{"input gradient", dx.Data, tensor.FromRows(c.DX).Data},
			}
			if c.Kind == nn.KindConv2D {
				checks = append(checks,
					check{"weight gradient", ps[0].Grad.Data, tensor.FromRows(c.DWeight).Data},
					check{"bias gradient", ps[1].Grad.Data, c.DBias})
			}
			for _, ch := range checks {
				e := worst(ch.got, ch.want)
				t.Logf("%s: worst relative difference %.2e", ch.what, e)
				if !(e <= tolerance) {
					t.Errorf("%s differs from PyTorch %s by %.3g, want ≤ %g:\ngot  %v\nwant %v", ch.what, g.Torch, e, tolerance, ch.got, ch.want)
				}
			}
		})
	}
}

// TestCNNTrainingMatchesPyTorch trains 1×10×10 → conv 3×3×3 pad 1 tanh →
// maxpool 2 → conv 4×2×2 relu → avgpool 2 → dense 3 from PyTorch's
// starting weights for 20 full-batch SGD steps and compares every loss,
// the final parameters and the final output.
func TestCNNTrainingMatchesPyTorch(t *testing.T) {
	var g convGolden
	load(t, "conv.json", &g)
	tr := g.Train
	layers, err := nn.ParseLayers("conv:3:3:1:1:tanh,maxpool:2,conv:4:2:relu,avgpool:2,dense:3:identity")
	if err != nil {
		t.Fatal(err)
	}
	spec := nn.Spec{InputShape: nn.Shape(tr.InputShape), Inputs: nn.Shape(tr.InputShape).Size(), Layers: layers}
	x, y := tensor.FromRows(tr.X), tensor.FromRows(tr.Y)
	net, worstLoss, worstParam := stepLikeTorch(t, spec, tr.Init, tr.Final, x, y, tr.LR, tr.Losses)
	worstOut := maxRelErr(net.Forward(x).Data, tr.Output)
	t.Logf("after %d steps, worst relative differences: losses %.2e, parameters %.2e, output %.2e",
		len(tr.Losses), worstLoss, worstParam, worstOut)
	for _, e := range []struct {
		what string
		v    float64
	}{{"losses", worstLoss}, {"parameters", worstParam}, {"output", worstOut}} {
		if !(e.v <= tolerance) {
			t.Errorf("%s differ from PyTorch %s by %.3g, want ≤ %g", e.what, g.Torch, e.v, tolerance)
		}
	}
}
