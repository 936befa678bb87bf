package kernel

import (
	"sync"
	"unsafe"
)

// Ranger is work over the indices 0..n-1 that For splits into ranges: the
// samples of a batch, the filters of a layer.
type Ranger interface {
	// Range does the work of indices lo..hi-1. Calls for different
	// ranges may run at the same time, so they must not write the same
	// memory; and each index must be worked the same way whatever range
	// it falls in, which keeps results bit-identical at any worker count.
	Range(lo, hi int)
}

// For runs r.Range over ranges that together cover 0..n-1 once each, on
// up to Workers() goroutines (the calling one among them), and returns
// when all are done. cost is the work per index in roughly element
// operations; loops of fewer than parallelElements in all run on the
// calling goroutine alone, where a split would cost more than it saves.
//
// Passing a pointer as r allocates nothing, so a layer can split its loops
// every step without garbage.
func For(n, cost int, r Ranger) {
	parts := 1
	if total := n * max(cost, 1); total >= parallelElements {
		parts = min(Workers(), n, total/(parallelElements/2))
	}
	if parts <= 1 {
		if n > 0 {
			r.Range(0, n)
		}
		return
	}
	j := getForJob()
	j.n, j.r = n, r
	j.split.run(parts, parts)
}

// forJob is one For call split between goroutines.
type forJob struct {
	n     int
	r     Ranger
	split split
}

func (j *forJob) runPart(i int) {
	if lo, hi := share(j.n, 1, j.split.parts, i); lo < hi {
		j.r.Range(lo, hi)
	}
}

func (j *forJob) recycle() {
	j.r = nil
	forJobs.Put(unsafe.Pointer(j))
}

var forJobs sync.Pool

func getForJob() *forJob {
	if j, ok := forJobs.Get().(unsafe.Pointer); ok {
		return (*forJob)(j)
	}
	j := new(forJob)
	j.split.p = j
	return j
}
