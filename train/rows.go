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
	// X holds the features the samples are drawn from.
	X *tensor.Matrix[float64]
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
	return &Rows{Labels: r.Labels.Labels(idx), X: r.X, Index: index, Prepare: r.Prepare}
}

// check reports rows that do not fit together: as many samples as index
// entries, each in range. Without Prepare it also checks that the
// features read are finite, as data.Dataset.Validate does.
func (r *Rows) check() error {
	if r.Labels == nil || r.X == nil {
		return fmt.Errorf("data: dataset has no features or no targets")
	}
	if err := r.Labels.Validate(); err != nil {
		return err
	}
	n := r.Len()
	if r.Index == nil {
		if r.X.Rows != n {
			return fmt.Errorf("data: %d feature rows but %d target rows", r.X.Rows, n)
		}
		if r.X == r.Labels.X {
			return nil // Validate has checked them
		}
	} else if len(r.Index) != n {
		return fmt.Errorf("data: %d row indices for %d samples", len(r.Index), n)
	}
	for i := range n {
		k := r.row(i)
		if k < 0 || k >= r.X.Rows {
			return fmt.Errorf("data: sample %d is row %d of a %d-row feature matrix", i, k, r.X.Rows)
		}
		if r.Prepare != nil {
			continue
		}
		for j, v := range r.X.Row(k) {
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
// converted to T; scratch holds them in float64 while Prepare works.
func gatherX[T tensor.Float](dst *tensor.Matrix[T], scratch *tensor.Matrix[float64], r *Rows, idx []int) {
	if r.Prepare == nil {
		gather(dst, r.X, idx, r.Index)
		return
	}
	scratch.Resize(len(idx), r.X.Cols)
	for k, i := range idx {
		copy(scratch.Row(k), r.X.Row(r.row(i)))
	}
	r.Prepare(scratch)
	dst.Resize(len(idx), r.X.Cols)
	for k, v := range scratch.Data[:len(idx)*r.X.Cols] {
		dst.Data[k] = T(v)
	}
}
