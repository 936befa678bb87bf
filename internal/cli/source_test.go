package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeBomb writes the CSV: rows rows whose "cat" column holds a
// new value on every row, as an ID does.
func writeBomb(t *testing.T, rows int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("x,cat,y\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,k%d,%c\n", i%7, i, "ba"[i%2])
	}
	path := filepath.Join(t.TempDir(), "bomb.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTrainRefusesCategoryBomb checks that train refuses an ID-like text
// column in one line naming the column and the flags that answer it, and
// that those flags work: -drop leaves the column out, -max-categories
// raises the limit. Before the limit, 20,000 such rows peaked at 3.4 GB and
// trained.
func TestTrainRefusesCategoryBomb(t *testing.T) {
	bomb := writeBomb(t, 1200)
	out := filepath.Join(t.TempDir(), "m.json")
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{nil, 1, []string{`line 1002, column "cat" (2): too large`, "over the limit of 1000", "-drop cat", "-max-categories N"}},
		{[]string{"-max-categories", "500"}, 1, []string{"line 502", "over the limit of 500"}},
		{[]string{"-max-features", "100"}, 1, []string{"MaxFeatures", "-max-features N"}},
		{[]string{"-max-cells", "1000"}, 1, []string{"MaxCells", "-max-cells N"}},
		{[]string{"-max-categories", "0"}, 2, []string{"at least 1"}},
		{[]string{"-drop", "cat"}, 0, []string{"1200 samples, 1 feature,"}},
		{[]string{"-max-categories", "2000"}, 0, []string{"1200 samples, 1201 features"}},
	}
	for _, tt := range tests {
		args := append([]string{"train", "-data", bomb, "-target", "y", "-epochs", "1", "-layers", "", "-o", out}, tt.args...)
		code, _, errOut := runCLI(t, args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q lacks %q", tt.args, errOut, w)
			}
		}
		if tt.code == 1 && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: error spans several lines: %q", tt.args, errOut)
		}
	}
}
