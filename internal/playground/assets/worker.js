// descent playground: the Web Worker of an exported site. It runs the
// WebAssembly build of the engine (descent.wasm, Go's wasm_exec.js beside
// it) and answers the page's API calls, so that training never blocks the
// page. Messages in: {id, method, path, query, body}; out: {id, status,
// body, filename} with body an ArrayBuffer, or {id, status: 0, error}.
"use strict";

importScripts("wasm_exec.js");

const ready = (async () => {
  const go = new Go();
  const url = "descent.wasm";
  let result;
  try {
    result = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
  } catch (e) {
    // A server that sends .wasm without Content-Type application/wasm
    // (some static hosts) still works, a little more slowly.
    const res = await fetch(url);
    if (!res.ok) throw new Error("loading " + url + ": " + res.status + " " + res.statusText);
    result = await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject);
  }
  go.run(result.instance); // returns once main waits for calls; descentCall is set
  if (typeof self.descentCall !== "function") throw new Error(url + " did not start");
})();

self.onmessage = async (e) => {
  const { id, method, path, query, body } = e.data;
  try {
    await ready;
  } catch (err) {
    self.postMessage({ id, status: 0, error: "the training engine (WebAssembly) could not start: " + err.message });
    return;
  }
  self.descentCall(method, path, query || "", body ? new Uint8Array(body) : null, (status, reply, filename) => {
    const buf = reply.slice().buffer;
    self.postMessage({ id, status, body: buf, filename }, [buf]);
  });
};
