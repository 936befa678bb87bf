package nn

import (
	"fmt"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/kernel"
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
	general  bool // always take the general path (tests compare the two)
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
	reshape(&d.z, x.Rows, d.Outputs())
	d.mul(&d.z, x, false, d.W.Value, false, 0)
	if d.B != nil {
		d.addBias()
	}
	if d.identity {
		return &d.z
	}
	reshape(&d.a, x.Rows, d.Outputs())
	d.activate()
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
		reshape(&d.dz, da.Rows, da.Cols)
		d.deactivate(da)
		dz = &d.dz
	}
	d.mul(d.W.Grad, d.x, true, dz, false, 1)
	if d.B != nil {
		d.addBiasGrad(dz)
	}
	if !inputGrad {
		return nil
	}
	reshape(&d.dx, da.Rows, d.Inputs())
	d.mul(&d.dx, dz, false, d.W.Value, true, 0)
	return &d.dx
}

// mul sets c = op(a)·op(b) + beta·c like tensor.Mul. Products small enough
// for Gemm's portable loops skip Gemm's checks and dispatch, which at the
// sizes of the tutorial's networks cost more than the arithmetic, and go
// to kernel routines that compute the same bits: for one sample, the
// layer's three products are each a row vector times a matrix.
func (d *Dense[T]) mul(c, a *tensor.Matrix[T], transA bool, b *tensor.Matrix[T], transB bool, beta T) {
	m, k := a.Rows, a.Cols
	if transA {
		m, k = k, m
	}
	kb, n := b.Rows, b.Cols
	if transB {
		kb, n = n, kb
	}
	if d.general || k != kb || c.Rows != m || c.Cols != n || !kernel.IsSmall(m, n, k) {
		// tensor.Mul panics on a mismatch, or serves the larger product.
		tensor.Mul(c, a, transA, b, transB, 1, beta)
		return
	}
	switch {
	case m == 1 && !transA && !transB && beta == 0: // z = x·W
		kernel.RowMul(c.Data[:n], a.Data[:k], b.Data)
	case m == 1 && !transA && transB && beta == 0: // dx = dz·Wᵀ
		kernel.RowMulT(c.Data[:n], a.Data[:k], b.Data)
	case k == 1 && transA && !transB && beta == 1: // W.Grad += xᵀ·dz
		kernel.AddOuter(c.Data[:m*n], a.Data[:m], b.Data[:n])
	default:
		kernel.GemmSmall(transA, transB, m, n, k, 1, a.Data, a.Cols, b.Data, b.Cols, beta, c.Data, c.Cols)
	}
}

// addBias adds b to every row of z. For one sample that is a loop over a
// few elements, the additions kernel.AddRowVector would make, without the
// calls and checks on the way there.
func (d *Dense[T]) addBias() {
	b := d.B.Value.Data
	if d.general || d.z.Rows != 1 || len(b) != d.z.Cols {
		tensor.AddRowVector(&d.z, b)
		return
	}
	z := d.z.Data[:len(b)]
	for j, v := range b {
		z[j] += v
	}
}

// addBiasGrad adds the column sums of dz to B.Grad, taking the same short
// cut as addBias for one sample. (kernel.SumRows adds 1·dz, which has the
// bits of dz.)
func (d *Dense[T]) addBiasGrad(dz *tensor.Matrix[T]) {
	g := d.B.Grad.Data
	if d.general || dz.Rows != 1 || len(g) != dz.Cols {
		tensor.SumRows(g, 1, dz)
		return
	}
	for j, v := range dz.Data[:len(g)] {
		g[j] += v
	}
}

// activate sets a = f(z). The activations New makes most often run their
// kernel directly, as their Forward does after checking that the shapes
// match, which for the layer's own a and z they always do; a call through
// the interface and the check cost as much as a tiny layer's arithmetic.
// Other activations go through Act.
func (d *Dense[T]) activate() {
	if !d.general {
		a, z := d.a.Values(), d.z.Values()
		switch f := d.Act.(type) {
		case activation.Sigmoid[T]:
			kernel.Sigmoid(a, z)
			return
		case activation.Tanh[T]:
			kernel.Tanh(a, z)
			return
		case activation.ReLU[T]:
			kernel.LeakyReLU(a, z, 0)
			return
		case activation.LeakyReLU[T]:
			kernel.LeakyReLU(a, z, f.Slope)
			return
		}
	}
	d.Act.Forward(&d.a, &d.z)
}

// deactivate sets dz = da ⊙ f'(z) for the da that Backward has checked
// against z's shape, as Act.Backward does, taking the same short cut as
// activate.
func (d *Dense[T]) deactivate(da *tensor.Matrix[T]) {
	if !d.general {
		dz, g := d.dz.Values(), da.Values()
		switch f := d.Act.(type) {
		case activation.Sigmoid[T]:
			kernel.SigmoidBackward(dz, d.a.Values(), g)
			return
		case activation.Tanh[T]:
			kernel.TanhBackward(dz, d.a.Values(), g)
			return
		case activation.ReLU[T]:
			kernel.LeakyReLUBackward(dz, d.z.Values(), g, 0)
			return
		case activation.LeakyReLU[T]:
			kernel.LeakyReLUBackward(dz, d.z.Values(), g, f.Slope)
			return
		}
	}
	d.Act.Backward(&d.dz, &d.z, &d.a, da)
}

// reshape gives a layer-owned workspace the shape rows×cols. A training
// loop asks for the same shape every step, which then costs two compares.
func reshape[T tensor.Float](m *tensor.Matrix[T], rows, cols int) {
	if m.Rows != rows || m.Cols != cols {
		m.Resize(rows, cols)
	}
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
