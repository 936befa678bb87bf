package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Counts of one read "1 sample", "1 row", "1 prediction", never "1 samples".
func TestMessagesUsePlurals(t *testing.T) {
	dir := t.TempDir()
	rows := "x,y\n"
	for i := range 10 {
		rows += fmt.Sprintf("0.%d,%d\n", i, i)
	}
	rows += "0.5,\n" // the one row -missing drop drops
	train := filepath.Join(dir, "train.csv")
	one := filepath.Join(dir, "one.csv")
	modelPath := filepath.Join(dir, "m.json")
	for path, text := range map[string]string{train: rows, one: "x,y\n0.3,3\n"} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errOut := runCLI(t, "train", "-data", train, "-target", "y", "-missing", "drop", "-epochs", "1", "-o", modelPath)
	if code != 0 {
		t.Fatalf("train: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"10 samples, 1 feature, regression", "1 of the file's 11 rows was dropped"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("train's stderr lacks %q:\n%s", want, errOut)
		}
	}
	code, out, errOut := runCLI(t, "eval", "-model", modelPath, "-data", one)
	if want := ": 1 sample\n"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("eval: exit %d, stdout lacks %q:\n%s%s", code, want, out, errOut)
	}
	code, _, errOut = runCLI(t, "predict", "-model", modelPath, "-data", one, "-o", filepath.Join(dir, "p.csv"))
	if want := "wrote 1 prediction to"; code != 0 || !strings.Contains(errOut, want) {
		t.Errorf("predict: exit %d, stderr lacks %q: %q", code, want, errOut)
	}
}
