package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demo -plot draws the target beside the prediction, and the error on a
// log axis.
func TestDemoPlotTargetAndLogError(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "demo", "-iterations", "300", "-every", "100", "-target", "0.25", "-plot", dir, "-plot-format", "svg")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for name, want := range map[string]string{"prediction.svg": ">target 0.25<", "error.svg": "squared error (log scale)"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %q", name, want)
		}
	}
}
