package nn

import "github.com/descent-ml/descent/tensor"

// UseGeneralPath makes n's dense layers take the general path for every
// shape: products through tensor.Mul, activations through their Func's
// methods. Tests compare it with the short cuts for small products.
func UseGeneralPath[T tensor.Float](n *Network[T]) {
	for _, l := range n.Layers {
		if d, ok := l.(*Dense[T]); ok {
			d.general = true
		}
	}
}

// TakesShards reports whether Gradient on a batch of rows takes the
// data-parallel step.
func TakesShards[T tensor.Float](n *Network[T], rows int) bool { return n.par.ready(n, rows) }
