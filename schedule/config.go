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
	// NameWarmRestarts is cosine annealing with warm restarts.
	NameWarmRestarts = "warm_restarts"
	// NameWarmup is a linear warm-up to a constant rate; any other
	// schedule takes a warm-up through Config.Warmup.
	NameWarmup = "warmup"
)

// Units a schedule can count in (Config.Per).
const (
	PerEpoch = "epoch"
	PerStep  = "step"
)

// Names lists the schedules New knows.
func Names() []string {
	return []string{NameConstant, NameStep, NameExponential, NameInvScaling, NameCosine, NameFlatCosine, NamePlateau, NameWarmRestarts, NameWarmup}
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
	// Epochs is Cosine's annealing length, WarmRestarts' first cycle, and
	// FlatCosine's length when positive (else FlatCosine spans the run), in
	// the schedule's units.
	Epochs int `json:"epochs,omitempty"`
	// Mult is WarmRestarts' cycle growth factor.
	Mult int `json:"mult,omitempty"`
	// Flat is FlatCosine's flat fraction of the epochs.
	Flat float64 `json:"flat,omitempty"`
	// MinRate is Cosine's and FlatCosine's final rate and Plateau's floor.
	MinRate float64 `json:"min_rate,omitempty"`
	// Patience, MinDelta and Cooldown are Plateau's.
	Patience int     `json:"patience,omitempty"`
	MinDelta float64 `json:"min_delta,omitempty"`
	Cooldown int     `json:"cooldown,omitempty"`
	// Warmup, when positive, puts a linear warm-up of that many units in
	// front of any schedule (see Warmup), whose own units then start after
	// it; Start is the warm-up's first fraction of the rate, nil meaning
	// DefaultWarmupStart.
	Warmup int      `json:"warmup,omitempty"`
	Start  *float64 `json:"start,omitempty"`
	// Per is the unit the schedule counts: PerEpoch ("" means it), the
	// rate changing at the start of each epoch, or PerStep, the rate
	// changing before every optimizer step with the run's length counted in
	// steps. Schedules themselves are plain functions of the unit; Per
	// tells the training loop which to pass.
	Per string `json:"per,omitempty"`
}

// New returns a fresh schedule as c describes, or an error naming the first
// bad setting.
func New(c Config) (Schedule, error) {
	name := strings.ToLower(strings.TrimSpace(c.Name))
	if name == "" {
		name = NameConstant
	}
	uses := map[string][]string{ // which settings each schedule reads
		NameConstant:     nil,
		NameStep:         {"every", "factor"},
		NameExponential:  {"gamma"},
		NameInvScaling:   {"power"},
		NameCosine:       {"epochs", "min_rate"},
		NameFlatCosine:   {"flat", "min_rate", "epochs"},
		NamePlateau:      {"factor", "patience", "min_delta", "cooldown", "min_rate"},
		NameWarmRestarts: {"epochs", "mult", "min_rate"},
		NameWarmup:       nil,
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
		{"mult", float64(c.Mult), false},
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
	switch per := strings.ToLower(strings.TrimSpace(c.Per)); per {
	case "", PerEpoch, PerStep:
	default:
		return nil, fmt.Errorf("schedule %s: per must be %s or %s, got %q", name, PerEpoch, PerStep, c.Per)
	}
	if c.Warmup < 0 || (name == NameWarmup && c.Warmup == 0) {
		return nil, fmt.Errorf("schedule %s: warmup must be a number of units ≥ %d, got %d", name, btoi(name == NameWarmup), c.Warmup)
	}
	if c.Start != nil {
		if v := *c.Start; v != v || v < 0 || v > 1 {
			return nil, fmt.Errorf("schedule %s: start must be in [0, 1], got %g", name, v)
		}
		if c.Warmup == 0 {
			return nil, fmt.Errorf("schedule %s: start needs warmup > 0", name)
		}
	}
	s := base(name, c)
	if c.Warmup > 0 || name == NameWarmup {
		var start *float64
		if c.Start != nil {
			v := *c.Start
			start = &v
		}
		s = Warmup{Units: c.Warmup, Start: start, Then: s}
	}
	return s, nil
}

// btoi is 1 for true and 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PerStep reports whether c asks for a rate per optimizer step rather
// than per epoch.
func (c Config) PerStep() bool { return strings.ToLower(strings.TrimSpace(c.Per)) == PerStep }

// base returns the schedule that name and c describe, without a warm-up.
func base(name string, c Config) Schedule {
	switch name {
	case NameWarmRestarts:
		return WarmRestarts{Period: c.Epochs, Mult: c.Mult, Min: c.MinRate}
	case NameStep:
		return StepDecay{Every: c.Every, Factor: c.Factor}
	case NameExponential:
		return Exponential{Gamma: c.Gamma}
	case NameInvScaling:
		return InvScaling{Power: c.Power}
	case NameCosine:
		return Cosine{Epochs: c.Epochs, Min: c.MinRate}
	case NameFlatCosine:
		return FlatCosine{Flat: c.Flat, Min: c.MinRate, Epochs: c.Epochs}
	case NamePlateau:
		return &Plateau{Factor: c.Factor, Patience: c.Patience, MinDelta: c.MinDelta, Cooldown: c.Cooldown, MinRate: c.MinRate}
	}
	return Constant{}
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
