package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressExplainsMark: the epoch lines' * is explained once, before
// the first of them, when there is a validation split to mark against.
func TestProgressExplainsMark(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	code, _, errOut := runCLI(t, "train", "-data", "builtin:iris", "-layers", "8", "-epochs", "3", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	head, _, _ := strings.Cut(errOut, "epoch 1/3")
	if n := strings.Count(errOut, "(* marks"); n != 1 || !strings.Contains(head, "(* marks") {
		t.Errorf("want one line explaining * before the first epoch, got %d:\n%s", n, errOut)
	}
}
