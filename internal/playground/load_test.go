package playground

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoad trains 20 sessions at once on one loopback server while each
// polls its state as the page does, and checks that every session learned
// (XOR and circles reach their accuracy) and that sessions stayed apart:
// sessions with the same settings end identical, different settings give
// different results. It reports the latency of the state requests. It is
// bounded by fixed epochs per session, not by a wall-clock deadline: CI
// runs every package at once on two cores, and -race is ten times slower,
// so the time it takes says nothing. It fails when no session has trained
// an epoch for stallAfter, which is a hang on any machine.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	const (
		sessions   = 20
		epochs     = 300
		stallAfter = 2 * time.Minute
	)
	// The time the server spends on each state request, apart from the
	// time a request waits for a CPU (the suite shares 2 cores).
	var mu sync.Mutex
	var handler []time.Duration
	timed := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t0 := time.Now()
			h.ServeHTTP(w, r)
			if r.Method == http.MethodGet {
				mu.Lock()
				handler = append(handler, time.Since(t0))
				mu.Unlock()
			}
		})
	}
	_, c := newTestServer(t, Options{}, timed) // the real tick, as a user gets it
	// trained is when some session last reported a new epoch.
	var trained atomic.Int64
	trained.Store(time.Now().UnixNano())

	// Ten settings, each used by two sessions.
	settings := make([]Settings, sessions)
	for i := range settings {
		st := xorDefaults()
		k := i / 2
		st.Seed = uint64(1 + k)
		if k%2 == 1 {
			st.Dataset, st.Hidden = "circles", []Layer{{6, "tanh"}}
		}
		settings[i] = st
	}

	type result struct {
		final   *State
		latency []time.Duration
		err     error
	}
	results := make([]result, sessions)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			r := &results[i]
			id := c.create(settings[i]).ID
			if code, body := c.do("POST", fmt.Sprintf("/api/sessions/%s/run?until=%d&speed=5", id, epochs), nil, nil); code != 200 {
				r.err = fmt.Errorf("run: %d %s", code, body)
				return
			}
			last := -1
			for {
				// Decode only what the loop needs: the page parses JSON
				// natively, and this client's decoding is not the server's
				// latency.
				var st struct {
					Running bool
					Epoch   int
				}
				t0 := time.Now()
				code, body := c.do("GET", "/api/sessions/"+id+"/state", nil, &st)
				r.latency = append(r.latency, time.Since(t0))
				if code != http.StatusOK {
					r.err = fmt.Errorf("state: %d %s", code, body)
					return
				}
				if st.Epoch > last {
					last = st.Epoch
					trained.Store(time.Now().UnixNano())
				}
				if !st.Running {
					r.final = new(State)
					if code, body := c.do("GET", "/api/sessions/"+id+"/state", nil, r.final); code != http.StatusOK {
						r.err = fmt.Errorf("state: %d %s", code, body)
					}
					return
				}
				if idle := time.Since(time.Unix(0, trained.Load())); idle > stallAfter {
					r.err = fmt.Errorf("at epoch %d, and no session trained an epoch for %v", st.Epoch, idle.Round(time.Second))
					return
				}
				time.Sleep(80 * time.Millisecond) // as the page does
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	var all []time.Duration
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("session %d: %v", i, r.err)
		}
		all = append(all, r.latency...)
		st := r.final
		want := 0.97
		if settings[i].Dataset == "circles" {
			want = 0.95
		}
		if st.Epoch != epochs || float64(st.TestAcc) < want {
			t.Errorf("session %d (%s, seed %d): epoch %d, test accuracy %v, want %d and ≥ %v", i, settings[i].Dataset, settings[i].Seed, st.Epoch, st.TestAcc, epochs, want)
		}
		if i%2 == 1 {
			prev := results[i-1].final
			if !reflect.DeepEqual(prev.Layers, st.Layers) || !reflect.DeepEqual(prev.History, st.History) {
				t.Errorf("sessions %d and %d have the same settings but trained differently", i-1, i)
			}
		}
		for j := 0; j < i-1; j += 2 {
			if reflect.DeepEqual(results[j].final.Layers, st.Layers) {
				t.Errorf("sessions %d and %d have different settings but the same weights", j, i)
			}
		}
	}
	pct := func(d []time.Duration, p float64) time.Duration {
		slices.Sort(d)
		return d[int(p*float64(len(d)-1))].Round(10 * time.Microsecond)
	}
	t.Logf("%d sessions × %d epochs in %v, %d state requests: round trip p50 %v, p95 %v, max %v; in the handler p50 %v, p95 %v",
		sessions, epochs, elapsed.Round(time.Millisecond), len(all), pct(all, 0.5), pct(all, 0.95), pct(all, 1),
		pct(handler, 0.5), pct(handler, 0.95))
}
