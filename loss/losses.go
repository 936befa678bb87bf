package loss

import (
	"math"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// SquaredError is the tutorial's error (p − t)², summed over a sample's
// outputs. Its gradient is 2(p − t).
type SquaredError[T tensor.Float] struct{ Reduction Reduction }

// Name returns "squared_error".
func (SquaredError[T]) Name() string { return NameSquaredError }

// Forward returns the reduced Σⱼ (pⱼ − tⱼ)².
func (l SquaredError[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	if c, ok := l.Reduction.all(pred.Rows, pred.Cols); ok {
		return c * sumSquares(pred, target)
	}
	return l.Reduction.scale(pred.Rows) * sumSquares(pred, target)
}

// Backward sets grad = 2(p − t), scaled by the reduction.
func (l SquaredError[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	if c, ok := l.Reduction.all(pred.Rows, pred.Cols); ok {
		diffTimes(grad, pred, target, T(2*c))
		return
	}
	diffTimes(grad, pred, target, T(2*l.Reduction.scale(pred.Rows)))
}

// MSE is the mean squared error (1/k) Σⱼ (pⱼ − tⱼ)² over a sample's k
// outputs.
type MSE[T tensor.Float] struct{ Reduction Reduction }

// Name returns "mse".
func (MSE[T]) Name() string { return NameMSE }

// Forward returns the reduced mean squared error.
func (l MSE[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	if c, ok := l.Reduction.all(pred.Rows, pred.Cols); ok {
		return c * sumSquares(pred, target)
	}
	return l.Reduction.scale(pred.Rows) * sumSquares(pred, target) / float64(pred.Cols)
}

// Backward sets grad = 2(p − t)/k, scaled by the reduction.
func (l MSE[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	if c, ok := l.Reduction.all(pred.Rows, pred.Cols); ok {
		diffTimes(grad, pred, target, T(2*c))
		return
	}
	diffTimes(grad, pred, target, T(2*l.Reduction.scale(pred.Rows)/float64(pred.Cols)))
}

// MAE is the mean absolute error (1/k) Σⱼ |pⱼ − tⱼ|. Its gradient is
// sign(p − t)/k, taken as 0 where p = t.
type MAE[T tensor.Float] struct{ Reduction Reduction }

// Name returns "mae".
func (MAE[T]) Name() string { return NameMAE }

// Forward returns the reduced mean absolute error.
func (l MAE[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	t := target.Values()
	var s float64
	for i, p := range pred.Values() {
		s += math.Abs(float64(p - t[i]))
	}
	if c, ok := l.Reduction.all(pred.Rows, pred.Cols); ok {
		return c * s
	}
	return l.Reduction.scale(pred.Rows) * s / float64(pred.Cols)
}

// Backward sets grad = sign(p − t)/k, scaled by the reduction.
func (l MAE[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	c := T(l.Reduction.scale(pred.Rows) / float64(pred.Cols))
	if ca, ok := l.Reduction.all(pred.Rows, pred.Cols); ok {
		c = T(ca)
	}
	t, g := target.Values(), grad.Values()
	for i, p := range pred.Values() {
		switch d := p - t[i]; {
		case d > 0:
			g[i] = c
		case d < 0:
			g[i] = -c
		default:
			g[i] = 0
		}
	}
}

// probEpsilon keeps log(p) and 1/p finite when a probability output
// saturates at exactly 0 or 1.
const probEpsilon = 1e-12

func clampProb(p float64) float64 { return math.Min(math.Max(p, probEpsilon), 1-probEpsilon) }

// BCE is binary cross-entropy on probabilities p ∈ (0, 1), e.g. a sigmoid
// output: −Σⱼ [tⱼ log pⱼ + (1 − tⱼ) log(1 − pⱼ)]. Probabilities are
// clamped to [1e-12, 1 − 1e-12]. Prefer BCEWithLogits, which is exact for
// saturated outputs.
type BCE[T tensor.Float] struct{ Reduction Reduction }

// Name returns "bce".
func (BCE[T]) Name() string { return NameBCE }

// Forward returns the reduced binary cross-entropy.
func (l BCE[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	t := target.Values()
	var s float64
	for i, pv := range pred.Values() {
		p, tv := clampProb(float64(pv)), float64(t[i])
		s -= tv*math.Log(p) + (1-tv)*math.Log(1-p)
	}
	return elementScale(l.Reduction, pred) * s
}

// Backward sets grad = (p − t)/(p(1 − p)), scaled by the reduction.
func (l BCE[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	c := elementScale(l.Reduction, pred)
	t, g := target.Values(), grad.Values()
	for i, pv := range pred.Values() {
		p := clampProb(float64(pv))
		g[i] = T(c * (p - float64(t[i])) / (p * (1 - p)))
	}
}

// BCEWithLogits is binary cross-entropy on logits z, with p = σ(z):
// per element max(z, 0) − z·t + log(1 + e^−|z|), exact for any z. Its
// gradient is σ(z) − t.
//
// Smoothing ε in [0, 1] replaces each target t by t(1 − ε) + ε/2 before
// the loss is taken, pulling hard 0/1 labels towards ½ (Keras's
// BinaryCrossentropy(label_smoothing=ε); PyTorch's BCEWithLogitsLoss has
// no smoothing). Zero smoothing leaves the targets untouched.
type BCEWithLogits[T tensor.Float] struct {
	Reduction Reduction
	Smoothing float64
}

// Name returns "bce_logits".
func (BCEWithLogits[T]) Name() string { return NameBCEWithLogits }

// Link returns sigmoid.
func (BCEWithLogits[T]) Link() activation.Spec { return activation.Spec{Name: activation.NameSigmoid} }

// Forward returns the reduced binary cross-entropy of σ(z) against t.
func (l BCEWithLogits[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	t := target.Values()
	var s float64
	for i, zv := range pred.Values() {
		z := float64(zv)
		s += math.Max(z, 0) - z*l.smooth(t[i]) + math.Log1p(math.Exp(-math.Abs(z)))
	}
	return elementScale(l.Reduction, pred) * s
}

// Backward sets grad = σ(z) − t (t smoothed), scaled by the reduction.
func (l BCEWithLogits[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	c := elementScale(l.Reduction, pred)
	t, g := target.Values(), grad.Values()
	for i, zv := range pred.Values() {
		g[i] = T(c * (kernel.ScalarSigmoid(float64(zv)) - l.smooth(t[i])))
	}
}

// smooth returns the smoothed binary target t(1 − ε) + ε/2. It returns t
// itself when ε is zero so that unsmoothed results keep their exact bits.
func (l BCEWithLogits[T]) smooth(t T) float64 {
	if l.Smoothing == 0 {
		return float64(t)
	}
	return float64(t)*(1-l.Smoothing) + l.Smoothing/2
}

// CrossEntropy is categorical cross-entropy on probabilities (a softmax
// output): −Σⱼ tⱼ log pⱼ, with p clamped to at least 1e-12. Prefer
// SoftmaxCrossEntropy on logits, which is exact and cheaper.
type CrossEntropy[T tensor.Float] struct{ Reduction Reduction }

// Name returns "cross_entropy".
func (CrossEntropy[T]) Name() string { return NameCrossEntropy }

// Forward returns the reduced cross-entropy.
func (l CrossEntropy[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	t := target.Values()
	var s float64
	for i, p := range pred.Values() {
		if t[i] != 0 {
			s -= float64(t[i]) * math.Log(math.Max(float64(p), probEpsilon))
		}
	}
	return l.Reduction.scale(pred.Rows) * s
}

// Backward sets grad = −t/p, scaled by the reduction.
func (l CrossEntropy[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	c := l.Reduction.scale(pred.Rows)
	t, g := target.Values(), grad.Values()
	for i, p := range pred.Values() {
		g[i] = T(-c * float64(t[i]) / math.Max(float64(p), probEpsilon))
	}
}

// SoftmaxCrossEntropy is categorical cross-entropy fused with softmax, on
// logits z: Σⱼ tⱼ (log Σₘ e^{zₘ} − zⱼ) per sample, with the row maximum
// subtracted first so it never overflows. For targets that sum to one (a
// one-hot row) the gradient is softmax(z) − t; in general it is
// softmax(z)·Σⱼtⱼ − t.
//
// Smoothing ε in [0, 1] replaces the target row t over K classes by
// (1 − ε)·t + ε/K before the loss is taken, as PyTorch's
// CrossEntropyLoss(label_smoothing=ε) does, so the loss no longer rewards
// driving the logits apart without bound. Zero smoothing leaves the
// targets untouched.
type SoftmaxCrossEntropy[T tensor.Float] struct {
	Reduction Reduction
	Smoothing float64
}

// Name returns "softmax_cross_entropy".
func (SoftmaxCrossEntropy[T]) Name() string { return NameSoftmaxCrossEntropy }

// Link returns softmax.
func (SoftmaxCrossEntropy[T]) Link() activation.Spec {
	return activation.Spec{Name: activation.NameSoftmax}
}

// Forward returns the reduced cross-entropy of softmax(z) against t.
func (l SoftmaxCrossEntropy[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	var s float64
	for i := 0; i < pred.Rows; i++ {
		z, t := pred.Row(i), target.Row(i)
		mx, lse := logSumExp(z)
		for j, tv := range t {
			if st := l.smooth(tv, len(t)); st != 0 {
				s += st * (mx + lse - float64(z[j]))
			}
		}
	}
	return l.Reduction.scale(pred.Rows) * s
}

// Backward sets grad = softmax(z)·Σⱼtⱼ − t (t smoothed), scaled by the
// reduction.
func (l SoftmaxCrossEntropy[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	c := l.Reduction.scale(pred.Rows)
	for i := 0; i < pred.Rows; i++ {
		l.gradRow(grad.Row(i), pred.Row(i), target.Row(i), c)
	}
}

// gradRow sets one row's gradient g = c·(softmax(z)·Σⱼtⱼ − t) and returns
// the row's maximum and log-sum-exp.
func (l SoftmaxCrossEntropy[T]) gradRow(g, z, t []T, c float64) (mx, lse float64) {
	mx, lse = logSumExp(z)
	var tsum float64
	for _, tv := range t {
		tsum += l.smooth(tv, len(t))
	}
	for j, zv := range z {
		p := math.Exp(float64(zv) - mx - lse)
		g[j] = T(c * (p*tsum - l.smooth(t[j], len(t))))
	}
	return mx, lse
}

// smooth returns the smoothed target (1 − ε)·t + ε/k of one of k classes.
// It returns t itself when ε is zero so that unsmoothed results keep their
// exact bits.
func (l SoftmaxCrossEntropy[T]) smooth(t T, k int) float64 {
	if l.Smoothing == 0 {
		return float64(t)
	}
	return (1-l.Smoothing)*float64(t) + l.Smoothing/float64(k)
}

// logSumExp returns the row maximum m and log Σ e^{z−m}.
func logSumExp[T tensor.Float](z []T) (m, lse float64) {
	m = math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, float64(v))
	}
	var s float64
	for _, v := range z {
		s += math.Exp(float64(v) - m)
	}
	return m, math.Log(s)
}

// elementScale returns the factor on the total of the element losses of a
// loss that sums over a sample's outputs under Mean and Sum.
func elementScale[T tensor.Float](r Reduction, pred *tensor.Matrix[T]) float64 {
	if c, ok := r.all(pred.Rows, pred.Cols); ok {
		return c
	}
	return r.scale(pred.Rows)
}

func sumSquares[T tensor.Float](pred, target *tensor.Matrix[T]) float64 {
	t := target.Values()
	var s float64
	for i, p := range pred.Values() {
		d := float64(p - t[i])
		s += d * d
	}
	return s
}

// diffTimes sets grad = c·(pred − target).
func diffTimes[T tensor.Float](grad, pred, target *tensor.Matrix[T], c T) {
	t, g := target.Values(), grad.Values()
	for i, p := range pred.Values() {
		g[i] = c * (p - t[i])
	}
}
