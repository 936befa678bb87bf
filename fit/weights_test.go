package fit

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/tensor"
)

func TestParseClassWeights(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "", want: ""},
		{in: "balanced", want: "balanced"},
		{in: " Balanced ", want: "balanced"},
		{in: "setosa=2,virginica=0.5", want: "setosa=2,virginica=0.5"},
		{in: "b=1, a = 3", want: "a=3,b=1"},
		{in: "x=y=2", want: "x=y=2"}, // the last '=' splits
		{in: "setosa", err: "want balanced, or name=weight pairs"},
		{in: "setosa=heavy", err: `"heavy" is not a number`},
		{in: "setosa=-1", err: `class "setosa" has weight -1`},
		{in: "setosa=inf", err: "want a finite number"},
		{in: "a=1,a=2", err: `class "a" is given two weights`},
	}
	for _, tt := range tests {
		c, err := ParseClassWeights(tt.in)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseClassWeights(%q): error %v, want one containing %q", tt.in, err, tt.err)
			}
		case err != nil:
			t.Errorf("ParseClassWeights(%q): %v", tt.in, err)
		case c.String() != tt.want:
			t.Errorf("ParseClassWeights(%q) = %q, want %q", tt.in, c, tt.want)
		}
	}
	o := Defaults()
	o.ClassWeight = ClassWeights{Balanced: true, ByName: map[string]float64{"a": 1}}
	if err := Check(o); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("Check of balanced and named class weights: %v", err)
	}
}

// imbalanced returns n rows of two overlapping Gaussian classes in the
// plane, about one in ten of class "rare".
func imbalanced(n int, seed uint64) *data.Dataset {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := tensor.New[float64](n, 2)
	y := tensor.New[float64](n, 2)
	for i := range n {
		c, shift := 0, 0.0
		if rng.Float64() < 0.1 {
			c, shift = 1, 1.5
		}
		x.Set(i, 0, rng.NormFloat64()+shift)
		x.Set(i, 1, rng.NormFloat64()+shift)
		y.Set(i, c, 1)
	}
	return &data.Dataset{X: x, Y: y, Task: data.Classification, ClassNames: []string{"common", "rare"}}
}

// recall returns the share of the rows of class c in d that m's model
// puts in c.
func recall(t *testing.T, res *Result, d *data.Dataset, c int) float64 {
	t.Helper()
	pred, _, err := res.Model.PredictClasses(d.X)
	if err != nil {
		t.Fatal(err)
	}
	hit, all := 0, 0
	for i, p := range pred {
		if d.Class(i) == c {
			all++
			if p == c {
				hit++
			}
		}
	}
	return float64(hit) / float64(all)
}

// TestBalancedClassWeightsRaiseMinorityRecall trains on an imbalanced set
// with and without balanced class weights: the weights must find far more
// of the rare class in new data.
func TestBalancedClassWeightsRaiseMinorityRecall(t *testing.T) {
	d, test := imbalanced(800, 1), imbalanced(2000, 2)
	o := quick()
	plain, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	o.ClassWeight = ClassWeights{Balanced: true}
	bal, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	rp, rb := recall(t, plain, test, 1), recall(t, bal, test, 1)
	t.Logf("recall of the rare class: %.3f without class weights, %.3f balanced; of the common one: %.3f, %.3f",
		rp, rb, recall(t, plain, test, 0), recall(t, bal, test, 0))
	if rb < rp+0.3 {
		t.Errorf("balanced class weights raise the rare class's recall from %.3f to %.3f; want at least 0.3 more", rp, rb)
	}

	// The model records the weights it used, balanced on the training part.
	var rec struct {
		Options struct{ ClassWeight ClassWeights }
		Weights *weightsRecord `json:"weights"`
	}
	if err := json.Unmarshal(bal.Model.Training, &rec); err != nil {
		t.Fatal(err)
	}
	if !rec.Options.ClassWeight.Balanced || rec.Weights == nil || rec.Weights.Classes["rare"] < 3 || rec.Weights.Classes["common"] > 0.6 {
		t.Errorf("training record %s: want balanced class weights about common 0.55, rare 5", bal.Model.Training)
	}
	if strings.Contains(string(plain.Model.Training), "weight") {
		t.Errorf("an unweighted model's training record mentions weights: %s", plain.Model.Training)
	}
}

// TestClassWeightsByName checks that named class weights act on the
// named class, combine with sample weights, and that unknown names and
// regressions are refused.
func TestClassWeightsByName(t *testing.T) {
	d := imbalanced(200, 3)
	w, err := ClassWeights{ByName: map[string]float64{"rare": 4}}.For(d)
	if err != nil || len(w) != 2 || w[0] != 1 || w[1] != 4 {
		t.Errorf("For: %v, %v; want [1 4]", w, err)
	}
	_, err = ClassWeights{ByName: map[string]float64{"often": 2}}.For(d)
	if err == nil || !strings.Contains(err.Error(), `class weight for "often": no such class; the classes are "common", "rare"`) {
		t.Errorf("unknown class: %v", err)
	}
	_, err = ClassWeights{Balanced: true}.For(linear(10, 1))
	if err == nil || !strings.Contains(err.Error(), "class weights are for classification; this is a regression") {
		t.Errorf("regression: %v", err)
	}
	o := quick()
	o.Epochs = 2
	o.ClassWeight = ClassWeights{ByName: map[string]float64{"often": 2}}
	if _, err := Train(context.Background(), d, nil, o); err == nil || !strings.Contains(err.Error(), "no such class") {
		t.Errorf("Train with an unknown class: %v", err)
	}

	// Sample weights times class weights.
	sw := d.Subset(all(4))
	sw.Weights = []float64{0.5, 1, 2, 3}
	want := make([]float64, 4)
	for i, v := range sw.Weights {
		want[i] = v
		if sw.Class(i) == 1 {
			want[i] *= 4
		}
	}
	applyClassWeights(sw, w)
	for i := range want {
		if sw.Weights[i] != want[i] {
			t.Errorf("row %d (class %d): weight %v, want %v", i, sw.Class(i), sw.Weights[i], want[i])
		}
	}
}

// TestSampleWeightsRecorded checks that a model trained on weighted rows
// says so, naming the CSV column.
func TestSampleWeightsRecorded(t *testing.T) {
	csv := "a,b,w,y\n"
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 60 {
		csv += strings.Join([]string{ftoa(rng.NormFloat64()), ftoa(rng.NormFloat64()), ftoa(float64(1 + i%3)), []string{"p", "q"}[i%2]}, ",") + "\n"
	}
	d, s, err := data.ReadCSV(strings.NewReader(csv), "w.csv", data.CSVOptions{WeightColumn: "w"})
	if err != nil {
		t.Fatal(err)
	}
	o := quick()
	o.Epochs = 3
	res, err := Train(context.Background(), d, s, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Model.Training); !strings.Contains(got, `"weights":{"column":"w","sample_weights":true}`) {
		t.Errorf("training record %s does not name the weight column", got)
	}
	if res.Model.Spec.Inputs != 2 {
		t.Errorf("the model has %d inputs, want 2: the weight column is not a feature", res.Model.Spec.Inputs)
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
