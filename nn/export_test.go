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
