package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestTrainJSON: train -json prints only JSON on stdout, with the chosen
// epoch and the metrics the model file holds.
func TestTrainJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	code, stdout, errOut := runCLI(t, "train", "-data", "builtin:iris", "-layers", "8", "-lr", "0.01", "-epochs", "8", "-o", out, "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Model     string             `json:"model"`
		Stopped   string             `json:"stopped"`
		Epochs    int                `json:"epochs"`
		BestEpoch int                `json:"best_epoch"`
		Metrics   map[string]float64 `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not one JSON object (%v):\n%s", err, stdout)
	}
	if got.Model != out || got.Epochs != 8 || got.BestEpoch < 1 || got.BestEpoch > 8 || got.Stopped == "" {
		t.Errorf("got %+v; want model %s, 8 epochs, a best epoch in 1..8 and a reason", got, out)
	}
	if _, ok := got.Metrics["val_accuracy"]; !ok {
		t.Errorf("metrics %v lack val_accuracy", got.Metrics)
	}
}
