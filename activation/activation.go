package activation

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/internal/suggest"
	"github.com/descent-ml/descent/tensor"
)

// Func is an activation function applied to a batch of SOPs.
type Func[T tensor.Float] interface {
	// Spec describes the function, for saving and printing.
	Spec() Spec
	// Forward sets a = f(z). a and z have the same shape and may not alias.
	Forward(a, z *tensor.Matrix[T])
	// Backward sets dz = dLoss/dz given z, a = f(z) and da = dLoss/da.
	// dz may alias da.
	Backward(dz, z, a, da *tensor.Matrix[T])
}

// Elementwise is implemented by activations whose output element depends on
// the same input element alone. Deriv returns da/dz at one element, given z
// and a = f(z): the factor the tutorial calls dpred/dsop.
type Elementwise[T tensor.Float] interface {
	Func[T]
	Deriv(z, a T) T
}

// Names of the activations New knows.
const (
	NameSigmoid   = "sigmoid"
	NameTanh      = "tanh"
	NameReLU      = "relu"
	NameLeakyReLU = "leaky_relu"
	NameIdentity  = "identity"
	NameSoftmax   = "softmax"
	NameSoftplus  = "softplus"
	NameGELU      = "gelu"
)

// DefaultLeakySlope is the negative-side slope of leaky ReLU when none is
// given, as in PyTorch.
const DefaultLeakySlope = 0.01

// Spec names an activation and its parameter.
//
// In JSON the slope is written when it is set (SlopeSet or non-zero) and a
// "slope" key read back sets SlopeSet, so "slope":0 is a slope of 0 while
// files without the key, or written before SlopeSet existed (which never
// held a 0), keep DefaultLeakySlope.
type Spec struct {
	// Name is one of the Name… constants.
	Name string `json:"name"`
	// Slope is leaky ReLU's slope for z < 0. 0 means DefaultLeakySlope
	// unless SlopeSet.
	Slope float64 `json:"slope,omitempty"`
	// SlopeSet makes a Slope of 0 mean 0 (plain ReLU's negative side, with
	// leaky ReLU's derivative convention) instead of the default.
	SlopeSet bool `json:"-"`
}

// spec is Spec's JSON form: Slope a pointer, so that 0 survives.
type spec struct {
	Name  string   `json:"name"`
	Slope *float64 `json:"slope,omitempty"`
}

// MarshalJSON writes the slope when it is set.
func (s Spec) MarshalJSON() ([]byte, error) {
	w := spec{Name: s.Name}
	if s.Slope != 0 || s.SlopeSet {
		w.Slope = &s.Slope
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a spec, "slope":0 setting SlopeSet.
func (s *Spec) UnmarshalJSON(b []byte) error {
	var w spec
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Spec{Name: w.Name}
	if w.Slope != nil {
		s.Slope, s.SlopeSet = *w.Slope, *w.Slope == 0
	}
	return nil
}

// String returns the spec in the form Parse reads, e.g. "leaky_relu:0.1".
func (s Spec) String() string {
	if s.Name == NameLeakyReLU && (s.Slope != 0 || s.SlopeSet) {
		return s.Name + ":" + strconv.FormatFloat(s.Slope, 'g', -1, 64)
	}
	return s.Name
}

// Names lists the activation names New accepts.
func Names() []string {
	return []string{NameSigmoid, NameTanh, NameReLU, NameLeakyReLU, NameIdentity, NameSoftmax, NameSoftplus, NameGELU}
}

// Parse reads an activation written as a name, optionally followed by
// ":slope" for leaky ReLU. "linear" is accepted for identity and
// "leakyrelu" for leaky_relu; case is ignored.
func Parse(s string) (Spec, error) {
	name, arg, hasArg := strings.Cut(strings.ToLower(strings.TrimSpace(s)), ":")
	switch name {
	case "linear", "none":
		name = NameIdentity
	case "leakyrelu", "leaky-relu":
		name = NameLeakyReLU
	}
	spec := Spec{Name: name}
	if hasArg {
		if name != NameLeakyReLU {
			return Spec{}, fmt.Errorf("activation %q takes no parameter", name)
		}
		v, err := strconv.ParseFloat(arg, 64)
		if err != nil {
			return Spec{}, fmt.Errorf("activation %q: slope %q is not a number", name, arg)
		}
		// SlopeSet only where it matters, so that specs compare equal
		// however they were made.
		spec.Slope, spec.SlopeSet = v, v == 0
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, err
	}
	return spec, nil
}

// Validate reports whether New can build the spec.
func (s Spec) Validate() error {
	for _, n := range Names() {
		if s.Name == n {
			if s.Slope != s.Slope || s.Slope < 0 || s.Slope >= 1 {
				return fmt.Errorf("activation %s: slope %v outside [0, 1)", s.Name, s.Slope)
			}
			return nil
		}
	}
	return fmt.Errorf("unknown activation %q (known: %s)%s", s.Name, strings.Join(Names(), ", "), suggest.Hint(s.Name, Names()))
}

// New returns the activation a spec describes.
func New[T tensor.Float](s Spec) (Func[T], error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	switch s.Name {
	case NameSigmoid:
		return Sigmoid[T]{}, nil
	case NameTanh:
		return Tanh[T]{}, nil
	case NameReLU:
		return ReLU[T]{}, nil
	case NameLeakyReLU:
		slope := s.Slope
		if slope == 0 && !s.SlopeSet {
			slope = DefaultLeakySlope
		}
		return LeakyReLU[T]{Slope: T(slope)}, nil
	case NameIdentity:
		return Identity[T]{}, nil
	case NameSoftmax:
		return Softmax[T]{}, nil
	case NameSoftplus:
		return Softplus[T]{}, nil
	case NameGELU:
		return GELU[T]{}, nil
	}
	panic("activation: unreachable")
}

// MustNew is New for specs known to be valid, such as constants in code; it
// panics on an invalid spec.
func MustNew[T tensor.Float](s Spec) Func[T] {
	f, err := New[T](s)
	if err != nil {
		panic("activation: " + err.Error())
	}
	return f
}

func mustMatch[T tensor.Float](name string, ms ...*tensor.Matrix[T]) {
	for _, m := range ms[1:] {
		if !tensor.SameShape(ms[0], m) {
			panic(fmt.Sprintf("activation: %s shape mismatch %d×%d vs %d×%d", name, ms[0].Rows, ms[0].Cols, m.Rows, m.Cols))
		}
	}
}
