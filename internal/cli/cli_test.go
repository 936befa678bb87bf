package cli

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// runCLI runs one command line in-process and returns its exit code and
// output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = ExitCode(Run(args, strings.NewReader(""), &out, &errb), &errb)
	return code, out.String(), errb.String()
}

func TestDemoReachesTarget(t *testing.T) {
	code, out, errOut := runCLI(t, "demo")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	final := regexp.MustCompile(`(?m)^final: w=(\S+) prediction=(\S+) error=(\S+)$`).FindAllStringSubmatch(out, -1)
	if len(final) != 1 {
		t.Fatalf("want exactly one final line, output:\n%s", out)
	}
	p, err := strconv.ParseFloat(final[0][2], 64)
	if err != nil || p < 0.299 || p > 0.303 {
		t.Errorf("final prediction %q, want within [0.299, 0.303]", final[0][2])
	}
	// A row every 1000 iterations, 0 through 10000.
	rows := regexp.MustCompile(`(?m)^\s+(\d+)\s+\S+\s+\S+\s+\S+$`).FindAllStringSubmatch(out, -1)
	if len(rows) != 11 || rows[0][1] != "0" || rows[10][1] != "10000" {
		t.Errorf("got %d table rows, want 11 from 0 to 10000:\n%s", len(rows), out)
	}
}

func TestDemoFlags(t *testing.T) {
	code, out, _ := runCLI(t, "demo", "--iterations", "50", "-every=10", "-lr", "0.1", "-target", "0.9")
	if code != 0 || !strings.Contains(out, "iterations=50") || strings.Count(out, "\n") < 6 {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestDemoDivergesClearly(t *testing.T) {
	code, _, errOut := runCLI(t, "demo", "-lr", "1.7e308", "-x", "6", "-target", "0", "-iterations", "5")
	if code != 1 || !strings.Contains(errOut, "learning rate") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the learning rate", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "no command"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"demo", "-lr", "x"}, 2, `invalid value "x" for flag -lr`},
		{[]string{"demo", "-every", "0"}, 2, "-every must be"},
		{[]string{"demo", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"demo", "-h"}, 0, ""},
		{[]string{"help"}, 0, ""},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d containing %q", tt.args, code, errOut, tt.code, tt.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 0 && tt.code != 0 && tt.args != nil {
			t.Errorf("%v: error is more than one line: %q", tt.args, errOut)
		}
	}
}

func TestExplain(t *testing.T) {
	code, out, errOut := runCLI(t, "explain", "-layers", "2,2,1", "-x", "0.1,0.4", "-y", "0.3", "-steps", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"── step 1", "── step 2", "dE/dpred", "w(x2→2)", "after 2 step(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	code, out, _ = runCLI(t, "explain", "-json", "-layers", "1,1", "-x", "0.1", "-y", "0.3", "-lr", "0.5")
	if code != 0 || !strings.Contains(out, `"dE_dsop"`) || !strings.Contains(out, `"learning_rate": 0.5`) {
		t.Errorf("json output (exit %d):\n%s", code, out)
	}
	code, out, _ = runCLI(t, "explain", "-data", "builtin:xor", "-layers", "2,3,1", "-bias", "-steps", "4", "-activation", "tanh", "-output", "sigmoid")
	if code != 0 || !strings.Contains(out, "bias:") || !strings.Contains(out, "── step 4 ── input x = [1, 1]") {
		t.Errorf("xor explain (exit %d):\n%s", code, out)
	}
}

func TestExplainRefusals(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"explain", "-layers", "3,2,1"}, 2, "samples have 2 inputs but -layers starts with 3"},
		{[]string{"explain", "-layers", "2,40,1"}, 1, "limited to"},
		{[]string{"explain", "-activation", "swish"}, 2, "unknown activation"},
		{[]string{"explain", "-data", "builtin:nope"}, 1, "nope"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

func TestGradcheckCommand(t *testing.T) {
	for _, l := range []string{"mse", "bce", "bce_logits", "cross_entropy", "softmax_cross_entropy", "squared_error", "mae"} {
		code, out, errOut := runCLI(t, "gradcheck", "-loss", l, "-activation", "gelu")
		if code != 0 || !strings.Contains(out, "all gradients agree") {
			t.Errorf("gradcheck -loss %s: exit %d, %s%s", l, code, out, errOut)
		}
	}
	// An impossible tolerance must fail with exit 1.
	code, _, errOut := runCLI(t, "gradcheck", "-tolerance", "1e-30")
	if code != 1 || !strings.Contains(errOut, "exceeds the tolerance") {
		t.Errorf("tight tolerance: exit %d, %q", code, errOut)
	}
}

func TestDemoPlot(t *testing.T) {
	dir := t.TempDir()
	// PNG by default, SVG only when asked; "wrote" is a note, on stderr.
	code, _, errOut := runCLI(t, "demo", "-iterations", "200", "-every", "100", "-plot", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "error.svg")); err == nil {
		t.Error("demo -plot wrote an SVG twin without -plot-format svg")
	}
	code, _, errSVG := runCLI(t, "demo", "-iterations", "200", "-every", "100", "-plot", dir, "-plot-format", "svg")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errSVG)
	}
	errOut += errSVG
	for _, name := range []string{"prediction.png", "prediction.svg", "error.png", "error.svg"} {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(errOut, "wrote "+path) {
			t.Errorf("stderr does not mention %s", path)
		}
		if strings.HasSuffix(name, ".png") {
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil || img.Bounds().Dx() < 400 {
				t.Errorf("%s: not a usable PNG (%v)", name, err)
			}
		} else if !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("%s is not an SVG", name)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "descent ") || !strings.Contains(out, "model format") {
		t.Errorf("exit %d, %q", code, out)
	}
}

func TestBench(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "-layers", "20,16,4", "-batch", "8", "-samples", "400", "-threads", "1", "-dtype", "float64")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Layers        []int   `json:"layers"`
		Batch         int     `json:"batch"`
		DType         string  `json:"dtype"`
		Threads       int     `json:"threads"`
		Samples       int     `json:"samples"`
		Seconds       float64 `json:"seconds"`
		SamplesPerSec float64 `json:"samples_per_sec"`
		GFLOPS        float64 `json:"gflops"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	if len(r.Layers) != 3 || r.Batch != 8 || r.DType != "float64" || r.Threads != 1 || r.Samples != 400 || r.Seconds <= 0 || r.SamplesPerSec <= 0 || r.GFLOPS <= 0 {
		t.Errorf("bench printed %+v", r)
	}
	if got := stepFlops([]int{784, 256, 128, 10}); got != 2*2*(784*256+256*128+128*10)+2*(256*128+128*10) {
		t.Errorf("stepFlops = %v", got)
	}
}
