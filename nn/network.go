package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/tensor"
)

// LayerSpec describes one dense layer.
type LayerSpec struct {
	// Units is the number of neurons.
	Units int `json:"units"`
	// Activation is the layer's activation; the zero value means sigmoid,
	// the tutorial's choice.
	Activation activation.Spec `json:"activation"`
	// NoBias leaves out the bias, as the tutorial's first network does.
	NoBias bool `json:"no_bias,omitempty"`
	// Init is the weight initialisation; the zero value means
	// initializer.Default for the activation.
	Init initializer.Spec `json:"init,omitzero"`
}

// Spec describes a feed-forward network: its inputs, then each layer in
// order; the last layer's Units is the number of outputs.
type Spec struct {
	Inputs int         `json:"inputs"`
	Layers []LayerSpec `json:"layers"`
}

// withDefaults returns the spec with zero values replaced by their meaning.
func (s Spec) withDefaults() Spec {
	out := Spec{Inputs: s.Inputs, Layers: make([]LayerSpec, len(s.Layers))}
	for i, l := range s.Layers {
		if l.Activation.Name == "" {
			l.Activation.Name = activation.NameSigmoid
		}
		if l.Init.Name == "" {
			l.Init = initializer.Default(l.Activation)
		}
		out.Layers[i] = l
	}
	return out
}

// String describes the network as its shape, e.g. "4 → 16 relu → 3
// identity".
func (s Spec) String() string {
	parts := []string{fmt.Sprint(s.Inputs)}
	for _, l := range s.Layers {
		parts = append(parts, fmt.Sprintf("%d %s", l.Units, l.Activation))
	}
	return strings.Join(parts, " → ")
}

// Validate reports what is wrong with a spec, if anything.
func (s Spec) Validate() error {
	if s.Inputs <= 0 {
		return fmt.Errorf("network needs at least one input, got %d", s.Inputs)
	}
	if len(s.Layers) == 0 {
		return fmt.Errorf("network needs at least one layer")
	}
	for i, l := range s.withDefaults().Layers {
		if l.Units <= 0 {
			return fmt.Errorf("layer %d needs at least one unit, got %d", i+1, l.Units)
		}
		if err := l.Activation.Validate(); err != nil {
			return fmt.Errorf("layer %d: %w", i+1, err)
		}
		if err := l.Init.Validate(); err != nil {
			return fmt.Errorf("layer %d: %w", i+1, err)
		}
	}
	if s.NumParams() == math.MaxInt {
		return fmt.Errorf("network has more parameters than an int can count")
	}
	return nil
}

// Network is a feed-forward chain of layers.
type Network[T tensor.Float] struct {
	// Layers are applied in order.
	Layers []Layer[T]
	// Trace, when not nil, records the values of each step for
	// explanation. Leave it nil for speed.
	Trace *Trace[T]

	spec   Spec
	params []*Param[T]
	dOut   tensor.Matrix[T]
}

// New builds the network a spec describes, drawing its weights from rng in
// layer order. Biases start at zero. New allocates whatever the spec
// asks for: check a spec that comes from user input with CheckSize first.
func New[T tensor.Float](spec Spec, rng *rand.Rand) (*Network[T], error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec = spec.withDefaults()
	n := &Network[T]{spec: spec}
	in := spec.Inputs
	for i, l := range spec.Layers {
		act, err := activation.New[T](l.Activation)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		d := NewDense(fmt.Sprintf("layer%d", i+1), in, l.Units, act, !l.NoBias)
		initializer.Fill(l.Init, rng, in, l.Units, d.W.Value.Data)
		n.Layers = append(n.Layers, d)
		in = l.Units
	}
	n.collectParams()
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
	n.params = n.params[:0]
	for _, l := range n.Layers {
		n.params = append(n.params, l.Params()...)
	}
}

// Spec returns the spec the network was built from, defaults filled in.
func (n *Network[T]) Spec() Spec { return n.spec }

// Inputs returns the number of inputs.
func (n *Network[T]) Inputs() int { return n.Layers[0].Inputs() }

// Outputs returns the number of outputs.
func (n *Network[T]) Outputs() int { return n.Layers[len(n.Layers)-1].Outputs() }

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
	out := x
	for _, l := range n.Layers {
		out = l.Forward(out)
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
// a Dense layer's next Backward sets its gradients rather than adding to
// them, which costs nothing; other layers' gradients are cleared.
func (n *Network[T]) clearGrads() {
	for _, l := range n.Layers {
		if d, ok := l.(*Dense[T]); ok {
			d.overwrite = true
			continue
		}
		for _, p := range l.Params() {
			p.Grad.Zero()
		}
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
// returns the loss before the step.
func (n *Network[T]) Gradient(l loss.Loss[T], x, y *tensor.Matrix[T]) float64 {
	n.clearGrads()
	out := n.Forward(x)
	v := l.Forward(out, y)
	reshape(&n.dOut, out.Rows, out.Cols)
	l.Backward(&n.dOut, out, y)
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

// Clone returns an independent copy with the same weights and fresh
// workspaces (and no Trace), for use on another goroutine.
func (n *Network[T]) Clone() *Network[T] {
	c := &Network[T]{spec: n.spec}
	for _, l := range n.Layers {
		d, ok := l.(*Dense[T])
		if !ok {
			panic(fmt.Sprintf("nn: Clone does not know layer type %T", l))
		}
		nd := NewDense(nameOf(d.W.Name), d.Inputs(), d.Outputs(), d.Act, d.B != nil)
		nd.W.Value.CopyFrom(d.W.Value)
		if d.B != nil {
			nd.B.Value.CopyFrom(d.B.Value)
		}
		c.Layers = append(c.Layers, nd)
	}
	c.collectParams()
	return c
}

// nameOf strips the ".weight" suffix from a weight's name.
func nameOf(weight string) string {
	const suffix = ".weight"
	if len(weight) > len(suffix) && weight[len(weight)-len(suffix):] == suffix {
		return weight[:len(weight)-len(suffix)]
	}
	return weight
}

// FromLayers returns a network made of the given layers, for layers built
// by hand. Its Spec is empty.
func FromLayers[T tensor.Float](layers ...Layer[T]) *Network[T] {
	if len(layers) == 0 {
		panic("nn: FromLayers needs at least one layer")
	}
	for i := 1; i < len(layers); i++ {
		if layers[i].Inputs() != layers[i-1].Outputs() {
			panic(fmt.Sprintf("nn: layer %d has %d inputs, layer %d gives %d outputs", i+1, layers[i].Inputs(), i, layers[i-1].Outputs()))
		}
	}
	n := &Network[T]{Layers: layers}
	n.collectParams()
	return n
}
