//go:build js && wasm

// Command wasm is the playground's engine for the browser: built with
// GOOS=js GOARCH=wasm, it runs in a Web Worker (assets/worker.js) and
// answers the page's API calls with a playground.Core, so that an
// exported site trains without a server. `descent playground
// -export-site` builds it.
//
// It sets one JavaScript function, descentCall(method, path, query,
// body, done): body is a Uint8Array or null, and done(status, reply,
// filename) receives the answer, reply a Uint8Array.
package main

import (
	"net/url"
	"syscall/js"

	"github.com/descent-ml/descent/internal/playground"
)

func main() {
	// One page talks to this worker; a handful of sessions covers a
	// reload's new session before the old one expires.
	core := playground.NewCore(playground.Options{MaxSessions: 4})
	js.Global().Set("descentCall", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 5 {
			panic("descentCall wants (method, path, query, body, done)")
		}
		call := playground.Call{Method: args[0].String(), Path: args[1].String()}
		call.Query, _ = url.ParseQuery(args[2].String()) // a bad pair is dropped, as net/http does
		if b := args[3]; b.Truthy() {
			call.Body = make([]byte, b.Get("length").Int())
			js.CopyBytesToGo(call.Body, b)
		}
		done := args[4]
		// Answer on a goroutine: a callback from JavaScript must not
		// block (pause waits for the training goroutine).
		go func() {
			rep := core.Do(call)
			out := js.Global().Get("Uint8Array").New(len(rep.Body))
			js.CopyBytesToJS(out, rep.Body)
			done.Invoke(rep.Status, out, rep.Filename)
		}()
		return nil
	}))
	select {} // serve calls until the worker ends
}
