package playground

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteSite writes a site with a stand-in engine and checks its
// files: the page in static mode without the server's token, and asset
// paths relative, so that the site works under any path of a host.
func TestWriteSite(t *testing.T) {
	dir := t.TempDir()
	if err := WriteSite(dir, Site{Wasm: []byte("\x00asm"), WasmExec: []byte("// go")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "assets/app.js", "assets/link.js", "assets/static.js", "assets/worker.js", "assets/style.css", "assets/wasm_exec.js", "assets/descent.wasm"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("site lacks %s: %v", name, err)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"static":true`, `src="assets/app.js"`, `href="assets/style.css"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	for _, bad := range []string{`"token"`, `"/assets/`} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("index.html contains %s", bad)
		}
	}
	if err := WriteSite(dir, Site{}); err == nil {
		t.Error("WriteSite without an engine succeeded")
	}
}

// TestBuildWasmWithoutGo checks that exporting without the Go toolchain
// says what is missing.
func TestBuildWasmWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := BuildWasm(t.Context())
	if err == nil || !strings.Contains(err.Error(), "needs the Go toolchain") {
		t.Errorf("BuildWasm without go: %v", err)
	}
}
