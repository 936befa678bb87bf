package explain

import (
	"fmt"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Limits on what Explain accepts: beyond them a trace is too long to read.
const (
	MaxWeights = 200
	MaxNeurons = 16
)

// Step is one explained training step on one sample.
type Step struct {
	// Input is the sample's features; Target its target.
	Input  []float64 `json:"input"`
	Target []float64 `json:"target"`
	// Layers holds the forward and backward values, input side first.
	Layers []Layer `json:"layers"`
	// Loss names the error function; Error is its value before the update.
	Loss  string  `json:"loss"`
	Error float64 `json:"error"`
	// LearningRate is the step size of the update.
	LearningRate float64 `json:"learning_rate"`
}

// Layer is one dense layer's part of a step.
type Layer struct {
	// Index counts layers from 1.
	Index      int    `json:"index"`
	Activation string `json:"activation"`
	// Output marks the last layer, whose activations are the predictions.
	Output  bool     `json:"output"`
	Neurons []Neuron `json:"neurons"`
}

// Neuron is one neuron's forward values and the derivatives that flow
// through it.
type Neuron struct {
	// Index counts neurons from 1.
	Index int `json:"index"`
	// Inputs are the values entering the neuron (x, or the previous layer's
	// activations); SOP = Σ Inputs[i]·Weights[i].Old + Bias.Old.
	Inputs []float64 `json:"inputs"`
	SOP    float64   `json:"sop"`
	// Activation is f(SOP).
	Activation float64 `json:"activation"`
	// DErrorDActivation is dE/da: for an output neuron dE/dpred, for a
	// hidden neuron the sum over the next layer Σₖ dE/dsopₖ · wₖ.
	DErrorDActivation float64 `json:"dE_da"`
	// DActivationDSOP is da/dsop = f'(SOP); absent for softmax, whose
	// Jacobian is not diagonal.
	DActivationDSOP *float64 `json:"da_dsop,omitempty"`
	// DErrorDSOP is dE/dsop = dE/da · da/dsop.
	DErrorDSOP float64 `json:"dE_dsop"`
	// Weights are the weights into this neuron, one per input.
	Weights []Weight `json:"weights"`
	// Bias is the neuron's bias, if the layer has one (dsop/db = 1).
	Bias *Weight `json:"bias,omitempty"`
}

// Weight is one parameter's chain rule and update.
type Weight struct {
	// From counts the inputs from 1 (0 for a bias).
	From int `json:"from"`
	// Old is the value the forward pass used.
	Old float64 `json:"old"`
	// DSOPDWeight is dsop/dw: the input it multiplies (1 for a bias).
	DSOPDWeight float64 `json:"dsop_dw"`
	// Gradient is dE/dw = dE/da · da/dsop · dsop/dw as the backward pass
	// computed it.
	Gradient float64 `json:"gradient"`
	// New is Old − LearningRate·Gradient.
	New float64 `json:"new"`
}

// Check returns an error if a network is too big to explain usefully.
func Check[T float32 | float64](net *nn.Network[T]) error {
	weights := 0
	for i, l := range net.Layers {
		if k := l.Spec().KindName(); k != nn.KindDense {
			return fmt.Errorf("layer %d is %s; explain knows dense layers only", i+1, k)
		}
		in, out := l.InShape().Size(), l.OutShape().Size()
		if out > MaxNeurons || in > MaxNeurons {
			return fmt.Errorf("layer %d has %d inputs and %d neurons; explain prints every weight and is limited to %d per layer — use gradcheck or train for larger networks", i+1, in, out, MaxNeurons)
		}
		for _, p := range l.Params() {
			weights += len(p.Value.Data)
		}
	}
	if weights > MaxWeights {
		return fmt.Errorf("the network has %d parameters; explain prints the chain rule of each and is limited to %d — use gradcheck or train for larger networks", weights, MaxWeights)
	}
	return nil
}

// FromTrace explains a step recorded on one sample (a batch of one row) by
// nn.Network.Step with the given learning rate and loss name.
func FromTrace[T float32 | float64](tr *nn.Trace[T], lossName string, lr float64) (*Step, error) {
	if tr.Input == nil || tr.Input.Rows != 1 {
		return nil, fmt.Errorf("explain: need a step on exactly one sample")
	}
	if tr.LossGrad == nil {
		return nil, fmt.Errorf("explain: the trace has no backward pass; record it with Network.Step")
	}
	st := &Step{Input: f64(tr.Input.Data), Target: f64(tr.Target.Data), Loss: lossName, Error: tr.Loss, LearningRate: lr}
	for li, lt := range tr.Layers {
		if lt.SOP == nil || lt.WeightGrad == nil {
			return nil, fmt.Errorf("explain: layer %d was not recorded", li+1)
		}
		L := Layer{Index: li + 1, Activation: lt.Activation.String(), Output: li == len(tr.Layers)-1}
		in := f64(lt.Input.Data)
		for j := 0; j < lt.SOP.Cols; j++ {
			n := Neuron{
				Index:             j + 1,
				Inputs:            in,
				SOP:               float64(lt.SOP.At(0, j)),
				Activation:        float64(lt.Output.At(0, j)),
				DErrorDActivation: float64(lt.OutputGrad.At(0, j)),
				DErrorDSOP:        float64(lt.SOPGrad.At(0, j)),
			}
			if lt.Deriv != nil && lt.Activation.Name != activation.NameSoftmax {
				d := float64(lt.Deriv.At(0, j))
				n.DActivationDSOP = &d
			}
			for i := range in {
				w := Weight{From: i + 1, Old: float64(lt.Weight.At(i, j)), DSOPDWeight: in[i], Gradient: float64(lt.WeightGrad.At(i, j))}
				w.New = newValue(lt.NewWeight, i, j, w.Old, lr, w.Gradient)
				n.Weights = append(n.Weights, w)
			}
			if lt.Bias != nil {
				b := Weight{Old: float64(lt.Bias.At(0, j)), DSOPDWeight: 1, Gradient: float64(lt.BiasGrad.At(0, j))}
				b.New = newValue(lt.NewBias, 0, j, b.Old, lr, b.Gradient)
				n.Bias = &b
			}
			L.Neurons = append(L.Neurons, n)
		}
		st.Layers = append(st.Layers, L)
	}
	return st, nil
}

// newValue reads the updated parameter from the trace, or computes it when
// no update was recorded.
func newValue[T float32 | float64](m *tensor.Matrix[T], i, j int, old, lr, grad float64) float64 {
	if m != nil {
		return float64(m.At(i, j))
	}
	return old - lr*grad
}

func f64[T float32 | float64](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
