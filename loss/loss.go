package loss

import (
	"fmt"
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
)

// String returns "mean" or "sum".
func (r Reduction) String() string {
	if r == Sum {
		return "sum"
	}
	return "mean"
}

// scale returns the factor applied to the per-sample sum for n samples.
func (r Reduction) scale(n int) float64 {
	if r == Sum || n == 0 {
		return 1
	}
	return 1 / float64(n)
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
)

// Names lists the losses New accepts.
func Names() []string {
	return []string{NameSquaredError, NameMSE, NameMAE, NameBCE, NameBCEWithLogits, NameCrossEntropy, NameSoftmaxCrossEntropy}
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
	default:
		return nil, fmt.Errorf("unknown loss %q (known: %s)%s", name, strings.Join(Names(), ", "), suggest.Hint(name, Names()))
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
