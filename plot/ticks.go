package plot

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// linearTicks labels five to eight round values (1, 2 or 5 × 10^k apart) with
// an unlabelled tick halfway between neighbours. gonum's DefaultTicks
// labels only about three, too few to read a loss off the axis.
//
// With integer set, only whole numbers get ticks, for counts such as epochs.
type linearTicks struct {
	integer bool
}

// labelTarget is the most labelled ticks an axis gets; the step is rounded
// up to a round number, so most axes get five to eight.
const labelTarget = 8

// Ticks returns the ticks between lo and hi.
func (lt linearTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	step := niceStep((hi - lo) / labelTarget)
	if lt.integer && step < 1 {
		step = 1
	}
	// Half steps are whole numbers only when the step is even.
	half := !lt.integer || math.Mod(step, 2) == 0
	// Enough decimals to tell neighbouring labels apart, and no more.
	prec := max(0, -int(math.Floor(math.Log10(step))))
	var ticks []plot.Tick
	// The tolerance keeps an end such as 6·0.1 = 0.6000000000000001 on an
	// axis that ends at 0.6.
	tol := step * 1e-9
	for k := math.Ceil((lo - tol) / step * 2); k/2*step <= hi+tol; k++ {
		if !half && int(k)%2 != 0 {
			continue
		}
		v := k / 2 * step
		t := plot.Tick{Value: v}
		if int(k)%2 == 0 {
			if v == 0 {
				v = 0 // no "-0"
			}
			t.Label = strconv.FormatFloat(v, 'f', prec, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// niceStep returns the smallest of 1, 2, 5 × 10^k that is at least raw.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}
