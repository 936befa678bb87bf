//go:build unix

package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/descent-ml/descent/model"
)

// signalOn is a stderr that sends this process SIGINT, as Ctrl-C does,
// once a line containing its mark is written; by then the command is
// catching the signal, so the test process lives on.
type signalOn struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	mark string
	once sync.Once
}

func (s *signalOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), s.mark) {
		s.once.Do(func() { syscall.Kill(syscall.Getpid(), syscall.SIGINT) })
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// TestTuneCtrlCExits130: Ctrl-C during the search still trains and saves
// the best candidate so far, then exits 130 as a shell expects of a
// command stopped by Ctrl-C (it exited 0).
func TestTuneCtrlCExits130(t *testing.T) {
	modelPath := filepath.Join(t.TempDir(), "m.json")
	errOut := &signalOn{mark: "rung 1/2"}
	var out bytes.Buffer
	err := RunContext(context.Background(), append(slices.Clone(tuneArgs), "-o", modelPath), strings.NewReader(""), &out, errOut)
	var ignored bytes.Buffer
	if code := ExitCode(err, &ignored); code != 130 {
		t.Errorf("exit %d (%v), want 130\nstderr:\n%s", code, err, errOut.buf.String())
	}
	if _, err := model.Load(modelPath); err != nil {
		t.Errorf("the model saved after Ctrl-C does not load: %v", err)
	}
	if !strings.Contains(out.String(), "model written to "+modelPath) {
		t.Errorf("stdout does not say the model was written:\n%s", out.String())
	}
}
