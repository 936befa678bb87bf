package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestTrainRefusesHugeNetwork checks that a network above -max-params or
// -max-activations is refused before anything is built, with an error
// that names the limit and the flag that raises it, and that raising the
// flag lets the same network train.
func TestTrainRefusesHugeNetwork(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	tests := []struct {
		name string
		args []string
		code int
		want []string // in the error line
	}{
		{"a billion units", []string{"-layers", "1000000000"}, 2,
			[]string{"-layers 1000000000", "3,000,000,001 parameters", "limit of 100,000,000", "-max-params"}},
		{"a low -max-params", []string{"-layers", "1000", "-max-params", "1000"}, 2,
			[]string{"3,001 parameters", "limit of 1,000", "-max-params"}},
		{"-max-params raised", []string{"-layers", "1000", "-max-params", "3001"}, 0, nil},
		{"activations", []string{"-layers", "1000", "-batch-size", "80", "-max-activations", "100000"}, 2,
			[]string{"activation values per batch", "limit of 100,000", "-max-activations", "-batch-size"}},
		{"-max-params zero", []string{"-max-params", "0"}, 2, []string{"must be positive"}},
	}
	for _, tt := range tests {
		args := append([]string{"train", "-data", "builtin:sin", "-epochs", "1", "-o", out}, tt.args...)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		code, _, errOut := runCLI(t, args...)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d\n%s", tt.name, code, tt.code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: error does not say %q:\n%s", tt.name, w, errOut)
			}
		}
		// A refusal comes before the weights are allocated: the billion
		// units would take 12 GB.
		if grew := after.TotalAlloc - before.TotalAlloc; tt.code != 0 && grew > 64<<20 {
			t.Errorf("%s: %d bytes allocated before the refusal", tt.name, grew)
		}
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("the run with -max-params raised wrote no model: %v", err)
	}
}
