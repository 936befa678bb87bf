package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/fit"
	"github.com/descent-ml/descent/internal/atomicfile"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/schedule"
	"github.com/descent-ml/descent/tensor"
)

func init() {
	register("tune", command{
		summary: "search training settings by cross-validation, then train the best on all rows and save it",
		example: "descent tune -data iris.csv -target species -budget 60s -o iris.json -results trials.csv",
		run:     runTune,
	})
}

// defaultTuneBudget is the whole command's time when neither -budget nor
// -trials is given: a minute is what a user waits for a first result.
const defaultTuneBudget = 60 * time.Second

// tuneFlags are the tune command's settings.
type tuneFlags struct {
	src, target, task, missing string
	budget                     time.Duration
	trials, folds, epochs      int
	parallel                   int
	baseMargin                 float64
	seed                       uint64
	out, format, results       string
	json, refit                bool
	classWeight, weightColumn  string
	csv                        *csvFlags
	optimizer, sched           string
	hyper                      *optimFlags // the optimizer's and schedule's own settings, fixed for every candidate
	layers, inputShape         string      // a fixed architecture, and each sample's shape
}

func runTune(e *env, args []string) error {
	var f tuneFlags
	fs := newFlagSet(e, "tune")
	fs.StringVar(&f.src, "data", "", "training data `SRC`: a CSV file, mnist:DIR or builtin:NAME")
	fs.StringVar(&f.target, "target", "", "target `column` of a CSV file, by name or index (default: the last)")
	fs.StringVar(&f.task, "task", "auto", "classification, regression or auto (classification for a non-numeric or small-integer target)")
	fs.StringVar(&f.missing, "missing", "error", "missing values: error, drop, mean, median or mode")
	f.csv = addCSVFlags(fs)
	addWeightFlags(fs, &f.classWeight, &f.weightColumn)
	fs.DurationVar(&f.budget, "budget", defaultTuneBudget, "the time for the whole command: the search runs bracket after bracket and stops early enough to leave, by its estimate, time for the recheck and the final training (the result depends on the machine's speed)")
	fs.IntVar(&f.trials, "trials", 0, "instead of -budget, one bracket of `N` candidates: the same seed gives the same result")
	fs.IntVar(&f.folds, "folds", fit.DefaultFolds, "cross-validation folds (stratified for classification)")
	fs.IntVar(&f.epochs, "epochs", fit.DefaultTuneEpochs, "epochs of the last rung, which the best candidates train")
	fs.IntVar(&f.parallel, "parallel", fit.DefaultParallel, "trainings run at once (each single-threaded when more than 1); never changes the result")
	fs.Float64Var(&f.baseMargin, "base-margin", fit.DefaultBaseMargin, "keep the default settings unless the best candidate beats them by more than this many standard errors of its cross-validated score (negative: the best score wins)")
	fs.Uint64Var(&f.seed, "seed", 1, "random `seed` for the candidates, the folds and the trainings")
	fs.StringVar(&f.out, "o", "model.json", "where to write the best model `file`")
	fs.StringVar(&f.format, "format", "json", "model file format: json or binary")
	fs.StringVar(&f.results, "results", "", "also write every candidate and its score to this CSV `file`")
	fs.BoolVar(&f.refit, "refit", true, "train the best candidate again on all rows for the epochs its validation split chose")
	fs.BoolVar(&f.json, "json", false, "print the final table as JSON on stdout")
	def := fit.Defaults()
	fs.StringVar(&f.optimizer, "optimizer", def.Optimizer.Name, "optimizer of every candidate: "+strings.Join(optim.Names(), ", ")+" (the default adam has β2 = 0.95)")
	fs.StringVar(&f.sched, "schedule", def.Schedule.Name, "learning-rate schedule of every candidate: "+strings.Join(schedule.Names(), ", "))
	f.hyper = addOptimFlags(fs)
	fs.StringVar(&f.layers, "layers", "", "fix the hidden `layers` of every candidate, of any kind ("+strings.Join(nn.Kinds(), ", ")+"), e.g. conv:8:3,maxpool:2,128,dropout:0.25, and search the rest; empty searches width, depth and dropout")
	fs.StringVar(&f.inputShape, "input-shape", "", "each sample's `shape`, outermost first, e.g. 1,28,28 (channels, height, width) for a CSV of images")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	set := setFlags(fs)
	if err := checkSourceFlags(fs, set, f.src, f.task); err != nil {
		return err
	}
	switch {
	case set["budget"] && set["trials"]:
		return usagef("tune: give -budget or -trials, not both")
	case set["trials"]:
		f.budget = 0
		if f.trials < 1 {
			return usagef("tune: -trials must be at least 1, got %d", f.trials)
		}
	case f.budget <= 0:
		return usagef("tune: -budget must be a positive duration such as 60s, got %v", f.budget)
	}
	switch {
	case f.folds < 2:
		return usagef("tune: -folds must be at least 2, got %d", f.folds)
	case f.epochs < 1:
		return usagef("tune: -epochs must be at least 1, got %d", f.epochs)
	case f.parallel < 1:
		return usagef("tune: -parallel must be at least 1, got %d", f.parallel)
	case math.IsNaN(f.baseMargin):
		return usagef("tune: -base-margin must be a number of standard errors, got NaN")
	}
	format, err := model.ParseFormat(f.format)
	if err != nil {
		return &UsageError{Err: err}
	}
	classWeight, err := parseWeightFlags("tune", f.src, f.classWeight, f.weightColumn)
	if err != nil {
		return err
	}
	// The search draws the rate, the network, L2, the batch size and the
	// smoothing; the optimizer and the schedule are fixed here.
	base := def
	base.Schedule = schedule.Config{Name: f.sched}
	if f.optimizer != def.Optimizer.Name {
		base.Optimizer = optim.Config{Name: f.optimizer, Common: def.Optimizer.Common} // the default's β2 is Adam's alone
	}
	if err := f.hyper.apply("tune", set, &base); err != nil {
		return err
	}
	if set["layers"] {
		layers, err := parseLayers("tune", f.layers)
		if err != nil {
			return err
		}
		// Dense sizes alone fix the architecture too: Layers, not Hidden,
		// tells the search not to draw one.
		if len(layers) == 0 {
			return usagef("tune: -layers is empty; leave it out to search the network, or give the layers to keep")
		}
		base.Hidden, base.Layers = nil, layers
	}
	shape, err := parseShape("tune", f.inputShape)
	if err != nil {
		return err
	}
	if err := fit.Check(base); err != nil {
		return &UsageError{Err: err}
	}
	// Fail before the search, not after, when an output cannot be written.
	for _, p := range []struct{ flag, path string }{{"o", f.out}, {"results", f.results}} {
		if err := outputPath("tune", p.flag, p.path); err != nil {
			return err
		}
	}

	d, schema, err := loadSource(f.src, sourceOptions{target: f.target, task: f.task, missing: f.missing, seed: f.seed, csv: f.csv, weights: f.weightColumn, inputShape: shape})
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if err := checkClassWeights("tune", classWeight, d); err != nil {
		return err
	}
	if f.folds > d.Len() {
		return usagef("tune: -folds %d for %d rows: want at most one fold per row", f.folds, d.Len())
	}
	fmt.Fprintf(e.stderr, "data: %s (%s)\n", f.src, describe(d))

	// Parallel trainings each on one thread beat one training split over
	// both cores for the small networks tuned here; the setting is
	// process-wide, so it is made once for the whole search.
	if f.parallel > 1 {
		prev := tensor.Threads()
		tensor.SetThreads(1)
		defer tensor.SetThreads(prev)
	}

	base.Seed, base.Refit, base.ClassWeight = f.seed, f.refit, classWeight
	metric := "r2"
	if d.Task == data.Classification {
		metric = "accuracy"
	}
	board := newTuneBoard(e.stderr, metric)
	to := fit.TuneOptions{
		Trials: f.trials, Budget: f.budget, MaxEpochs: f.epochs, Folds: f.folds,
		Parallel: f.parallel, Seed: f.seed, Progress: board.update, BaseMargin: f.baseMargin,
	}
	if f.budget > 0 {
		fmt.Fprintf(e.stderr, "tuning for %v, the final training included: the candidates reached depend on this machine's speed (use -trials N for a result that repeats exactly)\n", f.budget)
	}

	// Ctrl-C (or SIGTERM) stops the search; the best candidate so far is
	// still trained and saved, and the exit code then says which signal
	// came, as a shell expects.
	ctx, caught, stop := catchSignals(e.ctx)
	res, err := fit.Tune(ctx, d, schema, base, to)
	stop()
	sig := caught() // after stop, which counts a signal still in flight
	board.clear()
	if err != nil {
		return err
	}
	switch res.Stopped {
	case "interrupted":
		fmt.Fprintf(e.stderr, "interrupted after %.1fs: keeping the best candidate so far\n", res.Elapsed.Seconds())
	case "budget":
		fmt.Fprintf(e.stderr, "budget of %v: search stopped after %.1fs, leaving an estimated %.1fs for the recheck and the final training; %d candidates in %d brackets, %d trainings\n",
			res.Budget, res.Elapsed.Seconds(), res.Reserved.Seconds(), len(res.Trials), res.Brackets, res.Trainings)
		if res.Reserved >= res.Budget/2 {
			fmt.Fprintf(e.stderr, "warning: the recheck and the final training alone take about %.0fs of the %v budget, so the search was short; a larger -budget searches more\n", res.Reserved.Seconds(), res.Budget)
		}
	default:
		fmt.Fprintf(e.stderr, "search done in %.1fs: %d candidates, %d trainings\n", res.Elapsed.Seconds(), len(res.Trials), res.Trainings)
	}

	// The final training gets its own Ctrl-C: the first one stopped the
	// search, a second stops this training and saves its best weights.
	if rc := res.Recheck; rc != nil {
		fmt.Fprintf(e.stderr, "recheck on fresh folds, each trained as its final model would be: best candidate %s %.4f ± %.4f, default settings %.4f ± %.4f\n",
			res.Metric, rc.Best.Score, rc.Best.ScoreStd, rc.Base.Score, rc.Base.ScoreStd)
	}
	if res.BaseKept != "" {
		fmt.Fprintf(e.stderr, "final: %s\n", res.BaseKept)
		fmt.Fprintf(e.stderr, "final: training the default settings (%s, up to %d epochs) on all %d rows, as train does\n", describeTrial(res.Chosen), res.Best.Epochs, d.Len())
	} else {
		best := res.Chosen
		fmt.Fprintf(e.stderr, "final: training the best candidate (%s, %d epochs) on all %d rows\n", describeTrial(best), best.Epochs, d.Len())
	}
	o := res.Best
	o.Log = e.stderr
	fctx, fcaught, fstop := catchSignals(context.WithoutCancel(e.ctx))
	fr, err := fit.Train(fctx, d, schema, o)
	fstop()
	if s := fcaught(); s != nil {
		sig = s
	}
	if err != nil {
		return fmt.Errorf("tune: final training: %w", err)
	}
	if err := res.Annotate(fr.Model); err != nil {
		return err
	}
	if err := model.Save(f.out, fr.Model, format); err != nil {
		return err
	}
	if f.results != "" {
		if err := atomicfile.Write(f.results, res.WriteCSV); err != nil {
			return fmt.Errorf("tune: %w", err)
		}
	}

	if f.json {
		if err := writeTuneJSON(e.stdout, res, fr, f); err != nil {
			return err
		}
		return signalled(sig)
	}
	fmt.Fprintf(e.stdout, "cross-validated %s over %d folds, best first:\n", res.Metric, res.Folds)
	writeLeaderboard(e.stdout, res.Metric, res.Trials, 10)
	if res.BaseKept != "" {
		fmt.Fprintf(e.stdout, "kept the default settings (candidate 0): %s\n", res.BaseKept)
	}
	if res.Budget > 0 {
		fmt.Fprintf(e.stdout, "tuned within %v (a search of %.1fs, %d brackets): the result depends on this machine's speed\n", res.Budget, res.Elapsed.Seconds(), res.Brackets)
	}
	for _, k := range sortedKeys(fr.Model.Metrics) {
		fmt.Fprintf(e.stdout, "  %-16s %.6g\n", k, fr.Model.Metrics[k])
	}
	fmt.Fprintf(e.stdout, "model written to %s\n", f.out)
	if f.results != "" {
		fmt.Fprintf(e.stdout, "results written to %s\n", f.results)
	}
	return signalled(sig)
}

// signalled is the error for a command that finished its work after a
// signal stopped part of it: nil when none came.
func signalled(sig os.Signal) error {
	if sig == nil {
		return nil
	}
	return &SignalError{Signal: sig}
}

// writeTuneJSON prints the search's table and the final model's metrics.
func writeTuneJSON(w io.Writer, res *fit.TuneResult, fr *fit.Result, f tuneFlags) error {
	out := struct {
		Metric         string             `json:"metric"`
		Folds          int                `json:"folds"`
		Seed           uint64             `json:"seed"`
		Budget         string             `json:"budget,omitempty"`
		MachineDepends bool               `json:"depends_on_machine_speed"`
		Stopped        string             `json:"stopped,omitempty"`
		Brackets       int                `json:"brackets"`
		Trainings      int                `json:"trainings"`
		Seconds        float64            `json:"seconds"`
		Reserved       float64            `json:"reserved_seconds,omitempty"`
		Trials         []fit.Trial        `json:"trials"`
		Chosen         int                `json:"chosen"`
		BaseKept       string             `json:"base_kept,omitempty"`
		Recheck        *fit.Recheck       `json:"recheck,omitempty"`
		Model          string             `json:"model"`
		Results        string             `json:"results,omitempty"`
		Metrics        map[string]float64 `json:"metrics"`
		BestEpoch      int                `json:"final_best_epoch"`
		Refit          bool               `json:"final_refit"`
		Warnings       []string           `json:"warnings,omitempty"`
		Interrupted    bool               `json:"final_interrupted,omitempty"`
	}{
		Metric: res.Metric, Folds: res.Folds, Seed: res.Seed, MachineDepends: res.Budget > 0,
		Stopped: res.Stopped, Brackets: res.Brackets, Trainings: res.Trainings,
		Seconds: res.Elapsed.Seconds(), Reserved: res.Reserved.Seconds(), Trials: res.Trials, Chosen: res.Chosen.ID, BaseKept: res.BaseKept, Recheck: res.Recheck, Model: f.out, Results: f.results,
		Metrics: fr.Model.Metrics, BestEpoch: fr.BestEpoch, Refit: fr.Refit != nil,
		Warnings: fr.Warnings, Interrupted: fr.Interrupted,
	}
	if res.Budget > 0 {
		out.Budget = res.Budget.String()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// describeTrial is a candidate's settings in one short phrase.
func describeTrial(t fit.Trial) string {
	net := "linear"
	if len(t.Hidden) > 0 {
		net = fmt.Sprintf("%d×%d", t.Hidden[0], len(t.Hidden))
		for _, h := range t.Hidden[1:] {
			if h != t.Hidden[0] {
				net = strings.Trim(strings.ReplaceAll(fmt.Sprint(t.Hidden), " ", ","), "[]")
				break
			}
		}
	}
	switch {
	case t.Layers != "":
		net = "layers " + t.Layers
	case t.Dropout > 0:
		net += fmt.Sprintf(" dropout %g", t.Dropout)
	}
	return fmt.Sprintf("lr %.3g, %s, l2 %.2g, batch %d, smoothing %g", t.LearningRate, net, t.L2, t.BatchSize, t.LabelSmoothing)
}

// writeLeaderboard prints the first n trials as a table.
func writeLeaderboard(w io.Writer, metric string, trials []fit.Trial, n int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  #\tid\tepochs\t%s\t± std\tloss\tsettings\n", metric)
	for i, t := range trials[:min(n, len(trials))] {
		score := fmt.Sprintf("%.4f\t%.4f\t%.4g", t.Score, t.ScoreStd, t.Loss)
		if t.Failed != "" {
			score = "failed\t\t" + t.Failed
		}
		fmt.Fprintf(tw, "  %d\t%d\t%d\t%s\t%s\n", i+1, t.ID, t.Epochs, score, describeTrial(t))
	}
	tw.Flush()
}

// tuneBoard shows the search's progress on stderr: on a terminal a
// progress line and the top 5, redrawn in place; elsewhere (logs, pipes,
// tests) one line per rung.
type tuneBoard struct {
	w        io.Writer
	metric   string
	terminal bool
	lines    int // lines drawn last time, to move back over
}

func newTuneBoard(w io.Writer, metric string) *tuneBoard {
	f, ok := w.(*os.File)
	return &tuneBoard{w: w, metric: metric, terminal: ok && term.IsTerminal(int(f.Fd()))}
}

// update draws one progress report; fit.Tune calls it from one goroutine
// at a time.
func (b *tuneBoard) update(p fit.TuneProgress) {
	where := fmt.Sprintf("bracket %d, rung %d/%d (%d epochs): %d/%d candidates scored, %.0fs",
		p.Bracket+1, p.Rung+1, p.Rungs, p.Epochs, p.Done, p.Total, p.Elapsed.Seconds())
	if !b.terminal {
		if p.RungDone && len(p.Leaders) > 0 {
			l := p.Leaders[0]
			fmt.Fprintf(b.w, "%s; best %s %.4f at %d epochs (%s)\n", where, b.metric, l.Score, l.Epochs, describeTrial(l))
		}
		return
	}
	var buf strings.Builder
	fmt.Fprintln(&buf, where)
	writeLeaderboard(&buf, b.metric, p.Leaders, 5)
	b.clear()
	fmt.Fprint(b.w, buf.String())
	b.lines = strings.Count(buf.String(), "\n")
}

// clear erases what update drew on a terminal.
func (b *tuneBoard) clear() {
	if b.terminal && b.lines > 0 {
		// Up that many lines to the first column, then clear to the end.
		fmt.Fprintf(b.w, "\x1b[%dF\x1b[J", b.lines)
		b.lines = 0
	}
}
