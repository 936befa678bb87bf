package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/schedule"
	"github.com/descent-ml/descent/tensor"
)

// The seed feeds two independent random streams, so that changing the
// validation split never changes the shuffling and vice versa.
const (
	splitStream   = 1
	shuffleStream = 2
)

// Fit trains net on trainSet by minimising l, scoring it on val after every
// epoch when val is not nil (or on a part of trainSet held out as
// cfg.ValidationSplit says), and returns the history of the run.
//
// Fit starts from the network's current weights, so calling it again
// continues training. It returns an error without training for a bad
// config or data that does not fit the network. Otherwise it returns the
// history so far with:
//
//   - nil when every epoch ran or training stopped early;
//   - the context's error, wrapped, when ctx was cancelled: the weights are
//     those of the best epoch with cfg.RestoreBest (once an epoch has
//     completed), else those after the last completed step;
//   - a *DivergenceError when the loss, a weight or a value of the
//     optimizer's state became NaN or infinite, or the monitored loss grew
//     past cfg.DivergeFactor times that of the starting weights (scored
//     once before the first step):
//     the weights are put back to the end of the last good epoch (or the
//     best epoch, with cfg.RestoreBest).
//
// When trainSet or val has Weights, l is wrapped in a loss.Weighted (unless
// it is one) with l's reduction: each step's loss is the weighted mean (or
// sum) of its rows' losses, and each epoch's Scores are weighted as their
// doc says. A set without weights weighs each sample 1. Without weights on
// either set, l is used as it is and nothing changes.
func Fit[T tensor.Float](ctx context.Context, net *nn.Network[T], l loss.Loss[T], trainSet, val *data.Dataset, cfg Config) (*History, error) {
	if trainSet == nil {
		return nil, fmt.Errorf("train: no training data")
	}
	return FitRows(ctx, net, l, whole(trainSet), whole(val), cfg)
}

// FitRows is Fit on sets given as Rows: by index into a feature matrix,
// prepared batch by batch as they are read, so that a front end trains on
// the one matrix it loaded instead of on copies of it (see Rows). Each
// sample's features are read from X, prepared, and converted to T as a
// copy of the data, prepared the same way, would have given them: the run
// is bit for bit the same.
func FitRows[T tensor.Float](ctx context.Context, net *nn.Network[T], l loss.Loss[T], trainSet, val *Rows, cfg Config) (*History, error) {
	if err := checkData(net, trainSet, "training data"); err != nil {
		return nil, err
	}
	s, err := cfg.resolve(trainSet.Len())
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if val == nil && cfg.ValidationSplit > 0 {
		trainSet, val, err = splitValidation(trainSet, cfg.ValidationSplit, rand.New(rand.NewPCG(cfg.Seed, splitStream)))
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	if val != nil {
		if err := checkData(net, val, "validation data"); err != nil {
			return nil, err
		}
	}
	// Steps train in training mode, scores are taken in evaluation mode
	// (see evaluator.scores), and the caller gets the network back in the
	// mode it gave it.
	defer net.SetTraining(net.Training())
	net.SetTraining(true)
	params := net.Params()
	kept := keptState(net)
	opt, err := optim.New[T](cfg.Optimizer)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if cfg.OptimizerState != nil {
		if err := opt.SetState(*cfg.OptimizerState, params); err != nil {
			return nil, fmt.Errorf("train: cannot continue from the saved optimizer state: %w", err)
		}
	}
	sched, err := schedule.New(cfg.Schedule)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}

	if trainSet.Labels.Weights != nil || val != nil && val.Labels.Weights != nil {
		l = weigh(l)
	}

	// Everything a step needs is allocated here, once.
	st := newStepper(net, l, opt, trainSet, s.batch)
	trainEval := newEvaluator(trainSet, l, net.Outputs())
	var valEval *evaluator[T]
	if val != nil {
		valEval = newEvaluator(val, l, net.Outputs())
	}
	good := newWeights(kept, 0) // the last weights known to be finite
	var best *weights[T]
	if cfg.RestoreBest {
		best = newWeights(kept, 0)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, shuffleStream))
	n := trainSet.Len()
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	steps := (n + s.batch - 1) / s.batch
	record := cfg.RecordSteps || cfg.RecordPredictions

	h := &History{Monitor: "train_loss"}
	if val != nil {
		h.Monitor = "val_loss"
	}
	bestLoss, sinceBest := math.Inf(1), 0

	// finish puts back the best or last good weights where needed and fills
	// in how the run ended.
	finish := func(reason StopReason, epoch, step int, restore *weights[T]) {
		h.Stop, h.StopEpoch, h.StopStep = reason, epoch, step
		if restore != nil {
			restore.restore(kept)
			h.Restored, h.RestoredEpoch = true, restore.epoch
		}
		if reason != Diverged {
			state := opt.State()
			h.OptimizerState = &state
		}
	}
	// cancelled is what a cancelled run puts back: the best epoch's weights
	// with cfg.RestoreBest, unless the weights already are those, being
	// the end of epoch endOf (-1 when the run stopped within an epoch).
	cancelled := func(endOf int) *weights[T] {
		if best == nil || h.BestEpoch == 0 || h.BestEpoch == endOf {
			return nil
		}
		return best
	}
	// fallback is what a diverged run goes back to.
	fallback := func() *weights[T] {
		if best != nil && h.BestEpoch > 0 {
			return best
		}
		return good
	}

	lossLimit := explodedLoss(s.divergeFactor, trainEval, valEval, net, l)
	diverged := func(epoch, step int, problem string, lr float64) error {
		finish(Diverged, epoch, step, fallback())
		return &DivergenceError{Epoch: epoch, Step: step, Problem: problem, LearningRate: lr,
			Optimizer: opt.Name(), Suggested: suggestRate(lr, opt.Name())}
	}

	for epoch := 1; epoch <= s.epochs; epoch++ {
		lr := sched.Rate(s.lr, epoch-1, s.epochs)
		if !cfg.NoShuffle {
			shuffle(order, rng)
		}
		for step := 1; step <= steps; step++ {
			if err := ctx.Err(); err != nil {
				endOf := -1
				if step == 1 {
					endOf = epoch - 1 // no step taken since that epoch ended
				}
				finish(Cancelled, epoch, step-1, cancelled(endOf))
				return h, fmt.Errorf("train: %s: %w", h.Reason(), err)
			}
			if cfg.Schedule.PerStep() {
				// Counted in steps over the whole run; the epoch's stats
				// report the rate of its last step.
				lr = sched.Rate(s.lr, (epoch-1)*steps+step-1, s.epochs*steps)
			}
			v, problem := st.step(order[(step-1)*s.batch:min(step*s.batch, n)], lr)
			if problem != "" {
				return h, diverged(epoch, step, problem, lr)
			}
			h.Iterations++
			if record {
				h.Steps = append(h.Steps, stepStats(st, epoch, step, h.Iterations, v, lr, cfg.RecordPredictions))
			}
			for _, c := range cfg.Callbacks {
				c.OnStep(StepEvent{Epoch: epoch, Step: step, Steps: steps, Iteration: h.Iterations, Loss: v, LearningRate: lr})
			}
		}

		stats := EpochStats{Epoch: epoch, LearningRate: lr, Train: trainEval.scores(net, l)}
		if valEval != nil {
			vs := valEval.scores(net, l)
			stats.Val = &vs
		}
		monitored := stats.Train.Loss
		if stats.Val != nil {
			monitored = stats.Val.Loss
		}
		p := nonFinite("the training loss", stats.Train.Loss)
		if p == "" && stats.Val != nil {
			p = nonFinite("the validation loss", stats.Val.Loss)
		}
		if p == "" && monitored > lossLimit {
			which := "training"
			if stats.Val != nil {
				which = "validation"
			}
			p = fmt.Sprintf("the %s loss (%.3g) is more than %g times that of the starting weights (%.3g)",
				which, monitored, s.divergeFactor, lossLimit/s.divergeFactor)
		}
		if p == "" {
			p = optim.NonFinite(opt, params)
		}
		if p != "" {
			return h, diverged(epoch, steps, p+" at the end of the epoch", lr)
		}
		good.save(kept, epoch)
		h.Epochs = append(h.Epochs, stats)

		improved := monitored < bestLoss-cfg.MinDelta
		if improved {
			bestLoss, sinceBest, h.BestEpoch = monitored, 0, epoch
			if best != nil {
				best.save(kept, epoch)
			}
		} else {
			sinceBest++
		}
		if o, ok := sched.(schedule.Observer); ok {
			o.Observe(monitored)
		}
		for _, c := range cfg.Callbacks {
			c.OnEpoch(EpochEvent{Epochs: s.epochs, Stats: stats, Best: improved, OptimizerState: opt.State})
		}

		if cfg.Patience > 0 && sinceBest >= cfg.Patience {
			finish(EarlyStopped, epoch, 0, best)
			return h, nil
		}
		if err := ctx.Err(); err != nil {
			finish(Cancelled, epoch, 0, cancelled(epoch))
			return h, fmt.Errorf("train: %s: %w", h.Reason(), err)
		}
	}
	var restore *weights[T]
	if best != nil && h.BestEpoch != s.epochs {
		restore = best
	}
	finish(Completed, s.epochs, 0, restore)
	return h, nil
}

// keptState returns what a network's saved and restored weights hold: its
// parameters, then its saved state (batch normalisation's running
// statistics), which belongs to the same epoch as the weights and must be
// put back with them.
func keptState[T tensor.Float](net *nn.Network[T]) []*nn.Param[T] {
	return append(slices.Clone(net.Params()), net.Buffers()...)
}

// checkData reports data that cannot train net: invalid numbers or a shape
// that does not match the network.
func checkData[T tensor.Float](net *nn.Network[T], d *Rows, what string) error {
	if d == nil {
		return fmt.Errorf("train: no %s", what)
	}
	if err := d.check(); err != nil {
		return fmt.Errorf("train: %s: %w", what, err)
	}
	switch {
	case d.Len() == 0:
		return fmt.Errorf("train: %s has no samples", what)
	case d.cols() != net.Inputs():
		return fmt.Errorf("train: %s has %d features but the network takes %d inputs", what, d.cols(), net.Inputs())
	case d.Labels.Y.Cols != net.Outputs():
		return fmt.Errorf("train: %s has %d target columns but the network has %d outputs", what, d.Labels.Y.Cols, net.Outputs())
	}
	return nil
}

// stepStats returns the record of the step just taken, with the network's
// output for the batch if predictions is set.
func stepStats[T tensor.Float](st *stepper[T], epoch, step, iteration int, v, lr float64, predictions bool) StepStats {
	s := StepStats{Epoch: epoch, Step: step, Iteration: iteration, Loss: v, LearningRate: lr}
	if out := st.output(); predictions && out != nil {
		s.Prediction = make([]float64, len(out.Values()))
		for i, p := range out.Values() {
			s.Prediction[i] = float64(p)
		}
	}
	return s
}

// explodedLoss returns the monitored loss above which an epoch counts as
// diverged: factor times the loss of the starting weights, scored once
// here; +Inf when factor is negative or that loss is 0 or not finite.
func explodedLoss[T tensor.Float](factor float64, trainEval, valEval *evaluator[T], net *nn.Network[T], l loss.Loss[T]) float64 {
	if factor < 0 {
		return math.Inf(1)
	}
	e := trainEval
	if valEval != nil {
		e = valEval
	}
	start := e.scores(net, l).Loss
	if !(start > 0 && start <= maxFinite) {
		return math.Inf(1)
	}
	return factor * start
}

// suggestRate is the learning rate a DivergenceError suggests: a tenth of
// lr, or the optimizer's default when lr is far above it, since a rate a
// thousand times too high needs more than a tenth.
func suggestRate(lr float64, optimizer string) float64 {
	if d := optim.DefaultLearningRate(optimizer); lr > 10*d {
		return d
	}
	return lr / 10
}
