package onnx

import (
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
)

// batchNorm adds the nodes of the batchnorm layer named layer, whose
// input sample has shape in, taking γ and β from m.Params[p:] and the
// running statistics from m.Buffers by name: one BatchNormalization in
// inference mode, as PyTorch exports BatchNorm1d and BatchNorm2d in eval
// mode. shaped says whether the value flowing in is already batch×in
// (after a spatial layer) rather than flat; a flat value of a sample
// with more than one dimension is reshaped first, so that its first
// dimension is ONNX's channel axis. It returns whether the value flowing
// out is shaped.
func (b *graphBuilder) batchNorm(m *model.Model, layer string, in nn.Shape, p int, shaped bool, add func(string, func(in, out string))) bool {
	if !shaped && len(in) > 1 {
		dims := []int64{-1}
		for _, d := range in {
			dims = append(dims, int64(d))
		}
		b.int64Initializer(layer+".shape", []int64{int64(len(dims))}, dims)
		add(layer+".shaped", func(x, y string) {
			b.node("Reshape", layer+".reshape", []string{x, layer + ".shape"}, y)
		})
		shaped = true
	}
	c := int64(m.Params[p].Cols)
	names := []string{"", m.Params[p].Name, m.Params[p+1].Name}
	b.initializer(names[1], []int64{c}, toFloat32(m.Params[p].Values))
	b.initializer(names[2], []int64{c}, toFloat32(m.Params[p+1].Values))
	for _, suffix := range []string{".running_mean", ".running_var"} {
		for _, t := range m.Buffers {
			if t.Name == layer+suffix {
				b.initializer(t.Name, []int64{c}, toFloat32(t.Values))
				names = append(names, t.Name)
			}
		}
	}
	add(layer+".bn", func(x, y string) {
		names[0] = x
		b.node("BatchNormalization", layer+".batchnorm", names, y, newFloatAttr("epsilon", nn.BatchNormEpsilon))
	})
	return shaped
}
