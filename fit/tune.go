package fit

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/metrics"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/train"
)

// Defaults of TuneOptions; a zero field takes these.
const (
	// DefaultTrials is the number of candidates a bracket starts with:
	// 27 = 3³ gives four rungs at η = 3 (27, 9, 3 and 1 candidates).
	DefaultTrials = 27
	// DefaultTuneEpochs is the epochs of the last rung: 81 = 3⁴, so the
	// rungs of a 27-candidate bracket train 3, 9, 27 and 81 epochs.
	DefaultTuneEpochs = 81
	// DefaultFolds is the number of cross-validation folds.
	DefaultFolds = 5
	// DefaultEta is the halving rate: a rung keeps the best third.
	DefaultEta = 3
	// DefaultParallel is the number of trainings run at once, one per
	// core of a small machine.
	DefaultParallel = 2
	// DefaultBaseMargin is how many standard errors of its
	// cross-validated score a candidate must beat the base options by to
	// be chosen over them (the one-standard-error rule).
	DefaultBaseMargin = 1.0
)

// TuneOptions say how Tune searches.
type TuneOptions struct {
	// Trials is the number of candidates each bracket starts with; 0 means
	// DefaultTrials.
	Trials int
	// Budget, when positive, is the time for Tune and the final training
	// after it (Train with TuneResult.Best on all the rows): Tune runs
	// bracket after bracket of new candidates, and stops the trainings in
	// flight when the time spent plus an estimate of what is left to do
	// reaches Budget. What is left is the recheck (see BaseMargin) and the
	// final training, ensemble and all, of the best candidate so far (or
	// of one in flight that would overtake it) or of the base options,
	// whichever costs more; it is estimated from the speed each of them
	// trained at in the search (TuneResult.Reserved).
	// The result then depends on the machine's speed. Zero runs one
	// bracket, and the same seed gives the same result bit for bit.
	Budget time.Duration
	// MaxEpochs is the epochs of the last rung; 0 means DefaultTuneEpochs.
	MaxEpochs int
	// Folds is the number of cross-validation folds (stratified for
	// classification); 0 means DefaultFolds.
	Folds int
	// Eta is the halving rate η: each rung keeps the best 1/η of its
	// candidates and trains them η times as many epochs; 0 means
	// DefaultEta.
	Eta int
	// Parallel is the number of trainings run at once; 0 means
	// DefaultParallel. It never changes the result. Each training also
	// uses tensor.SetThreads goroutines per product, a process-wide
	// setting: with Parallel > 1, SetThreads(1) is usually faster.
	Parallel int
	// BaseMargin is how many standard errors of its cross-validated
	// score (ScoreStd ÷ √Folds) the best candidate must beat the base
	// options (candidate 0) by to be chosen over them; 0 means
	// DefaultBaseMargin and a negative value turns the rule off, so that
	// the best score wins. The base candidate is carried to every rung of
	// the first bracket, and after the search it and the best are scored
	// again on fresh folds (TuneResult.Recheck), where the rule is applied. On small data sets the folds' scores differ by a few rows, and
	// a candidate ahead by less than that is as likely to be behind on new
	// data; the base options are the ones chosen across many data sets.
	BaseMargin float64
	// Seed draws the candidates and the folds. The trainings themselves
	// use the base options' Seed, the same for every candidate, so that
	// candidates differ only in their settings.
	Seed uint64
	// Progress, when not nil, is called after each candidate is scored
	// and after each rung, from one goroutine at a time.
	Progress func(TuneProgress)
}

// TuneProgress is what Tune reports as it goes.
type TuneProgress struct {
	// Bracket and Rung say where the search is (from 0); Rungs is the
	// number of rungs of a bracket, Epochs this rung's.
	Bracket, Rung, Rungs, Epochs int
	// Done of Total candidates of this rung are scored.
	Done, Total int
	// RungDone is set on the report that closes a rung.
	RungDone bool
	// Elapsed is the time since Tune started.
	Elapsed time.Duration
	// Leaders are the best trials so far, best first (at most 5).
	Leaders []Trial
}

// Trial is one candidate and its score at the highest rung it reached.
type Trial struct {
	// ID numbers the candidates in the order they were drawn; candidate 0
	// is the base options' own settings.
	ID int `json:"id"`
	// Bracket is the bracket the candidate belongs to (from 0).
	Bracket int `json:"bracket"`

	LearningRate float64 `json:"lr"`
	// Hidden is the sizes of the dense hidden layers and Dropout the rate
	// of the dropout layer after each of them (0: none). When the base
	// options fix the architecture (Options.Layers), both are empty and
	// Layers holds it as nn.FormatLayers writes it.
	Hidden         []int   `json:"hidden"`
	Dropout        float64 `json:"dropout"`
	Layers         string  `json:"layers,omitempty"`
	L2             float64 `json:"l2"`
	BatchSize      int     `json:"batch_size"`
	LabelSmoothing float64 `json:"label_smoothing"`
	// Epochs is the epochs of the highest rung it was scored at, and Rung
	// that rung (from 0).
	Epochs int `json:"epochs"`
	Rung   int `json:"rung"`

	// Score is the mean over the folds of the held-out accuracy
	// (classification) or R² (regression); higher is better. ScoreStd is
	// its standard deviation over the folds.
	Score    float64 `json:"score"`
	ScoreStd float64 `json:"score_std"`
	// Loss is the mean held-out log loss (classification) or mean squared
	// error in the targets' units (regression); it breaks ties of Score.
	Loss float64 `json:"loss"`
	// Failed says why the candidate could not be scored (its training
	// diverged, say); Score and Loss are then 0 and it ranks last.
	Failed string `json:"failed,omitempty"`
}

// TuneResult is what Tune found.
type TuneResult struct {
	// Metric names Trial.Score: "accuracy" or "r2".
	Metric string
	// Trials holds every candidate at the highest rung it reached, best
	// first: the most epochs, then the highest score, the lowest loss and
	// the lowest ID.
	Trials []Trial
	// Chosen is the trial Best comes from: Trials[0], or candidate 0 (the
	// base options) when the best does not beat it by more than
	// TuneOptions.BaseMargin standard errors; BaseKept then says so in a
	// sentence.
	Chosen   Trial
	BaseKept string
	// Recheck, when not nil, holds the fresh scores the choice between
	// the best trial and the base options was made on.
	Recheck *Recheck
	// Best is ready for Train on all rows: the base options with the
	// chosen trial's settings and epochs, or the base options themselves,
	// epochs and all, when the base was kept.
	Best Options
	// Folds, Eta and Seed are the settings the search ran with; Brackets
	// is the number of brackets started and Trainings the number of Train
	// calls made.
	Folds, Eta, Brackets, Trainings int
	Seed                            uint64
	// Budget is TuneOptions.Budget; when positive the result depends on
	// the machine's speed.
	Budget time.Duration
	// Stopped is "" when the search ran to its end, "budget" when the
	// time ran out and "interrupted" when the context ended first; the
	// trials are then those scored before it stopped.
	Stopped string
	// Elapsed is how long the search took (the recheck after it not
	// included).
	Elapsed time.Duration
	// Reserved, with a budget, is the time the search left for the
	// recheck and the final training when it stopped: its estimate of
	// them then.
	Reserved time.Duration
}

// Tune searches for the training settings that score best on d by
// stratified k-fold cross-validation, and returns them with every
// candidate's score; train the final model with Train(ctx, d, schema,
// res.Best).
//
// The search is successive halving (the inner loop of Hyperband): a
// bracket draws Trials candidates (learning rate, width and depth of the
// hidden layers, dropout after each, L2 penalty, batch size and, for
// classification, label smoothing) and scores each after a few epochs;
// the best 1/η go on with η times the epochs, and so on until the
// survivors train MaxEpochs. Each score trains the candidate from scratch
// on every fold's training rows with base's settings, no validation
// split, no refit and one network (no Options.Ensemble). The first
// candidate is base itself, so the search starts from the defaults.
// When base.Layers is set, every candidate keeps those layers (of any
// kind) and the search draws the rest. With weights (d.Weights,
// base.ClassWeight) the scores are weighted as Train's validation is.
//
// When ctx ends, Tune stops the trainings in flight and returns what was
// scored so far with Stopped set and a nil error, unless nothing was
// scored yet.
func Tune(ctx context.Context, d *data.Dataset, schema *data.Schema, base Options, to TuneOptions) (*TuneResult, error) {
	start := time.Now()
	// The folds gather rows from X: a dataset stored in float32 (see
	// data.Dataset.Compact) is converted once here.
	d = d.Float64()
	if err := to.fill(d.Len()); err != nil {
		return nil, err
	}
	if err := base.validate(); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	s := &search{
		d:    d,
		base: base,
		to:   to,
		rng:  newRand(to.Seed),
		res: &TuneResult{
			Metric: "r2",
			Folds:  to.Folds,
			Eta:    to.Eta,
			Seed:   to.Seed,
			Budget: to.Budget,
		},
		start: start,
	}
	s.classification = d.Task == data.Classification
	if s.classification {
		s.res.Metric = "accuracy"
	}
	s.folds = s.makeFolds(s.to.Seed ^ 0xf01d)

	searchCtx := ctx
	if to.Budget > 0 {
		var cancel context.CancelFunc
		searchCtx, cancel = context.WithCancel(ctx)
		defer cancel()
		s.stopSearch = cancel
		defer s.watchBudget()()
	}
	for {
		if err := s.bracket(searchCtx); err != nil {
			return nil, err
		}
		if searchCtx.Err() != nil || to.Budget == 0 {
			break
		}
	}
	switch {
	case ctx.Err() != nil:
		s.res.Stopped = "interrupted"
	case searchCtx.Err() != nil:
		s.res.Stopped = "budget"
		s.res.Reserved = time.Duration(s.reserved.Load())
	}
	s.res.Trials = s.ranked()
	s.res.Elapsed = time.Since(start)
	if len(s.res.Trials) == 0 || s.res.Trials[0].Failed != "" {
		if s.res.Stopped != "" || len(s.res.Trials) == 0 {
			return nil, fmt.Errorf("fit: tune: stopped (%s) before any candidate was scored; give it more time", s.res.Stopped)
		}
		return nil, fmt.Errorf("fit: tune: every candidate failed; the first: %s", s.res.Trials[0].Failed)
	}
	s.res.Chosen, s.res.Best = s.res.Trials[0], s.res.Trials[0].apply(base)
	if err := s.recheck(ctx); err != nil {
		return nil, err
	}
	if why := s.keepBase(); why != "" {
		s.res.BaseKept = why
		s.res.Chosen = s.trials[0]
		s.res.Chosen.Hidden = slices.Clone(s.res.Chosen.Hidden)
		s.res.Best = base
	}
	return s.res, nil
}

// Recheck is the best trial and the base options scored again on folds
// cut afresh, each trained on every fold as its final model would be
// (Best's or the base's own epochs, the epoch chosen on a validation
// split; no refit, one network): the best of many candidates scored on
// the same folds is the one those folds favour most, so its score there
// is biased upwards, the more so the more candidates and the fewer rows;
// and the search's fixed epochs are not how the base options train.
type Recheck struct {
	// Best and Base are the two trials with their fresh scores.
	Best Trial `json:"best"`
	Base Trial `json:"base"`
}

// recheck scores the best trial and the base candidate again on fresh
// folds (see Recheck), unless the rule is off, the best is the base, or
// ctx has ended. It runs after the search, inside the budget, which
// keeps time for it (see TuneOptions.Budget).
func (s *search) recheck(ctx context.Context) error {
	best := s.res.Trials[0]
	if s.to.BaseMargin < 0 || best.ID == 0 || best.Failed != "" || len(s.trials) == 0 || ctx.Err() != nil {
		return nil
	}
	folds := s.makeFolds(s.to.Seed ^ 0xf01d ^ 0x5eed)
	saved, savedTrials := s.folds, s.trials
	defer func() { s.folds, s.trials = saved, savedTrials }()
	// Score copies, so that the search's own scores stay in Trials.
	s.folds = folds
	s.trials = []Trial{savedTrials[0], savedTrials[best.ID]}
	s.trials[1].ID = 1
	s.trials[0].Epochs, s.trials[1].Epochs = -1, -1 // not rescored yet
	s.final = map[int]Options{0: s.base, 1: s.res.Best}
	progress := s.to.Progress
	s.to.Progress = nil
	defer func() { s.to.Progress, s.final = progress, nil }()
	scored, err := s.rung(ctx, -1, 0, 1, 0, []int{0, 1})
	if err != nil || len(scored) != 2 {
		return err // stopped (nothing to compare) or failed
	}
	rc := &Recheck{Base: s.trials[0], Best: s.trials[1]}
	rc.Best.ID, rc.Best.Epochs, rc.Base.Epochs = best.ID, s.res.Best.Epochs, s.base.Epochs
	s.res.Recheck = rc
	return nil
}

// keepBase applies the one-standard-error rule: it returns why the base
// options (candidate 0) are kept over the best trial, or "" when the best
// is chosen. With a Recheck it compares the fresh scores.
func (s *search) keepBase() string {
	if s.to.BaseMargin < 0 || len(s.trials) == 0 {
		return ""
	}
	best, base := s.res.Trials[0], s.trials[0]
	if rc := s.res.Recheck; rc != nil {
		best, base = rc.Best, rc.Base
	}
	if best.ID == base.ID || base.Failed != "" || best.Failed != "" || (s.res.Recheck == nil && base.Epochs != best.Epochs) {
		return ""
	}
	se := best.ScoreStd / math.Sqrt(float64(s.to.Folds))
	if best.Score-base.Score > s.to.BaseMargin*se {
		return ""
	}
	where := "over the folds"
	if s.res.Recheck != nil {
		where = "over fresh folds"
	}
	return fmt.Sprintf("the best candidate (%d, %s %.4f %s) beats the base settings (%.4f) by less than %g standard error (%.4f) of its score: keeping the base settings",
		best.ID, s.res.Metric, best.Score, where, base.Score, s.to.BaseMargin, se)
}

// fill puts in the defaults and checks the settings for n rows.
func (to *TuneOptions) fill(n int) error {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&to.Trials, DefaultTrials)
	def(&to.MaxEpochs, DefaultTuneEpochs)
	def(&to.Folds, DefaultFolds)
	def(&to.Eta, DefaultEta)
	def(&to.Parallel, DefaultParallel)
	if to.BaseMargin == 0 {
		to.BaseMargin = DefaultBaseMargin
	}
	switch {
	case to.Trials < 1:
		return fmt.Errorf("fit: tune: %d trials: want at least 1", to.Trials)
	case to.MaxEpochs < 1:
		return fmt.Errorf("fit: tune: %d epochs: want at least 1", to.MaxEpochs)
	case to.Folds < 2:
		return fmt.Errorf("fit: tune: %d folds: want at least 2", to.Folds)
	case to.Folds > n:
		return fmt.Errorf("fit: tune: %d folds for %d rows: want at most one fold per row", to.Folds, n)
	case to.Eta < 2:
		return fmt.Errorf("fit: tune: η %d: want at least 2", to.Eta)
	case to.Parallel < 1:
		return fmt.Errorf("fit: tune: parallel %d: want at least 1", to.Parallel)
	case math.IsNaN(to.BaseMargin):
		return fmt.Errorf("fit: tune: base margin is NaN: want a number of standard errors (negative: no rule)")
	case to.Budget < 0:
		return fmt.Errorf("fit: tune: budget %v: want a positive duration (or 0 for none)", to.Budget)
	}
	return nil
}

// rungs returns the epochs of each rung of a bracket: as many rungs as
// the candidates can be divided by η, but none shorter than one epoch.
func (to *TuneOptions) rungs() []int {
	k := 1
	for n := to.Trials; n >= to.Eta; n /= to.Eta {
		k++
	}
	epochs := make([]int, 0, k)
	for i := range k {
		e := float64(to.MaxEpochs) / math.Pow(float64(to.Eta), float64(k-1-i))
		if e < 1 {
			continue
		}
		epochs = append(epochs, int(math.Round(e)))
	}
	return epochs
}

// search is one Tune call's state.
type search struct {
	d              *data.Dataset
	base           Options
	to             TuneOptions
	rng            *rand.Rand
	classification bool
	folds          []foldData
	trials         []Trial         // by ID
	final          map[int]Options // the recheck's options, by ID
	res            *TuneResult
	start          time.Time
	// rates holds each candidate's seconds per row and epoch in its last
	// rung, a training on each fold of its rows (while Parallel trainings
	// run at once); reserved is the estimate of the time the work after
	// the search will take (see TuneOptions.Budget), in nanoseconds.
	rates    map[int]float64
	reserved atomic.Int64
	// stopSearch, with a budget, ends the search's context.
	stopSearch context.CancelFunc
	// inFlight is the candidates of the search's rung in flight, trained
	// flightEpochs epochs.
	inFlight     []int
	flightEpochs int
}

// foldData is one fold's rows, split once and shared read-only by every
// training.
type foldData struct {
	train, test *data.Dataset
	classes     []int // the test rows' classes (classification)
}

func (s *search) makeFolds(seed uint64) []foldData {
	var folds []foldData
	var strata []int
	if s.classification {
		strata = s.d.Classes()
	}
	// The folds get their own stream so that the candidates drawn do not
	// depend on the number of folds.
	for _, f := range data.KFold(s.d.Len(), s.to.Folds, newRand(seed), strata) {
		fd := foldData{train: s.d.Subset(f.Train), test: s.d.Subset(f.Test)}
		if s.classification {
			fd.classes = fd.test.Classes()
		}
		folds = append(folds, fd)
	}
	return folds
}

// widths are the hidden layer sizes drawn, spaced about evenly on a log
// scale from 64 to 512.
var widths = []int{64, 96, 128, 192, 256, 384, 512}

// batchSizes are the batch sizes drawn.
var batchSizes = []int{32, 64, 128, 256}

// dropouts are the dropout rates drawn: none half the time, since small
// tabular sets often do best without.
var dropouts = []float64{0, 0, 0.1, 0.2, 0.3}

// draw returns a new candidate; the first of the search is the base
// options' own settings.
func (s *search) draw(bracket int) Trial {
	t := Trial{ID: len(s.trials), Bracket: bracket}
	if t.ID == 0 {
		o := s.base
		t.LearningRate, t.Hidden, t.L2 = o.LearningRate, slices.Clone(o.Hidden), o.Optimizer.L2
		t.BatchSize, t.LabelSmoothing = o.BatchSize, o.LabelSmoothing
		if len(o.Layers) > 0 {
			t.Hidden = nil // Layers replaces Hidden
		}
	} else {
		// Every dimension is drawn for every candidate, whatever the task,
		// so that the stream, and with it the candidates, stays the same.
		t.LearningRate = logUniform(s.rng, 3e-4, 1e-2)
		width, depth := widths[s.rng.IntN(len(widths))], 1+s.rng.IntN(4)
		t.Hidden = slices.Repeat([]int{width}, depth)
		// A quarter of the candidates have no penalty at all: a log scale
		// cannot reach zero.
		zero, l2 := s.rng.IntN(4) == 0, logUniform(s.rng, 1e-6, 1e-3)
		if !zero {
			t.L2 = l2
		}
		t.BatchSize = batchSizes[s.rng.IntN(len(batchSizes))]
		if smooth := s.rng.IntN(2) == 1; smooth {
			t.LabelSmoothing = 0.1
		}
		t.Dropout = dropouts[s.rng.IntN(len(dropouts))]
	}
	if !s.classification {
		t.LabelSmoothing = 0
	}
	if len(s.base.Layers) > 0 {
		// The architecture is the caller's: drawn sizes and dropout are
		// dropped, not left undrawn, so that the stream stays the same.
		t.Hidden, t.Dropout, t.Layers = nil, 0, nn.FormatLayers(s.base.Layers)
	}
	s.trials = append(s.trials, t)
	return t
}

func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
}

// apply returns base with t's settings, for t.Epochs epochs.
func (t Trial) apply(base Options) Options {
	o := base
	o.LearningRate = t.LearningRate
	if t.Layers == "" {
		o.Hidden, o.Layers = slices.Clone(t.Hidden), nil
		if t.Dropout > 0 {
			o.Hidden, o.Layers = nil, withDropout(t.Hidden, t.Dropout)
		}
	}
	o.Optimizer.L2 = t.L2
	o.BatchSize = t.BatchSize
	o.LabelSmoothing = t.LabelSmoothing
	o.Epochs = t.Epochs
	return o
}

// withDropout returns dense hidden layers of the sizes hidden, each
// followed by a dropout layer of rate p; the activation is left to
// Options.Activation.
func withDropout(hidden []int, p float64) []nn.LayerSpec {
	var ls []nn.LayerSpec
	for _, h := range hidden {
		ls = append(ls, nn.LayerSpec{Units: h}, nn.LayerSpec{Kind: nn.KindDropout, Rate: p})
	}
	return ls
}

// bracket runs one round of successive halving over new candidates. It
// returns an error only for a failure that is not the candidate's fault.
func (s *search) bracket(ctx context.Context) error {
	b := s.res.Brackets
	s.res.Brackets++
	var ids []int
	for range s.to.Trials {
		ids = append(ids, s.draw(b).ID)
	}
	rungs := s.to.rungs()
	for r, epochs := range rungs {
		scored, err := s.rung(ctx, b, r, len(rungs), epochs, ids)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		// Keep the best 1/η, in rank order, and the base candidate, first,
		// unless the rule that compares with it is off.
		slices.SortFunc(scored, func(a, b int) int { return compareTrials(s.trials[a], s.trials[b]) })
		ids = scored[:max(1, len(scored)/s.to.Eta)]
		if s.to.BaseMargin >= 0 && slices.Contains(scored, 0) && !slices.Contains(ids, 0) {
			ids = append([]int{0}, ids...)
		}
	}
	return nil
}

// unit is one training: a candidate on a fold.
type unit struct {
	id, fold int
}

// foldScore is a unit's result.
type foldScore struct {
	unit
	score, loss float64
	failed      string
	incomplete  bool // stopped by the context; not a score
	err         error
	secs        float64 // the training's time
}

// rung scores the candidates ids at epochs epochs on every fold, Parallel
// trainings at a time, and returns the IDs of those scored completely.
func (s *search) rung(ctx context.Context, bracket, rung, rungs, epochs int, ids []int) ([]int, error) {
	// The options are made before the trainings start, so that no worker
	// reads s.trials while finish writes it.
	opts := make(map[int]Options, len(ids))
	for _, id := range ids {
		o := s.trials[id].apply(s.base)
		o.Epochs = epochs
		o.ValSplit, o.Refit, o.Patience = 0, false, 0
		if f, ok := s.final[id]; ok {
			// The recheck: as the final training will run, epoch chosen
			// on a validation split, but without its refit.
			o = f
			o.Refit = false
		}
		// The base's watchers, log and checkpoints are for the final
		// training, not for each fold's.
		o.Callbacks, o.RunCallbacks, o.Log = nil, nil, nil
		o.Resume, o.CheckpointEvery, o.Checkpoint = nil, 0, nil
		// Candidates are compared one network each, at a fraction of an
		// ensemble's cost; the final training (Best) keeps the base's
		// ensemble.
		o.Ensemble = 1
		opts[id] = o
	}
	if bracket >= 0 { // not the recheck
		s.inFlight, s.flightEpochs = ids, epochs
		defer func() { s.inFlight, s.flightEpochs = nil, 0 }()
		s.updateReserve()
	}
	units := make(chan unit)
	results := make(chan foldScore)
	var wg sync.WaitGroup
	for range min(s.to.Parallel, len(ids)*len(s.folds)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range units {
				results <- s.score(ctx, u, opts[u.id])
			}
		}()
	}
	go func() {
		defer close(units)
		for _, id := range ids {
			for f := range s.folds {
				select {
				case units <- unit{id, f}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	// Results arrive in any order; each goes to its own slot, so the
	// scores do not depend on which training finished first.
	byID := map[int][]foldScore{}
	for _, id := range ids {
		byID[id] = make([]foldScore, 0, len(s.folds))
	}
	var firstErr error
	done := 0
	for fs := range results {
		s.res.Trainings++
		if fs.err != nil && firstErr == nil {
			firstErr = fs.err
		}
		byID[fs.id] = append(byID[fs.id], fs)
		if len(byID[fs.id]) == len(s.folds) && s.finish(fs.id, rung, epochs, byID[fs.id]) {
			if bracket >= 0 { // not the recheck, which reuses IDs
				s.measure(fs.id, epochs, byID[fs.id])
			}
			done++
			s.report(TuneProgress{Bracket: bracket, Rung: rung, Rungs: rungs, Epochs: epochs, Done: done, Total: len(ids)})
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	var scored []int
	for _, id := range ids {
		if s.trials[id].Epochs == epochs && s.trials[id].Rung == rung {
			scored = append(scored, id)
		}
	}
	s.report(TuneProgress{Bracket: bracket, Rung: rung, Rungs: rungs, Epochs: epochs, Done: done, Total: len(ids), RungDone: true})
	return scored, nil
}

// finish records a candidate's fold scores, unless a fold was stopped
// before it ended; it reports whether it did.
func (s *search) finish(id, rung, epochs int, folds []foldScore) bool {
	slices.SortFunc(folds, func(a, b foldScore) int { return cmp.Compare(a.fold, b.fold) })
	t := &s.trials[id]
	var failed string
	var scores []float64
	var lossSum float64
	for _, f := range folds {
		switch {
		case f.incomplete || f.err != nil:
			return false
		case f.failed != "" && failed == "":
			failed = fmt.Sprintf("fold %d: %s", f.fold+1, f.failed)
		}
		scores = append(scores, f.score)
		lossSum += f.loss
	}
	t.Rung, t.Epochs, t.Failed = rung, epochs, failed
	t.Score, t.ScoreStd, t.Loss = 0, 0, 0
	if failed == "" {
		mean, std := meanStd(scores)
		t.Score, t.ScoreStd, t.Loss = mean, std, lossSum/float64(len(folds))
	}
	return true
}

// score trains candidate u.id on fold u.fold and scores it on the fold's
// held-out rows.
func (s *search) score(ctx context.Context, u unit, o Options) foldScore {
	out := foldScore{unit: u}
	fd := s.folds[u.fold]
	t0 := time.Now()
	res, err := Train(ctx, fd.train, nil, o)
	out.secs = time.Since(t0).Seconds()
	var div *train.DivergenceError
	switch {
	case ctx.Err() != nil || (res != nil && res.Interrupted):
		out.incomplete = true
		return out
	case errors.As(err, &div):
		out.failed = "training diverged: " + div.Error()
		return out
	case err != nil:
		out.err = fmt.Errorf("fit: tune: candidate %d, fold %d: %w", u.id, u.fold+1, err)
		return out
	}
	p, err := res.Model.Predict(fd.test.X)
	if err != nil {
		out.err = fmt.Errorf("fit: tune: candidate %d, fold %d: %w", u.id, u.fold+1, err)
		return out
	}
	// With weights the candidates are ranked by the weighted scores, as
	// Train chooses its epoch by them.
	w, err := foldWeights(o, fd)
	if err != nil {
		out.err = fmt.Errorf("fit: tune: candidate %d, fold %d: %w", u.id, u.fold+1, err)
		return out
	}
	switch {
	case s.classification:
		pred := make([]int, p.Rows)
		for i := range pred {
			pred[i] = model.ClassOf(p.Row(i))
		}
		if w != nil {
			out.score, out.loss = weightedClassScore(p, pred, fd.classes, w)
			break
		}
		out.score = metrics.Accuracy(pred, fd.classes)
		if out.loss, err = metrics.LogLoss(p, fd.classes); err != nil {
			out.err = fmt.Errorf("fit: tune: candidate %d, fold %d: %w", u.id, u.fold+1, err)
		}
	case w != nil:
		out.loss, _, out.score = metrics.WeightedRegression(p, fd.test.Y, w)
	default:
		out.score, out.loss = metrics.R2(p, fd.test.Y), metrics.MSE(p, fd.test.Y)
	}
	if !finite(out.score) || !finite(out.loss) {
		out.failed = "non-finite score"
		out.score, out.loss = 0, 0
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

// compareTrials orders trials best first: scored before unscored, more
// epochs before fewer (scores after more training are the ones to trust),
// then unfailed first, higher score, lower loss and lower ID.
func compareTrials(a, b Trial) int {
	if c := cmp.Compare(b.Epochs, a.Epochs); c != 0 {
		return c
	}
	if (a.Failed != "") != (b.Failed != "") {
		if a.Failed != "" {
			return 1
		}
		return -1
	}
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Loss, b.Loss); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// ranked returns the trials scored at least once, best first.
func (s *search) ranked() []Trial {
	var out []Trial
	for _, t := range s.trials {
		if t.Epochs > 0 {
			t.Hidden = slices.Clone(t.Hidden)
			out = append(out, t)
		}
	}
	slices.SortFunc(out, compareTrials)
	return out
}

func (s *search) report(p TuneProgress) {
	if s.to.Progress == nil {
		return
	}
	p.Elapsed = time.Since(s.start)
	p.Leaders = s.ranked()
	p.Leaders = p.Leaders[:min(5, len(p.Leaders))]
	s.to.Progress(p)
}

// tuneRecord is what Annotate stores in a model.
type tuneRecord struct {
	Metric    string  `json:"metric"`
	Folds     int     `json:"folds"`
	Eta       int     `json:"eta"`
	Seed      uint64  `json:"seed"`
	Brackets  int     `json:"brackets"`
	Trials    int     `json:"trials"`
	Trainings int     `json:"trainings"`
	Budget    string  `json:"budget,omitempty"`
	Stopped   string  `json:"stopped,omitempty"`
	Seconds   float64 `json:"seconds"`
	Top       []Trial `json:"top"`
	// Chosen is the ID of the trial the model was trained from, and
	// BaseKept why it is candidate 0 rather than the best.
	Chosen   int      `json:"chosen"`
	BaseKept string   `json:"base_kept,omitempty"`
	Recheck  *Recheck `json:"recheck,omitempty"`
}

// annotateTop is how many trials Annotate stores: enough to see what
// mattered, few enough that a long search does not swell the model file.
const annotateTop = 10

// Annotate adds the search to m.Training, as {"tune": {...}} beside what
// Train put there: its settings and the best trials.
func (r *TuneResult) Annotate(m *model.Model) error {
	fields := map[string]json.RawMessage{}
	if len(m.Training) > 0 {
		if err := json.Unmarshal(m.Training, &fields); err != nil {
			return fmt.Errorf("fit: the model's training record is not a JSON object: %w", err)
		}
	}
	rec := tuneRecord{
		Metric: r.Metric, Folds: r.Folds, Eta: r.Eta, Seed: r.Seed,
		Brackets: r.Brackets, Trials: len(r.Trials), Trainings: r.Trainings,
		Stopped: r.Stopped, Seconds: math.Round(r.Elapsed.Seconds()*10) / 10,
		Top:    r.Trials[:min(annotateTop, len(r.Trials))],
		Chosen: r.Chosen.ID, BaseKept: r.BaseKept, Recheck: r.Recheck,
	}
	if r.Budget > 0 {
		rec.Budget = r.Budget.String()
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	fields["tune"] = raw
	if m.Training, err = json.Marshal(fields); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	return nil
}

// WriteCSV writes every trial, best first, one per row, with a header.
func (r *TuneResult) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"rank", "id", "bracket", "rung", "epochs", r.Metric, r.Metric + "_std", "loss", "lr", "hidden", "l2", "batch_size", "label_smoothing", "failed", "dropout", "layers"})
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for i, t := range r.Trials {
		hidden := make([]string, len(t.Hidden))
		for j, h := range t.Hidden {
			hidden[j] = strconv.Itoa(h)
		}
		_ = cw.Write([]string{
			strconv.Itoa(i + 1), strconv.Itoa(t.ID), strconv.Itoa(t.Bracket), strconv.Itoa(t.Rung), strconv.Itoa(t.Epochs),
			g(t.Score), g(t.ScoreStd), g(t.Loss), g(t.LearningRate), strings.Join(hidden, ","), g(t.L2),
			strconv.Itoa(t.BatchSize), g(t.LabelSmoothing), t.Failed, g(t.Dropout), t.Layers,
		})
	}
	cw.Flush()
	return cw.Error()
}
