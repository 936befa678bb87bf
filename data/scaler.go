package data

import (
	"fmt"
	"math"
	"slices"

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
	// Robust centres each column on its median and divides by its
	// interquartile range (by half the range when the quartiles agree, as
	// for a mostly constant column; a 0/1 column, such as a one-hot
	// category, is left at 0 and 1), then clips outliers
	// smoothly: x ↦ x / sqrt(1 + (x/DefaultClip)²). It is RealMLP-TD's
	// preprocessing (Holzmüller et al., 2024): one extreme value can no
	// longer squash every other value of its column towards zero.
	Robust ScalerKind = "robust"
	// NoScaling leaves the data as it is.
	NoScaling ScalerKind = "none"
)

// DefaultClip is the smooth clipping bound of the Robust scaler: scaled
// values approach ±3 but never pass it, and values within ±1 move by
// less than 6 %.
const DefaultClip = 3

// Scaler is a per-column affine map fitted on training data and applied to
// every later batch the same way: x ↦ (x - Offset[j]) / Scale[j], followed,
// when Clip is positive, by the smooth clipping z ↦ z / sqrt(1 + (z/Clip)²).
// Offset and Scale are the mean and standard deviation (Standard), the
// minimum and the range (MinMax) or the median and the interquartile range
// (Robust) of each training column. A constant column has scale
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
	// Clip, when positive, bounds the scaled values smoothly to
	// (-Clip, Clip); zero means no clipping (files without the field).
	Clip float64 `json:"clip,omitempty"`
}

// FitScaler computes a scaler of the given kind from the columns of x,
// which should be the training data only: statistics taken from test data
// would leak it into training. Unknown kinds and non-finite values are
// errors.
func FitScaler(kind ScalerKind, x *tensor.Matrix[float64]) (*Scaler, error) {
	s, err := newScaler(kind, x.Rows, x.Cols)
	if err != nil || len(s.Scale) == 0 {
		return s, err
	}
	return s, s.fitColumns(x, 0, nil, nil)
}

// FitScalerRows is FitScaler on the rows index of d's features (nil: all
// of them), in that order, without copying them whole: it reads a block of
// columns at a time, about 8 MB, which gives the same bits, since every
// statistic a Scaler holds is of one column alone. It reads the features
// through ReadFeatures, so d may store them in float32.
func FitScalerRows(kind ScalerKind, d *Dataset, index []int) (*Scaler, error) {
	if index == nil && !d.Compact() {
		return FitScaler(kind, d.X)
	}
	n, cols := len(index), d.NumFeatures()
	if index == nil {
		n = d.Len()
	}
	s, err := newScaler(kind, n, cols)
	if err != nil || len(s.Scale) == 0 {
		return s, err
	}
	// About 8 MB of float64 per block: a small share of any data set
	// large enough for a copy to matter.
	width := max(1, min(cols, (1<<20)/max(n, 1)))
	block := tensor.New[float64](n, width)
	sorted := make([]float64, n) // the robust scaler's sort buffer, reused by every block
	for lo := 0; lo < cols; lo += width {
		hi := min(lo+width, cols)
		block.Resize(n, hi-lo)
		for r := range n {
			i := r
			if index != nil {
				i = index[r]
			}
			d.ReadFeatures(i, lo, block.Row(r))
		}
		if err := s.fitColumns(block, lo, index, sorted); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// newScaler returns a scaler of the given kind with room for cols columns,
// or, for NoScaling, the scaler itself; it refuses unknown kinds and, for
// the others, no rows.
func newScaler(kind ScalerKind, rows, cols int) (*Scaler, error) {
	s := &Scaler{Kind: kind}
	switch kind {
	case NoScaling, "":
		return s, nil
	case Standard, MinMax:
	case Robust:
		s.Clip = DefaultClip
	default:
		return nil, fmt.Errorf("data: unknown scaler %s (want robust, standard, minmax or none)", quote(string(kind)))
	}
	if rows == 0 {
		return nil, fmt.Errorf("data: cannot fit a %s scaler on no rows", kind)
	}
	s.Offset = make([]float64, cols)
	s.Scale = make([]float64, cols)
	return s, nil
}

// fitColumns sets the statistics of columns lo to lo+x.Cols-1 of s from
// the columns of x. index, when not nil, maps x's rows to the rows of the
// data named in errors; sorted, when long enough, is the robust scaler's
// buffer.
func (s *Scaler) fitColumns(x *tensor.Matrix[float64], lo int, index []int, sorted []float64) error {
	bad := func(i, j int, v float64) error {
		if index != nil {
			i = index[i]
		}
		return fmt.Errorf("data: cannot fit a scaler: row %d, column %d is %v", i, lo+j, v)
	}
	if s.Kind == Robust {
		if len(sorted) < x.Rows {
			sorted = make([]float64, x.Rows)
		}
		return s.fitRobust(x, lo, sorted[:x.Rows], bad)
	}
	n := float64(x.Rows)
	for j := range x.Cols {
		least, most, sum := math.Inf(1), math.Inf(-1), 0.0
		for i := range x.Rows {
			v := x.Data[i*x.Cols+j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return bad(i, j, v)
			}
			least, most, sum = min(least, v), max(most, v), sum+v
		}
		var offset, scale float64
		if s.Kind == MinMax {
			offset, scale = least, most-least
		} else {
			// Two passes: the textbook one-pass formula loses all precision
			// when the mean is large next to the spread.
			mean, ss := sum/n, 0.0
			for i := range x.Rows {
				d := x.Data[i*x.Cols+j] - mean
				ss += d * d
			}
			offset, scale = mean, math.Sqrt(ss/n)
		}
		if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(scale) {
			scale = 1
		}
		s.Offset[lo+j], s.Scale[lo+j] = offset, scale
	}
	return nil
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
		if s.Clip > 0 {
			for j, z := range row {
				row[j] = SmoothClip(z, s.Clip)
			}
		}
	}
	return nil
}

// SmoothClip returns z / sqrt(1 + (z/c)²): about z near zero, and never
// beyond ±c. It is odd, increasing and smooth, so it keeps the order of
// values and their gradients.
func SmoothClip(z, c float64) float64 {
	r := z / c
	return z / math.Sqrt(1+r*r)
}

// unclip inverts SmoothClip for |y| < c; values at or past the bound map to
// ±Inf, as no finite input reaches them.
func unclip(y, c float64) float64 {
	r := y / c
	if r*r >= 1 {
		return math.Copysign(math.Inf(1), y)
	}
	return y / math.Sqrt(1-r*r)
}

// fitRobust sets the Robust statistics of columns lo on of s from x:
// median and interquartile range per column (linear interpolation between
// order statistics, numpy's default), half the range when the quartiles
// agree, and 1 for a constant column. A column of only 0s and 1s is left as
// it is. col (x.Rows long) holds each column while it is sorted.
func (s *Scaler) fitRobust(x *tensor.Matrix[float64], lo int, col []float64, bad func(i, j int, v float64) error) error {
	for j := range x.Cols {
		for i := range x.Rows {
			v := x.Data[i*x.Cols+j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return bad(i, j, v)
			}
			col[i] = v
		}
		slices.Sort(col)
		if col[0] == 0 && col[len(col)-1] == 1 && !slices.ContainsFunc(col, func(v float64) bool { return v != 0 && v != 1 }) {
			// A 0/1 column (one-hot, say) is already on the scale the
			// others are brought to: centring and dividing it would turn a
			// rare category into a large value.
			s.Offset[lo+j], s.Scale[lo+j] = 0, 1
			continue
		}
		med := quantile(col, 0.5)
		scale := quantile(col, 0.75) - quantile(col, 0.25)
		if scale == 0 {
			scale = (col[len(col)-1] - col[0]) / 2
		}
		if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(scale) {
			scale = 1
		}
		s.Offset[lo+j], s.Scale[lo+j] = med, scale
	}
	return nil
}

// quantile returns the q-quantile of sorted values by linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
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
			z := row[j]
			if s.Clip > 0 {
				z = unclip(z, s.Clip)
			}
			row[j] = z*s.Scale[j] + s.Offset[j]
		}
	}
	return nil
}

func (s *Scaler) check(x *tensor.Matrix[float64]) error {
	switch s.Kind {
	case NoScaling, "":
		return nil
	case Standard, MinMax, Robust:
	default:
		return fmt.Errorf("data: unknown scaler %s", quote(string(s.Kind)))
	}
	if s.Clip < 0 || math.IsNaN(s.Clip) || math.IsInf(s.Clip, 0) {
		return fmt.Errorf("data: corrupt %s scaler: clip %v (want a positive bound, or 0 for none)", s.Kind, s.Clip)
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
