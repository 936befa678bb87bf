package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
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

// writeWeighted writes a CSV of n rows (x1, x2, w, y) whose weights are
// 1, 2 or 3, and the same rows with each repeated w times and weight 1:
// eval weighed by w must score the first as it scores the second.
func writeWeighted(t *testing.T, dir string, classify bool) (weighted, repeated string) {
	t.Helper()
	var a, b strings.Builder
	a.WriteString("x1,x2,w,y\n")
	b.WriteString("x1,x2,w,y\n")
	for i := range 60 {
		x1, x2 := float64(i%7)/3-1, float64(i%11)/5-1
		y := fmt.Sprintf("%.4f", x1*x1+x2+0.3*float64(i%3))
		if classify {
			y = []string{"lo", "mid", "hi"}[(i*7+i/5)%3]
		}
		w := 1 + i%3
		fmt.Fprintf(&a, "%g,%g,%d,%s\n", x1, x2, w, y)
		for range w {
			fmt.Fprintf(&b, "%g,%g,1,%s\n", x1, x2, y)
		}
	}
	weighted, repeated = filepath.Join(dir, "weighted.csv"), filepath.Join(dir, "repeated.csv")
	if err := os.WriteFile(weighted, []byte(a.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(repeated, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return weighted, repeated
}

// eval weighs the loss and every metric by the model's weight column: a
// row of weight w scores as w copies of it, for a regression and a
// classification; -weighted=false scores every row once.
func TestEvalWeightColumn(t *testing.T) {
	for _, classify := range []bool{false, true} {
		dir := t.TempDir()
		weighted, repeated := writeWeighted(t, dir, classify)
		modelPath := filepath.Join(dir, "m.json")
		if code, _, errOut := runCLI(t, "train", "-data", weighted, "-target", "y", "-weight-column", "w", "-layers", "8", "-epochs", "5", "-o", modelPath); code != 0 {
			t.Fatalf("train: exit %d, stderr %q", code, errOut)
		}
		score := func(args ...string) evalResult {
			t.Helper()
			code, out, errOut := runCLI(t, append([]string{"eval", "-model", modelPath, "-json"}, args...)...)
			if code != 0 {
				t.Fatalf("eval %v: exit %d, stderr %q", args, code, errOut)
			}
			var r evalResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("eval printed %q: %v", out, err)
			}
			return r
		}
		got, want := score("-data", weighted), score("-data", repeated, "-weighted=false")
		unweighted := score("-data", weighted, "-weighted=false")
		if got.Weighted != `column "w"` || unweighted.Weighted != "" {
			t.Errorf("classify %v: weighted %q and %q; want column \"w\" and none", classify, got.Weighted, unweighted.Weighted)
		}
		close := func(a, b *float64) bool {
			return (a == nil) == (b == nil) && (a == nil || math.Abs(*a-*b) <= 1e-9*max(1, math.Abs(*b)))
		}
		if !close(&got.Loss, &want.Loss) || !close(got.Accuracy, want.Accuracy) || !close(got.F1Macro, want.F1Macro) ||
			!close(got.RecallMacro, want.RecallMacro) || !close(got.PrecisionMacro, want.PrecisionMacro) ||
			!close(got.MSE, want.MSE) || !close(got.MAE, want.MAE) || !close(got.R2, want.R2) {
			t.Errorf("classify %v: weighted eval %s, want the repeated rows' %s", classify, show(got), show(want))
		}
		for k := range got.PerClass {
			g, w := got.PerClass[k], want.PerClass[k]
			if !close(&g.F1, &w.F1) || !close(&g.Precision, &w.Precision) || !close(&g.Recall, &w.Recall) {
				t.Errorf("class %s: weighted %+v, repeated %+v", g.Class, g, w)
			}
		}
		if close(&unweighted.Loss, &want.Loss) {
			t.Errorf("classify %v: the unweighted loss %v equals the weighted one: the test data do not tell them apart", classify, unweighted.Loss)
		}
	}
}

// show formats an evalResult's scores for an error message.
func show(r evalResult) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// -class-weighted multiplies in the class weights the model was trained
// with, which the model records: a class of weight 3 counts each of its
// rows 3 times.
func TestEvalClassWeighted(t *testing.T) {
	dir := t.TempDir()
	_, repeated := writeWeighted(t, dir, true)
	modelPath := filepath.Join(dir, "m.json")
	if code, _, errOut := runCLI(t, "train", "-data", repeated, "-target", "y", "-class-weight", "hi=3", "-layers", "8", "-epochs", "5", "-o", modelPath); code != 0 {
		t.Fatalf("train: exit %d, stderr %q", code, errOut)
	}
	// The same rows with every "hi" row three times.
	raw, err := os.ReadFile(repeated)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		n := 1
		if i > 0 && strings.HasSuffix(line, ",hi") {
			n = 3
		}
		for range n {
			b.WriteString(line + "\n")
		}
	}
	tripled := filepath.Join(dir, "tripled.csv")
	if err := os.WriteFile(tripled, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var got, want evalResult
	for _, c := range []struct {
		r    *evalResult
		args []string
	}{{&got, []string{"-data", repeated, "-class-weighted"}}, {&want, []string{"-data", tripled}}} {
		code, out, errOut := runCLI(t, append([]string{"eval", "-model", modelPath, "-json"}, c.args...)...)
		if code != 0 {
			t.Fatalf("eval %v: exit %d, stderr %q", c.args, code, errOut)
		}
		if err := json.Unmarshal([]byte(out), c.r); err != nil {
			t.Fatal(err)
		}
	}
	if got.Weighted != "the class weights of training" || math.Abs(*got.Accuracy-*want.Accuracy) > 1e-12 ||
		math.Abs(got.Loss-want.Loss) > 1e-9 || math.Abs(*got.F1Macro-*want.F1Macro) > 1e-12 {
		t.Errorf("-class-weighted: %s; want the tripled rows' %s", show(got), show(want))
	}
}
