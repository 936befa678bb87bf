//go:build !(js && wasm)

package playground

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Defaults of the connection Options. A real request is local and small
// (an upload is at most MaxUpload), so these only cut off clients that
// send or read at a trickle to hold a connection open.
const (
	DefaultHeaderTimeout    = 10 * time.Second
	DefaultReadTimeout      = 60 * time.Second
	DefaultWriteTimeout     = 60 * time.Second
	DefaultKeepAliveTimeout = 2 * time.Minute
	// DefaultMaxConns bounds open connections: a browser keeps about six
	// per host, so 256 serves every tab of MaxSessions with room to spare
	// while leaving file descriptors for the rest of the process.
	DefaultMaxConns = 256
)

// HTTPServer returns an http.Server that serves s with the timeouts of
// its Options, so that a client sending (or reading) at 1 byte/s is cut
// off instead of holding its connection forever. Serve it on a listener
// from Listener, which bounds the connections.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.opt.HeaderTimeout,
		ReadTimeout:       s.opt.ReadTimeout,
		WriteTimeout:      s.opt.WriteTimeout,
		IdleTimeout:       s.opt.KeepAliveTimeout,
		MaxHeaderBytes:    64 << 10, // the page's headers are well under 4 KiB
	}
}

// Listener wraps ln so that at most Options.MaxConns connections are open
// at once; further clients wait in the kernel's accept queue until one
// closes, rather than exhausting the process's file descriptors.
func (s *Server) Listener(ln net.Listener) net.Listener {
	return LimitListener(ln, s.opt.MaxConns)
}

// LimitListener returns a listener that accepts at most n connections
// from ln at once: Accept waits while n are open.
func LimitListener(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	slots     chan struct{} // one element per open connection
	done      chan struct{} // closed by Close
	closeOnce sync.Once
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close closes the listener and wakes an Accept waiting for a slot.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back once, however often it is closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
