package playground

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// session returns the live session with the given id.
func (s *Server) session(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

// waitFor polls cond, read under the session's lock without making a
// request (a request would count as the page polling), until it holds.
func waitFor(t *testing.T, ss *session, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ss.mu.Lock()
		ok := cond()
		ss.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after a minute for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestAbandonedSessionPauses: a running session that no request reaches
// for PauseAfter (by the server's clock) stops training, and the next
// state request resumes it; a page that keeps polling keeps it running.
func TestAbandonedSessionPauses(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	s, c := newTestServer(t, Options{Tick: time.Millisecond, Now: clock.Now, PauseAfter: 30 * time.Second})
	id := c.create(Defaults()).ID
	ss := s.session(id)
	var st State
	if code, body := c.do("POST", "/api/sessions/"+id+"/run?speed=1", nil, &st); code != 200 || !st.Running {
		t.Fatalf("run: %d %s", code, body)
	}

	// A page polling every 20 s keeps it training.
	for range 3 {
		clock.advance(20 * time.Second)
		if code, _ := c.do("GET", "/api/sessions/"+id+"/state", nil, &st); code != 200 || !st.Running {
			t.Fatalf("state while polled: %d, running %v", code, st.Running)
		}
		e := st.Epoch
		waitFor(t, ss, "training to go on while polled", func() bool { return ss.r.epoch >= e+3 || !ss.running })
		ss.mu.Lock()
		running, parked := ss.running, ss.parked
		ss.mu.Unlock()
		if !running || parked {
			t.Fatalf("a session polled 20 s ago stopped (running %v, parked %v)", running, parked)
		}
	}

	// No request for 31 s: it parks and its goroutine ends.
	clock.advance(31 * time.Second)
	waitFor(t, ss, "the abandoned session to park", func() bool { return ss.parked })
	ss.mu.Lock()
	done, epoch := ss.done, ss.r.epoch
	ss.mu.Unlock()
	select {
	case <-done:
	default:
		t.Fatal("a parked session's training goroutine still runs")
	}
	if n := s.tr.active.Load(); n != 0 {
		t.Errorf("%d sessions hold training slots while the only one is parked", n)
	}

	// The page comes back: it runs again from where it stopped.
	if code, _ := c.do("GET", "/api/sessions/"+id+"/state", nil, &st); code != 200 || !st.Running || st.Epoch != epoch {
		t.Fatalf("state after the page returned: %d, running %v at epoch %d, want running at %d", code, st.Running, st.Epoch, epoch)
	}
	waitFor(t, ss, "training to resume", func() bool { return ss.r.epoch >= epoch+3 })

	// Pausing a parked session leaves it paused: state does not resume it.
	clock.advance(31 * time.Second)
	waitFor(t, ss, "the session to park again", func() bool { return ss.parked })
	c.do("POST", "/api/sessions/"+id+"/pause", nil, nil)
	if c.do("GET", "/api/sessions/"+id+"/state", nil, &st); st.Running {
		t.Error("a session paused by its page resumed on the next state request")
	}
}

// TestTrainingSlots runs more sessions than training slots: all finish
// (they queue, none is refused), and no more than the slots ever train
// at the same moment.
func TestTrainingSlots(t *testing.T) {
	for _, slots := range []int{1, 2} {
		t.Run(fmt.Sprint(slots), func(t *testing.T) {
			s, c := newTestServer(t, Options{Tick: time.Millisecond, MaxTraining: slots})
			var ids []string
			for i := range 4 {
				st := Defaults()
				st.Seed = uint64(i + 1)
				ids = append(ids, c.create(st).ID)
			}
			for _, id := range ids {
				if code, body := c.do("POST", "/api/sessions/"+id+"/run?until=40&speed=1", nil, nil); code != 200 {
					t.Fatalf("run: %d %s", code, body)
				}
			}
			for _, id := range ids {
				if st := c.waitIdle(id, time.Minute); st.Epoch != 40 {
					t.Errorf("session stopped at epoch %d, want 40", st.Epoch)
				}
			}
			if p := s.tr.peak.Load(); p > int32(slots) || p < 1 {
				t.Errorf("%d sessions trained at once, want 1 to %d", p, slots)
			}
		})
	}
}

// TestTrainingPanicStopsOneSession: a panic in a session's training
// goroutine stops that session with a message instead of the process.
func TestTrainingPanicStopsOneSession(t *testing.T) {
	s, c := newTestServer(t, Options{Tick: time.Millisecond})
	id := c.create(Defaults()).ID
	ss := s.session(id)
	ss.mu.Lock()
	ss.r.order = nil // epochsWithin divides by zero
	ss.mu.Unlock()
	c.do("POST", "/api/sessions/"+id+"/run", nil, nil)
	st := c.waitIdle(id, time.Minute)
	if !strings.Contains(st.Diverged, "internal error") {
		t.Errorf("after a panic in training: diverged %q, want an internal error", st.Diverged)
	}
	if n := s.tr.active.Load(); n != 0 {
		t.Errorf("%d training slots still held after the panic", n)
	}
}
