package schedule

import (
	"fmt"
	"math"
	"slices"
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
// runs. A zero field, or a nil pointer field, means the schedule's
// documented default; New never writes the defaults back.
type Config struct {
	// Name is the registry name; "" means "constant".
	Name string `json:"name,omitempty"`
	// Every is StepDecay's interval in epochs.
	Every int `json:"every,omitempty"`
	// Factor is StepDecay's and Plateau's multiplier; nil means the
	// schedule's default. Plateau takes any value in [0, 1], StepDecay one
	// in (0, 1].
	Factor *float64 `json:"factor,omitempty"`
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
	// Patience, MinDelta (PyTorch's threshold), ThresholdMode, Cooldown
	// and Eps are Plateau's, documented there; a nil pointer means the
	// default, a set one is used as given, 0 included. Files written before
	// these fields became pointers never held a 0 (they were omitempty and 0
	// meant the default), so they decode to the same schedule as before.
	Patience      *int     `json:"patience,omitempty"`
	MinDelta      *float64 `json:"min_delta,omitempty"`
	ThresholdMode string   `json:"threshold_mode,omitempty"`
	Cooldown      int      `json:"cooldown,omitempty"`
	Eps           *float64 `json:"eps,omitempty"`
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
		NamePlateau:      {"factor", "patience", "min_delta", "threshold_mode", "cooldown", "min_rate", "eps"},
		NameWarmRestarts: {"epochs", "mult", "min_rate"},
		NameWarmup:       nil,
	}
	used, ok := uses[name]
	if !ok {
		return nil, fmt.Errorf("unknown schedule %q (known: %s)%s", c.Name, strings.Join(Names(), ", "), suggest.Hint(c.Name, Names()))
	}
	for _, f := range []struct {
		key  string
		v    *float64 // nil when unset
		unit bool     // must lie in (0, 1] ([0, 1] for Plateau's factor)
	}{
		{"every", nonzero(float64(c.Every)), false},
		{"factor", c.Factor, true},
		{"gamma", nonzero(c.Gamma), true},
		{"power", nonzero(c.Power), false},
		{"epochs", nonzero(float64(c.Epochs)), false},
		{"flat", nonzero(c.Flat), true},
		{"min_rate", nonzero(c.MinRate), false},
		{"patience", intPtr(c.Patience), false},
		{"min_delta", c.MinDelta, false},
		{"threshold_mode", flag(c.ThresholdMode != ""), false},
		{"cooldown", nonzero(float64(c.Cooldown)), false},
		{"eps", c.Eps, false},
		{"mult", nonzero(float64(c.Mult)), false},
	} {
		if f.v == nil {
			continue
		}
		if !slices.Contains(used, f.key) {
			return nil, fmt.Errorf("schedule %s does not use %s", name, f.key)
		}
		v := *f.v
		if v != v || v < 0 || v > math.MaxFloat64 || (f.unit && (v > 1 || v == 0 && name != NamePlateau)) {
			if f.unit && name == NamePlateau {
				return nil, fmt.Errorf("schedule %s: %s must be in [0, 1], got %g", name, f.key, v)
			}
			if f.unit {
				return nil, fmt.Errorf("schedule %s: %s must be in (0, 1], got %g", name, f.key, v)
			}
			return nil, fmt.Errorf("schedule %s: %s must be a finite number ≥ 0, got %g", name, f.key, v)
		}
	}
	switch mode := strings.ToLower(strings.TrimSpace(c.ThresholdMode)); mode {
	case "", ThresholdAbs, ThresholdRel:
	default:
		return nil, fmt.Errorf("schedule %s: threshold_mode must be %s or %s, got %q", name, ThresholdAbs, ThresholdRel, c.ThresholdMode)
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
		return StepDecay{Every: c.Every, Factor: get(c.Factor, 0)}
	case NameExponential:
		return Exponential{Gamma: c.Gamma}
	case NameInvScaling:
		return InvScaling{Power: c.Power}
	case NameCosine:
		return Cosine{Epochs: c.Epochs, Min: c.MinRate}
	case NameFlatCosine:
		return FlatCosine{Flat: c.Flat, Min: c.MinRate, Epochs: c.Epochs}
	case NamePlateau:
		// Copies, so that the schedule does not share the caller's variables.
		p := &Plateau{ThresholdMode: strings.ToLower(strings.TrimSpace(c.ThresholdMode)), Cooldown: c.Cooldown, MinRate: c.MinRate}
		if c.Factor != nil {
			p.Factor = Float(*c.Factor)
		}
		if c.Patience != nil {
			p.Patience = Int(*c.Patience)
		}
		if c.MinDelta != nil {
			p.MinDelta = Float(*c.MinDelta)
		}
		if c.Eps != nil {
			p.Eps = Float(*c.Eps)
		}
		return p
	}
	return Constant{}
}

// nonzero returns &v, or nil for 0: the settings whose 0 means the
// default count as set only when they are not 0.
func nonzero(v float64) *float64 {
	if v == 0 {
		return nil
	}
	return &v
}

// flag returns a set value for true and nil for false, for settings that
// are names rather than numbers.
func flag(b bool) *float64 {
	if b {
		return Float(1)
	}
	return nil
}

// intPtr returns p's value as a float64 pointer, nil when p is.
func intPtr(p *int) *float64 {
	if p == nil {
		return nil
	}
	return Float(float64(*p))
}
