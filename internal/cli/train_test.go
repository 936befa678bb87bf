package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/tensor"
)

// TestTrainEvalPredictInspect runs the whole path a user takes: train on
// a CSV file, evaluate, predict new rows, inspect the model.
func TestTrainEvalPredictInspect(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "flowers.csv")
	iris, err := os.ReadFile(filepath.Join("..", "..", "datasets", "iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csvPath, iris, 0o644); err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(dir, "iris.json")
	plotPath := filepath.Join(dir, "loss.png")
	code, out, errOut := runCLI(t, "train", "-data", csvPath, "-target", "species", "-layers", "16", "-lr", "0.01", "-epochs", "300", "-o", modelPath, "-plot", plotPath)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"task: classification", "epoch   1/300"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("train's progress lacks %q:\n%s", want, errOut)
		}
	}
	for _, want := range []string{"val_accuracy", "model written to " + modelPath} {
		if !strings.Contains(out, want) {
			t.Errorf("train's summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "wrote "+plotPath) || strings.Contains(out, "wrote ") {
		t.Errorf("the plot's note belongs on stderr:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	for _, f := range []string{modelPath, plotPath} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "loss.svg")); err == nil {
		t.Error("-plot loss.png also wrote loss.svg; an SVG is written only when asked")
	}

	code, out, errOut = runCLI(t, "eval", "-model", modelPath, "-data", csvPath, "-json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errOut)
	}
	var res struct {
		N        int      `json:"n"`
		Loss     *float64 `json:"loss"`
		Accuracy *float64 `json:"accuracy"`
		F1       *float64 `json:"f1_macro"`
		MSE      *float64 `json:"mse"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("eval -json printed %q: %v", out, err)
	}
	if res.N != 150 || res.Loss == nil || res.Accuracy == nil || *res.Accuracy < 0.9 || res.F1 == nil || res.MSE != nil {
		t.Errorf("eval -json = %s", out)
	}
	code, out, _ = runCLI(t, "eval", "-model", modelPath, "-data", csvPath)
	if code != 0 || !strings.Contains(out, "confusion matrix") || !strings.Contains(out, "virginica") {
		t.Errorf("eval text (exit %d):\n%s", code, out)
	}

	// New rows without the target column, in another column order.
	newRows := "petal_width,sepal_length,sepal_width,petal_length\n0.2,5.1,3.5,1.4\n2.3,6.9,3.1,5.4\n"
	newPath := filepath.Join(dir, "new.csv")
	os.WriteFile(newPath, []byte(newRows), 0o644)
	predPath := filepath.Join(dir, "pred.csv")
	code, _, errOut = runCLI(t, "predict", "-model", modelPath, "-data", newPath, "-o", predPath)
	if code != 0 {
		t.Fatalf("predict: exit %d: %s", code, errOut)
	}
	pred, _ := os.ReadFile(predPath)
	lines := strings.Split(strings.TrimSpace(string(pred)), "\n")
	if len(lines) != 3 || lines[0] != "label,p_setosa,p_versicolor,p_virginica" || !strings.HasPrefix(lines[1], "setosa,") || !strings.HasPrefix(lines[2], "virginica,") {
		t.Errorf("predictions:\n%s", pred)
	}

	code, out, _ = runCLI(t, "inspect", "-model", modelPath)
	for _, want := range []string{"format version 1", "4 → 16", "softmax_cross_entropy", "classes: setosa, versicolor, virginica", "robust scaling", "val_accuracy"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("inspect (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
}

func TestTrainRegressionBuiltin(t *testing.T) {
	modelPath := filepath.Join(t.TempDir(), "sin.json")
	code, out, errOut := runCLI(t, "train", "-data", "builtin:sin", "-layers", "32,32", "-activation", "tanh", "-lr", "0.01", "-epochs", "300", "-dtype", "float64", "-format", "binary", "-o", modelPath)
	if code != 0 || !strings.Contains(errOut, "task: regression") || !strings.Contains(out, "val_r2") {
		t.Fatalf("train sin: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "eval", "-model", modelPath, "-data", "builtin:sin", "-json")
	var res map[string]float64
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil {
		t.Fatalf("eval: exit %d, %q", code, out)
	}
	for _, k := range []string{"n", "loss", "mse", "rmse", "mae", "r2"} {
		if _, ok := res[k]; !ok {
			t.Errorf("eval -json lacks %q: %s", k, out)
		}
	}
	if res["r2"] < 0.95 {
		t.Errorf("sin fit r2 = %v, want ≥ 0.95", res["r2"])
	}
}

func TestDataErrorsAreOneClearLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b,y\n1,2,0\n3,x,1\n"), 0o644)
	notModel := filepath.Join(dir, "m.json")
	os.WriteFile(notModel, []byte(`{"hello": 1}`), 0o644)
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"train", "-data", bad}, 1, []string{bad, "line 3", `"x"`}},
		{[]string{"train", "-data", filepath.Join(dir, "none.csv")}, 1, []string{"none.csv"}},
		{[]string{"train"}, 2, []string{"no data source"}},
		{[]string{"train", "-data", "builtin:xor", "-optimizer", "lbfgs"}, 2, []string{`unknown optimizer "lbfgs"`}},
		{[]string{"eval", "-model", notModel, "-data", "builtin:xor"}, 1, []string{notModel}},
		{[]string{"predict", "-data", "builtin:xor"}, 2, []string{"-model is required"}},
		{[]string{"inspect", "-model", filepath.Join(dir, "missing.json")}, 1, []string{"missing.json"}},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q lacks %q", tt.args, errOut, w)
			}
		}
		if n := strings.Count(strings.TrimSpace(errOut), "\n"); n > 0 && tt.code != 0 && !strings.HasPrefix(tt.args[0], "train") {
			t.Errorf("%v: error spans %d lines: %q", tt.args, n+1, errOut)
		}
	}
}

func TestCheckpointAndResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "iris.json")
	base := []string{"train", "-data", "builtin:iris", "-layers", "8", "-lr", "0.01", "-patience", "0", "-o", out}
	code, _, errOut := runCLI(t, append(base, "-epochs", "6", "-checkpoint-every", "3")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ckpt := filepath.Join(dir, "iris.checkpoint.json")
	code, _, errOut = runCLI(t, append(base, "-epochs", "9", "-resume", ckpt)...)
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "resuming from "+ckpt+" after epoch 6") || !strings.Contains(errOut, "epoch 7/9") || strings.Contains(errOut, "\nepoch 1/") {
		t.Errorf("resume progress:\n%s", errOut)
	}
	// A checkpoint that asks for no more epochs is refused.
	code, _, errOut = runCLI(t, append(base, "-epochs", "6", "-resume", ckpt)...)
	if code != 1 || !strings.Contains(errOut, "already has 6 epochs") {
		t.Errorf("exit %d, %q", code, errOut)
	}
	// A model file is not a checkpoint.
	code, _, errOut = runCLI(t, append(base, "-resume", out)...)
	if code != 1 || !strings.Contains(errOut, out) {
		t.Errorf("resume from a model: exit %d, %q", code, errOut)
	}
}

// TestInterruptSavesBestModel cancels a long run, as Ctrl-C does, and
// checks that a usable model is still written.
func TestInterruptSavesBestModel(t *testing.T) {
	out := filepath.Join(t.TempDir(), "iris.json")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	var stdout, stderr bytes.Buffer
	err := RunContext(ctx, []string{"train", "-data", "builtin:iris", "-layers", "8", "-epochs", "1000000", "-patience", "0", "-o", out}, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatalf("interrupted train failed: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") || !strings.Contains(stdout.String(), "cancelled at epoch") {
		t.Errorf("no word of the interruption:\n%s\n%s", stderr.String(), stdout.String())
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatalf("the model saved on interrupt does not load: %v", err)
	}
	p, err := m.Predict(tensor.FromRows([][]float64{{5.1, 3.5, 1.4, 0.2}}))
	if err != nil || p.Cols != 3 {
		t.Errorf("predict with the saved model: %v", err)
	}
}

func TestGradcheckSavedModel(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	if code, _, errOut := runCLI(t, "train", "-data", "builtin:moons", "-layers", "6", "-activation", "tanh", "-epochs", "3", "-dtype", "float64", "-o", out); code != 0 {
		t.Fatalf("train: %s", errOut)
	}
	code, stdout, errOut := runCLI(t, "gradcheck", "-model", out)
	if code != 0 || !strings.Contains(stdout, "model "+out) || !strings.Contains(stdout, "all gradients agree") {
		t.Errorf("gradcheck -model: exit %d\n%s%s", code, stdout, errOut)
	}
}
