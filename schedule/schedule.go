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

// or returns v, or def when v is zero: the "zero means default" rule.
func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
