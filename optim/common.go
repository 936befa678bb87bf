package optim

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Common holds the options every optimizer shares. Its zero value turns
// both off.
//
// Each optimizer's equations use the effective gradient
//
//	g̃ = s·g + λ·w
//
// where g is the parameter's Grad, w its value before the step, λ is L2 and
// s the clipping factor below (1 without clipping). The gradients in Grad
// are read, never changed.
type Common struct {
	// L2 is the coefficient λ of the penalty (λ/2)·Σw² added to the loss,
	// which adds λ·w to every gradient. 0 means no penalty.
	L2 float64 `json:"l2,omitempty"`
	// ClipNorm, when positive, scales all gradients by one common factor
	//
	//	s = min(1, ClipNorm / (‖g‖ + 10⁻⁶))
	//
	// where ‖g‖ = sqrt(Σ g²) over every element of every parameter's
	// gradient, so that their global norm is at most ClipNorm. This is
	// exactly PyTorch's clip_grad_norm_ (max_norm = ClipNorm, the 2-norm),
	// whose 10⁻⁶ keeps the factor finite for a zero gradient and leaves the
	// clipped norm just below ClipNorm. Clipping uses the raw gradients,
	// before the L2 term, as clip_grad_norm_ followed by an optimizer's
	// weight_decay does. 0 means no clipping.
	ClipNorm float64 `json:"clip_norm,omitempty"`
}

// clipScale returns the factor s by which clipping scales every gradient.
func clipScale[T tensor.Float](params []*nn.Param[T], clipNorm float64) float64 {
	if clipNorm <= 0 {
		return 1
	}
	var sum float64
	for _, p := range params {
		for _, g := range p.Grad.Values() {
			sum += float64(g) * float64(g)
		}
	}
	// PyTorch's clip_grad_norm_: the 1e-6 is its, to match it bit for bit.
	return min(1, clipNorm/(math.Sqrt(sum)+1e-6))
}

// GlobalNorm returns sqrt(Σ g²) over every element of every parameter's
// gradient, the norm that Common.ClipNorm bounds.
func GlobalNorm[T tensor.Float](params []*nn.Param[T]) float64 {
	var sum float64
	for _, p := range params {
		for _, g := range p.Grad.Values() {
			sum += float64(g) * float64(g)
		}
	}
	return math.Sqrt(sum)
}

// slots is the state every optimizer keeps: the number of steps taken and k
// buffers per parameter, buf[k][i] for parameter i, in float64 whatever the
// parameters' type so that a saved state means the same in both.
type slots struct {
	step int64
	buf  [][][]float64
}

// begin counts a step and, on the first step, allocates k zero buffers for
// each parameter. Later steps allocate nothing.
func begin[T tensor.Float](s *slots, k int, params []*nn.Param[T]) {
	if s.buf == nil {
		s.buf = make([][][]float64, k)
		for j := range s.buf {
			s.buf[j] = make([][]float64, len(params))
			for i, p := range params {
				s.buf[j][i] = make([]float64, len(p.Value.Values()))
			}
		}
	}
	if k > 0 && len(s.buf[0]) != len(params) {
		panic(fmt.Sprintf("optim: Step got %d parameters, earlier steps had %d", len(params), len(s.buf[0])))
	}
	s.step++
}

// state returns a deep copy of s under the given name.
func (s *slots) state(name string) State {
	st := State{Name: name, Step: s.step}
	if len(s.buf) > 0 {
		st.Slots = make([][][]float64, len(s.buf))
		for k, per := range s.buf {
			st.Slots[k] = make([][]float64, len(per))
			for i, b := range per {
				st.Slots[k][i] = append([]float64(nil), b...)
			}
		}
	}
	return st
}

// setState replaces s by a copy of st after checking that st was saved by
// the optimizer called name, with k buffers, for parameters shaped like
// params.
func setState[T tensor.Float](s *slots, name string, k int, st State, params []*nn.Param[T]) error {
	if st.Name != name {
		return fmt.Errorf("optim: state was saved by optimizer %q, not %q", st.Name, name)
	}
	if st.Step < 0 {
		return fmt.Errorf("optim: state has a negative step count %d", st.Step)
	}
	if len(st.Slots) != k {
		return fmt.Errorf("optim: %s state needs %d buffers per parameter, saved state has %d", name, k, len(st.Slots))
	}
	for j, per := range st.Slots {
		if len(per) != len(params) {
			return fmt.Errorf("optim: saved state has %d parameters, the network has %d", len(per), len(params))
		}
		for i, b := range per {
			if want := len(params[i].Value.Values()); len(b) != want {
				return fmt.Errorf("optim: saved state buffer %d of parameter %d (%s) has %d values, the parameter has %d", j, i, params[i].Name, len(b), want)
			}
		}
	}
	var fresh slots
	if k > 0 {
		fresh = st.copyInto()
	}
	fresh.step = st.Step
	*s = fresh
	return nil
}

// copyInto returns slots holding a deep copy of the state's buffers.
func (st State) copyInto() slots {
	s := slots{buf: make([][][]float64, len(st.Slots))}
	for k, per := range st.Slots {
		s.buf[k] = make([][]float64, len(per))
		for i, b := range per {
			s.buf[k][i] = append([]float64(nil), b...)
		}
	}
	return s
}
