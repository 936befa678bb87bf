package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/descent-ml/descent/internal/playground"
)

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		warn    bool
		wantErr bool
	}{
		{"127.0.0.1:8080", false, false},
		{"localhost:0", false, false},
		{"[::1]:8080", false, false},
		{"0.0.0.0:8080", true, false},
		{":8080", true, false},
		{"8080", false, true},
	} {
		var stderr bytes.Buffer
		err := checkAddr(&env{stderr: &stderr}, tc.addr)
		if (err != nil) != tc.wantErr {
			t.Errorf("checkAddr(%q) error = %v, want error %v", tc.addr, err, tc.wantErr)
		}
		if got := strings.Contains(stderr.String(), "warning"); got != tc.warn {
			t.Errorf("checkAddr(%q) warned %v (%q), want %v", tc.addr, got, stderr.String(), tc.warn)
		}
	}
}

func TestPlaygroundAllowedHosts(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		bound net.Addr
		want  []string // must be among the result
	}{
		{"127.0.0.1:0", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000}, []string{"127.0.0.1"}},
		{"box.lan:8080", &net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 8080}, []string{"box.lan", "192.168.1.5"}},
		{":8080", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, []string{"127.0.0.1"}}, // every interface's address
	} {
		got := allowedHosts(tc.addr, tc.bound)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("allowedHosts(%q, %v) = %q, want it to contain %q", tc.addr, tc.bound, got, w)
			}
		}
	}
}

func TestPlaygroundBadAddr(t *testing.T) {
	err := Run([]string{"playground", "-addr", "no-port"}, nil, io.Discard, io.Discard)
	if ExitCode(err, io.Discard) != 2 {
		t.Errorf("playground -addr no-port: %v, want a usage error", err)
	}
}

// TestServePlayground starts the command's server on a free loopback port,
// fetches the page and stops it through the context.
func TestServePlayground(t *testing.T) {
	ln, err := newLoopbackListener()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- servePlayground(ctx, &env{stdout: &stdout, stderr: io.Discard}, ln, nil) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(body, []byte("descent playground")) {
		t.Errorf("GET /: %d %.80q", res.StatusCode, body)
	}
	// A page on another site that rebinds its name to 127.0.0.1 is refused.
	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/api/sessions", nil)
	req.Host = "attacker.example:8080"
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Error(err)
	} else {
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST with Host attacker.example: %d, want 403", res.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if !strings.Contains(stdout.String(), "http://127.0.0.1:") {
		t.Errorf("stdout %q does not give the URL", stdout.String())
	}
}

// chromium returns the path of a Chromium binary, or "" when there is none.
func chromium() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestPlaygroundBrowser drives the page in headless Chromium: choose XOR,
// add a hidden layer, run until the test loss is low, open the chain rule
// of a weight, export the model and check that `descent eval` gives 100%
// accuracy on XOR, and save a screenshot.
func TestPlaygroundBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bin := needChromium(t)
	pg := playground.New(playground.Options{})
	ts := httptest.NewServer(pg) // listens on 127.0.0.1
	defer ts.Close()
	defer pg.Close()

	opts := browserOptions(t, bin, 1440, 1100)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	// Start the browser on a context without a deadline (a deadline on the
	// first Run would bound the browser's life), then bound the test.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, browserTimeout(t))
	defer cancelTimeout()

	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			// What the page showed, to tell a slow machine from a bug.
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({banner: document.getElementById("banner").textContent, running: app.running, epoch: app.state && app.state.epoch, settings: app.settings, server: app.state && app.state.settings})`))
			t.Fatalf("%s: %v\npage: %s", what, err, page)
		}
	}
	do("open the page",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#columns .neuron`)),
	)
	do("choose XOR and add a hidden layer",
		chromedp.Click(chromedp.CSS(`.tile[data-name="xor"]`)),
		chromedp.Click(chromedp.ID(`add-layer`)),
		// Input, the default two hidden layers and the added one, output.
		waitJS(`document.querySelectorAll("#columns .col").length === 5`),
		chromedp.SetValue(chromedp.ID(`speed`), "20"),
		chromedp.Click(chromedp.ID(`run`)),
	)
	testLoss := `(parseFloat(document.getElementById("test-loss").textContent) || 1e9)`
	if err := chromedp.Do(ctx, waitJS(testLoss+` < 0.05`)); err != nil {
		loss, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](testLoss))
		t.Fatalf("training XOR: test loss %v: %v", loss, err)
	}
	do("pause", chromedp.Click(chromedp.ID(`run`)), waitJS(`!document.getElementById("run").classList.contains("running") && !app.state.running && !app.polling`))

	do("explain a weight",
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#edges .hit")[5].dispatchEvent(new MouseEvent("click", {bubbles: true})); undefined`),
		chromedp.WaitVisible(chromedp.CSS(`#explain-body .factor.result`)),
	)
	factors, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#explain-body .factor .val")].map(e => e.textContent)`))
	if err != nil {
		t.Fatalf("reading the chain rule: %v", err)
	}
	if len(factors) != 4 {
		t.Fatalf("explain shows %d factors %q, want dE/da, da/dsop, dsop/dw and the gradient", len(factors), factors)
	}
	for _, f := range factors {
		if _, err := fmt.Sscan(f, new(float64)); err != nil {
			t.Errorf("explain factor %q is not a number", f)
		}
	}

	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, "playground-xor.png", png)

	// Export through the page's own link.
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID(`export`), "href"))
	if err != nil {
		t.Fatalf("reading the export link: %v", err)
	}
	res, err := http.Get(ts.URL + href.Value)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("export: %d %s", res.StatusCode, file)
	}
	path := filepath.Join(t.TempDir(), "xor.json")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Run([]string{"eval", "-model", path, "-data", "builtin:xor", "-json"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("descent eval on the exported model: %v", err)
	}
	var got struct {
		Accuracy *float64 `json:"accuracy"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Accuracy == nil {
		t.Fatalf("eval output %q: %v", out.String(), err)
	}
	if *got.Accuracy != 1 {
		t.Errorf("eval accuracy on XOR = %v, want 1", *got.Accuracy)
	}

	// A bad upload is explained in the page, naming the line and column.
	do("upload a bad CSV",
		chromedp.Evaluate[chromedp.Void](`uploadFile(new File(["a,b,c\n1,2,x\n3,zz,y\n"], "bad.csv")); undefined`),
		waitJS(`!document.getElementById("upload-error").hidden`),
	)
	msg, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID(`upload-error`)))
	if err != nil || !strings.Contains(msg, `bad.csv line 3, column "b"`) {
		t.Errorf("upload error in the page: %q (%v)", msg, err)
	}

	// A shared link restores its settings.
	do("open a shared link",
		chromedp.Navigate("about:blank"), // a fragment alone would not reload the page
		chromedp.Navigate(ts.URL+"/#data=circles&hidden=3,2&act=relu,tanh&lr=0.1&opt=sgd&seed=7"),
		waitJS(`document.querySelector(".tile.selected") && document.querySelector(".tile.selected").dataset.name === "circles" && document.querySelectorAll("#columns .col").length === 4`),
	)
	restored, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById("lr").value, document.getElementById("optimizer").value, document.getElementById("seed").value, document.querySelectorAll("#columns .col")[1].querySelectorAll(".neuron").length + ""]`))
	if err != nil || !slices.Equal(restored, []string{"0.1", "sgd", "7", "3"}) {
		t.Errorf("shared link restored %q (%v), want lr 0.1, sgd, seed 7, 3 neurons", restored, err)
	}

	// The 1-D regression view, for the screenshot.
	do("train on sin(x)",
		chromedp.Click(chromedp.CSS(`.tile[data-name="sin"]`)),
		waitJS(`document.querySelector(".tile.selected").dataset.name === "sin" && document.querySelectorAll("#columns .col .neuron.input").length === 1`),
		chromedp.Click(chromedp.ID(`run`)),
		waitJS(`parseInt(document.getElementById("epoch").textContent.replace(/,/g, "")) >= 300`),
		chromedp.Click(chromedp.ID(`run`)),
	)
	if png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveScreenshot(t, "playground-sin.png", png)
}

// browserTimeout bounds a browser test. It is generous: CI runs every
// package at once on two cores, where a step can take many times what it
// takes here. It ends a minute before the test binary's own deadline, so
// that a step that never completes still fails with what the page showed
// rather than with the binary's panic.
func browserTimeout(t *testing.T) time.Duration {
	d := 5 * time.Minute
	if end, ok := t.Deadline(); ok {
		d = min(d, max(time.Until(end)-time.Minute, time.Until(end)/2))
	}
	return d
}

// waitJS polls a JavaScript condition until it holds, for up to two
// minutes (generous for a loaded machine; the test's context may end it
// sooner). Errors count as "not yet": during a navigation the page's
// JavaScript context disappears for a moment.
func waitJS(cond string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(2 * time.Minute)
		for {
			ok, err := chromedp.Evaluate[bool]("!!("+cond+")")(ctx, t)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			if ctx.Err() != nil || time.Now().After(deadline) {
				return chromedp.Void{}, fmt.Errorf("waiting for %s: last error %v", cond, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// saveScreenshot writes png to the test's temporary directory and, when
// DESCENT_SCREENSHOT_DIR is set, there too.
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{t.TempDir()}
	if d := os.Getenv("DESCENT_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Errorf("saving the screenshot: %v", err)
			continue
		}
		t.Logf("screenshot: %s", p)
	}
}

// browserOptions are the headless Chromium settings every browser test
// uses: no sandbox, GPU, first-run pages or background traffic, a fresh
// profile, and a window of w×h pixels.
func browserOptions(t *testing.T, bin string, w, h int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(w, h),
	}
}

// needChromium returns the Chromium binary, and fails the test when there
// is none in CI (CI=true) or skips it elsewhere.
func needChromium(t *testing.T) string {
	t.Helper()
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is missing: CI must install it (apt-get install chromium)")
		}
		t.Skip("Chromium not found (install chromium to run the browser test)")
	}
	return bin
}
