package loss

import (
	"math"

	"github.com/descent-ml/descent/tensor"
)

// Huber is PyTorch's HuberLoss(delta=δ): per element, with d = p − t,
//
//	½d²            where |d| ≤ δ
//	δ(|d| − ½δ)    elsewhere
//
// quadratic near the target and linear far from it, so outliers pull with
// a bounded force. Within a sample it averages over the k outputs, as mse
// does, so Mean is PyTorch's reduction="mean". Its gradient is d, clipped
// to [−δ, δ]. Delta zero means 1, PyTorch's default.
type Huber[T tensor.Float] struct {
	Reduction Reduction
	Delta     float64
}

// Name returns "huber".
func (Huber[T]) Name() string { return NameHuber }

func (l Huber[T]) delta() float64 {
	if l.Delta == 0 {
		return 1
	}
	return l.Delta
}

// Forward returns the reduced Huber loss.
func (l Huber[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	d := l.delta()
	t := target.Values()
	var s float64
	for i, p := range pred.Values() {
		s += huber(float64(p)-float64(t[i]), d)
	}
	return averageScale(l.Reduction, pred) * s
}

// Backward sets grad = clip(p − t, −δ, δ), scaled by the reduction.
func (l Huber[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	d := l.delta()
	c := averageScale(l.Reduction, pred)
	t, g := target.Values(), grad.Values()
	for i, p := range pred.Values() {
		g[i] = T(c * math.Max(-d, math.Min(d, float64(p)-float64(t[i]))))
	}
}

// SmoothL1 is PyTorch's SmoothL1Loss(beta=β): per element, with d = p − t,
//
//	½d²/β        where |d| < β
//	|d| − ½β     elsewhere
//
// which is Huber with δ = β, divided by β: its linear part has slope 1
// whatever β. Within a sample it averages over the outputs, as mse does.
// Its gradient is d/β, clipped to [−1, 1]. Beta zero means 1, PyTorch's
// default (β = 0 would be mae, PyTorch's L1Loss).
type SmoothL1[T tensor.Float] struct {
	Reduction Reduction
	Beta      float64
}

// Name returns "smooth_l1".
func (SmoothL1[T]) Name() string { return NameSmoothL1 }

func (l SmoothL1[T]) delta() float64 {
	if l.Beta == 0 {
		return 1
	}
	return l.Beta
}

// Forward returns the reduced smooth L1 loss.
func (l SmoothL1[T]) Forward(pred, target *tensor.Matrix[T]) float64 {
	mustMatch(l.Name(), pred, target)
	b := l.delta()
	t := target.Values()
	var s float64
	for i, p := range pred.Values() {
		d := float64(p) - float64(t[i])
		if a := math.Abs(d); a < b {
			s += 0.5 * d * d / b
		} else {
			s += a - 0.5*b
		}
	}
	return averageScale(l.Reduction, pred) * s
}

// Backward sets grad = clip((p − t)/β, −1, 1), scaled by the reduction.
func (l SmoothL1[T]) Backward(grad, pred, target *tensor.Matrix[T]) {
	mustMatch(l.Name(), grad, pred, target)
	b := l.delta()
	c := averageScale(l.Reduction, pred)
	t, g := target.Values(), grad.Values()
	for i, p := range pred.Values() {
		d := float64(p) - float64(t[i])
		switch {
		case d >= b:
			g[i] = T(c)
		case d <= -b:
			g[i] = T(-c)
		default:
			g[i] = T(c * d / b)
		}
	}
}

// huber is one element's Huber loss of the difference d.
func huber(d, delta float64) float64 {
	if a := math.Abs(d); a > delta {
		return delta * (a - 0.5*delta)
	}
	return 0.5 * d * d
}

// averageScale returns the factor on the total of the element losses of a
// loss that averages over a sample's k outputs under Mean and Sum.
func averageScale[T tensor.Float](r Reduction, pred *tensor.Matrix[T]) float64 {
	if c, ok := r.all(pred.Rows, pred.Cols); ok {
		return c
	}
	return r.scale(pred.Rows) / float64(pred.Cols)
}
