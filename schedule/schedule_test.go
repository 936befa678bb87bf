package schedule_test

import (
	"math"
	"testing"

	"github.com/descent-ml/descent/schedule"
)

// Expected rates are written out from each schedule's documented formula.
func TestRates(t *testing.T) {
	const lr0 = 0.2
	tests := []struct {
		name   string
		s      schedule.Schedule
		epochs int
		want   map[int]float64 // epoch → rate
	}{
		{"constant", schedule.Constant{}, 10, map[int]float64{0: 0.2, 5: 0.2, 99: 0.2}},
		{"step", schedule.StepDecay{Every: 3, Factor: 0.5}, 10, map[int]float64{0: 0.2, 2: 0.2, 3: 0.1, 5: 0.1, 6: 0.05, 9: 0.025}},
		{"step defaults", schedule.StepDecay{}, 30, map[int]float64{9: 0.2, 10: 0.2 * 0.1, 25: 0.2 * 0.1 * 0.1}},
		{"exponential", schedule.Exponential{Gamma: 0.5}, 10, map[int]float64{0: 0.2, 1: 0.1, 3: 0.2 * 0.5 * 0.5 * 0.5}},
		{"exponential default", schedule.Exponential{}, 10, map[int]float64{2: 0.2 * 0.95 * 0.95}},
		{"invscaling", schedule.InvScaling{}, 10, map[int]float64{0: 0.2, 3: 0.2 / 2, 8: 0.2 / 3}},
		{"invscaling power 1", schedule.InvScaling{Power: 1}, 10, map[int]float64{0: 0.2, 1: 0.1, 4: 0.2 / 5}},
		{"cosine", schedule.Cosine{}, 4, map[int]float64{
			0: 0.2,
			1: 0.2 * (1 + math.Sqrt2/2) / 2, // cos(π/4) = √2/2
			2: 0.1,                          // cos(π/2) = 0
			3: 0.2 * (1 - math.Sqrt2/2) / 2,
			4: 0,
			7: 0,
		}},
		{"cosine min", schedule.Cosine{Epochs: 2, Min: 0.02}, 100, map[int]float64{0: 0.2, 1: 0.02 + 0.18/2, 2: 0.02, 50: 0.02}},
		// k = 5 flat epochs, then a cosine over 5: cos(π/5) = (1+√5)/4,
		// cos(2π/5) = (√5−1)/4, cos(4π/5) = −(1+√5)/4.
		{"flat cosine", schedule.FlatCosine{}, 10, map[int]float64{
			0:  0.2,
			4:  0.2,
			5:  0.2, // the cosine starts at lr0
			6:  0.2 * (1 + (1+math.Sqrt(5))/4) / 2,
			7:  0.2 * (1 + (math.Sqrt(5)-1)/4) / 2,
			9:  0.2 * (1 - (1+math.Sqrt(5))/4) / 2,
			10: 0,
			15: 0,
		}},
		// k = ⌊0.25 · 8⌋ = 2, cosine over 6 down to 0.02.
		{"flat cosine min", schedule.FlatCosine{Flat: 0.25, Min: 0.02}, 8, map[int]float64{
			1: 0.2,
			2: 0.2,
			4: 0.02 + 0.18*(1+0.5)/2, // cos(π/3) = 1/2
			5: 0.02 + 0.18/2,         // cos(π/2) = 0
			8: 0.02,
		}},
		// Odd run: k = ⌊2.5⌋ = 2, cosine over 3.
		{"flat cosine odd", schedule.FlatCosine{}, 5, map[int]float64{2: 0.2, 3: 0.2 * 0.75, 4: 0.2 * 0.25}},
		// 0.29 · 100 is 28.999999999999996 in binary: still 29 flat epochs.
		{"flat cosine inexact fraction", schedule.FlatCosine{Flat: 0.29}, 100, map[int]float64{28: 0.2, 29: 0.2, 100: 0}},
		{"flat cosine all flat", schedule.FlatCosine{Flat: 1}, 10, map[int]float64{0: 0.2, 9: 0.2}},
		{"flat cosine no epochs", schedule.FlatCosine{}, 0, map[int]float64{0: 0.2}},
	}
	for _, tt := range tests {
		for epoch, want := range tt.want {
			if got := tt.s.Rate(lr0, epoch, tt.epochs); math.Abs(got-want) > 1e-15 {
				t.Errorf("%s: Rate(%v, %d, %d) = %v, want %v", tt.name, lr0, epoch, tt.epochs, got, want)
			}
		}
	}
}

func TestPlateau(t *testing.T) {
	p := &schedule.Plateau{Factor: 0.5, Patience: 2, MinDelta: 0.01, Cooldown: 1, MinRate: 0.02}
	// losses observed after each epoch, and the rate the next epoch gets.
	steps := []struct {
		loss float64
		want float64
	}{
		{1.0, 0.1},    // best 1.0
		{0.995, 0.1},  // not better by 0.01: bad 1
		{0.999, 0.1},  // bad 2
		{0.998, 0.05}, // bad 3 > 2: halve, cooldown 1
		{0.997, 0.05}, // bad 1, cooling down: bad 0
		{0.8, 0.05},   // best 0.8
		{math.NaN(), 0.05},
		{0.9, 0.05},
		{0.85, 0.025}, // bad 3: halve
		{0.85, 0.025},
		{0.85, 0.025},
		{0.85, 0.025},
		{0.85, 0.02}, // 0.0125 floored at MinRate
	}
	if got := p.Rate(0.1, 0, 20); got != 0.1 {
		t.Errorf("rate before any loss = %v, want 0.1", got)
	}
	for i, s := range steps {
		p.Observe(s.loss)
		if got := p.Rate(0.1, i+1, 20); math.Abs(got-s.want) > 1e-15 {
			t.Errorf("after loss %d (%v): rate %v, want %v", i, s.loss, got, s.want)
		}
	}
	p.Reset()
	if got := p.Rate(0.1, 0, 20); got != 0.1 {
		t.Errorf("rate after Reset = %v, want 0.1", got)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		cfg     schedule.Config
		want    schedule.Schedule
		wantErr bool
	}{
		{schedule.Config{}, schedule.Constant{}, false},
		{schedule.Config{Name: "Step", Every: 5}, schedule.StepDecay{Every: 5}, false},
		{schedule.Config{Name: "exponential", Gamma: 0.9}, schedule.Exponential{Gamma: 0.9}, false},
		{schedule.Config{Name: "invscaling", Power: 0.25}, schedule.InvScaling{Power: 0.25}, false},
		{schedule.Config{Name: "cosine", Epochs: 50, MinRate: 1e-4}, schedule.Cosine{Epochs: 50, Min: 1e-4}, false},
		{schedule.Config{Name: "flat_cosine"}, schedule.FlatCosine{}, false},
		{schedule.Config{Name: "Flat_Cosine", Flat: 0.75, MinRate: 1e-5}, schedule.FlatCosine{Flat: 0.75, Min: 1e-5}, false},
		{schedule.Config{Name: "flat_cosine", Flat: 1.5}, nil, true},
		{schedule.Config{Name: "flat_cosine", Flat: -0.5}, nil, true},
		{schedule.Config{Name: "flat_cosine", Epochs: 10}, schedule.FlatCosine{Epochs: 10}, false},
		{schedule.Config{Name: "cosine", Flat: 0.5}, nil, true},
		{schedule.Config{Name: "warmup"}, nil, true},
		{schedule.Config{Name: "step", Factor: 2}, nil, true},
		{schedule.Config{Name: "step", Every: -1}, nil, true},
		{schedule.Config{Name: "constant", Gamma: 0.5}, nil, true},
		{schedule.Config{Name: "plateau", MinDelta: math.NaN()}, nil, true},
	}
	for _, tt := range tests {
		got, err := schedule.New(tt.cfg)
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%+v) error = %v, want error %v", tt.cfg, err, tt.wantErr)
			continue
		}
		if err == nil && got != tt.want {
			t.Errorf("New(%+v) = %#v, want %#v", tt.cfg, got, tt.want)
		}
	}
	p, err := schedule.New(schedule.Config{Name: "plateau", Patience: 3})
	if _, ok := p.(schedule.Observer); err != nil || !ok {
		t.Errorf("New(plateau) = %T, %v; want an Observer", p, err)
	}
}

// TestFlatCosineHorizon: with Epochs set, a shorter run follows the rates
// of the longer run it was laid over.
func TestFlatCosineHorizon(t *testing.T) {
	long := schedule.FlatCosine{}
	short := schedule.FlatCosine{Epochs: 20}
	for e := range 12 {
		if got, want := short.Rate(1, e, 12), long.Rate(1, e, 20); got != want {
			t.Errorf("epoch %d: %v, want the 20-epoch run's %v", e, got, want)
		}
	}
}

// A warm-up in front of reduce-on-plateau passes the losses on, so the
// plateau still lowers the rate.
func TestWarmupForwardsObserve(t *testing.T) {
	s, err := schedule.New(schedule.Config{Name: schedule.NamePlateau, Patience: 1, Warmup: 2})
	if err != nil {
		t.Fatal(err)
	}
	o, ok := s.(schedule.Observer)
	if !ok {
		t.Fatal("warm-up before plateau is not an Observer")
	}
	for range 3 {
		o.Observe(1) // no improvement after the first
	}
	if got, want := s.Rate(1, 5, 10), 0.1; math.Abs(got-want) > 1e-15 {
		t.Errorf("rate after a plateau = %v, want %v", got, want)
	}
}

func TestConfigPer(t *testing.T) {
	for _, tt := range []struct {
		per     string
		step    bool
		wantErr bool
	}{{"", false, false}, {"epoch", false, false}, {" Step", true, false}, {"batch", false, true}} {
		c := schedule.Config{Name: "cosine", Per: tt.per}
		_, err := schedule.New(c)
		if (err != nil) != tt.wantErr || c.PerStep() != tt.step {
			t.Errorf("Per %q: error %v, PerStep %v; want error %v, PerStep %v", tt.per, err, c.PerStep(), tt.wantErr, tt.step)
		}
	}
}
