package plot

import (
	"bytes"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// checkImage checks that path holds a readable image of its extension's
// format.
func checkImage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(path) {
	case ".png":
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// 8 × 5 inches at gonum/plot's 96 dpi.
		if got, want := img.Bounds().Size(), [2]int{768, 480}; got.X != want[0] || got.Y != want[1] {
			t.Errorf("%s: %v pixels, want %dx%d", path, got, want[0], want[1])
		}
	case ".svg":
		if !strings.HasPrefix(string(b), "<?xml") || !strings.Contains(string(b), "<svg") {
			t.Errorf("%s does not look like SVG: %.60q", path, b)
		}
	case ".pdf":
		if !strings.HasPrefix(string(b), "%PDF") {
			t.Errorf("%s does not look like PDF: %.20q", path, b)
		}
	}
}

// checkNoTemp fails if a temporary file was left in dir.
func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestLossCurves(t *testing.T) {
	train := []float64{0.9, 0.5, 0.3, 0.2, 0.15}
	val := []float64{1.0, 0.6, 0.4, 0.35, 0.33}
	tests := []struct {
		file       string
		train, val []float64
		logY       bool
	}{
		{"loss.png", train, val, false},
		{"loss.svg", train, val, false},
		{"loss.PDF", train, val, false},
		{"log.png", train, val, true},
		{"trainonly.png", train, nil, true},
		{"one-epoch.png", []float64{0.5}, []float64{0.6}, false},
		{"zero-log.png", []float64{1, 0.1, 0}, nil, true},
		{"negative-log.svg", []float64{1, -0.5}, nil, true},
		{"diverged.png", []float64{1, 2, math.Inf(1), math.NaN()}, nil, true},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, tt.file)
		if err := LossCurves(path, tt.train, tt.val, tt.logY); err != nil {
			t.Errorf("LossCurves(%s): %v", tt.file, err)
			continue
		}
		checkImage(t, path)
	}
	checkNoTemp(t, dir)
	info, err := os.Stat(filepath.Join(dir, "loss.png"))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got&0o044 == 0 {
		t.Errorf("loss.png mode = %v, want readable by others", got)
	}
}

func TestIterations(t *testing.T) {
	dir := t.TempDir()
	it := []float64{0, 1, 2, 3}
	pred := []float64{0.1, 0.2, 0.25, 0.28}
	for _, name := range []string{"pred.png", "pred.svg"} {
		path := filepath.Join(dir, name)
		if err := Iterations(path, "prediction vs iteration", "prediction", it, pred); err != nil {
			t.Fatalf("Iterations(%s): %v", name, err)
		}
		checkImage(t, path)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "dir", "loss.png")
	tests := []struct {
		name     string
		err      error
		wantText string
	}{
		{"missing directory", LossCurves(missing, []float64{1}, nil, false), "no such"},
		{"unknown extension", LossCurves(filepath.Join(dir, "loss.gif"), []float64{1}, nil, false), "unknown image type"},
		{"no extension", LossCurves(filepath.Join(dir, "loss"), []float64{1}, nil, false), "unknown image type"},
		{"no losses", LossCurves(filepath.Join(dir, "x.png"), nil, nil, false), "no training losses"},
		{"all NaN", LossCurves(filepath.Join(dir, "x.png"), []float64{math.NaN()}, nil, false), "nothing to draw"},
		{"no values", Iterations(filepath.Join(dir, "x.png"), "t", "y", nil, nil), "no values"},
		{"length mismatch", Iterations(filepath.Join(dir, "x.png"), "t", "y", []float64{1}, []float64{1, 2}), "1 x values but 2 y values"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.wantText) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, tt.err, tt.wantText)
		}
	}
	if _, err := Lines("t", "x", "y", []Series{{X: []float64{1}, Y: []float64{math.Inf(-1)}}}); !errors.Is(err, ErrNoData) {
		t.Errorf("Lines with no finite point: error %v, want ErrNoData", err)
	}
	if err := Write(&bytes.Buffer{}, mustLines(t), "gif"); err == nil {
		t.Error("Write with format gif: no error")
	}
	checkNoTemp(t, dir)
}

func mustLines(t *testing.T) *plot.Plot {
	t.Helper()
	p, err := Lines("t", "x", "y", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUseLogY(t *testing.T) {
	tests := []struct {
		name string
		y    []float64
		want bool
	}{
		{"positive", []float64{1, 0.01}, true},
		{"zero", []float64{1, 0}, false},
		{"negative", []float64{1, -1}, false},
	}
	for _, tt := range tests {
		p, err := Lines("t", "x", "y", []Series{{X: []float64{1, 2}, Y: tt.y}})
		if err != nil {
			t.Fatal(err)
		}
		if got := UseLogY(p); got != tt.want {
			t.Errorf("%s: UseLogY = %v, want %v", tt.name, got, tt.want)
		}
		// Drawing must not panic whichever scale was chosen.
		if err := Write(&bytes.Buffer{}, p, "svg"); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestLinearTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []string
	}{
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0.02, 0.72, []string{"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"}},
		{0, 24, []string{"0", "5", "10", "15", "20"}},
		{-3, 3, []string{"-3", "-2", "-1", "0", "1", "2", "3"}},
		{1, 60, []string{"10", "20", "30", "40", "50", "60"}},
		{0.3, 0.6, []string{"0.30", "0.35", "0.40", "0.45", "0.50", "0.55", "0.60"}},
	}
	for _, tt := range tests {
		if got := labelsOf(linearTicks{}.Ticks(tt.lo, tt.hi)); !slices.Equal(got, tt.want) {
			t.Errorf("linear ticks on [%v, %v] = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
	integer := []struct {
		lo, hi float64
		want   []string
	}{
		{1, 4, []string{"1", "2", "3", "4"}},
		{1, 60, []string{"10", "20", "30", "40", "50", "60"}},
		{0, 12, []string{"0", "2", "4", "6", "8", "10", "12"}},
	}
	for _, tt := range integer {
		ticks := linearTicks{integer: true}.Ticks(tt.lo, tt.hi)
		if got := labelsOf(ticks); !slices.Equal(got, tt.want) {
			t.Errorf("integer ticks on [%v, %v] = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
		for _, tick := range ticks {
			if tick.Value != math.Trunc(tick.Value) {
				t.Errorf("integer ticks on [%v, %v] include %v", tt.lo, tt.hi, tick.Value)
			}
		}
	}
}

func TestLogTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []string
	}{
		{0.001, 10, []string{"0.001", "0.01", "0.1", "1", "10"}},
		{0.02, 0.75, []string{"0.02", "0.05", "0.1", "0.2", "0.5"}},
		{0.15, 0.6, []string{"0.2", "0.3", "0.4", "0.5", "0.6"}},
	}
	for _, tt := range tests {
		if got := labelsOf(logTicks{}.Ticks(tt.lo, tt.hi)); !slices.Equal(got, tt.want) {
			t.Errorf("log ticks on [%v, %v] = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
	// A range holding at most one i·10^k falls back to even spacing.
	if got := labelsOf(logTicks{}.Ticks(0.51, 0.53)); len(got) < 2 {
		t.Errorf("log ticks on [0.51, 0.53] = %q, want at least two labels", got)
	}
}

// labelsOf returns the labels of the labelled ticks.
func labelsOf(ticks []plot.Tick) []string {
	var out []string
	for _, t := range ticks {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}
