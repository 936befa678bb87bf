package playground

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
)

// Thresholds of the warnings.
const (
	// saturatedAt is how close to its bounds a tanh or sigmoid output is
	// called saturated: its derivative is then below about 0.04 of its
	// largest, so the weights before it barely learn.
	saturatedAt = 0.98
	// saturatedShare is the share of samples on which a tanh or sigmoid
	// neuron must be saturated to count as stuck. A ReLU is dead only when
	// it outputs zero on every sample: then no gradient reaches it.
	saturatedShare = 0.9
	// stallEpochs is the window over which a loss that did not improve by
	// stallGain (relatively) counts as stalled.
	stallEpochs = 300
	stallGain   = 1e-3
)

// warnings explains what keeps the network from learning, in words the
// page shows: most ReLUs dead, most tanh or sigmoid neurons saturated, or
// the loss not improving.
func (r *run) warnings() []string {
	var out []string
	defer r.scoring()()
	r.net.Forward(r.train.X)
	var dead, relus, sat, squashing int
	hidden := 0
	for li, l := range r.net.Layers {
		if li == len(r.net.Layers)-1 || l.Spec().KindName() != nn.KindDense {
			continue
		}
		hidden++
		name := l.Spec().Activation.Name
		a := r.net.LayerOutput(li)
		for j := range a.Cols {
			stuck := 0
			for i := range a.Rows {
				v := a.At(i, j)
				switch name {
				case activation.NameReLU:
					if v <= 0 {
						stuck++
					}
				case activation.NameTanh:
					if math.Abs(v) > saturatedAt {
						stuck++
					}
				case activation.NameSigmoid:
					if math.Abs(2*v-1) > saturatedAt {
						stuck++
					}
				}
			}
			many := float64(stuck) >= saturatedShare*float64(a.Rows)
			switch name {
			case activation.NameReLU:
				relus++
				if stuck == a.Rows {
					dead++
				}
			case activation.NameTanh, activation.NameSigmoid:
				squashing++
				if many {
					sat++
				}
			}
		}
	}
	if relus > 0 && 2*dead > relus {
		out = append(out, fmt.Sprintf("%d of %d ReLU neurons are dead (output 0 on nearly every sample, so they no longer learn): lower the learning rate, or use leaky_relu, and reset.", dead, relus))
	}
	if squashing > 0 && 2*sat > squashing {
		out = append(out, fmt.Sprintf("%d of %d tanh/sigmoid neurons are saturated (output near its bounds, where the derivative is almost 0): lower the learning rate or add L2, and reset.", sat, squashing))
	}
	if w := r.stalled(); w != "" {
		out = append(out, w)
	}
	return out
}

// stalled reports, from the loss history, a training loss that has not
// improved over the last stallEpochs epochs.
func (r *run) stalled() string {
	h := r.hist
	if r.epoch < stallEpochs || len(h.Epochs) < 2 {
		return ""
	}
	before, after := math.Inf(1), math.Inf(1)
	for i, e := range h.Epochs {
		if e <= r.epoch-stallEpochs {
			before = min(before, h.Train[i])
		} else {
			after = min(after, h.Train[i])
		}
	}
	// A loss this small has nothing left to gain.
	if math.IsInf(before, 1) || before < 1e-4 || after < before*(1-stallGain) {
		return ""
	}
	return fmt.Sprintf("The training loss has not improved in the last %d epochs (best %.4g): training has converged or is stuck; try another learning rate or network.", stallEpochs, before)
}
