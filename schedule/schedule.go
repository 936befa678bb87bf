package schedule

import (
	"math"
)

// Schedule gives the learning rate for each epoch of a run.
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

// Defaults of StepDecay.
const (
	DefaultStepEvery  = 10
	DefaultStepFactor = 0.1 // PyTorch StepLR's gamma
)

// StepDecay multiplies the rate by Factor every Every epochs:
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

// DefaultGamma is Exponential's Gamma when it is 0.
const DefaultGamma = 0.95

// Exponential multiplies the rate by Gamma every epoch:
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

// DefaultPower is InvScaling's Power when it is 0, scikit-learn's power_t.
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
