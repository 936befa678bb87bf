package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// Conv2D is a 2-D convolution (strictly, a cross-correlation, as in every
// framework) over samples of shape channels×height×width, followed by an
// element-wise activation: z[f] = b[f] + Σ_c W[f,c] ⋆ x[c], a = act(z).
// Its output has shape Filters×OutH×OutW with OutH = (H + 2·Padding −
// Kernel)/Stride + 1, the zero padding added on every side.
//
// W is stored as PyTorch and ONNX store a Conv weight, Filters ×
// Channels×Kernel×Kernel, flattened to Filters rows of Channels·Kernel²
// values; B is 1×Filters.
//
// The products run on kernel.Gemm over the whole batch at once: the
// input's windows are copied into the columns of one matrix (im2col), so
// that the forward pass and both gradients are one large product each,
// which Gemm splits over the cores. Every workspace is kept in the layer,
// so a step allocates nothing once the first has sized them.
type Conv2D[T tensor.Float] struct {
	// W holds the weights, Filters × (Channels·Kernel·Kernel).
	W *Param[T]
	// B holds the biases, 1×Filters; nil for a layer without bias.
	B *Param[T]
	// Act is the element-wise activation.
	Act activation.Func[T]

	identity bool
	// fused is set for ReLU and leaky ReLU on outputs small enough for
	// kernel.LeakyReLU to run on the calling goroutine: the activation
	// and its gradient are then applied inside the per-sample and
	// per-filter loops, saving a pass over the batch's outputs each way.
	fused             bool
	slope             T
	channels, h, w    int // input
	filters, oh, ow   int // output
	k, stride, pad    int
	inShape, outShape Shape
	init              initializer.Spec

	x      *tensor.Matrix[T]
	cols   []T // (Channels·K·K) × (batch·OutH·OutW): the windows, im2col
	dcols  []T // dLoss/dcols
	y      []T // Filters × (batch·OutH·OutW): the product, then dLoss/dz in that layout
	z, a   tensor.Matrix[T]
	dz, dx tensor.Matrix[T]
	dzp    *tensor.Matrix[T] // Backward's dz while opGradRows reads it
	par    convPass[T]       // the loop kernel.For is splitting
}

// convPass is one of Conv2D's loops over samples or filters, handed to
// kernel.For: each sample's windows and sums, and each filter's row of
// the product, are computed the same way whichever goroutine gets them.
type convPass[T tensor.Float] struct {
	c  *Conv2D[T]
	op convOp
}

// convOp names the loop a convPass runs.
type convOp uint8

const (
	opIm2col   convOp = iota // samples: windows into cols
	opSums                   // samples: z = product + bias, one row per sample
	opGradRows               // filters: dz into the product's layout, bias gradient
	opCol2im                 // samples: dx from the window gradients
)

// fusedMaxPositions bounds the output positions per filter for which the
// activation is fused into Conv2D's loops (see Conv2D.fused).
const fusedMaxPositions = 4096

// Range runs the loop over samples or filters lo..hi-1.
func (p *convPass[T]) Range(lo, hi int) {
	c := p.c
	pos := c.oh * c.ow
	np := c.x.Rows * pos
	switch p.op {
	case opIm2col:
		for s := lo; s < hi; s++ {
			c.im2col(c.x.Data[s*c.x.Cols:(s+1)*c.x.Cols], s*pos, np)
		}
	case opSums:
		for s := lo; s < hi; s++ {
			row := c.z.Data[s*c.z.Cols : (s+1)*c.z.Cols]
			for f := range c.filters {
				var b T
				if c.B != nil {
					b = c.B.Value.Data[f]
				}
				dst := row[f*pos : (f+1)*pos]
				src := c.y[f*np+s*pos : f*np+(s+1)*pos]
				if c.fused {
					kernel.BiasLeakyReLU(c.a.Data[s*c.a.Cols+f*pos:s*c.a.Cols+(f+1)*pos], dst, src, b, c.slope)
					continue
				}
				for i, v := range src {
					dst[i] = v + b
				}
			}
		}
	case opGradRows:
		dz := c.dzp
		for f := lo; f < hi; f++ {
			dst := c.y[f*np : (f+1)*np]
			for s := range c.x.Rows {
				src := dz.Data[s*dz.Cols+f*pos : s*dz.Cols+(f+1)*pos]
				if c.fused {
					// dz is still dLoss/da here.
					kernel.LeakyReLUGrad(dst[s*pos:(s+1)*pos], c.z.Data[s*c.z.Cols+f*pos:s*c.z.Cols+(f+1)*pos], src, c.slope)
				} else {
					copy(dst[s*pos:(s+1)*pos], src)
				}
			}
			if c.B != nil {
				c.B.Grad.Data[f] += kernel.Sum(dst)
			}
		}
	case opCol2im:
		n := c.x.Cols
		for s := lo; s < hi; s++ {
			dx := c.dx.Data[s*n : (s+1)*n]
			clear(dx)
			c.col2im(dx, s*pos, np)
		}
	}
}

// run splits the loop op over n samples or filters of about cost element
// operations each between the kernel's workers.
func (c *Conv2D[T]) run(op convOp, n, cost int) {
	c.par.c, c.par.op = c, op
	kernel.For(n, cost, &c.par)
}

// KindConv2D names the 2-D convolution layer kind; its settings are
// Filters, Kernel, Stride, Padding, Activation, NoBias and Init.
const KindConv2D = "conv2d"

// conv2dDefaults fills in a stride of 1, ReLU (what convolutional
// networks use almost always) and the initialisation that suits the
// activation, He uniform for ReLU.
func conv2dDefaults(s LayerSpec) LayerSpec {
	if s.Stride == 0 {
		s.Stride = 1
	}
	if s.Activation.Name == "" {
		s.Activation.Name = activation.NameReLU
	}
	if s.Init.Name == "" {
		s.Init = initializer.Default(s.Activation)
	}
	return s
}

// spatialOut checks a square window's settings against an input of shape
// channels×height×width and returns the output's height and width.
func spatialOut(what string, in Shape, k, stride, pad int) (oh, ow int, err error) {
	if len(in) != 3 || in.Size() <= 0 || in[0] <= 0 || in[1] <= 0 || in[2] <= 0 {
		return 0, 0, fmt.Errorf("a %s layer needs samples of shape channels×height×width, got %v (give the input shape)", what, in)
	}
	if k <= 0 {
		return 0, 0, fmt.Errorf("a %s layer needs a kernel size of at least 1, got %d", what, k)
	}
	if stride <= 0 {
		return 0, 0, fmt.Errorf("a %s layer needs a stride of at least 1, got %d", what, stride)
	}
	if pad < 0 {
		return 0, 0, fmt.Errorf("a %s layer's padding must not be negative, got %d", what, pad)
	}
	h, w := in[1]+2*pad, in[2]+2*pad
	if k > h || k > w {
		return 0, 0, fmt.Errorf("a %s layer's %d×%d kernel does not fit the %d×%d input (padded %d×%d)", what, k, k, in[1], in[2], h, w)
	}
	return (h-k)/stride + 1, (w-k)/stride + 1, nil
}

// conv2dPlan checks a convolution spec against a channels×height×width
// input.
func conv2dPlan(s LayerSpec, in Shape) (plan, error) {
	if s.Filters <= 0 {
		return plan{}, fmt.Errorf("a conv2d layer needs at least one filter, got %d", s.Filters)
	}
	if s.Units != 0 || s.Rate != 0 {
		return plan{}, fmt.Errorf("a conv2d layer has filters, not units or a rate")
	}
	oh, ow, err := spatialOut(KindConv2D, in, s.Kernel, s.Stride, s.Padding)
	if err != nil {
		return plan{}, err
	}
	if err := s.Activation.Validate(); err != nil {
		return plan{}, err
	}
	if _, ok := activation.MustNew[float64](s.Activation).(activation.Elementwise[float64]); !ok {
		return plan{}, fmt.Errorf("a conv2d layer's activation must work value by value, %s does not", s.Activation.Name)
	}
	if err := s.Init.Validate(); err != nil {
		return plan{}, err
	}
	ckk := mulSat(in[0], mulSat(s.Kernel, s.Kernel))
	p := plan{out: Shape{s.Filters, oh, ow}, params: []ParamShape{{"weight", s.Filters, ckk}}}
	if !s.NoBias {
		p.params = append(p.params, ParamShape{"bias", 1, s.Filters})
	}
	outs := mulSat(oh, ow)
	// The windows and their gradient, the product, the sums, activations
	// and their gradient, and the input gradient.
	p.activations = addSat(mulSat(2, mulSat(ckk, outs)), addSat(mulSat(4, mulSat(s.Filters, outs)), in.Size()))
	return p, nil
}

// conv2dDescribe writes e.g. "conv2d 32×3×3 stride 1 pad 0 relu".
func conv2dDescribe(s LayerSpec) string {
	return fmt.Sprintf("%s %d×%d×%d stride %d pad %d %s", KindConv2D, s.Filters, s.Kernel, s.Kernel, s.Stride, s.Padding, s.Activation)
}

// buildConv2D makes a convolution from a checked spec and draws its
// weights with PyTorch's fans: Channels·K² in, Filters·K² out.
func buildConv2D[T tensor.Float](name string, s LayerSpec, in Shape, rng *rand.Rand) Layer[T] {
	c := NewConv2D(name, in, s.Filters, s.Kernel, s.Stride, s.Padding, activation.MustNew[T](s.Activation), !s.NoBias)
	c.init = s.Init
	initializer.Fill(s.Init, rng, in[0]*s.Kernel*s.Kernel, s.Filters*s.Kernel*s.Kernel, c.W.Value.Data)
	return c
}

// NewConv2D returns a convolution with zero weights for samples of shape
// in (channels×height×width); initialise them through W. It panics on
// settings that do not fit the input: Build reports those as errors.
func NewConv2D[T tensor.Float](name string, in Shape, filters, kernelSize, stride, padding int, act activation.Func[T], bias bool) *Conv2D[T] {
	oh, ow, err := spatialOut(KindConv2D, in, kernelSize, stride, padding)
	if err != nil || filters <= 0 {
		panic(fmt.Sprintf("nn: conv2d layer %s: %v filters on %v: %v", name, filters, in, err))
	}
	c := &Conv2D[T]{
		Act: act, channels: in[0], h: in[1], w: in[2], filters: filters, oh: oh, ow: ow,
		k: kernelSize, stride: stride, pad: padding,
		inShape: Shape{in[0], in[1], in[2]}, outShape: Shape{filters, oh, ow},
	}
	c.W = newParam[T](paramName(name, "weight"), filters, in[0]*kernelSize*kernelSize)
	if bias {
		c.B = newParam[T](paramName(name, "bias"), 1, filters)
	}
	_, c.identity = act.(activation.Identity[T])
	switch a := act.(type) {
	case activation.ReLU[T]:
		c.fused = true
	case activation.LeakyReLU[T]:
		c.fused, c.slope = true, a.Slope
	}
	// kernel.LeakyReLU splits slices from 8192 values on; a split inside
	// a kernel.For range would compete with it for the same workers.
	c.fused = c.fused && oh*ow < fusedMaxPositions
	return c
}

// Kernel returns the side of the square window.
func (c *Conv2D[T]) Kernel() int { return c.k }

// Stride returns the window's step.
func (c *Conv2D[T]) Stride() int { return c.stride }

// Padding returns the zeros added on each side.
func (c *Conv2D[T]) Padding() int { return c.pad }

// InShape returns channels×height×width.
func (c *Conv2D[T]) InShape() Shape { return c.inShape }

// OutShape returns filters×height×width.
func (c *Conv2D[T]) OutShape() Shape { return c.outShape }

// Params returns W, then B if the layer has one.
func (c *Conv2D[T]) Params() []*Param[T] {
	if c.B == nil {
		return []*Param[T]{c.W}
	}
	return []*Param[T]{c.W, c.B}
}

// Spec returns the kind and settings, defaults filled in.
func (c *Conv2D[T]) Spec() LayerSpec {
	return LayerSpec{
		Kind: KindConv2D, Filters: c.filters, Kernel: c.k, Stride: c.stride, Padding: c.pad,
		Activation: c.Act.Spec(), NoBias: c.B == nil, Init: c.init,
	}
}

// Clone returns a copy with the same weights and names and fresh
// workspaces.
func (c *Conv2D[T]) Clone() Layer[T] {
	d := NewConv2D("", c.inShape, c.filters, c.k, c.stride, c.pad, c.Act, c.B != nil)
	d.init = c.init
	d.W.Name = c.W.Name
	d.W.Value.CopyFrom(c.W.Value)
	if c.B != nil {
		d.B.Name = c.B.Name
		d.B.Value.CopyFrom(c.B.Value)
	}
	return d
}

// Forward computes z = W ⋆ x + b and a = act(z) for every sample: the
// windows of the batch go into cols, one product gives every filter's
// response at every position of every sample, and a pass reorders it
// into one row per sample, adding the bias.
func (c *Conv2D[T]) Forward(x *tensor.Matrix[T]) *tensor.Matrix[T] {
	if n := c.inShape.Size(); x.Cols != n {
		panic(fmt.Sprintf("nn: %s expects %d inputs (%v), batch has %d columns", c.W.Name, n, c.inShape, x.Cols))
	}
	c.x = x
	n, ckk, p := x.Rows, c.W.Value.Cols, c.oh*c.ow
	np := n * p
	c.cols = grow(c.cols, ckk*np)
	c.y = grow(c.y, c.filters*np)
	c.run(opIm2col, n, ckk*p)
	kernel.Gemm(false, false, c.filters, np, ckk, 1, c.W.Value.Data, ckk, c.cols, np, 0, c.y, np)
	reshape(&c.z, n, c.filters*p)
	if !c.identity {
		reshape(&c.a, n, c.filters*p)
	}
	c.run(opSums, n, c.filters*p)
	if c.identity {
		return &c.z
	}
	if !c.fused {
		c.Act.Forward(&c.a, &c.z)
	}
	return &c.a
}

// Backward takes dLoss/da, forms dz = da ⊙ act'(z) in the product's
// layout, and adds W.Grad += dz·colsᵀ and B.Grad += Σ dz; the input
// gradient is Wᵀ·dz put back from the windows onto the pixels they came
// from (col2im), overlapping windows adding up.
func (c *Conv2D[T]) Backward(da *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	if c.x == nil {
		panic("nn: Backward before Forward")
	}
	if da.Rows != c.z.Rows || da.Cols != c.z.Cols {
		panic(fmt.Sprintf("nn: %s Backward got %d×%d, output is %d×%d", c.W.Name, da.Rows, da.Cols, c.z.Rows, c.z.Cols))
	}
	dz := da
	if !c.identity && !c.fused {
		reshape(&c.dz, da.Rows, da.Cols)
		c.Act.Backward(&c.dz, &c.z, &c.a, da)
		dz = &c.dz
	}
	n, ckk, p := da.Rows, c.W.Value.Cols, c.oh*c.ow
	np := n * p
	// dz into the product's layout, filter by filter, in y (the forward
	// product is no longer needed); each filter's bias gradient is summed
	// over its row by kernel.Sum, in an order fixed whoever sums it.
	c.dzp = dz
	c.run(opGradRows, c.filters, 2*np)
	c.dzp = nil
	kernel.Gemm(false, true, c.filters, ckk, np, 1, c.y, np, c.cols, np, 1, c.W.Grad.Data, ckk)
	if !inputGrad {
		return nil
	}
	c.dcols = grow(c.dcols, ckk*np)
	kernel.Gemm(true, false, ckk, np, c.filters, 1, c.W.Value.Data, ckk, c.y, np, 0, c.dcols, np)
	reshape(&c.dx, n, c.x.Cols)
	c.run(opCol2im, n, ckk*p)
	return &c.dx
}

// im2col copies the windows of one sample x into columns off..off+OutH·OutW
// of cols, whose rows (ld values apart) run over channel, kernel row and
// kernel column; the padding reads as zeros.
func (c *Conv2D[T]) im2col(x []T, off, ld int) {
	r := 0
	for ch := range c.channels {
		plane := x[ch*c.h*c.w : (ch+1)*c.h*c.w]
		for ki := range c.k {
			for kj := range c.k {
				row := c.cols[r*ld+off : r*ld+off+c.oh*c.ow]
				r++
				if c.stride == 1 && c.pad == 0 {
					// The window's rows lie inside the plane, w apart.
					kernel.Copy2D(c.oh, c.ow, row, c.ow, plane[ki*c.w+kj:], c.w)
					continue
				}
				for oy := range c.oh {
					dst := row[oy*c.ow : (oy+1)*c.ow]
					iy := oy*c.stride - c.pad + ki
					if iy < 0 || iy >= c.h {
						clear(dst)
						continue
					}
					src := plane[iy*c.w : (iy+1)*c.w]
					for ox := range dst {
						if ix := ox*c.stride - c.pad + kj; ix >= 0 && ix < c.w {
							dst[ox] = src[ix]
						} else {
							dst[ox] = 0
						}
					}
				}
			}
		}
	}
}

// col2im adds the window gradients in columns off..off+OutH·OutW of dcols
// onto the pixels of one sample's gradient dx they were copied from.
func (c *Conv2D[T]) col2im(dx []T, off, ld int) {
	r := 0
	for ch := range c.channels {
		plane := dx[ch*c.h*c.w : (ch+1)*c.h*c.w]
		for ki := range c.k {
			for kj := range c.k {
				row := c.dcols[r*ld+off : r*ld+off+c.oh*c.ow]
				r++
				if c.stride == 1 && c.pad == 0 {
					// Every window lands inside the plane: no checks.
					kernel.Add2D(c.oh, c.ow, plane[ki*c.w+kj:], c.w, row, c.ow)
					continue
				}
				for oy := range c.oh {
					iy := oy*c.stride - c.pad + ki
					if iy < 0 || iy >= c.h {
						continue
					}
					dst := plane[iy*c.w : (iy+1)*c.w]
					src := row[oy*c.ow : (oy+1)*c.ow]
					for ox, v := range src {
						if ix := ox*c.stride - c.pad + kj; ix >= 0 && ix < c.w {
							dst[ix] += v
						}
					}
				}
			}
		}
	}
}

// grow returns s with length n, reusing its array when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
