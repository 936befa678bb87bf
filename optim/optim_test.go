package optim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// The hand-computed checks use two parameters, a 1×2 weight and a 1×1 bias:
// w₀ = [1, −2 | 0.5], first gradients [0.5, −0.25 | 1], second gradients
// [0.1, 0.3 | −0.5], learning rate 0.1.
var (
	w0    = []float64{1, -2, 0.5}
	grad1 = []float64{0.5, -0.25, 1}
	grad2 = []float64{0.1, 0.3, -0.5}
)

const lr = 0.1

// newParams returns the two test parameters holding w (3 values).
func newParams(w []float64) []*nn.Param[float64] {
	return []*nn.Param[float64]{
		{Name: "w", Value: tensor.FromRows([][]float64{{w[0], w[1]}}), Grad: tensor.New[float64](1, 2)},
		{Name: "b", Value: tensor.FromRows([][]float64{{w[2]}}), Grad: tensor.New[float64](1, 1)},
	}
}

func setGrads(ps []*nn.Param[float64], g []float64) {
	ps[0].Grad.Data[0], ps[0].Grad.Data[1], ps[1].Grad.Data[0] = g[0], g[1], g[2]
}

func values(ps []*nn.Param[float64]) []float64 {
	return []float64{ps[0].Value.Data[0], ps[0].Value.Data[1], ps[1].Value.Data[0]}
}

// twoSteps runs two steps of opt with grad1 then grad2 and returns the
// values after each.
func twoSteps(opt optim.Optimizer[float64]) (after1, after2 []float64) {
	ps := newParams(w0)
	setGrads(ps, grad1)
	opt.Step(ps, lr)
	after1 = values(ps)
	setGrads(ps, grad2)
	opt.Step(ps, lr)
	return after1, values(ps)
}

func near(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol || math.IsNaN(got[i]) {
			return false
		}
	}
	return true
}

// Expected values below are written out from each optimizer's documented
// equations, element by element, without calling the package.

func TestOneAndTwoSteps(t *testing.T) {
	sqrt := math.Sqrt
	// Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8, applied to one element.
	adam := func(w, g1, g2, wd float64) (float64, float64) {
		m1 := 0.1 * g1
		v1 := 0.001 * g1 * g1
		w1 := w - lr*wd*w - lr*(m1/(1-0.9))/(sqrt(v1/(1-0.999))+1e-8)
		m2 := 0.9*m1 + 0.1*g2
		v2 := 0.999*v1 + 0.001*g2*g2
		w2 := w1 - lr*wd*w1 - lr*(m2/(1-0.9*0.9))/(sqrt(v2/(1-0.999*0.999))+1e-8)
		return w1, w2
	}
	adamAll := func(wd float64) (a, b []float64) {
		for i := range w0 {
			x, y := adam(w0[i], grad1[i], grad2[i], wd)
			a, b = append(a, x), append(b, y)
		}
		return a, b
	}
	adamW1, adamW2 := adamAll(0)
	adamWW1, adamWW2 := adamAll(0.01)

	tests := []struct {
		name      string
		opt       optim.Optimizer[float64]
		want1     []float64
		want2     []float64
		wantSlots int
	}{
		{
			name:  "gd",
			opt:   &optim.GD[float64]{},
			want1: []float64{1 - 0.1*0.5, -2 - 0.1*-0.25, 0.5 - 0.1*1},
			want2: []float64{1 - 0.1*0.5 - 0.1*0.1, -2 - 0.1*-0.25 - 0.1*0.3, 0.5 - 0.1*1 - 0.1*-0.5},
		},
		{
			name:  "sgd",
			opt:   &optim.SGD[float64]{},
			want1: []float64{0.95, -1.975, 0.4},
			want2: []float64{0.94, -2.005, 0.45},
		},
		{
			// v₁ = g₁, v₂ = 0.9·g₁ + g₂, w ← w − 0.1·v.
			name:      "momentum",
			opt:       &optim.Momentum[float64]{},
			want1:     []float64{1 - 0.1*0.5, -2 - 0.1*-0.25, 0.5 - 0.1*1},
			want2:     []float64{0.95 - 0.1*(0.9*0.5+0.1), -1.975 - 0.1*(0.9*-0.25+0.3), 0.4 - 0.1*(0.9*1-0.5)},
			wantSlots: 1,
		},
		{
			// μ = 0.5. v₁ = g₁, w₁ = w₀ − 0.1·(g₁ + 0.5·v₁);
			// v₂ = 0.5·v₁ + g₂, w₂ = w₁ − 0.1·(g₂ + 0.5·v₂).
			name:      "nesterov",
			opt:       &optim.Nesterov[float64]{Momentum: optim.Float(0.5)},
			want1:     []float64{1 - 0.1*(0.5+0.5*0.5), -2 - 0.1*(-0.25+0.5*-0.25), 0.5 - 0.1*(1+0.5*1)},
			want2:     []float64{0.925 - 0.1*(0.1+0.5*(0.5*0.5+0.1)), -1.9625 - 0.1*(0.3+0.5*(0.5*-0.25+0.3)), 0.35 - 0.1*(-0.5+0.5*(0.5*1-0.5))},
			wantSlots: 1,
		},
		{
			// G₁ = g₁², G₂ = g₁² + g₂², ε = 1e-10.
			name: "adagrad",
			opt:  &optim.AdaGrad[float64]{},
			want1: []float64{
				1 - 0.1*0.5/(sqrt(0.25)+1e-10),
				-2 - 0.1*-0.25/(sqrt(0.0625)+1e-10),
				0.5 - 0.1*1/(sqrt(1)+1e-10),
			},
			want2: []float64{
				1 - 0.1*0.5/(sqrt(0.25)+1e-10) - 0.1*0.1/(sqrt(0.25+0.01)+1e-10),
				-2 - 0.1*-0.25/(sqrt(0.0625)+1e-10) - 0.1*0.3/(sqrt(0.0625+0.09)+1e-10),
				0.5 - 0.1*1/(sqrt(1)+1e-10) - 0.1*-0.5/(sqrt(1+0.25)+1e-10),
			},
			wantSlots: 1,
		},
		{
			// ρ = 0.9, ε = 1e-8: S₁ = 0.1·g₁², S₂ = 0.9·S₁ + 0.1·g₂².
			name: "rmsprop",
			opt:  &optim.RMSProp[float64]{},
			want1: []float64{
				1 - 0.1*0.5/(sqrt(0.1*0.25)+1e-8),
				-2 - 0.1*-0.25/(sqrt(0.1*0.0625)+1e-8),
				0.5 - 0.1*1/(sqrt(0.1*1)+1e-8),
			},
			want2: []float64{
				1 - 0.1*0.5/(sqrt(0.1*0.25)+1e-8) - 0.1*0.1/(sqrt(0.9*0.1*0.25+0.1*0.01)+1e-8),
				-2 - 0.1*-0.25/(sqrt(0.1*0.0625)+1e-8) - 0.1*0.3/(sqrt(0.9*0.1*0.0625+0.1*0.09)+1e-8),
				0.5 - 0.1*1/(sqrt(0.1*1)+1e-8) - 0.1*-0.5/(sqrt(0.9*0.1*1+0.1*0.25)+1e-8),
			},
			wantSlots: 1,
		},
		{
			name:      "adam",
			opt:       &optim.Adam[float64]{},
			want1:     adamW1,
			want2:     adamW2,
			wantSlots: 2,
		},
		{
			name:      "adamw",
			opt:       &optim.AdamW[float64]{},
			want1:     adamWW1,
			want2:     adamWW2,
			wantSlots: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got1, got2 := twoSteps(tt.opt)
			if !near(got1, tt.want1, 1e-12) {
				t.Errorf("after one step got %v, want %v", got1, tt.want1)
			}
			if !near(got2, tt.want2, 1e-12) {
				t.Errorf("after two steps got %v, want %v", got2, tt.want2)
			}
			st := tt.opt.State()
			if st.Name != tt.name || st.Step != 2 || len(st.Slots) != tt.wantSlots {
				t.Errorf("State() = name %q, step %d, %d slots; want %q, 2, %d", st.Name, st.Step, len(st.Slots), tt.name, tt.wantSlots)
			}
			if tt.opt.Name() != tt.name {
				t.Errorf("Name() = %q, want %q", tt.opt.Name(), tt.name)
			}
		})
	}
}

// Adam's bias correction uses the global step count: after a state is
// restored into a fresh optimizer, the next step matches the one an
// uninterrupted optimizer takes.
func TestStateRoundTrip(t *testing.T) {
	for _, name := range optim.Names() {
		t.Run(name, func(t *testing.T) {
			a, _ := optim.New[float64](optim.Config{Name: name})
			b, _ := optim.New[float64](optim.Config{Name: name})
			pa, pb := newParams(w0), newParams(w0)
			setGrads(pa, grad1)
			a.Step(pa, lr)
			if err := b.SetState(a.State(), pb); err != nil {
				t.Fatal(err)
			}
			copy(pb[0].Value.Data, pa[0].Value.Data)
			copy(pb[1].Value.Data, pa[1].Value.Data)
			setGrads(pa, grad2)
			setGrads(pb, grad2)
			a.Step(pa, lr)
			b.Step(pb, lr)
			if got, want := values(pb), values(pa); !near(got, want, 0) {
				t.Errorf("restored optimizer stepped to %v, original to %v", got, want)
			}
		})
	}
}

func TestSetStateErrors(t *testing.T) {
	adam := &optim.Adam[float64]{}
	ps := newParams(w0)
	setGrads(ps, grad1)
	adam.Step(ps, lr)
	good := adam.State()
	short := adam.State()
	short.Slots[1][0] = short.Slots[1][0][:1]
	tests := []struct {
		name string
		st   optim.State
		ps   []*nn.Param[float64]
	}{
		{"other optimizer", optim.State{Name: "sgd"}, ps},
		{"missing slots", optim.State{Name: "adam", Step: 1}, ps},
		{"fewer params", good, ps[:1]},
		{"wrong length", short, ps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := (&optim.Adam[float64]{}).SetState(tt.st, tt.ps); err == nil {
				t.Error("SetState succeeded, want an error")
			}
		})
	}
}

func TestL2AndClipping(t *testing.T) {
	sqrt := math.Sqrt
	norm1 := sqrt(0.5*0.5 + 0.25*0.25 + 1*1) // global norm of grad1
	// clip is PyTorch's clip_grad_norm_ factor for max_norm 0.5:
	// max_norm/(‖g‖ + 1e-6), not max_norm/‖g‖ (2e-8 apart in these steps).
	clip := 0.5 / (norm1 + 1e-6)
	tests := []struct {
		name  string
		opt   optim.Optimizer[float64]
		want1 []float64
	}{
		{
			// g̃ = g + 0.2·w
			name:  "gd l2",
			opt:   &optim.GD[float64]{Common: optim.Common{L2: 0.2}},
			want1: []float64{1 - 0.1*(0.5+0.2*1), -2 - 0.1*(-0.25+0.2*-2), 0.5 - 0.1*(1+0.2*0.5)},
		},
		{
			// ‖g‖ ≈ 1.146 > 0.5, so every gradient is scaled by clip.
			name:  "gd clip",
			opt:   &optim.GD[float64]{Common: optim.Common{ClipNorm: 0.5}},
			want1: []float64{1 - 0.1*0.5*clip, -2 - 0.1*-0.25*clip, 0.5 - 0.1*1*clip},
		},
		{
			name:  "gd clip above norm",
			opt:   &optim.GD[float64]{Common: optim.Common{ClipNorm: 2}},
			want1: []float64{0.95, -1.975, 0.4},
		},
		{
			// Clip first, then add the L2 term.
			name:  "gd clip and l2",
			opt:   &optim.GD[float64]{Common: optim.Common{ClipNorm: 0.5, L2: 0.2}},
			want1: []float64{1 - 0.1*(0.5*clip+0.2*1), -2 - 0.1*(-0.25*clip+0.2*-2), 0.5 - 0.1*(1*clip+0.2*0.5)},
		},
		{
			// v₁ = g̃₁ with g̃ = g + 0.2·w.
			name:  "momentum l2",
			opt:   &optim.Momentum[float64]{Common: optim.Common{L2: 0.2}},
			want1: []float64{1 - 0.1*(0.5+0.2*1), -2 - 0.1*(-0.25+0.2*-2), 0.5 - 0.1*(1+0.2*0.5)},
		},
		{
			// AdaGrad's first step is ±η·|g̃|/(|g̃| + ε) whatever the scale, so
			// with clipping it is that of the scaled gradient.
			name: "adagrad clip",
			opt:  &optim.AdaGrad[float64]{Common: optim.Common{ClipNorm: 0.5}},
			want1: []float64{
				1 - 0.1*(0.5*clip)/(0.5*clip+1e-10),
				-2 + 0.1*(0.25*clip)/(0.25*clip+1e-10),
				0.5 - 0.1*(1*clip)/(1*clip+1e-10),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := newParams(w0)
			setGrads(ps, grad1)
			tt.opt.Step(ps, lr)
			if got := values(ps); !near(got, tt.want1, 1e-12) {
				t.Errorf("got %v, want %v", got, tt.want1)
			}
			g := []float64{ps[0].Grad.Data[0], ps[0].Grad.Data[1], ps[1].Grad.Data[0]}
			if !near(g, grad1, 0) {
				t.Errorf("Step changed the gradients to %v", g)
			}
		})
	}
	if got, want := optim.GlobalNorm(func() []*nn.Param[float64] { p := newParams(w0); setGrads(p, grad1); return p }()), norm1; got != want {
		t.Errorf("GlobalNorm = %v, want %v", got, want)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		cfg      optim.Config
		wantName string
		wantErr  bool
	}{
		{optim.Config{}, "sgd", false},
		{optim.Config{Name: " Adam "}, "adam", false},
		{optim.Config{Name: "adamw", WeightDecay: optim.Float(0.1), Common: optim.Common{L2: 0.01, ClipNorm: 1}}, "adamw", false},
		{optim.Config{Name: "momentum", Momentum: optim.Float(0.5)}, "momentum", false},
		{optim.Config{Name: "rmsprop", Rho: optim.Float(0.95), Epsilon: optim.Float(1e-6)}, "rmsprop", false},
		{optim.Config{Name: "lbfgs"}, "", true},
		{optim.Config{Name: "momentum", Momentum: optim.Float(1)}, "", true},
		{optim.Config{Name: "adam", Beta2: optim.Float(-0.1)}, "", true},
		{optim.Config{Name: "adam", Momentum: optim.Float(0.9)}, "", true},
		{optim.Config{Name: "sgd", WeightDecay: optim.Float(0.1)}, "", true},
		{optim.Config{Name: "sgd", Common: optim.Common{ClipNorm: math.NaN()}}, "", true},
		{optim.Config{Name: "gd", Common: optim.Common{L2: math.Inf(1)}}, "", true},
	}
	for _, tt := range tests {
		before := tt.cfg
		opt, err := optim.New[float32](tt.cfg)
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%+v) error = %v, want error %v", tt.cfg, err, tt.wantErr)
			continue
		}
		if err == nil && opt.Name() != tt.wantName {
			t.Errorf("New(%+v).Name() = %q, want %q", tt.cfg, opt.Name(), tt.wantName)
		}
		if fmt.Sprint(tt.cfg) != fmt.Sprint(before) { // Sprint: NaN ≠ NaN
			t.Errorf("New changed its config to %+v", tt.cfg)
		}
	}
}

func TestDefaultLearningRate(t *testing.T) {
	for _, tt := range []struct {
		name string
		want float64
	}{{"adam", 0.001}, {"AdamW", 0.001}, {"rmsprop", 0.001}, {"sgd", 0.01}, {"gd", 0.01}, {"adagrad", 0.01}} {
		if got := optim.DefaultLearningRate(tt.name); got != tt.want {
			t.Errorf("DefaultLearningRate(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestStepAllocatesNothingAfterTheFirst(t *testing.T) {
	for _, name := range optim.Names() {
		opt, _ := optim.New[float32](optim.Config{Name: name, Common: optim.Common{ClipNorm: 1, L2: 0.01}})
		ps := []*nn.Param[float32]{{Value: tensor.New[float32](3, 4), Grad: tensor.New[float32](3, 4)}}
		opt.Step(ps, 0.1)
		if got := testing.AllocsPerRun(20, func() { opt.Step(ps, 0.1) }); got != 0 {
			t.Errorf("%s: Step allocates %v times, want 0", name, got)
		}
	}
}

// randomParams returns a 3×5 weight and a 1×5 bias, long enough for the
// vectorised float32 Adam, with seeded values, in float64 and in float32.
func randomParams(seed uint64) ([]*nn.Param[float64], []*nn.Param[float32]) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var p64 []*nn.Param[float64]
	var p32 []*nn.Param[float32]
	for _, shape := range [][2]int{{3, 5}, {1, 5}} {
		a := &nn.Param[float64]{Value: tensor.New[float64](shape[0], shape[1]), Grad: tensor.New[float64](shape[0], shape[1])}
		b := &nn.Param[float32]{Value: tensor.New[float32](shape[0], shape[1]), Grad: tensor.New[float32](shape[0], shape[1])}
		for j := range a.Value.Data {
			a.Value.Data[j] = float64(float32(rng.NormFloat64()))
			b.Value.Data[j] = float32(a.Value.Data[j])
		}
		p64, p32 = append(p64, a), append(p32, b)
	}
	return p64, p32
}

// setRandomGrads gives both parameter lists the same seeded gradients, the
// first bias element always 0.
func setRandomGrads(rng *rand.Rand, p64 []*nn.Param[float64], p32 []*nn.Param[float32]) {
	for i := range p64 {
		for j := range p64[i].Grad.Data {
			g := float32(rng.NormFloat64() * 0.5)
			if i == 1 && j == 0 {
				g = 0
			}
			p64[i].Grad.Data[j], p32[i].Grad.Data[j] = float64(g), g
		}
	}
}

// float32 Adam keeps its moments and computes in float32 with the bias
// corrections folded into per-step constants; it must follow the float64
// optimizer, which computes the documented equations as written.
func TestAdamFloat32FollowsFloat64(t *testing.T) {
	common := optim.Common{L2: 0.05, ClipNorm: 1}
	tests := []struct {
		name     string
		o64      optim.Optimizer[float64]
		o32      optim.Optimizer[float32]
		lr       float64
		stepsTol float64
	}{
		{"adam", &optim.Adam[float64]{}, &optim.Adam[float32]{}, 0.01, 2e-6},
		{"adamw", &optim.AdamW[float64]{}, &optim.AdamW[float32]{}, 0.01, 2e-6},
		{"adam l2 clip", &optim.Adam[float64]{Common: common, Beta1: optim.Float(0.8), Beta2: optim.Float(0.99)}, &optim.Adam[float32]{Common: common, Beta1: optim.Float(0.8), Beta2: optim.Float(0.99)}, 0.05, 2e-6},
		{"adamw l2 clip", &optim.AdamW[float64]{Adam: optim.Adam[float64]{Common: common}, WeightDecay: optim.Float(0.1)}, &optim.AdamW[float32]{Adam: optim.Adam[float32]{Common: common}, WeightDecay: optim.Float(0.1)}, 0.05, 2e-6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p64, p32 := randomParams(1)
			rng := rand.New(rand.NewPCG(2, 3))
			for step := 1; step <= 20; step++ {
				setRandomGrads(rng, p64, p32)
				tt.o64.Step(p64, tt.lr)
				tt.o32.Step(p32, tt.lr)
				for i := range p64 {
					for j, want := range p64[i].Value.Data {
						got := float64(p32[i].Value.Data[j])
						// float32 roundings of w, plus of each step's
						// update (at most lr, as |m̂|/√v̂ ≤ about 1).
						if d := math.Abs(got - want); d > tt.stepsTol*(math.Abs(want)+float64(step)*tt.lr) || math.IsNaN(got) {
							t.Fatalf("step %d, parameter %d[%d]: float32 %v, float64 %v", step, i, j, got, want)
						}
					}
				}
			}
		})
	}
}

// A float32 Adam's state survives State and SetState exactly, and a state
// saved in float64 loads into a float32 optimizer.
func TestAdamFloat32StateRoundTrip(t *testing.T) {
	for _, name := range []string{optim.NameAdam, optim.NameAdamW} {
		t.Run(name, func(t *testing.T) {
			a, _ := optim.New[float32](optim.Config{Name: name})
			b, _ := optim.New[float32](optim.Config{Name: name})
			c64, _ := optim.New[float64](optim.Config{Name: name})
			p64, pa := randomParams(4)
			_, pb := randomParams(4)
			rng := rand.New(rand.NewPCG(5, 6))
			for range 3 {
				setRandomGrads(rng, p64, pa)
				a.Step(pa, 0.01)
				c64.Step(p64, 0.01)
			}
			st := a.State()
			if st.Name != name || st.Step != 3 || len(st.Slots) != 2 || len(st.Slots[0]) != 2 || len(st.Slots[1][0]) != 15 {
				t.Fatalf("State() = name %q, step %d, %d slots; want %q, 3, 2×2 with 15 values in the first", st.Name, st.Step, len(st.Slots), name)
			}
			if err := b.SetState(st, pb); err != nil {
				t.Fatal(err)
			}
			if again := b.State(); fmt.Sprint(again) != fmt.Sprint(st) {
				t.Errorf("State after SetState = %v, want %v", again, st)
			}
			for i := range pa {
				copy(pb[i].Value.Data, pa[i].Value.Data)
			}
			setRandomGrads(rng, p64, pa)
			for i := range pa {
				copy(pb[i].Grad.Data, pa[i].Grad.Data)
			}
			a.Step(pa, 0.01)
			b.Step(pb, 0.01)
			for i := range pa {
				for j, want := range pa[i].Value.Data {
					if got := pb[i].Value.Data[j]; got != want {
						t.Fatalf("parameter %d[%d]: restored optimizer stepped to %v, original to %v", i, j, got, want)
					}
				}
			}
			// A state saved by a float64 optimizer loads too.
			if err := b.SetState(c64.State(), pb); err != nil {
				t.Errorf("SetState of a float64 optimizer's state: %v", err)
			}
		})
	}
}

// An ε too small for float32 must not turn the step of an element whose
// gradient has always been 0 into 0/0.
func TestAdamFloat32TinyEpsilon(t *testing.T) {
	// nil is the default ε; an explicit 0 is PyTorch's eps=0, whose 0/0 is
	// the caller's choice.
	for _, eps := range []*float64{nil, optim.Float(1e-50)} {
		opt := &optim.Adam[float32]{Epsilon: eps}
		ps := []*nn.Param[float32]{{Value: tensor.New[float32](1, 9), Grad: tensor.New[float32](1, 9)}}
		ps[0].Value.Data[0] = 1
		for range 3 {
			opt.Step(ps, 0.1)
		}
		for j, w := range ps[0].Value.Data {
			want := float32(0)
			if j == 0 {
				want = 1
			}
			if w != want {
				t.Errorf("ε = %v: w[%d] = %v after steps with zero gradients, want %v", eps, j, w, want)
			}
		}
	}
}
