package schedule

import (
	"math"
)

// Schedule gives the learning rate for each unit of a run: each epoch, or
// each optimizer step when the schedule acts per step. The names below say
// epoch; read step for a per-step schedule.
type Schedule interface {
	// Rate returns the learning rate for epoch (counting from 0) of a run
	// of epochs epochs whose base learning rate is lr0.
	Rate(lr0 float64, epoch, epochs int) float64
}

// Observer is implemented by schedules that adapt to the training itself.
// The training loop calls Observe once after every epoch with the loss it
// monitors (the validation loss when there is a validation set).
type Observer interface {
	Observe(loss float64)
}

// Constant keeps the learning rate at lr0.
type Constant struct{}

// Rate returns lr0.
func (Constant) Rate(lr0 float64, epoch, epochs int) float64 { return lr0 }

// Defaults of StepDecay. PyTorch's StepLR has no default step_size; its
// gamma defaults to 0.1, as Factor does.
const (
	DefaultStepEvery  = 10
	DefaultStepFactor = 0.1
)

// StepDecay multiplies the rate by Factor every Every epochs, as PyTorch's
// StepLR(step_size=Every, gamma=Factor):
//
//	lr = lr0 · Factor^⌊epoch / Every⌋
type StepDecay struct {
	// Every is the number of epochs between drops; 0 means
	// DefaultStepEvery.
	Every int
	// Factor is the multiplier at each drop, in (0, 1]; 0 means
	// DefaultStepFactor.
	Factor float64
}

// Rate returns lr0 · Factor^⌊epoch / Every⌋.
func (s StepDecay) Rate(lr0 float64, epoch, epochs int) float64 {
	every := s.Every
	if every == 0 {
		every = DefaultStepEvery
	}
	return lr0 * math.Pow(or(s.Factor, DefaultStepFactor), float64(epoch/every))
}

// DefaultGamma is Exponential's Gamma when it is 0. PyTorch's ExponentialLR
// has no default gamma.
const DefaultGamma = 0.95

// Exponential multiplies the rate by Gamma every epoch, as PyTorch's
// ExponentialLR:
//
//	lr = lr0 · Gamma^epoch
type Exponential struct {
	// Gamma is the per-epoch multiplier, in (0, 1]; 0 means DefaultGamma.
	Gamma float64
}

// Rate returns lr0 · Gamma^epoch.
func (s Exponential) Rate(lr0 float64, epoch, epochs int) float64 {
	return lr0 * math.Pow(or(s.Gamma, DefaultGamma), float64(epoch))
}

// DefaultPower is InvScaling's Power when it is 0, scikit-learn's power_t
// (PyTorch has no such schedule).
const DefaultPower = 0.5

// InvScaling is scikit-learn's "invscaling" schedule with t the epoch
// counted from 1:
//
//	lr = lr0 / t^Power,  t = epoch + 1
type InvScaling struct {
	// Power is the exponent; 0 means DefaultPower.
	Power float64
}

// Rate returns lr0 / (epoch+1)^Power.
func (s InvScaling) Rate(lr0 float64, epoch, epochs int) float64 {
	return lr0 / math.Pow(float64(epoch+1), or(s.Power, DefaultPower))
}

// Cosine anneals the rate from lr0 down to Min along half a cosine over
// Epochs epochs (Loshchilov & Hutter, without restarts), and stays at Min
// afterwards:
//
//	lr = Min + (lr0 − Min) · (1 + cos(π · min(epoch, E) / E)) / 2
//
// Up to E this is PyTorch's CosineAnnealingLR(T_max=E, eta_min=Min). After
// E they differ: PyTorch's rate climbs back along the cosine towards lr0
// (reaching it at 2E), while this one holds Min, since a run that outlasts
// its annealing should not speed up again; use WarmRestarts for restarts.
type Cosine struct {
	// Epochs is the annealing length E; 0 means the run's number of
	// epochs.
	Epochs int
	// Min is the final rate; 0 means 0.
	Min float64
}

// Rate returns the annealed rate for epoch.
func (s Cosine) Rate(lr0 float64, epoch, epochs int) float64 {
	e := s.Epochs
	if e == 0 {
		e = epochs
	}
	if e <= 0 {
		return lr0
	}
	return s.Min + (lr0-s.Min)*(1+math.Cos(math.Pi*float64(min(epoch, e))/float64(e)))/2
}

// DefaultFlat is FlatCosine's Flat when it is 0: half the run flat, as in
// RealMLP-TD's "flat_cos".
const DefaultFlat = 0.5

// FlatCosine holds the rate at lr0 for the first part of the run, then
// anneals it to Min along half a cosine over the rest. With E the run's
// epochs and k = ⌊Flat · E⌋ the number of flat epochs:
//
//	lr = lr0                                              for epoch < k
//	lr = Min + (lr0 − Min) · (1 + cos(π · t)) / 2,  t = min(epoch − k, E − k) / (E − k)
//
// so epochs 0 … k all run at lr0 (the cosine starts there) and the last
// epoch, E − 1, runs just above Min, which the rate would reach at epoch E;
// this is Cosine's convention, annealing over E − k epochs. In PyTorch,
// stepping once per epoch, it is
//
//	SequentialLR(opt, [ConstantLR(opt, factor=1, total_iters=k),
//	                   CosineAnnealingLR(opt, T_max=E-k, eta_min=Min)],
//	             milestones=[k])
//
// RealMLP-TD's "flat_cos" (pytabkit) is the same curve with Flat = 0.5 and
// Min = 0, but evaluated at every optimizer step with t the fraction of
// training done; here the rate changes once per epoch and equals that curve
// at the start of each epoch when Flat · E is whole. When it is not, the
// flat part is rounded down to k epochs so that the cosine still starts
// at lr0.
type FlatCosine struct {
	// Flat is the fraction of the epochs held at lr0, in (0, 1]; 0 means
	// DefaultFlat. Flat = 1 keeps the rate constant; for no flat part use
	// Cosine.
	Flat float64
	// Min is the final rate; 0 means 0.
	Min float64
	// Epochs, when positive, is the length the schedule is laid over in
	// place of the run's epochs: a refit that stops at the epoch a longer
	// run chose then follows that run's rates exactly.
	Epochs int
}

// Rate returns lr0 during the flat part and the annealed rate after it.
func (s FlatCosine) Rate(lr0 float64, epoch, epochs int) float64 {
	if s.Epochs > 0 {
		epochs = s.Epochs
	}
	// The tolerance keeps a fraction that binary cannot hold exactly from
	// losing an epoch: 0.29 · 100 is 28.999999999999996.
	k := int(or(s.Flat, DefaultFlat)*float64(epochs) + 1e-9)
	if epoch < k || epochs <= k {
		return lr0
	}
	return Cosine{Epochs: epochs - k, Min: s.Min}.Rate(lr0, epoch-k, epochs-k)
}

// or returns v, or def when v is zero: the "zero means default" rule.
func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// WarmRestarts is cosine annealing with warm restarts (Loshchilov &
// Hutter's SGDR), exactly PyTorch's CosineAnnealingWarmRestarts stepped
// once per unit: the rate anneals from lr0 to Min over a cycle of Period
// units, then jumps back to lr0 for a cycle Mult times longer. With T_i the
// current cycle's length and T_cur the units since it began:
//
//	lr = Min + (lr0 − Min) · (1 + cos(π · T_cur / T_i)) / 2
type WarmRestarts struct {
	// Period is the first cycle's length T_0 (PyTorch's T_0, which has no
	// default); 0 means the run's length, a single cycle.
	Period int
	// Mult is the factor by which each cycle is longer than the last
	// (PyTorch's T_mult); 0 means 1, PyTorch's default.
	Mult int
	// Min is the lowest rate (PyTorch's eta_min); 0 means 0, PyTorch's
	// default.
	Min float64
}

// Rate returns the rate for unit epoch of the current cycle.
func (s WarmRestarts) Rate(lr0 float64, epoch, epochs int) float64 {
	ti := s.Period
	if ti <= 0 {
		ti = epochs
	}
	if ti <= 0 {
		return lr0
	}
	mult := max(s.Mult, 1)
	cur := epoch
	// Whole cycles are subtracted in integers, as PyTorch counts them, so
	// no rounding creeps in however long the run.
	for cur >= ti {
		cur -= ti
		ti *= mult
	}
	return s.Min + (lr0-s.Min)*(1+math.Cos(math.Pi*float64(cur)/float64(ti)))/2
}

// DefaultWarmupStart is Warmup's starting factor when unset, PyTorch's
// LinearLR start_factor.
const DefaultWarmupStart = 1.0 / 3

// Warmup raises the rate linearly from Start·lr0 to lr0 over the first
// Units units, then hands over to Then, whose unit 0 is the first after the
// warm-up and whose run is Units shorter:
//
//	lr = lr0 · (Start + (1 − Start) · u / Units)        for u < Units
//	lr = Then.Rate(lr0, u − Units, n − Units)           after
//
// With Then a Constant this is PyTorch's LinearLR(start_factor=Start,
// total_iters=Units); with Then a Cosine it is SequentialLR of LinearLR
// and CosineAnnealingLR with the milestone at Units.
type Warmup struct {
	// Units is the warm-up's length, in the schedule's units (epochs or
	// steps).
	Units int
	// Start is the first unit's fraction of lr0, in [0, 1]; nil means
	// DefaultWarmupStart. 0 starts from a rate of 0, which PyTorch's
	// LinearLR refuses.
	Start *float64
	// Then is the schedule after the warm-up; nil means Constant.
	Then Schedule
}

// Rate returns the warm-up rate for the first Units units and Then's
// after them.
func (s Warmup) Rate(lr0 float64, epoch, epochs int) float64 {
	if epoch < s.Units {
		start := DefaultWarmupStart
		if s.Start != nil {
			start = *s.Start
		}
		return lr0 * (start + (1-start)*float64(epoch)/float64(s.Units))
	}
	if s.Then == nil {
		return lr0
	}
	return s.Then.Rate(lr0, epoch-s.Units, epochs-s.Units)
}

// Observe hands the monitored loss on to Then when Then watches it, so a
// warm-up can lead into reduce-on-plateau.
func (s Warmup) Observe(loss float64) {
	if o, ok := s.Then.(Observer); ok {
		o.Observe(loss)
	}
}
