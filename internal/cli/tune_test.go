package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/fit"
	"github.com/descent-ml/descent/model"
)

// tuneArgs is a search small enough for a test: 4 candidates on 3 folds,
// the best trained 6 epochs.
var tuneArgs = []string{"tune", "-data", filepath.Join("..", "..", "datasets", "iris.csv"), "-target", "species",
	"-trials", "4", "-epochs", "6", "-folds", "3", "-seed", "5"}

// TestTuneWritesModelAndResults: tune saves a model that carries the
// search, writes every candidate to the CSV, prints the table as JSON, and
// repeats itself bit for bit with the same seed.
func TestTuneWritesModelAndResults(t *testing.T) {
	dir := t.TempDir()
	var models []*model.Model
	var csvs []string
	for i := range 2 {
		modelPath := filepath.Join(dir, "m"+string(rune('a'+i))+".json")
		resultsPath := filepath.Join(dir, "r"+string(rune('a'+i))+".csv")
		parallel := []string{"1", "2"}[i] // the schedule must not matter
		code, out, errOut := runCLI(t, append(slices.Clone(tuneArgs), "-parallel", parallel, "-o", modelPath, "-results", resultsPath, "-json")...)
		if code != 0 {
			t.Fatalf("tune: exit %d: %s", code, errOut)
		}
		var table struct {
			Metric string
			Trials []fit.Trial
			Model  string
		}
		if err := json.Unmarshal([]byte(out), &table); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, out)
		}
		if table.Metric != "accuracy" || len(table.Trials) != 4 || table.Model != modelPath {
			t.Errorf("JSON table: metric %q, %d trials, model %q; want accuracy, 4, %q", table.Metric, len(table.Trials), table.Model, modelPath)
		}
		m, err := model.Load(modelPath)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct{ Tune struct{ Top []fit.Trial } }
		if err := json.Unmarshal(m.Training, &rec); err != nil || len(rec.Tune.Top) != 4 {
			t.Errorf("the model's training record lacks the search (%v): %s", err, m.Training)
		}
		b, err := os.ReadFile(resultsPath)
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(string(b), "\n"); lines != 5 {
			t.Errorf("results CSV has %d lines, want a header and 4 candidates:\n%s", lines, b)
		}
		models, csvs = append(models, m), append(csvs, string(b))
	}
	if csvs[0] != csvs[1] {
		t.Errorf("same seed, different results:\n%s\n%s", csvs[0], csvs[1])
	}
	for i, p := range models[0].Params {
		if !slices.Equal(p.Values, models[1].Params[i].Values) {
			t.Errorf("same seed, parameter %s differs", p.Name)
		}
	}
}

// TestTuneUsageErrors: a bad command line exits 2 with a message, before
// any search.
func TestTuneUsageErrors(t *testing.T) {
	iris := filepath.Join("..", "..", "datasets", "iris.csv")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no data", []string{}},
		{"budget and trials", []string{"-data", iris, "-budget", "1s", "-trials", "3"}},
		{"zero trials", []string{"-data", iris, "-trials", "0"}},
		{"negative budget", []string{"-data", iris, "-budget", "-1s"}},
		{"bad budget", []string{"-data", iris, "-budget", "soon"}},
		{"one fold", []string{"-data", iris, "-trials", "2", "-folds", "1"}},
		{"more folds than rows", []string{"-data", iris, "-target", "species", "-trials", "2", "-folds", "151"}},
		{"zero epochs", []string{"-data", iris, "-trials", "2", "-epochs", "0"}},
		{"zero parallel", []string{"-data", iris, "-trials", "2", "-parallel", "0"}},
		{"NaN base margin", []string{"-data", iris, "-trials", "2", "-base-margin", "NaN"}},
		{"bad format", []string{"-data", iris, "-trials", "2", "-format", "xml"}},
		{"bad missing", []string{"-data", iris, "-trials", "2", "-missing", "guess"}},
		{"unknown flag", []string{"-data", iris, "-lr", "0.1"}},
		{"stray argument", []string{"-data", iris, "extra"}},
	} {
		code, _, errOut := runCLI(t, append([]string{"tune"}, tc.args...)...)
		if code != 2 || !strings.HasPrefix(errOut, "descent: ") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and a message", tc.name, code, errOut)
		}
	}
}

// cancelOn is a stderr that cancels the command's context once a line
// containing its mark is written: Ctrl-C at a known point of the search.
type cancelOn struct {
	bytes.Buffer
	mark   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.mark) {
		c.cancel()
	}
	return c.Buffer.Write(p)
}

// TestTuneInterruptedKeepsBest: Ctrl-C after the first rung still trains
// the best candidate so far and saves it, marked as interrupted.
func TestTuneInterruptedKeepsBest(t *testing.T) {
	modelPath := filepath.Join(t.TempDir(), "m.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errOut := &cancelOn{mark: "rung 1/2", cancel: cancel}
	var out bytes.Buffer
	code := ExitCode(RunContext(ctx, append(slices.Clone(tuneArgs), "-o", modelPath), strings.NewReader(""), &out, errOut), errOut)
	if code != 0 || !strings.Contains(errOut.String(), "interrupted") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
	m, err := model.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Tune struct {
			Stopped string
			Top     []fit.Trial
		}
	}
	if err := json.Unmarshal(m.Training, &rec); err != nil || rec.Tune.Stopped != "interrupted" || len(rec.Tune.Top) != 4 || rec.Tune.Top[0].Epochs != 2 {
		t.Errorf("training record (%v): want stopped interrupted and 4 trials scored at 2 epochs: %s", err, m.Training)
	}
}

// tune -layers fixes the architecture, of any kind, and searches the rest:
// a convolution over iris's four features read as a 1×2×2 image, then a
// dense layer and dropout; every candidate and the saved model have it.
func TestTuneFixedLayers(t *testing.T) {
	modelPath := filepath.Join(t.TempDir(), "m.json")
	code, out, errOut := runCLI(t, append(slices.Clone(tuneArgs), "-input-shape", "1,2,2", "-layers", "conv:3:2,8,dropout:0.25", "-o", modelPath, "-json")...)
	if code != 0 {
		t.Fatalf("tune: exit %d: %s", code, errOut)
	}
	var table struct{ Trials []fit.Trial }
	if err := json.Unmarshal([]byte(out), &table); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	for _, tr := range table.Trials {
		if !strings.HasPrefix(tr.Layers, "conv") || len(tr.Hidden) != 0 {
			t.Errorf("trial %d: layers %q, hidden %v; want the conv layers given", tr.ID, tr.Layers, tr.Hidden)
		}
	}
	m, err := model.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range m.Spec.Layers {
		kinds = append(kinds, l.KindName())
	}
	if got, want := strings.Join(kinds, ","), "conv2d,dense,dropout,dense"; got != want {
		t.Errorf("saved model's layers %s, want %s", got, want)
	}
	if !strings.Contains(errOut, "layers conv") {
		t.Errorf("the leaderboard does not show the fixed layers:\n%s", errOut)
	}
	for _, bad := range [][]string{{"-layers", ""}, {"-layers", "conv:0:2"}, {"-input-shape", "x"}} {
		if code, _, errOut := runCLI(t, append(slices.Clone(tuneArgs), bad...)...); code != 2 {
			t.Errorf("tune %v: exit %d (%s), want 2", bad, code, errOut)
		}
	}
}

// TestTuneKeepsDefaults: when no candidate beats the default settings by
// more than -base-margin standard errors, tune trains exactly what train
// does with its defaults, says so, and records it; -base-margin -1 lets
// the best score win.
func TestTuneKeepsDefaults(t *testing.T) {
	dir := t.TempDir()
	iris := filepath.Join("..", "..", "datasets", "iris.csv")
	kept := filepath.Join(dir, "kept.json")
	code, out, errOut := runCLI(t, append(slices.Clone(tuneArgs), "-base-margin", "1e9", "-o", kept, "-json")...)
	if code != 0 {
		t.Fatalf("tune: exit %d: %s", code, errOut)
	}
	var table struct {
		Chosen   int    `json:"chosen"`
		BaseKept string `json:"base_kept"`
	}
	if err := json.Unmarshal([]byte(out), &table); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if table.Chosen != 0 || !strings.Contains(table.BaseKept, "keeping the base settings") || !strings.Contains(errOut, "training the default settings") {
		t.Errorf("chosen %d, base_kept %q, stderr:\n%s\nwant candidate 0 kept and said", table.Chosen, table.BaseKept, errOut)
	}
	trained := filepath.Join(dir, "train.json")
	if code, _, errOut := runCLI(t, "train", "-data", iris, "-target", "species", "-seed", "5", "-o", trained); code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	a, err := model.Load(kept)
	if err != nil {
		t.Fatal(err)
	}
	b, err := model.Load(trained)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Params) != len(b.Params) {
		t.Fatalf("tune's model has %d tensors, train's %d", len(a.Params), len(b.Params))
	}
	for i, p := range a.Params {
		if !slices.Equal(p.Values, b.Params[i].Values) {
			t.Errorf("parameter %s differs from train's with the defaults", p.Name)
		}
	}
	var rec struct {
		Tune struct {
			Chosen   int    `json:"chosen"`
			BaseKept string `json:"base_kept"`
		}
	}
	if err := json.Unmarshal(a.Training, &rec); err != nil || rec.Tune.Chosen != 0 || rec.Tune.BaseKept == "" {
		t.Errorf("the model's record does not say the defaults were kept (%v): %s", err, a.Training)
	}

	// With the rule off the best candidate is trained, whatever its lead.
	code, out, errOut = runCLI(t, append(slices.Clone(tuneArgs), "-base-margin", "-1", "-o", filepath.Join(dir, "best.json"), "-json")...)
	if code != 0 {
		t.Fatalf("tune -base-margin -1: exit %d: %s", code, errOut)
	}
	var best struct {
		Chosen   int         `json:"chosen"`
		BaseKept string      `json:"base_kept"`
		Trials   []fit.Trial `json:"trials"`
	}
	if err := json.Unmarshal([]byte(out), &best); err != nil {
		t.Fatal(err)
	}
	if best.BaseKept != "" || best.Chosen != best.Trials[0].ID {
		t.Errorf("rule off: chosen %d, base_kept %q; want the first trial (%d)", best.Chosen, best.BaseKept, best.Trials[0].ID)
	}
}

// TestTuneBudgetCoversTheEnd: with -budget the search stops before the
// budget, leaving its estimate of the recheck and the final training, and
// says so; the JSON carries both times.
func TestTuneBudgetCoversTheEnd(t *testing.T) {
	dir := t.TempDir()
	args := []string{"tune", "-data", filepath.Join("..", "..", "datasets", "iris.csv"), "-target", "species",
		"-budget", "2s", "-epochs", "6", "-folds", "3", "-seed", "5", "-o", filepath.Join(dir, "m.json"), "-json"}
	code, out, errOut := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("tune: exit %d: %s", code, errOut)
	}
	var table struct {
		Stopped  string
		Seconds  float64
		Reserved float64 `json:"reserved_seconds"`
	}
	if err := json.Unmarshal([]byte(out), &table); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if table.Stopped != "budget" || table.Reserved <= 0 || table.Seconds >= 2 {
		t.Errorf("stopped %q after a %gs search with %gs reserved; want budget, a positive reserve and a search under 2s", table.Stopped, table.Seconds, table.Reserved)
	}
	if !strings.Contains(errOut, "leaving an estimated") {
		t.Errorf("stderr does not say what the search left for the end:\n%s", errOut)
	}
}
