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
// The products run on kernel.GemmSerial over blocks of a few samples:
// a block's windows are copied into the columns of one matrix (im2col)
// small enough to stay in the core's cache while the forward product,
// and in Backward the weight gradient's and the window gradients',
// read it. The batch's blocks are grouped into a fixed number of shards,
// which kernel.For hands to the cores; each shard sums its own share of
// the weight and bias gradients, and the shares are added in shard order,
// so a result does not depend on how many cores ran them. Every
// workspace is kept in the layer, so a step allocates nothing once the
// first has sized them.
type Conv2D[T tensor.Float] struct {
	// W holds the weights, Filters × (Channels·Kernel·Kernel).
	W *Param[T]
	// B holds the biases, 1×Filters; nil for a layer without bias.
	B *Param[T]
	// Act is the element-wise activation.
	Act activation.Func[T]

	identity bool
	// fused is set for ReLU and leaky ReLU (with a slope of at least 0)
	// on outputs small enough for kernel.LeakyReLU to run on the calling
	// goroutine: the activation and its gradient are then applied inside
	// the per-block loops, saving a pass over the batch's outputs each
	// way, and z is not stored: a > 0 exactly where z > 0, so Backward
	// masks the gradient by a (kernel.BiasLeakyReLUOut).
	fused             bool
	slope             T
	channels, h, w    int // input
	filters, oh, ow   int // output
	k, stride, pad    int
	inShape, outShape Shape
	init              initializer.Spec

	x *tensor.Matrix[T]
	// cols holds the windows block by block: block b, of nb samples,
	// is (Channels·K·K) × (nb·OutH·OutW), starting at b·perBlock samples'
	// worth; Backward reads it again.
	cols     []T
	perBlock int // samples per block; the last block may hold fewer
	blocks   int
	shards   int
	// work holds each shard's scratch: the block's product, then its
	// dLoss/dz (Filters × perBlock·OutH·OutW), and the window gradients
	// (Channels·K·K × perBlock·OutH·OutW).
	work []T
	// gw and gb hold each shard's share of the weight and bias gradients.
	gw, gb    []T
	inputGrad bool
	z, a      tensor.Matrix[T]
	dz, dx    tensor.Matrix[T]
	dzp       *tensor.Matrix[T] // Backward's dz while the shards read it
	par       convPass[T]       // the loop kernel.For is splitting
}

// convPass is Conv2D's forward or backward loop over shards, handed to
// kernel.For: each shard's blocks are computed the same way whichever
// goroutine gets them.
type convPass[T tensor.Float] struct {
	c        *Conv2D[T]
	backward bool
}

// fusedMaxPositions bounds the output positions per filter for which the
// activation is fused into Conv2D's loops (see Conv2D.fused).
const fusedMaxPositions = 4096

// blockElements is the size aimed at for one block's windows and product
// together: 512 KiB of float32, which with the window gradients leaves
// room in a 2 MiB L2 cache for the packed operands (measured on the
// MNIST CNN: a quarter or twice the size took 5–15 % more time). The
// block size depends on the layer's shape alone, never on the worker
// count.
const blockElements = 1 << 17

// maxShards is how many shares of the gradients a batch is summed in: as
// many cores as it keeps busy, no more, since each share is a pass over
// the weights.
const maxShards = 8

// Range runs the forward or backward pass of shards lo..hi-1.
func (p *convPass[T]) Range(lo, hi int) {
	c := p.c
	for sh := lo; sh < hi; sh++ {
		b0, b1 := shareOf(c.blocks, c.shards, sh)
		for b := b0; b < b1; b++ {
			if p.backward {
				c.backwardBlock(sh, b, b == b0)
			} else {
				c.forwardBlock(sh, b)
			}
		}
	}
}

// shareOf returns the indices lo..hi-1 that part i of parts gets of 0..n-1.
func shareOf(n, parts, i int) (lo, hi int) {
	return i * n / parts, (i + 1) * n / parts
}

// block returns block b's samples s0..s1-1 and its windows in cols.
func (c *Conv2D[T]) block(b int) (s0, s1 int, cols []T) {
	p, ckk := c.oh*c.ow, c.W.Value.Cols
	s0 = b * c.perBlock
	s1 = min(s0+c.perBlock, c.x.Rows)
	return s0, s1, c.cols[s0*p*ckk : s1*p*ckk]
}

// scratch returns shard sh's product and window-gradient buffers.
func (c *Conv2D[T]) scratch(sh int) (y, dcols []T) {
	p, ckk := c.oh*c.ow, c.W.Value.Cols
	ny, nd := c.filters*c.perBlock*p, ckk*c.perBlock*p
	w := c.work[sh*(ny+nd) : (sh+1)*(ny+nd)]
	return w[:ny], w[ny:]
}

// forwardBlock computes z (and a, when fused) for block b on shard sh's
// scratch: the windows, one product, then each filter's row of each
// sample with the bias added.
func (c *Conv2D[T]) forwardBlock(sh, b int) {
	s0, s1, cols := c.block(b)
	p, ckk := c.oh*c.ow, c.W.Value.Cols
	ld := (s1 - s0) * p
	for s := s0; s < s1; s++ {
		c.im2col(cols, c.x.Data[s*c.x.Cols:(s+1)*c.x.Cols], (s-s0)*p, ld)
	}
	y, _ := c.scratch(sh)
	kernel.GemmSerial(false, false, c.filters, ld, ckk, 1, c.W.Value.Data, ckk, cols, ld, 0, y, ld)
	for s := s0; s < s1; s++ {
		row := c.z.Data[s*c.z.Cols : (s+1)*c.z.Cols]
		for f := range c.filters {
			var bias T
			if c.B != nil {
				bias = c.B.Value.Data[f]
			}
			dst := row[f*p : (f+1)*p]
			src := y[f*ld+(s-s0)*p : f*ld+(s-s0+1)*p]
			if c.fused {
				// z is not kept: Backward masks by a (see fused).
				kernel.BiasLeakyReLUOut(c.a.Data[s*c.a.Cols+f*p:s*c.a.Cols+(f+1)*p], src, bias, c.slope)
				continue
			}
			for i, v := range src {
				dst[i] = v + bias
			}
		}
	}
}

// backwardBlock adds block b's share of the gradients into shard sh's
// (first: the shard's first block, which sets them): dz into the
// product's layout, its row sums to the bias gradient, dz·colsᵀ to the
// weight gradient, and Wᵀ·dz back onto the input's pixels (col2im).
func (c *Conv2D[T]) backwardBlock(sh, b int, first bool) {
	s0, s1, cols := c.block(b)
	p, ckk := c.oh*c.ow, c.W.Value.Cols
	ld := (s1 - s0) * p
	y, dcols := c.scratch(sh)
	dz := c.dzp
	for f := range c.filters {
		dst := y[f*ld : (f+1)*ld]
		for s := s0; s < s1; s++ {
			src := dz.Data[s*dz.Cols+f*p : s*dz.Cols+(f+1)*p]
			d := dst[(s-s0)*p : (s-s0+1)*p]
			if c.fused {
				// dz is still dLoss/da here.
				kernel.LeakyReLUGrad(d, c.a.Data[s*c.a.Cols+f*p:s*c.a.Cols+(f+1)*p], src, c.slope)
			} else {
				copy(d, src)
			}
		}
		if c.B != nil {
			g := &c.gb[sh*c.filters+f]
			if first {
				*g = 0
			}
			*g += kernel.Sum(dst)
		}
	}
	beta := T(1)
	if first {
		beta = 0
	}
	gw := c.gw[sh*c.filters*ckk : (sh+1)*c.filters*ckk]
	kernel.GemmSerial(false, true, c.filters, ckk, ld, 1, y, ld, cols, ld, beta, gw, ckk)
	if !c.inputGrad {
		return
	}
	dcols = dcols[:ckk*ld]
	kernel.GemmSerial(true, false, ckk, ld, c.filters, 1, c.W.Value.Data, ckk, y, ld, 0, dcols, ld)
	n := c.x.Cols
	for s := s0; s < s1; s++ {
		dx := c.dx.Data[s*n : (s+1)*n]
		clear(dx)
		c.col2im(dx, dcols, (s-s0)*p, ld)
	}
}

// shardCost is about the element operations of one shard, perOutput
// for each output position of each sample, for kernel.For.
func (c *Conv2D[T]) shardCost(perOutput int) int {
	if c.shards == 0 {
		return 0
	}
	return (c.blocks + c.shards - 1) / c.shards * c.perBlock * c.oh * c.ow * perOutput
}

// plan sizes the blocks, shards and workspaces for a batch of n samples.
func (c *Conv2D[T]) plan(n int) {
	p, ckk := c.oh*c.ow, c.W.Value.Cols
	// The fewest blocks within the size aimed at, then the samples
	// spread evenly over them.
	most := max(1, blockElements/max(1, (ckk+c.filters)*p))
	c.perBlock, c.blocks = 1, 0
	if blocks := (n + most - 1) / most; blocks > 0 {
		c.perBlock = (n + blocks - 1) / blocks
		c.blocks = (n + c.perBlock - 1) / c.perBlock
	}
	c.shards = min(maxShards, c.blocks)
	c.cols = grow(c.cols, ckk*n*p)
	c.work = grow(c.work, c.shards*(c.filters+ckk)*c.perBlock*p)
	c.gw = grow(c.gw, c.shards*c.filters*ckk)
	c.gb = grow(c.gb, c.shards*c.filters)
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
		c.fused, c.slope = a.Slope >= 0, a.Slope
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

// Forward computes z = W ⋆ x + b and a = act(z) for every sample, block
// by block: the windows of a block go into cols, one product gives every
// filter's response at every position of its samples, and a pass puts it
// into one row per sample, adding the bias.
func (c *Conv2D[T]) Forward(x *tensor.Matrix[T]) *tensor.Matrix[T] {
	if n := c.inShape.Size(); x.Cols != n {
		panic(fmt.Sprintf("nn: %s expects %d inputs (%v), batch has %d columns", c.W.Name, n, c.inShape, x.Cols))
	}
	c.x = x
	n, ckk, p := x.Rows, c.W.Value.Cols, c.oh*c.ow
	c.plan(n)
	reshape(&c.z, n, c.filters*p)
	if !c.identity {
		reshape(&c.a, n, c.filters*p)
	}
	c.par.c, c.par.backward = c, false
	kernel.For(c.shards, c.shardCost(ckk+c.filters*ckk/8), &c.par)
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
// from (col2im), overlapping windows adding up. The shards' shares of
// the gradients are added in shard order.
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
	ckk := c.W.Value.Cols
	if inputGrad {
		reshape(&c.dx, da.Rows, c.x.Cols)
	}
	c.dzp, c.inputGrad = dz, inputGrad
	c.par.c, c.par.backward = c, true
	kernel.For(c.shards, c.shardCost(ckk+c.filters*ckk/4), &c.par)
	c.dzp = nil
	nw := c.filters * ckk
	for sh := range c.shards {
		kernel.Axpy(c.W.Grad.Data, 1, c.gw[sh*nw:(sh+1)*nw])
		if c.B != nil {
			kernel.Axpy(c.B.Grad.Data, 1, c.gb[sh*c.filters:(sh+1)*c.filters])
		}
	}
	if !inputGrad {
		return nil
	}
	return &c.dx
}

// im2col copies the windows of one sample x into columns off..off+OutH·OutW
// of cols, whose rows (ld values apart) run over channel, kernel row and
// kernel column; the padding reads as zeros.
func (c *Conv2D[T]) im2col(cols, x []T, off, ld int) {
	r := 0
	for ch := range c.channels {
		plane := x[ch*c.h*c.w : (ch+1)*c.h*c.w]
		for ki := range c.k {
			for kj := range c.k {
				row := cols[r*ld+off : r*ld+off+c.oh*c.ow]
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
func (c *Conv2D[T]) col2im(dx, dcols []T, off, ld int) {
	r := 0
	for ch := range c.channels {
		plane := dx[ch*c.h*c.w : (ch+1)*c.h*c.w]
		for ki := range c.k {
			for kj := range c.k {
				row := dcols[r*ld+off : r*ld+off+c.oh*c.ow]
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
