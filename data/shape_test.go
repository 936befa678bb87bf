package data

import (
	"math"
	"strings"
	"testing"

	"github.com/descent-ml/descent/tensor"
)

func TestCheckSampleShape(t *testing.T) {
	tests := []struct {
		shape    []int
		features int
		want     string // in the error; "" for none
	}{
		{nil, 5, ""},
		{[]int{5}, 5, ""},
		{[]int{1, 28, 28}, 784, ""},
		{[]int{3, 2, 2}, 12, ""},
		{[]int{1, 28, 28}, 783, "sample shape 1×28×28 holds 784 values, but each sample has 783 features"},
		{[]int{}, 3, "empty"},
		{[]int{0, 3}, 0, "at least 1"},
		{[]int{-1, -3}, 3, "at least 1"},
		{[]int{math.MaxInt, math.MaxInt, 2}, 4, "more values than an int counts"},
	}
	for _, tt := range tests {
		err := CheckSampleShape(tt.shape, tt.features)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckSampleShape(%v, %d) = %v, want nil", tt.shape, tt.features, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckSampleShape(%v, %d) = %v, want an error with %q", tt.shape, tt.features, err, tt.want)
		}
	}
}

// TestSampleShapeSubsets checks that Validate refuses a shape that does
// not fit the features, that Subset keeps the shape, and that Labels,
// which has no features, drops it.
func TestSampleShapeSubsets(t *testing.T) {
	d := &Dataset{X: tensor.New[float64](3, 4), Y: tensor.New[float64](3, 1), SampleShape: []int{1, 2, 2}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if s := d.Subset([]int{0, 2}); s.Validate() != nil || len(s.SampleShape) != 3 {
		t.Errorf("Subset: shape %v, Validate %v", s.SampleShape, s.Validate())
	}
	if l := d.Labels([]int{1}); l.SampleShape != nil || l.Validate() != nil {
		t.Errorf("Labels: shape %v, want none; Validate %v", l.SampleShape, l.Validate())
	}
	d.SampleShape = []int{1, 2, 3}
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), "holds 6 values, but each sample has 4 features") {
		t.Errorf("Validate with a shape of 6 for 4 features = %v", err)
	}
}
