package data

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/tensor"
)

// ScalerKind names a feature scaling.
type ScalerKind string

// The scalings FitScaler knows.
const (
	// Standard maps each column to zero mean and unit standard deviation:
	// (x - mean) / std, with the population standard deviation.
	Standard ScalerKind = "standard"
	// MinMax maps each column's training range onto [0, 1]:
	// (x - min) / (max - min).
	MinMax ScalerKind = "minmax"
	// NoScaling leaves the data as it is.
	NoScaling ScalerKind = "none"
)

// Scaler is a per-column affine map fitted on training data and applied to
// every later batch the same way: x ↦ (x - Offset[j]) / Scale[j]. Offset and
// Scale are the mean and standard deviation (Standard) or the minimum and
// the range (MinMax) of each training column. A constant column has scale
// 0 in the data and gets Scale 1, so it maps to 0 instead of dividing by
// zero. It is plain data with JSON tags, meant to be saved with a model;
// encoding/json writes float64 so that it reads back exactly.
type Scaler struct {
	// Kind is the scaling; "" means NoScaling.
	Kind ScalerKind `json:"kind"`
	// Offset is subtracted from each column (mean or minimum).
	Offset []float64 `json:"offset,omitempty"`
	// Scale divides each column after (standard deviation or range, never 0).
	Scale []float64 `json:"scale,omitempty"`
}

// FitScaler computes a scaler of the given kind from the columns of x,
// which should be the training data only: statistics taken from test data
// would leak it into training. Unknown kinds and non-finite values are
// errors.
func FitScaler(kind ScalerKind, x *tensor.Matrix[float64]) (*Scaler, error) {
	s := &Scaler{Kind: kind}
	switch kind {
	case NoScaling, "":
		return s, nil
	case Standard, MinMax:
	default:
		return nil, fmt.Errorf("data: unknown scaler %q (want standard, minmax or none)", kind)
	}
	if x.Rows == 0 {
		return nil, fmt.Errorf("data: cannot fit a %s scaler on no rows", kind)
	}
	n := float64(x.Rows)
	s.Offset = make([]float64, x.Cols)
	s.Scale = make([]float64, x.Cols)
	for j := range x.Cols {
		lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
		for i := range x.Rows {
			v := x.Data[i*x.Cols+j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("data: cannot fit a scaler: row %d, column %d is %v", i, j, v)
			}
			lo, hi, sum = min(lo, v), max(hi, v), sum+v
		}
		if kind == MinMax {
			s.Offset[j], s.Scale[j] = lo, hi-lo
		} else {
			// Two passes: the textbook one-pass formula loses all precision
			// when the mean is large next to the spread.
			mean, ss := sum/n, 0.0
			for i := range x.Rows {
				d := x.Data[i*x.Cols+j] - mean
				ss += d * d
			}
			s.Offset[j], s.Scale[j] = mean, math.Sqrt(ss/n)
		}
		if s.Scale[j] == 0 || math.IsInf(s.Scale[j], 0) || math.IsNaN(s.Scale[j]) {
			s.Scale[j] = 1
		}
	}
	return s, nil
}

// Transform scales x in place. It returns an error when x does not have
// the number of columns the scaler was fitted on (data from another file,
// say).
func (s *Scaler) Transform(x *tensor.Matrix[float64]) error {
	if err := s.check(x); err != nil || len(s.Scale) == 0 {
		return err
	}
	for i := range x.Rows {
		row := x.Row(i)
		for j := range row {
			row[j] = (row[j] - s.Offset[j]) / s.Scale[j]
		}
	}
	return nil
}

// InverseTransform undoes Transform in place, e.g. to report scaled
// regression predictions in the original units.
func (s *Scaler) InverseTransform(x *tensor.Matrix[float64]) error {
	if err := s.check(x); err != nil || len(s.Scale) == 0 {
		return err
	}
	for i := range x.Rows {
		row := x.Row(i)
		for j := range row {
			row[j] = row[j]*s.Scale[j] + s.Offset[j]
		}
	}
	return nil
}

func (s *Scaler) check(x *tensor.Matrix[float64]) error {
	switch s.Kind {
	case NoScaling, "":
		return nil
	case Standard, MinMax:
	default:
		return fmt.Errorf("data: unknown scaler %q", s.Kind)
	}
	if len(s.Offset) != len(s.Scale) {
		return fmt.Errorf("data: corrupt %s scaler: %d offsets, %d scales", s.Kind, len(s.Offset), len(s.Scale))
	}
	for j, v := range s.Scale {
		if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(s.Offset[j]) || math.IsInf(s.Offset[j], 0) {
			return fmt.Errorf("data: corrupt %s scaler: column %d has offset %v, scale %v", s.Kind, j, s.Offset[j], v)
		}
	}
	if x.Cols != len(s.Scale) {
		return fmt.Errorf("data: %s scaler fitted on %d columns, data has %d", s.Kind, len(s.Scale), x.Cols)
	}
	return nil
}
