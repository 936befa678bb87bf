package schedule_test

import (
	"encoding/json"
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
	p := &schedule.Plateau{Factor: schedule.Float(0.5), Patience: schedule.Int(2), MinDelta: schedule.Float(0.01), Cooldown: 1, MinRate: 0.02}
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
		{schedule.Config{Name: "step", Factor: schedule.Float(2)}, nil, true},
		{schedule.Config{Name: "step", Factor: schedule.Float(0)}, nil, true},
		{schedule.Config{Name: "step", Factor: schedule.Float(0.5)}, schedule.StepDecay{Factor: 0.5}, false},
		{schedule.Config{Name: "plateau", Factor: schedule.Float(1.5)}, nil, true},
		{schedule.Config{Name: "plateau", Patience: schedule.Int(-1)}, nil, true},
		{schedule.Config{Name: "plateau", Eps: schedule.Float(-1e-8)}, nil, true},
		{schedule.Config{Name: "plateau", ThresholdMode: "relative"}, nil, true},
		{schedule.Config{Name: "cosine", ThresholdMode: "rel"}, nil, true},
		{schedule.Config{Name: "cosine", Eps: schedule.Float(0)}, nil, true},
		{schedule.Config{Name: "cosine", Patience: schedule.Int(0)}, nil, true},
		{schedule.Config{Name: "step", Every: -1}, nil, true},
		{schedule.Config{Name: "constant", Gamma: 0.5}, nil, true},
		{schedule.Config{Name: "plateau", MinDelta: schedule.Float(math.NaN())}, nil, true},
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
	p, err := schedule.New(schedule.Config{Name: "plateau", Patience: schedule.Int(3)})
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
	s, err := schedule.New(schedule.Config{Name: schedule.NamePlateau, Patience: schedule.Int(1), Warmup: 2})
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

// TestPlateauExplicit: every setting whose default is not 0 can be set to
// 0, and unset keeps the default. Each row feeds the same losses and
// checks the rate after each.
func TestPlateauExplicit(t *testing.T) {
	// Exact repeats, then gains of 3e-5: below the default threshold 1e-4.
	losses := []float64{1, 1, 1, 0.99997, 0.99994, 0.99991}
	tests := []struct {
		name string
		p    schedule.Plateau
		want []float64
	}{
		{"defaults: patience 10 never runs out", schedule.Plateau{},
			[]float64{1, 1, 1, 1, 1, 1}},
		{"patience 0: every bad epoch reduces", schedule.Plateau{Patience: schedule.Int(0)},
			[]float64{1, 0.1, 0.01, 0.001, 0.0001, 1e-05}},
		{"patience 0, threshold 0: gains of 3e-5 count", schedule.Plateau{Patience: schedule.Int(0), MinDelta: schedule.Float(0)},
			[]float64{1, 0.1, 0.01, 0.01, 0.01, 0.01}},
		{"patience 0, relative threshold 1e-5: 3e-5 counts", schedule.Plateau{Patience: schedule.Int(0), MinDelta: schedule.Float(1e-5), ThresholdMode: schedule.ThresholdRel},
			[]float64{1, 0.1, 0.01, 0.01, 0.01, 0.01}},
		{"factor 0 drops to MinRate", schedule.Plateau{Patience: schedule.Int(0), Factor: schedule.Float(0), MinRate: 0.25},
			[]float64{1, 0.25, 0.25, 0.25, 0.25, 0.25}},
		{"eps 0.1 skips a reduction of 0.09", schedule.Plateau{Patience: schedule.Int(0), Eps: schedule.Float(0.1)},
			[]float64{1, 0.1, 0.1, 0.1, 0.1, 0.1}},
		{"default eps 1e-8 skips a reduction of 9e-9", schedule.Plateau{Patience: schedule.Int(0), Factor: schedule.Float(0.1 - 1e-3)},
			nil}, // checked below with lr0 = 1e-8
	}
	for _, tt := range tests {
		p := tt.p
		lr0 := 1.0
		if tt.want == nil {
			lr0, tt.want = 1e-8, []float64{1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8}
		}
		for i, loss := range losses {
			p.Observe(loss)
			if got := p.Rate(lr0, i, len(losses)); math.Abs(got-tt.want[i]) > 1e-15*tt.want[i] {
				t.Errorf("%s: after loss %d (%v) rate %v, want %v", tt.name, i, loss, got, tt.want[i])
			}
		}
	}
}

// TestPlateauConfigJSON: configs saved before Plateau's settings became
// pointers decode to the same schedule (absent means the default, 0 was
// never written), and a set 0 survives a round trip.
func TestPlateauConfigJSON(t *testing.T) {
	losses := []float64{1, 1, 1, 0.99997, 0.99994, 0.99991, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8}
	tests := []struct {
		name, json string
		same       schedule.Plateau // what the file meant, built by hand
	}{
		{"old file, defaults", `{"name":"plateau"}`, schedule.Plateau{}},
		{"old file, settings", `{"name":"plateau","factor":0.5,"min_rate":0.2,"patience":1,"min_delta":0.01,"cooldown":1}`,
			schedule.Plateau{Factor: schedule.Float(0.5), Patience: schedule.Int(1), MinDelta: schedule.Float(0.01), Cooldown: 1, MinRate: 0.2}},
		{"explicit zeros", `{"name":"plateau","factor":0,"patience":0,"min_delta":0,"threshold_mode":"rel","eps":0}`,
			schedule.Plateau{Factor: schedule.Float(0), Patience: schedule.Int(0), MinDelta: schedule.Float(0), Eps: schedule.Float(0), ThresholdMode: schedule.ThresholdRel}},
	}
	for _, tt := range tests {
		var c schedule.Config
		if err := json.Unmarshal([]byte(tt.json), &c); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		out, err := json.Marshal(c)
		if err != nil || string(out) != tt.json {
			t.Errorf("%s: round trip gives %s, %v; want %s", tt.name, out, err, tt.json)
		}
		s, err := schedule.New(c)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		o := s.(schedule.Observer)
		want := tt.same
		for i, loss := range losses {
			o.Observe(loss)
			want.Observe(loss)
			if got, w := s.Rate(1, i, 20), want.Rate(1, i, 20); got != w {
				t.Errorf("%s: after loss %d rate %v, want %v", tt.name, i, got, w)
			}
		}
	}
	// The defaults the old file meant, spelled out: no reduction until the
	// 11th epoch without a gain of 1e-4 (losses 0.8 from index 6 on).
	var c schedule.Config
	if err := json.Unmarshal([]byte(`{"name":"plateau"}`), &c); err != nil {
		t.Fatal(err)
	}
	s, _ := schedule.New(c)
	for i, loss := range losses {
		s.(schedule.Observer).Observe(loss)
		want := 1.0
		if i >= 17 {
			want = 0.1
		}
		if got := s.Rate(1, i, 20); got != want {
			t.Errorf("defaults: after loss %d rate %v, want %v", i, got, want)
		}
	}
}
