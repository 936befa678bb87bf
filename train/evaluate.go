package train

import (
	"reflect"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/metrics"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// EvalBatch is how many samples an evaluation runs forward at once: large
// enough to keep the matrix kernels busy, small enough not to copy a big
// dataset whole. A front end bounding a network's activation memory counts
// batches of at least this many rows (or the dataset's, if fewer).
const EvalBatch = 256

// evaluator scores a network on one dataset, with its buffers allocated
// once per Fit.
type evaluator[T tensor.Float] struct {
	r         *Rows
	d         *data.Dataset // r.Labels
	x, y      tensor.Matrix[T]
	raw       tensor.Matrix[float64] // the features before r.Prepare
	idx       []int
	pred      *tensor.Matrix[float64] // the network's outputs, for the regression metrics
	predClass []int
	trueClass []int
	sums      bool    // the loss adds per-sample losses rather than averaging
	threshold float64 // the class-1 cut of a one-output classifier
}

// newEvaluator prepares to score networks with loss l on d.
func newEvaluator[T tensor.Float](r *Rows, l loss.Loss[T], outputs int) *evaluator[T] {
	d := r.Labels
	e := &evaluator[T]{r: r, d: d, sums: sumsOverBatch(l), threshold: 0.5}
	if lk, ok := l.(loss.Linked); ok && lk.Link().Name == activation.NameSigmoid {
		e.threshold = 0 // the output is a logit: p > 0.5 means z > 0
	}
	rows := min(EvalBatch, d.Len())
	e.x.Resize(rows, r.cols())
	e.y.Resize(rows, d.Y.Cols)
	if r.Prepare != nil || r.Source != nil {
		e.raw.Resize(rows, r.cols())
	}
	e.idx = make([]int, rows)
	if d.Task == data.Classification {
		e.predClass = make([]int, d.Len())
		e.trueClass = make([]int, d.Len())
		for i := range e.trueClass {
			if d.Y.Cols == 1 {
				if d.Y.Data[i] > 0.5 {
					e.trueClass[i] = 1
				}
			} else {
				e.trueClass[i] = d.Class(i)
			}
		}
	} else {
		e.pred = tensor.New[float64](d.Len(), outputs)
	}
	return e
}

// scores runs the whole dataset through net and returns its loss under l
// and the task's metrics.
func (e *evaluator[T]) scores(net *nn.Network[T], l loss.Loss[T]) Scores {
	trace := net.Trace
	net.Trace = nil // evaluation is not a training step to explain
	training := net.Training()
	net.SetTraining(false) // dropout passes values through, batch norm uses its running statistics
	defer func() {
		net.Trace = trace
		net.SetTraining(training)
	}()

	wl, weighted := l.(*loss.Weighted[T])
	n := e.d.Len()
	var total, weight float64
	for lo := 0; lo < n; lo += EvalBatch {
		hi := min(lo+EvalBatch, n)
		idx := e.idx[:hi-lo]
		for r := range idx {
			idx[r] = lo + r
		}
		gatherX(&e.x, &e.raw, e.r, idx)
		gather(&e.y, e.d.Y, idx, nil)
		out := net.Forward(&e.x)
		switch {
		case weighted:
			// Chunks are combined by their sums: a mean of chunk means
			// would weigh the chunks, not the samples.
			wl.SetWeights(e.chunkWeights(lo, hi))
			s, w := wl.Sums(out, &e.y)
			total += s
			weight += w
		case e.sums:
			total += l.Forward(out, &e.y)
		default:
			total += l.Forward(out, &e.y) * float64(hi-lo) / float64(n)
		}
		e.record(out, lo)
	}
	if weighted && !e.sums && weight > 0 {
		total /= weight // with all weights 0 total is 0, as Weighted's mean of such a batch
	}
	s := Scores{Loss: total}
	switch {
	case e.d.Weights != nil && e.d.Task == data.Classification:
		s.Accuracy = weightedAccuracy(e.predClass, e.trueClass, e.d.Weights)
	case e.d.Weights != nil:
		s.MSE, s.R2 = weightedMSER2(e.pred, e.d.Y, e.d.Weights)
	case e.d.Task == data.Classification:
		s.Accuracy = metrics.Accuracy(e.predClass, e.trueClass)
	default:
		s.MSE = metrics.MSE(e.pred, e.d.Y)
		s.R2 = metrics.R2(e.pred, e.d.Y)
	}
	return s
}

// chunkWeights returns the weights of samples lo to hi, or nil when the
// dataset has none.
func (e *evaluator[T]) chunkWeights(lo, hi int) []float64 {
	if e.d.Weights == nil {
		return nil
	}
	return e.d.Weights[lo:hi]
}

// weightedAccuracy is Σ wᵢ·[predᵢ = truthᵢ] / Σ wᵢ, scikit-learn's
// accuracy_score with sample_weight.
func weightedAccuracy(pred, truth []int, w []float64) float64 {
	var hit, all float64
	for i, p := range pred {
		if p == truth[i] {
			hit += w[i]
		}
		all += w[i]
	}
	return hit / all
}

// weightedMSER2 returns the weighted MSE, Σᵢ wᵢ Σⱼ (pᵢⱼ − tᵢⱼ)² / (k Σᵢ wᵢ)
// over k outputs, and the weighted R², 1 − SS_res/SS_tot with SS_res =
// Σᵢ wᵢ Σⱼ (pᵢⱼ − tᵢⱼ)², SS_tot = Σᵢ wᵢ Σⱼ (tᵢⱼ − μ)² and μ the weighted
// mean of all targets: metrics.MSE and metrics.R2 with each sample counted
// wᵢ times (scikit-learn's with sample_weight for one output), and the same
// rule for constant targets.
func weightedMSER2(pred, truth *tensor.Matrix[float64], w []float64) (mse, r2 float64) {
	k := truth.Cols
	var mu, all float64
	for i, wi := range w {
		for _, t := range truth.Row(i) {
			mu += wi * t
		}
		all += wi
	}
	mu /= all * float64(k)
	var res, tot float64
	for i, wi := range w {
		p := pred.Row(i)
		for j, t := range truth.Row(i) {
			d := p[j] - t
			res += wi * d * d
			e := t - mu
			tot += wi * e * e
		}
	}
	mse = res / (all * float64(k))
	switch {
	case tot != 0:
		r2 = 1 - res/tot
	case res == 0:
		r2 = 1
	}
	return mse, r2
}

// record keeps what the metrics need of the outputs out of samples
// lo, lo+1, ….
func (e *evaluator[T]) record(out *tensor.Matrix[T], lo int) {
	for r := range out.Rows {
		row := out.Row(r)
		if e.pred != nil {
			dst := e.pred.Row(lo + r)
			for j, v := range row {
				dst[j] = float64(v)
			}
			continue
		}
		best := 0
		if len(row) == 1 {
			if float64(row[0]) > e.threshold {
				best = 1
			}
		} else {
			for j, v := range row {
				if v > row[best] {
					best = j
				}
			}
		}
		e.predClass[lo+r] = best
	}
}

// sumsOverBatch reports whether l adds per-sample losses instead of
// averaging them, so that chunks can be combined into the loss of the whole
// set. It reads the Reduction field every loss of package loss has (the
// Loss interface does not expose it); a loss without one counts as a mean.
func sumsOverBatch(l any) bool {
	v := reflect.ValueOf(l)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return false
	}
	f := v.FieldByName("Reduction")
	return f.IsValid() && f.Type() == reflect.TypeFor[loss.Reduction]() && loss.Reduction(f.Int()).SumsOverBatch()
}
