package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inspect -json tells the same facts as the text: the architecture, the
// features after drops and one-hot encoding, the scaling of features and
// target, the training config and the metrics; and inspect reads
// checkpoints, in both formats, saying they are one and after which epoch.
func TestInspectJSONAndCheckpoints(t *testing.T) {
	dir := t.TempDir()
	csv := "id,colour,x,y\n"
	for i := range 20 {
		csv += fmt.Sprintf("r%d,%s,%d,%d\n", i, []string{"red", "blue"}[i%2], i, 3*i+i%2)
	}
	train := filepath.Join(dir, "train.csv")
	if err := os.WriteFile(train, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "binary"} {
		t.Run(format, func(t *testing.T) {
			modelPath := filepath.Join(t.TempDir(), "m.json")
			code, _, errOut := runCLI(t, "train", "-data", train, "-target", "y", "-drop", "id", "-layers", "3", "-epochs", "2",
				"-checkpoint-every", "1", "-format", format, "-o", modelPath)
			if code != 0 {
				t.Fatalf("train: exit %d, stderr %q", code, errOut)
			}
			code, out, errOut := runCLI(t, "inspect", "-model", modelPath, "-json")
			if code != 0 {
				t.Fatalf("inspect -json: exit %d, stderr %q", code, errOut)
			}
			var got inspection
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("inspect -json: %v:\n%s", err, out)
			}
			if got.Kind != "model" || got.Epoch != nil {
				t.Errorf("kind %q, epoch %v; want a model with no epoch", got.Kind, got.Epoch)
			}
			a := got.Architecture
			if a.Inputs != 3 || len(a.Layers) != 2 || a.Layers[0].Units != 3 || a.Parameters != 3*3+3+3*1+1 {
				t.Errorf("architecture %+v; want 3 inputs → 3 → 1, 16 parameters", a)
			}
			if f := strings.Join(got.Features, ","); f != "colour=red,colour=blue,x" && f != "colour=blue,colour=red,x" {
				t.Errorf("features %q; want colour's two one-hot columns and x, without id", f)
			}
			if got.Task != "regression" || got.Preprocessing.Scaling == "none" || got.Preprocessing.TargetScaling == nil ||
				got.Preprocessing.TargetScaling.StandardDeviation <= 0 {
				t.Errorf("task %q, preprocessing %+v; want regression with feature and target scaling", got.Task, got.Preprocessing)
			}
			if len(got.Columns) != 4 || got.Columns[0].Role != "ignored" {
				t.Errorf("columns %+v; want 4, id ignored", got.Columns)
			}
			if len(got.Training) == 0 || got.Metrics["epoch"] != 2 {
				t.Errorf("training %s, metrics %v; want the config and epoch 2", got.Training, got.Metrics)
			}

			ckpt := strings.TrimSuffix(modelPath, ".json") + ".checkpoint.json"
			code, out, errOut = runCLI(t, "inspect", "-model", ckpt, "-json")
			got = inspection{}
			if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
				t.Fatalf("inspect -json checkpoint: exit %d, %v, stderr %q", code, err, errOut)
			}
			if got.Kind != "checkpoint" || got.Epoch == nil || *got.Epoch != 2 || got.OptimizerStep == nil || *got.OptimizerStep <= 0 || got.Architecture.Parameters != 16 {
				t.Errorf("checkpoint: kind %q, epoch %v, step %v, %d parameters; want a checkpoint after epoch 2", got.Kind, got.Epoch, got.OptimizerStep, got.Architecture.Parameters)
			}
			code, out, errOut = runCLI(t, "inspect", "-model", ckpt)
			if want := "descent training checkpoint after 2 epochs"; code != 0 || !strings.Contains(out, want) {
				t.Errorf("inspect checkpoint: exit %d, stdout lacks %q:\n%s%s", code, want, out, errOut)
			}
		})
	}
}

// A file that is neither a model nor a checkpoint is refused with the
// model reader's error, and a damaged checkpoint with the checkpoint's.
func TestInspectRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.json")
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(other, []byte(`{"format":"something-else","version":1}`), 0o644)
	os.WriteFile(broken, []byte(`{"format":"descent-checkpoint","version":1,"epoch":-3}`), 0o644)
	for path, want := range map[string]string{other: "not a descent model file", broken: "invalid model: no model"} {
		code, _, errOut := runCLI(t, "inspect", "-model", path)
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 containing %q", filepath.Base(path), code, errOut, want)
		}
	}
}
