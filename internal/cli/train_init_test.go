package cli

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descent-ml/descent/model"
)

// TestTrainInit trains a model, then trains from it with a learning rate
// too small to move a weight: the second model has the first's weights.
func TestTrainInit(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.json"), filepath.Join(dir, "second.json")
	code, _, errOut := runCLI(t, "train", "-data", "builtin:iris", "-layers", "8", "-epochs", "3", "-dtype", "float64", "-o", first)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "train", "-data", "builtin:iris", "-init", first, "-optimizer", "sgd", "-lr", "1e-300",
		"-epochs", "2", "-val-split", "0", "-seed", "7", "-dtype", "float64", "-o", second)
	if code != 0 {
		t.Fatalf("-init: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "starting from the weights of "+first) {
		t.Errorf("stderr does not say where the weights came from:\n%s", errOut)
	}
	a, err := model.Load(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := model.Load(second)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range b.Params {
		for j, v := range p.Values {
			if w := a.Params[i].Values[j]; math.Abs(v-w) > 1e-12 {
				t.Fatalf("%s[%d] = %v, want the starting model's %v", p.Name, j, v, w)
			}
		}
	}
}

func TestTrainInitAndReductionErrors(t *testing.T) {
	dir := t.TempDir()
	sin := filepath.Join(dir, "sin.json")
	if code, _, errOut := runCLI(t, "train", "-data", "builtin:sin", "-layers", "4", "-epochs", "1", "-o", sin); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	out := filepath.Join(dir, "out.json")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-data", "builtin:iris", "-init", sin, "-layers", "3"}, 2, "-layers cannot be used with -init"},
		{[]string{"-data", "builtin:iris", "-init", sin}, 1, "the starting model's network has 1 inputs and 1 outputs, the data 4 and 3"},
		{[]string{"-data", "builtin:iris", "-init", filepath.Join(dir, "none.json")}, 1, "none.json"},
		{[]string{"-data", "builtin:sin", "-reduction", "avg"}, 2, `unknown reduction "avg"`},
		{[]string{"-data", "builtin:sin", "-huber-delta", "0.5"}, 2, "-huber-delta is for -loss huber or smooth_l1"},
		{[]string{"-data", "builtin:sin", "-loss", "huber", "-huber-delta", "-1"}, 2, "want a positive number"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, append([]string{"train", "-epochs", "1", "-o", out}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestTrainHuberMeanAll: -loss huber with -huber-delta and -reduction
// reach the loss, and the model records them.
func TestTrainHuberMeanAll(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	code, _, errOut := runCLI(t, "train", "-data", "builtin:sin", "-layers", "4", "-epochs", "2", "-loss", "huber", "-huber-delta", "0.5", "-reduction", "mean_all", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct{ Options map[string]any }
	if err := json.Unmarshal(m.Training, &rec); err != nil {
		t.Fatal(err)
	}
	if m.Loss != "huber" || rec.Options["Reduction"] != "mean_all" || rec.Options["Delta"] != 0.5 {
		t.Errorf("model has loss %q, reduction %v, delta %v; want huber, mean_all, 0.5", m.Loss, rec.Options["Reduction"], rec.Options["Delta"])
	}
}
