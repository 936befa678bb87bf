package cli

import (
	"strings"
	"testing"
)

// TestExplainLayerKinds checks that explain reads -layers as train does
// and refuses, by item and kind, the layers it cannot show the chain rule
// of, instead of calling them not a number.
func TestExplainLayerKinds(t *testing.T) {
	tests := []struct {
		layers string
		code   int
		want   string
	}{
		{"2,dropout:0.5,1", 2, "-layers item 2 (dropout:0.5) is a dropout layer; explain shows the chain rule of dense layers only"},
		{"2,conv:2:1,1", 2, "item 2 (conv:2:1) is a conv2d layer"},
		{"2,2,batchnorm", 2, "item 3 (batchnorm) is a batchnorm layer"},
		{"2,maxpool:2,1", 2, "gradcheck"},
		{"2,dropuot:0.5,1", 2, `did you mean "dropout"?`},
		{"dense:2:relu,1", 2, "starts with the input size"},
		// dense:N:ACT gives one layer its own activation.
		{"2,dense:2:tanh,1", 0, "tanh"},
	}
	for _, tt := range tests {
		code, stdout, errOut := runCLI(t, "explain", "-layers", tt.layers)
		if code != tt.code || !strings.Contains(stdout+errOut, tt.want) {
			t.Errorf("explain -layers %s: exit %d, want %d with %q:\n%s%s", tt.layers, code, tt.code, tt.want, stdout, errOut)
		}
	}
}
