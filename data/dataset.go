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
type Dataset struct {
	// X holds the features, n samples × d features.
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
}

// Len returns the number of samples.
func (d *Dataset) Len() int { return d.X.Rows }

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
func (d *Dataset) Subset(idx []int) *Dataset { return d.subset(idx, d.X.Cols) }

// subset is Subset keeping the first cols columns of X: all, or none for
// Labels.
func (d *Dataset) subset(idx []int, cols int) *Dataset {
	out := *d
	out.DroppedRows = 0
	if cols != d.X.Cols {
		out.SampleShape = nil // no features, so no shape
	}
	out.X = tensor.New[float64](len(idx), cols)
	out.Y = tensor.New[float64](len(idx), d.Y.Cols)
	if d.Weights != nil {
		out.Weights = make([]float64, len(idx))
	}
	if d.IDs != nil {
		out.IDs = make([]string, len(idx))
	}
	for r, i := range idx {
		copy(out.X.Row(r), d.X.Row(i)[:cols])
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
	if d.X == nil || d.Y == nil {
		return fmt.Errorf("data: dataset has no features or no targets")
	}
	if d.X.Rows != d.Y.Rows {
		return fmt.Errorf("data: %d feature rows but %d target rows", d.X.Rows, d.Y.Rows)
	}
	if err := CheckSampleShape(d.SampleShape, d.X.Cols); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	for _, m := range []struct {
		name string
		m    *tensor.Matrix[float64]
	}{{"feature", d.X}, {"target", d.Y}} {
		for i, v := range m.m.Values() {
			if v != v && m.name == "feature" && d.PendingFill.Fills() {
				continue // a missing value the trainer will fill
			}
			if v != v || v > maxFinite || v < -maxFinite {
				return fmt.Errorf("data: sample %d, %s column %d is %v, not a finite number", i/m.m.Cols, m.name, i%m.m.Cols, v)
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
	if len(d.Weights) != d.X.Rows {
		return fmt.Errorf("data: %d weights for %d samples", len(d.Weights), d.X.Rows)
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
