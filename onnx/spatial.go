package onnx

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// Reading the spatial operators: Conv, MaxPool, AveragePool, the Pad
// PyTorch writes before a padded average pooling, Reshape and Dropout.
// Each becomes an item; assemble checks the shapes.

// window holds a square window's settings, read from a node's
// kernel_shape, strides, pads and dilations.
type window struct {
	k, stride, pad int
}

// readWindow reads the attributes Conv and the pooling operators share.
// ONNX's defaults are stride 1 and no padding; the kernel, when the
// attributes leave it out (Conv may), is kernel.
func readWindow(n *onnxpb.NodeProto, kernel int64) (window, error) {
	var w window
	square := func(name string, vs []int64, def int64) (int64, error) {
		switch {
		case len(vs) == 0:
			return def, nil
		case len(vs) == 2 && vs[0] == vs[1]:
			return vs[0], nil
		}
		return 0, unsupported(n, fmt.Sprintf("%s %v; descent's windows are square, the same along height and width", name, vs))
	}
	if s, err := stringAttr(n, "auto_pad", "NOTSET"); err != nil {
		return w, err
	} else if s != "NOTSET" && s != "VALID" && s != "" {
		return w, unsupported(n, fmt.Sprintf("auto_pad=%q; descent reads explicit pads", s))
	}
	if v, _, err := intAttr(n, "ceil_mode", 0); err != nil {
		return w, err
	} else if v != 0 {
		return w, unsupported(n, "ceil_mode=1; descent's windows stop at the last one that fits (floor)")
	}
	k, err := square("kernel_shape", intsAttr(n, "kernel_shape"), kernel)
	if err != nil {
		return w, err
	}
	if k <= 0 {
		return w, unsupported(n, "no kernel_shape")
	}
	st, err := square("strides", intsAttr(n, "strides"), 1)
	if err != nil {
		return w, err
	}
	if d, err := square("dilations", intsAttr(n, "dilations"), 1); err != nil {
		return w, err
	} else if d != 1 {
		return w, unsupported(n, fmt.Sprintf("dilation %d; descent's windows are dense (dilation 1)", d))
	}
	pads := intsAttr(n, "pads")
	var p int64
	switch {
	case len(pads) == 0:
	case len(pads) == 4 && pads[0] == pads[1] && pads[0] == pads[2] && pads[0] == pads[3]:
		p = pads[0]
	default:
		return w, unsupported(n, fmt.Sprintf("pads %v; descent pads every side alike", pads))
	}
	const limit = 1 << 20 // far beyond any image; keeps the arithmetic small
	if k > limit || st <= 0 || st > limit || p < 0 || p > limit {
		return w, unsupported(n, fmt.Sprintf("kernel %d, stride %d, padding %d", k, st, p))
	}
	return window{int(k), int(st), int(p)}, nil
}

// conv reads Conv(x, W[, B]) with W of shape F×C×K×K: group 1, dilation
// 1, symmetric padding. W's order is descent's Filters×(C·K·K) already.
func (gr *graph) conv(n *onnxpb.NodeProto, it item) (item, string, bool, error) {
	ins := n.GetInput()
	if len(ins) < 2 || len(ins) > 3 {
		return it, "", false, fmt.Errorf("%s has %d inputs, want 2 or 3", nodeDesc(n), len(ins))
	}
	if g, _, err := intAttr(n, "group", 1); err != nil {
		return it, "", false, err
	} else if g != 1 {
		return it, "", false, unsupported(n, fmt.Sprintf("group=%d; descent's convolution connects every channel (group 1)", g))
	}
	w, err := gr.mustConstant(n, ins[1], "weight")
	if err != nil {
		return it, "", false, err
	}
	if len(w.dims) != 4 || w.dims[0] <= 0 || w.dims[1] <= 0 || w.dims[2] <= 0 || w.dims[2] != w.dims[3] {
		return it, "", false, fmt.Errorf("%w: %s: weight %q has shape %v, want filters×channels×K×K", ErrUnsupported, nodeDesc(n), w.name, w.dims)
	}
	win, err := readWindow(n, w.dims[2])
	if err != nil {
		return it, "", false, err
	}
	if int64(win.k) != w.dims[2] {
		return it, "", false, unsupported(n, fmt.Sprintf("kernel_shape %d does not match the weight's %v", win.k, w.dims))
	}
	it.kind, it.win, it.double = itemConv, win, w.double
	it.out, it.in = int(w.dims[0]), int(w.dims[1]) // filters, channels
	it.w = w.values
	if err := gr.thirdBias(&it, n); err != nil {
		return it, "", false, err
	}
	return it, n.GetOutput()[0], false, nil
}

// pool reads MaxPool or AveragePool. Average pooling with padding must
// count the padding as zeros (count_include_pad=1), as descent does.
func (gr *graph) pool(n *onnxpb.NodeProto, it item) (item, string, bool, error) {
	if len(n.GetInput()) != 1 {
		return it, "", false, fmt.Errorf("%s has %d inputs, want 1", nodeDesc(n), len(n.GetInput()))
	}
	win, err := readWindow(n, 0)
	if err != nil {
		return it, "", false, err
	}
	it.kind, it.win, it.max = itemPool, win, n.GetOpType() == "MaxPool"
	if it.max {
		if o, _, err := intAttr(n, "storage_order", 0); err != nil {
			return it, "", false, err
		} else if o != 0 {
			return it, "", false, unsupported(n, "storage_order=1")
		}
	} else if win.pad > 0 {
		if c, _, err := intAttr(n, "count_include_pad", 0); err != nil {
			return it, "", false, err
		} else if c == 0 {
			return it, "", false, unsupported(n, "count_include_pad=0 with padding; descent's average pooling counts the padding as zeros (count_include_pad=1, PyTorch's default)")
		}
	}
	return it, n.GetOutput()[0], false, nil
}

// pad reads Pad(x, pads[, 0]) of zeros around height and width alike,
// which PyTorch writes before AveragePool for a padded AvgPool2d, and
// merges it into the Conv or AveragePool that takes its output alone.
func (gr *graph) pad(n *onnxpb.NodeProto, it item) (item, string, bool, error) {
	ins := n.GetInput()
	if mode, err := stringAttr(n, "mode", "constant"); err != nil {
		return it, "", false, err
	} else if mode != "constant" {
		return it, "", false, unsupported(n, fmt.Sprintf("mode=%q; descent pads with zeros", mode))
	}
	var pads []int64
	value := float64(0)
	if gr.opset < 11 {
		pads = intsAttr(n, "pads")
		v, err := floatAttr(n, "value", 0)
		if err != nil {
			return it, "", false, err
		}
		value = float64(v)
	} else {
		if len(ins) < 2 || len(ins) > 4 {
			return it, "", false, fmt.Errorf("%s has %d inputs, want 2 to 4", nodeDesc(n), len(ins))
		}
		var err error
		if pads, err = gr.intConstant(n, ins[1], "pads"); err != nil {
			return it, "", false, err
		}
		if len(ins) == 4 && ins[3] != "" {
			return it, "", false, unsupported(n, "axes; descent reads pads for all four axes")
		}
		if len(ins) >= 3 && ins[2] != "" {
			c, err := gr.mustConstant(n, ins[2], "constant_value")
			if err != nil {
				return it, "", false, err
			}
			if len(c.values) != 1 {
				return it, "", false, unsupported(n, "a constant_value that is not one number")
			}
			value = c.values[0]
		}
	}
	if value != 0 {
		return it, "", false, unsupported(n, fmt.Sprintf("padding value %v; descent pads with zeros", value))
	}
	// pads is [N, C, H, W begins, N, C, H, W ends].
	if len(pads) != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 ||
		pads[2] != pads[3] || pads[2] != pads[6] || pads[2] != pads[7] || pads[2] < 0 || pads[2] > 1<<20 {
		return it, "", false, unsupported(n, fmt.Sprintf("pads %v; descent pads height and width alike on every side", pads))
	}
	out := n.GetOutput()[0]
	next := gr.single(out)
	if next == nil || !isDefaultDomain(next.GetDomain()) || (next.GetOpType() != "AveragePool" && next.GetOpType() != "Conv") {
		return it, "", false, unsupported(n, "descent reads Pad only right before a Conv or an AveragePool, whose padding it becomes")
	}
	gr.used[next] = true
	nit, nout, _, err := gr.step(next, out)
	if err != nil {
		return it, "", false, err
	}
	if nit.kind == itemPool && nit.win.pad != 0 {
		return it, "", false, unsupported(next, "padding both in the Pad before it and in its own pads")
	}
	nit.win.pad += int(pads[2])
	return nit, nout, false, nil
}

// reshape reads Reshape(x, shape) to N×C×H×W (itemShape) or to a batch of
// rows (itemFlatten); the batch dimension must be kept (-1 or 0).
func (gr *graph) reshape(n *onnxpb.NodeProto, it item) (item, string, bool, error) {
	ins := n.GetInput()
	if len(ins) != 2 {
		return it, "", false, fmt.Errorf("%s has %d inputs, want 2", nodeDesc(n), len(ins))
	}
	dims, err := gr.intConstant(n, ins[1], "shape")
	if err != nil {
		return it, "", false, err
	}
	allowZero, _, err := intAttr(n, "allowzero", 0)
	if err != nil {
		return it, "", false, err
	}
	return reshapeTo(n, it, dims, allowZero)
}

// reshapeTo is reshape once the shape's values are known.
func reshapeTo(n *onnxpb.NodeProto, it item, dims []int64, allowZero int64) (item, string, bool, error) {
	keepsBatch := len(dims) > 0 && (dims[0] == -1 || (dims[0] == 0 && allowZero == 0))
	switch {
	case keepsBatch && len(dims) == 4 && dims[1] > 0 && dims[2] > 0 && dims[3] > 0 && dims[1] <= 1<<24 && dims[2] <= 1<<24 && dims[3] <= 1<<24:
		it.kind, it.shape = itemShape, []int{int(dims[1]), int(dims[2]), int(dims[3])}
	case keepsBatch && len(dims) == 2 && (dims[1] == -1 || dims[1] > 0) && dims[0] != dims[1]:
		it.kind, it.in = itemFlatten, int(min(dims[1], 1<<31))
	default:
		return it, "", false, unsupported(n, fmt.Sprintf("shape %v; descent reads a reshape of a batch to N×C×H×W or to rows (-1 or 0 first)", dims))
	}
	return it, n.GetOutput()[0], false, nil
}

// matchBatchReshape reads x.view(x.size(0), …) as torch.onnx.export
// writes it when the batch is dynamic: the reshape's shape computed from
// x's own batch size, Shape(x) → Gather(·, 0) → Unsqueeze(·, [0]) →
// Concat(·, constants…) → Reshape(x, ·). That is Reshape(x, [0, …]), the
// batch kept, which reshape reads. x is the value feeding both the Shape
// and the Reshape; ok is false (and nothing marked used) when the nodes
// are not this pattern.
func (gr *graph) matchBatchReshape(x string) (it item, next string, ok bool, err error) {
	cons := gr.consumers[x]
	if len(cons) != 2 {
		return it, "", false, nil
	}
	shape, reshape := cons[0], cons[1]
	if shape.GetOpType() != "Shape" {
		shape, reshape = reshape, shape
	}
	is := func(n *onnxpb.NodeProto, op string, ins int) bool {
		return n != nil && n.GetOpType() == op && isDefaultDomain(n.GetDomain()) && len(n.GetInput()) >= ins && len(n.GetOutput()) == 1 && !gr.used[n]
	}
	if !is(shape, "Shape", 1) || len(shape.GetInput()) != 1 || !is(reshape, "Reshape", 2) || len(reshape.GetInput()) != 2 || reshape.GetInput()[0] != x {
		return it, "", false, nil
	}
	// Shape since opset 15 may slice the dimensions; only all of them
	// are x.size().
	if start, _, err := intAttr(shape, "start", 0); err != nil || start != 0 || attr(shape, "end") != nil {
		return it, "", false, nil
	}
	gather := gr.single(shape.GetOutput()[0])
	if !is(gather, "Gather", 2) || len(gather.GetInput()) != 2 {
		return it, "", false, nil
	}
	if axis, _, err := intAttr(gather, "axis", 0); err != nil || axis != 0 {
		return it, "", false, nil
	}
	if idx, err := gr.intConstant(gather, gather.GetInput()[1], "indices"); err != nil || len(idx) != 1 || idx[0] != 0 {
		return it, "", false, nil
	}
	unsq := gr.single(gather.GetOutput()[0])
	if !is(unsq, "Unsqueeze", 1) {
		return it, "", false, nil
	}
	// Unsqueeze's axes: an operand from opset 13 on, an attribute before.
	axes := attr(unsq, "axes").GetInts()
	if len(unsq.GetInput()) == 2 {
		if axes, err = gr.intConstant(unsq, unsq.GetInput()[1], "axes"); err != nil {
			return it, "", false, nil
		}
	}
	if len(axes) != 1 || axes[0] != 0 {
		return it, "", false, nil
	}
	concat := gr.single(unsq.GetOutput()[0])
	if !is(concat, "Concat", 2) || concat.GetInput()[0] != unsq.GetOutput()[0] {
		return it, "", false, nil
	}
	if axis, _, err := intAttr(concat, "axis", 0); err != nil || axis != 0 {
		return it, "", false, nil
	}
	if len(gr.consumers[concat.GetOutput()[0]]) != 1 || reshape.GetInput()[1] != concat.GetOutput()[0] {
		return it, "", false, nil
	}
	dims := []int64{0}
	for _, in := range concat.GetInput()[1:] {
		d, err := gr.intConstant(concat, in, "operand")
		if err != nil {
			return it, "", false, nil
		}
		dims = append(dims, d...)
	}
	allowZero, _, err := intAttr(reshape, "allowzero", 0)
	if err != nil {
		return it, "", false, err
	}
	for _, n := range []*onnxpb.NodeProto{shape, gather, unsq, concat, reshape} {
		gr.used[n] = true
	}
	it.node = reshape
	it, next, _, err = reshapeTo(reshape, it, dims, allowZero)
	return it, next, true, err
}

// dropout reads Dropout at inference: the identity. Its optional mask
// output must be unused, and a training_mode operand, when given, false.
func (gr *graph) dropout(n *onnxpb.NodeProto) (string, error) {
	outs := n.GetOutput()
	if len(outs) < 1 || len(outs) > 2 || outs[0] == "" {
		return "", fmt.Errorf("%w: %s has %d outputs", ErrUnsupported, nodeDesc(n), len(outs))
	}
	if len(outs) == 2 && outs[1] != "" && len(gr.consumers[outs[1]]) > 0 {
		return "", unsupported(n, "its mask output is used; descent drops nothing at inference")
	}
	if ins := n.GetInput(); len(ins) == 3 && ins[2] != "" {
		mode, err := gr.intConstant(n, ins[2], "training_mode")
		if err != nil {
			return "", err
		}
		if len(mode) != 1 || mode[0] != 0 {
			return "", unsupported(n, "training_mode is true; descent reads inference graphs")
		}
	}
	if len(n.GetInput()) > 3 {
		return "", fmt.Errorf("%s has %d inputs, want 1 to 3", nodeDesc(n), len(n.GetInput()))
	}
	return outs[0], nil
}

// intConstant reads an integer operand (a Reshape's shape, a Pad's pads):
// an int64, int32 or bool initializer or Constant node.
func (gr *graph) intConstant(n *onnxpb.NodeProto, name, what string) ([]int64, error) {
	var t *onnxpb.TensorProto
	if init, ok := gr.inits[name]; ok {
		t = init
	} else if c, ok := gr.constNode[name]; ok {
		if a := attr(c, "value"); a != nil && a.GetT() != nil {
			t = a.GetT()
		} else if a := attr(c, "value_ints"); a != nil {
			return a.GetInts(), nil
		} else if a := attr(c, "value_int"); a != nil {
			return []int64{a.GetI()}, nil
		}
	}
	if t == nil {
		return nil, fmt.Errorf("%w: %s: its %s %q is computed, not a constant; descent reads only constant %ss", ErrUnsupported, nodeDesc(n), what, errtext.Excerpt(name), what)
	}
	count := 1
	for _, d := range t.GetDims() {
		if d < 0 || d > 1<<16 {
			return nil, fmt.Errorf("%s: %s %q has shape %v", nodeDesc(n), what, errtext.Excerpt(name), t.GetDims())
		}
		count *= int(d)
		if count > 1<<16 {
			return nil, fmt.Errorf("%s: %s %q has shape %v", nodeDesc(n), what, errtext.Excerpt(name), t.GetDims())
		}
	}
	raw := t.GetRawData()
	var vs []int64
	switch onnxpb.TensorProto_DataType(t.GetDataType()) {
	case onnxpb.TensorProto_INT64:
		if len(raw) > 0 {
			if len(raw) != 8*count {
				return nil, fmt.Errorf("%s: %s %q holds %d bytes, want %d", nodeDesc(n), what, errtext.Excerpt(name), len(raw), 8*count)
			}
			for i := range count {
				vs = append(vs, int64(binary.LittleEndian.Uint64(raw[8*i:])))
			}
		} else {
			vs = slices.Clone(t.GetInt64Data())
		}
	case onnxpb.TensorProto_INT32, onnxpb.TensorProto_BOOL:
		size := 4
		if onnxpb.TensorProto_DataType(t.GetDataType()) == onnxpb.TensorProto_BOOL {
			size = 1
		}
		if len(raw) > 0 {
			if len(raw) != size*count {
				return nil, fmt.Errorf("%s: %s %q holds %d bytes, want %d", nodeDesc(n), what, errtext.Excerpt(name), len(raw), size*count)
			}
			for i := range count {
				if size == 1 {
					vs = append(vs, int64(raw[i]))
				} else {
					vs = append(vs, int64(int32(binary.LittleEndian.Uint32(raw[4*i:]))))
				}
			}
		} else {
			for _, v := range t.GetInt32Data() {
				vs = append(vs, int64(v))
			}
		}
	default:
		return nil, fmt.Errorf("%w: %s: %s %q has element type %s, want integers", ErrUnsupported, nodeDesc(n), what, errtext.Excerpt(name), dataTypeName(t.GetDataType()))
	}
	if len(vs) != count {
		return nil, fmt.Errorf("%s: %s %q of shape %v holds %d values", nodeDesc(n), what, errtext.Excerpt(name), t.GetDims(), len(vs))
	}
	return vs, nil
}

// intsAttr returns an INTS attribute's values, nil when it is absent.
func intsAttr(n *onnxpb.NodeProto, name string) []int64 {
	if a := attr(n, name); a != nil {
		return a.GetInts()
	}
	return nil
}
