package loss

import (
	"fmt"
	"strings"

	"github.com/descent-ml/descent/activation"
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

// New returns the named loss with the given batch reduction.
func New[T tensor.Float](name string, r Reduction) (Loss[T], error) {
	switch strings.ToLower(name) {
	case NameSquaredError, "se":
		return SquaredError[T]{r}, nil
	case NameMSE:
		return MSE[T]{r}, nil
	case NameMAE:
		return MAE[T]{r}, nil
	case NameBCE, "binary_cross_entropy":
		return BCE[T]{r}, nil
	case NameBCEWithLogits:
		return BCEWithLogits[T]{r}, nil
	case NameCrossEntropy:
		return CrossEntropy[T]{r}, nil
	case NameSoftmaxCrossEntropy, "softmax_ce", "categorical_cross_entropy":
		return SoftmaxCrossEntropy[T]{r}, nil
	}
	return nil, fmt.Errorf("unknown loss %q (known: %s)", name, strings.Join(Names(), ", "))
}

func mustMatch[T tensor.Float](name string, ms ...*tensor.Matrix[T]) {
	for _, m := range ms[1:] {
		if !tensor.SameShape(ms[0], m) {
			panic(fmt.Sprintf("loss: %s shape mismatch %d×%d vs %d×%d", name, ms[0].Rows, ms[0].Cols, m.Rows, m.Cols))
		}
	}
}
