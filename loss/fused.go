package loss

import (
	"math"
	"sync"

	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// Fused is implemented by losses that compute the value and the gradient
// in one call, with the bits of Forward followed by Backward: a training
// step calls it in place of the two.
type Fused[T tensor.Float] interface {
	ForwardBackward(grad, pred, target *tensor.Matrix[T]) float64
}

// ValueAndGrad returns l's value on (pred, target) and sets grad to its
// gradient, in one pass when l is Fused.
func ValueAndGrad[T tensor.Float](l Loss[T], grad, pred, target *tensor.Matrix[T]) float64 {
	if f, ok := l.(Fused[T]); ok {
		return f.ForwardBackward(grad, pred, target)
	}
	v := l.Forward(pred, target)
	l.Backward(grad, pred, target)
	return v
}

// softmaxRows is the rows a part of the fused softmax cross-entropy
// computes; a batch of fewer than two parts runs on the calling
// goroutine.
const softmaxRows = 16

// softmaxJob is one ForwardBackward call's work: each part computes its
// rows' maximum and log-sum-exp and their gradient rows (the exponentials,
// nearly all of the work); the value is then summed on the calling
// goroutine in Forward's order from the stored maxima and log-sums.
type softmaxJob[T tensor.Float] struct {
	l                  SoftmaxCrossEntropy[T]
	grad, pred, target *tensor.Matrix[T]
	c                  float64
	mx, lse            []float64
	buf                []float64 // the exponentials, a row per row of pred
}

var softmaxJobs32, softmaxJobs64 sync.Pool

func getSoftmaxJob[T tensor.Float]() *softmaxJob[T] {
	var p *sync.Pool
	switch any(T(0)).(type) {
	case float32:
		p = &softmaxJobs32
	default:
		p = &softmaxJobs64
	}
	if j, ok := p.Get().(*softmaxJob[T]); ok {
		return j
	}
	return new(softmaxJob[T])
}

func putSoftmaxJob[T tensor.Float](j *softmaxJob[T]) {
	j.grad, j.pred, j.target = nil, nil, nil
	switch any(T(0)).(type) {
	case float32:
		softmaxJobs32.Put(j)
	default:
		softmaxJobs64.Put(j)
	}
}

// Range computes parts lo..hi-1 of softmaxRows rows each: the steps of
// gradRow, with each pass's exponentials taken for all the part's rows at
// once (kernel.Exp, math.Exp's bits four at a time) in the part's rows
// of j.buf.
func (j *softmaxJob[T]) Range(lo, hi int) {
	r0, r1 := lo*softmaxRows, min(hi*softmaxRows, j.pred.Rows)
	k := j.pred.Cols
	buf := j.buf[r0*k : r1*k]
	for i := r0; i < r1; i++ {
		z, e := j.pred.Row(i), buf[(i-r0)*k:(i-r0+1)*k]
		mx := math.Inf(-1)
		for _, v := range z {
			mx = math.Max(mx, float64(v))
		}
		for c, v := range z {
			e[c] = float64(v) - mx
		}
		j.mx[i] = mx
	}
	kernel.Exp(buf, buf)
	for i := r0; i < r1; i++ {
		z, e := j.pred.Row(i), buf[(i-r0)*k:(i-r0+1)*k]
		var s float64
		for _, v := range e {
			s += v
		}
		mx, lse := j.mx[i], math.Log(s)
		for c, v := range z {
			e[c] = float64(v) - mx - lse
		}
		j.lse[i] = lse
	}
	kernel.Exp(buf, buf)
	for i := r0; i < r1; i++ {
		g, t, e := j.grad.Row(i), j.target.Row(i), buf[(i-r0)*k:(i-r0+1)*k]
		var tsum float64
		for _, tv := range t {
			tsum += j.l.smooth(tv, len(t))
		}
		for c, p := range e {
			g[c] = T(j.c * (p*tsum - j.l.smooth(t[c], len(t))))
		}
	}
}

// ForwardBackward returns Forward(pred, target) and sets grad as Backward
// does, bit for bit, with the rows' exponentials computed once instead of
// twice and shared between the cores for a large batch.
func (l SoftmaxCrossEntropy[T]) ForwardBackward(grad, pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), grad, pred, target)
	j := getSoftmaxJob[T]()
	defer putSoftmaxJob(j)
	n := pred.Rows
	j.l, j.grad, j.pred, j.target, j.c = l, grad, pred, target, l.Reduction.scale(n)
	if cap(j.mx) < n {
		j.mx, j.lse = make([]float64, n), make([]float64, n)
	}
	j.mx, j.lse = j.mx[:n], j.lse[:n]
	if cap(j.buf) < n*pred.Cols {
		j.buf = make([]float64, n*pred.Cols)
	}
	j.buf = j.buf[:n*pred.Cols]
	kernel.ForEach((n+softmaxRows-1)/softmaxRows, j)
	var s float64
	for i := range n {
		z, t := pred.Row(i), target.Row(i)
		for c, tv := range t {
			if st := l.smooth(tv, len(t)); st != 0 {
				s += st * (j.mx[i] + j.lse[i] - float64(z[c]))
			}
		}
	}
	return l.Reduction.scale(n) * s
}
