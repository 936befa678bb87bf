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

// tableCSV is a small classification table with an id column; every
// missing-th row (0 for none) has no value in column a.
func tableCSV(rows, missing int) string {
	var b strings.Builder
	b.WriteString("id,a,b,y\n")
	for i := range rows {
		a := fmt.Sprint(i % 7)
		if missing > 0 && i%missing == 0 {
			a = ""
		}
		fmt.Fprintf(&b, "k%d,%s,%d,%s\n", i, a, (i*3)%5, []string{"p", "q"}[i%2])
	}
	return b.String()
}

// trainModel trains a small model on csvPath with extra flags and returns
// its path.
func trainModel(t *testing.T, csvPath string, extra ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "m.json")
	args := append([]string{"train", "-data", csvPath, "-drop", "id", "-epochs", "2", "-o", out}, extra...)
	if code, _, errOut := runCLI(t, args...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	return out
}

func TestMissingDropCountsAndRefuses(t *testing.T) {
	tests := []struct {
		name     string
		every    int // every n-th row misses a value
		force    bool
		wantCode int
		want     string
	}{
		{"few", 4, false, 0, "5 of the file's 20 rows were dropped"},
		{"all", 1, false, 1, "all 20 rows had a missing value"},
		{"all forced", 1, true, 1, "all 20 rows had a missing value"}, // nothing left even so
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csvPath := writeFile(t, "d.csv", tableCSV(20, tt.every))
			args := []string{"train", "-data", csvPath, "-drop", "id", "-missing", "drop", "-epochs", "1", "-o", filepath.Join(t.TempDir(), "m.json")}
			if tt.force {
				args = append(args, "-force")
			}
			code, _, errOut := runCLI(t, args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tt.wantCode, tt.want)
			}
		})
	}
	// Just over half dropped: refused, and -force trains on the rest.
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range 20 {
		a := fmt.Sprint(i % 7)
		if i < 11 {
			a = "NA"
		}
		fmt.Fprintf(&b, "%s,%d,%s\n", a, i%5, []string{"p", "q"}[i%2])
	}
	csvPath := writeFile(t, "half.csv", b.String())
	args := []string{"train", "-data", csvPath, "-missing", "drop", "-epochs", "1", "-o", filepath.Join(t.TempDir(), "m.json")}
	if code, _, errOut := runCLI(t, args...); code != 1 || !strings.Contains(errOut, "-force") {
		t.Errorf("11 of 20 dropped: exit %d, stderr %q; want exit 1 naming -force", code, errOut)
	}
	if code, _, errOut := runCLI(t, append(args, "-force")...); code != 0 || !strings.Contains(errOut, "11 of the file's 20 rows were dropped") {
		t.Errorf("with -force: exit %d, stderr %q; want exit 0 and the count", code, errOut)
	}
}

func TestPredictKeepsEveryRow(t *testing.T) {
	modelPath := trainModel(t, writeFile(t, "train.csv", tableCSV(30, 0)))
	// Targets missing or unknown, rows out of order: all predicted, in order.
	in := writeFile(t, "new.csv", "id,a,b,y\nz9,1,2,\nz1,3,4,zzz\nz5,6,0,p\n")
	code, out, errOut := runCLI(t, "predict", "-model", modelPath, "-data", in, "-id", "id", "-missing", "mean")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "id,label,") {
		t.Fatalf("got\n%s\nwant a header starting id,label and 3 rows", out)
	}
	for i, id := range []string{"z9", "z1", "z5"} {
		if !strings.HasPrefix(lines[i+1], id+",") {
			t.Errorf("row %d is %q, want it to start with %s", i+1, lines[i+1], id)
		}
	}

	// A missing value the model has no fill for names its line.
	gap := writeFile(t, "gap.csv", "id,a,b\nz1,1,2\nz2,,3\n")
	code, _, errOut = runCLI(t, "predict", "-model", modelPath, "-data", gap)
	if code != 1 || !strings.Contains(errOut, "line 3") || !strings.Contains(errOut, "-missing mean") {
		t.Errorf("missing value without a fill: exit %d, stderr %q; want exit 1 naming line 3 and -missing", code, errOut)
	}
	code, _, errOut = runCLI(t, "predict", "-model", modelPath, "-data", gap, "-missing", "drop")
	if code != 2 || !strings.Contains(errOut, "one output row per input row") {
		t.Errorf("-missing drop: exit %d, stderr %q; want exit 2 saying why", code, errOut)
	}

	// -o - is standard output, not a file named "-".
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, errOut = runCLI(t, "predict", "-model", modelPath, "-data", in, "-o", "-")
	if code != 0 || !strings.HasPrefix(out, "label,") {
		t.Errorf("-o -: exit %d, stdout %q, stderr %q; want the predictions on stdout", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
		t.Error(`-o - wrote a file named "-"`)
	}
}

func TestFillsComeFromTheModel(t *testing.T) {
	// b has no missing value in training, yet -missing mean gives it a
	// fill fitted on the training rows, which predict then uses instead
	// of this file's mean.
	modelPath := trainModel(t, writeFile(t, "train.csv", tableCSV(40, 5)), "-missing", "mean")
	m, err := model.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	fill := map[string]string{}
	for _, c := range m.Schema.Columns {
		fill[c.Name] = c.Fill
	}
	if fill["a"] == "" || fill["b"] == "" {
		t.Fatalf("fills %v; want a and b filled", fill)
	}
	in := writeFile(t, "new.csv", fmt.Sprintf("a,b\n1,\n1,%s\n1,1000\n", fill["b"]))
	code, out, errOut := runCLI(t, "predict", "-model", modelPath, "-data", in, "-missing", "mean")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || lines[1] != lines[2] {
		t.Errorf("the row with b missing predicts %q, the row with the model's fill %q; want the same\n%s", lines[1], lines[2], out)
	}
}
