package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMistakesCaughtBeforeWork: every bad value or flag that cannot apply
// is a usage error (exit 2) on one line that names the flag, before any
// data is read or any training runs.
func TestMistakesCaughtBeforeWork(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "c.json") // never read: the flags are refused first
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"train", "-data", "builtin:xor", "-epochs", "0"}, "-epochs"},
		{[]string{"train", "-data", "builtin:xor", "-epochs", "-3"}, "-epochs"},
		{[]string{"train", "-data", "builtin:xor", "-batch-size", "0"}, "-batch-size"},
		{[]string{"train", "-data", "builtin:xor", "-lr", "0"}, "-lr"},
		{[]string{"train", "-data", "builtin:xor", "-l2", "-1"}, "-l2"},
		{[]string{"train", "-data", "builtin:xor", "-patience", "-1"}, "-patience"},
		{[]string{"train", "-data", "builtin:xor", "-checkpoint-every", "-2"}, "-checkpoint-every"},
		{[]string{"train", "-data", "builtin:xor", "-val-split", "1"}, "-val-split"},
		{[]string{"train", "-data", "builtin:xor", "-label-smoothing", "1.5"}, "-label-smoothing"},
		{[]string{"train", "-data", "builtin:xor", "-task", "regresion"}, `did you mean "regression"?`},
		{[]string{"train", "-data", "builtin:xor", "-task", "regression"}, "-task applies to CSV files only"},
		{[]string{"train", "-data", "mnist:/nowhere", "-target", "label"}, "-target applies to CSV files only"},
		{[]string{"train", "-data", "builtin:xor", "-missing", "drop"}, "-missing applies to CSV files only"},
		{[]string{"train", "-data", "builtin:xor", "-resume", ckpt, "-loss", "mse"}, "-loss cannot be used with -resume"},
		{[]string{"train", "-data", "builtin:xor", "-refit", "-val-split", "0"}, "-refit needs a validation split"},
		{[]string{"train", "-data", "builtin:xor", "-o", filepath.Join(dir, "no", "m.json")}, "-o"},
		{[]string{"train", "-data", "builtin:xor", "-o", dir}, "is a folder"},
		{[]string{"train", "-data", "builtin:xor", "-plot", filepath.Join(dir, "no", "loss.png")}, "-plot"},
		{[]string{"train", "-data", "builtin:xor", "-plot", "loss.jpg"}, "-plot"},
		{[]string{"train", "-data", "builtin:xor", "-format", "yaml"}, "yaml"},
		{[]string{"tune", "-data", "builtin:xor", "-task", "classifcation"}, `did you mean "classification"?`},
		{[]string{"tune", "-data", "builtin:xor", "-max-features", "10"}, "-max-features applies to CSV files only"},
		{[]string{"tune", "-data", "builtin:xor", "-results", filepath.Join(dir, "no", "t.csv")}, "-results"},
		{[]string{"tune", "-data", "builtin:xor", "-o", filepath.Join(dir, "no", "m.json")}, "-o"},
		{[]string{"demo", "-lr", "0"}, "-lr"},
		{[]string{"demo", "-iterations", "-1"}, "-iterations"},
		{[]string{"explain", "-lr", "-0.1"}, "-lr"},
		{[]string{"gradcheck", "-tolerance", "0"}, "-tolerance"},
		{[]string{"gradcheck", "-batch", "0"}, "-batch"},
		{[]string{"bench", "-samples", "0"}, "-samples"},
		{[]string{"bench", "-lr", "-1"}, "-lr"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line naming %q", code, errOut, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing: the mistake is caught before any work", out)
			}
		})
	}
	if _, err := os.Stat(ckpt); err == nil {
		t.Error("a checkpoint appeared")
	}
}

// TestDidYouMean: a mistyped command or registry name gets the nearest
// real one, and "descent help CMD" prints that command's help.
func TestDidYouMean(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"trian"}, 2, `unknown command "trian"; did you mean "train"?`},
		{[]string{"help", "trian"}, 2, `did you mean "train"?`},
		{[]string{"zzzzzz"}, 2, `run "descent help" for the list`},
		{[]string{"train", "-data", "builtin:xor", "-optimizer", "adma"}, 2, `unknown optimizer "adma" (known: `},
		{[]string{"train", "-data", "builtin:xor", "-optimizer", "adma"}, 2, `did you mean "adam"?`},
		{[]string{"train", "-data", "builtin:xor", "-activation", "rellu"}, 2, `did you mean "relu"?`},
		{[]string{"train", "-data", "builtin:xor", "-activation", "sigmiod"}, 2, `did you mean "sigmoid"?`},
		{[]string{"train", "-data", "builtin:xor", "-loss", "mes"}, 2, `did you mean "mse"?`},
		{[]string{"train", "-data", "builtin:xor", "-schedule", "cosin"}, 2, `did you mean "cosine"?`},
		{[]string{"train", "-data", "builtin:spirall", "-epochs", "1"}, 1, `did you mean "spiral"?`},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("descent %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tt.args, " "), code, errOut, tt.code, tt.want)
		}
	}
	code, out, _ := runCLI(t, "help", "train")
	if code != 0 || !strings.HasPrefix(out, "descent train: ") || !strings.Contains(out, "-epochs") {
		t.Errorf("descent help train: exit %d, stdout %q; want train's help", code, out)
	}
}
