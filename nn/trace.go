package nn

import (
	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/tensor"
)

// Trace records everything one training step computes, for networks small
// enough to print. Set Network.Trace to a new Trace before a step and read
// it afterwards; each Forward starts a fresh record. Recording copies every
// matrix, so it is meant for explanation, not for speed.
type Trace[T tensor.Float] struct {
	// Input is the batch given to Forward.
	Input *tensor.Matrix[T]
	// Layers holds one record per layer, input side first.
	Layers []LayerTrace[T]
	// Target, Loss and LossGrad are set by Network.Gradient and Step:
	// the targets, the loss value and dLoss/dOutput.
	Target   *tensor.Matrix[T]
	Loss     float64
	LossGrad *tensor.Matrix[T]
}

// LayerTrace is what one dense layer computed in a step. In the
// tutorial's terms, for a weight w from input i to neuron j:
// dE/dw = OutputGrad[j] · Deriv[j] · Input[i], summed over the batch.
type LayerTrace[T tensor.Float] struct {
	// Activation names the layer's activation.
	Activation activation.Spec
	// Input is x, what the layer received.
	Input *tensor.Matrix[T]
	// Weight and Bias are the parameters the forward pass used (Bias nil
	// without bias).
	Weight, Bias *tensor.Matrix[T]
	// SOP is z = x·W + b; Output is a = f(z).
	SOP, Output *tensor.Matrix[T]
	// OutputGrad is dE/da, the error's derivative with respect to the
	// layer's output.
	OutputGrad *tensor.Matrix[T]
	// Deriv is da/dz element by element (the tutorial's dpred/dsop); nil
	// for softmax, whose Jacobian is not diagonal.
	Deriv *tensor.Matrix[T]
	// SOPGrad is dE/dz = dE/da · da/dz.
	SOPGrad *tensor.Matrix[T]
	// WeightGrad and BiasGrad are dE/dW = xᵀ·dE/dz and dE/db.
	WeightGrad, BiasGrad *tensor.Matrix[T]
	// NewWeight and NewBias are the parameters after Update; nil until
	// an update runs.
	NewWeight, NewBias *tensor.Matrix[T]
}

func (t *Trace[T]) begin(n *Network[T], x *tensor.Matrix[T]) {
	*t = Trace[T]{Input: x.Clone(), Layers: make([]LayerTrace[T], len(n.Layers))}
	t.record(n, TraceBegin)
}

func (t *Trace[T]) recordForward(n *Network[T]) { t.record(n, TraceForward) }

func (t *Trace[T]) recordLoss(v float64, y, grad *tensor.Matrix[T]) {
	t.Loss, t.Target, t.LossGrad = v, y.Clone(), grad.Clone()
}

func (t *Trace[T]) recordOutGrad(i int, g *tensor.Matrix[T]) {
	if i < len(t.Layers) {
		t.Layers[i].OutputGrad = g.Clone()
	}
}

func (t *Trace[T]) recordBackward(n *Network[T]) { t.record(n, TraceBackward) }

func (t *Trace[T]) recordUpdate(n *Network[T]) { t.record(n, TraceUpdate) }

// record asks every layer that can be traced for the values of stage.
func (t *Trace[T]) record(n *Network[T], stage TraceStage) {
	for i, l := range n.Layers {
		if tl, ok := l.(Traced[T]); ok && i < len(t.Layers) {
			tl.TraceInto(&t.Layers[i], stage)
		}
	}
}

// TraceInto records the tutorial's quantities: the weights, the sums of
// products and activations, the derivatives and gradients, and the
// updated weights.
func (d *Dense[T]) TraceInto(lt *LayerTrace[T], stage TraceStage) {
	switch stage {
	case TraceBegin:
		lt.Activation = d.Act.Spec()
		lt.Weight = d.W.Value.Clone()
		if d.B != nil {
			lt.Bias = d.B.Value.Clone()
		}
	case TraceForward:
		lt.Input = d.x.Clone()
		lt.SOP = d.SOP().Clone()
		lt.Output = d.Output().Clone()
	case TraceBackward:
		if lt.OutputGrad == nil {
			return
		}
		lt.SOPGrad = d.sopGrad(lt.OutputGrad).Clone()
		if e, ok := d.Act.(activation.Elementwise[T]); ok && lt.SOP != nil {
			lt.Deriv = tensor.New[T](lt.SOP.Rows, lt.SOP.Cols)
			out := lt.Output.Values()
			for k, z := range lt.SOP.Values() {
				lt.Deriv.Data[k] = e.Deriv(z, out[k])
			}
		}
		lt.WeightGrad = d.W.Grad.Clone()
		if d.B != nil {
			lt.BiasGrad = d.B.Grad.Clone()
		}
	case TraceUpdate:
		lt.NewWeight = d.W.Value.Clone()
		if d.B != nil {
			lt.NewBias = d.B.Value.Clone()
		}
	}
}
