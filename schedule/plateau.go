package schedule

import "math"

// Defaults of Plateau. Each is the default of the PyTorch
// ReduceLROnPlateau argument named beside it, except the threshold mode
// (see Plateau.ThresholdMode).
const (
	DefaultPlateauFactor   = 0.1  // factor
	DefaultPlateauPatience = 10   // patience
	DefaultPlateauMinDelta = 1e-4 // threshold
	DefaultPlateauEps      = 1e-8 // eps
)

// Threshold modes of Plateau: how MinDelta is measured.
const (
	// ThresholdAbs counts a loss as better when loss < best − MinDelta
	// (PyTorch's threshold_mode "abs", Keras's min_delta).
	ThresholdAbs = "abs"
	// ThresholdRel counts a loss as better when loss < best · (1 − MinDelta)
	// (PyTorch's threshold_mode "rel", its default).
	ThresholdRel = "rel"
)

// Float returns a pointer to v, for setting a field that distinguishes
// "unset" from 0: schedule.Plateau{MinDelta: schedule.Float(0)}.
func Float(v float64) *float64 { return &v }

// Int returns a pointer to v: schedule.Plateau{Patience: schedule.Int(0)}.
func Int(v int) *int { return &v }

// Plateau lowers the rate when the monitored loss stops improving, as
// PyTorch's ReduceLROnPlateau in mode "min" does, with the same arguments
// and, but for the threshold mode, the same defaults. It starts at lr0;
// after each epoch Observe compares the loss with the best seen so far:
//
//	better:                 loss < best − MinDelta         (ThresholdAbs)
//	                        loss < best · (1 − MinDelta)   (ThresholdRel)
//	if better:              best = loss, bad = 0, else bad = bad + 1
//	if cooling down:        cooldown = cooldown − 1, bad = 0
//	if bad > Patience:      reduce, cooldown = Cooldown, bad = 0
//
// where a reduction takes the rate lr to max(lr · Factor, MinRate), but
// only when that lowers it by more than Eps. The best starts at +Inf, so
// the first finite loss is always better. A NaN loss counts as no
// improvement. The rate is never raised: an lr0 below MinRate is kept.
//
// The pointer fields are unset when nil and then take their defaults; a
// set field is used as given, 0 included, so patience 0 (reduce after
// every epoch without improvement) and threshold 0 (any decrease is an
// improvement) can be asked for.
//
// Plateau is stateful: use a fresh one (or call Reset) for every run. It
// counts reductions rather than holding a rate, so Rate works with any lr0
// and gives PyTorch's rates for that lr0 bit for bit.
type Plateau struct {
	// Factor multiplies the rate at each reduction, in [0, 1] (PyTorch's
	// factor, default 0.1, which must be below 1 there); nil means
	// DefaultPlateauFactor.
	Factor *float64
	// Patience is how many epochs without improvement are tolerated
	// before a reduction (PyTorch's patience, default 10); nil means
	// DefaultPlateauPatience.
	Patience *int
	// MinDelta is the margin by which a loss must beat the best to count
	// as an improvement, absolute or relative as ThresholdMode says
	// (PyTorch's threshold, default 1e-4); nil means
	// DefaultPlateauMinDelta.
	MinDelta *float64
	// ThresholdMode is ThresholdAbs or ThresholdRel (PyTorch's
	// threshold_mode); "" means ThresholdAbs. PyTorch's default is "rel":
	// ours stays absolute because it always was, so saved configs keep
	// their meaning, and because train.Config.MinDelta, the early-stopping
	// margin the same loop applies to the same loss, is absolute too. Set
	// ThresholdRel to port a PyTorch run that left threshold_mode alone.
	ThresholdMode string
	// Cooldown is how many epochs to wait after a reduction before
	// counting bad epochs again (PyTorch's cooldown, default 0).
	Cooldown int
	// MinRate is the floor of the rate (PyTorch's min_lr, default 0).
	MinRate float64
	// Eps is the smallest change of rate a reduction makes; a smaller one
	// is skipped (PyTorch's eps, default 1e-8); nil means
	// DefaultPlateauEps.
	Eps *float64

	started    bool
	best       float64
	bad        int
	cooldown   int
	reductions int // reductions asked for so far, whether or not Eps skipped them
}

// Rate returns lr0 after the reductions so far, each taking lr to
// max(lr · Factor, MinRate) unless that lowers it by Eps or less.
func (p *Plateau) Rate(lr0 float64, epoch, epochs int) float64 {
	if !p.started {
		return lr0
	}
	factor := get(p.Factor, DefaultPlateauFactor)
	eps := get(p.Eps, DefaultPlateauEps)
	lr := lr0
	// Multiplying in turn, as PyTorch does, rather than by Factor^n keeps
	// the rates bit for bit equal to PyTorch's. Once a reduction is too
	// small, every later one is the same reduction of the same rate.
	for range p.reductions {
		next := max(lr*factor, p.MinRate)
		if !(lr-next > eps) {
			break
		}
		lr = next
	}
	return lr
}

// Observe records the monitored loss of the epoch just finished.
func (p *Plateau) Observe(loss float64) {
	if !p.started {
		p.started, p.best, p.bad, p.cooldown, p.reductions = true, math.Inf(1), 0, 0, 0
	}
	if p.better(loss) {
		p.best, p.bad = loss, 0
	} else {
		p.bad++
	}
	if p.cooldown > 0 {
		p.cooldown--
		p.bad = 0
	}
	patience := DefaultPlateauPatience
	if p.Patience != nil {
		patience = *p.Patience
	}
	if p.bad > patience {
		p.reductions++
		p.cooldown = p.Cooldown
		p.bad = 0
	}
}

// better reports whether loss improves on the best by more than MinDelta.
// NaN compares false, so a NaN loss is never better.
func (p *Plateau) better(loss float64) bool {
	delta := get(p.MinDelta, DefaultPlateauMinDelta)
	if p.ThresholdMode == ThresholdRel {
		return loss < p.best*(1-delta)
	}
	return loss < p.best-delta
}

// Reset forgets everything observed, keeping the settings.
func (p *Plateau) Reset() { p.started = false }

// get returns *v, or def when v is nil: defaults apply only when unset.
func get(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}
