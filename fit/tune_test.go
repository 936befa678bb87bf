package fit

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
)

// iris loads the built-in iris CSV.
func iris(t *testing.T) (*data.Dataset, *data.Schema) {
	t.Helper()
	d, s, err := data.LoadCSV("../datasets/iris.csv", data.CSVOptions{Targets: []string{"species"}})
	if err != nil {
		t.Fatal(err)
	}
	return d, s
}

// tiny returns search settings that run in well under a second on iris:
// 4 candidates at 2 epochs, the best one at 6, on 3 folds.
func tiny(parallel int) TuneOptions {
	return TuneOptions{Trials: 4, MaxEpochs: 6, Folds: 3, Parallel: parallel, Seed: 7}
}

// TestTuneDeterministic: the same seed gives the same trials, scores and
// final model bit for bit, whether the trainings run one at a time or
// three at once.
func TestTuneDeterministic(t *testing.T) {
	d, schema := iris(t)
	base := Defaults()
	var results []*TuneResult
	var params [][]float64
	for _, parallel := range []int{1, 3} {
		res, err := Tune(context.Background(), d, schema, base, tiny(parallel))
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
		o := res.Best
		o.Epochs, o.Patience = 3, 0 // the final model's bits, quickly
		fr, err := Train(context.Background(), d, schema, o)
		if err != nil {
			t.Fatal(err)
		}
		var p []float64
		for _, tn := range fr.Model.Params {
			p = append(p, tn.Values...)
		}
		params = append(params, p)
	}
	if got, want := results[1].Trials, results[0].Trials; !reflect.DeepEqual(got, want) {
		t.Errorf("parallel 3 trials:\n%+v\nparallel 1:\n%+v", got, want)
	}
	if !reflect.DeepEqual(results[1].Best.Hidden, results[0].Best.Hidden) || results[1].Best.LearningRate != results[0].Best.LearningRate {
		t.Errorf("best options differ: %+v vs %+v", results[1].Best, results[0].Best)
	}
	if !slices.Equal(params[1], params[0]) {
		t.Error("the final models' parameters differ")
	}
	// The best of the first rung goes on, and candidate 0 with it when it
	// is not the best.
	top := 0
	for _, tr := range results[0].Trials {
		if tr.Epochs == 6 {
			top++
		}
	}
	// Then, unless the base is the best, both are scored again on fresh
	// folds.
	recheck := 0
	if results[0].Recheck != nil {
		recheck = 2 * 3
	}
	if got := results[0].Trainings; got != 4*3+top*3+recheck || top < 1 || top > 2 {
		t.Errorf("%d trainings, %d candidates at the last rung, recheck %v; want 1 or 2 there and 4 × 3 + that × 3 (+ 2 × 3) trainings", got, top, results[0].Recheck != nil)
	}
	if !reflect.DeepEqual(results[0].Recheck, results[1].Recheck) || results[0].BaseKept != results[1].BaseKept {
		t.Errorf("the recheck differs between parallel 1 and 3: %+v, %+v", results[0].Recheck, results[1].Recheck)
	}
}

// TestTuneHalving: each rung keeps the best third and trains it three
// times as long, and the trials come back best first.
func TestTuneHalving(t *testing.T) {
	d, schema := iris(t)
	// No rule for the base candidate: it would be carried to every rung.
	to := TuneOptions{Trials: 9, MaxEpochs: 9, Folds: 2, Seed: 3, BaseMargin: -1}
	var rungsDone []int
	to.Progress = func(p TuneProgress) {
		if p.RungDone {
			rungsDone = append(rungsDone, p.Done)
			if len(p.Leaders) == 0 || len(p.Leaders) > 5 {
				t.Errorf("rung %d: %d leaders, want 1 to 5", p.Rung, len(p.Leaders))
			}
		}
	}
	res, err := Tune(context.Background(), d, schema, Defaults(), to)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{9, 3, 1}; !slices.Equal(rungsDone, want) {
		t.Errorf("candidates scored per rung %v, want %v", rungsDone, want)
	}
	count := map[int]int{}
	for _, tr := range res.Trials {
		count[tr.Epochs]++
	}
	if want := map[int]int{1: 6, 3: 2, 9: 1}; !reflect.DeepEqual(count, want) {
		t.Errorf("trials by epochs reached %v, want %v", count, want)
	}
	if !slices.IsSortedFunc(res.Trials, compareTrials) {
		t.Error("trials are not best first")
	}
	if res.Best.Epochs != 9 || res.Metric != "accuracy" || res.Stopped != "" {
		t.Errorf("best epochs %d, metric %q, stopped %q; want 9, accuracy, none", res.Best.Epochs, res.Metric, res.Stopped)
	}
	if !slices.ContainsFunc(res.Trials, func(tr Trial) bool { return tr.ID == 0 && slices.Equal(tr.Hidden, Defaults().Hidden) }) {
		t.Error("candidate 0 is not the base options' network")
	}
}

// TestTuneRungs checks the epochs of a bracket's rungs.
func TestTuneRungs(t *testing.T) {
	for _, tc := range []struct {
		trials, eta, epochs int
		want                []int
	}{
		{27, 3, 81, []int{3, 9, 27, 81}},
		{4, 3, 6, []int{2, 6}},
		{1, 3, 81, []int{81}},
		{27, 3, 9, []int{1, 3, 9}}, // no rung shorter than an epoch
		{8, 2, 80, []int{10, 20, 40, 80}},
	} {
		to := TuneOptions{Trials: tc.trials, Eta: tc.eta, MaxEpochs: tc.epochs}
		if got := to.rungs(); !slices.Equal(got, tc.want) {
			t.Errorf("%d trials, η %d, %d epochs: rungs %v, want %v", tc.trials, tc.eta, tc.epochs, got, tc.want)
		}
	}
}

// TestTuneInterrupted: a context ended after the first rung keeps the
// scores so far and returns the best of them.
func TestTuneInterrupted(t *testing.T) {
	d, schema := iris(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	to := tiny(2)
	to.Progress = func(p TuneProgress) {
		if p.RungDone && p.Rung == 0 {
			cancel()
		}
	}
	res, err := Tune(ctx, d, schema, Defaults(), to)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != "interrupted" || len(res.Trials) != 4 || res.Best.Epochs != 2 {
		t.Errorf("stopped %q, %d trials, best trained %d epochs; want interrupted, 4, 2", res.Stopped, len(res.Trials), res.Best.Epochs)
	}

	// Ended before anything was scored: an error, not an empty result.
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := Tune(done, d, schema, Defaults(), tiny(2)); err == nil || !strings.Contains(err.Error(), "before any candidate") {
		t.Errorf("cancelled at once: error %v, want one saying nothing was scored", err)
	}
}

// TestTuneRegression scores regression by R² in the targets' units.
func TestTuneRegression(t *testing.T) {
	d := linear(120, 2)
	o := Defaults()
	o.LearningRate = 0.005 // candidate 0, the base, learns this line within the few epochs
	res, err := Tune(context.Background(), d, nil, o, TuneOptions{Trials: 3, MaxEpochs: 30, Folds: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Metric != "r2" {
		t.Errorf("metric %q, want r2", res.Metric)
	}
	if best := res.Trials[0]; best.Score < 0.9 || best.LabelSmoothing != 0 {
		t.Errorf("best R² %.3f (want > 0.9), label smoothing %g (want 0 for regression)", best.Score, best.LabelSmoothing)
	}
}

// TestTuneBadOptions: settings that cannot work are errors, not panics.
func TestTuneBadOptions(t *testing.T) {
	d, _ := iris(t)
	for _, tc := range []struct {
		name string
		to   TuneOptions
		want string
	}{
		{"one fold", TuneOptions{Folds: 1}, "folds"},
		{"more folds than rows", TuneOptions{Folds: 151}, "folds for 150 rows"},
		{"negative trials", TuneOptions{Trials: -1}, "trials"},
		{"eta 1", TuneOptions{Eta: 1}, "η"},
		{"negative budget", TuneOptions{Budget: -1}, "budget"},
	} {
		_, err := Tune(context.Background(), d, nil, Defaults(), tc.to)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

// TestTuneRecords: Annotate adds the search beside Train's own record,
// and WriteCSV writes one row per trial, best first.
func TestTuneRecords(t *testing.T) {
	d, schema := iris(t)
	res, err := Tune(context.Background(), d, schema, Defaults(), tiny(2))
	if err != nil {
		t.Fatal(err)
	}
	o := res.Best
	o.Epochs = 2
	fr, err := Train(context.Background(), d, schema, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Annotate(fr.Model); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Options json.RawMessage
		Tune    struct {
			Metric string
			Top    []Trial
		}
	}
	if err := json.Unmarshal(fr.Model.Training, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Options) == 0 || rec.Tune.Metric != "accuracy" || !reflect.DeepEqual(rec.Tune.Top, res.Trials) {
		t.Errorf("training record %s: want Train's options and the tune's trials", fr.Model.Training)
	}
	var buf bytes.Buffer
	if err := model.Encode(&buf, fr.Model, model.JSON); err != nil {
		t.Fatalf("the annotated model does not save: %v", err)
	}

	buf.Reset()
	if err := res.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(res.Trials) || rows[0][5] != "accuracy" || rows[1][0] != "1" {
		t.Errorf("CSV:\n%v", rows)
	}
}

// TestTuneCarriesBase: with the one-standard-error rule on, candidate 0
// is scored at every rung of the first bracket, first, beside the best
// third.
func TestTuneCarriesBase(t *testing.T) {
	d, schema := iris(t)
	to := TuneOptions{Trials: 9, MaxEpochs: 9, Folds: 2, Seed: 3}
	var perRung [][]int
	to.Progress = func(p TuneProgress) {
		if p.RungDone {
			perRung = append(perRung, []int{p.Done, p.Total})
		}
	}
	res, err := Tune(context.Background(), d, schema, Defaults(), to)
	if err != nil {
		t.Fatal(err)
	}
	var base Trial
	for _, tr := range res.Trials {
		if tr.ID == 0 {
			base = tr
		}
	}
	if base.Epochs != 9 || base.Rung != 2 {
		t.Errorf("candidate 0 reached %d epochs (rung %d); want 9 (rung 2)", base.Epochs, base.Rung)
	}
	for r, dt := range perRung {
		if want := []int{9, 3, 1}[r]; dt[1] != want && dt[1] != want+1 {
			t.Errorf("rung %d scored %d candidates, want %d or %d", r, dt[1], want, want+1)
		}
	}
	// Whichever is chosen, Best follows it.
	switch {
	case res.BaseKept != "":
		if res.Chosen.ID != 0 || res.Best.Epochs != Defaults().Epochs {
			t.Errorf("base kept but chosen %d, best epochs %d", res.Chosen.ID, res.Best.Epochs)
		}
	default:
		if res.Chosen.ID != res.Trials[0].ID || res.Best.Epochs != 9 {
			t.Errorf("chosen %d, best epochs %d; want the first trial, 9", res.Chosen.ID, res.Best.Epochs)
		}
	}
}

// TestKeepBaseRule: the base settings are kept exactly when the best
// beats them by no more than BaseMargin standard errors (std ÷ √folds).
func TestKeepBaseRule(t *testing.T) {
	// 4 folds: the best's standard error is 0.04 ÷ 2 = 0.02.
	best := Trial{ID: 5, Epochs: 81, Score: 0.90, ScoreStd: 0.04}
	cases := []struct {
		base   Trial
		margin float64
		keep   bool
	}{
		{Trial{ID: 0, Epochs: 81, Score: 0.885}, 1, true},   // 0.015 behind: within 0.02
		{Trial{ID: 0, Epochs: 81, Score: 0.875}, 1, false},  // 0.025 behind
		{Trial{ID: 0, Epochs: 81, Score: 0.875}, 2, true},   // within 2 × 0.02
		{Trial{ID: 0, Epochs: 81, Score: 0.899}, -1, false}, // rule off
		{Trial{ID: 0, Epochs: 27, Score: 0.899}, 1, false},  // not scored as long
		{Trial{ID: 0, Epochs: 81, Score: 0.899, Failed: "diverged"}, 1, false},
	}
	for i, c := range cases {
		s := &search{
			to:     TuneOptions{Folds: 4, BaseMargin: c.margin},
			trials: []Trial{c.base},
			res:    &TuneResult{Metric: "accuracy", Trials: []Trial{best, c.base}},
		}
		if got := s.keepBase() != ""; got != c.keep {
			t.Errorf("case %d: keep %v, want %v (%s)", i, got, c.keep, s.keepBase())
		}
	}

	// With a recheck, its fresh scores decide, whatever the search's.
	s := &search{
		to:     TuneOptions{Folds: 4, BaseMargin: 1},
		trials: []Trial{{ID: 0, Epochs: 81, Score: 0.80}},
		res:    &TuneResult{Metric: "accuracy", Trials: []Trial{best}},
	}
	s.res.Recheck = &Recheck{Best: Trial{ID: 5, Score: 0.86, ScoreStd: 0.04}, Base: Trial{ID: 0, Score: 0.85}}
	if s.keepBase() == "" {
		t.Error("recheck: 0.01 behind, within 0.02: want the base kept")
	}
	s.res.Recheck.Base.Score = 0.83
	if why := s.keepBase(); why != "" {
		t.Errorf("recheck: 0.03 behind: want the best chosen, got %q", why)
	}
}
