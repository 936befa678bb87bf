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
