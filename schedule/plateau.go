package schedule

import "math"

// Defaults of Plateau, those of PyTorch's ReduceLROnPlateau (MinDelta is
// absolute here, as in Keras).
const (
	DefaultPlateauFactor   = 0.1
	DefaultPlateauPatience = 10
	DefaultPlateauMinDelta = 1e-4
)

// Plateau lowers the rate when the monitored loss stops improving, in the
// manner of PyTorch's ReduceLROnPlateau. It starts at lr0; after each
// epoch Observe compares the loss with the best seen so far:
//
//	if loss < best − MinDelta: best = loss, bad = 0, else bad = bad + 1
//	if cooling down:           cooldown = cooldown − 1, bad = 0
//	if bad > Patience:         scale = scale · Factor, cooldown = Cooldown, bad = 0
//
// and Rate returns max(lr0 · scale, MinRate). A NaN loss counts as no
// improvement. Plateau is stateful: use a fresh one (or call Reset) for
// every run.
type Plateau struct {
	// Factor multiplies the rate at each reduction, in (0, 1); 0 means
	// DefaultPlateauFactor.
	Factor float64
	// Patience is how many epochs without improvement are tolerated; 0
	// means DefaultPlateauPatience.
	Patience int
	// MinDelta is the smallest decrease that counts as an improvement; 0
	// means DefaultPlateauMinDelta.
	MinDelta float64
	// Cooldown is how many epochs to wait after a reduction before
	// counting bad epochs again; 0 means none.
	Cooldown int
	// MinRate is the floor of the rate; 0 means none.
	MinRate float64

	started  bool
	best     float64
	bad      int
	cooldown int
	scale    float64
}

// Rate returns max(lr0 · scale, MinRate), where scale is the product of the
// reductions so far.
func (p *Plateau) Rate(lr0 float64, epoch, epochs int) float64 {
	scale := 1.0
	if p.started {
		scale = p.scale
	}
	return max(lr0*scale, p.MinRate)
}

// Observe records the monitored loss of the epoch just finished.
func (p *Plateau) Observe(loss float64) {
	if !p.started {
		*p = Plateau{Factor: p.Factor, Patience: p.Patience, MinDelta: p.MinDelta, Cooldown: p.Cooldown, MinRate: p.MinRate}
		p.started, p.scale, p.best = true, 1, math.Inf(1)
	}
	if loss < p.best-or(p.MinDelta, DefaultPlateauMinDelta) {
		p.best, p.bad = loss, 0
	} else {
		p.bad++
	}
	if p.cooldown > 0 {
		p.cooldown--
		p.bad = 0
	}
	patience := p.Patience
	if patience == 0 {
		patience = DefaultPlateauPatience
	}
	if p.bad > patience {
		p.scale *= or(p.Factor, DefaultPlateauFactor)
		p.cooldown = p.Cooldown
		p.bad = 0
	}
}

// Reset forgets everything observed, keeping the settings.
func (p *Plateau) Reset() { p.started = false }
