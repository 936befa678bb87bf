package optim

import (
	"fmt"
	"strings"

	"github.com/descent-ml/descent/internal/suggest"
	"github.com/descent-ml/descent/tensor"
)

// Registry names of the optimizers.
const (
	NameGD       = "gd"
	NameSGD      = "sgd"
	NameMomentum = "momentum"
	NameNesterov = "nesterov"
	NameAdaGrad  = "adagrad"
	NameRMSProp  = "rmsprop"
	NameAdam     = "adam"
	NameAdamW    = "adamw"
)

// Names lists the optimizers New knows, in the order of the package
// documentation.
func Names() []string {
	return []string{NameGD, NameSGD, NameMomentum, NameNesterov, NameAdaGrad, NameRMSProp, NameAdam, NameAdamW}
}

// DefaultLearningRate returns the learning rate commonly used with the
// named optimizer: 0.001 for the adaptive rmsprop, adam and adamw (Keras's
// and PyTorch's defaults), 0.01 for the others. Unknown names get 0.01.
func DefaultLearningRate(name string) float64 {
	switch normalize(name) {
	case NameRMSProp, NameAdam, NameAdamW:
		return 0.001
	}
	return 0.01
}

// Config selects an optimizer and its hyperparameters, for command lines
// and saved runs. A zero field means the optimizer's documented default
// (see each optimizer's type); New never writes the defaults back.
type Config struct {
	// Name is the registry name; "" means "sgd".
	Name string `json:"name,omitempty"`
	// Momentum is μ for momentum and nesterov; 0 means DefaultMomentum.
	Momentum float64 `json:"momentum,omitempty"`
	// Beta1 and Beta2 are Adam's and AdamW's moment decays; 0 means
	// DefaultBeta1 and DefaultBeta2.
	Beta1 float64 `json:"beta1,omitempty"`
	Beta2 float64 `json:"beta2,omitempty"`
	// Rho is RMSProp's decay; 0 means DefaultRho.
	Rho float64 `json:"rho,omitempty"`
	// Epsilon is the ε of adagrad, rmsprop, adam and adamw; 0 means that
	// optimizer's default.
	Epsilon float64 `json:"epsilon,omitempty"`
	// WeightDecay is AdamW's decoupled decay λ_d; 0 means
	// DefaultWeightDecay. Other optimizers reject it: use L2.
	WeightDecay float64 `json:"weight_decay,omitempty"`
	// Common holds L2 and ClipNorm, which every optimizer accepts.
	Common
}

// normalize folds a name's case and spacing.
func normalize(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Validate reports the first problem with c: an unknown name, a value out
// of range, or an option the named optimizer does not use.
func (c Config) Validate() error {
	name := normalize(c.Name)
	if name == "" {
		name = NameSGD
	}
	known := false
	for _, n := range Names() {
		known = known || n == name
	}
	if !known {
		return fmt.Errorf("unknown optimizer %q (known: %s)%s", c.Name, strings.Join(Names(), ", "), suggest.Hint(c.Name, Names()))
	}
	for _, f := range []struct {
		flag     string
		v        float64
		unitOpen bool // must lie in [0, 1)
		usedBy   []string
	}{
		{"momentum", c.Momentum, true, []string{NameMomentum, NameNesterov}},
		{"beta1", c.Beta1, true, []string{NameAdam, NameAdamW}},
		{"beta2", c.Beta2, true, []string{NameAdam, NameAdamW}},
		{"rho", c.Rho, true, []string{NameRMSProp}},
		{"epsilon", c.Epsilon, false, []string{NameAdaGrad, NameRMSProp, NameAdam, NameAdamW}},
		{"weight_decay", c.WeightDecay, false, []string{NameAdamW}},
		{"l2", c.L2, false, nil},
		{"clip_norm", c.ClipNorm, false, nil},
	} {
		if f.v != f.v || f.v < 0 || (f.unitOpen && f.v >= 1) || f.v > maxFinite {
			if f.unitOpen {
				return fmt.Errorf("optimizer %s: %s must be in [0, 1), got %g", name, f.flag, f.v)
			}
			return fmt.Errorf("optimizer %s: %s must be a finite number ≥ 0, got %g", name, f.flag, f.v)
		}
		if f.v != 0 && f.usedBy != nil && !contains(f.usedBy, name) {
			hint := ""
			if f.flag == "weight_decay" {
				hint = "; use l2 for an L2 penalty"
			}
			return fmt.Errorf("optimizer %s does not use %s (only %s do)%s", name, f.flag, strings.Join(f.usedBy, ", "), hint)
		}
	}
	return nil
}

// maxFinite is the largest float64; anything above it is +Inf.
const maxFinite = 1.7976931348623157e308

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// New returns a fresh optimizer for the parameters of type T as c
// describes, or an error if c is invalid.
func New[T tensor.Float](c Config) (Optimizer[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	switch normalize(c.Name) {
	case NameGD:
		return &GD[T]{Common: c.Common}, nil
	case NameMomentum:
		return &Momentum[T]{Common: c.Common, Momentum: c.Momentum}, nil
	case NameNesterov:
		return &Nesterov[T]{Common: c.Common, Momentum: c.Momentum}, nil
	case NameAdaGrad:
		return &AdaGrad[T]{Common: c.Common, Epsilon: c.Epsilon}, nil
	case NameRMSProp:
		return &RMSProp[T]{Common: c.Common, Rho: c.Rho, Epsilon: c.Epsilon}, nil
	case NameAdam:
		return &Adam[T]{Common: c.Common, Beta1: c.Beta1, Beta2: c.Beta2, Epsilon: c.Epsilon}, nil
	case NameAdamW:
		a := Adam[T]{Common: c.Common, Beta1: c.Beta1, Beta2: c.Beta2, Epsilon: c.Epsilon}
		return &AdamW[T]{Adam: a, WeightDecay: c.WeightDecay}, nil
	}
	return &SGD[T]{Common: c.Common}, nil
}
