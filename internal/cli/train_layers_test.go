package cli

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
)

// TestTrainLayerKinds trains with -layers naming layer kinds and
// -input-shape, and checks that the model holds them.
func TestTrainLayerKinds(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "iris.json")
	code, _, errOut := runCLI(t, "train", "-data", "builtin:iris", "-layers", "8,dropout:0.2,dense:4:tanh", "-input-shape", "1,2,2",
		"-epochs", "3", "-lr", "0.01", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := nn.FormatLayers(m.Spec.Layers), "dense:8:relu,dropout:0.2,dense:4:tanh,dense:3:identity"; got != want {
		t.Errorf("model layers %s, want %s", got, want)
	}
	if !m.Spec.InputShape.Equal(nn.Shape{1, 2, 2}) {
		t.Errorf("model input shape %v, want 1×2×2", m.Spec.InputShape)
	}
	// A checkpoint resumes with the same -layers, and refuses others.
	base := []string{"train", "-data", "builtin:iris", "-layers", "8,dropout:0.2", "-lr", "0.01", "-patience", "0", "-o", out}
	if code, _, errOut := runCLI(t, append(base, "-epochs", "2", "-checkpoint-every", "2")...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ckpt := filepath.Join(dir, "iris.checkpoint.json")
	if code, _, errOut := runCLI(t, append(base, "-epochs", "3", "-resume", ckpt)...); code != 0 {
		t.Errorf("resume with the same -layers: exit %d: %s", code, errOut)
	}
	base[4] = "8,dropout:0.3"
	if code, _, errOut := runCLI(t, append(base, "-epochs", "3", "-resume", ckpt)...); code != 2 || !strings.Contains(errOut, "holds hidden layers 8,dropout:0.2") {
		t.Errorf("resume with other -layers: exit %d: %s", code, errOut)
	}
}

func TestTrainLayersRefused(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-layers", "8,dropuot:0.2"}, []string{`train: -layers: item 2: layer "dropuot:0.2": unknown layer kind "dropuot"`, "dropout", `did you mean "dropout"?`}},
		{[]string{"-layers", "8,x"}, []string{`item 2`, `layer "x"`, "known:"}},
		{[]string{"-layers", "dropout:2"}, []string{`layer "dropout:2"`, "below 1"}},
		{[]string{"-input-shape", "1,2,x"}, []string{"-input-shape", `"x"`, "e.g. 1,28,28"}},
		{[]string{"-input-shape", "1,2,3"}, []string{"-input-shape: builtin:iris: sample shape 1×2×3 holds 6 values, but each sample has 4 features"}},
	}
	for _, tt := range tests {
		args := append([]string{"train", "-data", "builtin:iris", "-epochs", "1", "-o", out}, tt.args...)
		code, _, errOut := runCLI(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage): %s", tt.args, code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q does not say %q", tt.args, errOut, w)
			}
		}
	}
}

// TestInspectLayerKinds checks that inspect describes layers of any kind
// from their shapes and parameters rather than from dense units.
func TestInspectLayerKinds(t *testing.T) {
	out := filepath.Join(t.TempDir(), "iris.json")
	if code, _, errOut := runCLI(t, "train", "-data", "builtin:iris", "-layers", "8,dropout:0.25,batchnorm", "-epochs", "1", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, stdout, errOut := runCLI(t, "inspect", "-model", out, "-json")
	if code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, errOut)
	}
	var in inspection
	if err := json.Unmarshal([]byte(stdout), &in); err != nil {
		t.Fatal(err)
	}
	want := []inspectLayer{
		{Inputs: 4, Units: 8, Activation: "relu", Bias: true, Parameters: 4*8 + 8},
		{Kind: "dropout", Inputs: 8, Units: 8, Activation: "", Parameters: 0, Layer: "dropout:0.25"},
		{Kind: "batchnorm", Inputs: 8, Units: 8, Activation: "", Bias: true, Parameters: 2 * 8, Layer: "batchnorm"},
		{Inputs: 8, Units: 3, Activation: "identity", Bias: true, Parameters: 8*3 + 3},
	}
	if !reflect.DeepEqual(in.Architecture.Layers, want) {
		t.Errorf("layers:\n got %+v\nwant %+v", in.Architecture.Layers, want)
	}
	if got, want := in.Architecture.Parameters, 40+16+27; got != want {
		t.Errorf("parameters = %d, want %d", got, want)
	}
	code, stdout, _ = runCLI(t, "inspect", "-model", out)
	if code != 0 || !strings.Contains(stdout, "layer 2:    8 → 8    dropout:0.25") {
		t.Errorf("inspect text:\n%s", stdout)
	}
}

// TestGradcheckLayerKinds checks layers of any kind, dropout with its
// mask held fixed for the finite differences, and -input-shape.
func TestGradcheckLayerKinds(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-layers", "4,8,dropout:0.5,3", "-loss", "softmax_cross_entropy"}, 0, "network 4 → 8 tanh → dropout 0.5 → 3 identity"},
		{[]string{"-layers", "dense:5,dropout:0.3,batchnorm,2", "-input-shape", "1,2,2", "-batch", "16"}, 0, "all gradients agree"},
		// The check: every kind, dropout's mask fixed.
		{[]string{"-layers", "conv:3:3,maxpool:2,batchnorm,dense:5,dropout:0.3,2", "-input-shape", "1,8,8"}, 0, "all gradients agree"},
		{[]string{"-layers", "dropout:0.3,2"}, 2, "-layers starts with the input size"},
		{[]string{"-layers", "4,dropuot:0.3,2"}, 2, `did you mean "dropout"?`},
		{[]string{"-layers", "4"}, 2, "at least one layer"},
	}
	for _, tt := range tests {
		code, stdout, errOut := runCLI(t, append([]string{"gradcheck"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stdout+errOut, tt.want) {
			t.Errorf("gradcheck %v: exit %d, want %d with %q:\n%s%s", tt.args, code, tt.code, tt.want, stdout, errOut)
		}
	}
}
