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

// rangeCounter counts Range calls and the widest range.
type rangeCounter struct{ calls, widest atomic.Int32 }

func (c *rangeCounter) Range(lo, hi int) {
	c.calls.Add(1)
	for {
		w := c.widest.Load()
		if int32(hi-lo) <= w || c.widest.CompareAndSwap(w, int32(hi-lo)) {
			return
		}
	}
}

// TestForCutsSmallRanges wants a large loop on 2 workers cut into
// partsPerWorker ranges per worker, so that a worker the system delays
// holds up an eighth of the loop, not half, and a small one not cut
// finer than parallelElements/2 element operations per range.
func TestForCutsSmallRanges(t *testing.T) {
	defer SetWorkers(Workers())
	SetWorkers(2)
	for _, c := range []struct{ n, cost, calls, widest int }{
		{64, 1 << 16, 8, 8},
		{8, 1 << 20, 8, 1},
		{4, parallelElements / 2, 4, 1},
		{6, parallelElements / 4, 3, 2},
	} {
		r := &rangeCounter{}
		For(c.n, c.cost, r)
		if got, w := int(r.calls.Load()), int(r.widest.Load()); got != c.calls || w != c.widest {
			t.Errorf("n %d cost %d: %d ranges, the widest %d; want %d, the widest %d", c.n, c.cost, got, w, c.calls, c.widest)
		}
	}
}
