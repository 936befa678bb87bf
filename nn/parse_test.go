package nn_test

import (
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
		{"128,dropuot:0.2", []string{`item 2`, `"dropuot:0.2"`, `unknown layer kind "dropuot"`, "batchnorm, dense, dropout", `did you mean "dropout"?`}},
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
