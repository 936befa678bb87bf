package onnx_test

import (
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/onnx"
)

func TestMarshalErrors(t *testing.T) {
	good := hidden(act(activation.NameTanh)).build(t, 1)
	invalid := hidden(act(activation.NameTanh)).build(t, 1)
	invalid.Params = invalid.Params[:1]
	tests := []struct {
		name string
		opts onnx.Options
		bad  bool
		want string
	}{
		{"opset too old", onnx.Options{Opset: 12}, false, "opset 12"},
		{"opset too new", onnx.Options{Opset: 99}, false, "opset 99"},
		{"same names", onnx.Options{InputName: "v", OutputName: "v"}, false, "both named"},
		{"output clashes", onnx.Options{OutputName: "layer1.weight"}, false, `"layer1.weight"`},
		{"input clashes", onnx.Options{InputName: "layer1.z"}, false, `"layer1.z"`},
		{"invalid model", onnx.Options{}, true, "cannot export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good
			if tt.bad {
				m = invalid
			}
			_, err := onnx.Marshal(m, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
