package playground

import (
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
)

// TestOutputLayerFollowsTheLibrary checks that the page picks and checks
// the output activation by the library's rules (fit.OutputFor,
// fit.CheckOutput): a loss that does not fit the chosen output is refused
// when the network is built, as `descent train` refuses it.
func TestOutputLayerFollowsTheLibrary(t *testing.T) {
	for _, tc := range []struct {
		loss, output string
		classes      int
		wantAct      string
		wantErr      string
	}{
		{loss: "bce", classes: 2, wantAct: "sigmoid"},
		{loss: "bce_logits", classes: 2, wantAct: "identity"},
		{loss: "cross_entropy", classes: 3, wantAct: "softmax"},
		{loss: "softmax_cross_entropy", classes: 3, wantAct: "identity"},
		{loss: "mse", output: "tanh", classes: 2, wantAct: "tanh"},
		{loss: "bce", output: "identity", classes: 2, wantErr: "does not fit a identity output"},
		{loss: "softmax_cross_entropy", output: "softmax", classes: 3, wantErr: "does not fit a softmax output"},
		{loss: "cross_entropy", output: "sigmoid", classes: 3, wantErr: "use a softmax output"},
	} {
		st := Settings{Loss: tc.loss, Output: tc.output}
		_, _, act, err := outputLayer(st, data.Classification, tc.classes, tc.classes)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s with a %s output: error %v, want one containing %q", tc.loss, tc.output, err, tc.wantErr)
			}
			if err != nil && strings.HasPrefix(err.Error(), "fit:") {
				t.Errorf("%s with a %s output: the page's error names the library's package: %v", tc.loss, tc.output, err)
			}
		case err != nil:
			t.Errorf("%s with a %s output: %v", tc.loss, tc.output, err)
		case act != tc.wantAct:
			t.Errorf("%s with a %s output: activation %s, want %s", tc.loss, tc.output, act, tc.wantAct)
		}
	}
}
