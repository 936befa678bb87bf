package playground

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestHTTPServerTimeouts(t *testing.T) {
	for _, tc := range []struct {
		opt                       Options
		header, read, write, idle time.Duration
	}{
		{Options{}, DefaultHeaderTimeout, DefaultReadTimeout, DefaultWriteTimeout, DefaultKeepAliveTimeout},
		{Options{HeaderTimeout: 1, ReadTimeout: 2, WriteTimeout: 3, KeepAliveTimeout: 4}, 1, 2, 3, 4},
	} {
		s := New(tc.opt)
		srv := s.HTTPServer()
		s.Close()
		if srv.Handler != s || srv.ReadHeaderTimeout != tc.header || srv.ReadTimeout != tc.read || srv.WriteTimeout != tc.write || srv.IdleTimeout != tc.idle {
			t.Errorf("HTTPServer() with %+v: handler %T, timeouts header %v read %v write %v idle %v, want %v %v %v %v",
				tc.opt, srv.Handler, srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, tc.header, tc.read, tc.write, tc.idle)
		}
		for name, d := range map[string]time.Duration{"header": srv.ReadHeaderTimeout, "read": srv.ReadTimeout, "write": srv.WriteTimeout, "idle": srv.IdleTimeout} {
			if d <= 0 {
				t.Errorf("%s timeout %v: a slow client could hold a connection forever", name, d)
			}
		}
	}
}

// watchdog fails the test when done is not closed within a minute: the
// operations it guards wait on each other, so a bug shows as a hang.
func watchdog(t *testing.T, what string, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s: still waiting after a minute", what)
	}
}

// firstRead closes reading when a request body is first read.
type firstRead struct {
	io.ReadCloser
	once    *sync.Once
	reading chan struct{}
}

func (f firstRead) Read(p []byte) (int, error) {
	f.once.Do(func() { close(f.reading) })
	return f.ReadCloser.Read(p)
}

// TestSlowUploadDoesNotBlockState sends an upload whose body stops half
// way, and checks that the same session's state is served meanwhile: the
// body is read before the session's lock is taken.
func TestSlowUploadDoesNotBlockState(t *testing.T) {
	reading := make(chan struct{})
	var once sync.Once
	mark := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/data") {
				r.Body = firstRead{r.Body, &once, reading}
			}
			h.ServeHTTP(w, r)
		})
	}
	_, c := newTestServer(t, Options{}, mark)
	id := c.create(xorDefaults()).ID

	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() }) // before the server's Cleanup, which waits for handlers
	uploaded := make(chan struct{})
	var code int
	var body []byte
	go func() {
		defer close(uploaded)
		code, body = c.do("POST", "/api/sessions/"+id+"/data?name=slow.csv", pr, nil)
	}()
	fmt.Fprint(pw, "x,y\n1,a\n")
	watchdog(t, "the upload's body is read", reading)

	stated := make(chan struct{})
	go func() {
		defer close(stated)
		if code, body := c.do("GET", "/api/sessions/"+id+"/state", nil, nil); code != 200 {
			t.Errorf("state during a slow upload: %d %s", code, body)
		}
	}()
	watchdog(t, "GET /state while an upload of the same session is half sent", stated)

	fmt.Fprint(pw, "2,b\n3,a\n")
	pw.Close()
	watchdog(t, "the upload", uploaded)
	if code != 200 {
		t.Errorf("upload: %d %s", code, body)
	}
}

// TestSlowBodyIsCutOff serves on a real listener with a short read
// timeout and sends a body that never completes: the server must close
// the connection rather than wait for it forever.
func TestSlowBodyIsCutOff(t *testing.T) {
	s := New(Options{ReadTimeout: 100 * time.Millisecond, HeaderTimeout: 100 * time.Millisecond})
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer()
	go srv.Serve(s.Listener(ln))
	defer srv.Close()

	for _, tc := range []struct{ name, send string }{
		{"slow body", "POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\nX-Descent-Token: " + s.Token() + "\r\n\r\n{"},
		{"slow header", "GET / HTTP/1.1\r\nHost: 127.0."},
	} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(conn, tc.send); err != nil {
			t.Fatal(err)
		}
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			io.Copy(io.Discard, bufio.NewReader(conn)) // until the server closes
		}()
		watchdog(t, tc.name+": the server closing the connection", closed)
		conn.Close()
	}
}

// fakeListener hands out connections from a channel and counts Accepts.
type fakeListener struct {
	conns chan net.Conn
}

func (f *fakeListener) Accept() (net.Conn, error) {
	c, ok := <-f.conns
	if !ok {
		return nil, net.ErrClosed
	}
	return c, nil
}
func (f *fakeListener) Close() error   { return nil }
func (f *fakeListener) Addr() net.Addr { return &net.TCPAddr{} }

func TestLimitListener(t *testing.T) {
	inner := &fakeListener{conns: make(chan net.Conn, 4)}
	for range 4 {
		a, b := net.Pipe()
		defer b.Close()
		inner.conns <- a
	}
	ln := LimitListener(inner, 2)
	c1, err1 := ln.Accept()
	c2, err2 := ln.Accept()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	third := make(chan net.Conn)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			t.Error(err)
		}
		third <- c
	}()
	select {
	case <-third:
		t.Fatal("a third connection was accepted while two were open (limit 2)")
	case <-time.After(50 * time.Millisecond):
	}
	c1.Close()
	c1.Close() // a second Close must not free a second slot
	var c3 net.Conn
	done := make(chan struct{})
	go func() { c3 = <-third; close(done) }()
	watchdog(t, "Accept after a connection closed", done)
	// Two open again (c2, c3): a fourth waits although c1 was closed twice.
	fourth := make(chan struct{})
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
		close(fourth)
	}()
	select {
	case <-fourth:
		t.Fatal("a double Close freed two slots")
	case <-time.After(50 * time.Millisecond):
	}
	ln.Close() // wakes the waiting Accept
	watchdog(t, "Accept after Close", fourth)
	c2.Close()
	c3.Close()
}
