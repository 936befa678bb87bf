package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// Pool2D is 2-D max or average pooling over samples of shape
// channels×height×width: each channel's output value is the largest
// (max) or the mean (average) of a Kernel×Kernel window, the windows
// Stride apart. Padding adds cells on every side that max pooling never
// picks and average pooling counts as zeros (PyTorch's defaults:
// count_include_pad for average pooling). It has no parameters.
type Pool2D[T tensor.Float] struct {
	max               bool
	channels, h, w    int
	oh, ow            int
	k, stride, pad    int
	inShape, outShape Shape
	out, dx           tensor.Matrix[T]
	// arg holds, for max pooling, the index within its sample of each
	// output's maximum in the last Forward.
	arg  []int32
	rows int // the last Forward's batch size
	// x and dOut are the batch while Forward or Backward splits its loop.
	x, dOut *tensor.Matrix[T]
	par     poolPass[T]
}

// Kind names of the pooling layers; their settings are Kernel, Stride
// and Padding.
const (
	KindMaxPool2D = "maxpool2d"
	KindAvgPool2D = "avgpool2d"
)

// pool2dDefaults makes the stride the window's side, so that windows
// tile the input, as pooling layers do by default everywhere.
func pool2dDefaults(s LayerSpec) LayerSpec {
	if s.Stride == 0 {
		s.Stride = s.Kernel
	}
	return s
}

// pool2dPlan checks a pooling spec against a channels×height×width input.
func pool2dPlan(s LayerSpec, in Shape) (plan, error) {
	kind := s.KindName()
	if s.Units != 0 || s.Filters != 0 || s.Rate != 0 || s.Activation.Name != "" || s.NoBias || s.Init.Name != "" {
		return plan{}, fmt.Errorf("a %s layer has no units, filters, rate, activation, bias or initialisation", kind)
	}
	oh, ow, err := spatialOut(kind, in, s.Kernel, s.Stride, s.Padding)
	if err != nil {
		return plan{}, err
	}
	// A window of padding alone would have no maximum.
	if 2*s.Padding > s.Kernel {
		return plan{}, fmt.Errorf("a %s layer's padding must be at most half its kernel size, got %d for %d", kind, s.Padding, s.Kernel)
	}
	out := Shape{in[0], oh, ow}
	// The output, the input gradient and max pooling's indices.
	return plan{out: out, activations: addSat(mulSat(2, out.Size()), in.Size())}, nil
}

// pool2dDescribe writes e.g. "maxpool2d 2×2 stride 2 pad 0".
func pool2dDescribe(s LayerSpec) string {
	return fmt.Sprintf("%s %d×%d stride %d pad %d", s.KindName(), s.Kernel, s.Kernel, s.Stride, s.Padding)
}

// buildMaxPool2D and buildAvgPool2D make the pooling layers from checked
// specs.
func buildMaxPool2D[T tensor.Float](_ string, s LayerSpec, in Shape, _ *rand.Rand) Layer[T] {
	return NewPool2D[T](true, in, s.Kernel, s.Stride, s.Padding)
}

func buildAvgPool2D[T tensor.Float](_ string, s LayerSpec, in Shape, _ *rand.Rand) Layer[T] {
	return NewPool2D[T](false, in, s.Kernel, s.Stride, s.Padding)
}

// NewPool2D returns a max (isMax true) or average pooling layer for samples
// of shape in (channels×height×width). It panics on settings that do not
// fit the input: Build reports those as errors.
func NewPool2D[T tensor.Float](isMax bool, in Shape, kernelSize, stride, padding int) *Pool2D[T] {
	oh, ow, err := spatialOut("pooling", in, kernelSize, stride, padding)
	if err == nil && 2*padding > kernelSize {
		err = fmt.Errorf("padding %d is more than half the kernel size %d", padding, kernelSize)
	}
	if err != nil {
		panic("nn: " + err.Error())
	}
	return &Pool2D[T]{
		max: isMax, channels: in[0], h: in[1], w: in[2], oh: oh, ow: ow,
		k: kernelSize, stride: stride, pad: padding,
		inShape: Shape{in[0], in[1], in[2]}, outShape: Shape{in[0], oh, ow},
	}
}

// Max reports whether the layer takes maxima (else means).
func (p *Pool2D[T]) Max() bool { return p.max }

// Kernel returns the side of the square window.
func (p *Pool2D[T]) Kernel() int { return p.k }

// Stride returns the window's step.
func (p *Pool2D[T]) Stride() int { return p.stride }

// Padding returns the cells added on each side.
func (p *Pool2D[T]) Padding() int { return p.pad }

// InShape returns channels×height×width.
func (p *Pool2D[T]) InShape() Shape { return p.inShape }

// OutShape returns channels×height×width after pooling.
func (p *Pool2D[T]) OutShape() Shape { return p.outShape }

// Params returns nothing: pooling learns nothing.
func (p *Pool2D[T]) Params() []*Param[T] { return nil }

// Spec returns the kind and settings.
func (p *Pool2D[T]) Spec() LayerSpec {
	kind := KindAvgPool2D
	if p.max {
		kind = KindMaxPool2D
	}
	return LayerSpec{Kind: kind, Kernel: p.k, Stride: p.stride, Padding: p.pad}
}

// Clone returns a layer with the same settings and fresh workspaces.
func (p *Pool2D[T]) Clone() Layer[T] {
	return NewPool2D[T](p.max, p.inShape, p.k, p.stride, p.pad)
}

// window returns the rows and columns of the input that output (oy, ox)
// covers, padding cut off.
func (p *Pool2D[T]) window(oy, ox int) (y0, y1, x0, x1 int) {
	y0, x0 = oy*p.stride-p.pad, ox*p.stride-p.pad
	y1, x1 = min(y0+p.k, p.h), min(x0+p.k, p.w)
	return max(y0, 0), y1, max(x0, 0), x1
}

// Forward pools every channel of every sample, the samples split
// between the kernel's workers. Max pooling keeps the first largest value
// of a window, scanning row by row, and remembers where it was for
// Backward.
func (p *Pool2D[T]) Forward(x *tensor.Matrix[T]) *tensor.Matrix[T] {
	in := p.inShape.Size()
	if x.Cols != in {
		panic(fmt.Sprintf("nn: pooling expects %d inputs (%v), batch has %d columns", in, p.inShape, x.Cols))
	}
	outs := p.outShape.Size()
	reshape(&p.out, x.Rows, outs)
	p.rows = x.Rows
	if p.max {
		p.arg = grow(p.arg, x.Rows*outs)
	}
	p.x = x
	p.par.p, p.par.backward = p, false
	kernel.For(x.Rows, in, &p.par)
	p.x = nil
	return &p.out
}

// poolPass is Forward's or Backward's loop over samples, handed to
// kernel.For; samples are independent, so the split changes no bits.
type poolPass[T tensor.Float] struct {
	p        *Pool2D[T]
	backward bool
}

// Range pools, or sends back the gradients of, samples lo..hi-1.
func (r *poolPass[T]) Range(lo, hi int) {
	for s := lo; s < hi; s++ {
		if r.backward {
			r.p.backwardSample(s)
		} else {
			r.p.forwardSample(s)
		}
	}
}

// forwardSample pools sample s of p.x.
func (p *Pool2D[T]) forwardSample(s int) {
	in, outs := p.inShape.Size(), p.outShape.Size()
	xs := p.x.Data[s*in : (s+1)*in]
	out := p.out.Data[s*outs : (s+1)*outs]
	var arg []int32
	if p.max {
		arg = p.arg[s*outs : (s+1)*outs]
	}
	if p.max && p.k == 2 && p.stride == 2 && p.pad == 0 {
		p.max2x2(xs, out, arg)
		return
	}
	area := T(p.k * p.k)
	o := 0
	for ch := range p.channels {
		base := ch * p.h * p.w
		for oy := range p.oh {
			for ox := range p.ow {
				y0, y1, x0, x1 := p.window(oy, ox)
				if p.max && p.pad == 0 {
					// The window lies inside the input: no cutting.
					best := base + y0*p.w + x0
					bv := xs[best]
					for iy := range p.k {
						r := base + (y0+iy)*p.w + x0
						for j, v := range xs[r : r+p.k] {
							if v > bv {
								best, bv = r+j, v
							}
						}
					}
					out[o], arg[o] = bv, int32(best)
				} else if p.max {
					best := base + y0*p.w + x0
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							if i := base + iy*p.w + ix; xs[i] > xs[best] {
								best = i
							}
						}
					}
					out[o], arg[o] = xs[best], int32(best)
				} else {
					var sum T
					for iy := y0; iy < y1; iy++ {
						for _, v := range xs[base+iy*p.w+x0 : base+iy*p.w+x1] {
							sum += v
						}
					}
					out[o] = sum / area
				}
				o++
			}
		}
	}
}

// max2x2 is max pooling over 2×2 windows 2 apart, what nearly every CNN
// uses, written out: the same comparisons in the same order as the
// general loop (top left, top right, bottom left, bottom right; a later
// value wins only when strictly larger), without its loops and checks,
// and 8 outputs at a time by kernel.MaxPool2x2Row on rows long enough.
func (p *Pool2D[T]) max2x2(xs, out []T, arg []int32) {
	o := 0
	for ch := range p.channels {
		base := ch * p.h * p.w
		for oy := range p.oh {
			r0 := base + 2*oy*p.w
			top := xs[r0 : r0+2*p.ow]
			bot := xs[r0+p.w : r0+p.w+2*p.ow]
			dst := out[o : o+p.ow]
			ai := arg[o : o+p.ow]
			o += p.ow
			if kernel.MaxPool2x2Row(dst, ai, top, bot, r0, p.w) {
				continue
			}
			for ox := range dst {
				j := 2 * ox
				best, bv := r0+j, top[j]
				if v := top[j+1]; v > bv {
					best, bv = r0+j+1, v
				}
				if v := bot[j]; v > bv {
					best, bv = r0+p.w+j, v
				}
				if v := bot[j+1]; v > bv {
					best, bv = r0+p.w+j+1, v
				}
				dst[ox], ai[ox] = bv, int32(best)
			}
		}
	}
}

// Backward sends each output's gradient to the input that was its
// maximum, or spreads it evenly over its window, the samples split
// between the kernel's workers.
func (p *Pool2D[T]) Backward(dOut *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	outs := p.outShape.Size()
	if dOut.Rows != p.rows || dOut.Cols != outs {
		panic(fmt.Sprintf("nn: pooling Backward got %d×%d, output is %d×%d", dOut.Rows, dOut.Cols, p.rows, outs))
	}
	if !inputGrad {
		return nil
	}
	reshape(&p.dx, dOut.Rows, p.inShape.Size())
	p.dOut = dOut
	p.par.p, p.par.backward = p, true
	kernel.For(dOut.Rows, p.inShape.Size(), &p.par)
	p.dOut = nil
	return &p.dx
}

// backwardSample sets sample s's rows of p.dx from p.dOut.
func (p *Pool2D[T]) backwardSample(s int) {
	in, outs := p.inShape.Size(), p.outShape.Size()
	g := p.dOut.Data[s*outs : (s+1)*outs]
	dx := p.dx.Data[s*in : (s+1)*in]
	clear(dx)
	if p.max {
		for o, i := range p.arg[s*outs : (s+1)*outs] {
			dx[i] += g[o]
		}
		return
	}
	area := T(p.k * p.k)
	o := 0
	for ch := range p.channels {
		base := ch * p.h * p.w
		for oy := range p.oh {
			for ox := range p.ow {
				v := g[o] / area
				o++
				y0, y1, x0, x1 := p.window(oy, ox)
				for iy := y0; iy < y1; iy++ {
					row := dx[base+iy*p.w+x0 : base+iy*p.w+x1]
					for i := range row {
						row[i] += v
					}
				}
			}
		}
	}
}
