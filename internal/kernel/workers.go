package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workerSetting holds the SetWorkers value; 0 means GOMAXPROCS.
var workerSetting atomic.Int64

// SetWorkers sets how many goroutines one large Gemm may use; n <= 0 means
// runtime.GOMAXPROCS(0), the default. Results are bit-identical whatever
// the setting, because C is split by blocks of rows or columns and every
// element is accumulated in the same order.
func SetWorkers(n int) {
	if n < 0 {
		n = 0
	}
	workerSetting.Store(int64(n))
}

// Workers returns how many goroutines one large Gemm may use.
func Workers() int {
	if n := int(workerSetting.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// part is one share of a split product: a job and the index of its share.
type part struct {
	job interface{ runPart(i int) }
	i   int
}

// pool is the set of persistent helper goroutines. They are started on
// first need and never stop: a parked goroutine costs a few kilobytes, and
// starting goroutines per call would allocate.
var pool struct {
	mu      sync.Mutex
	started int
	parts   chan part
}

// ensureHelpers starts helpers until at least n are running.
func ensureHelpers(n int) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.parts == nil {
		pool.parts = make(chan part)
	}
	for ; pool.started < n; pool.started++ {
		go func(parts <-chan part) {
			for p := range parts {
				p.job.runPart(p.i)
			}
		}(pool.parts)
	}
}

// runParts runs job.runPart(0..n-1), parts 1.. on idle helpers where one is
// waiting and on the caller otherwise, and returns when all are done.
// wg must be the WaitGroup the job's runPart calls Done on.
func runParts(job interface{ runPart(i int) }, n int, wg *sync.WaitGroup) {
	ensureHelpers(n - 1)
	wg.Add(n)
	for i := 1; i < n; i++ {
		select {
		case pool.parts <- part{job, i}:
		default:
			// Every helper is busy (another Gemm is running): doing the
			// share here is faster than waiting for one.
			job.runPart(i)
		}
	}
	job.runPart(0)
	wg.Wait()
}
