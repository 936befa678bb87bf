package playground

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGuard covers DNS rebinding (a foreign Host) and cross-site request
// forgery (a foreign Origin, or neither Origin nor token): each is refused
// with 403 and a message, while the page's own requests go through.
func TestGuard(t *testing.T) {
	s := New(Options{AllowedHosts: []string{"playground.lan:8080"}})
	defer s.Close()
	// A session to read and change.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080/api/sessions", nil)
	req.Header.Set(TokenHeader, s.Token())
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	id := s.anySessionID()

	for _, tc := range []struct {
		name, method, url, host string
		header                  map[string]string
		code                    int
		want                    string
	}{
		{"rebinding create", "POST", "/api/sessions", "attacker.example:8080", map[string]string{TokenHeader: s.Token()}, 403, "does not answer for host"},
		{"rebinding state", "GET", "/api/sessions/" + id + "/state", "attacker.example:8080", nil, 403, "does not answer for host"},
		{"rebinding model", "GET", "/api/sessions/" + id + "/model", "attacker.example:8080", nil, 403, "does not answer for host"},
		{"rebinding page", "GET", "/", "attacker.example:8080", nil, 403, "does not answer for host"},
		{"no host", "GET", "/", "", nil, 403, "does not answer for host"},
		{"cross-site text/plain", "POST", "/api/sessions", "127.0.0.1:8080", map[string]string{"Origin": "http://attacker.example", "Content-Type": "text/plain"}, 403, "from another web site"},
		{"cross-site with token", "POST", "/api/sessions/" + id + "/run", "127.0.0.1:8080", map[string]string{"Origin": "http://attacker.example", TokenHeader: s.Token()}, 403, "from another web site"},
		{"other local port", "DELETE", "/api/sessions/" + id, "127.0.0.1:8080", map[string]string{"Origin": "http://127.0.0.1:3000"}, 403, "from another web site"},
		{"opaque origin", "POST", "/api/sessions", "localhost:8080", map[string]string{"Origin": "null"}, 403, "from another web site"},
		{"no origin, no token", "POST", "/api/sessions", "127.0.0.1:8080", nil, 403, "without the playground's token"},
		{"no origin, wrong token", "PUT", "/api/sessions/" + id, "127.0.0.1:8080", map[string]string{TokenHeader: "00"}, 403, "without the playground's token"},
		{"page's own origin", "POST", "/api/sessions/" + id + "/pause", "127.0.0.1:8080", map[string]string{"Origin": "http://127.0.0.1:8080"}, 200, `"running":false`},
		{"token", "POST", "/api/sessions/" + id + "/step", "localhost:8080", map[string]string{TokenHeader: s.Token()}, 200, `"epoch":1`},
		{"state on loopback", "GET", "/api/sessions/" + id + "/state", "[::1]:8080", nil, 200, `"epoch":1`},
		{"allowed host", "GET", "/api/sessions/" + id + "/state", "playground.lan:8080", nil, 200, `"epoch":1`},
		{"allowed host, any case", "GET", "/", "PlayGround.LAN:8080", nil, 200, s.Token()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "http://x"+tc.url, strings.NewReader(""))
			req.Host = tc.host
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%s %s Host %q: %d %.200s, want %d containing %q", tc.method, tc.url, tc.host, rec.Code, rec.Body, tc.code, tc.want)
			}
		})
	}
	if n := s.Sessions(); n != 1 {
		t.Errorf("%d sessions after the refused requests, want 1", n)
	}
}

// anySessionID returns the id of a live session, for tests.
func (s *Server) anySessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.sessions {
		return id
	}
	return ""
}

// TestPanicIs500: a panic in a handler answers 500 and the server lives on.
func TestPanicIs500(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1/boom", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("panicking handler: %d %s, want 500", rec.Code, rec.Body)
	}
}
