package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/initializer"
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
	// oneAtATime keeps Backward's two products one after the other
	// (benchmarks compare the two ways; see bothAtOnce).
	oneAtATime bool
	// overwrite makes the next Backward set the gradients instead of
	// adding to them: Network.Gradient's cheaper way to clear them.
	overwrite bool
	// inShape is the sample shape the layer was built for (its size is
	// Inputs: a dense layer flattens), outShape is {Outputs}.
	inShape, outShape Shape
	init              initializer.Spec // as built; zero for NewDense
	x                 *tensor.Matrix[T]
	z, a              tensor.Matrix[T]
	dz, dx            tensor.Matrix[T]
	post              kernel.BiasLeakyReLUPost[T]
	mask              denseMask[T]
	grads             denseGrads[T]
	// packW and packWT hold W and Wᵀ packed once for the shards of the
	// data-parallel step, which multiply by them.
	packW, packWT kernel.PackedB[T]
}

// denseDefaults fills in the activation (sigmoid, the tutorial's choice)
// and the initialisation that suits it.
func denseDefaults(s LayerSpec) LayerSpec {
	s.Kind = "" // a dense layer is written without a kind, as before kinds existed
	if s.Activation.Name == "" {
		s.Activation.Name = activation.NameSigmoid
	}
	if s.Init.Name == "" {
		s.Init = initializer.Default(s.Activation)
	}
	return s
}

// densePlan checks a dense spec: any input shape, flattened.
func densePlan(s LayerSpec, in Shape) (plan, error) {
	if s.Units <= 0 {
		return plan{}, fmt.Errorf("needs at least one unit, got %d", s.Units)
	}
	if err := s.Activation.Validate(); err != nil {
		return plan{}, err
	}
	if err := s.Init.Validate(); err != nil {
		return plan{}, err
	}
	if s.Rate != 0 {
		return plan{}, fmt.Errorf("a dense layer has no rate (did you mean a dropout layer?)")
	}
	n := in.Size()
	p := plan{out: Shape{s.Units}, params: []ParamShape{{"weight", n, s.Units}}}
	if !s.NoBias {
		p.params = append(p.params, ParamShape{"bias", 1, s.Units})
	}
	// Its input gradient and three values per unit: the sum of
	// products, the activation and its gradient.
	p.activations = addSat(n, mulSat(3, s.Units))
	return p, nil
}

// denseDescribe writes e.g. "16 relu".
func denseDescribe(s LayerSpec) string { return fmt.Sprintf("%d %s", s.Units, s.Activation) }

// buildDense makes a dense layer from a checked spec and draws its weights.
func buildDense[T tensor.Float](name string, s LayerSpec, in Shape, rng *rand.Rand) Layer[T] {
	d := NewDense(name, in.Size(), s.Units, activation.MustNew[T](s.Activation), !s.NoBias)
	d.inShape, d.init = in, s.Init
	initializer.Fill(s.Init, rng, d.Inputs(), s.Units, d.W.Value.Data)
	return d
}

// NewDense returns a layer with zero weights; initialise them through W.
// The parameter names start with name.
func NewDense[T tensor.Float](name string, inputs, outputs int, act activation.Func[T], bias bool) *Dense[T] {
	if inputs <= 0 || outputs <= 0 {
		panic(fmt.Sprintf("nn: dense layer %s needs positive sizes, got %d→%d", name, inputs, outputs))
	}
	d := &Dense[T]{W: newParam[T](paramName(name, "weight"), inputs, outputs), Act: act}
	if bias {
		d.B = newParam[T](paramName(name, "bias"), 1, outputs)
	}
	_, d.identity = act.(activation.Identity[T])
	d.inShape, d.outShape = Shape{inputs}, Shape{outputs}
	return d
}

// InShape returns the sample shape the layer was built for; its size is
// Inputs.
func (d *Dense[T]) InShape() Shape { return d.inShape }

// OutShape returns {Outputs}.
func (d *Dense[T]) OutShape() Shape { return d.outShape }

// Spec returns the layer's units, activation, bias and initialisation (the
// zero initialisation, meaning the default, for a layer from NewDense).
func (d *Dense[T]) Spec() LayerSpec {
	return LayerSpec{Units: d.Outputs(), Activation: d.Act.Spec(), NoBias: d.B == nil, Init: d.init}
}

// Clone returns a copy with the same weights and names and fresh
// workspaces.
func (d *Dense[T]) Clone() Layer[T] {
	c := NewDense("", d.Inputs(), d.Outputs(), d.Act, d.B != nil)
	c.inShape, c.init = d.inShape, d.init
	c.W.Name = d.W.Name
	c.W.Value.CopyFrom(d.W.Value)
	if d.B != nil {
		c.B.Name = d.B.Name
		c.B.Value.CopyFrom(d.B.Value)
	}
	return c
}

// overwriteGrads makes the next Backward set the gradients instead of
// adding to them.
func (d *Dense[T]) overwriteGrads() { d.overwrite = true }

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
	in, out := d.Inputs(), d.Outputs()
	if x.Cols != in {
		panic(fmt.Sprintf("nn: %s expects %d inputs, batch has %d columns", d.W.Name, in, x.Cols))
	}
	d.x = x
	reshape(&d.z, x.Rows, out)
	if d.oneSample(x.Rows) && (d.B == nil || len(d.B.Value.Data) == out) {
		// A row vector times W, then b added in place: the additions
		// kernel.AddRowVector would make.
		z := d.z.Data[:out]
		kernel.RowMul(z, x.Data[:in], d.W.Value.Data)
		if d.B != nil {
			for j, v := range d.B.Value.Data {
				z[j] += v
			}
		}
	} else {
		slope, leaky := d.leaky()
		if leaky || d.identity && !d.general {
			// The bias and a ReLU, leaky ReLU or the identity applied
			// to each block of z as the product finishes it, while
			// it is in cache, on the core that computed it: the bits
			// of the two sweeps below.
			var a, b []T
			if leaky {
				reshape(&d.a, x.Rows, out)
				a = d.a.Data
			}
			if d.B != nil {
				b = d.B.Value.Data
			}
			if a == nil && b == nil {
				d.mul(&d.z, x, false, d.W.Value, false, 0)
				return d.Output()
			}
			d.post = kernel.BiasLeakyReLUPost[T]{Z: d.z.Data, A: a, B: b, Slope: slope}
			d.mulPost(&d.z, x, d.W.Value, &d.post)
			d.post = kernel.BiasLeakyReLUPost[T]{}
			return d.Output()
		}
		d.mul(&d.z, x, false, d.W.Value, false, 0)
		if d.B != nil {
			tensor.AddRowVector(&d.z, d.B.Value.Data)
		}
	}
	if d.identity {
		return &d.z
	}
	reshape(&d.a, x.Rows, out)
	d.activate()
	return &d.a
}

// leaky returns the slope of a ReLU (0) or leaky ReLU activation and
// whether the layer has one and may take the fused loops.
func (d *Dense[T]) leaky() (T, bool) {
	if d.general {
		return 0, false
	}
	switch f := d.Act.(type) {
	case activation.ReLU[T]:
		return 0, true
	case activation.LeakyReLU[T]:
		return f.Slope, true
	}
	return 0, false
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
	in, out := d.Inputs(), d.Outputs()
	// beta 0 sets the gradients, 1 adds to them. Setting gives the bits
	// that adding to a cleared gradient gives (0 + v = v), except that a
	// −0 stays −0, and saves clearing them: for a large layer, a pass over
	// its weights' size that no other core could share.
	beta := T(1)
	if d.overwrite {
		beta, d.overwrite = 0, false
	}
	if d.oneSample(da.Rows) && tensor.SameShape(d.W.Grad, d.W.Value) && (d.B == nil || len(d.B.Grad.Data) == out) {
		// W.Grad += xᵀ·dz is the outer product of two vectors, B.Grad
		// += dz the additions kernel.SumRows would make (it adds 1·dz,
		// which has the bits of dz), and dx = dz·Wᵀ a row vector times
		// a matrix.
		g := dz.Data[:out]
		if beta == 0 {
			d.W.Grad.Zero()
			if d.B != nil {
				d.B.Grad.Zero()
			}
		}
		kernel.AddOuter(d.W.Grad.Data[:in*out], d.x.Data[:in], g)
		if d.B != nil {
			bg := d.B.Grad.Data[:out]
			for j, v := range g {
				bg[j] += v
			}
		}
		if !inputGrad {
			return nil
		}
		reshape(&d.dx, 1, in)
		kernel.RowMulT(d.dx.Data[:in], g, d.W.Value.Data)
		return &d.dx
	}
	if inputGrad && d.x.Rows == da.Rows && d.bothAtOnce(da.Rows) {
		reshape(&d.dx, da.Rows, in)
		d.grads = denseGrads[T]{d: d, dz: dz, beta: beta}
		kernel.ForEach(2, &d.grads)
		d.grads = denseGrads[T]{}
		return &d.dx
	}
	d.mul(d.W.Grad, d.x, true, dz, false, beta)
	if d.B != nil {
		tensor.SumRows(d.B.Grad.Data, beta, dz)
	}
	if !inputGrad {
		return nil
	}
	reshape(&d.dx, da.Rows, in)
	d.mul(&d.dx, dz, false, d.W.Value, true, 0)
	return &d.dx
}

// Below bothAtOnceMax multiply-adds a product (about 110 µs on one Zen 3 core),
// Backward computes the weight gradient xᵀ·dz and the input gradient
// dz·Wᵀ at the same time, one on each of two cores, rather than one after
// the other with each split between the cores: the two products have the
// same multiply-adds, so they balance, and it saves the waits and the
// repeated packing of two split products. Above bothAtOnceMin only: under
// it waking the other core costs more than the product.
const (
	bothAtOnceMin = 1 << 15
	bothAtOnceMax = 1 << 22
)

// bothAtOnce reports whether Backward on a batch of rows computes the two
// products at the same time (see bothAtOnceMax). Each product gives the
// bits it would give split or alone.
func (d *Dense[T]) bothAtOnce(rows int) bool {
	macs := rows * d.Inputs() * d.Outputs()
	return !d.general && !d.oneAtATime && kernel.Workers() >= 2 && macs >= bothAtOnceMin && macs <= bothAtOnceMax &&
		tensor.SameShape(d.W.Grad, d.W.Value) && (d.B == nil || len(d.B.Grad.Data) == d.Outputs())
}

// denseGrads is Backward's two products as two tasks for kernel.ForEach:
// 0 is the weight (and bias) gradient, 1 the input gradient. Each runs
// on one goroutine (kernel.GemmSerial), which gives kernel.Gemm's bits.
type denseGrads[T tensor.Float] struct {
	d    *Dense[T]
	dz   *tensor.Matrix[T]
	beta T
}

func (g *denseGrads[T]) Range(lo, hi int) {
	d, dz, x, w := g.d, g.dz, g.d.x, g.d.W.Value
	for i := lo; i < hi; i++ {
		switch i {
		case 0: // W.Grad = xᵀ·dz (+ beta·W.Grad), B.Grad = column sums of dz
			kernel.GemmSerial(true, false, x.Cols, dz.Cols, x.Rows, 1, x.Data, x.Cols, dz.Data, dz.Cols, g.beta, d.W.Grad.Data, d.W.Grad.Cols)
			if d.B != nil {
				tensor.SumRows(d.B.Grad.Data, g.beta, dz)
			}
		default: // dx = dz·Wᵀ
			kernel.GemmSerial(false, true, dz.Rows, w.Rows, dz.Cols, 1, dz.Data, dz.Cols, w.Data, w.Cols, 0, d.dx.Data, d.dx.Cols)
		}
	}
}

// mulPost sets c = a·b as mul does with beta 0, with post given every
// block of c as it is finished (kernel.GemmPost).
func (d *Dense[T]) mulPost(c, a, b *tensor.Matrix[T], post kernel.Post[T]) {
	m, k := tensor.OpDims(a, false)
	kb, n := tensor.OpDims(b, false)
	if k != kb || c.Rows != m || c.Cols != n || d.general || kernel.IsSmall(m, n, k) {
		d.mul(c, a, false, b, false, 0)
		post.Block(c.Data, c.Cols, c.Rows, c.Cols)
		return
	}
	kernel.GemmPost(false, false, m, n, k, 1, a.Data, a.Cols, b.Data, b.Cols, 0, c.Data, c.Cols, post)
}

// oneSample reports whether a batch of rows takes the short cut for a
// single sample. At the sizes of the tutorial's networks, the checks and
// calls on the general path (tensor.Mul, kernel.Gemm) cost more than the
// arithmetic. For one sample each of the layer's products is a row vector
// times a matrix, which kernel's row routines compute with the very
// operations Gemm would, for products that kernel.IsSmall accepts.
func (d *Dense[T]) oneSample(rows int) bool {
	return rows == 1 && !d.general && kernel.IsSmall(1, d.Inputs(), d.Outputs())
}

// mul sets c = op(a)·op(b) + beta·c like tensor.Mul, sending products
// that kernel.IsSmall accepts to kernel.GemmSmall: Gemm's loops without
// its checks and dispatch.
func (d *Dense[T]) mul(c, a *tensor.Matrix[T], transA bool, b *tensor.Matrix[T], transB bool, beta T) {
	m, k := tensor.OpDims(a, transA)
	kb, n := tensor.OpDims(b, transB)
	if d.general || k != kb || c.Rows != m || c.Cols != n || !kernel.IsSmall(m, n, k) {
		// tensor.Mul panics on a mismatch, or serves the larger product.
		tensor.Mul(c, a, transA, b, transB, 1, beta)
		return
	}
	kernel.GemmSmall(transA, transB, m, n, k, 1, a.Data, a.Cols, b.Data, b.Cols, beta, c.Data, c.Cols)
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
		switch d.Act.(type) {
		case activation.Sigmoid[T]:
			kernel.SigmoidBackward(dz, d.a.Values(), g)
			return
		case activation.Tanh[T]:
			kernel.TanhBackward(dz, d.a.Values(), g)
			return
		case activation.ReLU[T], activation.LeakyReLU[T]:
			// By blocks of rows split between the cores, each
			// through the assembly loop: the bits of
			// LeakyReLUBackward.
			d.mask.d, d.mask.da = d, g
			kernel.For(da.Rows, da.Cols, &d.mask)
			d.mask.da = nil
			return
		}
	}
	d.Act.Backward(&d.dz, &d.z, &d.a, da)
}

// denseMask is a Ranger over the rows of a Dense layer's dz: it sets
// them to da ⊙ f'(z) for a ReLU or leaky ReLU f.
type denseMask[T tensor.Float] struct {
	d  *Dense[T]
	da []T
}

// Range sets rows lo..hi-1.
func (m *denseMask[T]) Range(lo, hi int) {
	d := m.d
	out := d.Outputs()
	slope, _ := d.leaky()
	kernel.LeakyReLUGrad(d.dz.Data[lo*out:hi*out], d.z.Data[lo*out:hi*out], m.da[lo*out:hi*out], slope)
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

// shardable reports whether the data-parallel step (see dataParallel)
// can run the layer: an activation it applies row block by row block on
// one goroutine, and gradients of the shapes of the parameters.
func (d *Dense[T]) shardable() bool {
	if d.general || !tensor.SameShape(d.W.Grad, d.W.Value) || (d.B != nil && len(d.B.Grad.Data) != d.Outputs()) {
		return false
	}
	if _, ok := d.leaky(); ok || d.identity {
		return true
	}
	switch d.Act.(type) {
	case activation.Sigmoid[T], activation.Tanh[T]:
		return true
	}
	return false
}

// readyRows gives the layer's workspaces the shapes of a batch of x's
// rows, for forwardRows and backwardRows to fill block by block (dx
// only when inputGrad is set), and readies packW (and packWT for dx),
// whose blocks the caller must pack; it returns the matrix the layer's
// output will be in.
func (d *Dense[T]) readyRows(x *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	in, out := d.Inputs(), d.Outputs()
	if x.Cols != in {
		panic(fmt.Sprintf("nn: %s expects %d inputs, batch has %d columns", d.W.Name, in, x.Cols))
	}
	d.x = x
	d.overwrite = false
	reshape(&d.z, x.Rows, out)
	if !d.identity {
		reshape(&d.a, x.Rows, out)
		reshape(&d.dz, x.Rows, out)
	}
	d.packW.Reset(false, in, out, d.W.Value.Data, out)
	if inputGrad {
		reshape(&d.dx, x.Rows, in)
		d.packWT.Reset(true, out, in, d.W.Value.Data, out)
	}
	return d.Output()
}

// forwardRows computes rows r0..r1-1 of z and a on the calling goroutine,
// each element as Forward computes it.
func (d *Dense[T]) forwardRows(r0, r1 int) {
	in, out, m := d.Inputs(), d.Outputs(), r1-r0
	z := d.z.Data[r0*out : r1*out]
	kernel.GemmPackedB(false, m, 1, d.x.Data[r0*in:r1*in], in, &d.packW, 0, z, out)
	var b []T
	if d.B != nil {
		b = d.B.Value.Data
	}
	if d.identity {
		kernel.BiasLeakyReLURows(m, out, z, nil, b, 0)
		return
	}
	a := d.a.Data[r0*out : r1*out]
	if slope, ok := d.leaky(); ok {
		kernel.BiasLeakyReLURows(m, out, z, a, b, slope)
		return
	}
	kernel.BiasLeakyReLURows(m, out, z, nil, b, 0)
	switch d.Act.(type) {
	case activation.Sigmoid[T]:
		kernel.Sigmoid(a, z)
	case activation.Tanh[T]:
		kernel.Tanh(a, z)
	default:
		panic("nn: forwardRows on a layer that is not shardable")
	}
}

// inputGrad returns the matrix backwardRows writes dLoss/dx into.
func (d *Dense[T]) inputGrad() *tensor.Matrix[T] { return &d.dx }

// backwardRows takes rows r0..r1-1 of dLoss/da (da, (r1−r0)×Outputs),
// sets those rows of dz (unless the activation is the identity, where dz
// is da) and, when inputGrad is set, of dx, which it returns; on the
// calling goroutine, each element as Backward computes it. The weight
// and bias gradients are left to the caller, which sums them over the
// whole batch.
func (d *Dense[T]) backwardRows(r0, r1 int, da []T, inputGrad bool) []T {
	in, out, m := d.Inputs(), d.Outputs(), r1-r0
	dz := da
	if !d.identity {
		dz = d.dz.Data[r0*out : r1*out]
		if slope, ok := d.leaky(); ok {
			kernel.LeakyReLUGrad(dz, d.z.Data[r0*out:r1*out], da, slope)
		} else {
			switch d.Act.(type) {
			case activation.Sigmoid[T]:
				kernel.SigmoidBackward(dz, d.a.Data[r0*out:r1*out], da)
			case activation.Tanh[T]:
				kernel.TanhBackward(dz, d.a.Data[r0*out:r1*out], da)
			default:
				panic("nn: backwardRows on a layer that is not shardable")
			}
		}
	}
	if !inputGrad {
		return nil
	}
	dx := d.dx.Data[r0*in : r1*in]
	kernel.GemmPackedB(false, m, 1, dz, out, &d.packWT, 0, dx, in)
	return dx
}
