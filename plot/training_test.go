package plot

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainingCurves(t *testing.T) {
	train := []float64{0.9, 0.5, 0.3, 0.2, 0.15, 0.12}
	val := []float64{1.0, 0.6, 0.4, 0.35, 0.33, 0.36}
	long := make([]float64, 200) // past markerLimit: no markers
	for i := range long {
		long[i] = 1 / float64(i+1)
	}
	tests := []struct {
		file string
		c    Curves
	}{
		{"curves.png", Curves{TrainLoss: train, ValLoss: val, LossName: "softmax_cross_entropy", RestoredEpoch: 5}},
		{"curves.svg", Curves{TrainLoss: train, ValLoss: val, RestoredEpoch: 5}},
		{"curves.PDF", Curves{TrainLoss: train, ValLoss: val, RestoredEpoch: 5}},
		{"log.png", Curves{TrainLoss: train, ValLoss: val, RestoredEpoch: 5, LogScale: true}},
		{"first.png", Curves{TrainLoss: train, ValLoss: val, RestoredEpoch: 1}},
		{"last.png", Curves{TrainLoss: train, ValLoss: val, RestoredEpoch: 6}},
		{"none.png", Curves{TrainLoss: train, ValLoss: val}},
		{"trainonly.png", Curves{TrainLoss: train, LossName: "mse", RestoredEpoch: 3}},
		{"valonly.png", Curves{ValLoss: val, RestoredEpoch: 3}},
		{"long.png", Curves{TrainLoss: long, ValLoss: long, RestoredEpoch: 200, LogScale: true}},
		// A diverged run: the restored epoch's loss is not finite, so the
		// marker spans the plot's height.
		{"diverged.png", Curves{TrainLoss: []float64{1, 2, math.Inf(1)}, ValLoss: []float64{1, 3, math.NaN()}, RestoredEpoch: 3, LogScale: true}},
		{"zero-log.png", Curves{TrainLoss: []float64{1, 0.1, 0}, ValLoss: []float64{1, 0.5, 0.4}, LogScale: true}},
		{"val-nan.png", Curves{TrainLoss: train, ValLoss: []float64{math.NaN()}}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, tt.file)
		if err := TrainingCurves(path, tt.c); err != nil {
			t.Errorf("TrainingCurves(%s): %v", tt.file, err)
			continue
		}
		checkImage(t, path)
	}
	checkNoTemp(t, dir)
}

// TestTrainingCurvesText checks in the SVG what the picture says: the loss
// in the title, the validation curve first in the legend, the restored
// epoch named, and the training line drawn under the validation line.
func TestTrainingCurvesText(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		c       Curves
		want    []string // in this order
		notWant []string
	}{
		{
			"validation",
			Curves{TrainLoss: []float64{0.9, 0.5, 0.3}, ValLoss: []float64{1, 0.6, 0.7}, LossName: "softmax_cross_entropy", RestoredEpoch: 2},
			[]string{"Validation loss (softmax_cross_entropy)", ">validation<", ">training<", "restored epoch 2"},
			nil,
		},
		{
			"training only",
			Curves{TrainLoss: []float64{0.9, 0.5}, LossName: "mse"},
			[]string{"Training loss (mse)", ">training<"},
			[]string{">validation<", "restored epoch"},
		},
		{
			"named data",
			Curves{ValLoss: []float64{0.9, 0.5}, LossName: "mse", Data: "iris.csv"},
			[]string{"Validation loss (mse) on iris.csv"},
			nil,
		},
		{
			"unnamed loss",
			Curves{ValLoss: []float64{0.9, 0.5}},
			[]string{"Validation loss<"},
			nil,
		},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".svg")
		if err := TrainingCurves(path, tt.c); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		svg := string(b)
		at := 0
		for _, w := range tt.want {
			i := strings.Index(svg[at:], w)
			if i < 0 {
				t.Errorf("%s: SVG lacks %q after offset %d", tt.name, w, at)
				continue
			}
			at += i + len(w)
		}
		for _, w := range tt.notWant {
			if strings.Contains(svg, w) {
				t.Errorf("%s: SVG has %q", tt.name, w)
			}
		}
	}
	// Plotters are drawn in order; the first stroke of the training color
	// (AEC7E8) must come before the first of the validation color
	// (1F77B4), so the validation line lies on top.
	b, err := os.ReadFile(filepath.Join(dir, "validation.svg"))
	if err != nil {
		t.Fatal(err)
	}
	trainAt, valAt := strings.Index(string(b), "stroke:#AEC7E8"), strings.Index(string(b), "stroke:#1F77B4")
	if trainAt < 0 || valAt < 0 || trainAt > valAt {
		t.Errorf("training stroke at %d, validation stroke at %d: want training first, under validation", trainAt, valAt)
	}
}

func TestTrainingCurvesErrors(t *testing.T) {
	dir := t.TempDir()
	ok := Curves{TrainLoss: []float64{1, 0.5}, ValLoss: []float64{1, 0.7}}
	tests := []struct {
		name     string
		path     string
		c        Curves
		wantText string
	}{
		// The extension is checked before anything else: even with no
		// losses, a .gif is refused for its extension.
		{"unknown extension", "loss.gif", Curves{}, "unknown image type"},
		{"no extension", "loss", ok, "unknown image type"},
		{"missing directory", filepath.Join("no", "such", "loss.png"), ok, "no such"},
		{"no losses", "x.png", Curves{}, "no losses"},
		{"restored past the end", "x.png", Curves{TrainLoss: []float64{1, 0.5}, RestoredEpoch: 3}, "restored epoch 3 is outside the 2 epochs"},
		{"restored negative", "x.png", Curves{ValLoss: []float64{1}, RestoredEpoch: -1}, "restored epoch -1"},
		{"all NaN", "x.png", Curves{TrainLoss: []float64{math.NaN()}, ValLoss: []float64{math.NaN()}}, "nothing to draw"},
	}
	for _, tt := range tests {
		err := TrainingCurves(filepath.Join(dir, tt.path), tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.wantText) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.wantText)
		}
	}
	err := TrainingCurves(filepath.Join(dir, "x.png"), Curves{ValLoss: []float64{math.Inf(1)}})
	if !errors.Is(err, ErrNoData) {
		t.Errorf("no finite point: error %v, want ErrNoData", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("failed calls left %d files behind, first %s", len(entries), entries[0].Name())
	}
}
