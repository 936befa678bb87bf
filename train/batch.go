package train

import (
	"math"
	"math/rand/v2"

	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// gatherWeights returns the weights of the rows idx in dst's storage, or
// nil when the data has none (every row weighs 1).
func gatherWeights(dst, w []float64, idx []int) []float64 {
	if w == nil {
		return nil
	}
	dst = dst[:0]
	for _, i := range idx {
		dst = append(dst, w[i])
	}
	return dst
}

// weigh returns l wrapped in a loss.Weighted with l's reduction, or l
// itself if it is already one.
func weigh[T tensor.Float](l loss.Loss[T]) loss.Loss[T] {
	if _, ok := l.(*loss.Weighted[T]); ok {
		return l
	}
	r := loss.Mean
	if sumsOverBatch(l) {
		r = loss.Sum
	}
	return &loss.Weighted[T]{Loss: l, Reduction: r}
}

// shuffle puts order in a random order drawn from rng (Fisher–Yates).
func shuffle(order []int, rng *rand.Rand) {
	for i := len(order) - 1; i > 0; i-- {
		j := rng.IntN(i + 1)
		order[i], order[j] = order[j], order[i]
	}
}

// stepper takes training steps on mini-batches of one dataset, with batch
// matrices allocated once and reused.
type stepper[T tensor.Float] struct {
	net    *nn.Network[T]
	loss   loss.Loss[T]
	opt    optim.Optimizer[T]
	params []*nn.Param[T]
	data   *Rows
	x, y   tensor.Matrix[T]
	raw    tensor.Matrix[float64] // the features before Prepare
	// For a weighted loss: the loss and the batch's weights.
	weighted *loss.Weighted[T]
	w        []float64
}

// newStepper returns a stepper whose batch matrices hold batch rows.
func newStepper[T tensor.Float](net *nn.Network[T], l loss.Loss[T], opt optim.Optimizer[T], d *Rows, batch int) *stepper[T] {
	s := &stepper[T]{net: net, loss: l, opt: opt, params: net.Params(), data: d}
	s.x.Resize(batch, d.cols())
	s.y.Resize(batch, d.Labels.Y.Cols)
	if d.Prepare != nil || d.Source != nil {
		s.raw.Resize(batch, d.cols())
	}
	if wl, ok := l.(*loss.Weighted[T]); ok {
		s.weighted = wl
		if d.Labels.Weights != nil {
			s.w = make([]float64, 0, batch)
		}
	}
	return s
}

// step trains on the samples idx: it gathers them, computes the loss and
// the gradients, and updates the weights with learning rate lr. It returns
// the loss before the update and, if the step diverged, what went wrong;
// a non-finite loss leaves the weights untouched. After the first call it
// allocates nothing.
func (s *stepper[T]) step(idx []int, lr float64) (float64, string) {
	gatherX(&s.x, &s.raw, s.data, idx)
	gather(&s.y, s.data.Labels.Y, idx, nil)
	if s.weighted != nil {
		s.weighted.SetWeights(gatherWeights(s.w, s.data.Labels.Weights, idx))
	}
	v := s.net.Gradient(s.loss, &s.x, &s.y)
	if p := nonFinite("loss", v); p != "" {
		return v, p
	}
	s.opt.Step(s.params, lr)
	if p := badParam(s.params); p != "" {
		return v, p
	}
	return v, ""
}

// output returns the network's output from the last step.
func (s *stepper[T]) output() *tensor.Matrix[T] {
	last, ok := s.net.Layers[len(s.net.Layers)-1].(interface{ Output() *tensor.Matrix[T] })
	if !ok {
		return nil
	}
	return last.Output()
}

// nonFinite returns "<what> is NaN" or "<what> is ±Inf" for a non-finite v,
// "" otherwise.
func nonFinite(what string, v float64) string {
	switch {
	case math.IsNaN(v):
		return what + " is NaN"
	case math.IsInf(v, 1):
		return what + " is +Inf"
	case math.IsInf(v, -1):
		return what + " is -Inf"
	}
	return ""
}

// badParam describes the first parameter holding a NaN or infinite value,
// or returns "".
func badParam[T tensor.Float](params []*nn.Param[T]) string {
	for _, p := range params {
		for _, w := range p.Value.Values() {
			if f := float64(w); f-f != 0 { // NaN or ±Inf: Inf−Inf is NaN
				return nonFinite("a value of "+p.Name, f)
			}
		}
	}
	return ""
}

// weights is a copy of a network's parameter values, kept to put them back.
type weights[T tensor.Float] struct {
	vals  [][]T
	epoch int // the epoch after which they were saved; 0 for the start
}

// newWeights returns a copy of the values of params, saved at epoch.
func newWeights[T tensor.Float](params []*nn.Param[T], epoch int) *weights[T] {
	w := &weights[T]{vals: make([][]T, len(params))}
	for i, p := range params {
		w.vals[i] = make([]T, len(p.Value.Values()))
	}
	w.save(params, epoch)
	return w
}

// save copies the values of params into w without allocating.
func (w *weights[T]) save(params []*nn.Param[T], epoch int) {
	for i, p := range params {
		copy(w.vals[i], p.Value.Values())
	}
	w.epoch = epoch
}

// restore copies w back into params.
func (w *weights[T]) restore(params []*nn.Param[T]) {
	for i, p := range params {
		copy(p.Value.Values(), w.vals[i])
	}
}
