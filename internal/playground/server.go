//go:build !(js && wasm)

package playground

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"time"
)

//go:embed assets
var assets embed.FS

// Server is the playground as an http.Handler: the page, its assets, and
// a Core behind the JSON API. Create it with New and stop its training
// goroutines with Close.
type Server struct {
	*Core
	mux  *http.ServeMux
	page *template.Template

	// token is a random secret of this server that the page sends on
	// every state-changing request (see guard).
	token string
}

// New returns a playground server with the given options.
func New(opt Options) *Server {
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&opt.HeaderTimeout, DefaultHeaderTimeout}, {&opt.ReadTimeout, DefaultReadTimeout}, {&opt.WriteTimeout, DefaultWriteTimeout}, {&opt.KeepAliveTimeout, DefaultKeepAliveTimeout}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = DefaultMaxConns
	}
	s := &Server{Core: NewCore(opt), mux: http.NewServeMux(), token: newID()}
	s.page = template.Must(pageTemplate())
	static, _ := fs.Sub(assets, "assets") // "assets" exists: it is embedded above
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	for _, rt := range routes {
		s.mux.HandleFunc(rt.method+" "+apiPrefix+rt.pattern, s.api(rt))
	}
	return s
}

// ServeHTTP serves the page, its assets and the JSON API. It refuses
// requests that another web site may have sent (see guard), and turns a
// panic in a handler into a 500 rather than a crash of every session.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			fail(w, http.StatusInternalServerError, "internal error in %s %s: %v", r.Method, r.URL.Path, v)
		}
	}()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if !s.guard(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// pageTemplate parses index.html, which is embedded and always parses.
func pageTemplate() (*template.Template, error) {
	return template.ParseFS(assets, "assets/index.html")
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	cfg := newPageConfig(s.opt.MaxUpload)
	cfg.Token = s.token
	var b bytes.Buffer
	if err := s.page.Execute(&b, pageData{Config: cfg}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'")
	w.Write(b.Bytes())
}

// api serves one route of the Core: it reads the body, bounded, before
// the Core locks the session, so that a client sending slowly never holds
// up the session's other requests.
func (s *Server) api(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if rt.body != bodyNone {
			limit := int64(maxSettingsBody)
			if rt.body == bodyUpload {
				limit = s.opt.MaxUpload
			}
			var err error
			body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig) && rt.body == bodyUpload:
				s.write(w, s.uploadTooLarge(uploadName(r.URL.Query())))
				return
			case err != nil && rt.body == bodyUpload:
				fail(w, http.StatusBadRequest, "reading %s: %v", uploadName(r.URL.Query()), err)
				return
			case err != nil:
				fail(w, http.StatusBadRequest, "bad settings: %v", err)
				return
			}
		}
		s.write(w, rt.do(s.Core, r.PathValue("id"), r.URL.Query(), body))
	}
}

// write sends a Core's reply.
func (s *Server) write(w http.ResponseWriter, rep Reply) {
	switch {
	case rep.Filename != "":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", rep.Filename))
	case rep.Status == http.StatusNoContent:
		w.WriteHeader(rep.Status)
		return
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(rep.Status)
	w.Write(rep.Body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"encoding the reply failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(b)
}

func fail(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, apiError{Error: fmt.Sprintf(format, args...)})
}
