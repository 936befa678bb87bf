package nn_test

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
)

func TestParseLayers(t *testing.T) {
	relu := activation.Spec{Name: activation.NameReLU}
	tests := []struct {
		in   string
		want []nn.LayerSpec
	}{
		{"", nil},
		{" ", nil},
		{"128", []nn.LayerSpec{{Units: 128}}},
		{"128, dropout:0.2 ,64", []nn.LayerSpec{{Units: 128}, {Kind: nn.KindDropout, Rate: 0.2}, {Units: 64}}},
		{"dense:32:relu,DROPOUT:0", []nn.LayerSpec{{Units: 32, Activation: relu}, {Kind: nn.KindDropout}}},
		{"dense:8:leaky_relu:0.1", []nn.LayerSpec{{Units: 8, Activation: activation.Spec{Name: activation.NameLeakyReLU, Slope: 0.1}}}},
		{"dense:8", []nn.LayerSpec{{Units: 8}}},
		{"4,batchnorm,2", []nn.LayerSpec{{Units: 4}, {Kind: nn.KindBatchNorm}, {Units: 2}}},
		// The CNN: a stride and padding left out are the defaults.
		{"conv:32:3,maxpool:2,conv:64:3,avgpool:2,128", []nn.LayerSpec{
			{Kind: nn.KindConv2D, Filters: 32, Kernel: 3}, {Kind: nn.KindMaxPool2D, Kernel: 2},
			{Kind: nn.KindConv2D, Filters: 64, Kernel: 3}, {Kind: nn.KindAvgPool2D, Kernel: 2}, {Units: 128}}},
		{"conv:8:5:2:1", []nn.LayerSpec{{Kind: nn.KindConv2D, Filters: 8, Kernel: 5, Stride: 2, Padding: 1}}},
		{"conv:8:5:2", []nn.LayerSpec{{Kind: nn.KindConv2D, Filters: 8, Kernel: 5, Stride: 2}}},
		// Stride 1 is the default, kept as zero so the spec equals conv:8:3:0:1's.
		{"conv:8:3:1:1:tanh", []nn.LayerSpec{{Kind: nn.KindConv2D, Filters: 8, Kernel: 3, Padding: 1, Activation: activation.Spec{Name: activation.NameTanh}}}},
		{"conv:4:3:relu", []nn.LayerSpec{{Kind: nn.KindConv2D, Filters: 4, Kernel: 3, Activation: relu}}},
		{"Conv:4:3:2:0:leaky_relu:0.1", []nn.LayerSpec{{Kind: nn.KindConv2D, Filters: 4, Kernel: 3, Stride: 2, Activation: activation.Spec{Name: activation.NameLeakyReLU, Slope: 0.1}}}},
		// The registry's names are read too.
		{"conv2d:4:3,maxpool2d:2,avgpool2d:3", []nn.LayerSpec{{Kind: nn.KindConv2D, Filters: 4, Kernel: 3}, {Kind: nn.KindMaxPool2D, Kernel: 2}, {Kind: nn.KindAvgPool2D, Kernel: 3}}},
		{"maxpool:3:2", []nn.LayerSpec{{Kind: nn.KindMaxPool2D, Kernel: 3, Stride: 2}}},
		{"avgpool:3:3:1", []nn.LayerSpec{{Kind: nn.KindAvgPool2D, Kernel: 3, Padding: 1}}},
		{"maxpool:2:2", []nn.LayerSpec{{Kind: nn.KindMaxPool2D, Kernel: 2}}},
	}
	for _, tt := range tests {
		got, err := nn.ParseLayers(tt.in)
		if err != nil {
			t.Errorf("ParseLayers(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseLayers(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		// FormatLayers writes what ParseLayers reads back the same.
		back, err := nn.ParseLayers(nn.FormatLayers(got))
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("ParseLayers(FormatLayers(%+v) = %q) = %+v, %v", got, nn.FormatLayers(got), back, err)
		}
	}
}

func TestParseLayersErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []string // each must appear in the error
	}{
		{"128,dropuot:0.2", []string{`item 2`, `"dropuot:0.2"`, `unknown layer kind "dropuot"`, "avgpool, batchnorm, conv, dense, dropout, maxpool", `did you mean "dropout"?`}},
		{"covn:3:3", []string{`"covn:3:3"`, `did you mean "conv"?`}},
		{"0", []string{`item 1`, `"0"`, "at least 1"}},
		{"12a", []string{`"12a"`, "whole number"}},
		{"1.5", []string{`"1.5"`, "whole number"}},
		{"64:relu", []string{`"64:relu"`, "dense:64:relu"}},
		{"128,,64", []string{"item 2", "empty layer"}},
		{"dropout:1", []string{`"dropout:1"`, "below 1"}},
		{"dropout", []string{`"dropout"`, "one setting"}},
		{"dropout:0.1:2", []string{"one setting"}},
		{"dense", []string{"needs its units"}},
		{"batchnorm:2", []string{`"batchnorm:2"`, "no settings"}},
		{"dense:4:relux", []string{`"dense:4:relux"`, "relux"}},
		{"conv", []string{`"conv"`, "filters and kernel size", "conv:F:K[:S[:P]][:ACT]"}},
		{"conv:8", []string{"filters and kernel size"}},
		{"conv:0:3", []string{`conv filters "0"`, "at least 1"}},
		{"conv:8:x", []string{`conv kernel size "x"`}},
		{"conv:8:3:0", []string{`conv stride "0"`, "at least 1"}},
		{"conv:8:3:1:-1", []string{`conv padding "-1"`, "at least 0"}},
		{"conv:8:3:relux", []string{`"conv:8:3:relux"`, "relux", "conv:F:K"}},
		{"conv:8:3:1:1:1", []string{`"conv:8:3:1:1:1"`, "conv:F:K"}},
		{"maxpool", []string{`"maxpool"`, "maxpool:K[:S[:P]]"}},
		{"avgpool:2:2:0:1", []string{"avgpool:K[:S[:P]]"}},
		{"maxpool:0", []string{`maxpool size "0"`, "at least 1"}},
		{"avgpool:2:x", []string{`avgpool stride "x"`}},
	}
	for _, tt := range tests {
		_, err := nn.ParseLayers(tt.in)
		if err == nil {
			t.Errorf("ParseLayers(%q): no error", tt.in)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseLayers(%q) = %q, want it to contain %q", tt.in, err, w)
			}
		}
	}
}

// TestFormatLayerBuilt checks that a built layer's spec, defaults filled
// in, is written as short as the command line that asked for it, so that
// train -resume compares "conv:32:3" with the saved conv equal.
func TestFormatLayerBuilt(t *testing.T) {
	for _, in := range []string{"conv:32:3", "conv:8:5:2:1:tanh", "maxpool:2", "avgpool:3:2", "avgpool:2:2:1"} {
		l, err := nn.ParseLayer(in)
		if err != nil {
			t.Fatalf("ParseLayer(%q): %v", in, err)
		}
		built, err := nn.Build[float64](l, nn.Shape{1, 12, 12}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatalf("Build(%q): %v", in, err)
		}
		s := built.Spec()
		if l.Activation.Name == "" {
			s.Activation = activation.Spec{} // filled in by the default, not written
		}
		if got := nn.FormatLayer(s); got != in {
			t.Errorf("FormatLayer(Build(%q).Spec()) = %q, want %q", in, got, in)
		}
	}
}
