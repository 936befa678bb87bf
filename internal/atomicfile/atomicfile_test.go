package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestWriteReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txt")
	for _, s := range []string{"first", "second"} {
		if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, s); return err }); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != s {
			t.Errorf("file holds %q, want %q", b, s)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

func TestFailedWriteKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	if err := os.WriteFile(path, []byte("good"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half a mod")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	if b, _ := os.ReadFile(path); string(b) != "good" {
		t.Errorf("old file now holds %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestMissingDirectory(t *testing.T) {
	if err := Write(filepath.Join(t.TempDir(), "no", "such", "f"), func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// TestRemoveStale leaves files behind as a crashed writer would and
// checks that the next Write removes exactly the stale temporary files of
// its own target: not another target's, not a live writer's, not a fresh
// one, not a name of another pattern.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	old := time.Now().Add(-2 * StaleAge)
	dead := deadPID(t)
	live := os.Getppid() // the go command or shell that started the test
	files := []struct {
		name     string
		old      bool
		wantGone bool
	}{
		{fmt.Sprintf(".model.json.tmp-%d-123", dead), true, true},
		{fmt.Sprintf(".model.json.tmp-%d-456", dead), true, true},
		{fmt.Sprintf(".model.json.tmp-%d-789", dead), false, false}, // too fresh
		{fmt.Sprintf(".model.json.tmp-%d-123", live), true, false},  // writer alive
		{fmt.Sprintf(".other.json.tmp-%d-123", dead), true, false},  // another target
		{fmt.Sprintf(".model.json.tmp-%d-12x", dead), true, false},  // not the pattern
		{".model.json.tmp-123456", true, false},                     // no PID: cannot tell
		{fmt.Sprintf("model.json.tmp-%d-1", dead), true, false},     // not hidden
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		if f.old {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if gone := errors.Is(err, os.ErrNotExist); gone != f.wantGone {
			t.Errorf("%s: removed %v, want %v", f.name, gone, f.wantGone)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("target holds %q, want %q", b, "new")
	}
}

// deadPID returns the PID of a process that has exited: one this test
// started and waited for, so nothing else can hold that PID unless the
// system reuses it at once.
func deadPID(t *testing.T) int {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no way to tell a dead writer on Windows; Write removes nothing there")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestTempNameHoldsPID(t *testing.T) {
	dir := t.TempDir()
	var name string
	Write(filepath.Join(dir, "m.bin"), func(io.Writer) error {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name = e.Name()
		}
		return nil
	})
	if pid, ok := tempPID(name, "m.bin"); !ok || pid != os.Getpid() {
		t.Errorf("temporary file %q: PID %d, %v; want %d", name, pid, ok, os.Getpid())
	}
}

// TestReadFileCheckStopsEarly checks that a check refusing the head stops
// the read: reading a large file then costs a few kilobytes, not its size.
func TestReadFileCheckStopsEarly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zeros")
	const size = 32 << 20
	if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	refuse := errors.New("not mine")
	var head []byte
	alloc := allocated(func() {
		_, err := ReadFile(path, size, func(h []byte) error { head = h; return refuse })
		if !errors.Is(err, refuse) {
			t.Errorf("error %v, want %v", err, refuse)
		}
	})
	if len(head) != HeadSize {
		t.Errorf("check saw %d bytes, want %d", len(head), HeadSize)
	}
	if alloc > 64<<10 {
		t.Errorf("allocated %d bytes for a %d-byte file refused at its head", alloc, size)
	}
	var b []byte
	alloc = allocated(func() {
		var err error
		if b, err = ReadFile(path, size, nil); err != nil {
			t.Fatal(err)
		}
	})
	if len(b) != size || alloc > size+1<<20 {
		t.Errorf("read %d bytes allocating %d, want %d allocating about as much", len(b), alloc, size)
	}
}

// allocated returns how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
