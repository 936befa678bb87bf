package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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

// slot is how a job is offered to helpers: a job embeds one, pointing back
// at itself, and tickets says how many more helpers may join it.
type slot struct {
	job     splitJob
	tickets atomic.Int32
}

// take claims one ticket, reporting whether there was one left.
func (s *slot) take() bool {
	for {
		n := s.tickets.Load()
		if n <= 0 {
			return false
		}
		if s.tickets.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// spinFor is how long an idle helper keeps watching for new work before it
// parks. A training step runs its products a few to a few hundred
// microseconds apart, with element-wise work in between; a helper that
// parked in every such gap would have to be woken through the scheduler
// (several microseconds, more when its core is busy) for each product.
// While it spins it yields the processor every few checks, so other
// goroutines, and the caller on a single processor, are not held up.
const spinFor = 200 * time.Microsecond

// pool is the set of persistent helper goroutines. They are started on
// first need and never stop: an idle goroutine costs a few kilobytes, and
// starting goroutines per call would allocate. The newest job sits in
// pool.job; pool.gen counts the jobs posted, so a helper sees a new one by
// watching a single counter.
var pool struct {
	mu       sync.Mutex
	started  atomic.Int64
	gen      atomic.Uint64
	job      atomic.Pointer[slot]
	sleepers atomic.Int32
	wake     chan struct{}
}

// maxHelpers bounds the helpers, and so the wake-up channel's buffer.
const maxHelpers = 256

// ensureHelpers starts helpers until at least n are running.
func ensureHelpers(n int) {
	n = min(n, maxHelpers)
	if int(pool.started.Load()) >= n {
		return
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.wake == nil {
		pool.wake = make(chan struct{}, maxHelpers)
	}
	for ; int(pool.started.Load()) < n; pool.started.Add(1) {
		go helper(pool.wake)
	}
}

// helper runs jobs as they are posted: it spins for spinFor after each one
// and then parks until post wakes it.
func helper(wake <-chan struct{}) {
	var seen uint64
	for {
		if g := pool.gen.Load(); g != seen {
			seen = g
			if s := pool.job.Load(); s != nil && s.take() {
				s.job.work()
				s.job.release()
			}
			continue
		}
		if spin(seen) {
			continue
		}
		// Count this helper as asleep before the last look at gen: post
		// bumps gen before it counts sleepers, so either the look sees
		// the new job or post sees this sleeper and sends a wake-up.
		pool.sleepers.Add(1)
		if pool.gen.Load() == seen {
			<-wake
		}
		pool.sleepers.Add(-1)
	}
}

// spin waits up to spinFor for pool.gen to move past seen, reporting
// whether it did.
func spin(seen uint64) bool {
	deadline := time.Now().Add(spinFor)
	for {
		for range 64 {
			if pool.gen.Load() != seen {
				return true
			}
		}
		runtime.Gosched()
		if pool.gen.Load() != seen {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// post offers the job behind s to up to n helpers. Parts are claimed, not
// assigned, so the caller goes on to run every part no helper has reached:
// a helper that comes late (its core busy with other work) costs nothing
// but its own wake-up. The caller calls revoke once it has run out of
// parts to claim.
func post(s *slot, n int) {
	ensureHelpers(n)
	s.tickets.Store(int32(n))
	pool.job.Store(s)
	pool.gen.Add(1)
	for range min(int(pool.sleepers.Load()), n) {
		select {
		case pool.wake <- struct{}{}:
		default:
			return
		}
	}
}

// revoke takes back the tickets no helper has claimed and returns how many
// there were.
func revoke(s *slot) int {
	return int(max(0, s.tickets.Swap(0)))
}
