//go:build unix

package model

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadRefusesNonRegular checks that devices, FIFOs and directories
// are refused before reading: /dev/zero made Load read until memory ran
// out, and a FIFO made it wait forever.
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
		if _, err := Load(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s): error %v, want one containing %q", tc.path, err, tc.want)
		}
		if _, err := LoadCheckpoint(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadCheckpoint(%s): error %v, want one containing %q", tc.path, err, tc.want)
		}
	}
}
