package cli

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/descent-ml/descent/fit"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/schedule"
)

// optimFlags are the optimizer's and the schedule's own settings on the
// command line of train and tune. Only the flags given set a field of
// optim.Config or schedule.Config, so a flag left out keeps the library's
// documented default and an explicit -beta1 0 means β₁ = 0.
type optimFlags struct {
	floats  map[string]*float64
	ints    map[string]*int
	bools   map[string]*bool
	strings map[string]*string
}

// optimSetting is one optimizer flag: key is its name in optim.Config's
// JSON and in Validate's messages; set stores a given value in c.
type optimSetting struct {
	flag, key, usage string
	isBool           bool
	set              func(c *optim.Config, v float64)
}

// optimSettings are the optimizer flags, in the order of optim.Config.
var optimSettings = []optimSetting{
	{"momentum", "momentum", fmt.Sprintf("momentum μ of momentum and nesterov (default %g, PyTorch's SGD momentum)", optim.DefaultMomentum), false,
		func(c *optim.Config, v float64) { c.Momentum = optim.Float(v) }},
	{"dampening", "dampening", "dampening of momentum in [0, 1] (default 0, PyTorch's SGD dampening)", false,
		func(c *optim.Config, v float64) { c.Dampening = v }},
	{"beta1", "beta1", fmt.Sprintf("β1 of adam and adamw (default %g)", optim.DefaultBeta1), false,
		func(c *optim.Config, v float64) { c.Beta1 = optim.Float(v) }},
	{"beta2", "beta2", fmt.Sprintf("β2 of adam and adamw (default %g; the default optimizer, adam, has 0.95)", optim.DefaultBeta2), false,
		func(c *optim.Config, v float64) { c.Beta2 = optim.Float(v) }},
	{"amsgrad", "amsgrad", "use the AMSGrad variant of adam and adamw", true,
		func(c *optim.Config, v float64) { c.AMSGrad = v != 0 }},
	{"rho", "rho", fmt.Sprintf("decay ρ of rmsprop (default %g; PyTorch's alpha is 0.99)", optim.DefaultRho), false,
		func(c *optim.Config, v float64) { c.Rho = optim.Float(v) }},
	{"centered", "centered", "use centered rmsprop", true,
		func(c *optim.Config, v float64) { c.Centered = v != 0 }},
	{"epsilon", "epsilon", fmt.Sprintf("ε of adagrad, rmsprop, adam and adamw (default %g for adagrad, %g for the others)", optim.DefaultAdaGradEpsilon, optim.DefaultAdamEpsilon), false,
		func(c *optim.Config, v float64) { c.Epsilon = optim.Float(v) }},
	{"weight-decay", "weight_decay", fmt.Sprintf("decoupled weight decay of adamw (default %g); the others take -l2", optim.DefaultWeightDecay), false,
		func(c *optim.Config, v float64) { c.WeightDecay = optim.Float(v) }},
	{"lr-decay", "lr_decay", "learning-rate decay of adagrad (default 0, PyTorch's lr_decay)", false,
		func(c *optim.Config, v float64) { c.LRDecay = v }},
	{"initial-accumulator", "initial_accumulator", "initial accumulator of adagrad (default 0, PyTorch's initial_accumulator_value)", false,
		func(c *optim.Config, v float64) { c.InitialAccumulator = v }},
	{"clip-norm", "clip_norm", "clip the gradients' global norm to this `value`, as PyTorch's clip_grad_norm_ (default 0: no clipping)", false,
		func(c *optim.Config, v float64) { c.ClipNorm = v }},
}

// scheduleSetting is one schedule flag: set stores a given value in c.
// Those whose 0 means the default in schedule.Config refuse an explicit
// 0 (positive), which would otherwise be silently replaced.
type scheduleSetting struct {
	flag, usage string
	kind        byte // 'f' float, 'i' int, 's' string
	positive    bool
	set         func(c *schedule.Config, f float64, s string)
}

// scheduleSettings are the schedule's own flags; -schedule-per, -warmup
// and -warmup-start apply to every schedule and are checked apart.
var scheduleSettings = []scheduleSetting{
	{"schedule-length", "length in the schedule's units of cosine (PyTorch's T_max), the first cycle of warm_restarts (T_0) and flat_cosine (default: the run's length)", 'i', true,
		func(c *schedule.Config, f float64, _ string) { c.Epochs = int(f) }},
	{"restart-mult", "factor by which each cycle of warm_restarts is longer than the last (default 1, PyTorch's T_mult)", 'i', true,
		func(c *schedule.Config, f float64, _ string) { c.Mult = int(f) }},
	{"min-lr", "lowest learning rate of cosine, flat_cosine, warm_restarts (PyTorch's eta_min) and plateau (default 0)", 'f', false,
		func(c *schedule.Config, f float64, _ string) { c.MinRate = f }},
	{"flat", fmt.Sprintf("fraction of the run flat_cosine holds the rate, in (0, 1] (default %g)", schedule.DefaultFlat), 'f', true,
		func(c *schedule.Config, f float64, _ string) { c.Flat = f }},
	{"step-every", fmt.Sprintf("units between the decays of step (default %d, PyTorch's step_size)", schedule.DefaultStepEvery), 'i', true,
		func(c *schedule.Config, f float64, _ string) { c.Every = int(f) }},
	{"factor", fmt.Sprintf("multiplier of step (default %g) and plateau (default %g)", schedule.DefaultStepFactor, schedule.DefaultPlateauFactor), 'f', false,
		func(c *schedule.Config, f float64, _ string) { c.Factor = schedule.Float(f) }},
	{"gamma", fmt.Sprintf("per-unit multiplier of exponential, in (0, 1] (default %g)", schedule.DefaultGamma), 'f', true,
		func(c *schedule.Config, f float64, _ string) { c.Gamma = f }},
	{"power", fmt.Sprintf("exponent of invscaling (default %g)", schedule.DefaultPower), 'f', true,
		func(c *schedule.Config, f float64, _ string) { c.Power = f }},
	{"plateau-patience", fmt.Sprintf("epochs without improvement before plateau cuts the rate (default %d)", schedule.DefaultPlateauPatience), 'i', false,
		func(c *schedule.Config, f float64, _ string) { c.Patience = schedule.Int(int(f)) }},
	{"plateau-threshold", fmt.Sprintf("improvement plateau counts (default %g, PyTorch's threshold)", schedule.DefaultPlateauMinDelta), 'f', false,
		func(c *schedule.Config, f float64, _ string) { c.MinDelta = schedule.Float(f) }},
	{"plateau-threshold-mode", "how plateau measures improvement: rel or abs (default rel)", 's', false,
		func(c *schedule.Config, _ float64, s string) { c.ThresholdMode = s }},
	{"plateau-cooldown", "epochs plateau waits after a cut (default 0)", 'i', false,
		func(c *schedule.Config, f float64, _ string) { c.Cooldown = int(f) }},
	{"plateau-eps", fmt.Sprintf("smallest cut plateau makes (default %g)", schedule.DefaultPlateauEps), 'f', false,
		func(c *schedule.Config, f float64, _ string) { c.Eps = schedule.Float(f) }},
}

// addOptimFlags defines the optimizer's and the schedule's settings on fs.
func addOptimFlags(fs *flag.FlagSet) *optimFlags {
	f := &optimFlags{floats: map[string]*float64{}, ints: map[string]*int{}, bools: map[string]*bool{}, strings: map[string]*string{}}
	for _, s := range optimSettings {
		if s.isBool {
			f.bools[s.flag] = fs.Bool(s.flag, false, s.usage)
			continue
		}
		f.floats[s.flag] = fs.Float64(s.flag, 0, s.usage)
	}
	for _, s := range scheduleSettings {
		switch s.kind {
		case 'i':
			f.ints[s.flag] = fs.Int(s.flag, 0, s.usage)
		case 's':
			f.strings[s.flag] = fs.String(s.flag, "", s.usage)
		default:
			f.floats[s.flag] = fs.Float64(s.flag, 0, s.usage)
		}
	}
	f.strings["schedule-per"] = fs.String("schedule-per", schedule.PerEpoch, "what the schedule counts: epoch (the rate changes each epoch) or step (before every optimizer step; lengths count steps)")
	f.ints["warmup"] = fs.Int("warmup", 0, "linear warm-up of `N` units (epochs, or steps with -schedule-per step) in front of the schedule")
	f.floats["warmup-start"] = fs.Float64("warmup-start", 0, fmt.Sprintf("first fraction of the rate during -warmup, in [0, 1] (default %.4g)", schedule.DefaultWarmupStart))
	return f
}

// value returns flag name's value as a number (1 and 0 for a switch) and
// as text.
func (f *optimFlags) value(name string) (float64, string) {
	switch {
	case f.floats[name] != nil:
		return *f.floats[name], fmt.Sprint(*f.floats[name])
	case f.ints[name] != nil:
		return float64(*f.ints[name]), fmt.Sprint(*f.ints[name])
	case f.bools[name] != nil:
		if *f.bools[name] {
			return 1, "true"
		}
		return 0, "false"
	}
	return 0, *f.strings[name]
}

// apply sets the given flags in o.Optimizer and o.Schedule, whose names are
// already chosen, and refuses, naming the flag, a value out of range or a
// setting the chosen optimizer or schedule does not use: a usage error,
// before any data is read.
func (f *optimFlags) apply(cmd string, set map[string]bool, o *fit.Options) error {
	// An unknown name is named as such, not as a setting it lacks.
	name := o.Optimizer.Name
	if err := (optim.Config{Name: name}).Validate(); err != nil {
		return usagef("%s: -optimizer: %w", cmd, err)
	}
	if _, err := schedule.New(schedule.Config{Name: o.Schedule.Name, Warmup: 1}); err != nil {
		return usagef("%s: -schedule: %w", cmd, err)
	}
	for _, s := range optimSettings {
		if !set[s.flag] {
			continue
		}
		v, text := f.value(s.flag)
		// Whether the optimizer uses the setting at all: a value every
		// optimizer that has it accepts, since 0 may count as unset.
		probe := optim.Config{Name: name}
		s.set(&probe, 0.5)
		if err := probe.Validate(); err != nil {
			return usagef("%s: -%s: %w", cmd, s.flag, err)
		}
		probe = optim.Config{Name: name}
		s.set(&probe, v)
		if err := probe.Validate(); err != nil {
			return usagef("%s: -%s %s: %w", cmd, s.flag, text, err)
		}
		s.set(&o.Optimizer, v)
	}

	sched := strings.ToLower(strings.TrimSpace(o.Schedule.Name))
	if sched == "" {
		sched = schedule.NameConstant
	}
	for _, s := range scheduleSettings {
		if !set[s.flag] {
			continue
		}
		v, text := f.value(s.flag)
		// The schedules that read the setting, asked of schedule.New so
		// that the rule lives in one place.
		var users []string
		for _, n := range schedule.Names() {
			probe := schedule.Config{Name: n, Warmup: 1}
			s.set(&probe, 1, schedule.ThresholdAbs)
			if _, err := schedule.New(probe); err == nil {
				users = append(users, n)
			}
		}
		if !slices.Contains(users, sched) {
			return usagef("%s: -%s is for -schedule %s, not %s", cmd, s.flag, strings.Join(users, " or "), sched)
		}
		if s.positive && !(v > 0) {
			return usagef("%s: -%s %s: want a positive number (0 would mean the default)", cmd, s.flag, text)
		}
		probe := schedule.Config{Name: sched, Warmup: 1}
		s.set(&probe, v, text)
		if _, err := schedule.New(probe); err != nil {
			return usagef("%s: -%s %s: %w", cmd, s.flag, text, err)
		}
		s.set(&o.Schedule, v, text)
	}

	if set["schedule-per"] {
		per := *f.strings["schedule-per"]
		if per != schedule.PerEpoch && per != schedule.PerStep {
			return usagef("%s: -schedule-per %q: want %s or %s", cmd, per, schedule.PerEpoch, schedule.PerStep)
		}
		o.Schedule.Per = per
	}
	if set["warmup"] {
		n := *f.ints["warmup"]
		if n < 1 {
			return usagef("%s: -warmup %d: want a number of units ≥ 1", cmd, n)
		}
		o.Schedule.Warmup = n
	}
	if set["warmup-start"] {
		v := *f.floats["warmup-start"]
		if !set["warmup"] {
			return usagef("%s: -warmup-start needs -warmup N, the warm-up's length", cmd)
		}
		if !(v >= 0 && v <= 1) {
			return usagef("%s: -warmup-start %v: want a fraction in [0, 1]", cmd, v)
		}
		o.Schedule.Start = schedule.Float(v)
	}
	if sched == schedule.NameWarmup && o.Schedule.Warmup == 0 {
		return usagef("%s: -schedule %s needs -warmup N, the warm-up's length", cmd, sched)
	}
	return nil
}
