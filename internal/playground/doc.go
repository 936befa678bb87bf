// Package playground is the local web playground that `descent playground`
// serves: a page where a user designs a small network, picks or uploads a
// dataset, and watches gradient descent train it live — loss curves, the
// decision boundary, every neuron's output, the weights, and, for a clicked
// weight, the tutorial's chain rule at the current step.
//
// # One engine, two transports
//
// Training runs in the real descent engine (nn, optim, loss, explain,
// model) behind Core, whose Do answers the page's API calls (create,
// reset, upload, run, pause, step, state, explain, model, delete) without
// any transport; core.go and api.go import no net/http.
//
//   - `descent playground` serves a Core over HTTP (Server): the
//     assembly kernels, and every behaviour tested with httptest and a
//     load test.
//   - `descent playground -export-site DIR` writes a static site (WriteSite)
//     whose page runs the WebAssembly build of a Core (package wasm, built
//     by BuildWasm with the Go toolchain) in a Web Worker: no install, any
//     static host. The page is the same app.js; its api() sends calls to
//     fetch or, on a static site, to the worker (assets/static.js).
//
// The same seed gives the same data, split and starting weights in both;
// trained weights agree to rounding, not to the bit, because the server's
// FMA kernels and amd64 math.Exp/math.Log round differently from pure Go.
//
// # Sessions
//
// Each browser tab owns one session: its own settings, dataset split,
// network, optimizer and random sources, identified by an unguessable id
// from crypto/rand. A running session trains in its own goroutine, a
// bounded number of epochs per tick, and stops when paused, when it reaches
// its epoch limit, when it expires (idle for Options.IdleTimeout) or when the
// server closes. The page polls the state endpoint for losses, the boundary
// grid, the per-neuron grids and the weights. A running session that no
// request reaches for Options.PauseAfter (30 s) parks: its page is gone, so
// it stops using a core until a state request resumes it. At most
// Options.MaxTraining sessions (one per CPU) train at the same moment; the
// others queue for their turn each tick, so all of them progress, slower,
// and none is refused.
//
// Training is deterministic: the settings (seed included) fix the data,
// the split, the starting weights and the shuffles, and loss history is
// recorded per epoch, so two sessions with the same settings report the
// same numbers at the same epoch however the ticks fall.
//
// # Endpoints
//
//	GET    /                              the page
//	GET    /assets/{file}                 embedded CSS and JavaScript
//	POST   /api/sessions                  create a session from settings (JSON)
//	PUT    /api/sessions/{id}             reset it with new settings (see below)
//	POST   /api/sessions/{id}/data        upload a CSV file (body, ≤ MaxUpload)
//	POST   /api/sessions/{id}/run         start training (?until=EPOCH)
//	POST   /api/sessions/{id}/pause       stop training
//	POST   /api/sessions/{id}/step        train one epoch (?epochs=N)
//	GET    /api/sessions/{id}/state       losses, grids and weights (?points=1 adds the data)
//	GET    /api/sessions/{id}/explain     chain rule of one weight (?layer=&from=&to=&sample=)
//	GET    /api/sessions/{id}/model       the trained model as a descent model file
//	DELETE /api/sessions/{id}             end the session
//
// A PUT pauses the session and rebuilds its run from the new settings,
// except when they differ from the run's only in the learning rate, L1 or
// L2: then the run is kept (weights, epoch, history, optimizer state) and
// only those change, as TensorFlow Playground does; the page sends run
// again to train on. The same settings again rebuild the run (the page's
// "Reset with the same seed").
//
// # Only its own page
//
// Any web page the user visits could otherwise send requests to the
// local server. The server therefore answers only requests whose Host is
// a loopback name or one of Options.AllowedHosts (a DNS-rebinding page
// arrives under its own name), and every POST, PUT and DELETE must carry
// either a same-origin Origin header or the server's random token, which
// the page reads from its own HTML and sends as X-Descent-Token (a
// cross-site text/plain POST needs no preflight). Others get 403.
//
// An upload is bounded before its matrices are built (see uploadLimits):
// a file that would exceed the playground's rows, one-hot feature columns
// or classes is refused with 413 while it is read, and a panic in a
// handler or a training goroutine ends that request or session only.
//
// Settings travel in the page's URL fragment in the form Settings.Query
// writes and ParseQuery reads, so a shared link restores a run's settings.
package playground
