// descent playground: the transport of an exported (static) site. When the
// page's config says static, api() in app.js sends its calls here instead
// of to fetch: a Web Worker running the WebAssembly engine answers them
// with the same replies the server gives. In server mode this file does
// nothing.
"use strict";

const staticSite = (() => {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  if (!cfg.static) return null;
  const worker = new Worker("assets/worker.js");
  const pending = new Map();
  let next = 1;
  worker.onmessage = (e) => {
    const { id, status, body, filename, error } = e.data;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (!status) {
      p.reject(new Error(error));
      return;
    }
    // 204 carries no body: Response refuses one.
    const res = new Response(status === 204 ? null : body, { status, headers: { "Content-Type": "application/json" } });
    res.filename = filename;
    p.resolve(res);
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error("the training engine stopped: " + (e.message || "worker error")));
    pending.clear();
  };

  // call sends one API call to the worker and resolves to a Response, as
  // fetch(path, opts) does.
  function call(path, opts) {
    const [p, query] = path.split("?");
    let body = opts.body;
    if (typeof body === "string") body = new TextEncoder().encode(body).buffer;
    return new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method: opts.method || "GET", path: p, query: query || "", body: body || null }, body ? [body] : []);
    });
  }

  // The export link points at the API, which no static host serves: ask
  // the worker and save its reply instead.
  document.addEventListener("click", async (e) => {
    const a = e.target.closest && e.target.closest("#export");
    if (!a) return;
    e.preventDefault();
    e.stopPropagation();
    try {
      const res = await call(new URL(a.href).pathname, { method: "GET" });
      if (!res.ok) throw new Error((await res.json()).error);
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = res.filename || "descent-model.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      alert("Export failed: " + err.message);
    }
  }, true);

  return { call };
})();

// transport is what api() in app.js calls: fetch on a server, the worker
// on a static site.
function transport(path, opts) {
  return staticSite ? staticSite.call(path, opts) : fetch(path, opts);
}
