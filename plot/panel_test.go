package plot

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With a score per epoch, TrainingCurves draws a second panel beside the
// loss: the image is two panels wide, the second titled by the score and
// marking the restored epoch too; without one it stays a single plot.
func TestTrainingCurvesMetricPanel(t *testing.T) {
	dir := t.TempDir()
	loss := Curves{TrainLoss: []float64{0.9, 0.5, 0.3}, ValLoss: []float64{1, 0.6, 0.7}, LossName: "mse", RestoredEpoch: 2, Data: "sin"}
	withR2 := loss
	withR2.TrainMetric, withR2.ValMetric, withR2.MetricName = []float64{0.1, 0.5, 0.7}, []float64{0, 0.4, 0.3}, "R²"
	trainOnly := Curves{TrainLoss: []float64{0.9, 0.5}, TrainMetric: []float64{0.5, 0.8}, MetricName: "accuracy"}
	tests := []struct {
		name     string
		c        Curves
		width    int
		wantSVG  []string // in this order
		restored int      // how many times "restored epoch 2" appears
	}{
		{"loss only", loss, 768, []string{"Validation loss (mse) on sin"}, 1},
		{"with R²", withR2, 1152, []string{"Validation loss (mse) on sin", "Validation R²", ">R²<"}, 2},
		{"training accuracy", trainOnly, 1152, []string{"Training loss", "Training accuracy", ">accuracy<"}, 0},
	}
	for _, tt := range tests {
		base := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
		for _, ext := range []string{".png", ".svg", ".pdf"} {
			if err := TrainingCurves(base+ext, tt.c); err != nil {
				t.Fatalf("%s%s: %v", tt.name, ext, err)
			}
		}
		b, err := os.ReadFile(base + ".png")
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := img.Bounds().Size(); got.X != tt.width || got.Y != 480 {
			t.Errorf("%s: %v pixels, want %dx480", tt.name, got, tt.width)
		}
		// Opaque everywhere, the gap between the panels included.
		if _, _, _, a := img.At(tt.width/2, 240).RGBA(); a != 0xffff {
			t.Errorf("%s: the middle of the image is transparent", tt.name)
		}
		svg, _ := os.ReadFile(base + ".svg")
		at := 0
		for _, w := range tt.wantSVG {
			i := strings.Index(string(svg[at:]), w)
			if i < 0 {
				t.Errorf("%s: SVG lacks %q after offset %d", tt.name, w, at)
				continue
			}
			at += i + len(w)
		}
		if got := strings.Count(string(svg), "restored epoch 2"); got != tt.restored {
			t.Errorf("%s: %d legend entries for the restored epoch, want %d", tt.name, got, tt.restored)
		}
		pdf, _ := os.ReadFile(base + ".pdf")
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Errorf("%s.pdf does not look like PDF", tt.name)
		}
	}
	checkNoTemp(t, dir)
}
