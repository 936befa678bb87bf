package cli

import (
	"path/filepath"
	"testing"

	"github.com/descent-ml/descent/model"
)

// train's default network is an ensemble of 8×128, stored as one network
// of 1,024 hidden units; a -layers of one's own trains one network unless
// -ensemble is given too.
func TestTrainEnsembleFlag(t *testing.T) {
	for _, c := range []struct {
		args  []string
		units int
	}{
		{nil, 8 * 128},
		{[]string{"-layers", "8"}, 8},
		{[]string{"-layers", "8", "-ensemble", "2"}, 16},
		{[]string{"-ensemble", "1"}, 128},
	} {
		path := filepath.Join(t.TempDir(), "m.json")
		args := append([]string{"train", "-data", "builtin:iris", "-epochs", "2", "-o", path}, c.args...)
		if code, _, errOut := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		m, err := model.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Spec.Layers[0].Units; got != c.units {
			t.Errorf("%v: %d hidden units, want %d", c.args, got, c.units)
		}
	}
	if code, _, _ := runCLI(t, "train", "-data", "builtin:iris", "-ensemble", "-1"); code != 2 {
		t.Errorf("-ensemble -1: exit %d, want 2", code)
	}
}
