package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/tensor"
)

// LayerSpec describes one layer: its kind and the kind's settings. The
// JSON form of a dense layer has no kind, as in every file written before
// there were other kinds, so such files load unchanged.
type LayerSpec struct {
	// Kind names the layer kind (see Kinds); empty means dense.
	Kind string `json:"kind,omitempty"`
	// Units is the number of neurons of a dense layer.
	Units int `json:"units"`
	// Activation is a dense layer's activation; the zero value means
	// sigmoid, the tutorial's choice.
	Activation activation.Spec `json:"activation"`
	// NoBias leaves out the bias, as the tutorial's first network does.
	NoBias bool `json:"no_bias,omitempty"`
	// Init is the weight initialisation; the zero value means
	// initializer.Default for the activation.
	Init initializer.Spec `json:"init,omitzero"`
	// Rate is a dropout layer's probability of dropping a value.
	Rate float64 `json:"rate,omitempty"`
	// Filters is a convolution's number of output channels.
	Filters int `json:"filters,omitempty"`
	// Kernel is the side of a convolution's or pooling's square window.
	Kernel int `json:"kernel,omitempty"`
	// Stride is the window's step; 0 means 1 for a convolution and the
	// window's side for pooling.
	Stride int `json:"stride,omitempty"`
	// Padding is the number of zero rows and columns added on each side
	// of a convolution's or pooling's input.
	Padding int `json:"padding,omitempty"`
}

// KindName returns the layer's kind, KindDense for an empty Kind.
func (l LayerSpec) KindName() string {
	if l.Kind == "" {
		return KindDense
	}
	return l.Kind
}

// Spec describes a feed-forward network: its inputs, then each layer in
// order; the last layer's output is the network's.
type Spec struct {
	Inputs int `json:"inputs"`
	// InputShape is the shape of one input sample, e.g. {1, 28, 28} for
	// grey images before a convolution; empty means {Inputs}. Its size
	// must be Inputs.
	InputShape Shape       `json:"input_shape,omitempty"`
	Layers     []LayerSpec `json:"layers"`
}

// InShape returns the shape of one input sample: InputShape, or {Inputs}
// when it is empty.
func (s Spec) InShape() Shape {
	if len(s.InputShape) > 0 {
		return s.InputShape
	}
	return Shape{s.Inputs}
}

// withDefaults returns the spec with zero values replaced by their meaning;
// layers of unknown kinds are left as they are for Validate to report.
func (s Spec) withDefaults() Spec {
	out := Spec{Inputs: s.Inputs, InputShape: s.InputShape, Layers: make([]LayerSpec, len(s.Layers))}
	for i, l := range s.Layers {
		if k, err := kindOf(l); err == nil {
			l = k.defaults(l)
		}
		out.Layers[i] = l
	}
	return out
}

// plans works out each layer's output and parameters for the spec with
// defaults filled in, stopping at the first layer that is wrong.
func (s Spec) plans() ([]plan, error) {
	ps := make([]plan, 0, len(s.Layers))
	in := s.InShape()
	for i, l := range s.withDefaults().Layers {
		k, err := kindOf(l)
		if err != nil {
			return ps, fmt.Errorf("layer %d: %w", i+1, err)
		}
		p, err := k.plan(l, in)
		if err != nil {
			return ps, fmt.Errorf("layer %d: %w", i+1, err)
		}
		ps = append(ps, p)
		in = p.out
	}
	return ps, nil
}

// String describes the network as its shape, e.g. "4 → 16 relu → 3
// identity".
func (s Spec) String() string {
	parts := []string{fmt.Sprint(s.Inputs)}
	for _, l := range s.Layers {
		if k, err := kindOf(l); err == nil {
			parts = append(parts, k.describe(l))
		} else {
			parts = append(parts, l.Kind)
		}
	}
	return strings.Join(parts, " → ")
}

// Validate reports what is wrong with a spec, if anything.
func (s Spec) Validate() error {
	if s.Inputs <= 0 {
		return fmt.Errorf("network needs at least one input, got %d", s.Inputs)
	}
	if len(s.InputShape) > 0 {
		if slices.ContainsFunc(s.InputShape, func(d int) bool { return d <= 0 }) || s.InputShape.Size() != s.Inputs {
			return fmt.Errorf("input shape %v does not hold %d inputs", s.InputShape, s.Inputs)
		}
	}
	if len(s.Layers) == 0 {
		return fmt.Errorf("network needs at least one layer")
	}
	if _, err := s.plans(); err != nil {
		return err
	}
	if s.NumParams() == math.MaxInt {
		return fmt.Errorf("network has more parameters than an int can count")
	}
	return nil
}

// OutShape returns the shape of the network's output for one sample; nil
// for an invalid spec.
func (s Spec) OutShape() Shape {
	ps, err := s.plans()
	if err != nil || len(ps) == 0 {
		return nil
	}
	return ps[len(ps)-1].out
}

// Outputs returns the number of outputs per sample; 0 for an invalid spec.
func (s Spec) Outputs() int { return s.OutShape().Size() }

// Layout returns the names and shapes of the parameter tensors a valid
// spec implies, in the order Network.Params returns them, without
// allocating them: layer i's are named "layer<i>.weight" and so on.
func (s Spec) Layout() ([]ParamShape, error) {
	ps, err := s.plans()
	if err != nil {
		return nil, err
	}
	var out []ParamShape
	for i, p := range ps {
		for _, t := range p.params {
			t.Name = paramName(layerName(i), t.Name)
			out = append(out, t)
		}
	}
	return out, nil
}

// BufferLayout returns the names and shapes of the saved, untrained
// tensors a valid spec implies (see Stateful), in the order
// Network.Buffers returns them: layer i's are named "layer<i>.running_mean"
// and so on. Most specs have none.
func (s Spec) BufferLayout() ([]ParamShape, error) {
	ps, err := s.plans()
	if err != nil {
		return nil, err
	}
	var out []ParamShape
	for i, p := range ps {
		for _, t := range p.buffers {
			t.Name = paramName(layerName(i), t.Name)
			out = append(out, t)
		}
	}
	return out, nil
}

// layerName returns the name of layer i (from 0), the prefix of its
// parameters' names.
func layerName(i int) string { return fmt.Sprintf("layer%d", i+1) }

// Network is a feed-forward chain of layers.
type Network[T tensor.Float] struct {
	// Layers are applied in order.
	Layers []Layer[T]
	// Trace, when not nil, records the values of each step for
	// explanation. Leave it nil for speed.
	Trace *Trace[T]

	spec     Spec
	training bool
	params   []*Param[T]
	// overwriters are the layers whose next Backward can set their
	// gradients; cleared holds the other layers' parameters, which
	// clearGrads zeroes.
	overwriters []gradOverwriter
	cleared     []*Param[T]
	outs        []*tensor.Matrix[T] // each layer's output of the last Forward
	dOut        tensor.Matrix[T]
	par         dataParallel[T]
	// layerByLayer keeps Gradient off the data-parallel step, for tests
	// and benchmarks that compare the two.
	layerByLayer bool
}

// New builds the network a spec describes, drawing its weights from rng in
// layer order, in training mode. Biases start at zero. New allocates
// whatever the spec asks for: check a spec that comes from user input with
// CheckSize first.
func New[T tensor.Float](spec Spec, rng *rand.Rand) (*Network[T], error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec = spec.withDefaults()
	n := &Network[T]{spec: spec}
	in := spec.InShape()
	for i, ls := range spec.Layers {
		l, err := build[T](layerName(i), ls, in, rng)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		n.Layers = append(n.Layers, l)
		in = l.OutShape()
	}
	n.collectParams()
	n.SetTraining(true)
	return n, nil
}

// MustNew is New for specs written in code; it panics on an invalid spec.
func MustNew[T tensor.Float](spec Spec, rng *rand.Rand) *Network[T] {
	n, err := New[T](spec, rng)
	if err != nil {
		panic("nn: " + err.Error())
	}
	return n
}

func (n *Network[T]) collectParams() {
	n.params, n.overwriters, n.cleared = n.params[:0], n.overwriters[:0], n.cleared[:0]
	for _, l := range n.Layers {
		n.params = append(n.params, l.Params()...)
		if o, ok := l.(gradOverwriter); ok {
			n.overwriters = append(n.overwriters, o)
		} else {
			n.cleared = append(n.cleared, l.Params()...)
		}
	}
	n.outs = make([]*tensor.Matrix[T], len(n.Layers))
}

// Spec returns the spec the network was built from, defaults filled in;
// for a network from FromLayers, the spec its layers describe.
func (n *Network[T]) Spec() Spec { return n.spec }

// Inputs returns the number of inputs.
func (n *Network[T]) Inputs() int { return n.Layers[0].InShape().Size() }

// Outputs returns the number of outputs.
func (n *Network[T]) Outputs() int { return n.Layers[len(n.Layers)-1].OutShape().Size() }

// InShape returns the shape of one input sample.
func (n *Network[T]) InShape() Shape { return n.Layers[0].InShape() }

// OutShape returns the shape of one output sample.
func (n *Network[T]) OutShape() Shape { return n.Layers[len(n.Layers)-1].OutShape() }

// SetTraining puts every layer that has modes (see Moded) into training
// (true) or evaluation (false) mode. Dense layers behave the same in both.
func (n *Network[T]) SetTraining(training bool) {
	n.training = training
	for _, l := range n.Layers {
		if m, ok := l.(Moded); ok {
			m.SetTraining(training)
		}
	}
}

// FixRandom fixes (true) or frees (false) the random draws of every layer
// that makes them (see Randomized), for a gradient check.
func (n *Network[T]) FixRandom(fixed bool) {
	for _, l := range n.Layers {
		if r, ok := l.(Randomized); ok {
			r.FixRandom(fixed)
		}
	}
}

// Training reports whether the network is in training mode.
func (n *Network[T]) Training() bool { return n.training }

// LayerOutput returns layer i's output (from 0) of the last Forward, nil
// before one; like Forward's result it belongs to the layer.
func (n *Network[T]) LayerOutput(i int) *tensor.Matrix[T] {
	if i < 0 || i >= len(n.outs) {
		return nil
	}
	return n.outs[i]
}

// Params returns every trainable tensor, layer by layer, weights before
// biases. Optimizers index their state by position in this list.
func (n *Network[T]) Params() []*Param[T] { return n.params }

// SetParams copies starting weights into the network, as PyTorch's
// load_state_dict does: values[i] holds Params()[i]'s values in row-major
// order (a Dense weight is inputs×outputs, the transpose of a PyTorch
// Linear's weight). It checks every count before copying anything, so a
// mismatch leaves the network unchanged, and returns an error naming the
// parameter whose size differs.
func (n *Network[T]) SetParams(values [][]T) error {
	if len(values) != len(n.params) {
		return fmt.Errorf("nn: SetParams got %d tensors, the network has %d", len(values), len(n.params))
	}
	for i, p := range n.params {
		if len(values[i]) != len(p.Value.Data) {
			return fmt.Errorf("nn: SetParams: %s has %d values (%d×%d), got %d", p.Name, len(p.Value.Data), p.Value.Rows, p.Value.Cols, len(values[i]))
		}
	}
	for i, p := range n.params {
		copy(p.Value.Data, values[i])
	}
	return nil
}

// Buffers returns every saved, untrained tensor (see Stateful), layer by
// layer, in the order Spec.BufferLayout gives; nil when no layer has any.
func (n *Network[T]) Buffers() []*Param[T] {
	var bs []*Param[T]
	for _, l := range n.Layers {
		if s, ok := l.(Stateful[T]); ok {
			bs = append(bs, s.Buffers()...)
		}
	}
	return bs
}

// NumParams returns the number of trainable scalars.
func (n *Network[T]) NumParams() int {
	var c int
	for _, p := range n.params {
		c += len(p.Value.Data)
	}
	return c
}

// Forward runs the batch x (one sample per row) through every layer and
// returns the network's output, which is valid until the next Forward.
func (n *Network[T]) Forward(x *tensor.Matrix[T]) *tensor.Matrix[T] {
	if n.Trace != nil {
		n.Trace.begin(n, x)
	}
	if len(n.outs) != len(n.Layers) {
		n.outs = make([]*tensor.Matrix[T], len(n.Layers))
	}
	out := x
	for i, l := range n.Layers {
		out = l.Forward(out)
		n.outs[i] = out
	}
	if n.Trace != nil {
		n.Trace.recordForward(n)
	}
	return out
}

// Backward propagates dLoss/dOutput for the last Forward back through the
// layers, adding to every parameter's Grad. It returns dLoss/dInput when
// inputGrad is set, else nil.
func (n *Network[T]) Backward(dOut *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	g := dOut
	for i := len(n.Layers) - 1; i >= 0; i-- {
		if n.Trace != nil {
			n.Trace.recordOutGrad(i, g)
		}
		g = n.Layers[i].Backward(g, i > 0 || inputGrad)
	}
	if n.Trace != nil {
		n.Trace.recordBackward(n)
	}
	return g
}

// ZeroGrad sets every parameter's gradient to zero.
func (n *Network[T]) ZeroGrad() {
	for _, p := range n.params {
		p.Grad.Zero()
	}
}

// clearGrads readies every gradient for a backward pass that replaces it:
// a layer that can (Dense) sets its gradients in its next Backward rather
// than adding to them, which costs nothing; other layers' gradients are
// cleared.
func (n *Network[T]) clearGrads() {
	for _, o := range n.overwriters {
		o.overwriteGrads()
	}
	for _, p := range n.cleared {
		p.Grad.Zero()
	}
}

// Update applies one step of plain gradient descent, w = w − lr·grad, to
// every parameter.
func (n *Network[T]) Update(lr T) {
	for _, p := range n.params {
		kernel.Axpy(p.Value.Data, -lr, p.Grad.Data)
	}
	if n.Trace != nil {
		n.Trace.recordUpdate(n)
	}
}

// Loss runs x forward and returns the loss of the output against y.
func (n *Network[T]) Loss(l loss.Loss[T], x, y *tensor.Matrix[T]) float64 {
	return l.Forward(n.Forward(x), y)
}

// Gradient runs one forward and backward pass on the batch (x, y),
// leaving dLoss/dParam in every Grad (previous gradients are cleared), and
// returns the loss before the step. A network of dense and dropout layers
// with weights that fit a core's cache, on a batch of at least 64 rows per
// worker, takes a data-parallel step: each core runs whole shards of the
// batch through every layer (see dataParallel). The results have the
// bits of the layer-by-layer step, whatever the worker count.
func (n *Network[T]) Gradient(l loss.Loss[T], x, y *tensor.Matrix[T]) float64 {
	if !n.layerByLayer && len(n.outs) == len(n.Layers) && n.par.ready(n, x.Rows) {
		return n.par.gradient(n, l, x, y)
	}
	n.clearGrads()
	out := n.Forward(x)
	reshape(&n.dOut, out.Rows, out.Cols)
	v := loss.ValueAndGrad(l, &n.dOut, out, y)
	if n.Trace != nil {
		n.Trace.recordLoss(v, y, &n.dOut)
	}
	n.Backward(&n.dOut, false)
	return v
}

// Step is one iteration of the tutorial's loop on the batch (x, y):
// forward pass, loss, backward pass, then w = w − lr·grad. It returns the
// loss before the update.
func (n *Network[T]) Step(l loss.Loss[T], x, y *tensor.Matrix[T], lr T) float64 {
	v := n.Gradient(l, x, y)
	n.Update(lr)
	return v
}

// Clone returns an independent copy with the same weights and mode and
// fresh workspaces (and no Trace), for use on another goroutine.
func (n *Network[T]) Clone() *Network[T] {
	c := &Network[T]{spec: n.spec, training: n.training}
	for _, l := range n.Layers {
		c.Layers = append(c.Layers, l.Clone())
	}
	c.collectParams()
	return c
}

// FromLayers returns a network made of the given layers, for layers built
// by hand, in training mode. Its Spec is the one the layers describe.
func FromLayers[T tensor.Float](layers ...Layer[T]) *Network[T] {
	if len(layers) == 0 {
		panic("nn: FromLayers needs at least one layer")
	}
	for i := 1; i < len(layers); i++ {
		if in, out := layers[i].InShape().Size(), layers[i-1].OutShape().Size(); in != out {
			panic(fmt.Sprintf("nn: layer %d has %d inputs, layer %d gives %d outputs", i+1, in, i, out))
		}
	}
	n := &Network[T]{Layers: layers, spec: Spec{Inputs: layers[0].InShape().Size()}}
	if in := layers[0].InShape(); len(in) > 1 {
		n.spec.InputShape = slices.Clone(in)
	}
	for _, l := range layers {
		n.spec.Layers = append(n.spec.Layers, l.Spec())
	}
	n.collectParams()
	n.SetTraining(true)
	return n
}
