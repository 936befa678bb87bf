package playground

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultPauseAfter is how long a session trains on without a request
// before it pauses: the page polls its state several times a second, so
// a session that hears nothing for this long has lost its page.
const DefaultPauseAfter = 30 * time.Second

// trainer is what the training goroutines of one server share: their
// context and wait group, the pace, the clock, and the training slots.
//
// Slots bound how many sessions train at the same moment (Options.
// MaxTraining, the number of CPUs by default). A running session takes a
// slot for each tick and gives it back after: when more sessions run than
// there are slots they queue, first come first served, and each trains
// more slowly instead of any being refused, while the whole server never
// uses more than MaxTraining cores for training.
type trainer struct {
	ctx        context.Context
	wg         *sync.WaitGroup
	tick       time.Duration
	now        func() time.Time
	pauseAfter time.Duration
	slots      chan struct{}

	// active counts ticks in progress; peak is its highest value, which
	// tests compare with the number of slots.
	active, peak atomic.Int32
}

// acquire waits for a training slot, or for stop or the context to end;
// it reports whether it got the slot.
func (tr *trainer) acquire(stop <-chan struct{}) bool {
	select {
	case tr.slots <- struct{}{}:
	case <-stop:
		return false
	case <-tr.ctx.Done():
		return false
	}
	n := tr.active.Add(1)
	for {
		p := tr.peak.Load()
		if n <= p || tr.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return true
}

// release gives back a slot that acquire returned.
func (tr *trainer) release() {
	tr.active.Add(-1)
	<-tr.slots
}

// abandoned reports whether no request has reached s for pauseAfter.
func (tr *trainer) abandoned(s *session) bool {
	return tr.now().UnixNano()-s.lastSeen.Load() > int64(tr.pauseAfter)
}
