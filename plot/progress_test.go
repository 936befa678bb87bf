package plot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ProgressCurve draws the target as a named line (a target of 0 too, told
// from none by TargetSet) and a log axis when asked and possible.
func TestProgressCurve(t *testing.T) {
	dir := t.TempDir()
	it := []float64{0, 1, 2, 3}
	tests := []struct {
		name    string
		pr      Progress
		want    []string
		notWant []string
	}{
		{"target", Progress{YLabel: "prediction", Iterations: it, Values: []float64{0.5, 0.4, 0.35, 0.32}, Target: 0.3, TargetSet: true},
			[]string{">prediction<", ">target 0.3<"}, []string{"log scale"}},
		{"target zero", Progress{YLabel: "prediction", Iterations: it, Values: []float64{0.5, 0.4, 0.3, 0.2}, TargetSet: true},
			[]string{">target 0<"}, nil},
		{"no target", Progress{YLabel: "prediction", Iterations: it, Values: []float64{0.5, 0.4, 0.3, 0.2}},
			nil, []string{"target"}},
		{"log", Progress{YLabel: "squared error", Iterations: it, Values: []float64{1, 0.1, 0.01, 0.001}, LogScale: true},
			[]string{"squared error (log scale)"}, nil},
		{"log with a zero", Progress{YLabel: "squared error", Iterations: it, Values: []float64{1, 0.1, 0.01, 0}, LogScale: true},
			[]string{">squared error<"}, []string{"log scale"}},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".svg")
		if err := ProgressCurve(path, tt.pr); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b, _ := os.ReadFile(path)
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: SVG lacks %q", tt.name, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(string(b), w) {
				t.Errorf("%s: SVG has %q", tt.name, w)
			}
		}
	}
}
