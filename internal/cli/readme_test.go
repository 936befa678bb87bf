package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMECommands runs every descent command the README shows, in
// order, in a scratch folder that holds the files they name, so the README
// stays true.
func TestREADMECommands(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	inShell := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```"):
			inShell = line == "```sh"
		case inShell && strings.HasPrefix(line, "go run ./cmd/descent "):
			cmd, _, _ := strings.Cut(line, "#")
			cmds = append(cmds, strings.TrimSpace(strings.TrimPrefix(cmd, "go run ./cmd/descent ")))
		}
	}
	if len(cmds) < 8 {
		t.Fatalf("found only %d descent commands in README.md", len(cmds))
	}

	work := t.TempDir()
	if err := os.Mkdir(filepath.Join(work, "datasets"), 0o755); err != nil {
		t.Fatal(err)
	}
	iris, err := os.ReadFile(filepath.Join(root, "datasets", "iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, "datasets", "iris.csv"), iris, 0o644)
	t.Chdir(work)

	for _, c := range cmds {
		if strings.Contains(c, "$(scripts/fetch-mnist.sh)") {
			out, err := exec.Command("sh", filepath.Join(root, "scripts", "fetch-mnist.sh")).Output()
			if err != nil {
				t.Fatalf("scripts/fetch-mnist.sh: %v", err)
			}
			c = strings.ReplaceAll(c, "$(scripts/fetch-mnist.sh)", strings.TrimSpace(string(out)))
		}
		code, _, errOut := runCLI(t, strings.Fields(c)...)
		if code != 0 {
			t.Errorf("descent %s: exit %d\n%s", c, code, errOut)
		}
	}
	for _, f := range []string{"plots/prediction.png", "plots/error.svg", "iris.json", "loss.png", "predictions.csv", "mnist.json"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("README command did not produce %s", f)
		}
	}
}
