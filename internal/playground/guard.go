//go:build !(js && wasm)

package playground

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// TokenHeader is the request header that carries the server's token on
// state-changing requests; the page reads the token from its own HTML.
const TokenHeader = "X-Descent-Token"

// loopbackHosts are the host names accepted whatever Options.AllowedHosts
// says: a browser only sends them for a page the user opened on this
// machine itself.
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// hostAllowed reports whether a request's Host header names this server.
// A DNS-rebinding page reaches the server under the attacker's name
// (Host: attacker.example:8080), so that name is refused even though the
// connection comes from the user's own browser. The port is not compared:
// the Host header always names the port the request reached.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return false
	}
	for _, h := range loopbackHosts {
		if host == h {
			return true
		}
	}
	for _, h := range s.opt.AllowedHosts {
		if strings.EqualFold(host, hostOnly(h)) {
			return true
		}
	}
	return false
}

// hostOnly returns the host part of "host", "host:port" or "[v6]:port".
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return strings.TrimSuffix(host, ".")
	}
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), ".")
}

// changesState reports whether a request method can change a session:
// these need a same-origin Origin or the token.
func changesState(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// guard refuses, with 403, a request that another web site may have sent:
// a Host that is not this server's (DNS rebinding), and a state-changing
// request whose Origin is another site's or that carries neither a
// same-origin Origin nor the server's token (cross-site request forgery:
// a text/plain POST needs no CORS preflight). It returns whether the
// request may go on.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	if !s.hostAllowed(r.Host) {
		fail(w, http.StatusForbidden, "the playground does not answer for host %q: open it as http://localhost:PORT/ or at the address it printed", r.Host)
		return false
	}
	if !changesState(r.Method) {
		return true
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host || (u.Scheme != "http" && u.Scheme != "https") {
			fail(w, http.StatusForbidden, "refused a %s from another web site (Origin %q): only the playground's own page may change its sessions", r.Method, origin)
			return false
		}
		return true
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(TokenHeader)), []byte(s.token)) != 1 {
		fail(w, http.StatusForbidden, "refused a %s without the playground's token: only the playground's own page may change its sessions (a script sends the page's token in the %s header)", r.Method, TokenHeader)
		return false
	}
	return true
}

// Token returns the server's random token, which a client other than the
// page (a script, a test) sends in the X-Descent-Token header of every
// POST, PUT and DELETE. The page gets it in its own HTML.
func (s *Server) Token() string { return s.token }
