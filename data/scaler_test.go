package data

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/tensor"
)

func TestScaler(t *testing.T) {
	// Column 0 varies, column 1 is constant, column 2 has awkward values
	// to exercise the JSON round trip.
	x := tensor.FromRows([][]float64{{1, 5, 0.1}, {2, 5, 1.0 / 3}, {3, 5, 1e-300}, {6, 5, 7.7e10}})
	tests := []struct {
		kind ScalerKind
		col0 []float64
	}{
		{Standard, []float64{-1, -0.6, -0.2, 1.8}}, // mean 3, std sqrt(3.5)·… see below
		{MinMax, []float64{0, 0.2, 0.4, 1}},
		{NoScaling, []float64{1, 2, 3, 6}},
	}
	for _, tt := range tests {
		s, err := FitScaler(tt.kind, x)
		if err != nil {
			t.Fatal(err)
		}
		buf, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var s2 Scaler
		if err := json.Unmarshal(buf, &s2); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s, &s2) {
			t.Errorf("%s: JSON round trip changed %+v to %+v", tt.kind, s, &s2)
		}
		y := x.Clone()
		if err := s2.Transform(y); err != nil {
			t.Fatal(err)
		}
		want := tt.col0
		if tt.kind == Standard {
			// mean 3, population std sqrt((4+1+0+9)/4) = sqrt(3.5)
			want = []float64{-2 / math.Sqrt(3.5), -1 / math.Sqrt(3.5), 0, 3 / math.Sqrt(3.5)}
		}
		for i := range 4 {
			if got := y.At(i, 0); math.Abs(got-want[i]) > 1e-15 {
				t.Errorf("%s: row %d = %v, want %v", tt.kind, i, got, want[i])
			}
			if tt.kind != NoScaling && y.At(i, 1) != 0 {
				t.Errorf("%s: constant column maps to %v, want 0", tt.kind, y.At(i, 1))
			}
		}
		if err := s2.InverseTransform(y); err != nil {
			t.Fatal(err)
		}
		for i, v := range y.Values() {
			// Precision is relative to the column's scale, not the value.
			w, tol := x.Values()[i], 1e-12*math.Max(1, math.Abs(x.Values()[i]))
			if j := i % x.Cols; len(s2.Scale) > 0 {
				tol = max(tol, 1e-12*(math.Abs(s2.Offset[j])+s2.Scale[j]))
			}
			if math.Abs(v-w) > tol {
				t.Errorf("%s: inverse gives %v, want %v", tt.kind, v, w)
			}
		}
	}
}

func TestScalerErrors(t *testing.T) {
	x := tensor.FromRows([][]float64{{1, 2}, {3, 4}})
	if _, err := FitScaler("zscore", x); err == nil || !strings.Contains(err.Error(), `unknown scaler "zscore"`) {
		t.Errorf("unknown kind: %v", err)
	}
	bad := tensor.FromRows([][]float64{{1, math.Inf(1)}})
	if _, err := FitScaler(Standard, bad); err == nil || !strings.Contains(err.Error(), "row 0, column 1 is +Inf") {
		t.Errorf("infinite value: %v", err)
	}
	s, err := FitScaler(Standard, x)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Transform(tensor.New[float64](1, 3)); err == nil || !strings.Contains(err.Error(), "fitted on 2 columns, data has 3") {
		t.Errorf("shape mismatch: %v", err)
	}
	var corrupt Scaler
	if err := json.Unmarshal([]byte(`{"kind":"standard","offset":[0],"scale":[0]}`), &corrupt); err != nil {
		t.Fatal(err)
	}
	if err := corrupt.Transform(tensor.New[float64](1, 1)); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("zero scale from JSON: %v", err)
	}
}

func TestRobustScaler(t *testing.T) {
	// Column 0: 1..8 and an outlier at 1000 (median 5, quartiles 3 and 7).
	// Column 1: 0/1, left as it is (offset 0, scale 1).
	// Column 2: constant.
	vals := []float64{1, 2, 3, 4, 5, 6, 7, 8, 1000}
	x := tensor.New[float64](len(vals), 3)
	for i, v := range vals {
		b := 0.0
		if i >= 7 {
			b = 1
		}
		copy(x.Row(i), []float64{v, b, 42})
	}
	s, err := FitScaler(Robust, x)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{5, 0, 42}; !slices.Equal(s.Offset, want) {
		t.Errorf("offsets %v, want %v", s.Offset, want)
	}
	if want := []float64{4, 1, 1}; !slices.Equal(s.Scale, want) {
		t.Errorf("scales %v, want %v", s.Scale, want)
	}
	y := x.Clone()
	if err := s.Transform(y); err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		z := (v - 5) / 4
		want := z / math.Sqrt(1+z*z/9)
		if got := y.At(i, 0); math.Abs(got-want) > 1e-15 {
			t.Errorf("row %d: scaled %v to %v, want %v", i, v, got, want)
		}
		if got := y.At(i, 0); math.Abs(got) >= DefaultClip {
			t.Errorf("row %d: %v is not inside the clip bound", i, got)
		}
	}
	if err := s.InverseTransform(y); err != nil {
		t.Fatal(err)
	}
	for i := range x.Data {
		if d := math.Abs(y.Data[i] - x.Data[i]); d > 1e-9*math.Max(1, math.Abs(x.Data[i])) {
			t.Errorf("element %d: round trip gives %v, want %v", i, y.Data[i], x.Data[i])
		}
	}
	bad := &Scaler{Kind: Robust, Offset: []float64{0}, Scale: []float64{1}, Clip: -1}
	if err := bad.Transform(tensor.New[float64](1, 1)); err == nil || !strings.Contains(err.Error(), "clip") {
		t.Errorf("negative clip: got %v, want an error naming the clip", err)
	}
}
