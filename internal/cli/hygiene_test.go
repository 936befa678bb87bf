package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
)

// writeFile writes text to name in a fresh temporary directory and returns
// its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// zipCSV is a small classification table whose "zip" column holds
// integer codes that are categories, not quantities.
func zipCSV(rows int) string {
	var b strings.Builder
	b.WriteString("zip,x,y\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,%g,%s\n", 10*(1+i%4), float64(i%7)/7, []string{"a", "b"}[i%2])
	}
	return b.String()
}

func TestTrainCategoricalFlag(t *testing.T) {
	csvPath := writeFile(t, "zip.csv", zipCSV(40))
	for _, cmd := range []string{"train", "tune"} {
		t.Run(cmd, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "m.json")
			args := []string{cmd, "-data", csvPath, "-categorical", "zip", "-epochs", "2", "-o", out}
			if cmd == "tune" {
				args = append(args, "-trials", "1", "-folds", "2")
			}
			if code, _, errOut := runCLI(t, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			m, err := model.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Schema.Columns[0].Kind; got != data.KindCategorical {
				t.Errorf("zip column kind = %q, want %q", got, data.KindCategorical)
			}
			if want := "zip=10"; !slices.Contains(m.FeatureNames, want) {
				t.Errorf("features %v lack %q", m.FeatureNames, want)
			}
			// predict reads the column as the model does: a code it has
			// not seen is an unknown category, not a number.
			newData := writeFile(t, "new.csv", "zip,x\n20,0.5\n50,0.5\n")
			code, _, errOut := runCLI(t, "predict", "-model", out, "-data", newData)
			if code == 0 || !strings.Contains(errOut, `"50" was not in the training data`) {
				t.Errorf("predict with an unseen zip code: exit %d, stderr %q; want an unknown-category error", code, errOut)
			}
		})
	}
}
