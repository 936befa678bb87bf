package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/descent-ml/descent/model"
)

// epochWatcher is train's stderr: it cancels the run, as Ctrl-C does, at
// the first epoch line after epoch 3 that is not marked best, so that the
// run stops with its best epoch behind it.
type epochWatcher struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

var epochLineRE = regexp.MustCompile(`(?m)^epoch +(\d+)/\d+ .* val_loss (\S+).*$`)

func (w *epochWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for _, m := range epochLineRE.FindAllSubmatch(p, -1) {
		if n, _ := strconv.Atoi(string(m[1])); n > 3 && !bytes.HasSuffix(m[0], []byte("*")) {
			w.cancel()
		}
	}
	return len(p), nil
}

// TestInterruptSavesBestEpochMetrics interrupts a run after an epoch
// worse than the best and checks that the saved file's metrics are the
// best epoch's, whose weights it holds, not the last epoch's.
func TestInterruptSavesBestEpochMetrics(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &epochWatcher{cancel: cancel}
	var stdout bytes.Buffer
	// Adam at a high rate: the validation loss soon stops falling every
	// epoch.
	args := []string{"train", "-data", "builtin:sin", "-layers", "32,32", "-lr", "0.05", "-epochs", "100000", "-patience", "0", "-o", out}
	if err := RunContext(ctx, args, strings.NewReader(""), &stdout, w); err != nil {
		t.Fatalf("interrupted train: %v\n%s", err, w.buf.String())
	}
	var bestLoss, lastLoss string
	bestEpoch := 0
	for _, m := range epochLineRE.FindAllStringSubmatch(w.buf.String(), -1) {
		lastLoss = m[2]
		if strings.HasSuffix(m[0], "*") {
			bestLoss = m[2]
			bestEpoch, _ = strconv.Atoi(m[1])
		}
	}
	if bestLoss == "" || bestLoss == lastLoss {
		t.Fatalf("the run did not end on an epoch worse than its best (best %q, last %q):\n%s", bestLoss, lastLoss, w.buf.String())
	}
	if want := fmt.Sprintf("those of epoch %d", bestEpoch); !strings.Contains(w.buf.String(), want) {
		t.Errorf("stderr does not say %q:\n%s", want, w.buf.String())
	}
	m, err := model.Load(out)
	if err != nil {
		t.Fatalf("the model saved on interrupt does not load: %v", err)
	}
	if got := fmt.Sprintf("%.4g", m.Metrics["val_loss"]); got != bestLoss {
		t.Errorf("saved val_loss %s, want the best epoch's %s (the last epoch's was %s)", got, bestLoss, lastLoss)
	}
}
