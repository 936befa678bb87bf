package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/descent-ml/descent/internal/playground"
)

// maxSiteGzip is issue 15's budget for the whole static site, gzipped.
const maxSiteGzip = 3 << 20

// newBrowser starts headless Chromium for a test, failing in CI when it
// is missing, and returns a context bounded by timeout.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	bin := needChromium(t)
	opts := browserOptions(t, bin, 1400, 900)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

// TestPlaygroundStaticSite exports the static site, serves it with a
// plain file server and, in headless Chromium, trains XOR from a share
// link with run=1 until the title reports 100% test accuracy. It checks
// the title's progress format, that a link with bad parameters applies the
// good ones and names the bad, that a link pasted into the open tab
// applies, that the export link saves a model, and that the browser's
// weights after 30 epochs match the server's (the same Go code, pure Go
// kernels in WebAssembly against assembly ones here) within rounding.
func TestPlaygroundStaticSite(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := t.TempDir()
	var stdout strings.Builder
	if err := Run([]string{"playground", "-export-site", dir}, nil, &stdout, io.Discard); err != nil {
		t.Fatalf("playground -export-site: %v", err)
	}
	t.Log(strings.TrimSpace(stdout.String()))
	raw, gz, err := playground.SiteSize(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("site: %d bytes, %d gzipped", raw, gz)
	if gz > maxSiteGzip {
		t.Errorf("the site is %d bytes gzipped, over the budget of %d", gz, maxSiteGzip)
	}
	ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer ts.Close()

	ctx := newBrowser(t, browserTimeout(t))
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	title := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`))
		if err != nil {
			t.Fatalf("reading the title: %v", err)
		}
		return s
	}

	// No test set noise: XOR's quadrants are then separable, and Adam at
	// 0.03 with 4,4 tanh reaches 100% within a few hundred epochs.
	link := "#dataset=xor&noise=0&samples=200&seed=3&layers=4,4&act=tanh,tanh&optimizer=adam&lr=0.03&batch_size=10&run=1"
	opened := time.Now()
	do("open the site with a share link", chromedp.Navigate(ts.URL+"/"+link))
	progress := regexp.MustCompile(`^epoch [0-9,]+ · test accuracy [0-9]+(\.[0-9])?%$`)
	var first time.Duration
	for {
		s := title()
		if strings.HasPrefix(s, "epoch ") {
			if first == 0 {
				first = time.Since(opened)
				t.Logf("first title with progress after %v: %q", first.Round(time.Millisecond), s)
			}
			if !progress.MatchString(s) {
				t.Fatalf("title %q, want %q", s, progress)
			}
			if strings.HasSuffix(s, "test accuracy 100%") {
				t.Logf("reached %q after %v", s, time.Since(opened).Round(time.Millisecond))
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("title still %q: %v", s, ctx.Err())
		}
		time.Sleep(20 * time.Millisecond)
	}
	restored, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify([app.settings.seed, app.settings.learning_rate, app.settings.hidden.map(l => l.units + l.activation).join(), app.settings.noise])`))
	if err != nil || restored != `[3,0.03,"4tanh,4tanh",0]` {
		t.Errorf("settings from the link: %s (%v)", restored, err)
	}
	do("pause", chromedp.Click(chromedp.ID(`run`)), waitJS(`!app.running && !app.state.running && !app.polling`))

	// A link pasted into the open tab applies; its bad parameters are
	// named and ignored, the good ones kept.
	do("paste a link with bad parameters",
		chromedp.Evaluate[chromedp.Void](`location.hash = "#dataset=circles&lr=abc&layers=3&samples=99999&colour=red&seed=11"; undefined`),
		waitJS(`app.settings.dataset === "circles" && app.settings.seed === 11 && !document.getElementById("banner").hidden`),
	)
	banner, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID(`banner`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lr=abc", "samples=99999", "colour=red"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner %q does not name %s", banner, want)
		}
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify([app.settings.learning_rate === cfg.defaults.learning_rate, app.settings.samples === cfg.defaults.samples, app.settings.hidden.length, app.settings.hidden[0].units])`))
	if err != nil || got != `[true,true,1,3]` {
		t.Errorf("after the bad link: default lr, default samples, layers, units = %s (%v), want [true,true,1,3]", got, err)
	}

	// A click on an empty link (href="#") is no new link: the page's
	// hashchange handler, which runs before the test's, sends nothing (a
	// link's first request leaves before its first await).
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const orig = api;
		let calls = 0;
		api = (...args) => { calls++; return orig(...args); };
		await new Promise((r) => { window.addEventListener("hashchange", r, {once: true}); location.hash = ""; });
		api = orig;
		return calls + " " + app.settings.dataset + " " + app.settings.seed;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || kept != "0 circles 11" {
		t.Errorf("after an empty fragment: %q (%v), want 0 requests and circles 11 kept", kept, err)
	}

	// At 50 epochs per frame the page still draws: training is in the
	// worker. The longest gap between animation frames is logged, not
	// asserted (no timing assertions in tests).
	gap, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(async () => {
		document.getElementById("speed").value = "50";
		await action("/run?speed=50");
		let last = performance.now(), worst = 0;
		const end = last + 2000;
		while (performance.now() < end) {
			await new Promise((r) => requestAnimationFrame(r));
			const now = performance.now();
			worst = Math.max(worst, now - last);
			last = now;
		}
		await action("/pause");
		return worst;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running at 50 epochs per frame: %v", err)
	}
	t.Logf("at 50 epochs per frame, the longest gap between animation frames over 2 s was %.0f ms", gap)
	do("the page stops polling", waitJS(`!app.running && !app.polling`))

	// Another client of the API gives the running session another network
	// (a poll brings the page a state whose layers its settings do not
	// describe): the page draws it and keeps its session. It used to take
	// the TypeError this drawing threw for a lost server and start a new
	// session with its old settings.
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		await action("/run?speed=1");
		const s = structuredClone(app.settings);
		s.hidden = [{units: 5, activation: "relu"}, {units: 3, activation: "tanh"}];
		await api("PUT", "/api/sessions/" + app.id, {settings: s});
		return app.id;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("changing the network outside the page: %v", err)
	}
	do("the page draws the new network",
		waitJS(`!app.polling && app.state.layers.length === 3 && document.querySelectorAll("#columns .col").length === 4 && app.settings.hidden.length === 2`))
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`app.id + " " + document.getElementById("banner").textContent`)); err != nil || !strings.HasPrefix(got, id+" ") || strings.Contains(got, "restarted") {
		t.Errorf("after a change made outside the page, its session and banner are %q (%v), want session %s and no restart", got, err, id)
	}

	// The browser and the server train the same run, in a session of the
	// test's own: compare the weights.
	settings := `{"dataset":"spiral","samples":300,"noise":0.1,"test_ratio":0.2,"seed":5,"hidden":[{"units":8,"activation":"tanh"},{"units":6,"activation":"relu"}],"bias":true,"optimizer":"adam","learning_rate":0.01,"batch_size":16,"l2":0.001}`
	models, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
		const id = (await api("POST", "/api/sessions", {settings: `+settings+`})).id;
		const start = JSON.stringify(await api("GET", "/api/sessions/" + id + "/model"));
		await api("POST", "/api/sessions/" + id + "/step?epochs=30");
		const end = JSON.stringify(await api("GET", "/api/sessions/" + id + "/model"));
		await api("DELETE", "/api/sessions/" + id);
		return [start, end];
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || len(models) != 2 {
		t.Fatalf("training in the browser: %v", err)
	}
	// The data, the split and the starting weights use no arithmetic that
	// differs: they are the same bits.
	browser, server := modelParams(t, []byte(models[0])), modelParams(t, serverModel(t, settings, 0))
	for i := range server {
		if i >= len(browser) || math.Float64bits(browser[i]) != math.Float64bits(server[i]) {
			t.Fatalf("starting weight %d: browser %v, server %v, want the same bits", i, browser[min(i, len(browser)-1)], server[i])
		}
	}
	compareParams(t, modelParams(t, []byte(models[1])), modelParams(t, serverModel(t, settings, 30)))

	do("export the model",
		chromedp.Evaluate[chromedp.Void](`window.saved = null; URL.createObjectURL = ((orig) => (b) => { window.saved = b; return orig(b); })(URL.createObjectURL); document.getElementById("export").click(); undefined`),
		waitJS(`window.saved && window.saved.size > 0`),
	)
}

// serverModel trains settings for epochs (0: none) on a Core, as the
// server does, and returns the exported model.
func serverModel(t *testing.T, settings string, epochs int) []byte {
	t.Helper()
	c := playground.NewCore(playground.Options{})
	defer c.Close()
	rep := c.Do(playground.Call{Method: "POST", Path: "/api/sessions", Body: []byte(`{"settings":` + settings + `}`)})
	var st struct{ ID string }
	if err := json.Unmarshal(rep.Body, &st); rep.Status != 201 || err != nil {
		t.Fatalf("create: %d %s", rep.Status, rep.Body)
	}
	base := "/api/sessions/" + st.ID
	if epochs > 0 {
		if rep := c.Do(playground.Call{Method: "POST", Path: base + "/step", Query: url.Values{"epochs": {fmt.Sprint(epochs)}}}); rep.Status != 200 {
			t.Fatalf("step: %d %s", rep.Status, rep.Body)
		}
	}
	rep = c.Do(playground.Call{Method: "GET", Path: base + "/model"})
	if rep.Status != 200 {
		t.Fatalf("model: %d %s", rep.Status, rep.Body)
	}
	return rep.Body
}

// modelParams reads every parameter value of a model file, in order.
func modelParams(t *testing.T, b []byte) []float64 {
	t.Helper()
	var m struct {
		Params []struct {
			Values []float64 `json:"values"`
		} `json:"params"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("reading a model: %v", err)
	}
	var out []float64
	for _, p := range m.Params {
		out = append(out, p.Values...)
	}
	return out
}

// compareParams checks that the browser's weights after training are the
// server's up to rounding. They are not all the same bits: on amd64 the
// server's matrix products and Adam steps use descent's AVX2 FMA kernels
// (a fused multiply-add rounds once, WebAssembly's separate multiply and
// add twice), and Go's math.Exp and math.Log (tanh, sigmoid, softmax, the
// loss) are assembly there and pure Go in WebAssembly; each is within an
// ulp, and the differences grow a little with training.
func compareParams(t *testing.T, browser, server []float64) {
	t.Helper()
	if len(browser) != len(server) || len(server) == 0 {
		t.Fatalf("browser model has %d parameters, server %d", len(browser), len(server))
	}
	same, worst := 0, 0.0
	for i := range server {
		if math.Float64bits(browser[i]) == math.Float64bits(server[i]) {
			same++
			continue
		}
		worst = max(worst, math.Abs(browser[i]-server[i])/max(math.Abs(server[i]), 1e-3))
	}
	t.Logf("weights after training, browser against server: %d of %d bit-identical, largest relative difference %.3g", same, len(server), worst)
	// 1e-6 is far above rounding differences after 30 epochs (about
	// 1e-13) and far below any difference in what was computed.
	if worst > 1e-6 {
		t.Errorf("browser and server weights differ by up to %.3g (relative), more than rounding", worst)
	}
}

// TestPlaygroundServerLink opens a share link with run=1 on the server's
// page: training starts, the title shows the progress, and the link the
// page writes for its settings reads back to the same settings.
func TestPlaygroundServerLink(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	pg := playground.New(playground.Options{})
	ts := httptest.NewServer(pg)
	defer ts.Close()
	defer pg.Close()
	ctx := newBrowser(t, browserTimeout(t))
	link := "#dataset=xor&noise=0&seed=3&layers=4,4&act=tanh,relu&lr=0.03&batch_size=10&run=1"
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"+link),
		waitJS(`/^epoch [0-9,]+ · test accuracy 100%$/.test(document.title)`),
	); err != nil {
		t.Fatalf("training from a link on the server: %v", err)
	}
	// Every field of the settings survives a round trip through a link.
	same, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const s = structuredClone(app.settings);
		s.seed = 12345; s.learning_rate = 0.003; s.bias = false; s.test_ratio = 0.25;
		if ("dropout" in cfg.defaults || cfg.setting_fields.some((f) => f.name === "dropout")) s.dropout = 0.1;
		if (cfg.setting_fields.some((f) => f.name === "features")) s.features = ["x1", "x2", "x1x2"];
		const h = shareHash(s, cfg.setting_fields, true);
		const p = parseShare("#" + h, cfg.setting_fields);
		const back = applyChanges(cfg.defaults, p.changes);
		const canon = (o) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
		return [canon(back) === canon(s), p.run, p.problems.length, h].join(" ");
	})()`))
	if err != nil || !strings.HasPrefix(same, "true true 0 ") {
		t.Errorf("link round trip: %q (%v), want the same settings, run, no problems", same, err)
	}
	t.Logf("a link: %s", same[strings.LastIndex(same, " ")+1:])

	// A link's layers take descent train's -layers syntax, as far as the
	// playground's networks go (issue 14): dense:N[:ACT] and dropout:P.
	for _, tc := range []struct{ hash, want string }{
		{"layers=dense:6:relu,dropout:0.2,4&act=tanh", `[{"units":6,"activation":"relu"},{"units":4,"activation":"tanh"}] 0.2 0`},
		{"layers=8,Dropout:0.1,dense:3,dropout:0.3", `[{"units":8,"activation":"tanh"},{"units":3,"activation":"tanh"}] 0.3 1`},
		{"layers=conv:8:3,4&lr=0.1", `unchanged 0 1 layers=conv:8:3,4: conv layers are for descent train`},
	} {
		js := fmt.Sprintf(`(() => {
			const p = parseShare("#" + %s, cfg.setting_fields);
			const base = structuredClone(cfg.defaults); base.dropout = 0;
			const s = applyChanges(base, p.changes);
			const layers = JSON.stringify(s.hidden) === JSON.stringify(base.hidden) ? "unchanged" : JSON.stringify(s.hidden.map((l) => ({units: l.units, activation: l.activation})));
			return [layers, s.dropout, p.problems.length, p.problems.join("; ")].join(" ");
		})()`, strconv.Quote(tc.hash))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil || !strings.HasPrefix(got, tc.want) {
			t.Errorf("link %q: got %q (%v), want it to start %q", tc.hash, got, err, tc.want)
		}
	}
}
