package loss

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/tensor"
)

// Weighted weighs each sample's loss: with per-sample weights wᵢ ≥ 0 for
// the current batch and ℓᵢ the inner Loss of row i alone, it gives
//
//	Mean:  Σᵢ wᵢ ℓᵢ / Σᵢ wᵢ
//	Sum:   Σᵢ wᵢ ℓᵢ
//
// The mean is normalised by the weights, not by the row count: PyTorch's
// CrossEntropyLoss(weight=…, reduction="mean") does the same with class
// weights, so a batch's loss stays on the unweighted scale whatever the
// weights' size. (Keras's sample_weight and PyTorch's BCELoss(weight=…)
// divide by the row count instead.) A mean over a batch whose weights are
// all zero is 0 with a zero gradient: such a batch carries nothing to
// learn from, and NaN would poison the weights.
//
// It relies on the inner loss being a sum over rows of a per-row loss, as
// every loss in this package is: ℓᵢ is the inner loss of the one-row batch
// i, where Mean and Sum agree, so only the inner loss's convention within
// a sample matters: give the inner loss MeanAll (or SumAll) for PyTorch's
// average (sum) over the outputs. Weighted's Reduction says how rows
// combine; its MeanAll counts as Mean and SumAll as Sum. Without weights (SetWeights(nil), the
// zero value) every wᵢ is 1 and Weighted equals its inner loss with the
// same reduction, up to rounding in the last bit.
//
// Name and Link are the inner loss's, so a model trained with weights is
// saved and predicts as one trained without. Use a pointer: SetWeights
// changes it, and its row buffers are reused from batch to batch so that
// a step allocates nothing. A Weighted is not safe for concurrent use.
type Weighted[T tensor.Float] struct {
	// Loss is the per-row loss being weighed.
	Loss Loss[T]
	// Reduction says how weighted per-row losses combine over a batch.
	Reduction Reduction

	w        []float64
	weighted bool
	// One-row views into the batch, kept here so that passing them to the
	// inner loss allocates nothing.
	pv, tv, gv tensor.Matrix[T]
}

// SetWeights sets the weights of the next batches' rows, one per row, in
// row order; nil removes them (every weight 1). The weights are copied.
// Each must be finite and non-negative: check weights that come from a
// user with ValidateWeights first, where the error can say where the bad
// one came from; SetWeights panics on one, as a programmer's mistake.
func (l *Weighted[T]) SetWeights(w []float64) {
	if err := ValidateWeights(w); err != nil {
		panic("loss: SetWeights: " + err.Error())
	}
	l.weighted = w != nil
	l.w = append(l.w[:0], w...)
}

// Weights returns the weights SetWeights set (nil for none). The slice is
// Weighted's own and is overwritten by the next SetWeights.
func (l *Weighted[T]) Weights() []float64 {
	if !l.weighted {
		return nil
	}
	return l.w
}

// ValidateWeights returns an error naming the first weight that is
// negative, NaN or infinite.
func ValidateWeights(w []float64) error {
	for i, v := range w {
		if !(v >= 0 && v <= math.MaxFloat64) { // written so that NaN fails too
			return fmt.Errorf("weight %d is %v; weights must be finite and not negative", i, v)
		}
	}
	return nil
}

// Name returns the inner loss's name.
func (l *Weighted[T]) Name() string { return l.Loss.Name() }

// Link returns the inner loss's link if it has one (Linked), else
// identity: the network's output is then the prediction itself.
func (l *Weighted[T]) Link() activation.Spec {
	if ln, ok := l.Loss.(Linked); ok {
		return ln.Link()
	}
	return activation.Spec{Name: activation.NameIdentity}
}

// Forward returns the reduced weighted loss of the batch.
func (l *Weighted[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	s, w := l.Sums(pred, target)
	return l.reduce(s, w)
}

// Sums returns the batch's unreduced Σᵢ wᵢ ℓᵢ and Σᵢ wᵢ (the row count
// without weights). A caller that scores a data set in chunks adds both
// over the chunks and divides at the end, to get the mean of the whole.
func (l *Weighted[T]) Sums(pred, target *tensor.Matrix[T]) (loss, weight float64) {
	mustMatch(l.Loss.Name(), pred, target)
	l.mustFit(pred.Rows)
	for i := 0; i < pred.Rows; i++ {
		wi := l.weight(i)
		if wi == 0 {
			continue // as in Backward: a row that weighs nothing adds nothing, even an infinite loss
		}
		loss += wi * l.Loss.Forward(l.view(&l.pv, pred, i), l.view(&l.tv, target, i))
		weight += wi
	}
	return loss, weight
}

// Backward sets grad = dLoss/dpred: row i of the inner loss's gradient on
// row i alone, times wᵢ/Σw for the mean or wᵢ for the sum.
func (l *Weighted[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Loss.Name(), grad, pred, target)
	l.mustFit(pred.Rows)
	var total float64
	for i := 0; i < pred.Rows; i++ {
		total += l.weight(i)
	}
	for i := 0; i < pred.Rows; i++ {
		g := l.view(&l.gv, grad, i)
		c := l.reduce(l.weight(i), total)
		if c == 0 {
			// A zero weight's row has no gradient, even where the inner
			// gradient is infinite.
			clear(g.Data)
			continue
		}
		l.Loss.Backward(g, l.view(&l.pv, pred, i), l.view(&l.tv, target, i))
		if c != 1 {
			for j := range g.Data {
				g.Data[j] *= T(c)
			}
		}
	}
}

// reduce divides a weighted sum s by the weight w for the mean.
func (l *Weighted[T]) reduce(s, w float64) float64 {
	if l.Reduction.SumsOverBatch() {
		return s
	}
	if w == 0 {
		return 0
	}
	return s / w
}

// weight returns row i's weight.
func (l *Weighted[T]) weight(i int) float64 {
	if !l.weighted {
		return 1
	}
	return l.w[i]
}

func (l *Weighted[T]) mustFit(rows int) {
	if l.weighted && len(l.w) != rows {
		panic(fmt.Sprintf("loss: weighted %s has %d weights for a batch of %d rows", l.Loss.Name(), len(l.w), rows))
	}
}

// view points v at row i of m and returns it.
func (l *Weighted[T]) view(v *tensor.Matrix[T], m *tensor.Matrix[T], i int) *tensor.Matrix[T] {
	v.Rows, v.Cols, v.Data = 1, m.Cols, m.Row(i)
	return v
}

// BalancedClassWeights returns scikit-learn's "balanced" class weights for
// the class indices of a data set's rows, each in [0, k): class c weighs
// n/(k·countᶜ), so every class carries the same total weight and a
// weighted mean loss treats them as if they were equally common. A class
// with no rows gets weight 0 (it has no rows to weigh). A class index
// outside [0, k) is a programmer's mistake and panics.
//
// To weigh samples by class, give row i the weight of its class:
//
//	cw := loss.BalancedClassWeights(classes, k)
//	w := make([]float64, len(batch))
//	for r, i := range batch {
//		w[r] = cw[classes[i]]
//	}
//	weighted.SetWeights(w)
//
// and multiply by per-sample weights, if there are any, row by row.
func BalancedClassWeights(classes []int, k int) []float64 {
	count := make([]int, k)
	for i, c := range classes {
		if c < 0 || c >= k {
			panic(fmt.Sprintf("loss: BalancedClassWeights: row %d has class %d, outside [0, %d)", i, c, k))
		}
		count[c]++
	}
	w := make([]float64, k)
	for c, n := range count {
		if n > 0 {
			w[c] = float64(len(classes)) / (float64(k) * float64(n))
		}
	}
	return w
}
