package plot

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// logTicks places ticks at 1…9 × 10^k on a log axis. gonum's LogTicks labels
// only powers of ten, which leaves a loss curve spanning less than a decade
// (say 0.6 down to 0.15) without a single number; logTicks also labels 2
// and 5 × 10^k on axes under two decades, and every tick under one.
type logTicks struct{}

// Ticks returns the ticks between lo and hi, both > 0.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	decades := math.Log10(hi / lo)
	labelled := func(i int) bool {
		switch {
		case decades < 1:
			return true
		case decades < 2:
			return i == 1 || i == 2 || i == 5
		}
		return i == 1
	}
	var ticks []plot.Tick
	nLabels := 0
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		for i := 1; i <= 9; i++ {
			v := float64(i) * math.Pow(10, e)
			if e < 0 {
				v = float64(i) / math.Pow(10, -e) // 6/10 is 0.6; 6·0.1 is not
			}
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled(i) {
				// Four significant digits hide the rounding in i·10^e.
				t.Label = strconv.FormatFloat(v, 'g', 4, 64)
				nLabels++
			}
			ticks = append(ticks, t)
		}
	}
	if nLabels < 2 {
		// A narrow range holds at most one i·10^k: evenly spaced values,
		// slightly uneven on a log axis, beat an unlabelled axis.
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	return ticks
}
