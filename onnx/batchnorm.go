package onnx

import (
	"fmt"

	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
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

// batchNormStep reads BatchNormalization(x, scale, B, mean, var) in
// inference mode into an itemBatchNorm. descent's ε is fixed, so a node
// with another epsilon (PyTorch's default is the same 1e-5) is refused.
func (gr *graph) batchNormStep(n *onnxpb.NodeProto, it item) (item, string, bool, error) {
	ins := n.GetInput()
	if len(ins) != 5 {
		return it, "", false, fmt.Errorf("%s has %d inputs, want 5", nodeDesc(n), len(ins))
	}
	eps, err := floatAttr(n, "epsilon", 1e-5)
	if err != nil {
		return it, "", false, err
	}
	if eps != float32(nn.BatchNormEpsilon) {
		return it, "", false, unsupported(n, fmt.Sprintf("epsilon %v; descent's batchnorm uses %v", eps, nn.BatchNormEpsilon))
	}
	if mode, _, err := intAttr(n, "training_mode", 0); err != nil || mode != 0 {
		return it, "", false, unsupported(n, "training_mode; descent reads inference graphs")
	}
	for i, what := range []string{"scale", "bias", "mean", "variance"} {
		c, err := gr.mustConstant(n, ins[i+1], what)
		if err != nil {
			return it, "", false, err
		}
		it.bn[i] = c
		it.double = it.double || c.double
	}
	it.kind = itemBatchNorm
	return it, n.GetOutput()[0], false, nil
}

// batchNormLayer appends the batchnorm layer it describes, on width
// values, to m: γ and β as parameters, the running statistics as
// buffers.
func batchNormLayer(m *model.Model, it item, width int) error {
	var vs [4][]float64
	for i, c := range it.bn {
		v, ok := c.vector(width)
		if !ok {
			return fmt.Errorf("%w: %s: %q has shape %v, want [%d]", ErrUnsupported, nodeDesc(it.node), c.name, c.dims, width)
		}
		vs[i] = v
	}
	for j, v := range vs[3] {
		if v < 0 {
			return fmt.Errorf("%s: variance %q element %d is %v; a variance cannot be negative", nodeDesc(it.node), it.bn[3].name, j, v)
		}
	}
	name := fmt.Sprintf("layer%d", len(m.Spec.Layers)+1)
	m.Spec.Layers = append(m.Spec.Layers, nn.LayerSpec{Kind: nn.KindBatchNorm})
	m.Params = append(m.Params,
		model.Tensor{Name: name + ".weight", Rows: 1, Cols: width, Values: vs[0]},
		model.Tensor{Name: name + ".bias", Rows: 1, Cols: width, Values: vs[1]})
	m.Buffers = append(m.Buffers,
		model.Tensor{Name: name + ".running_mean", Rows: 1, Cols: width, Values: vs[2]},
		model.Tensor{Name: name + ".running_var", Rows: 1, Cols: width, Values: vs[3]})
	if it.double {
		m.DType = model.Float64
	}
	return nil
}
