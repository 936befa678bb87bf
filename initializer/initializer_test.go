package initializer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
)

func TestFillMoments(t *testing.T) {
	const fanIn, fanOut, n = 50, 30, 200000
	tests := []struct {
		spec      Spec
		lo, hi    float64 // bounds every draw must respect
		mean, std float64 // expected moments
	}{
		{Spec{Name: NameRand}, 0, 1, 0.5, math.Sqrt(1.0 / 12)},
		{Spec{Name: NameUniform, Scale: 0.2}, -0.2, 0.2, 0, 0.2 / math.Sqrt(3)},
		{Spec{Name: NameNormal, Scale: 0.3}, math.Inf(-1), math.Inf(1), 0, 0.3},
		{Spec{Name: NameGlorotUniform}, -math.Sqrt(6.0 / 80), math.Sqrt(6.0 / 80), 0, math.Sqrt(2.0 / 80)},
		{Spec{Name: NameGlorotNormal}, math.Inf(-1), math.Inf(1), 0, math.Sqrt(2.0 / 80)},
		{Spec{Name: NameHeUniform}, -math.Sqrt(6.0 / 50), math.Sqrt(6.0 / 50), 0, math.Sqrt(2.0 / 50)},
		{Spec{Name: NameHeNormal}, math.Inf(-1), math.Inf(1), 0, math.Sqrt(2.0 / 50)},
		{Spec{Name: NameZeros}, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.spec.Name, func(t *testing.T) {
			w := make([]float64, n)
			Fill(tt.spec, rand.New(rand.NewPCG(1, 2)), fanIn, fanOut, w)
			var s, ss float64
			for _, v := range w {
				if v < tt.lo || v > tt.hi {
					t.Fatalf("draw %v outside [%v, %v]", v, tt.lo, tt.hi)
				}
				s += v
				ss += v * v
			}
			mean := s / n
			std := math.Sqrt(ss/n - mean*mean)
			if math.Abs(mean-tt.mean) > 0.01 || math.Abs(std-tt.std) > 0.01*math.Max(tt.std, 0.1) {
				t.Errorf("mean %.4f std %.4f, want %.4f and %.4f", mean, std, tt.mean, tt.std)
			}
		})
	}
}

func TestFillDeterministic(t *testing.T) {
	a := make([]float32, 100)
	b := make([]float32, 100)
	Fill(Spec{Name: NameHeNormal}, rand.New(rand.NewPCG(7, 7)), 10, 10, a)
	Fill(Spec{Name: NameHeNormal}, rand.New(rand.NewPCG(7, 7)), 10, 10, b)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d differs: %v vs %v", i, a[i], b[i])
		}
	}
}

func TestParseAndDefault(t *testing.T) {
	for in, want := range map[string]string{"Xavier_Uniform": NameGlorotUniform, "kaiming_normal": NameHeNormal, "rand": NameRand} {
		got, err := Parse(in)
		if err != nil || got.Name != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := Parse("bogus"); err == nil {
		t.Error("Parse(bogus) succeeded")
	}
	if got := Default(activation.Spec{Name: activation.NameReLU}); got.Name != NameHeUniform {
		t.Errorf("Default(relu) = %v", got)
	}
	if got := Default(activation.Spec{Name: activation.NameSigmoid}); got.Name != NameGlorotUniform {
		t.Errorf("Default(sigmoid) = %v", got)
	}
}
