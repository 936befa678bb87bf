package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/tensor"
)

// Task says what kind of target a dataset has.
type Task int

const (
	// Regression targets are real values, one column per output.
	Regression Task = iota
	// Classification targets are class labels, stored one-hot in Y.
	Classification
)

// String returns "regression" or "classification".
func (t Task) String() string {
	switch t {
	case Regression:
		return "regression"
	case Classification:
		return "classification"
	}
	return fmt.Sprintf("Task(%d)", int(t))
}

// Dataset is a table of samples: one row of X per sample and the matching
// row of Y as its target. Data is kept in float64; a training loop converts
// each mini-batch to the network's element type as it gathers it, so no
// second full-size copy is made.
//
// A loader asked for it (MNISTOptions.Float32, CSVOptions.Float32) may
// instead keep the features in float32, half the memory, when every value
// reads back exactly: X is then nil, and the features are read through
// NumFeatures and ReadFeatures, which give the same float64 values X would
// have held. Only code that reads features that way (the fit and train
// packages) takes such a dataset; Float64 turns it back.
type Dataset struct {
	// X holds the features, n samples × d features; nil when they are
	// stored in float32 (see Compact).
	X *tensor.Matrix[float64]
	// Y holds the targets: n × outputs values for regression, n × classes
	// one-hot rows for classification.
	Y *tensor.Matrix[float64]
	// Task says how Y is to be read.
	Task Task
	// FeatureNames names the columns of X (may be nil).
	FeatureNames []string
	// TargetNames names the target columns (regression) or the target
	// column (classification); may be nil.
	TargetNames []string
	// ClassNames names the classes in the order of Y's columns
	// (classification only).
	ClassNames []string
	// Weights, when not nil, weighs the samples: one finite, non-negative
	// value per row, not all zero. Training weighs each sample's loss by
	// it, and the metrics computed while training weigh each sample the
	// same way. nil means every sample weighs 1.
	Weights []float64
	// PendingFill, when it is MissingMean, MissingMedian or MissingMode,
	// says that X still holds NaN where a feature value was missing
	// (CSVOptions.KeepMissing) and names the policy a trainer fills them
	// by; Validate accepts NaN in X only then. Zero means X is complete.
	PendingFill MissingPolicy
	// DroppedRows counts the rows of the source file that the
	// missing-value policy dropped (a missing target, or any missing value
	// with MissingDrop); they are not in X.
	DroppedRows int
	// IDs holds, when CSVOptions.IDColumn was set, that column's text for
	// each row of X.
	IDs []string
	// SampleShape, when not nil, is the shape of one sample, outermost
	// first, its values laid out in X's row in row-major order: {1, 28,
	// 28} for MNIST's grey images (channels, height, width), which
	// convolutions need. Its product is X's column count. nil means a
	// flat row of features.
	SampleShape []int

	// x32, when X is nil, holds the features in float32; feature j of
	// row i is float64(x32.At(i, j)) / div, div 0 meaning 1. MNIST keeps
	// its pixels' byte values 0 to 255 with div 255, so that each reads as
	// exactly the float64 b/255 that X would hold.
	x32 *tensor.Matrix[float32]
	div float64
}

// Len returns the number of samples.
func (d *Dataset) Len() int {
	if d.X == nil && d.x32 != nil {
		return d.x32.Rows
	}
	return d.X.Rows
}

// NumFeatures returns the number of feature columns, whichever way they
// are stored.
func (d *Dataset) NumFeatures() int {
	if d.X == nil && d.x32 != nil {
		return d.x32.Cols
	}
	return d.X.Cols
}

// Compact reports whether the features are stored in float32 (X is nil).
func (d *Dataset) Compact() bool { return d.X == nil && d.x32 != nil }

// ReadFeatures copies features lo to lo+len(dst)-1 of sample i into dst,
// as float64: the values X holds, or would hold when the features are
// stored in float32.
func (d *Dataset) ReadFeatures(i, lo int, dst []float64) {
	if !d.Compact() {
		copy(dst, d.X.Row(i)[lo:lo+len(dst)])
		return
	}
	src := d.x32.Row(i)[lo : lo+len(dst)]
	if d.div == 0 || d.div == 1 {
		for j, v := range src {
			dst[j] = float64(v)
		}
		return
	}
	for j, v := range src {
		dst[j] = float64(v) / d.div
	}
}

// Float64 returns d with its features in X, converting them when they are
// stored in float32 (a new dataset sharing everything else), or d itself.
func (d *Dataset) Float64() *Dataset {
	if !d.Compact() {
		return d
	}
	out := *d
	out.X = tensor.New[float64](d.x32.Rows, d.x32.Cols)
	for i := range d.x32.Rows {
		d.ReadFeatures(i, 0, out.X.Row(i))
	}
	out.x32, out.div = nil, 0
	return &out
}

// Float32 returns d with its features stored in float32 (see Compact) when
// every one of them reads back exactly so, sharing everything else, and
// false otherwise; a dataset already so stored is returned as it is. It
// holds both copies while it converts; the loaders store float32 from the
// start.
func (d *Dataset) Float32() (*Dataset, bool) {
	if d.Compact() {
		return d, true
	}
	x := tensor.New[float32](d.X.Rows, d.X.Cols)
	for k, v := range d.X.Data {
		if !exact32(v) {
			return d, false
		}
		x.Data[k] = float32(v)
	}
	out := *d
	out.X, out.x32, out.div = nil, x, 0
	return &out, true
}

// exact32 reports whether v reads back from float32 as itself (NaN, a
// missing value, counts as exact: it stays NaN).
func exact32(v float64) bool { return float64(float32(v)) == v || v != v }

// Class returns the class index of sample i: the column of the largest value
// in row i of Y (classification only).
func (d *Dataset) Class(i int) int {
	row := d.Y.Row(i)
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}

// Subset returns a new dataset with the rows in idx, in that order. The
// names are shared, the numbers copied. DroppedRows, a fact about the
// file, is 0 in the subset.
func (d *Dataset) Subset(idx []int) *Dataset { return d.subset(idx, d.NumFeatures()) }

// subset is Subset keeping the first cols columns of X: all, or none for
// Labels.
func (d *Dataset) subset(idx []int, cols int) *Dataset {
	out := *d
	out.DroppedRows = 0
	if cols != d.NumFeatures() {
		out.SampleShape = nil // no features, so no shape
	}
	out.X, out.x32 = tensor.New[float64](len(idx), cols), nil
	if cols > 0 && d.Compact() {
		out.X, out.x32 = nil, tensor.New[float32](len(idx), cols)
	}
	out.Y = tensor.New[float64](len(idx), d.Y.Cols)
	if d.Weights != nil {
		out.Weights = make([]float64, len(idx))
	}
	if d.IDs != nil {
		out.IDs = make([]string, len(idx))
	}
	for r, i := range idx {
		if out.x32 != nil {
			copy(out.x32.Row(r), d.x32.Row(i))
		} else {
			d.ReadFeatures(i, 0, out.X.Row(r))
		}
		copy(out.Y.Row(r), d.Y.Row(i))
		if d.Weights != nil {
			out.Weights[r] = d.Weights[i]
		}
		if d.IDs != nil {
			out.IDs[r] = d.IDs[i]
		}
	}
	return &out
}

// Labels returns the rows idx of d, in that order, without their
// features: X has len(idx) rows and no columns, while Y, Weights and IDs
// are copied as Subset copies them. A training loop that reads the
// features by index from the full matrix (train.Rows) takes each part's
// targets and weights from it, so holding out a validation part copies
// the small targets rather than the features. DroppedRows is 0, as in
// Subset.
func (d *Dataset) Labels(idx []int) *Dataset { return d.subset(idx, 0) }

// Validate checks that X and Y agree in length, that every number is
// finite and that the weights, if any, are one per sample, finite, not
// negative and not all zero, returning an error that names the first bad
// cell or weight.
func (d *Dataset) Validate() error {
	if (d.X == nil && d.x32 == nil) || d.Y == nil {
		return fmt.Errorf("data: dataset has no features or no targets")
	}
	if d.Len() != d.Y.Rows {
		return fmt.Errorf("data: %d feature rows but %d target rows", d.Len(), d.Y.Rows)
	}
	if err := CheckSampleShape(d.SampleShape, d.NumFeatures()); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	bad := func(what string, i, j int, v float64) error {
		return fmt.Errorf("data: sample %d, %s column %d is %v, not a finite number", i, what, j, v)
	}
	if d.Compact() {
		for k, v := range d.x32.Data {
			if v != v && d.PendingFill.Fills() {
				continue // a missing value the trainer will fill
			}
			if f := float64(v); f != f || f > maxFinite || f < -maxFinite {
				return bad("feature", k/d.x32.Cols, k%d.x32.Cols, f)
			}
		}
	}
	for _, m := range []struct {
		name string
		m    *tensor.Matrix[float64]
	}{{"feature", d.X}, {"target", d.Y}} {
		if m.m == nil {
			continue // features in float32, checked above
		}
		for i, v := range m.m.Values() {
			if v != v && m.name == "feature" && d.PendingFill.Fills() {
				continue // a missing value the trainer will fill
			}
			if v != v || v > maxFinite || v < -maxFinite {
				return bad(m.name, i/m.m.Cols, i%m.m.Cols, v)
			}
		}
	}
	return d.validateWeights()
}

// CheckSampleShape reports a sample shape that does not fit samples of
// the given number of features: a dimension below 1, or a product that is
// not the feature count. A nil shape fits any count.
func CheckSampleShape(shape []int, features int) error {
	if shape == nil {
		return nil
	}
	size, over := 1, false
	for _, d := range shape {
		if d < 1 {
			return fmt.Errorf("sample shape %s: every dimension must be at least 1", shapeString(shape))
		}
		if size > math.MaxInt/d {
			over = true // too many values for an int to count
			continue
		}
		size *= d
	}
	switch {
	case len(shape) == 0:
		return fmt.Errorf("sample shape is empty; want one dimension or more, e.g. %d", features)
	case over:
		return fmt.Errorf("sample shape %s holds more values than an int counts, but each sample has %d features", shapeString(shape), features)
	case size != features:
		return fmt.Errorf("sample shape %s holds %d values, but each sample has %d features", shapeString(shape), size, features)
	}
	return nil
}

// shapeString writes a shape as e.g. "1×28×28".
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, "×")
}

// validateWeights checks d.Weights (see Dataset.Weights).
func (d *Dataset) validateWeights() error {
	if d.Weights == nil {
		return nil
	}
	if len(d.Weights) != d.Len() {
		return fmt.Errorf("data: %d weights for %d samples", len(d.Weights), d.Len())
	}
	var sum float64
	for i, w := range d.Weights {
		if !(w >= 0 && w <= maxFinite) { // written so that NaN fails too
			return fmt.Errorf("data: sample %d has weight %v; weights must be finite and not negative", i, w)
		}
		sum += w
	}
	if sum > maxFinite {
		return fmt.Errorf("data: the weights add up to more than a float64 holds; scale them down")
	}
	if sum == 0 && len(d.Weights) > 0 {
		return fmt.Errorf("data: every one of the %d samples has weight 0; there is nothing to learn from", len(d.Weights))
	}
	return nil
}

// maxFinite is the largest finite float64; anything beyond it is ±Inf.
const maxFinite = 1.7976931348623157e308
