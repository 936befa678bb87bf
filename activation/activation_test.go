package activation

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/descent-ml/descent/tensor"
)

func apply(f Func[float64], z ...float64) []float64 {
	zm := tensor.FromSlice(1, len(z), z)
	a := tensor.New[float64](1, len(z))
	f.Forward(a, zm)
	return a.Data
}

func TestValues(t *testing.T) {
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	tests := []struct {
		f    Func[float64]
		z    []float64
		want []float64
	}{
		{Sigmoid[float64]{}, []float64{0, 2, -2}, []float64{0.5, sig(2), sig(-2)}},
		{Tanh[float64]{}, []float64{0, 1}, []float64{0, math.Tanh(1)}},
		{ReLU[float64]{}, []float64{-1, 0, 2}, []float64{0, 0, 2}},
		{LeakyReLU[float64]{Slope: 0.1}, []float64{-1, 3}, []float64{-0.1, 3}},
		{Identity[float64]{}, []float64{-1, 3}, []float64{-1, 3}},
		{Softplus[float64]{}, []float64{0, 1}, []float64{math.Log(2), math.Log(1 + math.E)}},
		{GELU[float64]{}, []float64{0, 1, -1}, []float64{0, 0.8413447460685429, -0.15865525393145707}},
		{Softmax[float64]{}, []float64{1, 2, 3}, []float64{0.09003057317038046, 0.24472847105479764, 0.6652409557748219}},
	}
	for _, tt := range tests {
		got := apply(tt.f, tt.z...)
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-15 {
				t.Errorf("%s(%v) = %.17g, want %.17g", tt.f.Spec(), tt.z[i], got[i], tt.want[i])
			}
		}
	}
}

// TestStableAtExtremes checks that no activation overflows or loses its
// small values for very large |z|.
func TestStableAtExtremes(t *testing.T) {
	tests := []struct {
		f    Func[float64]
		z    []float64
		want []float64
	}{
		{Sigmoid[float64]{}, []float64{-1000, 1000, -40}, []float64{0, 1, math.Exp(-40) / (1 + math.Exp(-40))}},
		{Softplus[float64]{}, []float64{-1000, 1000, -40}, []float64{0, 1000, math.Log1p(math.Exp(-40))}},
		{Softmax[float64]{}, []float64{1000, 1000}, []float64{0.5, 0.5}},
		{Softmax[float64]{}, []float64{-1000, 0}, []float64{0, 1}},
		{GELU[float64]{}, []float64{-1000, 1000}, []float64{0, 1000}},
	}
	for _, tt := range tests {
		got := apply(tt.f, tt.z...)
		for i := range got {
			if math.IsNaN(got[i]) || math.Abs(got[i]-tt.want[i]) > 1e-15*math.Max(1, math.Abs(tt.want[i])) {
				t.Errorf("%s(%v) = %v, want %v", tt.f.Spec(), tt.z[i], got[i], tt.want[i])
			}
		}
	}
	// float32 softmax of logits far beyond exp's float32 range.
	a := tensor.New[float32](1, 2)
	Softmax[float32]{}.Forward(a, tensor.FromSlice(1, 2, []float32{3e38, 3e38}))
	if a.Data[0] != 0.5 || a.Data[1] != 0.5 {
		t.Errorf("float32 softmax of huge logits = %v, want [0.5 0.5]", a.Data)
	}
}

func TestDerivMatchesBackward(t *testing.T) {
	z := []float64{-1.5, -0.2, 0.3, 2}
	for _, name := range Names() {
		f := MustNew[float64](Spec{Name: name})
		e, ok := f.(Elementwise[float64])
		if name == NameSoftmax {
			if ok {
				t.Error("softmax claims to be element-wise")
			}
			continue
		}
		if !ok {
			t.Fatalf("%s is not Elementwise", name)
		}
		zm := tensor.FromSlice(1, len(z), append([]float64(nil), z...))
		a := tensor.New[float64](1, len(z))
		f.Forward(a, zm)
		ones := tensor.FromSlice(1, len(z), []float64{1, 1, 1, 1})
		dz := tensor.New[float64](1, len(z))
		f.Backward(dz, zm, a, ones)
		for i := range z {
			if d := e.Deriv(z[i], a.Data[i]); math.Abs(d-dz.Data[i]) > 1e-15 {
				t.Errorf("%s: Deriv(%v) = %v, Backward gives %v", name, z[i], d, dz.Data[i])
			}
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{"sigmoid", Spec{Name: NameSigmoid}, ""},
		{"Linear", Spec{Name: NameIdentity}, ""},
		{"leaky_relu:0.2", Spec{Name: NameLeakyReLU, Slope: 0.2}, ""},
		{"leakyrelu", Spec{Name: NameLeakyReLU}, ""},
		{"relu:0.1", Spec{}, "takes no parameter"},
		{"leaky_relu:abc", Spec{}, "not a number"},
		{"leaky_relu:2", Spec{}, "outside [0, 1)"},
		{"swish", Spec{}, `unknown activation "swish"`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := Parse(got.String()); err != nil || back != got {
			t.Errorf("Parse(%q.String()) = %v, %v", tt.in, back, err)
		}
	}
}

func TestNewDefaultsLeakySlope(t *testing.T) {
	f := MustNew[float64](Spec{Name: NameLeakyReLU})
	if got := apply(f, -1)[0]; got != -DefaultLeakySlope {
		t.Errorf("leaky_relu(-1) = %v, want %v", got, -DefaultLeakySlope)
	}
}

// A leaky ReLU slope of 0 can be asked for by string, struct or JSON, and
// old JSON without a slope keeps the default.
func TestLeakySlopeZero(t *testing.T) {
	fromJSON := func(s string) Spec {
		var sp Spec
		if err := json.Unmarshal([]byte(s), &sp); err != nil {
			t.Fatal(err)
		}
		return sp
	}
	parsed, err := Parse("leaky_relu:0")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		spec Spec
		want float64 // leaky_relu(-1)
	}{
		{"parsed leaky_relu:0", parsed, 0},
		{"SlopeSet", Spec{Name: NameLeakyReLU, SlopeSet: true}, 0},
		{"json slope 0", fromJSON(`{"name":"leaky_relu","slope":0}`), 0},
		{"old json without slope", fromJSON(`{"name":"leaky_relu"}`), -DefaultLeakySlope},
		{"old json slope 0.2", fromJSON(`{"name":"leaky_relu","slope":0.2}`), -0.2},
	}
	for _, tt := range tests {
		if got := apply(MustNew[float64](tt.spec), -1)[0]; got != tt.want {
			t.Errorf("%s: leaky_relu(-1) = %v, want %v", tt.name, got, tt.want)
		}
	}
	b, err := json.Marshal(parsed)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"name":"leaky_relu","slope":0}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	if got, want := parsed.String(), "leaky_relu:0"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
