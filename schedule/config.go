package schedule

import (
	"fmt"
	"strings"

	"github.com/descent-ml/descent/internal/suggest"
)

// Registry names of the schedules.
const (
	NameConstant    = "constant"
	NameStep        = "step"
	NameExponential = "exponential"
	NameInvScaling  = "invscaling"
	NameCosine      = "cosine"
	NameFlatCosine  = "flat_cosine"
	NamePlateau     = "plateau"
)

// Names lists the schedules New knows.
func Names() []string {
	return []string{NameConstant, NameStep, NameExponential, NameInvScaling, NameCosine, NameFlatCosine, NamePlateau}
}

// Config selects a schedule and its settings, for command lines and saved
// runs. A zero field means the schedule's documented default; New never
// writes the defaults back.
type Config struct {
	// Name is the registry name; "" means "constant".
	Name string `json:"name,omitempty"`
	// Every is StepDecay's interval in epochs.
	Every int `json:"every,omitempty"`
	// Factor is StepDecay's and Plateau's multiplier.
	Factor float64 `json:"factor,omitempty"`
	// Gamma is Exponential's per-epoch multiplier.
	Gamma float64 `json:"gamma,omitempty"`
	// Power is InvScaling's exponent.
	Power float64 `json:"power,omitempty"`
	// Epochs is Cosine's annealing length, and FlatCosine's when positive
	// (else FlatCosine spans the run).
	Epochs int `json:"epochs,omitempty"`
	// Flat is FlatCosine's flat fraction of the epochs.
	Flat float64 `json:"flat,omitempty"`
	// MinRate is Cosine's and FlatCosine's final rate and Plateau's floor.
	MinRate float64 `json:"min_rate,omitempty"`
	// Patience, MinDelta and Cooldown are Plateau's.
	Patience int     `json:"patience,omitempty"`
	MinDelta float64 `json:"min_delta,omitempty"`
	Cooldown int     `json:"cooldown,omitempty"`
}

// New returns a fresh schedule as c describes, or an error naming the first
// bad setting.
func New(c Config) (Schedule, error) {
	name := strings.ToLower(strings.TrimSpace(c.Name))
	if name == "" {
		name = NameConstant
	}
	uses := map[string][]string{ // which settings each schedule reads
		NameConstant:    nil,
		NameStep:        {"every", "factor"},
		NameExponential: {"gamma"},
		NameInvScaling:  {"power"},
		NameCosine:      {"epochs", "min_rate"},
		NameFlatCosine:  {"flat", "min_rate", "epochs"},
		NamePlateau:     {"factor", "patience", "min_delta", "cooldown", "min_rate"},
	}
	used, ok := uses[name]
	if !ok {
		return nil, fmt.Errorf("unknown schedule %q (known: %s)%s", c.Name, strings.Join(Names(), ", "), suggest.Hint(c.Name, Names()))
	}
	for _, f := range []struct {
		key  string
		v    float64
		unit bool // must lie in (0, 1] (checked only when set)
	}{
		{"every", float64(c.Every), false},
		{"factor", c.Factor, true},
		{"gamma", c.Gamma, true},
		{"power", c.Power, false},
		{"epochs", float64(c.Epochs), false},
		{"flat", c.Flat, true},
		{"min_rate", c.MinRate, false},
		{"patience", float64(c.Patience), false},
		{"min_delta", c.MinDelta, false},
		{"cooldown", float64(c.Cooldown), false},
	} {
		if f.v == 0 {
			continue
		}
		if !contains(used, f.key) {
			return nil, fmt.Errorf("schedule %s does not use %s", name, f.key)
		}
		if f.v != f.v || f.v < 0 || f.v > maxFinite || (f.unit && f.v > 1) {
			if f.unit {
				return nil, fmt.Errorf("schedule %s: %s must be in (0, 1], got %g", name, f.key, f.v)
			}
			return nil, fmt.Errorf("schedule %s: %s must be a finite number ≥ 0, got %g", name, f.key, f.v)
		}
	}
	switch name {
	case NameStep:
		return StepDecay{Every: c.Every, Factor: c.Factor}, nil
	case NameExponential:
		return Exponential{Gamma: c.Gamma}, nil
	case NameInvScaling:
		return InvScaling{Power: c.Power}, nil
	case NameCosine:
		return Cosine{Epochs: c.Epochs, Min: c.MinRate}, nil
	case NameFlatCosine:
		return FlatCosine{Flat: c.Flat, Min: c.MinRate, Epochs: c.Epochs}, nil
	case NamePlateau:
		return &Plateau{Factor: c.Factor, Patience: c.Patience, MinDelta: c.MinDelta, Cooldown: c.Cooldown, MinRate: c.MinRate}, nil
	}
	return Constant{}, nil
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
