package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descent-ml/descent/model"
)

// weightedIris writes iris with a weight column "w" in the middle: setosa
// rows weigh 2, the others 1.
func weightedIris(t *testing.T, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "datasets", "iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		cells := strings.Split(line, ",")
		w := "1"
		switch {
		case i == 0:
			w = "w"
		case strings.Contains(line, "setosa"):
			w = "2"
		}
		cells = append(cells[:2], append([]string{w}, cells[2:]...)...)
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	path := filepath.Join(dir, "weighted.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTrainWeights trains with -weight-column and -class-weight, checks
// that the model records them and that eval and predict read files that
// have the weight column.
func TestTrainWeights(t *testing.T) {
	dir := t.TempDir()
	csvPath := weightedIris(t, dir)
	modelPath := filepath.Join(dir, "m.json")
	code, _, errOut := runCLI(t, "train", "-data", csvPath, "-target", "species", "-weight-column", "w",
		"-class-weight", "virginica=3", "-layers", "8", "-epochs", "5", "-o", modelPath)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	if want := `weights: per row from column "w", times by class, virginica=3`; !strings.Contains(errOut, want) {
		t.Errorf("train's log lacks %q:\n%s", want, errOut)
	}
	m, err := model.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	if m.Spec.Inputs != 4 {
		t.Errorf("the model has %d inputs, want 4: the weight column is not a feature", m.Spec.Inputs)
	}
	var rec struct {
		Options struct{ ClassWeight map[string]any }
		Weights map[string]any `json:"weights"`
	}
	if err := json.Unmarshal(m.Training, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Weights["column"] != "w" || rec.Weights["class_weights"] == nil || rec.Options.ClassWeight["by_name"] == nil {
		t.Errorf("training record lacks the weights: %s", m.Training)
	}
	for _, args := range [][]string{
		{"eval", "-model", modelPath, "-data", csvPath, "-json"},
		{"predict", "-model", modelPath, "-data", csvPath, "-o", filepath.Join(dir, "pred.csv")},
	} {
		if code, _, errOut := runCLI(t, args...); code != 0 {
			t.Errorf("%s on the weighted file: exit %d: %s", args[0], code, errOut)
		}
	}

	code, out, errOut := runCLI(t, "train", "-data", "builtin:xor", "-class-weight", "balanced", "-layers", "4", "-epochs", "3", "-val-split", "0", "-o", filepath.Join(dir, "x.json"))
	if code != 0 || !strings.Contains(errOut, "weights: by class, balanced") {
		t.Errorf("train -class-weight balanced: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestWeightFlagErrors checks that bad weight flags exit 2 with a message
// saying what is wrong, and a bad weight in the file exits 1 naming the
// line and column.
func TestWeightFlagErrors(t *testing.T) {
	dir := t.TempDir()
	csvPath := weightedIris(t, dir)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,w,y\n1,1,p\n2,-3,q\n"), 0o644)
	out := filepath.Join(dir, "m.json")
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"train", "-data", csvPath, "-class-weight", "heavy"}, 2, []string{"-class-weight", "want balanced, or name=weight pairs"}},
		{[]string{"train", "-data", csvPath, "-class-weight", "setosa=-1"}, 2, []string{`class "setosa" has weight -1`}},
		{[]string{"train", "-data", csvPath, "-weight-column", "w", "-class-weight", "daisy=2"}, 2, []string{`class weight for "daisy": no such class; the classes are "setosa", "versicolor", "virginica"`}},
		{[]string{"train", "-data", "builtin:sin", "-class-weight", "balanced"}, 2, []string{"class weights are for classification; this is a regression"}},
		{[]string{"train", "-data", "builtin:xor", "-weight-column", "w"}, 2, []string{"-weight-column needs a CSV file"}},
		{[]string{"train", "-data", csvPath, "-weight-column", "weight"}, 1, []string{`weight column "weight" not found`}},
		{[]string{"train", "-data", bad, "-weight-column", "w"}, 1, []string{bad, "line 3", `column "w"`, `weight "-3" is negative`}},
		{[]string{"tune", "-data", csvPath, "-trials", "2", "-class-weight", "heavy"}, 2, []string{"tune: -class-weight"}},
		{[]string{"tune", "-data", csvPath, "-trials", "2", "-weight-column", "w", "-class-weight", "daisy=1"}, 2, []string{"no such class"}},
		{[]string{"tune", "-data", "builtin:xor", "-trials", "2", "-weight-column", "w"}, 2, []string{"-weight-column needs a CSV file"}},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, append(tt.args, "-o", out)...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q lacks %q", tt.args, errOut, w)
			}
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed command wrote %s", out)
	}
}

// TestTuneWeights checks that tune passes the weights to every training.
func TestTuneWeights(t *testing.T) {
	dir := t.TempDir()
	csvPath := weightedIris(t, dir)
	modelPath := filepath.Join(dir, "m.json")
	code, _, errOut := runCLI(t, "tune", "-data", csvPath, "-target", "species", "-weight-column", "w", "-class-weight", "balanced",
		"-trials", "2", "-folds", "2", "-epochs", "4", "-o", modelPath)
	if code != 0 {
		t.Fatalf("tune: exit %d: %s", code, errOut)
	}
	m, err := model.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(m.Training); !strings.Contains(s, `"column":"w"`) || !strings.Contains(s, `"balanced":true`) {
		t.Errorf("the tuned model's training record lacks the weights: %s", s)
	}
}
