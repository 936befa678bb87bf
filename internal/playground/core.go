package playground

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxSessions = 32
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxUpload   = 2 << 20
	// DefaultTick is the pause between training ticks: about a screen
	// frame, so that one epoch per tick is a pace a person can watch.
	DefaultTick = 16 * time.Millisecond
	// MaxSpeed is the most epochs one tick may train.
	MaxSpeed = 50
)

// Options configure a Core or a Server. The zero value gives the
// defaults. The connection fields only matter to a Server.
type Options struct {
	// MaxSessions bounds the sessions alive at once; 0 means
	// DefaultMaxSessions.
	MaxSessions int
	// IdleTimeout is how long a session lives without a request; 0 means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxUpload bounds an uploaded CSV file in bytes; 0 means
	// DefaultMaxUpload.
	MaxUpload int64
	// Tick is the pause between training ticks; 0 means DefaultTick.
	Tick time.Duration
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
	// AllowedHosts are the host names (a port, if given, is ignored) that
	// requests may name in their Host header besides localhost, 127.0.0.1
	// and ::1, which are always allowed: the names the server listens on.
	// Any other Host is refused with 403, against DNS rebinding.
	AllowedHosts []string

	// HeaderTimeout, ReadTimeout, WriteTimeout and KeepAliveTimeout are
	// the http.Server's ReadHeaderTimeout, ReadTimeout, WriteTimeout and
	// IdleTimeout in HTTPServer; 0 means the Default of each.
	HeaderTimeout, ReadTimeout, WriteTimeout, KeepAliveTimeout time.Duration
	// MaxConns bounds the connections Listener keeps open at once; 0
	// means DefaultMaxConns.
	MaxConns int

	// PauseAfter is how long a running session trains without any
	// request (the page polls its state) before it pauses; its next state
	// request resumes it. 0 means DefaultPauseAfter.
	PauseAfter time.Duration
	// MaxTraining bounds the sessions training at the same moment; more
	// running sessions queue for a turn each tick and train more slowly.
	// 0 means runtime.NumCPU().
	MaxTraining int
}

// withDefaults fills in the zero fields that a Core uses.
func (opt Options) withDefaults() Options {
	if opt.MaxSessions <= 0 {
		opt.MaxSessions = DefaultMaxSessions
	}
	if opt.IdleTimeout <= 0 {
		opt.IdleTimeout = DefaultIdleTimeout
	}
	if opt.MaxUpload <= 0 {
		opt.MaxUpload = DefaultMaxUpload
	}
	if opt.Tick <= 0 {
		opt.Tick = DefaultTick
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.PauseAfter <= 0 {
		opt.PauseAfter = DefaultPauseAfter
	}
	if opt.MaxTraining <= 0 {
		opt.MaxTraining = runtime.NumCPU()
	}
	return opt
}

// Core is the playground without a transport: its sessions and their
// training goroutines, driven by Do. The HTTP Server serves a Core, and
// the WebAssembly build calls one from a Web Worker, so that the page
// talks to the same API in both. This file and api.go import no net/http,
// which keeps the WebAssembly build small. Create it with NewCore and
// stop its goroutines with Close.
type Core struct {
	opt    Options
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	tr     *trainer

	mu       sync.Mutex
	sessions map[string]*session
}

// NewCore returns a playground core with the given options; it starts a
// goroutine that expires idle sessions until Close.
func NewCore(opt Options) *Core {
	opt = opt.withDefaults()
	c := &Core{opt: opt, sessions: map[string]*session{}}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.tr = &trainer{ctx: c.ctx, wg: &c.wg, tick: opt.Tick, now: opt.Now, pauseAfter: opt.PauseAfter, slots: make(chan struct{}, opt.MaxTraining)}
	go c.janitor()
	return c
}

// Close stops every training goroutine and waits for them.
func (c *Core) Close() {
	c.cancel()
	c.wg.Wait()
}

// Sessions returns the number of live sessions.
func (c *Core) Sessions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sessions)
}

// janitor expires idle sessions once a minute until Close, so that
// sessions of closed tabs stop even when nobody makes a request.
func (c *Core) janitor() {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			c.Expire()
		}
	}
}

// Expire ends every session idle for longer than Options.IdleTimeout by
// the core's clock. The core also calls it before creating a session.
func (c *Core) Expire() {
	now := c.opt.Now().UnixNano()
	var old []*session
	c.mu.Lock()
	for id, ss := range c.sessions {
		if now-ss.lastSeen.Load() > int64(c.opt.IdleTimeout) {
			old = append(old, ss)
			delete(c.sessions, id)
		}
	}
	c.mu.Unlock()
	for _, ss := range old {
		ss.mu.Lock()
		ss.end()
		ss.mu.Unlock()
	}
}
