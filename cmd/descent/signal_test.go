//go:build unix

package main

import (
	"bufio"
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/descent-ml/descent/model"
)

// TestSignalSavesModel builds the command, starts a long training run,
// sends it SIGTERM (as service managers and job runners stop a process)
// or SIGINT (Ctrl-C) once a few epochs have run, and checks that it saves
// a model that loads and exits with 128 plus the signal's number.
func TestSignalSavesModel(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "descent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tests := []struct {
		sig  syscall.Signal
		code int
	}{
		{syscall.SIGTERM, 143},
		{syscall.SIGINT, 130},
	}
	for _, tt := range tests {
		t.Run(tt.sig.String(), func(t *testing.T) {
			out := filepath.Join(dir, tt.sig.String()+".json")
			cmd := exec.CommandContext(t.Context(), bin, "train", "-data", "builtin:sin", "-layers", "16",
				"-epochs", "100000000", "-patience", "0", "-o", out)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait for the third epoch line: by then there are best
			// weights to save.
			var log strings.Builder
			sc := bufio.NewScanner(stderr)
			epochs := 0
			for epochs < 3 && sc.Scan() {
				log.WriteString(sc.Text() + "\n")
				if strings.HasPrefix(sc.Text(), "epoch ") {
					epochs++
				}
			}
			if epochs < 3 {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("the run ended before its third epoch:\n%s", log.String())
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(stderr)
			log.Write(rest)
			err = cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("exit code %d (%v), want %d\nstderr:\n%s", code, err, tt.code, log.String())
			}
			if !strings.Contains(stdout.String(), "model written to "+out) {
				t.Errorf("stdout does not say the model was written:\n%s", stdout.String())
			}
			m, err := model.Load(out)
			if err != nil {
				t.Fatalf("the model saved on %v does not load: %v", tt.sig, err)
			}
			if _, ok := m.Metrics["val_loss"]; !ok {
				t.Errorf("the saved model has no val_loss: %v", m.Metrics)
			}
		})
	}
}
