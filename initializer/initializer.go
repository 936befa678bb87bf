package initializer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/descent-ml/descent/activation"
)

// Names of the schemes.
const (
	NameRand          = "rand"
	NameUniform       = "uniform"
	NameNormal        = "normal"
	NameGlorotUniform = "glorot_uniform"
	NameGlorotNormal  = "glorot_normal"
	NameHeUniform     = "he_uniform"
	NameHeNormal      = "he_normal"
	NameZeros         = "zeros"
)

// defaultScale is the half-width or standard deviation of "uniform" and
// "normal" when Scale is 0: small enough not to saturate a sigmoid.
const defaultScale = 0.05

// Spec names an initialisation scheme.
type Spec struct {
	// Name is one of the Name… constants.
	Name string `json:"name"`
	// Scale is the bound of "uniform" or the standard deviation of
	// "normal"; 0 means 0.05. Other schemes ignore it.
	Scale float64 `json:"scale,omitempty"`
}

// Names lists the known schemes.
func Names() []string {
	return []string{NameRand, NameUniform, NameNormal, NameGlorotUniform, NameGlorotNormal, NameHeUniform, NameHeNormal, NameZeros}
}

// Parse reads a scheme name, case-insensitively; "xavier_…" and
// "kaiming_…" are accepted for Glorot and He.
func Parse(s string) (Spec, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	name = strings.Replace(name, "xavier", "glorot", 1)
	name = strings.Replace(name, "kaiming", "he", 1)
	spec := Spec{Name: name}
	return spec, spec.Validate()
}

// Validate reports whether the spec names a known scheme.
func (s Spec) Validate() error {
	for _, n := range Names() {
		if s.Name == n {
			if s.Scale < 0 || math.IsNaN(s.Scale) || math.IsInf(s.Scale, 0) {
				return fmt.Errorf("initializer %s: scale %v must be a finite number ≥ 0", s.Name, s.Scale)
			}
			return nil
		}
	}
	return fmt.Errorf("unknown initializer %q (known: %s)", s.Name, strings.Join(Names(), ", "))
}

// Default returns the usual scheme for a layer with the given activation:
// He uniform for ReLU, leaky ReLU and GELU, Glorot uniform otherwise.
func Default(act activation.Spec) Spec {
	switch act.Name {
	case activation.NameReLU, activation.NameLeakyReLU, activation.NameGELU:
		return Spec{Name: NameHeUniform}
	}
	return Spec{Name: NameGlorotUniform}
}

// Fill sets every element of w to a draw from the scheme for a layer with
// fanIn inputs and fanOut outputs, in order, from rng. It panics on an
// invalid spec (call Validate first for specs from users).
func Fill[T ~float32 | ~float64](s Spec, rng *rand.Rand, fanIn, fanOut int, w []T) {
	if err := s.Validate(); err != nil {
		panic("initializer: " + err.Error())
	}
	scale := s.Scale
	if scale == 0 {
		scale = defaultScale
	}
	var uniform bool
	var a float64 // uniform half-width or normal standard deviation
	switch s.Name {
	case NameZeros:
		clear(w)
		return
	case NameRand:
		for i := range w {
			w[i] = T(rng.Float64())
		}
		return
	case NameUniform:
		uniform, a = true, scale
	case NameNormal:
		a = scale
	case NameGlorotUniform:
		uniform, a = true, math.Sqrt(6/float64(fanIn+fanOut))
	case NameGlorotNormal:
		a = math.Sqrt(2 / float64(fanIn+fanOut))
	case NameHeUniform:
		uniform, a = true, math.Sqrt(6/float64(fanIn))
	case NameHeNormal:
		a = math.Sqrt(2 / float64(fanIn))
	}
	for i := range w {
		if uniform {
			w[i] = T(a * (2*rng.Float64() - 1))
		} else {
			w[i] = T(a * rng.NormFloat64())
		}
	}
}
