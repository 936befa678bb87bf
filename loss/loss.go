package loss

import (
	"fmt"
	"math"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/suggest"
	"github.com/descent-ml/descent/tensor"
)

// Reduction says how per-sample losses combine over a batch.
type Reduction int

const (
	// Mean averages the per-sample losses (the default).
	Mean Reduction = iota
	// Sum adds them, as the tutorial does with its single sample.
	Sum
	// MeanAll is PyTorch's reduction="mean": the element losses averaged
	// over all n·k elements of the batch, whatever the loss does within a
	// sample under Mean; the cross-entropies, whose row is one
	// distribution, are averaged over the n rows only, as PyTorch's
	// CrossEntropyLoss is.
	MeanAll
	// SumAll is PyTorch's reduction="sum": the element losses added over
	// all n·k elements (for the cross-entropies, the same as Sum).
	SumAll
)

// String returns "mean", "sum", "mean_all" or "sum_all".
func (r Reduction) String() string {
	switch r {
	case Sum:
		return "sum"
	case MeanAll:
		return "mean_all"
	case SumAll:
		return "sum_all"
	}
	return "mean"
}

// ParseReduction returns the reduction String names.
func ParseReduction(s string) (Reduction, error) {
	for _, r := range []Reduction{Mean, Sum, MeanAll, SumAll} {
		if s == r.String() {
			return r, nil
		}
	}
	return Mean, fmt.Errorf("unknown reduction %q (known: mean, sum, mean_all, sum_all)", s)
}

// MarshalText writes the reduction's name, so that a saved configuration
// reads "mean_all" rather than a number.
func (r Reduction) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a name ParseReduction accepts.
func (r *Reduction) UnmarshalText(b []byte) error {
	v, err := ParseReduction(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// SumsOverBatch reports whether r adds the batch's losses (Sum, SumAll)
// rather than averaging them.
func (r Reduction) SumsOverBatch() bool { return r == Sum || r == SumAll }

// scale returns the factor applied to the per-sample sum for n samples
// (MeanAll counting as Mean and SumAll as Sum: that is what they are for
// the cross-entropies).
func (r Reduction) scale(n int) float64 {
	if r.SumsOverBatch() || n == 0 {
		return 1
	}
	return 1 / float64(n)
}

// all returns the factor applied to the total of the element losses of an
// n×k batch under MeanAll (1/(n·k)) or SumAll (1), and false for Mean and
// Sum, whose factor depends on the loss's own convention within a sample.
func (r Reduction) all(n, k int) (float64, bool) {
	switch {
	case r == SumAll:
		return 1, true
	case r == MeanAll && n*k > 0:
		return 1 / (float64(n) * float64(k)), true
	case r == MeanAll:
		return 1, true
	}
	return 0, false
}

// Loss is a differentiable measure of prediction error over a batch.
type Loss[T tensor.Float] interface {
	// Name is the loss's registry name.
	Name() string
	// Forward returns the reduced loss of pred against target (same shape).
	Forward(pred, target *tensor.Matrix[T]) float64
	// Backward sets grad = dLoss/dpred for the same reduced loss. grad has
	// pred's shape and may not alias it.
	Backward(grad, pred, target *tensor.Matrix[T])
}

// Linked is implemented by losses that take logits: Link is the activation
// that turns the network's output into predictions (sigmoid or softmax).
type Linked interface {
	Link() activation.Spec
}

// Names of the losses New knows.
const (
	NameSquaredError        = "squared_error"
	NameMSE                 = "mse"
	NameMAE                 = "mae"
	NameBCE                 = "bce"
	NameBCEWithLogits       = "bce_logits"
	NameCrossEntropy        = "cross_entropy"
	NameSoftmaxCrossEntropy = "softmax_cross_entropy"
	NameHuber               = "huber"
	NameSmoothL1            = "smooth_l1"
)

// Names lists the losses New accepts.
func Names() []string {
	return []string{NameSquaredError, NameMSE, NameMAE, NameBCE, NameBCEWithLogits, NameCrossEntropy, NameSoftmaxCrossEntropy, NameHuber, NameSmoothL1}
}

// Options configure a loss built by NewWith. The zero value is the mean
// reduction without label smoothing.
type Options struct {
	// Reduction says how per-sample losses combine over a batch.
	Reduction Reduction
	// Smoothing is the label smoothing ε in [0, 1] of the classification
	// losses on logits (bce_logits and softmax_cross_entropy; see their
	// types for the exact target each uses). Zero means none; other losses
	// accept only zero.
	Smoothing float64
	// Delta is Huber's δ or SmoothL1's β, where the loss turns from
	// quadratic to linear; zero means 1, PyTorch's default for both. Other
	// losses accept only zero. (SmoothL1 with β = 0 is L1Loss: use mae.)
	Delta float64
}

// New returns the named loss with the given batch reduction and no label
// smoothing: NewWith(name, Options{Reduction: r}).
func New[T tensor.Float](name string, r Reduction) (Loss[T], error) {
	return NewWith[T](name, Options{Reduction: r})
}

// NewWith returns the named loss configured by o. It refuses a smoothing
// outside [0, 1] and a non-zero smoothing for a loss that has none, naming
// the losses that do.
func NewWith[T tensor.Float](name string, o Options) (Loss[T], error) {
	if !(o.Smoothing >= 0 && o.Smoothing <= 1) { // written so that NaN fails too
		return nil, fmt.Errorf("loss %s: label smoothing %v is outside [0, 1]", name, o.Smoothing)
	}
	if !(o.Delta >= 0 && o.Delta <= math.MaxFloat64) {
		return nil, fmt.Errorf("loss %s: delta %v: want a positive finite number (or 0 for 1)", name, o.Delta)
	}
	r := o.Reduction
	var l Loss[T]
	switch strings.ToLower(name) {
	case NameSquaredError, "se":
		l = SquaredError[T]{Reduction: r}
	case NameMSE:
		l = MSE[T]{Reduction: r}
	case NameMAE:
		l = MAE[T]{Reduction: r}
	case NameBCE, "binary_cross_entropy":
		l = BCE[T]{Reduction: r}
	case NameBCEWithLogits:
		return BCEWithLogits[T]{Reduction: r, Smoothing: o.Smoothing}, nil
	case NameCrossEntropy:
		l = CrossEntropy[T]{Reduction: r}
	case NameSoftmaxCrossEntropy, "softmax_ce", "categorical_cross_entropy":
		return SoftmaxCrossEntropy[T]{Reduction: r, Smoothing: o.Smoothing}, nil
	case NameHuber:
		l = Huber[T]{Reduction: r, Delta: o.Delta}
	case NameSmoothL1, "smoothl1":
		l = SmoothL1[T]{Reduction: r, Beta: o.Delta}
	default:
		return nil, fmt.Errorf("unknown loss %q (known: %s)%s", name, strings.Join(Names(), ", "), suggest.Hint(name, Names()))
	}
	if _, ok := l.(interface{ delta() float64 }); !ok && o.Delta != 0 {
		return nil, fmt.Errorf("loss %s has no delta (delta %v asked; %s and %s have it)", l.Name(), o.Delta, NameHuber, NameSmoothL1)
	}
	if o.Smoothing != 0 {
		return nil, fmt.Errorf("loss %s has no label smoothing (smoothing %v asked; %s and %s have it)",
			l.Name(), o.Smoothing, NameBCEWithLogits, NameSoftmaxCrossEntropy)
	}
	return l, nil
}

func mustMatch[T tensor.Float](name string, ms ...*tensor.Matrix[T]) {
	for _, m := range ms[1:] {
		if !tensor.SameShape(ms[0], m) {
			panic(fmt.Sprintf("loss: %s shape mismatch %d×%d vs %d×%d", name, ms[0].Rows, ms[0].Cols, m.Rows, m.Cols))
		}
	}
}
