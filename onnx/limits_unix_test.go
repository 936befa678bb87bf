//go:build unix

package onnx_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/descent-ml/descent/onnx"
)

// TestLoadRefusesNonRegular checks that devices, FIFOs and directories
// are refused before reading (/dev/zero was read until memory ran out).
func TestLoadRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"/dev/zero", "/dev/zero is a character device, not a regular file"},
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{dir, "is a directory, not a regular file"},
	} {
		if _, err := onnx.Load(tc.path, onnx.ImportOptions{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s): error %v, want one containing %q", tc.path, err, tc.want)
		}
	}
}
