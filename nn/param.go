package nn

import "github.com/descent-ml/descent/tensor"

// Param is one trainable tensor with its gradient of the same shape.
type Param[T tensor.Float] struct {
	// Name identifies the tensor, e.g. "layer1.weight".
	Name string
	// Value holds the current values.
	Value *tensor.Matrix[T]
	// Grad accumulates dLoss/dValue; ZeroGrad clears it.
	Grad *tensor.Matrix[T]
}

func newParam[T tensor.Float](name string, rows, cols int) *Param[T] {
	return &Param[T]{Name: name, Value: tensor.New[T](rows, cols), Grad: tensor.New[T](rows, cols)}
}

// Layer is one stage of a feed-forward network working on a batch, one
// sample per row.
type Layer[T tensor.Float] interface {
	// Forward computes the layer's output for the batch x. The returned
	// matrix belongs to the layer and is valid until the next Forward; x
	// must stay unchanged until Backward has run.
	Forward(x *tensor.Matrix[T]) *tensor.Matrix[T]
	// Backward takes dLoss/dOutput for the last Forward, adds the
	// parameters' gradients to their Grad, and returns dLoss/dInput, or nil
	// when inputGrad is false (the first layer needs none).
	Backward(dOut *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T]
	// Params returns the layer's trainable tensors in a fixed order.
	Params() []*Param[T]
	// Inputs and Outputs give the layer's width on each side.
	Inputs() int
	Outputs() int
}
