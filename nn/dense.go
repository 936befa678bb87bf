package nn

import (
	"fmt"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/tensor"
)

// Dense is a fully connected layer: z = x·W + b, a = f(z), with W of shape
// inputs×outputs (column j holds the weights into neuron j) and b of shape
// 1×outputs, or no b at all.
type Dense[T tensor.Float] struct {
	// W holds the weights, inputs×outputs.
	W *Param[T]
	// B holds the biases, 1×outputs; nil for a layer without bias.
	B *Param[T]
	// Act is the activation f.
	Act activation.Func[T]

	identity bool // f(z) = z: a and dz alias z and da, saving two copies
	x        *tensor.Matrix[T]
	z, a     tensor.Matrix[T]
	dz, dx   tensor.Matrix[T]
}

// NewDense returns a layer with zero weights; initialise them through W.
// The parameter names start with name.
func NewDense[T tensor.Float](name string, inputs, outputs int, act activation.Func[T], bias bool) *Dense[T] {
	if inputs <= 0 || outputs <= 0 {
		panic(fmt.Sprintf("nn: dense layer %s needs positive sizes, got %d→%d", name, inputs, outputs))
	}
	d := &Dense[T]{W: newParam[T](name+".weight", inputs, outputs), Act: act}
	if bias {
		d.B = newParam[T](name+".bias", 1, outputs)
	}
	_, d.identity = act.(activation.Identity[T])
	return d
}

// Inputs returns the number of inputs.
func (d *Dense[T]) Inputs() int { return d.W.Value.Rows }

// Outputs returns the number of neurons.
func (d *Dense[T]) Outputs() int { return d.W.Value.Cols }

// Params returns W, then B if the layer has one.
func (d *Dense[T]) Params() []*Param[T] {
	if d.B == nil {
		return []*Param[T]{d.W}
	}
	return []*Param[T]{d.W, d.B}
}

// Forward computes the sum of products z = x·W (+ b), then a = f(z).
func (d *Dense[T]) Forward(x *tensor.Matrix[T]) *tensor.Matrix[T] {
	if x.Cols != d.Inputs() {
		panic(fmt.Sprintf("nn: %s expects %d inputs, batch has %d columns", d.W.Name, d.Inputs(), x.Cols))
	}
	d.x = x
	d.z.Resize(x.Rows, d.Outputs())
	tensor.Mul(&d.z, x, false, d.W.Value, false, 1, 0)
	if d.B != nil {
		tensor.AddRowVector(&d.z, d.B.Value.Data)
	}
	if d.identity {
		return &d.z
	}
	d.a.Resize(x.Rows, d.Outputs())
	d.Act.Forward(&d.a, &d.z)
	return &d.a
}

// Backward applies the chain rule: dz = da ⊙ f'(z), W.Grad += xᵀ·dz,
// B.Grad += Σ rows of dz, and returns dx = dz·Wᵀ when inputGrad is set.
func (d *Dense[T]) Backward(da *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	if d.x == nil {
		panic("nn: Backward before Forward")
	}
	if da.Rows != d.z.Rows || da.Cols != d.z.Cols {
		panic(fmt.Sprintf("nn: %s Backward got %d×%d, output is %d×%d", d.W.Name, da.Rows, da.Cols, d.z.Rows, d.z.Cols))
	}
	dz := da
	if !d.identity {
		d.dz.Resize(da.Rows, da.Cols)
		d.Act.Backward(&d.dz, &d.z, &d.a, da)
		dz = &d.dz
	}
	tensor.Mul(d.W.Grad, d.x, true, dz, false, 1, 1)
	if d.B != nil {
		tensor.SumRows(d.B.Grad.Data, 1, dz)
	}
	if !inputGrad {
		return nil
	}
	d.dx.Resize(da.Rows, d.Inputs())
	tensor.Mul(&d.dx, dz, false, d.W.Value, true, 1, 0)
	return &d.dx
}

// SOP returns the sums of products z of the last Forward (layer-owned).
func (d *Dense[T]) SOP() *tensor.Matrix[T] { return &d.z }

// Output returns the activations a of the last Forward (layer-owned).
func (d *Dense[T]) Output() *tensor.Matrix[T] {
	if d.identity {
		return &d.z
	}
	return &d.a
}

// sopGrad returns dLoss/dz of the last Backward given the dLoss/da it received.
func (d *Dense[T]) sopGrad(da *tensor.Matrix[T]) *tensor.Matrix[T] {
	if d.identity {
		return da
	}
	return &d.dz
}
