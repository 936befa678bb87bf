package playground

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
)

// HTTP status codes of replies, written out here so that the API does not
// import net/http (see Core).
const (
	statusOK               = 200
	statusCreated          = 201
	statusNoContent        = 204
	statusBadRequest       = 400
	statusNotFound         = 404
	statusMethodNotAllowed = 405
	statusTooLarge         = 413
	statusInternalError    = 500
	statusUnavailable      = 503
)

// Call is one request to the playground's API, as the page sends it: the
// HTTP server and the WebAssembly worker both turn what they receive into
// a Call for Core.Do.
type Call struct {
	// Method is GET, POST, PUT or DELETE.
	Method string
	// Path is /api/sessions, /api/sessions/ID or /api/sessions/ID/ACTION.
	Path string
	// Query holds the parameters after "?".
	Query url.Values
	// Body is the request body: settings as JSON, or an uploaded file.
	Body []byte
}

// Reply is the answer to a Call.
type Reply struct {
	// Status is an HTTP status code.
	Status int
	// Body is JSON (an error is {"error": "..."}), empty for 204, or a
	// model file when Filename is set.
	Body []byte
	// Filename is the name to save Body as, for a model export.
	Filename string
}

// route is one API endpoint. Pattern is the path after /api/sessions with
// {id} for the session id, as http.ServeMux writes it.
type route struct {
	method, pattern string
	// body is what the endpoint reads from the request body: bodyNone,
	// bodySettings or bodyUpload.
	body int
	do   func(c *Core, id string, q url.Values, body []byte) Reply
}

const (
	bodyNone = iota
	bodySettings
	bodyUpload
)

// routes are the API's endpoints; the HTTP server registers the same.
var routes = []route{
	{"POST", "", bodySettings, func(c *Core, _ string, _ url.Values, b []byte) Reply { return c.create(b) }},
	{"PUT", "/{id}", bodySettings, (*Core).reset},
	{"DELETE", "/{id}", bodyNone, (*Core).remove},
	{"POST", "/{id}/data", bodyUpload, (*Core).upload},
	{"POST", "/{id}/run", bodyNone, locked((*Core).run)},
	{"POST", "/{id}/pause", bodyNone, locked((*Core).pause)},
	{"POST", "/{id}/step", bodyNone, locked((*Core).step)},
	{"GET", "/{id}/state", bodyNone, locked((*Core).state)},
	{"GET", "/{id}/explain", bodyNone, locked((*Core).explain)},
	{"GET", "/{id}/model", bodyNone, locked((*Core).exportModel)},
}

// apiPrefix is where the API lives.
const apiPrefix = "/api/sessions"

// Do answers one API call. It is safe to call from many goroutines.
func (c *Core) Do(call Call) (reply Reply) {
	defer func() {
		// A bug in one endpoint answers 500 rather than ending every
		// session with the process.
		if v := recover(); v != nil {
			reply = failf(statusInternalError, "internal error in %s %s: %v", call.Method, call.Path, v)
		}
	}()
	rest, ok := strings.CutPrefix(call.Path, apiPrefix)
	if !ok {
		return failf(statusNotFound, "no such API path %q", call.Path)
	}
	id, action := "", ""
	if rest != "" {
		parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
		if rest[0] != '/' || len(parts) > 2 || parts[0] == "" {
			return failf(statusNotFound, "no such API path %q", call.Path)
		}
		id = parts[0]
		if len(parts) == 2 {
			action = "/" + parts[1]
		}
	}
	pattern := ""
	if rest != "" {
		pattern = "/{id}" + action
	}
	found := false
	for _, rt := range routes {
		if rt.pattern != pattern {
			continue
		}
		found = true
		if rt.method == call.Method {
			q := call.Query
			if q == nil {
				q = url.Values{}
			}
			return rt.do(c, id, q, call.Body)
		}
	}
	if found {
		return failf(statusMethodNotAllowed, "%s is not allowed on %s", call.Method, call.Path)
	}
	return failf(statusNotFound, "no such API path %q", call.Path)
}

// apiError is the JSON body of a failed request; the page shows Error.
type apiError struct {
	Error string `json:"error"`
}

// jsonReply encodes v as the body of a reply.
func jsonReply(status int, v any) Reply {
	b, err := json.Marshal(v)
	if err != nil {
		return Reply{Status: statusInternalError, Body: []byte(`{"error":"encoding the reply failed"}`)}
	}
	return Reply{Status: status, Body: b}
}

func failf(status int, format string, args ...any) Reply {
	return jsonReply(status, apiError{Error: fmt.Sprintf(format, args...)})
}

// settingsRequest is the body of create and reset: settings as JSON, or a
// shared link's query.
type settingsRequest struct {
	Settings *Settings `json:"settings"`
	Share    string    `json:"share"`
}

// maxSettingsBody bounds a settings request; real ones are under 1 KiB.
const maxSettingsBody = 64 << 10

// parseSettings reads the body of create and reset; an empty body means
// the defaults.
func parseSettings(body []byte) (Settings, error) {
	if len(body) > maxSettingsBody {
		return Settings{}, fmt.Errorf("bad settings: the request is larger than %d bytes", maxSettingsBody)
	}
	var req settingsRequest
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&req); err != nil && len(bytes.TrimSpace(body)) > 0 {
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

func (c *Core) create(body []byte) Reply {
	st, err := parseSettings(body)
	if err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	ss := &session{}
	if err := ss.reset(st); err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	ss.id = newID()
	ss.lastSeen.Store(c.opt.Now().UnixNano())
	c.Expire()
	c.mu.Lock()
	if len(c.sessions) >= c.opt.MaxSessions {
		c.mu.Unlock()
		return failf(statusUnavailable, "the playground already runs %d sessions: close other playground tabs, or wait until idle ones expire (after %v)", c.opt.MaxSessions, c.opt.IdleTimeout)
	}
	c.sessions[ss.id] = ss
	c.mu.Unlock()
	ss.mu.Lock()
	state := ss.state(true)
	ss.mu.Unlock()
	return jsonReply(statusCreated, state)
}

// find returns the session of id and marks it seen; a nil session comes
// with the 404 reply to give.
func (c *Core) find(id string) (*session, Reply) {
	now := c.opt.Now().UnixNano()
	c.mu.Lock()
	ss := c.sessions[id]
	if ss != nil && now-ss.lastSeen.Load() > int64(c.opt.IdleTimeout) {
		ss = nil // expired; Expire removes it
	}
	c.mu.Unlock()
	if ss == nil {
		c.Expire()
		return nil, failf(statusNotFound, "no such session (it may have expired after %v idle): reload the page", c.opt.IdleTimeout)
	}
	ss.lastSeen.Store(now)
	return ss, Reply{}
}

// locked turns an endpoint on a session into a route's function: it finds
// the session, marks it seen and passes it on locked. Such endpoints read
// no body: one that does parses it before taking the lock (see reset).
func locked(h func(c *Core, ss *session, q url.Values) Reply) func(*Core, string, url.Values, []byte) Reply {
	return func(c *Core, id string, q url.Values, _ []byte) Reply {
		ss, notFound := c.find(id)
		if ss == nil {
			return notFound
		}
		ss.mu.Lock()
		defer ss.mu.Unlock()
		return h(c, ss, q)
	}
}

func (c *Core) remove(id string, _ url.Values, _ []byte) Reply {
	c.mu.Lock()
	ss := c.sessions[id]
	delete(c.sessions, id)
	c.mu.Unlock()
	if ss != nil {
		ss.mu.Lock()
		ss.end()
		ss.mu.Unlock()
	}
	return Reply{Status: statusNoContent}
}

// reset parses the settings, then locks the session.
func (c *Core) reset(id string, _ url.Values, body []byte) Reply {
	ss, notFound := c.find(id)
	if ss == nil {
		return notFound
	}
	st, err := parseSettings(body)
	if err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.pause()
	if err := ss.reset(st); err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	return jsonReply(statusOK, ss.state(true))
}

// uploadName is the name of an upload: the name parameter or a default.
func uploadName(q url.Values) string {
	if name := q.Get("name"); name != "" {
		return name
	}
	return "upload.csv"
}

// uploadTooLarge is the reply to a file over Options.MaxUpload.
func (c *Core) uploadTooLarge(name string) Reply {
	return failf(statusTooLarge, "%s is larger than the playground's limit of %s", name, sizeText(c.opt.MaxUpload))
}

// upload parses the file, then locks the session: the slow parts of an
// upload never hold the lock that /state needs.
func (c *Core) upload(id string, q url.Values, body []byte) Reply {
	ss, notFound := c.find(id)
	if ss == nil {
		return notFound
	}
	name := uploadName(q)
	if int64(len(body)) > c.opt.MaxUpload {
		return c.uploadTooLarge(name)
	}
	up, err := parseUpload(name, body)
	if errors.Is(err, data.ErrTooLarge) {
		return failf(statusTooLarge, "%v", err)
	}
	if err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	var query *Settings
	if q.Has("settings") {
		st, err := ParseQuery(q.Get("settings"))
		if err != nil {
			return failf(statusBadRequest, "%v", err)
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
		return failf(statusBadRequest, "%s: %v", name, err)
	}
	return jsonReply(statusOK, ss.state(true))
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
// data.ErrTooLarge, which the upload endpoint answers with 413.
type tooLarge struct{ msg string }

func (e *tooLarge) Error() string { return e.msg }
func (e *tooLarge) Unwrap() error { return data.ErrTooLarge }

func tooLargef(format string, args ...any) error {
	return &tooLarge{fmt.Sprintf(format, args...)}
}

// parseUpload reads an uploaded CSV file and checks it against the
// playground's limits. The data package's errors name the line and the
// column; they reach the page with their advice made the page's (see
// pageAdvice). An error wrapping data.ErrTooLarge means the file exceeds
// a size limit.
func parseUpload(name string, body []byte) (*upload, error) {
	d, schema, err := data.ReadCSV(bytes.NewReader(body), name, uploadLimits)
	if errors.Is(err, data.ErrTooLarge) {
		return nil, fmt.Errorf("%w; the playground takes at most %d rows, %d feature columns after one-hot encoding and %d classes", err, MaxUploadRows, MaxFeatures, MaxClasses)
	}
	if err != nil {
		return nil, pageAdvice(err)
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

// csvAdvice maps the advice of the data package's CSV errors, which names
// options of `descent train` (a missing-value policy, a categorical
// column), to what a user of the playground, which has neither, can do.
var csvAdvice = []struct{ train, page string }{
	{"; use a missing-value policy (drop, mean, median, mode) to accept it", ": the playground does not fill in missing values, so fill in or remove that row in the file"},
	{"; declare it categorical to read text)", ": make every value of the column a number, or give it text on every line)"},
}

// pageAdvice returns err with its advice for `descent train` replaced by
// csvAdvice's for the playground. The result still wraps err, so
// errors.Is and errors.As see what it did.
func pageAdvice(err error) error {
	msg := err.Error()
	for _, a := range csvAdvice {
		msg = strings.Replace(msg, a.train, a.page, 1)
	}
	if msg == err.Error() {
		return err
	}
	return &advised{msg: msg, err: err}
}

// advised is an error whose message pageAdvice rewrote.
type advised struct {
	msg string
	err error
}

func (e *advised) Error() string { return e.msg }
func (e *advised) Unwrap() error { return e.err }

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
func intParam(q url.Values, key string, def, lo, hi int) (int, error) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d, got %q", key, lo, hi, v)
	}
	return n, nil
}

func (c *Core) run(ss *session, q url.Values) Reply {
	until, err := intParam(q, "until", 0, 0, MaxEpochs)
	if err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	speed, err := intParam(q, "speed", 1, 1, MaxSpeed)
	if err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	ss.pause() // a new speed or limit restarts the goroutine
	ss.start(c.tr, until, speed)
	return jsonReply(statusOK, ss.state(false))
}

func (c *Core) pause(ss *session, _ url.Values) Reply {
	ss.pause()
	return jsonReply(statusOK, ss.state(false))
}

func (c *Core) step(ss *session, q url.Values) Reply {
	n, err := intParam(q, "epochs", 1, 1, 1000)
	if err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	ss.pause()
	// A step request trains synchronously: bound it as 100 ticks are.
	ss.r.trainEpochs(min(n, MaxEpochs-ss.r.epoch, ss.r.epochsWithin(100*maxTickSteps)))
	return jsonReply(statusOK, ss.state(false))
}

func (c *Core) state(ss *session, q url.Values) Reply {
	ss.resume(c.tr) // a page is back: go on training if it was parked
	return jsonReply(statusOK, ss.state(q.Get("points") == "1"))
}

func (c *Core) explain(ss *session, q url.Values) Reply {
	var p [4]int
	for i, k := range []string{"layer", "from", "to", "sample"} {
		def := 1
		if k == "sample" {
			def = 0
		}
		v, err := intParam(q, k, def, 0, MaxUploadRows)
		if err != nil {
			return failf(statusBadRequest, "%v", err)
		}
		p[i] = v
	}
	e, err := ss.r.explain(p[0], p[1], p[2], p[3])
	if err != nil {
		return failf(statusBadRequest, "%v", err)
	}
	return jsonReply(statusOK, e)
}

func (c *Core) exportModel(ss *session, _ url.Values) Reply {
	var b bytes.Buffer
	if err := ss.writeModel(&b, c.opt.Now()); err != nil {
		return failf(statusInternalError, "exporting the model: %v", err)
	}
	name := fmt.Sprintf("descent-%s-epoch%d.json", ss.r.settings.Dataset, ss.r.epoch)
	return Reply{Status: statusOK, Body: b.Bytes(), Filename: name}
}
