package cli

import (
	"strings"
	"testing"
)

// TestGradcheckIssueCNN runs the check issue 14 asks to pass, word for
// word: a convolution, max pooling, batch norm over channels, a dense
// layer and dropout (its mask held fixed) on 1×8×8 samples. The title
// shows the strides the layers use, not the zeros that mean them.
func TestGradcheckIssueCNN(t *testing.T) {
	code, stdout, errOut := runCLI(t, "gradcheck", "-layers", "conv:3:3,maxpool:2,batchnorm,dense:5,dropout:0.3,2", "-input-shape", "1,8,8")
	if code != 0 {
		t.Fatalf("exit %d, want 0:\n%s%s", code, stdout, errOut)
	}
	for _, want := range []string{"conv2d 3×3×3 stride 1 pad 0 tanh", "maxpool2d 2×2 stride 2 pad 0", "batchnorm", "dropout 0.3", "layer1.weight", "input", "all gradients agree"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}
