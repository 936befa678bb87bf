package optim

import (
	"fmt"
	"math"
	"slices"
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
// and saved runs. A nil pointer field is unset and means the optimizer's
// documented default (see each optimizer's type); a set field is used as
// given, 0 included, so that β₁ = 0, ε = 0, ρ = 0 or an AdamW weight decay
// of 0 can be asked for. New never writes the defaults back.
//
// In JSON an unset field is omitted. Files written before the fields became
// pointers never held a 0 (the fields were omitempty and 0 meant the
// default), so they decode to the same optimizer as before.
type Config struct {
	// Name is the registry name; "" means "sgd".
	Name string `json:"name,omitempty"`
	// Momentum is μ for momentum and nesterov; unset means DefaultMomentum.
	Momentum *float64 `json:"momentum,omitempty"`
	// Dampening is momentum's dampening d in [0, 1] (PyTorch's SGD
	// dampening); 0, the default, means none.
	Dampening float64 `json:"dampening,omitempty"`
	// Beta1 and Beta2 are Adam's and AdamW's moment decays; unset means
	// DefaultBeta1 and DefaultBeta2.
	Beta1 *float64 `json:"beta1,omitempty"`
	Beta2 *float64 `json:"beta2,omitempty"`
	// AMSGrad selects the AMSGrad variant of adam and adamw.
	AMSGrad bool `json:"amsgrad,omitempty"`
	// Rho is RMSProp's decay; unset means DefaultRho.
	Rho *float64 `json:"rho,omitempty"`
	// Centered selects centered RMSProp.
	Centered bool `json:"centered,omitempty"`
	// Epsilon is the ε of adagrad, rmsprop, adam and adamw; unset means
	// that optimizer's default.
	Epsilon *float64 `json:"epsilon,omitempty"`
	// WeightDecay is AdamW's decoupled decay λ_d; unset means
	// DefaultWeightDecay. Other optimizers reject it: use L2.
	WeightDecay *float64 `json:"weight_decay,omitempty"`
	// LRDecay and InitialAccumulator are AdaGrad's (PyTorch's lr_decay and
	// initial_accumulator_value); 0, the default, means none.
	LRDecay            float64 `json:"lr_decay,omitempty"`
	InitialAccumulator float64 `json:"initial_accumulator,omitempty"`
	// Common holds L2 and ClipNorm, which every optimizer accepts.
	Common
}

// Float returns a pointer to v, for setting a Config or optimizer field:
// optim.Config{Name: "adam", Beta1: optim.Float(0)}.
func Float(v float64) *float64 { return &v }

// get returns *p, or def when p is nil: defaults apply only when unset.
func get(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// clone returns a copy of p, so that an optimizer does not share a
// caller's variable.
func clone(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return Float(*p)
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
		flag   string
		v      *float64
		max    float64 // the largest value allowed, or 0 for any finite one
		open   bool    // max itself is excluded
		usedBy []string
	}{
		{"momentum", c.Momentum, 1, true, []string{NameMomentum, NameNesterov}},
		{"dampening", nonzero(c.Dampening), 1, false, []string{NameMomentum}},
		{"beta1", c.Beta1, 1, true, []string{NameAdam, NameAdamW}},
		{"beta2", c.Beta2, 1, true, []string{NameAdam, NameAdamW}},
		{"amsgrad", flag(c.AMSGrad), 0, false, []string{NameAdam, NameAdamW}},
		{"rho", c.Rho, 1, true, []string{NameRMSProp}},
		{"centered", flag(c.Centered), 0, false, []string{NameRMSProp}},
		{"epsilon", c.Epsilon, 0, false, []string{NameAdaGrad, NameRMSProp, NameAdam, NameAdamW}},
		{"weight_decay", c.WeightDecay, 0, false, []string{NameAdamW}},
		{"lr_decay", nonzero(c.LRDecay), 0, false, []string{NameAdaGrad}},
		{"initial_accumulator", nonzero(c.InitialAccumulator), 0, false, []string{NameAdaGrad}},
		{"l2", nonzero(c.L2), 0, false, nil},
		{"clip_norm", nonzero(c.ClipNorm), 0, false, nil},
	} {
		if f.v == nil {
			continue
		}
		if v := *f.v; v != v || v < 0 || v > math.MaxFloat64 || (f.max > 0 && (v > f.max || f.open && v == f.max)) {
			switch {
			case f.open:
				return fmt.Errorf("optimizer %s: %s must be in [0, %g), got %g", name, f.flag, f.max, v)
			case f.max > 0:
				return fmt.Errorf("optimizer %s: %s must be in [0, %g], got %g", name, f.flag, f.max, v)
			}
			return fmt.Errorf("optimizer %s: %s must be a finite number ≥ 0, got %g", name, f.flag, v)
		}
		if f.usedBy != nil && !slices.Contains(f.usedBy, name) {
			hint := ""
			if f.flag == "weight_decay" {
				hint = "; use l2 for an L2 penalty"
			}
			return fmt.Errorf("optimizer %s does not use %s (only %s do)%s", name, f.flag, strings.Join(f.usedBy, ", "), hint)
		}
	}
	return nil
}

// nonzero returns &v, or nil for 0: the settings whose default is 0 count
// as set only when they are not 0.
func nonzero(v float64) *float64 {
	if v == 0 {
		return nil
	}
	return &v
}

// flag returns a set value for a true switch and nil for false.
func flag(b bool) *float64 {
	if b {
		return Float(1)
	}
	return nil
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
		return &Momentum[T]{Common: c.Common, Momentum: clone(c.Momentum), Dampening: c.Dampening}, nil
	case NameNesterov:
		return &Nesterov[T]{Common: c.Common, Momentum: clone(c.Momentum)}, nil
	case NameAdaGrad:
		return &AdaGrad[T]{Common: c.Common, Epsilon: clone(c.Epsilon), LRDecay: c.LRDecay, InitialAccumulator: c.InitialAccumulator}, nil
	case NameRMSProp:
		return &RMSProp[T]{Common: c.Common, Rho: clone(c.Rho), Epsilon: clone(c.Epsilon), Centered: c.Centered}, nil
	case NameAdam:
		return &Adam[T]{Common: c.Common, Beta1: clone(c.Beta1), Beta2: clone(c.Beta2), Epsilon: clone(c.Epsilon), AMSGrad: c.AMSGrad}, nil
	case NameAdamW:
		a := Adam[T]{Common: c.Common, Beta1: clone(c.Beta1), Beta2: clone(c.Beta2), Epsilon: clone(c.Epsilon), AMSGrad: c.AMSGrad}
		return &AdamW[T]{Adam: a, WeightDecay: clone(c.WeightDecay)}, nil
	}
	return &SGD[T]{Common: c.Common}, nil
}
