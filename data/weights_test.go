package data

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/descent-ml/descent/tensor"
)

const weightedCSV = `a,w,b,y
1,2,10,x
2,0.5,20,y
3,0,30,x
4,1,40,y
`

// TestWeightColumn checks that the weight column becomes Dataset.Weights,
// not a feature, and that the schema marks it so.
func TestWeightColumn(t *testing.T) {
	d, s, err := ReadCSV(strings.NewReader(weightedCSV), "w.csv", CSVOptions{WeightColumn: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.FeatureNames, []string{"a", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("features = %v, want %v", got, want)
	}
	if got, want := d.Weights, []float64{2, 0.5, 0, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("weights = %v, want %v", got, want)
	}
	if got, want := d.X.Values(), []float64{1, 10, 2, 20, 3, 30, 4, 40}; !reflect.DeepEqual(got, want) {
		t.Errorf("X = %v, want %v", got, want)
	}
	if d.Task != Classification || d.TargetNames[0] != "y" {
		t.Errorf("task %v, target %v; want classification of y", d.Task, d.TargetNames)
	}
	if got := s.Columns[1]; got.Role != RoleWeight || got.Kind != KindNumeric {
		t.Errorf("schema column w = %+v, want role weight, numeric", got)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("schema: %v", err)
	}
	// The schema survives JSON, as it does in a model file.
	raw, _ := json.Marshal(s)
	var back Schema
	if err := json.Unmarshal(raw, &back); err != nil || !reflect.DeepEqual(&back, s) {
		t.Fatalf("schema round trip: %v\n%s", err, raw)
	}

	// Without the option the column is a feature, as before.
	d0, _, err := ReadCSV(strings.NewReader(weightedCSV), "w.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d0.Weights != nil || d0.X.Cols != 3 {
		t.Errorf("without WeightColumn: weights %v, %d features; want nil and 3", d0.Weights, d0.X.Cols)
	}

	// The weight column, even the last one, is never the default target.
	d2, _, err := ReadCSV(strings.NewReader("a,y,w\n1,0,1\n2,1,2\n3,0,1\n4,1,1\n"), "w.csv", CSVOptions{WeightColumn: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if d2.TargetNames[0] != "y" || d2.X.Cols != 1 {
		t.Errorf("target %v with %d features; want y and 1", d2.TargetNames, d2.X.Cols)
	}
}

// TestWeightColumnErrors checks that bad weights name the file, line and
// column.
func TestWeightColumnErrors(t *testing.T) {
	tests := []struct {
		name   string
		csv    string
		opt    CSVOptions
		want   []string
		wantIs error
	}{
		{name: "text", csv: "a,w,y\n1,1,0\n2,heavy,1\n3,1,0\n",
			want: []string{"w.csv", "line 3", `column "w" (2)`, `weight "heavy" is not a number`}, wantIs: ErrNotNumber},
		{name: "negative", csv: "a,w,y\n1,1,0\n2,1,1\n3,-2,0\n",
			want: []string{"line 4", `column "w" (2)`, `weight "-2" is negative`}, wantIs: ErrNegativeWeight},
		{name: "infinite", csv: "a,w,y\n1,1e999,0\n2,1,1\n",
			want: []string{"line 2", `column "w" (2)`, "not a finite number"}, wantIs: ErrNotFinite},
		{name: "missing", csv: "a,w,y\n1,1,0\n2,,1\n",
			want: []string{"line 3", `column "w" (2)`, "missing value (empty) in the weight column"}, wantIs: ErrMissingValue},
		{name: "all zero", csv: "a,w,y\n1,0,0\n2,0,1\n3,0,0\n",
			want: []string{`column "w" (2)`, "every one of the 3 rows has weight 0"}},
		{name: "unknown", csv: "a,w,y\n1,1,0\n2,1,1\n", opt: CSVOptions{WeightColumn: "nope"},
			want: []string{`weight column "nope" not found`, `"a", "w", "y"`}},
		{name: "dropped", csv: "a,w,y\n1,1,0\n2,1,1\n", opt: CSVOptions{WeightColumn: "w", Drop: []string{"w"}},
			want: []string{`column "w" (2)`, "also dropped"}},
		{name: "categorical", csv: "a,w,y\n1,1,0\n2,1,1\n", opt: CSVOptions{WeightColumn: "w", Categorical: []string{"w"}},
			want: []string{`column "w" (2)`, "cannot be categorical"}},
		{name: "target", csv: "a,w,y\n1,1,0\n2,1,1\n", opt: CSVOptions{WeightColumn: "w", Targets: []string{"w"}},
			want: []string{`column "w" is both a target and dropped, the weight column`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opt.WeightColumn == "" {
				tt.opt.WeightColumn = "w"
			}
			_, _, err := ReadCSV(strings.NewReader(tt.csv), "w.csv", tt.opt)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %q does not wrap %v", err, tt.wantIs)
			}
		})
	}
}

// TestWeightColumnMissingDropped checks that a missing weight drops its
// row under a policy other than MissingError, as a missing target does.
func TestWeightColumnMissingDropped(t *testing.T) {
	d, _, err := ReadCSV(strings.NewReader("a,w,y\n1,1,0\n2,NA,1\n3,2,1\n4,1,0\n"), "w.csv", CSVOptions{WeightColumn: "w", Missing: MissingMean})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Weights, []float64{1, 2, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("weights = %v, want %v", got, want)
	}
	if got, want := d.X.Values(), []float64{1, 3, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("X = %v, want %v", got, want)
	}
}

// TestSchemaIgnoresWeightColumn checks that files read with a schema
// that has a weight column leave it out, whatever its cells hold.
func TestSchemaIgnoresWeightColumn(t *testing.T) {
	_, s, err := ReadCSV(strings.NewReader(weightedCSV), "w.csv", CSVOptions{WeightColumn: "w"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, csv string
		x         []float64
		yCols     int
	}{
		{"header with weights", "a,w,b,y\n5,oops,50,x\n", []float64{5, 50}, 2},
		{"header without weights", "b,a\n50,5\n", []float64{5, 50}, 0},
		{"no header, all columns", "5,-1,50,x\n", []float64{5, 50}, 2},
		{"no header, no target", "5,7,50\n", []float64{5, 50}, 0},
		{"no header, no target nor weights", "5,50\n", []float64{5, 50}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadCSVWithSchema(strings.NewReader(tt.csv), "p.csv", s, CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.X.Values(); !reflect.DeepEqual(got, tt.x) {
				t.Errorf("X = %v, want %v", got, tt.x)
			}
			if d.Y.Cols != tt.yCols || d.Weights != nil {
				t.Errorf("Y has %d columns, weights %v; want %d and nil", d.Y.Cols, d.Weights, tt.yCols)
			}
		})
	}
}

// TestDatasetWeights checks that Subset carries the weights and Validate
// refuses bad ones.
func TestDatasetWeights(t *testing.T) {
	d := &Dataset{
		X:       tensor.FromSlice(3, 1, []float64{1, 2, 3}),
		Y:       tensor.FromSlice(3, 1, []float64{4, 5, 6}),
		Weights: []float64{0.5, 1, 2},
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	sub := d.Subset([]int{2, 0})
	if got, want := sub.Weights, []float64{2, 0.5}; !reflect.DeepEqual(got, want) {
		t.Errorf("subset weights = %v, want %v", got, want)
	}
	sub.Weights[0] = 9
	if d.Weights[2] != 2 {
		t.Error("Subset shares the weights with its source")
	}
	if got := (&Dataset{X: d.X, Y: d.Y}).Subset([]int{1}).Weights; got != nil {
		t.Errorf("subset of an unweighted dataset has weights %v", got)
	}
	for _, tt := range []struct {
		w    []float64
		want string
	}{
		{[]float64{1, 2}, "2 weights for 3 samples"},
		{[]float64{1, -1, 2}, "sample 1 has weight -1"},
		{[]float64{1, nanValue(), 2}, "sample 1 has weight NaN"},
		{[]float64{0, 0, 0}, "weight 0"},
		{[]float64{1e308, 1e308, 1}, "add up to more than a float64 holds"},
	} {
		bad := *d
		bad.Weights = tt.w
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("weights %v: error %v, want one containing %q", tt.w, err, tt.want)
		}
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}
