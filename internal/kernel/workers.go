package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// workerSetting holds the SetWorkers value; 0 means GOMAXPROCS.
var workerSetting atomic.Int64

// SetWorkers sets how many goroutines one large Gemm or element-wise loop
// may use; n <= 0 means runtime.GOMAXPROCS(0), the default. Results are
// bit-identical whatever the setting, because C is split by blocks of rows
// or columns and every element is accumulated in the same order.
//
// Helper goroutines keep a core busy for up to 200 µs after each split
// job, waiting for the next one, as OpenMP runtimes do by default: that is
// what makes splitting a training step's short products pay. Users reach
// this setting as tensor.SetThreads.
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

// parter is work cut into parts that goroutines claim one by one: a
// product split by blocks of C, or an element-wise loop split by ranges.
type parter interface {
	// runPart does part i.
	runPart(i int)
	// recycle is called once no goroutine touches the job any more.
	recycle()
}

// split is the shared state of a job being run by several goroutines. A
// job embeds one whose p points back at the job.
type split struct {
	p       parter
	parts   int
	tickets atomic.Int32 // helpers that may still join
	next    atomic.Int32 // the next part to claim
	left    atomic.Int32 // parts not finished yet
	refs    atomic.Int32 // goroutines that may still touch the job
}

// take claims one ticket, reporting whether there was one left.
func (s *split) take() bool {
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

// work claims and runs parts until none is left.
func (s *split) work() {
	for {
		i := int(s.next.Add(1)) - 1
		if i >= s.parts {
			return
		}
		s.p.runPart(i)
		s.left.Add(-1)
	}
}

// release drops one reference to the job; the last one recycles it.
func (s *split) release() {
	if s.refs.Add(-1) == 0 {
		s.p.recycle()
	}
}

// run does the job's parts on the calling goroutine and up to workers-1
// helpers, returning when every part is done. Parts are claimed, not
// assigned, so the caller goes on to run every part no helper has reached:
// a helper that comes late (its core busy with other work) costs nothing
// but its own wake-up.
func (s *split) run(parts, workers int) {
	s.parts = parts
	s.next.Store(0)
	s.left.Store(int32(parts))
	// One reference for the caller and one for each ticket; the tickets
	// no helper takes are dropped once the caller runs out of parts.
	s.refs.Store(int32(workers))
	post(s, workers-1)
	s.work()
	for range max(0, s.tickets.Swap(0)) {
		s.release()
	}
	waitFor(&s.left)
	s.release()
}

// spinFor is how long an idle helper keeps watching for new work before it
// parks. A training step runs its products a few to a few hundred
// microseconds apart, with element-wise work in between; a helper that
// parked in every such gap would have to be woken through the scheduler
// (several microseconds, more when its core is busy) for each product.
// While it spins it yields the processor every few microseconds, so other
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
	job      atomic.Pointer[split]
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
				s.work()
				s.release()
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
		for range spinPauses {
			if pool.gen.Load() != seen {
				return true
			}
			pause()
		}
		runtime.Gosched()
		if time.Now().After(deadline) {
			return pool.gen.Load() != seen
		}
	}
}

// spinPauses is how many PAUSE-separated looks a spinning goroutine takes
// before it yields the processor: a few microseconds. Yielding more often
// costs a lock on the scheduler's run queue each time, which showed up as
// a sixth of a two-thread training step's samples.
const spinPauses = 128

// waitFor returns once *left is 0, spinning rather than parking: the
// parts it waits for take microseconds, and a parked caller would have to
// be woken through the scheduler when the last one ends.
func waitFor(left *atomic.Int32) {
	for left.Load() > 0 {
		for range spinPauses {
			if left.Load() <= 0 {
				return
			}
			pause()
		}
		runtime.Gosched()
	}
}

// post offers the job behind s to up to n helpers.
func post(s *split, n int) {
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
