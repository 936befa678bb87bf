package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// eval -json carries, beside the keys it always had, the confusion matrix
// and each class's precision, recall, F1 and support, agreeing with each
// other and with the text.
func TestEvalJSONConfusionAndPerClass(t *testing.T) {
	modelPath := filepath.Join(t.TempDir(), "iris.json")
	if code, _, errOut := runCLI(t, "train", "-data", "builtin:iris", "-layers", "4", "-epochs", "3", "-o", modelPath); code != 0 {
		t.Fatalf("train: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut := runCLI(t, "eval", "-model", modelPath, "-data", "builtin:iris", "-json")
	if code != 0 {
		t.Fatalf("eval -json: exit %d, stderr %q", code, errOut)
	}
	var got evalResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("eval -json printed %q: %v", out, err)
	}
	var keys map[string]json.RawMessage
	json.Unmarshal([]byte(out), &keys)
	for _, k := range []string{"n", "loss", "accuracy", "f1_macro", "precision_macro", "recall_macro", "classes", "confusion_matrix", "per_class"} {
		if keys[k] == nil {
			t.Errorf("eval -json lacks %q: %s", k, out)
		}
	}
	if want := []string{"setosa", "versicolor", "virginica"}; strings.Join(got.Classes, ",") != strings.Join(want, ",") {
		t.Errorf("classes %v, want %v", got.Classes, want)
	}
	cm := got.ConfusionMatrix
	if len(cm) != 3 || len(got.PerClass) != 3 {
		t.Fatalf("confusion matrix %v, per class %v; want 3 classes", cm, got.PerClass)
	}
	total, hits := 0, 0
	for k, row := range cm {
		support, predicted := 0, 0
		for j, v := range row {
			support += v
			total += v
			predicted += cm[j][k]
		}
		hits += row[k]
		pc := got.PerClass[k]
		if pc.Class != got.Classes[k] || pc.Support != support || support != 50 {
			t.Errorf("class %d: %+v; want %s with support %d = 50", k, pc, got.Classes[k], support)
		}
		wantPrecision := 0.0
		if predicted > 0 {
			wantPrecision = float64(row[k]) / float64(predicted)
		}
		if pc.Precision != wantPrecision || pc.Recall != float64(row[k])/float64(support) {
			t.Errorf("class %s: precision %v, recall %v; the matrix gives %v and %v", pc.Class, pc.Precision, pc.Recall, wantPrecision, float64(row[k])/float64(support))
		}
	}
	if total != got.N || got.Accuracy == nil || *got.Accuracy != float64(hits)/float64(total) {
		t.Errorf("matrix counts %d with %d on the diagonal; n %d, accuracy %v", total, hits, got.N, got.Accuracy)
	}
	code, out, _ = runCLI(t, "eval", "-model", modelPath, "-data", "builtin:iris")
	if code != 0 || !strings.Contains(out, "per class\nclass") || !strings.Contains(out, "macro avg") {
		t.Errorf("eval's text lacks the per-class table:\n%s", out)
	}
}
