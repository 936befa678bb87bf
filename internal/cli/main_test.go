package cli

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// skips records the tests that skipped because this machine lacks
// something, for the summary TestMain prints.
var skips struct {
	sync.Mutex
	notes []string
}

// skipOffline skips t because this machine lacks something a test needs
// (a network, a module, a program), recording why for the summary at the
// end. In CI (CI=true), where everything is installed, it fails instead:
// a test that skips there would hide a real break.
func skipOffline(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: failing rather than skipping)", msg)
	}
	skips.Lock()
	skips.notes = append(skips.notes, t.Name()+": "+msg)
	skips.Unlock()
	t.Skip(msg)
}

// TestMain prints which tests skipped and why after the run. go test
// shows a passing package's output only with -v, so the summary also goes
// to the terminal (/dev/tty) when there is one: a developer running
// "go test ./..." offline sees what did not run without asking for -v.
func TestMain(m *testing.M) {
	code := m.Run()
	skips.Lock()
	notes := skips.notes
	skips.Unlock()
	if len(notes) > 0 {
		summary := fmt.Sprintf("descent/internal/cli: %d skipped on this machine:\n  %s\n", len(notes), strings.Join(notes, "\n  "))
		fmt.Print(summary)
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprint(tty, summary)
			tty.Close()
		}
	}
	os.Exit(code)
}
