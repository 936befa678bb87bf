package kernel

import (
	"sync/atomic"
	"testing"
)

// countRanger counts, for each index, how many times a Range covered it.
type countRanger struct{ seen []atomic.Int32 }

func (c *countRanger) Range(lo, hi int) {
	for i := lo; i < hi; i++ {
		c.seen[i].Add(1)
	}
}

// TestForCoversOnce checks that For hands every index to exactly one range,
// split or not, and allocates nothing once warm.
func TestForCoversOnce(t *testing.T) {
	defer SetWorkers(Workers())
	cases := []struct{ n, cost int }{
		{0, 1}, {1, 1}, {7, 1}, {64, 1 << 12}, {5, 1 << 20}, {1000, 100},
	}
	for _, w := range []int{1, 2, 3, 8} {
		SetWorkers(w)
		for _, c := range cases {
			r := &countRanger{seen: make([]atomic.Int32, c.n)}
			For(c.n, c.cost, r)
			for i := range r.seen {
				if got := r.seen[i].Load(); got != 1 {
					t.Fatalf("%d workers, n %d cost %d: index %d covered %d times, want 1", w, c.n, c.cost, i, got)
				}
			}
			if !raceEnabled {
				if a := testing.AllocsPerRun(20, func() { For(c.n, c.cost, r) }); a != 0 {
					t.Errorf("%d workers, n %d: %v allocations per call, want 0", w, c.n, a)
				}
			}
		}
	}
}
