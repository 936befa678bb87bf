package playground

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/model"
)

// client drives a test server's API.
type client struct {
	t     *testing.T
	base  string
	http  *http.Client
	token string // sent in TokenHeader, as the page does
}

// newTestServer starts a server on 127.0.0.1, its handler wrapped by
// wrap when given.
func newTestServer(t *testing.T, opt Options, wrap ...func(http.Handler) http.Handler) (*Server, *client) {
	t.Helper()
	s := New(opt)
	var h http.Handler = s
	for _, w := range wrap {
		h = w(h)
	}
	ts := httptest.NewServer(h) // listens on 127.0.0.1
	t.Cleanup(func() { ts.Close(); s.Close() })
	// Enough idle connections for every concurrent session of the load
	// test, as each browser tab keeps its own.
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return s, &client{t: t, base: ts.URL, http: &http.Client{Transport: tr}, token: s.Token()}
}

// do sends a request and decodes a JSON reply into out (unless nil),
// returning the status and the raw body.
func (c *client) do(method, path string, body io.Reader, out any) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set(TokenHeader, c.token)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v in %.200s", method, path, err, b)
		}
	}
	return res.StatusCode, b
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// create makes a session with the given settings and returns its state.
func (c *client) create(st Settings) *State {
	c.t.Helper()
	var out State
	code, body := c.do("POST", "/api/sessions", jsonBody(map[string]any{"settings": st}), &out)
	if code != http.StatusCreated {
		c.t.Fatalf("create: %d %s", code, body)
	}
	return &out
}

func (c *client) step(id string, epochs int) *State {
	c.t.Helper()
	var out State
	code, body := c.do("POST", fmt.Sprintf("/api/sessions/%s/step?epochs=%d", id, epochs), nil, &out)
	if code != http.StatusOK {
		c.t.Fatalf("step: %d %s", code, body)
	}
	return &out
}

func TestSettingsQueryRoundTrip(t *testing.T) {
	for _, st := range []Settings{
		xorDefaults(),
		{Dataset: "circles", Samples: 300, Noise: 0.07, TestRatio: 0.5, Seed: 42,
			Hidden: []Layer{{3, "relu"}, {2, "sigmoid"}}, Output: "sigmoid", Bias: false,
			Loss: "mse", Optimizer: "momentum", LearningRate: 0.3, BatchSize: 1, L2: 0.001},
		{Dataset: "point", Samples: 200, Hidden: []Layer{}, Optimizer: "gd", LearningRate: 0.5, BatchSize: 1},
	} {
		got, err := ParseQuery(st.Query())
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", st.Query(), err)
		}
		want := st.normalize()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %q:\n got %+v\nwant %+v", st.Query(), got, want)
		}
	}
	for _, q := range []string{"lr=fast", "hidden=2,x", "seed=-1", "bias=maybe", "%zz"} {
		if _, err := ParseQuery(q); err == nil {
			t.Errorf("ParseQuery(%q) gave no error", q)
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []func(*Settings){
		func(s *Settings) { s.Dataset = "mnist" },
		func(s *Settings) { s.Hidden = make([]Layer, MaxHiddenLayers+1) },
		func(s *Settings) { s.Hidden = []Layer{{Units: MaxUnits + 1}} },
		func(s *Settings) { s.Hidden = []Layer{{Units: 2, Activation: "softmax"}} },
		func(s *Settings) { s.LearningRate = -1 },
		func(s *Settings) { s.LearningRate = math.NaN() },
		func(s *Settings) { s.Optimizer = "lbfgs" },
		func(s *Settings) { s.Samples = MaxSamples + 1 },
		func(s *Settings) { s.TestRatio = 1 },
		func(s *Settings) { s.Loss = "hinge" },
	}
	for i, f := range bad {
		st := xorDefaults()
		f(&st)
		if err := st.Validate(); err == nil {
			t.Errorf("case %d: %+v is valid, want an error", i, st)
		}
	}
	if err := xorDefaults().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

func TestPageAndAssets(t *testing.T) {
	_, c := newTestServer(t, Options{})
	for _, tc := range []struct {
		path, want string
		code       int
	}{
		{"/", `"max_units":8`, 200},
		{"/assets/app.js", "descent playground", 200},
		{"/assets/style.css", "--orange", 200},
		{"/nope", "", 404},
		{"/api/sessions/abc/state", "no such session", 404},
	} {
		code, body := c.do("GET", tc.path, nil, nil)
		if code != tc.code || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %d %.100q, want %d containing %q", tc.path, code, body, tc.code, tc.want)
		}
	}
	// No external resources: the page works offline.
	for _, p := range []string{"/", "/assets/app.js", "/assets/style.css"} {
		_, body := c.do("GET", p, nil, nil)
		if bytes.Contains(body, []byte("http://")) && !bytes.Contains(body, []byte("http://www.w3.org/2000/svg")) || bytes.Contains(body, []byte("https://")) {
			t.Errorf("%s refers to an external URL", p)
		}
	}
}

func TestTrainXORAndExport(t *testing.T) {
	_, c := newTestServer(t, Options{})
	st := c.create(xorDefaults())
	if st.Points == nil || len(st.Points.X) != 200 || st.View == nil || len(st.View.Output) != BoundaryGrid*BoundaryGrid {
		t.Fatalf("create: points or view missing: %+v", st.View)
	}
	st = c.step(st.ID, 300)
	if st.Epoch != 300 || float64(st.TestAcc) < 0.97 {
		t.Fatalf("after 300 epochs: epoch %d, test accuracy %v", st.Epoch, st.TestAcc)
	}
	if n := len(st.View.Neurons); n != 2 || len(st.View.Neurons[0]) != 4 || len(st.View.Neurons[0][0]) != NeuronGrid*NeuronGrid {
		t.Errorf("neuron grids: %d layers", n)
	}
	code, file := c.do("GET", "/api/sessions/"+st.ID+"/model", nil, nil)
	if code != 200 {
		t.Fatalf("export: %d %s", code, file)
	}
	m, err := model.Decode(bytes.NewReader(file), "export.json")
	if err != nil {
		t.Fatal(err)
	}
	xor := datasets.XOR()
	got, _, err := m.PredictClasses(xor.X)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if g != xor.Class(i) {
			t.Errorf("exported model: XOR sample %d is class %d, want %d", i, g, xor.Class(i))
		}
	}
}

func TestDeterminism(t *testing.T) {
	_, c := newTestServer(t, Options{})
	st := xorDefaults()
	st.Dataset, st.Hidden = "moons", []Layer{{5, "relu"}, {3, "tanh"}}
	a := c.step(c.create(st).ID, 40)
	b := c.create(st)
	for range 4 { // the same epochs in other chunks
		b = c.step(b.ID, 10)
	}
	if !reflect.DeepEqual(a.Layers, b.Layers) || !reflect.DeepEqual(a.History, b.History) {
		t.Error("two sessions with the same settings trained differently")
	}
	st.Seed = 2
	d := c.step(c.create(st).ID, 40)
	if reflect.DeepEqual(a.Layers, d.Layers) {
		t.Error("a different seed gave the same weights")
	}
}

func TestExplain(t *testing.T) {
	_, c := newTestServer(t, Options{})
	st := c.step(c.create(xorDefaults()).ID, 5)
	var e Explanation
	code, body := c.do("GET", "/api/sessions/"+st.ID+"/explain?layer=1&from=2&to=3&sample=4", nil, &e)
	if code != 200 {
		t.Fatalf("explain: %d %s", code, body)
	}
	n := e.Step.Layers[0].Neurons[2]
	w := n.Weights[1]
	chain := n.DErrorDActivation * *n.DActivationDSOP * w.DSOPDWeight
	if math.Abs(chain-w.Gradient) > 1e-12*math.Max(1, math.Abs(w.Gradient)) {
		t.Errorf("dE/da·da/dsop·dsop/dw = %v, gradient %v", chain, w.Gradient)
	}
	if want := w.Old - 0.03*w.Gradient; math.Abs(w.New-want) > 1e-12 {
		t.Errorf("new = %v, want old − lr·grad = %v", w.New, want)
	}
	if w.Old != float64(st.Layers[0].Weights[1][2]) && math.Abs(w.Old-float64(st.Layers[0].Weights[1][2])) > 1e-3*math.Abs(w.Old) {
		t.Errorf("explained weight %v is not the session's %v", w.Old, st.Layers[0].Weights[1][2])
	}
	for _, q := range []string{"layer=3", "layer=1&to=9", "layer=1&from=3", "sample=100000", "layer=x"} {
		if code, _ := c.do("GET", "/api/sessions/"+st.ID+"/explain?"+q, nil, nil); code != 400 {
			t.Errorf("explain?%s: %d, want 400", q, code)
		}
	}
	// Explaining does not train.
	after := c.step(st.ID, 0+1)
	if after.Epoch != 6 {
		t.Errorf("epoch after explain and one step = %d, want 6", after.Epoch)
	}
}

func TestUpload(t *testing.T) {
	_, c := newTestServer(t, Options{MaxUpload: 1 << 10})
	id := c.create(xorDefaults()).ID
	var csv strings.Builder
	csv.WriteString("height,width,kind\n")
	for i := range 40 {
		fmt.Fprintf(&csv, "%d,%d,%s\n", i, 40-i, map[bool]string{true: "tall", false: "wide"}[i > 20])
	}
	var st State
	code, body := c.do("POST", "/api/sessions/"+id+"/data?name=shapes.csv", strings.NewReader(csv.String()), &st)
	if code != 200 {
		t.Fatalf("upload: %d %s", code, body)
	}
	if st.Settings.Dataset != DatasetCSV || st.Upload != "shapes.csv" || !reflect.DeepEqual(st.ClassNames, []string{"tall", "wide"}) || st.View == nil {
		t.Errorf("after upload: dataset %q, upload %q, classes %q", st.Settings.Dataset, st.Upload, st.ClassNames)
	}
	st = *c.step(id, 100)
	if float64(st.TrainAcc) < 0.9 {
		t.Errorf("uploaded data: training accuracy %v after 100 epochs", st.TrainAcc)
	}
	code, file := c.do("GET", "/api/sessions/"+id+"/model", nil, nil)
	m, err := model.Decode(bytes.NewReader(file), "m.json")
	if code != 200 || err != nil || m.Schema == nil || m.Scaler == nil {
		t.Errorf("export after upload: %d %v, schema %v", code, err, m)
	}

	for _, tc := range []struct{ body, want string }{
		{"a,b,c\n1,2,x\n3,zz,y\n", `line 3, column \"b\" (2)`},
		{"", "empty"},
		{"a,b\n1,2\n", "at least 2"},
		{strings.Repeat("1,2,3\n", 400), "larger than the playground's limit of 1 KiB"},
	} {
		code, body := c.do("POST", "/api/sessions/"+id+"/data?name=bad.csv", strings.NewReader(tc.body), nil)
		if code < 400 || !strings.Contains(string(body), tc.want) {
			t.Errorf("upload %.20q: %d %s, want an error containing %q", tc.body, code, body, tc.want)
		}
	}
	// A failed upload keeps the good one.
	if code, _ := c.do("PUT", "/api/sessions/"+id, jsonBody(map[string]any{"settings": st.Settings}), nil); code != 200 {
		t.Errorf("reset with the earlier upload: %d", code)
	}
}

func TestLimits(t *testing.T) {
	now := time.Unix(1e9, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s, c := newTestServer(t, Options{MaxSessions: 2, IdleTimeout: time.Minute, Now: clock})

	a := c.create(xorDefaults())
	c.create(xorDefaults())
	if code, body := c.do("POST", "/api/sessions", nil, nil); code != http.StatusServiceUnavailable || !strings.Contains(string(body), "already runs 2 sessions") {
		t.Errorf("third session: %d %s", code, body)
	}
	big := xorDefaults()
	big.Hidden = []Layer{{Units: 100}}
	if code, body := c.do("PUT", "/api/sessions/"+a.ID, jsonBody(map[string]any{"settings": big}), nil); code != 400 || !strings.Contains(string(body), "between 1 and 8 neurons") {
		t.Errorf("too big a network: %d %s", code, body)
	}
	// A is used 50 s later, B is not: after 70 s only A lives.
	advance(50 * time.Second)
	c.step(a.ID, 1)
	advance(20 * time.Second)
	s.Expire()
	if n := s.Sessions(); n != 1 {
		t.Errorf("%d sessions after expiry, want 1", n)
	}
	if code, _ := c.do("GET", "/api/sessions/"+a.ID+"/state", nil, nil); code != 200 {
		t.Errorf("session in use expired: %d", code)
	}
	c.create(xorDefaults()) // room again
	advance(2 * time.Minute)
	if code, body := c.do("GET", "/api/sessions/"+a.ID+"/state", nil, nil); code != 404 || !strings.Contains(string(body), "expired") {
		t.Errorf("idle session: %d %s, want 404", code, body)
	}
	if code, _ := c.do("POST", "/api/sessions", bytes.NewReader(bytes.Repeat([]byte("x"), maxSettingsBody+1)), nil); code != 400 {
		t.Errorf("huge settings body: %d, want 400", code)
	}
	if code, _ := c.do("POST", "/api/sessions", jsonBody(map[string]any{"share": "lr=abc"}), nil); code != 400 {
		t.Errorf("bad share link: %d, want 400", code)
	}
}

// waitIdle polls a session's state until it stops running.
func (c *client) waitIdle(id string, timeout time.Duration) *State {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var st State
		if code, body := c.do("GET", "/api/sessions/"+id+"/state", nil, &st); code != 200 {
			c.t.Fatalf("state: %d %s", code, body)
		}
		if !st.Running {
			return &st
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("session still running at epoch %d after %v", st.Epoch, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRunPause(t *testing.T) {
	_, c := newTestServer(t, Options{Tick: time.Millisecond})
	id := c.create(xorDefaults()).ID
	var st State
	if code, body := c.do("POST", "/api/sessions/"+id+"/run?until=120&speed=7", nil, &st); code != 200 || !st.Running {
		t.Fatalf("run: %d %s", code, body)
	}
	if got := c.waitIdle(id, time.Minute); got.Epoch != 120 { // a minute: generous on a loaded machine
		t.Errorf("run?until=120 stopped at epoch %d", got.Epoch)
	}
	c.do("POST", "/api/sessions/"+id+"/run?speed=1", nil, &st)
	time.Sleep(20 * time.Millisecond)
	c.do("POST", "/api/sessions/"+id+"/pause", nil, &st)
	e := st.Epoch
	time.Sleep(20 * time.Millisecond)
	c.do("GET", "/api/sessions/"+id+"/state", nil, &st)
	if st.Running || st.Epoch != e {
		t.Errorf("after pause: running %v, epoch %d then %d", st.Running, e, st.Epoch)
	}
	for _, q := range []string{"speed=0", "speed=1000", "until=-1"} {
		if code, _ := c.do("POST", "/api/sessions/"+id+"/run?"+q, nil, nil); code != 400 {
			t.Errorf("run?%s: %d, want 400", q, code)
		}
	}
	if code, _ := c.do("DELETE", "/api/sessions/"+id, nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
}

func TestDatasets(t *testing.T) {
	_, c := newTestServer(t, Options{})
	for _, name := range []string{"circles", "spiral", "blobs", "linear", "sin", "point"} {
		st := xorDefaults()
		st.Dataset = name
		if name == "point" {
			st.Hidden, st.Loss, st.Output, st.Optimizer, st.LearningRate, st.Bias, st.TestRatio = nil, "squared_error", "sigmoid", "gd", 0.5, false, 0
		}
		s := c.step(c.create(st).ID, 3)
		if s.View == nil || len(s.Layers) != len(st.Hidden)+1 || !finite(float64(s.TrainLoss)) {
			t.Errorf("%s: view %v, %d layers, loss %v", name, s.View != nil, len(s.Layers), s.TrainLoss)
		}
		if name == "blobs" && len(s.View.Class) != BoundaryGrid*BoundaryGrid {
			t.Errorf("blobs: %d class cells", len(s.View.Class))
		}
		if name == "point" && (s.TrainSize != 1 || len(s.Layers[0].Weights) != 1) {
			t.Errorf("point: %d samples, %d inputs", s.TrainSize, len(s.Layers[0].Weights))
		}
	}
	// A link without hidden layers gives the page a list, not null (the
	// page failed on null).
	_, body := c.do("POST", "/api/sessions", jsonBody(map[string]any{"share": "data=point&hidden="}), nil)
	if !bytes.Contains(body, []byte(`"hidden":[]`)) {
		t.Errorf("settings without hidden layers: %.300s", body)
	}
	st := xorDefaults()
	st.Loss = "bce"
	st.Dataset = "blobs"
	if code, body := c.do("POST", "/api/sessions", jsonBody(map[string]any{"settings": st}), nil); code != 400 || !strings.Contains(string(body), "two classes") {
		t.Errorf("bce on three classes: %d %s", code, body)
	}
}

// TestEndedSessionStaysStopped covers a request that found a session just
// before it expired: starting it afterwards must not train an orphan.
func TestEndedSessionStaysStopped(t *testing.T) {
	s := &session{}
	if err := s.reset(xorDefaults()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	s.mu.Lock()
	s.end()
	s.start(&trainer{ctx: t.Context(), wg: &wg, tick: time.Millisecond, now: time.Now, pauseAfter: time.Minute, slots: make(chan struct{}, 1)}, 0, 1)
	running := s.running
	s.mu.Unlock()
	wg.Wait()
	if running {
		t.Error("an ended session started training")
	}
}
