package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/tensor"
)

// Dropout is inverted dropout: while training it sets each value to zero
// with probability Rate and multiplies the others by 1/(1−Rate), so that
// in evaluation mode, where it passes its input through unchanged, the
// expected output is the same and nothing needs rescaling (PyTorch's
// nn.Dropout). It has no parameters. Its random stream is its own, seeded
// from the rng it was built with, so a run is the same for a seed however
// many goroutines train.
type Dropout[T tensor.Float] struct {
	rate     float64
	training bool
	fixed    bool // Forward reuses the last mask (see FixRandom)
	src      rand.PCG
	rng      *rand.Rand
	shape    Shape
	mask     tensor.Matrix[T] // 0 or 1/(1−rate) per value of the last batch
	out, dx  tensor.Matrix[T]
	x        *tensor.Matrix[T] // the data-parallel step's input (readyRows)
}

// KindDropout names the dropout layer kind; its setting is Rate.
const KindDropout = "dropout"

// dropoutDefaults has nothing to fill in: the rate has no default.
func dropoutDefaults(s LayerSpec) LayerSpec { return s }

// dropoutPlan checks the rate and that no dense setting is given.
func dropoutPlan(s LayerSpec, in Shape) (plan, error) {
	if !(s.Rate >= 0 && s.Rate < 1) {
		return plan{}, fmt.Errorf("dropout rate must be at least 0 and below 1, got %v", s.Rate)
	}
	if s.Units != 0 || s.Activation.Name != "" || s.NoBias || s.Init.Name != "" {
		return plan{}, fmt.Errorf("a dropout layer has no units, activation, bias or initialisation")
	}
	n := in.Size()
	// The output, the mask and the input gradient.
	return plan{out: in, activations: mulSat(3, n)}, nil
}

// dropoutDescribe writes e.g. "dropout 0.25".
func dropoutDescribe(s LayerSpec) string { return fmt.Sprintf("%s %v", KindDropout, s.Rate) }

// buildDropout makes a dropout layer whose stream is seeded from rng.
func buildDropout[T tensor.Float](_ string, s LayerSpec, in Shape, rng *rand.Rand) Layer[T] {
	return NewDropout[T](s.Rate, in, rng.Uint64(), rng.Uint64())
}

// NewDropout returns a dropout layer in training mode for samples of the
// given shape, dropping with probability rate (0 ≤ rate < 1) from a
// stream seeded with seed1 and seed2.
func NewDropout[T tensor.Float](rate float64, in Shape, seed1, seed2 uint64) *Dropout[T] {
	if !(rate >= 0 && rate < 1) {
		panic(fmt.Sprintf("nn: dropout rate must be at least 0 and below 1, got %v", rate))
	}
	d := &Dropout[T]{rate: rate, training: true, shape: in, src: *rand.NewPCG(seed1, seed2)}
	d.rng = rand.New(&d.src)
	return d
}

// Rate returns the probability of dropping a value.
func (d *Dropout[T]) Rate() float64 { return d.rate }

// Forward drops values while training and copies x when evaluating.
func (d *Dropout[T]) Forward(x *tensor.Matrix[T]) *tensor.Matrix[T] {
	if n := d.shape.Size(); x.Cols != n {
		panic(fmt.Sprintf("nn: dropout expects %d inputs, batch has %d columns", n, x.Cols))
	}
	reshape(&d.out, x.Rows, x.Cols)
	if !d.training {
		copy(d.out.Values(), x.Values())
		return &d.out
	}
	d.drawMask(x.Rows, x.Cols)
	m, out := d.mask.Values(), d.out.Values()
	for i, v := range x.Values() {
		out[i] = v * m[i]
	}
	return &d.out
}

// drawMask draws the mask for a batch of rows×cols values, in order from
// the layer's stream, unless it is fixed and has that shape already.
func (d *Dropout[T]) drawMask(rows, cols int) {
	if d.fixed && d.mask.Rows == rows && d.mask.Cols == cols {
		return
	}
	reshape(&d.mask, rows, cols)
	keep := T(1 / (1 - d.rate))
	for i := range d.mask.Data {
		if d.rng.Float64() < d.rate {
			d.mask.Data[i] = 0
		} else {
			d.mask.Data[i] = keep
		}
	}
}

// readyRows is Forward's part for the whole batch in the data-parallel
// step (see dataParallel): it shapes the workspaces and, while training,
// draws the batch's mask, the draws Forward would make; forwardRows and
// backwardRows then fill them block by block.
func (d *Dropout[T]) readyRows(x *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	if n := d.shape.Size(); x.Cols != n {
		panic(fmt.Sprintf("nn: dropout expects %d inputs, batch has %d columns", n, x.Cols))
	}
	d.x = x
	reshape(&d.out, x.Rows, x.Cols)
	if inputGrad {
		reshape(&d.dx, x.Rows, x.Cols)
	}
	if d.training {
		d.drawMask(x.Rows, x.Cols)
	}
	return &d.out
}

// forwardRows computes rows r0..r1-1 of the output as Forward does.
func (d *Dropout[T]) forwardRows(r0, r1 int) {
	c := d.x.Cols
	x, out := d.x.Data[r0*c:r1*c], d.out.Data[r0*c:r1*c]
	if !d.training {
		copy(out, x)
		return
	}
	m := d.mask.Data[r0*c : r1*c]
	for i, v := range x {
		out[i] = v * m[i]
	}
}

// backwardRows computes rows r0..r1-1 of dx from those rows of dOut (da)
// as Backward does, and returns them; nil unless inputGrad is set.
func (d *Dropout[T]) backwardRows(r0, r1 int, da []T, inputGrad bool) []T {
	if !inputGrad {
		return nil
	}
	c := d.x.Cols
	dx := d.dx.Data[r0*c : r1*c]
	if !d.training {
		copy(dx, da)
		return dx
	}
	m := d.mask.Data[r0*c : r1*c]
	for i, g := range da {
		dx[i] = g * m[i]
	}
	return dx
}

// inputGrad returns the matrix backwardRows writes dLoss/dInput into.
func (d *Dropout[T]) inputGrad() *tensor.Matrix[T] { return &d.dx }

// Backward passes dOut through the last Forward's mask (unchanged when
// evaluating). Dropout has no parameters to set.
func (d *Dropout[T]) Backward(dOut *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	if dOut.Rows != d.out.Rows || dOut.Cols != d.out.Cols {
		panic(fmt.Sprintf("nn: dropout Backward got %d×%d, output is %d×%d", dOut.Rows, dOut.Cols, d.out.Rows, d.out.Cols))
	}
	if !inputGrad {
		return nil
	}
	reshape(&d.dx, dOut.Rows, dOut.Cols)
	if !d.training {
		copy(d.dx.Values(), dOut.Values())
		return &d.dx
	}
	m, dx := d.mask.Values(), d.dx.Values()
	for i, g := range dOut.Values() {
		dx[i] = g * m[i]
	}
	return &d.dx
}

// Params returns nothing: dropout learns nothing.
func (d *Dropout[T]) Params() []*Param[T] { return nil }

// InShape returns the sample shape.
func (d *Dropout[T]) InShape() Shape { return d.shape }

// OutShape returns the sample shape: dropout keeps it.
func (d *Dropout[T]) OutShape() Shape { return d.shape }

// Spec returns the kind and rate.
func (d *Dropout[T]) Spec() LayerSpec { return LayerSpec{Kind: KindDropout, Rate: d.rate} }

// Clone returns a copy in the same mode whose stream continues from where
// d's is, so it draws the masks d would.
func (d *Dropout[T]) Clone() Layer[T] {
	c := &Dropout[T]{rate: d.rate, training: d.training, fixed: d.fixed, shape: d.shape, src: d.src}
	c.rng = rand.New(&c.src)
	if d.fixed {
		c.mask.Resize(d.mask.Rows, d.mask.Cols)
		copy(c.mask.Data, d.mask.Data)
	}
	return c
}

// SetTraining selects dropping (true) or passing values through (false).
func (d *Dropout[T]) SetTraining(training bool) { d.training = training }

// FixRandom makes Forward reuse its last mask while fixed is set (a new
// batch shape still draws one), so that the layer is a fixed function, as
// a finite-difference gradient check needs.
func (d *Dropout[T]) FixRandom(fixed bool) { d.fixed = fixed }
