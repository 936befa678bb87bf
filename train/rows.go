package train

import (
	"fmt"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/tensor"
)

// Rows is a training or validation set given by row index into a feature
// matrix, its features prepared batch by batch as they are read. A front
// end that holds out validation rows, fills missing values and scales
// features can so train on the one matrix it loaded, instead of on copies
// of it: for MNIST each float64 copy is 376 MB.
type Rows struct {
	// Labels holds the samples' targets, task, weights and names, one row
	// per sample. Its X is not read and may have no columns (see
	// data.Dataset.Labels).
	Labels *data.Dataset
	// X holds the features the samples are drawn from, unless Source does.
	X *tensor.Matrix[float64]
	// Source, when not nil, holds the features in X's place, read through
	// data.Dataset.ReadFeatures in whatever storage it keeps them: float32
	// for a data set loaded so (data.Dataset.Compact), which halves the
	// memory training holds. X is then not read.
	Source *data.Dataset
	// Index maps sample i of Labels to row Index[i] of X; nil means row i.
	Index []int
	// Prepare, when not nil, is applied in place to each batch of rows
	// gathered from X, in float64, before they are converted to the
	// network's element type: the fills of missing values and the scaling
	// a copy of the data would otherwise have had. It must treat each row
	// on its own, so that a row comes out the same in any batch, and must
	// not keep x. X may then hold values Prepare replaces (NaN for a
	// missing value); Fit checks the prepared values of a step through the
	// loss instead.
	Prepare func(x *tensor.Matrix[float64])
}

// whole returns d as Rows: its own features, every row, as they are.
func whole(d *data.Dataset) *Rows {
	if d == nil {
		return nil
	}
	if d.Compact() {
		return &Rows{Labels: d, Source: d}
	}
	return &Rows{Labels: d, X: d.X}
}

// Len returns the number of samples.
func (r *Rows) Len() int { return r.Labels.Len() }

// row returns the row of X that holds sample i.
func (r *Rows) row(i int) int {
	if r.Index == nil {
		return i
	}
	return r.Index[i]
}

// subset returns the samples idx of r, in that order, sharing X.
func (r *Rows) subset(idx []int) *Rows {
	index := make([]int, len(idx))
	for k, i := range idx {
		index[k] = r.row(i)
	}
	return &Rows{Labels: r.Labels.Labels(idx), X: r.X, Source: r.Source, Index: index, Prepare: r.Prepare}
}

// cols returns the number of features.
func (r *Rows) cols() int {
	if r.Source != nil {
		return r.Source.NumFeatures()
	}
	return r.X.Cols
}

// sourceRows returns the number of rows the features are drawn from.
func (r *Rows) sourceRows() int {
	if r.Source != nil {
		return r.Source.Len()
	}
	return r.X.Rows
}

// read copies row k of the features into dst, as float64.
func (r *Rows) read(k int, dst []float64) {
	if r.Source != nil {
		r.Source.ReadFeatures(k, 0, dst)
		return
	}
	copy(dst, r.X.Row(k))
}

// check reports rows that do not fit together: as many samples as index
// entries, each in range. Without Prepare it also checks that the
// features read are finite, as data.Dataset.Validate does.
func (r *Rows) check() error {
	if r.Labels == nil || (r.X == nil && r.Source == nil) {
		return fmt.Errorf("data: dataset has no features or no targets")
	}
	if err := r.Labels.Validate(); err != nil {
		return err
	}
	n, rows := r.Len(), r.sourceRows()
	if r.Index == nil {
		if rows != n {
			return fmt.Errorf("data: %d feature rows but %d target rows", rows, n)
		}
		if r.Source == r.Labels || (r.Source == nil && r.X == r.Labels.X) {
			return nil // Validate has checked them
		}
	} else if len(r.Index) != n {
		return fmt.Errorf("data: %d row indices for %d samples", len(r.Index), n)
	}
	var row []float64
	if r.Prepare == nil {
		row = make([]float64, r.cols())
	}
	for i := range n {
		k := r.row(i)
		if k < 0 || k >= rows {
			return fmt.Errorf("data: sample %d is row %d of a %d-row feature matrix", i, k, rows)
		}
		if r.Prepare != nil {
			continue
		}
		r.read(k, row)
		for j, v := range row {
			if v != v || v > maxFinite || v < -maxFinite {
				return fmt.Errorf("data: sample %d, feature column %d is %v, not a finite number", i, j, v)
			}
		}
	}
	return nil
}

// gather copies the rows idx of src (each mapped through index, when not
// nil) into dst, converting to T as it goes. dst keeps its storage when it
// is large enough, as it is for every batch once sized for the largest.
func gather[T tensor.Float](dst *tensor.Matrix[T], src *tensor.Matrix[float64], idx, index []int) {
	dst.Resize(len(idx), src.Cols)
	for r, i := range idx {
		if index != nil {
			i = index[i]
		}
		out := dst.Data[r*src.Cols : (r+1)*src.Cols]
		for j, v := range src.Row(i) {
			out[j] = T(v)
		}
	}
}

// gatherX copies the features of samples idx of r into dst, prepared and
// converted to T; scratch holds them in float64 while Prepare works, and
// while they are read from r.Source.
func gatherX[T tensor.Float](dst *tensor.Matrix[T], scratch *tensor.Matrix[float64], r *Rows, idx []int) {
	if r.Prepare == nil && r.Source == nil {
		gather(dst, r.X, idx, r.Index)
		return
	}
	cols := r.cols()
	scratch.Resize(len(idx), cols)
	for k, i := range idx {
		r.read(r.row(i), scratch.Row(k))
	}
	if r.Prepare != nil {
		r.Prepare(scratch)
	}
	dst.Resize(len(idx), cols)
	for k, v := range scratch.Data[:len(idx)*cols] {
		dst.Data[k] = T(v)
	}
}
