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

// UseLayerByLayer keeps n's Gradient on the layer-by-layer step (on) or
// lets it take the data-parallel one (off).
func UseLayerByLayer[T tensor.Float](n *Network[T], on bool) { n.layerByLayer = on }

// ForceShards makes n's Gradient take the data-parallel step with s
// shards whatever the worker count, where it can; 0 restores the choice.
func ForceShards[T tensor.Float](n *Network[T], s int) { n.par.force = s }

// UseBothAtOnce lets n's dense layers compute their two gradient products
// at the same time where they would (on) or never (off).
func UseBothAtOnce[T tensor.Float](n *Network[T], on bool) {
	for _, l := range n.Layers {
		if d, ok := l.(*Dense[T]); ok {
			d.oneAtATime = !on
		}
	}
}

// BothAtOnce reports whether layer i of n, a dense layer, computes its two
// gradient products at the same time on a batch of rows.
func BothAtOnce[T tensor.Float](n *Network[T], i, rows int) bool {
	return n.Layers[i].(*Dense[T]).bothAtOnce(rows)
}
