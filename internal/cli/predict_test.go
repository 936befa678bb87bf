package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// predict's -o follows the rule every -o follows (writeOutput,
// outputPath): a path that cannot be written is a usage error before any
// work, - means standard output, and a file gets the same bytes.
func TestPredictOutputRule(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		out, want string
	}{
		{filepath.Join(dir, "no-such-folder", "p.csv"), "does not exist"},
		{dir, "is a folder"},
	} {
		// The model does not exist either: the output is checked first.
		code, _, errOut := runCLI(t, "predict", "-model", filepath.Join(dir, "missing.json"), "-data", "builtin:xor", "-o", tt.out)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("-o %s: exit %d, stderr %q; want exit 2 containing %q", tt.out, code, errOut, tt.want)
		}
	}

	modelPath := filepath.Join(dir, "xor.json")
	if code, _, errOut := runCLI(t, "train", "-data", "builtin:xor", "-layers", "4", "-epochs", "2", "-o", modelPath); code != 0 {
		t.Fatalf("train: exit %d, stderr %q", code, errOut)
	}
	code, stdout, errOut := runCLI(t, "predict", "-model", modelPath, "-data", "builtin:xor", "-o", "-")
	if code != 0 || errOut != "" {
		t.Fatalf("-o -: exit %d, stderr %q; want no notes", code, errOut)
	}
	file := filepath.Join(dir, "p.csv")
	code, out, errOut := runCLI(t, "predict", "-model", modelPath, "-data", "builtin:xor", "-o", file)
	got, _ := os.ReadFile(file)
	if code != 0 || out != "" || string(got) != stdout || !strings.Contains(errOut, "wrote 4 predictions to "+file) {
		t.Errorf("-o FILE: exit %d, stdout %q, stderr %q, file %q; want the same CSV as -o - (%q) and a note on stderr", code, out, errOut, got, stdout)
	}
}
