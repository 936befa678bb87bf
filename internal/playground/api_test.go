package playground

import (
	"encoding/json"
	"math"
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// do sends one call to c and decodes a JSON reply into v (when v is not
// nil), failing the test on another status than want.
func do(t *testing.T, c *Core, call Call, want int, v any) Reply {
	t.Helper()
	rep := c.Do(call)
	if rep.Status != want {
		t.Fatalf("%s %s: %d %s, want %d", call.Method, call.Path, rep.Status, rep.Body, want)
	}
	if v != nil {
		if err := json.Unmarshal(rep.Body, v); err != nil {
			t.Fatalf("%s %s: %v in %s", call.Method, call.Path, err, rep.Body)
		}
	}
	return rep
}

// TestCoreDo drives a session through every endpoint of Core.Do, as the
// WebAssembly worker does, without HTTP.
func TestCoreDo(t *testing.T) {
	c := NewCore(Options{})
	defer c.Close()
	var st struct {
		ID       string   `json:"id"`
		Epoch    int      `json:"epoch"`
		Settings Settings `json:"settings"`
	}
	do(t, c, Call{Method: "POST", Path: "/api/sessions", Body: []byte(`{"settings":{"dataset":"moons","seed":4,"hidden":[{"units":3}]}}`)}, 201, &st)
	if st.ID == "" || st.Settings.Dataset != "moons" || st.Settings.Seed != 4 {
		t.Fatalf("create: %+v", st)
	}
	base := "/api/sessions/" + st.ID
	do(t, c, Call{Method: "POST", Path: base + "/step", Query: url.Values{"epochs": {"3"}}}, 200, &st)
	if st.Epoch != 3 {
		t.Errorf("after step?epochs=3: epoch %d", st.Epoch)
	}
	do(t, c, Call{Method: "GET", Path: base + "/state", Query: url.Values{"points": {"1"}}}, 200, &st)
	do(t, c, Call{Method: "GET", Path: base + "/explain", Query: url.Values{"layer": {"1"}, "from": {"1"}, "to": {"1"}}}, 200, nil)
	model := do(t, c, Call{Method: "GET", Path: base + "/model"}, 200, nil)
	if model.Filename != "descent-moons-epoch3.json" || !strings.Contains(string(model.Body), `"params"`) {
		t.Errorf("model: %q, %.60s", model.Filename, model.Body)
	}
	do(t, c, Call{Method: "POST", Path: base + "/data", Query: url.Values{"name": {"t.csv"}}, Body: []byte("a,b,y\n1,2,0\n2,1,1\n3,3,0\n0,1,1\n")}, 200, &st)
	if st.Settings.Dataset != DatasetCSV {
		t.Errorf("after an upload the dataset is %q", st.Settings.Dataset)
	}
	do(t, c, Call{Method: "PUT", Path: base, Body: []byte(`{"settings":{"dataset":"xor"}}`)}, 200, &st)
	do(t, c, Call{Method: "POST", Path: base + "/run", Query: url.Values{"speed": {"50"}}}, 200, nil)
	do(t, c, Call{Method: "POST", Path: base + "/pause"}, 200, nil)
	if rep := do(t, c, Call{Method: "DELETE", Path: base}, 204, nil); len(rep.Body) != 0 {
		t.Errorf("delete replied %q, want no body", rep.Body)
	}
	if n := c.Sessions(); n != 0 {
		t.Errorf("%d sessions after delete", n)
	}
}

// TestCoreDoErrors checks the replies to calls that cannot be answered:
// each has its status and a message in {"error": ...}.
func TestCoreDoErrors(t *testing.T) {
	c := NewCore(Options{MaxUpload: 10})
	defer c.Close()
	var st struct{ ID string }
	do(t, c, Call{Method: "POST", Path: "/api/sessions"}, 201, &st)
	base := "/api/sessions/" + st.ID
	for _, tc := range []struct {
		call   Call
		status int
		want   string
	}{
		{Call{Method: "GET", Path: "/api/nothing"}, 404, "no such API path"},
		{Call{Method: "GET", Path: "/api/sessions/"}, 404, "no such API path"},
		{Call{Method: "GET", Path: base + "/state/extra"}, 404, "no such API path"},
		{Call{Method: "GET", Path: base + "/nope"}, 404, "no such API path"},
		{Call{Method: "GET", Path: "/api/sessions"}, 405, "GET is not allowed"},
		{Call{Method: "POST", Path: base + "/state"}, 405, "POST is not allowed"},
		{Call{Method: "GET", Path: "/api/sessions/unknown/state"}, 404, "no such session"},
		{Call{Method: "POST", Path: "/api/sessions", Body: []byte(`{"settings":`)}, 400, "bad settings"},
		{Call{Method: "POST", Path: "/api/sessions", Body: []byte(`{"settings":{"samples":1}}`)}, 400, "samples must be"},
		{Call{Method: "POST", Path: base + "/run", Query: url.Values{"speed": {"51"}}}, 400, "speed must be a whole number from 1 to 50"},
		{Call{Method: "POST", Path: base + "/data", Body: []byte("a,y\n1,0\n2,1\n")}, 413, "larger than the playground's limit of 10 bytes"},
		{Call{Method: "POST", Path: base + "/data", Body: []byte("a,y\n")}, 400, ""},
	} {
		rep := c.Do(tc.call)
		var e apiError
		if rep.Status != tc.status || json.Unmarshal(rep.Body, &e) != nil || e.Error == "" || !strings.Contains(e.Error, tc.want) {
			t.Errorf("%s %s: %d %s, want %d with %q", tc.call.Method, tc.call.Path, rep.Status, rep.Body, tc.status, tc.want)
		}
	}
}

// TestCoreSameSeedSameBits trains the same settings on two cores: the
// weights agree bit for bit, which the browser test relies on when it
// compares the WebAssembly build with the server.
func TestCoreSameSeedSameBits(t *testing.T) {
	params := func() []float64 {
		c := NewCore(Options{})
		defer c.Close()
		var st struct{ ID string }
		do(t, c, Call{Method: "POST", Path: "/api/sessions", Body: []byte(`{"settings":{"dataset":"spiral","seed":9,"hidden":[{"units":8},{"units":6,"activation":"relu"}],"batch_size":16}}`)}, 201, &st)
		do(t, c, Call{Method: "POST", Path: "/api/sessions/" + st.ID + "/step", Query: url.Values{"epochs": {"20"}}}, 200, nil)
		var m struct {
			Params []struct{ Values []float64 }
		}
		do(t, c, Call{Method: "GET", Path: "/api/sessions/" + st.ID + "/model"}, 200, &m)
		var out []float64
		for _, p := range m.Params {
			out = append(out, p.Values...)
		}
		return out
	}
	a, b := params(), params()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d and %d parameters", len(a), len(b))
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("parameter %d: %v and %v", i, a[i], b[i])
		}
	}
}

// TestWasmImportsNoHTTP keeps the WebAssembly engine small: it must not
// link net/http (the server's files are built only outside js/wasm), the
// CLI or the plot libraries.
func TestWasmImportsNoHTTP(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./wasm")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net/http", dep == "html/template", strings.HasPrefix(dep, "gonum.org/v1/plot"), strings.HasSuffix(dep, "/internal/cli"):
			t.Errorf("the WebAssembly engine links %s", dep)
		}
	}
}
