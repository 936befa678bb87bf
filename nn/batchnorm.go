package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/descent-ml/descent/tensor"
)

// BatchNorm is batch normalisation with PyTorch's conventions
// (nn.BatchNorm1d for flat samples, nn.BatchNorm2d for C×H×W ones). Each
// channel c (each value of a flat sample; the first dimension of a
// sample with more than one) is normalised over the batch and, for
// C×H×W samples, over the positions:
//
//	y = γ_c·(x − μ_c)/√(σ²_c + ε) + β_c,   ε = 1e-5
//
// While training, μ and σ² are the batch's mean and biased variance, and
// the running statistics move towards them with momentum 0.1:
//
//	running_mean ← 0.9·running_mean + 0.1·μ
//	running_var  ← 0.9·running_var  + 0.1·σ²·m/(m−1)
//
// where m is the number of values per channel (the unbiased variance, as
// PyTorch keeps; with m = 1 it is undefined and running_var is left as
// it is, where PyTorch refuses the batch). In evaluation mode μ and σ²
// are the running statistics. γ (weight, starting at 1) and β (bias,
// starting at 0) are trained; the running statistics (starting at 0 and
// 1) are Buffers: saved with the model, never seen by an optimizer.
type BatchNorm[T tensor.Float] struct {
	// W is γ and B is β, 1×channels each.
	W, B *Param[T]
	// RunningMean and RunningVar are the running statistics, 1×channels.
	RunningMean, RunningVar *Param[T]

	training bool
	// trained records the mode of the last Forward, which its Backward
	// must follow even if the mode changed in between.
	trained  bool
	shape    Shape
	channels int // γ's length
	spatial  int // values per channel in one sample
	// mean and invStd are the statistics the last Forward used, per
	// channel, in float64 whatever T is, so that float32 loses nothing
	// to the sums.
	mean, invStd []float64
	x            *tensor.Matrix[T]
	xhat         tensor.Matrix[T] // (x − μ)/√(σ² + ε) of the last Forward
	out, dx      tensor.Matrix[T]
}

// KindBatchNorm names the batch normalisation layer kind; it has no
// settings.
const KindBatchNorm = "batchnorm"

// PyTorch's defaults, which BatchNorm always uses.
const (
	// BatchNormMomentum is the weight of a batch's statistics in the
	// running ones (PyTorch's momentum, not Keras's 0.99 = 1 − it).
	BatchNormMomentum = 0.1
	// BatchNormEpsilon is added to the variance before its square root.
	BatchNormEpsilon = 1e-5
)

// batchNormDefaults has nothing to fill in.
func batchNormDefaults(s LayerSpec) LayerSpec { return s }

// batchNormPlan checks that no other kind's setting is given.
func batchNormPlan(s LayerSpec, in Shape) (plan, error) {
	// Comparing with the bare kind refuses any setting, including those
	// of kinds added later.
	if s != (LayerSpec{Kind: s.Kind}) {
		return plan{}, fmt.Errorf("a batchnorm layer has no settings (units, activation, bias, initialisation, rate, filters, kernel, stride or padding)")
	}
	c, _ := batchNormChannels(in)
	if c <= 0 {
		return plan{}, fmt.Errorf("a batchnorm layer needs a non-empty input, got shape %v", in)
	}
	n := in.Size()
	return plan{
		out:     in,
		params:  []ParamShape{{"weight", 1, c}, {"bias", 1, c}},
		buffers: []ParamShape{{"running_mean", 1, c}, {"running_var", 1, c}},
		// The output, the normalised input and the input gradient.
		activations: mulSat(3, n),
	}, nil
}

// batchNormChannels returns the number of channels and the values per
// channel of one sample of shape in: a flat sample's values are its
// channels, as in BatchNorm1d; otherwise the first dimension is.
func batchNormChannels(in Shape) (channels, spatial int) {
	n := in.Size()
	if len(in) <= 1 || in[0] <= 0 {
		return n, 1
	}
	return in[0], n / in[0]
}

// batchNormDescribe writes "batchnorm".
func batchNormDescribe(LayerSpec) string { return KindBatchNorm }

// buildBatchNorm makes a batch normalisation layer; it draws nothing.
func buildBatchNorm[T tensor.Float](name string, _ LayerSpec, in Shape, _ *rand.Rand) Layer[T] {
	return NewBatchNorm[T](name, in)
}

// NewBatchNorm returns a batch normalisation layer in training mode for
// samples of shape in, with γ = 1, β = 0, running mean 0 and running
// variance 1, as PyTorch starts; the parameter names start with name.
func NewBatchNorm[T tensor.Float](name string, in Shape) *BatchNorm[T] {
	c, s := batchNormChannels(in)
	if c <= 0 {
		panic(fmt.Sprintf("nn: batchnorm layer %s needs a non-empty input, got shape %v", name, in))
	}
	b := &BatchNorm[T]{
		W:           newParam[T](paramName(name, "weight"), 1, c),
		B:           newParam[T](paramName(name, "bias"), 1, c),
		RunningMean: newParam[T](paramName(name, "running_mean"), 1, c),
		RunningVar:  newParam[T](paramName(name, "running_var"), 1, c),
		training:    true,
		shape:       in,
		channels:    c,
		spatial:     s,
		mean:        make([]float64, c),
		invStd:      make([]float64, c),
	}
	for i := range c {
		b.W.Value.Data[i] = 1
		b.RunningVar.Value.Data[i] = 1
	}
	return b
}

// Forward normalises x with the batch's statistics while training (and
// updates the running ones), with the running statistics when evaluating.
func (b *BatchNorm[T]) Forward(x *tensor.Matrix[T]) *tensor.Matrix[T] {
	if n := b.shape.Size(); x.Cols != n {
		panic(fmt.Sprintf("nn: batchnorm expects %d inputs, batch has %d columns", n, x.Cols))
	}
	b.x, b.trained = x, b.training
	reshape(&b.out, x.Rows, x.Cols)
	reshape(&b.xhat, x.Rows, x.Cols)
	if b.training {
		b.batchStats(x)
	} else {
		for c := range b.channels {
			b.mean[c] = float64(b.RunningMean.Value.Data[c])
			b.invStd[c] = 1 / math.Sqrt(float64(b.RunningVar.Value.Data[c])+BatchNormEpsilon)
		}
	}
	s, cols := b.spatial, x.Cols
	xv, xh, out := x.Values(), b.xhat.Values(), b.out.Values()
	for c := range b.channels {
		mean, inv := b.mean[c], b.invStd[c]
		g, be := float64(b.W.Value.Data[c]), float64(b.B.Value.Data[c])
		for r := 0; r < x.Rows; r++ {
			for j := r*cols + c*s; j < r*cols+(c+1)*s; j++ {
				h := (float64(xv[j]) - mean) * inv
				xh[j] = T(h)
				out[j] = T(g*h + be)
			}
		}
	}
	return &b.out
}

// batchStats sets mean and invStd from the batch x and moves the running
// statistics towards them. It sums in two passes (the mean, then the
// squared deviations from it), which keeps the variance accurate when
// the mean is large.
func (b *BatchNorm[T]) batchStats(x *tensor.Matrix[T]) {
	s, cols := b.spatial, x.Cols
	m := float64(x.Rows * s)
	xv := x.Values()
	for c := range b.channels {
		var sum float64
		for r := 0; r < x.Rows; r++ {
			for _, v := range xv[r*cols+c*s : r*cols+(c+1)*s] {
				sum += float64(v)
			}
		}
		mean := sum / m
		var ss float64
		for r := 0; r < x.Rows; r++ {
			for _, v := range xv[r*cols+c*s : r*cols+(c+1)*s] {
				d := float64(v) - mean
				ss += d * d
			}
		}
		variance := ss / m
		b.mean[c], b.invStd[c] = mean, 1/math.Sqrt(variance+BatchNormEpsilon)
		rm, rv := b.RunningMean.Value.Data, b.RunningVar.Value.Data
		rm[c] = T((1-BatchNormMomentum)*float64(rm[c]) + BatchNormMomentum*mean)
		if m > 1 {
			rv[c] = T((1-BatchNormMomentum)*float64(rv[c]) + BatchNormMomentum*ss/(m-1))
		}
	}
}

// Backward adds dLoss/dγ and dLoss/dβ to their Grads and returns
// dLoss/dx. In training mode x reaches the output also through the
// batch's mean and variance:
//
//	dx = γ/(m·√(σ² + ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂))
//
// with the sums over the channel's m values; when evaluating the
// statistics are constants and dx = γ·dy/√(σ² + ε).
func (b *BatchNorm[T]) Backward(dOut *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T] {
	if dOut.Rows != b.out.Rows || dOut.Cols != b.out.Cols {
		panic(fmt.Sprintf("nn: batchnorm Backward got %d×%d, output is %d×%d", dOut.Rows, dOut.Cols, b.out.Rows, b.out.Cols))
	}
	if inputGrad {
		reshape(&b.dx, dOut.Rows, dOut.Cols)
	}
	s, cols, rows := b.spatial, dOut.Cols, dOut.Rows
	m := float64(rows * s)
	dy, xh, dx := dOut.Values(), b.xhat.Values(), b.dx.Values()
	for c := range b.channels {
		var sdy, sdyx float64
		for r := range rows {
			for j := r*cols + c*s; j < r*cols+(c+1)*s; j++ {
				sdy += float64(dy[j])
				sdyx += float64(dy[j]) * float64(xh[j])
			}
		}
		b.W.Grad.Data[c] += T(sdyx)
		b.B.Grad.Data[c] += T(sdy)
		if !inputGrad {
			continue
		}
		k := float64(b.W.Value.Data[c]) * b.invStd[c]
		for r := range rows {
			for j := r*cols + c*s; j < r*cols+(c+1)*s; j++ {
				if b.trained {
					dx[j] = T(k / m * (m*float64(dy[j]) - sdy - float64(xh[j])*sdyx))
				} else {
					dx[j] = T(k * float64(dy[j]))
				}
			}
		}
	}
	if !inputGrad {
		return nil
	}
	return &b.dx
}

// Params returns γ and β.
func (b *BatchNorm[T]) Params() []*Param[T] { return []*Param[T]{b.W, b.B} }

// Buffers returns the running mean and variance.
func (b *BatchNorm[T]) Buffers() []*Param[T] { return []*Param[T]{b.RunningMean, b.RunningVar} }

// InShape returns the sample shape.
func (b *BatchNorm[T]) InShape() Shape { return b.shape }

// OutShape returns the sample shape: normalising keeps it.
func (b *BatchNorm[T]) OutShape() Shape { return b.shape }

// Spec returns the kind; batch normalisation has no settings.
func (b *BatchNorm[T]) Spec() LayerSpec { return LayerSpec{Kind: KindBatchNorm} }

// Clone returns a copy with the same parameters, running statistics,
// names and mode, and fresh workspaces.
func (b *BatchNorm[T]) Clone() Layer[T] {
	c := NewBatchNorm[T]("", b.shape)
	c.training = b.training
	for i, p := range []*Param[T]{b.W, b.B, b.RunningMean, b.RunningVar} {
		q := []*Param[T]{c.W, c.B, c.RunningMean, c.RunningVar}[i]
		q.Name = p.Name
		copy(q.Value.Data, p.Value.Data)
	}
	return c
}

// SetTraining selects the batch's statistics (true) or the running ones
// (false).
func (b *BatchNorm[T]) SetTraining(training bool) { b.training = training }
