package playground

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/optim"
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

// Options configure a Server. The zero value gives the defaults.
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

//go:embed assets
var assets embed.FS

// Server is the playground as an http.Handler. Create it with New and
// stop its training goroutines with Close.
type Server struct {
	opt    Options
	mux    *http.ServeMux
	page   *template.Template
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	tr     *trainer

	// token is a random secret of this server that the page sends on
	// every state-changing request (see guard).
	token string

	mu       sync.Mutex
	sessions map[string]*session
}

// New returns a playground server with the given options.
func New(opt Options) *Server {
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
	if opt.PauseAfter <= 0 {
		opt.PauseAfter = DefaultPauseAfter
	}
	if opt.MaxTraining <= 0 {
		opt.MaxTraining = runtime.NumCPU()
	}
	s := &Server{opt: opt, mux: http.NewServeMux(), sessions: map[string]*session{}}
	s.token = newID()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.tr = &trainer{ctx: s.ctx, wg: &s.wg, tick: opt.Tick, now: opt.Now, pauseAfter: opt.PauseAfter, slots: make(chan struct{}, opt.MaxTraining)}
	s.page = template.Must(template.ParseFS(assets, "assets/index.html"))
	static, _ := fs.Sub(assets, "assets") // "assets" exists: it is embedded above
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	s.mux.HandleFunc("POST /api/sessions", s.create)
	s.mux.HandleFunc("PUT /api/sessions/{id}", s.resetSession)
	s.mux.HandleFunc("POST /api/sessions/{id}/data", s.uploadData)
	s.mux.HandleFunc("POST /api/sessions/{id}/run", s.withSession(s.run))
	s.mux.HandleFunc("POST /api/sessions/{id}/pause", s.withSession(s.pause))
	s.mux.HandleFunc("POST /api/sessions/{id}/step", s.withSession(s.step))
	s.mux.HandleFunc("GET /api/sessions/{id}/state", s.withSession(s.getState))
	s.mux.HandleFunc("GET /api/sessions/{id}/explain", s.withSession(s.explain))
	s.mux.HandleFunc("GET /api/sessions/{id}/model", s.withSession(s.exportModel))
	s.mux.HandleFunc("DELETE /api/sessions/{id}", s.deleteSession)
	go s.janitor()
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

// Close stops every training goroutine and waits for them.
func (s *Server) Close() {
	s.cancel()
	s.wg.Wait()
}

// Sessions returns the number of live sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// janitor expires idle sessions once a minute until Close, so that
// sessions of closed tabs stop even when nobody makes a request.
func (s *Server) janitor() {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.Expire()
		}
	}
}

// Expire ends every session idle for longer than Options.IdleTimeout by
// the server's clock. The server also calls it before creating a session.
func (s *Server) Expire() {
	now := s.opt.Now().UnixNano()
	var old []*session
	s.mu.Lock()
	for id, ss := range s.sessions {
		if now-ss.lastSeen.Load() > int64(s.opt.IdleTimeout) {
			old = append(old, ss)
			delete(s.sessions, id)
		}
	}
	s.mu.Unlock()
	for _, ss := range old {
		ss.mu.Lock()
		ss.end()
		ss.mu.Unlock()
	}
}

// pageData is what index.html is rendered with.
type pageData struct {
	Config pageConfig
}

type pageConfig struct {
	Datasets    []datasetInfo `json:"datasets"`
	Activations []string      `json:"activations"`
	Outputs     []string      `json:"outputs"`
	Losses      []string      `json:"losses"`
	Optimizers  []string      `json:"optimizers"`
	Defaults    Settings      `json:"defaults"`
	MaxHidden   int           `json:"max_hidden"`
	MaxUnits    int           `json:"max_units"`
	MaxSamples  int           `json:"max_samples"`
	MaxUpload   int64         `json:"max_upload"`
	MaxSpeed    int           `json:"max_speed"`
	// Token is sent back in the X-Descent-Token header; another site's
	// page cannot read it, as it cannot read this page.
	Token string `json:"token"`
}

type datasetInfo struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	About string `json:"about"`
	Dims  int    `json:"dims"`
}

var datasetLabels = map[string]string{
	"xor": "XOR", "circles": "Circles", "moons": "Moons", "spiral": "Spiral", "blobs": "Blobs",
	"linear": "Linear", "sin": "sin(x)", "point": "One point", DatasetCSV: "Your CSV",
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	cfg := pageConfig{
		Activations: hiddenActivations,
		Outputs:     activation.Names(),
		Losses:      loss.Names(),
		Optimizers:  optim.Names(),
		Defaults:    Defaults(),
		MaxHidden:   MaxHiddenLayers, MaxUnits: MaxUnits, MaxSamples: MaxSamples,
		MaxUpload: s.opt.MaxUpload, MaxSpeed: MaxSpeed,
		Token: s.token,
	}
	for _, n := range datasetNames {
		about, dims := datasets.Description(n), 2
		switch n {
		case "sin", "point":
			dims = 1
		case DatasetCSV:
			about, dims = "a table of your own: the last column is the target", 0
		}
		cfg.Datasets = append(cfg.Datasets, datasetInfo{Name: n, Label: datasetLabels[n], About: about, Dims: dims})
	}
	var b bytes.Buffer
	if err := s.page.Execute(&b, pageData{Config: cfg}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'")
	w.Write(b.Bytes())
}

// apiError is the JSON body of a failed request; the page shows Error.
type apiError struct {
	Error string `json:"error"`
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

// settingsRequest is the body of create and reset: settings as JSON, or a
// shared link's query.
type settingsRequest struct {
	Settings *Settings `json:"settings"`
	Share    string    `json:"share"`
}

// maxSettingsBody bounds a settings request; real ones are under 1 KiB.
const maxSettingsBody = 64 << 10

func readSettings(w http.ResponseWriter, r *http.Request) (Settings, error) {
	var req settingsRequest
	body := http.MaxBytesReader(w, r.Body, maxSettingsBody)
	if err := json.NewDecoder(body).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		return Settings{}, fmt.Errorf("bad settings: %w", err)
	}
	switch {
	case req.Settings != nil:
		return req.Settings.normalize(), nil
	case req.Share != "":
		return ParseQuery(req.Share)
	}
	return Defaults(), nil
}

// newID returns 128 random bits in hex. crypto/rand.Read never fails (it
// crashes the program itself when the system has no randomness).
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	st, err := readSettings(w, r)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	ss := &session{}
	if err := ss.reset(st); err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	ss.id = newID()
	ss.lastSeen.Store(s.opt.Now().UnixNano())
	s.Expire()
	s.mu.Lock()
	if len(s.sessions) >= s.opt.MaxSessions {
		s.mu.Unlock()
		fail(w, http.StatusServiceUnavailable, "the playground already runs %d sessions: close other playground tabs, or wait until idle ones expire (after %v)", s.opt.MaxSessions, s.opt.IdleTimeout)
		return
	}
	s.sessions[ss.id] = ss
	s.mu.Unlock()
	ss.mu.Lock()
	state := ss.state(true)
	ss.mu.Unlock()
	writeJSON(w, http.StatusCreated, state)
}

// find returns the session of the path's id and marks it seen, or
// answers 404 and returns nil.
func (s *Server) find(w http.ResponseWriter, r *http.Request) *session {
	now := s.opt.Now().UnixNano()
	s.mu.Lock()
	ss := s.sessions[r.PathValue("id")]
	if ss != nil && now-ss.lastSeen.Load() > int64(s.opt.IdleTimeout) {
		ss = nil // expired; Expire removes it
	}
	s.mu.Unlock()
	if ss == nil {
		s.Expire()
		fail(w, http.StatusNotFound, "no such session (it may have expired after %v idle): reload the page", s.opt.IdleTimeout)
		return nil
	}
	ss.lastSeen.Store(now)
	return ss
}

// withSession finds the session of the path's id, marks it seen and
// passes it on locked. Its handlers read no body: a handler that does
// reads it before taking the lock (see resetSession), so that a client
// sending slowly never holds up the session's other requests.
func (s *Server) withSession(h func(w http.ResponseWriter, r *http.Request, ss *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ss := s.find(w, r)
		if ss == nil {
			return
		}
		ss.mu.Lock()
		defer ss.mu.Unlock()
		h(w, r, ss)
	}
}

func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ss := s.sessions[r.PathValue("id")]
	delete(s.sessions, r.PathValue("id"))
	s.mu.Unlock()
	if ss != nil {
		ss.mu.Lock()
		ss.end()
		ss.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

// resetSession reads the settings, then locks the session.
func (s *Server) resetSession(w http.ResponseWriter, r *http.Request) {
	ss := s.find(w, r)
	if ss == nil {
		return
	}
	st, err := readSettings(w, r)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.pause()
	if err := ss.reset(st); err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, ss.state(true))
}

// uploadData reads and parses the file, then locks the session: the
// slow parts of an upload never hold the lock that /state needs.
func (s *Server) uploadData(w http.ResponseWriter, r *http.Request) {
	ss := s.find(w, r)
	if ss == nil {
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "upload.csv"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opt.MaxUpload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "%s is larger than the playground's limit of %s", name, sizeText(s.opt.MaxUpload))
			return
		}
		fail(w, http.StatusBadRequest, "reading %s: %v", name, err)
		return
	}
	up, err := parseUpload(name, body)
	if errors.Is(err, data.ErrTooLarge) {
		fail(w, http.StatusRequestEntityTooLarge, "%v", err)
		return
	}
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	var query *Settings
	if r.URL.Query().Has("settings") {
		st, err := ParseQuery(r.URL.Query().Get("settings"))
		if err != nil {
			fail(w, http.StatusBadRequest, "%v", err)
			return
		}
		query = &st
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	st := ss.r.settings
	if query != nil {
		st = *query
	}
	st.Dataset = DatasetCSV
	if up.data.Task == data.Regression && isClassLoss(st.Loss) || up.data.Task == data.Classification && st.Loss != "" && !isClassLoss(st.Loss) {
		st.Loss = "" // the page's loss was for the other task; pick the default
	}
	ss.pause()
	old := ss.upload
	ss.upload = up
	if err := ss.reset(st); err != nil {
		ss.upload = old
		fail(w, http.StatusBadRequest, "%s: %v", name, err)
		return
	}
	writeJSON(w, http.StatusOK, ss.state(true))
}

func isClassLoss(name string) bool {
	switch name {
	case loss.NameBCE, loss.NameBCEWithLogits, loss.NameCrossEntropy, loss.NameSoftmaxCrossEntropy:
		return true
	}
	return false
}

// uploadLimits are the data package's limits for an upload, so that a
// file the playground would refuse anyway is refused while it is read,
// before its matrices are built: 60,000 distinct values in one text
// column would otherwise become 60,000 one-hot columns (28 GB for 60,000
// rows) from a 649 KB file. MaxCells bounds rows × columns, the numbers
// the dataset holds, to what the playground's row and column limits allow.
var uploadLimits = data.CSVOptions{
	MaxCategories: 100, // a column needs at most MaxFeatures; 100 still names the column's count
	MaxFeatures:   MaxFeatures,
	MaxCells:      MaxUploadRows * (MaxFeatures + MaxClasses),
}

// tooLarge is an upload beyond the playground's limits; it unwraps to
// data.ErrTooLarge, which the upload handler answers with 413.
type tooLarge struct{ msg string }

func (e *tooLarge) Error() string { return e.msg }
func (e *tooLarge) Unwrap() error { return data.ErrTooLarge }

func tooLargef(format string, args ...any) error {
	return &tooLarge{fmt.Sprintf(format, args...)}
}

// parseUpload reads an uploaded CSV file and checks it against the
// playground's limits. The data package's errors name the line and the
// column; they reach the page as they are. An error wrapping
// data.ErrTooLarge means the file exceeds a size limit.
func parseUpload(name string, body []byte) (*upload, error) {
	d, schema, err := data.ReadCSV(bytes.NewReader(body), name, uploadLimits)
	if errors.Is(err, data.ErrTooLarge) {
		return nil, fmt.Errorf("%w; the playground takes at most %d rows, %d feature columns after one-hot encoding and %d classes", err, MaxUploadRows, MaxFeatures, MaxClasses)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case d.Len() < 2:
		return nil, fmt.Errorf("%s has %d data row; the playground needs at least 2", name, d.Len())
	case d.Len() > MaxUploadRows:
		return nil, tooLargef("%s has %d rows; the playground takes at most %d", name, d.Len(), MaxUploadRows)
	case d.X.Cols > MaxFeatures:
		return nil, tooLargef("%s has %d feature columns (after one-hot encoding); the playground takes at most %d", name, d.X.Cols, MaxFeatures)
	case d.Task == data.Classification && d.Y.Cols > MaxClasses:
		return nil, tooLargef("%s has %d classes; the playground takes at most %d", name, d.Y.Cols, MaxClasses)
	case d.Task == data.Classification && d.Y.Cols < 2:
		return nil, fmt.Errorf("%s has only one class in its target column; there is nothing to learn", name)
	}
	return &upload{name: name, data: d, schema: schema}, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// intParam reads an integer query parameter, def when absent.
func intParam(r *http.Request, key string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d, got %q", key, lo, hi, v)
	}
	return n, nil
}

func (s *Server) run(w http.ResponseWriter, r *http.Request, ss *session) {
	until, err := intParam(r, "until", 0, 0, MaxEpochs)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	speed, err := intParam(r, "speed", 1, 1, MaxSpeed)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	ss.pause() // a new speed or limit restarts the goroutine
	ss.start(s.tr, until, speed)
	writeJSON(w, http.StatusOK, ss.state(false))
}

func (s *Server) pause(w http.ResponseWriter, r *http.Request, ss *session) {
	ss.pause()
	writeJSON(w, http.StatusOK, ss.state(false))
}

func (s *Server) step(w http.ResponseWriter, r *http.Request, ss *session) {
	n, err := intParam(r, "epochs", 1, 1, 1000)
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	ss.pause()
	// A step request trains synchronously: bound it as 100 ticks are.
	ss.r.trainEpochs(min(n, MaxEpochs-ss.r.epoch, ss.r.epochsWithin(100*maxTickSteps)))
	writeJSON(w, http.StatusOK, ss.state(false))
}

func (s *Server) getState(w http.ResponseWriter, r *http.Request, ss *session) {
	ss.resume(s.tr) // a page is back: go on training if it was parked
	writeJSON(w, http.StatusOK, ss.state(r.URL.Query().Get("points") == "1"))
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request, ss *session) {
	var p [4]int
	for i, k := range []string{"layer", "from", "to", "sample"} {
		def := 1
		if k == "sample" {
			def = 0
		}
		v, err := intParam(r, k, def, 0, MaxUploadRows)
		if err != nil {
			fail(w, http.StatusBadRequest, "%v", err)
			return
		}
		p[i] = v
	}
	e, err := ss.r.explain(p[0], p[1], p[2], p[3])
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) exportModel(w http.ResponseWriter, r *http.Request, ss *session) {
	var b bytes.Buffer
	if err := ss.writeModel(&b, s.opt.Now()); err != nil {
		fail(w, http.StatusInternalServerError, "exporting the model: %v", err)
		return
	}
	name := fmt.Sprintf("descent-%s-epoch%d.json", ss.r.settings.Dataset, ss.r.epoch)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Write(b.Bytes())
}
