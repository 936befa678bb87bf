package onnx

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// graph indexes an ONNX graph for walking it from input to output.
type graph struct {
	g         *onnxpb.GraphProto
	opset     int64
	inits     map[string]*onnxpb.TensorProto
	consts    map[string]*constant // decoded, by value name
	constNode map[string]*onnxpb.NodeProto
	consumers map[string][]*onnxpb.NodeProto
	used      map[*onnxpb.NodeProto]bool
}

// itemKind says what one step of the chain does.
type itemKind int

const (
	itemSub itemKind = iota
	itemDiv
	itemDense
	itemAct
	itemClip // smooth clipping after the scaler: x / sqrt(1 + (x/c)²)
	itemMul  // the target scaler's Mul by a constant vector, after the layers
	itemAdd  // and its Add of one
	// itemBatchNorm is BatchNormalization in inference mode.
	itemBatchNorm
	itemConv    // Conv: filters in out, channels in in, weights F×(C·K·K) in w
	itemPool    // MaxPool (max) or AveragePool
	itemShape   // Reshape of a batch of rows to N×C×H×W
	itemFlatten // Flatten, or Reshape to rows; in is the width asked, -1 for any
)

// item is one step of the chain, as descent sees it.
type item struct {
	kind itemKind
	node *onnxpb.NodeProto // the first node of the step, for messages
	vec  *constant         // itemSub, itemDiv
	// itemDense: weights as in×out row-major, bias (nil for none).
	in, out int
	w, b    []float64
	double  bool
	act     activation.Spec // itemAct
	clip    float64         // itemClip
	// itemBatchNorm: scale, bias, mean and variance.
	bn    [4]*constant
	win   window // itemConv, itemPool
	max   bool   // itemPool
	shape []int  // itemShape: C, H, W
}

func newGraph(g *onnxpb.GraphProto, opset int64) (*graph, error) {
	gr := &graph{
		g: g, opset: opset,
		inits:     map[string]*onnxpb.TensorProto{},
		consts:    map[string]*constant{},
		constNode: map[string]*onnxpb.NodeProto{},
		consumers: map[string][]*onnxpb.NodeProto{},
		used:      map[*onnxpb.NodeProto]bool{},
	}
	for _, t := range g.GetInitializer() {
		gr.inits[t.GetName()] = t
	}
	for _, n := range g.GetNode() {
		if n.GetOpType() == "Constant" && isDefaultDomain(n.GetDomain()) {
			if len(n.GetOutput()) != 1 {
				return nil, fmt.Errorf("%s has %d outputs, want 1", nodeDesc(n), len(n.GetOutput()))
			}
			gr.constNode[n.GetOutput()[0]] = n
			continue
		}
		seen := map[string]bool{}
		for _, in := range n.GetInput() {
			if in != "" && !seen[in] {
				seen[in] = true
				gr.consumers[in] = append(gr.consumers[in], n)
			}
		}
	}
	return gr, nil
}

func isDefaultDomain(d string) bool { return d == "" || d == "ai.onnx" }

// nodeDesc names a node for messages: its operator and, when it has one,
// its name.
func nodeDesc(n *onnxpb.NodeProto) string {
	op := errtext.Excerpt(n.GetOpType())
	if !isDefaultDomain(n.GetDomain()) {
		op = errtext.Excerpt(n.GetDomain()) + "." + op
	}
	if n.GetName() == "" {
		return "operator " + op + " (unnamed node)"
	}
	return fmt.Sprintf("operator %s (node %q)", op, errtext.Excerpt(n.GetName()))
}

// constant returns the value called name when it is a float initializer
// or the output of a Constant node, else nil (and an error when it is a
// constant descent cannot read).
func (gr *graph) constant(name string) (*constant, error) {
	if c, ok := gr.consts[name]; ok {
		return c, nil
	}
	var c *constant
	var err error
	if t, ok := gr.inits[name]; ok {
		c, err = decodeTensor(t, name)
	} else if n, ok := gr.constNode[name]; ok {
		c, err = constantNode(n)
	} else {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	gr.consts[name] = c
	return c, nil
}

// constantNode reads the value of a Constant node.
func constantNode(n *onnxpb.NodeProto) (*constant, error) {
	name := n.GetOutput()[0]
	for _, a := range n.GetAttribute() {
		switch a.GetName() {
		case "value":
			if a.GetT() == nil {
				return nil, fmt.Errorf("%s: attribute value holds no tensor", nodeDesc(n))
			}
			return decodeTensor(a.GetT(), name)
		case "value_float":
			return &constant{name: name, values: []float64{float64(a.GetF())}}, nil
		case "value_floats":
			vs := make([]float64, len(a.GetFloats()))
			for i, v := range a.GetFloats() {
				vs[i] = float64(v)
			}
			return &constant{name: name, dims: []int64{int64(len(vs))}, values: vs}, nil
		}
	}
	return nil, fmt.Errorf("%s: descent reads only float constants (attribute value, value_float or value_floats)", nodeDesc(n))
}

// mustConstant is constant for an operand that has to be one.
func (gr *graph) mustConstant(n *onnxpb.NodeProto, name, what string) (*constant, error) {
	c, err := gr.constant(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nodeDesc(n), err)
	}
	if c == nil {
		return nil, fmt.Errorf("%w: %s: its %s %q is computed, not a constant; descent reads only constant weights", ErrUnsupported, nodeDesc(n), what, name)
	}
	return c, nil
}

// single returns the one node consuming value, or nil when there is not
// exactly one.
func (gr *graph) single(value string) *onnxpb.NodeProto {
	if c := gr.consumers[value]; len(c) == 1 && !gr.used[c[0]] {
		return c[0]
	}
	return nil
}

// walk follows the chain from the graph's input to its output and
// returns its steps.
func (gr *graph) walk(input, output string) ([]item, error) {
	var items []item
	cur := input
	for {
		cons := gr.consumers[cur]
		if cur == output {
			if len(cons) > 0 {
				return nil, fmt.Errorf("%w: the output %q also feeds %s; descent reads only a chain", ErrUnsupported, output, nodeDesc(cons[0]))
			}
			break
		}
		switch len(cons) {
		case 0:
			return nil, fmt.Errorf("value %q is neither used by a node nor the graph's output", cur)
		case 1:
		case 2:
			if it, next, ok := gr.matchGELU(cur); ok {
				items, cur = append(items, it), next
				continue
			}
			if it, next, ok := gr.matchClip(cur); ok {
				items, cur = append(items, it), next
				continue
			}
			if it, next, ok, err := gr.matchBatchReshape(cur); ok {
				if err != nil {
					return nil, err
				}
				items, cur = append(items, it), next
				continue
			}
			fallthrough
		default:
			var ds []string
			for _, n := range cons {
				ds = append(ds, nodeDesc(n))
			}
			return nil, fmt.Errorf("%w: value %q feeds %d nodes (%s); descent reads only a chain of layers and activations", ErrUnsupported, cur, len(cons), strings.Join(ds, ", "))
		}
		n := cons[0]
		if gr.used[n] {
			return nil, fmt.Errorf("the graph has a cycle through %s", nodeDesc(n))
		}
		gr.used[n] = true
		it, next, skip, err := gr.step(n, cur)
		if err != nil {
			return nil, err
		}
		if !skip {
			items = append(items, it)
		}
		cur = next
	}
	for _, n := range gr.g.GetNode() {
		if !gr.used[n] && !(n.GetOpType() == "Constant" && isDefaultDomain(n.GetDomain())) {
			return nil, fmt.Errorf("%w: %s is not on the chain from input to output", ErrUnsupported, nodeDesc(n))
		}
	}
	return items, nil
}

// step turns the node n, whose input cur is the chain's current value,
// into an item. It returns the value the chain continues with, and skip
// for a node that changes nothing (Identity, Dropout at inference).
func (gr *graph) step(n *onnxpb.NodeProto, cur string) (it item, next string, skip bool, err error) {
	it.node = n
	if !isDefaultDomain(n.GetDomain()) {
		return it, "", false, unsupported(n, "")
	}
	if n.GetOpType() == "Dropout" {
		// Checked before the one-output rule below: Dropout may list
		// its mask as a second output.
		if len(n.GetInput()) == 0 || n.GetInput()[0] != cur {
			return it, "", false, fmt.Errorf("%w: %s takes %q as an operand other than its first", ErrUnsupported, nodeDesc(n), cur)
		}
		next, err := gr.dropout(n)
		return it, next, true, err
	}
	if len(n.GetOutput()) != 1 || n.GetOutput()[0] == "" {
		return it, "", false, fmt.Errorf("%w: %s has %d outputs; descent reads nodes with one", ErrUnsupported, nodeDesc(n), len(n.GetOutput()))
	}
	next = n.GetOutput()[0]
	ins := n.GetInput()
	if len(ins) == 0 || ins[0] != cur {
		return it, "", false, fmt.Errorf("%w: %s takes %q as an operand other than its first", ErrUnsupported, nodeDesc(n), cur)
	}
	arity := func(lo, hi int) error {
		if len(ins) < lo || len(ins) > hi {
			want := fmt.Sprint(lo)
			if hi > lo {
				want = fmt.Sprintf("%d to %d", lo, hi)
			}
			return fmt.Errorf("%s has %d inputs, want %s", nodeDesc(n), len(ins), want)
		}
		return nil
	}
	act := func(name string) (item, string, bool, error) {
		if err := arity(1, 1); err != nil {
			return it, "", false, err
		}
		it.kind, it.act = itemAct, activation.Spec{Name: name}
		return it, next, false, nil
	}

	switch n.GetOpType() {
	case "Identity":
		return it, next, true, arity(1, 1)
	case "Flatten":
		if axis, _, err := intAttr(n, "axis", 1); err != nil || axis != 1 {
			return it, "", false, unsupported(n, "only axis 1, which leaves a batch of feature rows as it is")
		}
		it.kind, it.in = itemFlatten, -1
		return it, next, false, arity(1, 1)
	case "Reshape":
		return gr.reshape(n, it)
	case "Conv":
		return gr.conv(n, it)
	case "MaxPool", "AveragePool":
		return gr.pool(n, it)
	case "Pad":
		return gr.pad(n, it)
	case "Sub", "Div":
		if err := arity(2, 2); err != nil {
			return it, "", false, err
		}
		c, err := gr.mustConstant(n, ins[1], "operand")
		if err != nil {
			return it, "", false, err
		}
		it.kind, it.vec = itemSub, c
		if n.GetOpType() == "Div" {
			it.kind = itemDiv
		}
		return it, next, false, nil
	case "Mul", "Add":
		if err := arity(2, 2); err != nil {
			return it, "", false, err
		}
		c, err := gr.mustConstant(n, ins[1], "operand")
		if err != nil {
			return it, "", false, err
		}
		it.kind, it.vec = itemMul, c
		if n.GetOpType() == "Add" {
			it.kind = itemAdd
		}
		return it, next, false, nil
	case "BatchNormalization":
		return gr.batchNormStep(n, it)
	case "Gemm":
		return gr.gemm(n, it)
	case "MatMul":
		return gr.matmul(n, it)
	case "Sigmoid":
		return act(activation.NameSigmoid)
	case "Tanh":
		return act(activation.NameTanh)
	case "Relu":
		return act(activation.NameReLU)
	case "Softplus":
		return act(activation.NameSoftplus)
	case "LeakyRelu":
		alpha, err := floatAttr(n, "alpha", 0.01)
		if err != nil {
			return it, "", false, err
		}
		it, next, skip, err = act(activation.NameLeakyReLU)
		// The shortest decimal that gives the float32 back: 0.01 for
		// PyTorch's default rather than 0.009999999776482582.
		it.act.Slope, _ = strconv.ParseFloat(strconv.FormatFloat(float64(alpha), 'g', -1, 32), 64)
		it.act.SlopeSet = alpha == 0 // an explicit 0, not "the default"
		if err == nil && it.act.Validate() != nil {
			err = unsupported(n, fmt.Sprintf("alpha %v is outside descent's [0, 1)", alpha))
		}
		return it, next, skip, err
	case "Softmax":
		// Before opset 13 Softmax flattens to 2-D around axis (default
		// 1); on a batch of rows both versions normalise each row.
		axis, _, err := intAttr(n, "axis", map[bool]int64{true: -1, false: 1}[gr.opset >= 13])
		if err != nil {
			return it, "", false, err
		}
		if axis != 1 && axis != -1 {
			return it, "", false, unsupported(n, fmt.Sprintf("axis %d; descent's softmax normalises each row (axis 1)", axis))
		}
		return act(activation.NameSoftmax)
	case "Gelu":
		approx, err := stringAttr(n, "approximate", "none")
		if err != nil {
			return it, "", false, err
		}
		if approx != "none" {
			return it, "", false, unsupported(n, fmt.Sprintf("approximate=%q; descent's GELU is the exact erf form", approx))
		}
		return act(activation.NameGELU)
	}
	return it, "", false, unsupported(n, "")
}

// gemm reads Gemm(x, W, C): alpha = beta = 1, transA = 0, either transB.
func (gr *graph) gemm(n *onnxpb.NodeProto, it item) (item, string, bool, error) {
	ins := n.GetInput()
	if len(ins) < 2 || len(ins) > 3 {
		return it, "", false, fmt.Errorf("%s has %d inputs, want 2 or 3", nodeDesc(n), len(ins))
	}
	for _, a := range []struct {
		name string
		want float32
	}{{"alpha", 1}, {"beta", 1}} {
		v, err := floatAttr(n, a.name, 1)
		if err != nil {
			return it, "", false, err
		}
		if v != a.want {
			return it, "", false, unsupported(n, fmt.Sprintf("%s=%v; descent reads Gemm with alpha and beta 1", a.name, v))
		}
	}
	transA, _, err := intAttr(n, "transA", 0)
	if err != nil {
		return it, "", false, err
	}
	if transA != 0 {
		return it, "", false, unsupported(n, "transA=1 would transpose the batch")
	}
	transB, _, err := intAttr(n, "transB", 0)
	if err != nil {
		return it, "", false, err
	}
	w, err := gr.mustConstant(n, ins[1], "weight")
	if err != nil {
		return it, "", false, err
	}
	if err := setWeights(&it, n, w, transB != 0); err != nil {
		return it, "", false, err
	}
	if err := gr.thirdBias(&it, n); err != nil {
		return it, "", false, err
	}
	return it, n.GetOutput()[0], false, nil
}

// thirdBias sets it's bias from n's optional third input (Gemm's C,
// Conv's B), when there is one.
func (gr *graph) thirdBias(it *item, n *onnxpb.NodeProto) error {
	ins := n.GetInput()
	if len(ins) < 3 || ins[2] == "" {
		return nil
	}
	c, err := gr.mustConstant(n, ins[2], "bias")
	if err != nil {
		return err
	}
	return setBias(it, n, c)
}

// matmul reads MatMul(x, W), followed, when the product feeds nothing
// else, by Add(·, b) with a constant b as the bias.
func (gr *graph) matmul(n *onnxpb.NodeProto, it item) (item, string, bool, error) {
	ins := n.GetInput()
	if len(ins) != 2 {
		return it, "", false, fmt.Errorf("%s has %d inputs, want 2", nodeDesc(n), len(ins))
	}
	w, err := gr.mustConstant(n, ins[1], "weight")
	if err != nil {
		return it, "", false, err
	}
	if err := setWeights(&it, n, w, false); err != nil {
		return it, "", false, err
	}
	out := n.GetOutput()[0]
	add := gr.single(out)
	if add == nil || add.GetOpType() != "Add" || !isDefaultDomain(add.GetDomain()) || len(add.GetInput()) != 2 || len(add.GetOutput()) != 1 {
		return it, out, false, nil
	}
	other := add.GetInput()[1]
	if other == out {
		other = add.GetInput()[0]
	}
	c, err := gr.constant(other)
	if err != nil {
		return it, "", false, fmt.Errorf("%s: %w", nodeDesc(add), err)
	}
	if c == nil {
		return it, out, false, nil
	}
	if err := setBias(&it, add, c); err != nil {
		return it, "", false, err
	}
	gr.used[add] = true
	return it, add.GetOutput()[0], false, nil
}

// setWeights stores a weight matrix as in×out, transposing an out×in one.
func setWeights(it *item, n *onnxpb.NodeProto, w *constant, transposed bool) error {
	if len(w.dims) != 2 || w.dims[0] <= 0 || w.dims[1] <= 0 {
		return fmt.Errorf("%w: %s: weight %q has shape %v, want a matrix", ErrUnsupported, nodeDesc(n), w.name, w.dims)
	}
	rows, cols := int(w.dims[0]), int(w.dims[1])
	it.kind, it.double = itemDense, w.double
	if !transposed {
		it.in, it.out, it.w = rows, cols, w.values
		return nil
	}
	it.in, it.out = cols, rows
	it.w = make([]float64, len(w.values))
	for i := range rows {
		for j := range cols {
			it.w[j*rows+i] = w.values[i*cols+j]
		}
	}
	return nil
}

func setBias(it *item, n *onnxpb.NodeProto, c *constant) error {
	// A scalar bias broadcasts, but descent's layers have one per unit;
	// vector repeats it.
	b, ok := c.vector(it.out)
	if !ok {
		return fmt.Errorf("%w: %s: bias %q has shape %v, want [%d]", ErrUnsupported, nodeDesc(n), c.name, c.dims, it.out)
	}
	it.b = b
	it.double = it.double || c.double
	return nil
}

// matchGELU recognises the exact GELU expansion x·0.5·(1+Erf(x/√2)) at
// x, which feeds two nodes: Div(x, √2) (or Mul(x, 1/√2)) on the way to
// Erf, and a Mul by x. The three ways of associating x·0.5·(1+erf) are
// accepted, as exporters differ.
func (gr *graph) matchGELU(x string) (item, string, bool) {
	cons := gr.consumers[x]
	var scale, mul *onnxpb.NodeProto
	for i, n := range cons {
		if gr.isOp(n, "Div", x, math.Sqrt2) || gr.isOp(n, "Mul", x, 1/math.Sqrt2) {
			scale, mul = n, cons[1-i]
		}
	}
	if scale == nil || gr.used[mul] || mul.GetOpType() != "Mul" || !isDefaultDomain(mul.GetDomain()) || len(mul.GetOutput()) != 1 {
		return item{}, "", false
	}
	erf := gr.single(scale.GetOutput()[0])
	if erf == nil || erf.GetOpType() != "Erf" || len(erf.GetInput()) != 1 || len(erf.GetOutput()) != 1 {
		return item{}, "", false
	}
	add := gr.single(erf.GetOutput()[0])
	if add == nil || !gr.isOp(add, "Add", erf.GetOutput()[0], 1) {
		return item{}, "", false
	}
	a := add.GetOutput()[0] // 1+erf(x/√2)
	nodes := []*onnxpb.NodeProto{scale, erf, add, mul}
	var out string
	switch {
	case gr.isBinary(mul, x, a): // (x·a)·0.5
		half := gr.single(mul.GetOutput()[0])
		if half == nil || !gr.isOp(half, "Mul", mul.GetOutput()[0], 0.5) {
			return item{}, "", false
		}
		nodes, out = append(nodes, half), half.GetOutput()[0]
	case gr.isOp(mul, "Mul", x, 0.5): // (x·0.5)·a
		last := gr.single(mul.GetOutput()[0])
		if last == nil || last != gr.single(a) || !gr.isBinary(last, mul.GetOutput()[0], a) {
			return item{}, "", false
		}
		nodes, out = append(nodes, last), last.GetOutput()[0]
	default: // x·(a·0.5)
		half := gr.single(a)
		if half == nil || !gr.isOp(half, "Mul", a, 0.5) || !gr.isBinary(mul, x, half.GetOutput()[0]) || gr.single(half.GetOutput()[0]) != mul {
			return item{}, "", false
		}
		nodes, out = append(nodes, half), mul.GetOutput()[0]
	}
	for _, n := range nodes {
		if gr.used[n] {
			return item{}, "", false
		}
	}
	for _, n := range nodes {
		gr.used[n] = true
	}
	return item{kind: itemAct, node: scale, act: activation.Spec{Name: activation.NameGELU}}, out, true
}

// matchClip matches the smooth clipping descent's exporter writes after the
// scaler, x / sqrt(1 + (x/c)²), as Div(x, c), Mul(r, r), Add(·, 1),
// Sqrt, Div(x, ·).
func (gr *graph) matchClip(x string) (item, string, bool) {
	cons := gr.consumers[x]
	var ratio, last *onnxpb.NodeProto
	for i, n := range cons {
		if n.GetOpType() == "Div" && len(n.GetInput()) == 2 && n.GetInput()[0] == x && gr.single(n.GetOutput()[0]) != nil &&
			gr.single(n.GetOutput()[0]).GetOpType() == "Mul" {
			ratio, last = n, cons[1-i]
		}
	}
	if ratio == nil || len(ratio.GetOutput()) != 1 {
		return item{}, "", false
	}
	c, err := gr.constant(ratio.GetInput()[1])
	if err != nil || c == nil || len(c.values) != 1 || !(c.values[0] > 0) {
		return item{}, "", false
	}
	r := ratio.GetOutput()[0]
	sq := gr.single(r)
	if sq == nil || !gr.isBinary(sq, r, r) {
		return item{}, "", false
	}
	add := gr.single(sq.GetOutput()[0])
	if add == nil || !gr.isOp(add, "Add", sq.GetOutput()[0], 1) {
		return item{}, "", false
	}
	sqrt := gr.single(add.GetOutput()[0])
	if sqrt == nil || sqrt.GetOpType() != "Sqrt" || !isDefaultDomain(sqrt.GetDomain()) || len(sqrt.GetOutput()) != 1 {
		return item{}, "", false
	}
	if gr.single(sqrt.GetOutput()[0]) != last || last.GetOpType() != "Div" || !isDefaultDomain(last.GetDomain()) ||
		len(last.GetInput()) != 2 || last.GetInput()[0] != x || last.GetInput()[1] != sqrt.GetOutput()[0] || len(last.GetOutput()) != 1 {
		return item{}, "", false
	}
	nodes := []*onnxpb.NodeProto{ratio, sq, add, sqrt, last}
	for _, n := range nodes {
		if gr.used[n] {
			return item{}, "", false
		}
	}
	for _, n := range nodes {
		gr.used[n] = true
	}
	return item{kind: itemClip, node: ratio, clip: c.values[0]}, last.GetOutput()[0], true
}

// isOp reports whether n is the binary operator op applied to the value
// x and a constant scalar equal to c (in either order for Add and Mul).
func (gr *graph) isOp(n *onnxpb.NodeProto, op, x string, c float64) bool {
	if n.GetOpType() != op || !isDefaultDomain(n.GetDomain()) || len(n.GetInput()) != 2 || len(n.GetOutput()) != 1 {
		return false
	}
	ins := n.GetInput()
	other := ""
	switch {
	case ins[0] == x:
		other = ins[1]
	case ins[1] == x && (op == "Add" || op == "Mul"):
		other = ins[0]
	default:
		return false
	}
	k, err := gr.constant(other)
	return err == nil && k != nil && k.isScalar(c)
}

// isBinary reports whether n's two inputs are a and b in some order.
func (gr *graph) isBinary(n *onnxpb.NodeProto, a, b string) bool {
	ins := n.GetInput()
	return len(ins) == 2 && len(n.GetOutput()) == 1 && n.GetOpType() == "Mul" && isDefaultDomain(n.GetDomain()) &&
		((ins[0] == a && ins[1] == b) || (ins[0] == b && ins[1] == a))
}

func unsupported(n *onnxpb.NodeProto, why string) error {
	if why == "" {
		return fmt.Errorf("%w: %s", ErrUnsupported, nodeDesc(n))
	}
	return fmt.Errorf("%w: %s: %s", ErrUnsupported, nodeDesc(n), why)
}

// attr returns the node's attribute called name, or nil.
func attr(n *onnxpb.NodeProto, name string) *onnxpb.AttributeProto {
	for _, a := range n.GetAttribute() {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

func intAttr(n *onnxpb.NodeProto, name string, def int64) (int64, bool, error) {
	a := attr(n, name)
	if a == nil {
		return def, false, nil
	}
	if a.GetType() != onnxpb.AttributeType_INT && a.GetType() != onnxpb.AttributeType_UNDEFINED {
		return 0, false, fmt.Errorf("%s: attribute %s is %s, want INT", nodeDesc(n), name, a.GetType())
	}
	return a.GetI(), true, nil
}

func floatAttr(n *onnxpb.NodeProto, name string, def float32) (float32, error) {
	a := attr(n, name)
	if a == nil {
		return def, nil
	}
	if a.GetType() != onnxpb.AttributeType_FLOAT && a.GetType() != onnxpb.AttributeType_UNDEFINED {
		return 0, fmt.Errorf("%s: attribute %s is %s, want FLOAT", nodeDesc(n), name, a.GetType())
	}
	return a.GetF(), nil
}

func stringAttr(n *onnxpb.NodeProto, name, def string) (string, error) {
	a := attr(n, name)
	if a == nil {
		return def, nil
	}
	if a.GetType() != onnxpb.AttributeType_STRING && a.GetType() != onnxpb.AttributeType_UNDEFINED {
		return "", fmt.Errorf("%s: attribute %s is %s, want STRING", nodeDesc(n), name, a.GetType())
	}
	return string(a.GetS()), nil
}
