//go:build !(js && wasm)

package playground

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/descent-ml/descent/internal/atomicfile"
)

// modulePath is this module, whose source BuildWasm compiles.
const modulePath = "github.com/descent-ml/descent"

// wasmPackage is the WebAssembly entry point: the engine packages and a
// Core, without the CLI, plots or net/http.
const wasmPackage = modulePath + "/internal/playground/wasm"

// Site is what an exported static site needs besides the page's own
// assets: the WebAssembly engine and Go's loader for it, which must come
// from the same Go release that built the engine.
type Site struct {
	// Wasm is the engine, built by BuildWasm.
	Wasm []byte
	// WasmExec is the toolchain's lib/wasm/wasm_exec.js.
	WasmExec []byte
}

// WriteSite writes the playground as a static site into dir: index.html
// and assets/ (the page's CSS and scripts, worker.js, wasm_exec.js and
// descent.wasm). Any static file server can serve dir; the page trains in
// a Web Worker. Each file is written atomically.
func WriteSite(dir string, site Site) error {
	if len(site.Wasm) == 0 || len(site.WasmExec) == 0 {
		return errors.New("export site: the WebAssembly engine and wasm_exec.js are both needed")
	}
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		return fmt.Errorf("export site: %w", err)
	}
	page, err := staticPage()
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"index.html":          page,
		"assets/descent.wasm": site.Wasm,
		"assets/wasm_exec.js": site.WasmExec,
	}
	err = fs.WalkDir(assets, "assets", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == "assets/index.html" {
			return err
		}
		b, err := assets.ReadFile(path)
		files[path] = b
		return err
	})
	if err != nil {
		return fmt.Errorf("export site: %w", err)
	}
	for name, b := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return fmt.Errorf("export site: %w", err)
		}
	}
	return nil
}

// staticPage renders index.html for a static site: no token, and the
// static flag that sends the page's calls to the worker.
func staticPage() ([]byte, error) {
	page, err := pageTemplate()
	if err != nil {
		return nil, err
	}
	cfg := newPageConfig(DefaultMaxUpload)
	cfg.Static = true
	var b bytes.Buffer
	if err := page.Execute(&b, pageData{Config: cfg}); err != nil {
		return nil, fmt.Errorf("export site: %w", err)
	}
	return b.Bytes(), nil
}

// BuildWasm compiles the engine for the browser with the Go toolchain
// (`go` on PATH): GOOS=js GOARCH=wasm, -trimpath, -ldflags=-s -w. It
// compiles the descent source of the current directory's module when
// that is descent (or depends on it), otherwise the module cache's copy
// of the version this program was built from.
func BuildWasm(ctx context.Context) (Site, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return Site{}, fmt.Errorf("export site: building the WebAssembly engine needs the Go toolchain (https://go.dev/dl/), and `go` is not on PATH: %w", err)
	}
	src, err := moduleDir(ctx, gobin)
	if err != nil {
		return Site{}, err
	}
	tmp, err := os.MkdirTemp("", "descent-wasm-")
	if err != nil {
		return Site{}, fmt.Errorf("export site: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "descent.wasm")
	cmd := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-ldflags=-s -w", "-o", out, wasmPackage)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return Site{}, fmt.Errorf("export site: go build of the WebAssembly engine in %s: %w\n%s", src, err, msg)
	}
	var site Site
	if site.Wasm, err = os.ReadFile(out); err != nil {
		return Site{}, fmt.Errorf("export site: %w", err)
	}
	goroot, err := exec.CommandContext(ctx, gobin, "env", "GOROOT").Output()
	if err != nil {
		return Site{}, fmt.Errorf("export site: go env GOROOT: %w", err)
	}
	root := strings.TrimSpace(string(goroot))
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} { // misc/ before Go 1.24
		if site.WasmExec, err = os.ReadFile(filepath.Join(root, p)); err == nil {
			return site, nil
		}
	}
	return Site{}, fmt.Errorf("export site: no wasm_exec.js in the Go installation at %s (looked in lib/wasm and misc/wasm)", root)
}

// moduleDir finds descent's source to build: the current directory's
// module graph, or the module cache's copy of this program's version.
func moduleDir(ctx context.Context, gobin string) (string, error) {
	if out, err := exec.CommandContext(ctx, gobin, "list", "-m", "-f", "{{.Dir}}", modulePath).Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); dir != "" {
			return dir, nil
		}
	}
	bi, ok := debug.ReadBuildInfo()
	if ok && bi.Main.Path == modulePath && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		out, err := exec.CommandContext(ctx, gobin, "mod", "download", "-json", modulePath+"@"+bi.Main.Version).Output()
		if err != nil {
			return "", fmt.Errorf("export site: go mod download %s@%s: %w", modulePath, bi.Main.Version, err)
		}
		var m struct{ Dir string }
		if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
			return "", fmt.Errorf("export site: go mod download %s@%s gave no directory", modulePath, bi.Main.Version)
		}
		return m.Dir, nil
	}
	return "", fmt.Errorf("export site: cannot find descent's source to build the WebAssembly engine: run this inside a clone of %s, or install descent with `go install %s/cmd/descent@latest`", modulePath, modulePath)
}

// SiteSize returns the bytes of the files under dir, as stored and as
// gzip -9 compresses each: what a static host that compresses sends.
func SiteSize(dir string) (raw, gzipped int64, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var z countWriter
		w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression) // the level is valid
		w.Write(b)
		if err := w.Close(); err != nil {
			return err
		}
		raw += int64(len(b))
		gzipped += z.n
		return nil
	})
	return raw, gzipped, err
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
