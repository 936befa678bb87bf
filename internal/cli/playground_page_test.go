package cli

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/descent-ml/descent/internal/playground"
)

// pageBrowser starts headless Chromium with a w×h window for a test,
// failing in CI when it is missing, and returns a context bounded by
// timeout.
func pageBrowser(t *testing.T, w, h int, timeout time.Duration) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bin := needChromium(t)
	opts := browserOptions(t, bin, w, h)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	// Start the browser on a context without a deadline (a deadline on the
	// first Run would bound the browser's life), then bound the test.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

// restartable is a playground server on a fixed loopback address that a
// test can stop and start again, as a user restarts `descent playground`.
type restartable struct {
	addr string
	pg   *playground.Server
	srv  *http.Server
	done chan struct{}
}

func (r *restartable) start(t *testing.T) {
	t.Helper()
	addr := r.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for range 50 { // the old socket may linger a moment
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.pg = playground.New(playground.Options{})
	r.srv = &http.Server{Handler: r.pg}
	r.done = make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}(r.srv, r.done)
}

func (r *restartable) stop() {
	r.srv.Close()
	<-r.done
	r.pg.Close()
}

// TestPlaygroundPage drives the page's TensorFlow-Playground features, its
// chain-rule panel and its recovery from a server restart in headless
// Chromium at 1400×900, then checks the phone layout at 400×800.
func TestPlaygroundPage(t *testing.T) {
	ctx := pageBrowser(t, 1400, 900, browserTimeout(t))
	srv := &restartable{}
	srv.start(t)
	defer func() { srv.stop() }()
	url := "http://" + srv.addr + "/"

	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			// What the page showed, to tell a slow machine from a bug.
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({banner: document.getElementById("banner").textContent, running: app.running, recovering: app.recovering, epoch: app.state && app.state.epoch, settings: app.settings, explain: document.getElementById("explain-title").textContent})`))
			t.Fatalf("%s: %v\npage: %s", what, err, page)
		}
	}
	eval := func(what, js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	// change sets a select or checkbox as a person does and fires change.
	change := func(id, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const e = document.getElementById(` + jsString(id) + `); e.value = ` + jsString(value) + `; e.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	}
	epoch := `parseInt(document.getElementById("epoch").textContent.replace(/,/g, ""))`
	// frames waits for two animation frames: the resize and scroll
	// handlers have run and the page has been laid out and drawn.
	frames := chromedp.Evaluate[chromedp.Void](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())))`, chromedp.EvalAwaitPromise)

	do("open the page",
		chromedp.EmulateViewport(1400, 900), // the window's frame would take some of a 1400×900 window
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`#columns .neuron`)),
		waitJS(`document.querySelector(".tile.selected") && document.querySelector(".tile.selected").dataset.name === "quadrants"`),
	)

	// The chain rule of an output weight shows p − y, and the prediction
	// as probabilities.
	do("open the chain rule of an output weight",
		waitJS(`document.querySelector('#edges .hit[data-layer="3"][data-from="1"][data-to="1"]')`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#edges .hit[data-layer="3"][data-from="1"][data-to="1"]').dispatchEvent(new MouseEvent("click", {bubbles: true})); undefined`),
		waitJS(`document.getElementById("explain-title").textContent.includes("epoch 0") && document.querySelector("#explain-body .factor.result")`),
	)
	syms := eval("reading the factors", `[...document.querySelectorAll("#explain-body .factor .sym")].map(e => e.textContent).join(" | ")`)
	if !strings.Contains(syms, "dE/dsop = p − y") {
		t.Errorf("output weight's chain rule shows %q, want dE/dsop = p − y", syms)
	}
	why := eval("reading the p − y numbers", `document.querySelector("#explain-body .factor .why").textContent`)
	if !strings.Contains(why, "softmax + cross-entropy: ") || !strings.Contains(why, " − ") {
		t.Errorf("p − y factor explains %q, want the softmax + cross-entropy numbers", why)
	}
	rows := eval("reading the forward rows", `document.querySelector("#explain-body .rows").textContent`)
	if !strings.Contains(rows, "prediction p") || !strings.Contains(rows, "softmax → p") {
		t.Errorf("forward rows %q, want the prediction as probabilities", rows)
	}

	// Step and → refresh the open panel.
	do("step", chromedp.Click(chromedp.ID(`step`)), waitJS(`document.getElementById("explain-title").textContent.includes("epoch 1")`))
	do("press →",
		chromedp.Evaluate[chromedp.Void](`document.body.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowRight", bubbles: true})); undefined`),
		waitJS(`document.getElementById("explain-title").textContent.includes("epoch 2")`),
	)
	// The sample index stays within the training set.
	do("ask for a sample beyond the data",
		change("sample", "100000"),
		waitJS(`+document.getElementById("sample").value === app.state.train_size - 1 && document.getElementById("sample-range").textContent === "0–" + (app.state.train_size - 1)`),
	)

	// L1, a feature cross and dropout go to the session.
	do("choose L1 and x1²",
		change("l1", "0.001"),
		waitJS(`app.state.settings.l1 === 0.001`),
		chromedp.Evaluate[chromedp.Void](`(() => { const c = document.querySelector('#features input[value="x1sq"]'); c.checked = true; c.dispatchEvent(new Event("change", {bubbles: true})); })()`),
		waitJS(`document.querySelectorAll("#columns .neuron.input").length === 3 && [...document.querySelectorAll("#columns .feature")].map(e => e.textContent).join() === "x1,x2,x1²"`),
	)

	do("choose dropout",
		change("dropout", "0.2"),
		waitJS(`app.state.settings.dropout === 0.2 && app.state.layers.length === 3`),
		change("dropout", "0"),
		waitJS(`!app.state.settings.dropout`),
	)

	// The learning rate changes while training goes on.
	do("run", chromedp.Click(chromedp.ID(`run`)), waitJS(epoch+` >= 30`))
	before, err := chromedp.Run(ctx, chromedp.Evaluate[float64](epoch))
	if err != nil {
		t.Fatal(err)
	}
	do("change the learning rate while running",
		change("lr", "0.01"),
		waitJS(`app.state.settings.learning_rate === 0.01 && app.running`),
	)
	after, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`app.state.epoch`))
	if err != nil {
		t.Fatal(err)
	}
	if after < before {
		t.Errorf("epoch %v after the learning-rate change, %v before: the run was reset", after, before)
	}
	do("training goes on", waitJS(epoch+` >= `+strconv.Itoa(int(after)+20)))

	// The server restarts: the page makes a new session with its settings,
	// says so, and trains on.
	srv.stop()
	srv.start(t)
	if err := chromedp.Do(ctx, waitJS(`document.getElementById("banner").textContent.includes("restarted") && app.running && app.state.epoch >= 5`)); err != nil {
		t.Fatalf("recover after a restart: %v; page: %s", err, eval("page state", `JSON.stringify([document.getElementById("banner").textContent, app.running, app.recovering, app.state.epoch, app.state.running])`))
	}
	got := eval("settings after the restart", `[app.state.settings.learning_rate, app.state.settings.l1, (app.state.settings.features || []).join("+")].join(" ")`)
	if got != "0.01 0.001 x1+x2+x1sq" {
		t.Errorf("settings after the restart: %q, want lr 0.01, L1 0.001, x1+x2+x1sq", got)
	}
	do("pause", chromedp.Click(chromedp.ID(`run`)), waitJS(`!app.running && !app.state.running && !app.polling`))
	// The open chain rule followed every epoch, up to the last.
	do("the chain rule shows the last epoch", waitJS(`document.getElementById("explain-title").textContent.endsWith("epoch " + app.state.epoch)`))

	// A neuron's map, large: hover with a mouse, tap with a finger.
	do("tap a hidden neuron",
		chromedp.Evaluate[chromedp.Void](`(() => { const n = document.querySelector('#columns .neuron[data-layer="1"][data-j="0"]'); n.dispatchEvent(new PointerEvent("pointerenter", {pointerType: "touch"})); n.dispatchEvent(new MouseEvent("click", {bubbles: true})); })()`),
		waitJS(`!document.getElementById("preview-label").hidden && document.getElementById("preview-label").textContent.startsWith("Hidden layer 1, neuron 1")`),
	)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, "playground-preview.png", png)
	do("tap it again", chromedp.Evaluate[chromedp.Void](`document.querySelector('#columns .neuron[data-layer="1"][data-j="0"]').dispatchEvent(new MouseEvent("click", {bubbles: true})); undefined`),
		waitJS(`document.getElementById("preview-label").hidden`))

	// Reset draws a new seed; Reset with the same seed keeps it.
	seed := eval("seed", `String(app.settings.seed)`)
	do("reset with the same seed", chromedp.Click(chromedp.ID(`reset-same`)), waitJS(`app.state.epoch === 0 && String(app.settings.seed) === `+jsString(seed)))
	do("reset", chromedp.Click(chromedp.ID(`reset`)), waitJS(`app.state.epoch === 0 && String(app.state.settings.seed) !== `+jsString(seed)))

	// A warning: most ReLUs dead after a far too large learning rate. A
	// fixed seed, as Reset drew a random one: with about 1 seed in 13 one
	// epoch leaves enough ReLUs alive for no warning.
	do("kill the ReLUs",
		change("seed", "1"),
		waitJS(`app.state.settings.seed === 1`),
		change("optimizer", "sgd"),
		waitJS(`app.state.settings.optimizer === "sgd"`),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#columns .col-head select").forEach(s => { s.value = "relu"; s.dispatchEvent(new Event("change", {bubbles: true})); }); undefined`),
		waitJS(`app.state.layers[0].activation === "relu"`),
		change("lr", "10"),
		waitJS(`app.state.settings.learning_rate === 10`),
		chromedp.Click(chromedp.ID(`step`)),
		waitJS(`app.state.epoch >= 1`),
	)
	if w := eval("warnings", `document.getElementById("warnings").hidden ? "" : document.getElementById("warnings").textContent`); w == "" && eval("diverged", `app.state.diverged || ""`) == "" {
		t.Errorf("no warning after SGD at learning rate 10 on ReLUs")
	}

	// Two changes, the second made while the first one's request is on
	// its way: the first one's reply must not undo the second (it used to
	// put the page's settings back to the server's, and the second change
	// was lost). The first PUT's reply is held back until the second
	// change is made.
	do("change the batch size, then L2 before the server answers",
		chromedp.Evaluate[chromedp.Void](`(() => {
			const orig = api;
			let held = false;
			window.releasePut = null;
			const gate = new Promise((r) => { window.releasePut = r; });
			api = async (method, ...args) => {
				const reply = orig(method, ...args);
				if (method === "PUT" && !held) { held = true; await gate; api = orig; }
				return reply;
			};
		})()`),
		change("batch", "32"),
		waitJS(`sending === 1`), // the first PUT is on its way
		change("l2", "0.003"),
		chromedp.Evaluate[chromedp.Void](`window.releasePut(); undefined`),
		waitJS(`resetTimer === null && sending === 0 && app.state.settings.batch_size === 32`),
	)
	if got := eval("settings after two quick changes", `app.state.settings.batch_size + " " + app.state.settings.l2`); got != "32 0.003" {
		t.Errorf("after two quick changes the server has batch size and L2 %q, want 32 0.003", got)
	}

	// CSV uploads: a semicolon-separated file is read and the page says
	// so; an error gives advice the page can follow, and stays in view.
	do("upload a semicolon-separated CSV",
		chromedp.Evaluate[chromedp.Void](`uploadFile(new File(["a;b;c\n1;2;x\n3;4;y\n5;1;x\n2;6;y\n0;3;x\n4;4;y\n"], "semi.csv")); undefined`),
		waitJS(`document.getElementById("upload-name").textContent === "Loaded: semi.csv (semicolon-separated)"`),
	)
	do("upload a CSV with a missing value",
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight); uploadFile(new File(["a,b,c\n1,,x\n3,4,y\n"], "gap.csv")); undefined`),
		waitJS(`!document.getElementById("upload-error").hidden`),
	)
	msg := eval("upload error", `document.getElementById("upload-error").textContent`)
	if strings.Contains(msg, "missing-value policy") || !strings.Contains(msg, `gap.csv line 2, column "b"`) || !strings.Contains(msg, "fill in or remove that row") {
		t.Errorf("upload error %q: want the line and column, and advice the page can follow", msg)
	}
	if v := eval("error in view", `(() => { const r = document.getElementById("upload-error").getBoundingClientRect(); return String(r.top >= 0 && r.bottom <= window.innerHeight); })()`); v != "true" {
		t.Error("the upload error is out of view")
	}

	// The phone layout: stacked, no sideways scrolling.
	do("back to the defaults", chromedp.Navigate("about:blank"), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#columns .neuron`)))
	do("open the chain rule", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#edges .hit")[3].dispatchEvent(new MouseEvent("click", {bubbles: true})); undefined`),
		waitJS(`document.querySelector("#explain-body .factor.result")`))
	do("train a little", chromedp.Click(chromedp.ID(`run`)), waitJS(epoch+` >= 150`), chromedp.Click(chromedp.ID(`run`)), waitJS(`!app.running && !app.state.running && !app.polling`))
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, "playground-1400.png", png)
	if png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, "playground-1400x900.png", png)

	do("a 400 px wide screen", chromedp.EmulateViewport(400, 800), waitJS(`window.innerWidth === 400`), frames)
	width, err := strconv.Atoi(eval("page width", `String(document.documentElement.scrollWidth)`))
	if err != nil || width > 400 {
		t.Errorf("at 400 px the page is %d px wide (%v): it scrolls sideways", width, err)
	}
	stacked := eval("layout", `(() => { const r = (s) => document.querySelector(s).getBoundingClientRect(); return String(r(".panel.data").bottom <= r(".panel.network").top && r(".panel.network").bottom <= r(".panel.output").top); })()`)
	if stacked != "true" {
		t.Error("at 400 px the data, network and output panels are not stacked")
	}
	wide := eval("elements wider than the screen", `[...document.querySelectorAll("body *")].filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > 401 || r.left < -1) && !e.closest(".net"); }).map(e => e.tagName + "#" + e.id + "." + e.className).slice(0, 5).join(", ")`)
	if wide != "" {
		t.Errorf("at 400 px these stick out of the screen: %s", wide)
	}
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, "playground-400.png", png)
	// What a phone shows: the top of the page, then the network and the
	// output further down.
	for _, shot := range []struct{ name, scroll string }{
		{"playground-400x800.png", `window.scrollTo(0, 0)`},
		{"playground-400x800-network.png", `document.querySelector(".panel.network").scrollIntoView()`},
		{"playground-400x800-output.png", `document.querySelector(".panel.output").scrollIntoView()`},
	} {
		do("scroll", chromedp.Evaluate[chromedp.Void](shot.scroll+`; undefined`), frames)
		if png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		saveScreenshot(t, shot.name, png)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
