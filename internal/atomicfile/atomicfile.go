// Package atomicfile replaces files so that a reader, or a crash, never
// sees a half-written one: every file descent writes (models, checkpoints,
// plots, predictions) goes through Write. It also reads such files back
// with a bound on their size (ReadFile), so that a device, a FIFO or a
// huge file cannot make a loader exhaust memory.
package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// StaleAge is how old (by modification time) a dead writer's temporary
// file must be before Write removes it. The writer's process being gone
// is the real test; the age guards against a writer that this process
// cannot see (another PID namespace sharing the directory) whose PID
// happens to be free here, since a live writer touches its file as it
// writes.
const StaleAge = time.Minute

// Write replaces the file at path with what write produces: it writes a
// temporary file in the same directory (so the rename cannot cross file
// systems), syncs it, renames it over path and syncs the directory. On any
// failure the temporary file is removed and the old file is untouched. The
// new file keeps the old one's permissions, or gets 0644.
//
// The temporary file is named ".<base>.tmp-<pid>-<random>". A crash (a
// SIGKILL, a power cut) can leave one behind, so Write first removes the
// temporary files of path that a dead process left at least StaleAge ago:
// only names of exactly that pattern for this base name, never one whose
// writer is still running. On systems where a process cannot be checked
// for life (not Unix), nothing is removed.
func Write(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base, time.Now())
	f, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// CreateTemp makes the file private; what descent writes is an
	// ordinary file, so give it the old file's mode or the usual 0644.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	if err := f.Chmod(mode); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// tempPrefix is what the names of base's temporary files start with.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// tempPID returns the writer's PID from the name of one of base's
// temporary files, and false for any other name.
func tempPID(name, base string) (int, bool) {
	rest, ok := strings.CutPrefix(name, tempPrefix(base))
	if !ok {
		return 0, false
	}
	pid, random, ok := strings.Cut(rest, "-")
	if !ok || !allDigits(pid) || !allDigits(random) {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeStale removes base's temporary files in dir whose writer has
// died and which are older than StaleAge. It is best effort: a file it
// cannot list or remove is left, since the save itself can still succeed.
func removeStale(dir, base string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	self := os.Getpid()
	for _, e := range entries {
		pid, ok := tempPID(e.Name(), base)
		if !ok || pid == self || !e.Type().IsRegular() || processAlive(pid) {
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < StaleAge {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// syncDir makes a rename in dir durable. Windows cannot open a directory
// for syncing, and its rename is durable once it returns.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
