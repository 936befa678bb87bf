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

// splitJob is a product split into parts that goroutines claim one by one.
type splitJob interface {
	// work claims and runs parts until none is left.
	work()
	// release drops one reference to the job; the last one recycles it.
	release()
}

// pool is the set of persistent helper goroutines. They are started on
// first need and never stop: a parked goroutine costs a few kilobytes, and
// starting goroutines per call would allocate.
var pool struct {
	mu      sync.Mutex
	started atomic.Int64
	jobs    chan splitJob
}

// ensureHelpers starts helpers until at least n are running.
func ensureHelpers(n int) {
	if int(pool.started.Load()) >= n {
		return
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.jobs == nil {
		pool.jobs = make(chan splitJob)
	}
	for ; int(pool.started.Load()) < n; pool.started.Add(1) {
		go func(jobs <-chan splitJob) {
			for j := range jobs {
				j.work()
				j.release()
			}
		}(pool.jobs)
	}
}

// offer hands job to up to n idle helpers and returns how many took it.
// Parts are claimed, not assigned, so the caller goes on to run every part
// no helper has reached: a helper that wakes late (its core busy with
// other work) costs nothing but its own wake-up.
func offer(job splitJob, n int) int {
	ensureHelpers(n)
	for i := 0; i < n; i++ {
		select {
		case pool.jobs <- job:
		default:
			return i
		}
	}
	return n
}
