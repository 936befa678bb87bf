package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descent-ml/descent/model"
)

// TestTrainDivergence runs issue 17's command (Adam at 1e6 blows up in
// the first epoch, so no model is worth writing) and an SGD run that
// blows up in its second epoch (so the first epoch's model is written
// with that epoch's metrics); both must exit 1 naming the optimizer and a
// rate to try.
func TestTrainDivergence(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		want      []string
		written   bool
		goodEpoch string
	}{
		{"adam at 1e6", []string{"-optimizer", "adam", "-lr", "1e6", "-checkpoint-every", "1"},
			[]string{"diverged at epoch 1", "probably too high for adam — try 0.001", "nothing was written"}, false, ""},
		{"sgd at 0.3", []string{"-optimizer", "sgd", "-lr", "0.3", "-scale-target=false", "-scale", "standard", "-schedule", "constant", "-batch-size", "32"},
			[]string{"diverged at epoch 2", "probably too high for sgd — try 0.01", "the weights of epoch 1, the last good ones, were written"}, true, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "m.json")
			args := append([]string{"train", "-data", "builtin:sin", "-layers", "16", "-o", out}, tt.args...)
			code, _, errOut := runCLI(t, args...)
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not say %q:\n%s", w, errOut)
				}
			}
			if _, err := os.Stat(checkpointPath(out)); err == nil {
				t.Errorf("a checkpoint of the diverged run was written")
			}
			m, err := model.Load(out)
			if !tt.written {
				if err == nil {
					t.Errorf("a model was written: %v", m.Metrics)
				}
				return
			}
			if err != nil {
				t.Fatalf("the last good model does not load: %v", err)
			}
			// Its metrics are those the good epoch's line showed.
			var shown string
			for _, m := range epochLineRE.FindAllStringSubmatch(errOut, -1) {
				if m[1] == tt.goodEpoch {
					shown = m[2]
				}
			}
			if got := fmt.Sprintf("%.4g", m.Metrics["val_loss"]); got != shown {
				t.Errorf("saved val_loss %s, want epoch %s's %q", got, tt.goodEpoch, shown)
			}
		})
	}
}
