package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// train -plot draws a second panel beside the loss: accuracy for a
// classification, R² for a regression, the restored epoch marked in both.
func TestTrainPlotMetricPanel(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		data, want string
	}{
		{"builtin:iris", "Validation accuracy"},
		{"builtin:sin", "Validation R²"},
	} {
		plotPath := filepath.Join(dir, strings.TrimPrefix(tt.data, "builtin:")+".svg")
		code, _, errOut := runCLI(t, "train", "-data", tt.data, "-layers", "4", "-epochs", "3", "-o", filepath.Join(dir, "m.json"), "-plot", plotPath)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.data, code, errOut)
		}
		b, err := os.ReadFile(plotPath)
		if err != nil {
			t.Fatal(err)
		}
		svg := string(b)
		if !strings.Contains(svg, "Validation loss") || !strings.Contains(svg, tt.want) || strings.Count(svg, ">restored epoch ") != 2 {
			t.Errorf("%s: the plot lacks the loss panel, %q, or a restored-epoch mark in each panel", tt.data, tt.want)
		}
	}
}
