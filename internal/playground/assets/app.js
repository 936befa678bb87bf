// descent playground: the page's logic. Vanilla JavaScript and canvas, no
// dependencies; the server trains, this file draws and sends settings.
"use strict";

const cfg = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);

// Colours: orange for negative values and class 0, blue for positive values
// and class 1, a light grey in between (a diverging palette).
const ORANGE = [245, 147, 34], BLUE = [8, 119, 189], MID = [244, 244, 244];
const CLASS_COLOURS = [ORANGE, BLUE, [46, 160, 90], [142, 68, 173], [214, 39, 40], [23, 190, 207], [188, 189, 34], [127, 127, 127], [140, 86, 75], [227, 119, 194]];

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1, 3, 10];
const BATCHES = [1, 2, 4, 8, 10, 16, 32, 64, 128, 256, 1000];
const L2S = [0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const DROPOUTS = [0, 0.1, 0.2, 0.3, 0.5];
// The inputs offered for data of two features (the server's features list).
const FEATURES = [["x1", "x1"], ["x2", "x2"], ["x1sq", "x1²"], ["x2sq", "x2²"], ["x1x2", "x1·x2"], ["sinx1", "sin(πx1)"], ["sinx2", "sin(πx2)"]];
// Labels for datasets the server lists without one.
const DATASET_LABELS = { quadrants: ["Quadrants", "XOR as TensorFlow Playground draws it: points spread over four quadrants"], swirl: ["Swirl", "two spiral arms, one per class"] };

// resetTimer is a change waiting to be sent, sending counts changes on
// their way: while either is there, the page's settings are newer than
// the server's.
let resetTimer = null, resumeAfter = false, sending = 0;

const app = {
  id: null,          // session id
  settings: null,    // as the server normalised them
  state: null,       // the last state
  version: -1,       // settings version whose points we hold
  points: null,
  running: false,
  polling: false,
  explain: null,     // {layer, from, to}
  topology: "",
  preview: null,     // {layer, j, pinned}: a neuron shown large in the output
  recovering: false, // recreating a session the server lost
  wantRun: false,    // train on once the session is recreated
  gen: 0,            // counts accepted replies, so a poll can tell it is stale
};

// ---------- server calls ----------

// Every request carries the server's token: it refuses state changes
// without it (or a same-origin Origin), so that other sites cannot drive it.
async function api(method, path, body, raw) {
  const opts = { method, headers: { "X-Descent-Token": cfg.token } };
  if (body !== undefined) {
    if (raw) {
      opts.body = body;
      opts.headers["Content-Type"] = "text/csv";
    } else {
      opts.body = JSON.stringify(body);
      opts.headers["Content-Type"] = "application/json";
    }
  }
  let res, text;
  try {
    res = await transport(path, opts); // fetch, or a static site's worker (static.js)
    text = await res.text();
  } catch (e) {
    // The server could not be reached (it may be restarting). Only this
    // counts as a lost connection: a TypeError thrown by the page's own
    // code must not look like one (see lost).
    if (!cfg.static) e.unreachable = true;
    throw e;
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
  if (!res.ok) {
    const err = new Error((data && data.error) || res.statusText);
    err.status = res.status;
    throw err;
  }
  return data;
}

function showBanner(msg) {
  const b = $("banner");
  b.textContent = msg;
  b.hidden = !msg;
}

function toast(msg) {
  const t = document.createElement("div");
  t.className = "toast";
  t.textContent = msg;
  document.body.appendChild(t);
  setTimeout(() => t.remove(), 2200);
}

async function start() {
  buildStaticControls();
  try {
    await openLink(location.hash); // link.js
  } catch (e) {
    showBanner(e.message);
  }
  // A link pasted into this tab applies at once.
  window.addEventListener("hashchange", () => openLink(location.hash).catch(handleError));
  window.addEventListener("beforeunload", () => {
    // End the session now rather than when it expires.
    if (app.id && !cfg.static) fetch("/api/sessions/" + app.id, { method: "DELETE", keepalive: true, headers: { "X-Descent-Token": cfg.token } });
  });
}

// accept takes a state from the server and draws it.
function accept(st) {
  app.gen++;
  app.state = st;
  app.id = st.id;
  // A change of the page's own that the server has not answered yet is
  // newer than st's settings: a reply to an earlier call must not undo it
  // (a second click while the first change's PUT is on its way).
  if (resetTimer === null && !sending) app.settings = st.settings;
  if (st.points) { app.points = st.points; app.version = st.version; }
  app.running = st.running;
  writeHash();
  $("export").href = "/api/sessions/" + st.id + "/model";
  syncControls();
  render();
  if (app.running) poll();
}

// writeHash puts the settings into the address bar, as a share link
// without run=1 (no hashchange: openLink does not see it).
function writeHash() {
  history.replaceState(null, "", "#" + shareHash(app.settings, cfg.setting_fields));
}

async function action(path, method = "POST") {
  try {
    accept(await api(method, "/api/sessions/" + app.id + path));
    if (app.explain) loadExplain(); // Step and → change the weights
  } catch (e) {
    handleError(e);
  }
}

// lost reports an error that means the server no longer knows this page's
// session: it restarted (404, or the connection failed while it was down).
// Any other error, a bug in drawing included, is no reason to start a new
// session.
function lost(e) {
  return e.status === 404 || !!e.unreachable;
}

function handleError(e) {
  if (lost(e)) {
    recoverSession();
    return;
  }
  showBanner(e.message);
}

// recoverSession recreates the session with the page's current settings
// after the server restarted, retrying while it is down, and says so.
async function recoverSession() {
  // Whether to train on is remembered across recoveries: a request that
  // reached the old server just before it stopped fails again on the new.
  app.wantRun = app.wantRun || app.running;
  if (app.recovering) return;
  app.recovering = true;
  app.running = false;
  for (let tries = 0; ; tries++) {
    try {
      const st = await api("POST", "/api/sessions", { settings: app.settings });
      app.version = -1;
      accept(st);
      showBanner("The playground server restarted, so this page started a new session with the same settings (training begins again from epoch 0).");
      break;
    } catch (e) {
      if (!lost(e) && e.status !== 503) {
        showBanner("The playground server restarted and refused these settings: " + e.message);
        break;
      }
      showBanner("Lost the connection to the playground server; retrying…");
      await new Promise((r) => setTimeout(r, Math.min(4000, 500 * (tries + 1))));
    }
  }
  app.recovering = false;
  if (app.wantRun) {
    await action("/run?speed=" + $("speed").value);
    if (!app.recovering) app.wantRun = false; // else a new recovery resumes
  }
  if (app.explain) loadExplain();
}


// change applies new settings: the server rebuilds the run from them. A
// live change (learning rate, L1, L2) keeps the run, and training goes on.
function change(mutate, live) {
  const s = structuredClone(app.settings);
  mutate(s);
  app.settings = s;
  resumeAfter = live ? resumeAfter || app.running : false;
  syncControls();
  clearTimeout(resetTimer);
  resetTimer = setTimeout(async () => {
    resetTimer = null;
    const resume = resumeAfter;
    resumeAfter = false;
    let st;
    sending++;
    try {
      showBanner("");
      st = await api("PUT", "/api/sessions/" + app.id, { settings: app.settings });
    } catch (e) {
      handleError(e);
      return;
    } finally {
      sending--;
    }
    accept(st); // its settings, unless a newer change is waiting
    if (resume) await action("/run?speed=" + $("speed").value);
    else if (app.explain) loadExplain();
  }, 120);
}

async function poll() {
  if (app.polling) return;
  app.polling = true;
  let lastExplain = 0;
  while (app.running) {
    await new Promise((r) => setTimeout(r, 80));
    try {
      const gen = app.gen;
      const st = await api("GET", "/api/sessions/" + app.id + "/state" + (app.version !== app.state.version ? "?points=1" : ""));
      // A pause, step or reset answered while this poll was on its way
      // is newer than it.
      if (gen !== app.gen) continue;
      app.state = st;
      if (st.points) { app.points = st.points; app.version = st.version; }
      app.running = st.running;
      // Settings changed by another client of the API show in the
      // controls, unless the page has a change of its own on the way.
      if (resetTimer === null && !sending && JSON.stringify(st.settings) !== JSON.stringify(app.settings)) {
        app.settings = st.settings;
        writeHash();
        syncControls();
      }
      render();
      if (app.explain && st.epoch !== app.explainEpoch && performance.now() - lastExplain > 250) {
        lastExplain = performance.now();
        loadExplain();
      }
    } catch (e) {
      handleError(e);
      app.running = false;
    }
  }
  app.polling = false;
  if (app.explain) loadExplain();
  render();
}

// ---------- controls ----------

function fillSelect(sel, values, label) {
  sel.innerHTML = "";
  for (const v of values) {
    const o = document.createElement("option");
    o.value = String(v);
    o.textContent = label ? label(v) : String(v);
    sel.appendChild(o);
  }
}

function buildStaticControls() {
  fillSelect($("lr"), LEARNING_RATES);
  fillSelect($("optimizer"), cfg.optimizers);
  fillSelect($("loss"), ["", ...cfg.losses], (v) => v || "auto");
  fillSelect($("batch"), BATCHES);
  fillSelect($("l2"), L2S);
  fillSelect($("l1"), L2S);
  fillSelect($("dropout"), DROPOUTS, (v) => v ? String(v) : "none");
  const feats = $("features");
  for (const [name, label] of FEATURES) {
    const l = document.createElement("label");
    const c = document.createElement("input");
    c.type = "checkbox"; c.value = name;
    c.addEventListener("change", () => change((s) => {
      const on = new Set(chosenFeatures(s));
      if (c.checked) on.add(name); else on.delete(name);
      if (on.size === 0) { c.checked = true; return; } // a network needs an input
      s.features = FEATURES.map((f) => f[0]).filter((f) => on.has(f));
      if (s.features.join() === "x1,x2") s.features = [];
    }));
    l.append(c, document.createTextNode(label));
    feats.appendChild(l);
  }
  fillSelect($("output"), ["", ...cfg.outputs], (v) => v || "auto");
  $("maxupload").textContent = (cfg.max_upload / 1048576) + " MiB";

  const tiles = $("datasets");
  for (const d of cfg.datasets) {
    const b = document.createElement("button");
    b.className = "tile";
    b.dataset.name = d.name;
    const known = DATASET_LABELS[d.name] || [];
    b.title = d.about || known[1] || "";
    const c = document.createElement("canvas");
    c.width = 56; c.height = 56;
    b.appendChild(c);
    b.appendChild(document.createTextNode(d.label || known[0] || d.name));
    b.addEventListener("click", () => chooseDataset(d.name));
    tiles.appendChild(b);
    drawTile(c, d.name);
  }

  $("lr").addEventListener("change", (e) => change((s) => { s.learning_rate = +e.target.value; }, true));
  $("l1").addEventListener("change", (e) => change((s) => { s.l1 = +e.target.value; }, true));
  $("dropout").addEventListener("change", (e) => change((s) => { s.dropout = +e.target.value; }));
  $("optimizer").addEventListener("change", (e) => change((s) => { s.optimizer = e.target.value; }));
  $("loss").addEventListener("change", (e) => change((s) => { s.loss = e.target.value; }));
  $("batch").addEventListener("change", (e) => change((s) => { s.batch_size = +e.target.value; }));
  $("l2").addEventListener("change", (e) => change((s) => { s.l2 = +e.target.value; }, true));
  $("output").addEventListener("change", (e) => change((s) => { s.output = e.target.value; }));
  $("bias").addEventListener("change", (e) => change((s) => { s.bias = e.target.checked; }));
  for (const [id, key] of [["test", "test_ratio"], ["noise", "noise"], ["samples", "samples"]]) {
    $(id).addEventListener("input", (e) => { $(id + "-out").textContent = fmtSlider(id, +e.target.value); });
    $(id).addEventListener("change", (e) => change((s) => { s[key] = +e.target.value; }));
  }
  $("seed").addEventListener("change", (e) => change((s) => { s.seed = Math.max(0, Math.floor(+e.target.value || 0)); }));
  $("reseed").addEventListener("click", () => change((s) => { s.seed = Math.floor(Math.random() * 1e6); }));

  $("run").addEventListener("click", toggleRun);
  $("step").addEventListener("click", () => action("/step"));
  // Reset draws new starting weights: a new seed (which also draws new data
  // and a new split). The same settings again rebuild the run as it began.
  $("reset").addEventListener("click", () => change((s) => { s.seed = Math.floor(Math.random() * 1e6); }));
  $("reset-same").addEventListener("click", () => change(() => {}));
  $("speed").addEventListener("change", () => { if (app.running) action("/run?speed=" + $("speed").value); });
  $("share").addEventListener("click", copyShare);
  $("add-layer").addEventListener("click", () => change((s) => {
    if (s.hidden.length < cfg.max_hidden) s.hidden.push({ units: s.hidden.length ? s.hidden[s.hidden.length - 1].units : 4, activation: s.hidden.length ? s.hidden[s.hidden.length - 1].activation : "tanh" });
  }));
  $("remove-layer").addEventListener("click", () => change((s) => { s.hidden.pop(); }));

  $("pick").addEventListener("click", () => $("file").click());
  $("file").addEventListener("change", (e) => { if (e.target.files[0]) uploadFile(e.target.files[0]); e.target.value = ""; });
  const dz = $("dropzone");
  dz.addEventListener("dragover", (e) => { e.preventDefault(); dz.classList.add("over"); });
  dz.addEventListener("dragleave", () => dz.classList.remove("over"));
  dz.addEventListener("drop", (e) => {
    e.preventDefault(); dz.classList.remove("over");
    if (e.dataTransfer.files[0]) uploadFile(e.dataTransfer.files[0]);
  });

  $("close-explain").addEventListener("click", () => { app.explain = null; $("explain").hidden = true; drawEdges(); });
  $("sample").addEventListener("change", loadExplain);
  $("next-sample").addEventListener("click", () => {
    const n = app.state ? app.state.train_size : 1;
    $("sample").value = (clampSample() + 1) % n;
    loadExplain();
  });
  $("plot").addEventListener("click", () => { if (app.preview && app.preview.pinned) { app.preview = null; render(); } });
  document.addEventListener("keydown", (e) => {
    if (e.target.matches && e.target.matches("input, select, textarea")) return;
    if (e.key === " ") { e.preventDefault(); toggleRun(); }
    if (e.key === "ArrowRight") { e.preventDefault(); action("/step"); }
  });
  window.addEventListener("resize", () => drawEdges());
}

function fmtSlider(id, v) {
  if (id === "test") return Math.round(v * 100) + "%";
  if (id === "noise") return v.toFixed(2);
  return String(v);
}

// chooseDataset switches data; the tutorial's point gets the tutorial's
// network (one weight, sigmoid, squared error), the others a sensible loss.
function chooseDataset(name) {
  if (name === "csv") {
    if (!app.state || !app.state.upload) { $("file").click(); return; }
  }
  change((s) => {
    const was = s.dataset;
    s.dataset = name;
    if (name === "point") {
      Object.assign(s, { hidden: [], bias: false, loss: "squared_error", output: "sigmoid", optimizer: "gd", learning_rate: 0.5, batch_size: 1, test_ratio: 0 });
    } else if (was === "point") {
      const d = cfg.defaults;
      Object.assign(s, { hidden: structuredClone(d.hidden), bias: d.bias, loss: "", output: "", optimizer: d.optimizer, learning_rate: d.learning_rate, batch_size: d.batch_size, test_ratio: d.test_ratio });
    } else if (name !== "csv") {
      s.loss = "";
      s.output = "";
    }
  });
}

async function uploadFile(file) {
  $("upload-error").hidden = true;
  if (file.size > cfg.max_upload) {
    showUploadError(file.name + " is " + (file.size / 1048576).toFixed(1) + " MiB; the playground takes files up to " + (cfg.max_upload / 1048576) + " MiB.");
    return;
  }
  try {
    const text = await file.arrayBuffer();
    const delim = sniffDelimiter(new TextDecoder().decode(text.slice(0, 65536)));
    const st = await api("POST", "/api/sessions/" + app.id + "/data?name=" + encodeURIComponent(file.name), text, true);
    app.uploadDelim = delim;
    accept(st);
  } catch (e) {
    showUploadError(e.message); // the engine words its advice for the page (parseUpload)
  }
}

// sniffDelimiter names the separator of a CSV file's first two lines as the
// server detects it (data.ReadCSV): the candidate found the same, non-zero
// number of times on both, the most frequent first.
function sniffDelimiter(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "").slice(0, 2);
  const names = { ",": "comma", ";": "semicolon", "\t": "tab" };
  let best = ",", bestN = 0;
  for (const c of [",", ";", "\t"]) {
    const counts = lines.map((l) => l.replace(/"[^"]*"/g, "").split(c).length - 1);
    if (counts[0] > 0 && counts.every((n) => n === counts[0]) && counts[0] > bestN) { best = c; bestN = counts[0]; }
  }
  return names[best];
}

function showUploadError(msg) {
  const box = $("upload-error");
  box.innerHTML = "";
  const b = document.createElement("b");
  b.textContent = "That file could not be used";
  box.appendChild(b);
  box.appendChild(document.createTextNode(msg));
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" }); // on a phone the box may be below the fold
}

// chosenFeatures returns the feature names of settings s (x1, x2 when none).
function chosenFeatures(s) {
  return s.features && s.features.length ? s.features : ["x1", "x2"];
}

// clampSample keeps the chain rule's sample index within the training set,
// which changes with the data, and returns it.
function clampSample() {
  const n = app.state ? app.state.train_size : 1;
  const inp = $("sample");
  inp.max = String(Math.max(0, n - 1));
  let v = Math.floor(+inp.value || 0);
  v = Math.max(0, Math.min(n - 1, v));
  if (String(v) !== inp.value) inp.value = String(v);
  $("sample-range").textContent = "0–" + (n - 1);
  return v;
}

async function toggleRun() {
  if (app.running) {
    app.running = false;
    await action("/pause");
  } else {
    await action("/run?speed=" + $("speed").value);
  }
}

async function copyShare() {
  const url = location.href.split("#")[0] + "#" + shareHash(app.settings, cfg.setting_fields, app.running);
  try {
    await navigator.clipboard.writeText(url);
    toast("Link copied: opening it restores these settings");
  } catch (e) {
    prompt("Copy this link:", url);
  }
}

function nearest(list, v) {
  let best = list[0];
  for (const x of list) if (Math.abs(Math.log(x + 1e-9) - Math.log(v + 1e-9)) < Math.abs(Math.log(best + 1e-9) - Math.log(v + 1e-9))) best = x;
  return best;
}

function ensureOption(sel, v) {
  if (![...sel.options].some((o) => o.value === String(v))) {
    const o = document.createElement("option");
    o.value = String(v); o.textContent = String(v);
    sel.appendChild(o);
  }
  sel.value = String(v);
}

function syncControls() {
  const s = app.settings;
  ensureOption($("lr"), s.learning_rate);
  $("optimizer").value = s.optimizer;
  $("loss").value = s.loss || "";
  ensureOption($("batch"), s.batch_size);
  ensureOption($("l2"), s.l2);
  ensureOption($("l1"), s.l1 || 0);
  ensureOption($("dropout"), s.dropout || 0);
  const two = app.state && app.state.feature_names && app.state.feature_names.length === 2;
  $("features-box").hidden = !two;
  const on = chosenFeatures(s);
  for (const c of document.querySelectorAll("#features input")) c.checked = on.includes(c.value);
  $("output").value = s.output || "";
  $("bias").checked = s.bias;
  $("test").value = s.test_ratio; $("test-out").textContent = fmtSlider("test", s.test_ratio);
  $("noise").value = s.noise; $("noise-out").textContent = fmtSlider("noise", s.noise);
  $("samples").value = s.samples; $("samples-out").textContent = s.samples;
  $("seed").value = s.seed;
  const fixed = s.dataset === "point" || s.dataset === "csv";
  $("noise").disabled = $("samples").disabled = fixed;
  for (const t of document.querySelectorAll(".tile")) t.classList.toggle("selected", t.dataset.name === s.dataset);
  $("layer-count").textContent = s.hidden.length + (s.hidden.length === 1 ? " hidden layer" : " hidden layers");
  $("add-layer").disabled = s.hidden.length >= cfg.max_hidden;
  $("remove-layer").disabled = s.hidden.length === 0;
  $("run").classList.toggle("running", app.running);
  $("run").setAttribute("aria-label", app.running ? "Pause" : "Run");
  const up = app.state && app.state.upload;
  $("upload-name").hidden = !up;
  if (up) $("upload-name").textContent = "Loaded: " + up + (app.uploadDelim ? " (" + app.uploadDelim + "-separated)" : "");
}

// ---------- drawing helpers ----------

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// diverging maps t in [-1, 1] to orange … grey … blue.
function diverging(t) {
  t = Math.max(-1, Math.min(1, t || 0));
  return t < 0 ? mix(MID, ORANGE, -t) : mix(MID, BLUE, t);
}

function rgb(c, a = 1) {
  return "rgba(" + Math.round(c[0]) + "," + Math.round(c[1]) + "," + Math.round(c[2]) + "," + a + ")";
}

const scratch = document.createElement("canvas");

// heatmap draws an n×n grid of colours onto ctx's whole canvas, smoothly.
function heatmap(ctx, n, colourAt) {
  scratch.width = n; scratch.height = n;
  const sctx = scratch.getContext("2d");
  const img = sctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const c = colourAt(i);
    img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(scratch, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

function fitCanvas(c) {
  const r = c.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(r.width * dpr)), h = Math.max(1, Math.round(r.height * dpr));
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  return dpr;
}

// neuronColour maps a neuron's output to the palette: sigmoid and softmax
// outputs live in [0, 1], the others are shown in [-1, 1].
function neuronScale(act, values) {
  if (act === "sigmoid" || act === "softmax") return (v) => 2 * v - 1;
  let m = 1;
  for (const v of values) if (v !== null && Math.abs(v) > m) m = Math.abs(v);
  return (v) => v / m;
}

// drawTile draws a dataset's thumbnail from a fixed pseudo-random sample.
function drawTile(c, name) {
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#f6f7f9";
  ctx.fillRect(0, 0, 56, 56);
  let seed = 7;
  const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-9)) * Math.cos(2 * Math.PI * rnd());
  const dot = (x, y, k) => { ctx.fillStyle = rgb(CLASS_COLOURS[k]); ctx.beginPath(); ctx.arc(x, y, 1.8, 0, 7); ctx.fill(); };
  const P = (u, lo, hi) => 4 + (u - lo) / (hi - lo) * 48;
  if (name === "quadrants") for (let i = 0; i < 80; i++) { const x = rnd() * 2 - 1, y = rnd() * 2 - 1; dot(P(x, -1.1, 1.1), P(-y, -1.1, 1.1), x * y > 0 ? 1 : 0); }
  if (name === "swirl") for (let i = 0; i < 90; i++) { const k = i % 2, r = (i >> 1) / 45, t = 2 * Math.PI * 1.25 * r + k * Math.PI; dot(P(r * Math.sin(t), -1.1, 1.1), P(-r * Math.cos(t), -1.1, 1.1), k); }
  if (name === "xor") for (let i = 0; i < 60; i++) { const a = i % 4 < 2 ? 0 : 1, b = i % 2; dot(P(a + .12 * gauss(), -.4, 1.4), P(b + .12 * gauss(), -.4, 1.4), a ^ b); }
  if (name === "circles") for (let i = 0; i < 70; i++) { const k = i % 2, r = k ? .5 : 1, t = rnd() * 7; dot(P(r * Math.cos(t), -1.2, 1.2), P(r * Math.sin(t), -1.2, 1.2), k); }
  if (name === "moons") for (let i = 0; i < 70; i++) { const k = i % 2, t = rnd() * Math.PI; const x = k ? 1 - Math.cos(t) : Math.cos(t), y = k ? .5 - Math.sin(t) : Math.sin(t); dot(P(x, -1.3, 2.3), P(-y, -1.3, 1.8), k); }
  if (name === "spiral") for (let i = 0; i < 80; i++) { const k = i % 2, t = rnd() * 3 * Math.PI, r = t / (3 * Math.PI); dot(P(r * Math.cos(t + k * Math.PI), -1.1, 1.1), P(r * Math.sin(t + k * Math.PI), -1.1, 1.1), k); }
  if (name === "blobs") for (let i = 0; i < 60; i++) { const k = i % 3, a = k * 2.1 + .5; dot(P(Math.cos(a) + .25 * gauss(), -1.8, 1.8), P(Math.sin(a) + .25 * gauss(), -1.8, 1.8), k); }
  if (name === "linear") for (let i = 0; i < 60; i++) { const x = rnd() * 2 - 1, y = rnd() * 2 - 1; dot(P(x, -1.1, 1.1), P(-y, -1.1, 1.1), x + y + .15 * gauss() > 0 ? 1 : 0); }
  if (name === "sin" || name === "point") {
    ctx.strokeStyle = rgb(BLUE); ctx.lineWidth = 2; ctx.beginPath();
    for (let x = 4; x <= 52; x++) { const y = 28 - 18 * Math.sin((x - 28) / 24 * Math.PI); x === 4 ? ctx.moveTo(x, y) : ctx.lineTo(x, y); }
    ctx.stroke();
    if (name === "point") { ctx.fillStyle = rgb(ORANGE); ctx.beginPath(); ctx.arc(32, 22, 4.5, 0, 7); ctx.fill(); }
    else for (let i = 0; i < 14; i++) { const x = 4 + rnd() * 48; dot(x, 28 - 18 * Math.sin((x - 28) / 24 * Math.PI) + 4 * gauss(), 0); }
  }
  if (name === "csv") {
    ctx.fillStyle = "#8a93a3"; ctx.font = "600 12px system-ui, sans-serif"; ctx.textAlign = "center";
    ctx.fillText("CSV", 28, 26);
    ctx.font = "18px system-ui, sans-serif"; ctx.fillText("\u2191", 28, 45);
  }
}

// ---------- network ----------

function topologyKey(st) {
  return JSON.stringify([st.inputs, st.layers.map((l) => [l.units, l.activation, !!l.bias]), st.settings.hidden.length]);
}

function buildNetwork(st) {
  const cols = $("columns");
  cols.innerHTML = "";
  const inputs = st.layers[0].weights.length;
  // The input column.
  const inCol = column(st, "Input", null);
  for (let i = 0; i < inputs; i++) {
    const wrap = document.createElement("div");
    wrap.style.display = "flex"; wrap.style.flexDirection = "column"; wrap.style.alignItems = "center";
    const n = neuron(0, i, false);
    n.classList.add("input");
    wrap.appendChild(n);
    const f = document.createElement("div");
    f.className = "feature";
    f.textContent = (st.inputs && st.inputs[i]) || (st.feature_names && st.feature_names[i]) || "x" + (i + 1);
    f.title = f.textContent;
    wrap.appendChild(f);
    inCol.querySelector(".neurons").appendChild(wrap);
  }
  cols.appendChild(inCol);
  st.layers.forEach((l, li) => {
    const last = li === st.layers.length - 1;
    const col = column(st, last ? "Output" : "Hidden " + (li + 1), last ? null : li);
    for (let j = 0; j < l.units; j++) col.querySelector(".neurons").appendChild(neuron(li + 1, j, last, !!l.bias));
    cols.appendChild(col);
  });
}

// column builds one column of the network drawing of state st. Its
// controls read st's own settings: the page's settings may already hold a
// change not yet sent, or lag one made elsewhere.
function column(st, title, hiddenIndex) {
  const col = document.createElement("div");
  col.className = "col";
  const head = document.createElement("div");
  head.className = "col-head";
  const t = document.createElement("div");
  t.textContent = title;
  head.appendChild(t);
  if (hiddenIndex !== null) {
    const pm = document.createElement("div");
    pm.className = "pm";
    const plus = document.createElement("button");
    plus.className = "icon small"; plus.textContent = "+"; plus.title = "Add a neuron";
    plus.disabled = st.settings.hidden[hiddenIndex].units >= cfg.max_units;
    plus.addEventListener("click", () => change((s) => { s.hidden[hiddenIndex].units = Math.min(cfg.max_units, s.hidden[hiddenIndex].units + 1); }));
    const minus = document.createElement("button");
    minus.className = "icon small"; minus.textContent = "−"; minus.title = "Remove a neuron";
    minus.disabled = st.settings.hidden[hiddenIndex].units <= 1;
    minus.addEventListener("click", () => change((s) => { s.hidden[hiddenIndex].units = Math.max(1, s.hidden[hiddenIndex].units - 1); }));
    pm.append(plus, minus);
    const sel = document.createElement("select");
    fillSelect(sel, cfg.activations);
    sel.value = st.settings.hidden[hiddenIndex].activation;
    sel.title = "Activation of this layer";
    sel.addEventListener("change", () => change((s) => { s.hidden[hiddenIndex].activation = sel.value; }));
    head.append(pm, sel);
  } else if (title === "Output") {
    const a = document.createElement("div");
    a.textContent = st.layers[st.layers.length - 1].activation + " · " + st.loss;
    head.appendChild(a);
  }
  col.appendChild(head);
  const ns = document.createElement("div");
  ns.className = "neurons";
  col.appendChild(ns);
  return col;
}

function neuron(layer, j, output, bias) {
  const n = document.createElement("div");
  n.className = "neuron" + (output ? " output" : "");
  n.dataset.layer = layer; n.dataset.j = j;
  const c = document.createElement("canvas");
  n.appendChild(c);
  // Hover (a mouse) or tap (a finger) shows the neuron's map large in the
  // output panel; a tap pins it until the next tap.
  n.addEventListener("pointerenter", (e) => {
    if (e.pointerType !== "mouse" || (app.preview && app.preview.pinned)) return;
    app.preview = { layer, j, pinned: false };
    drawPlot(app.state);
  });
  n.addEventListener("pointerleave", (e) => {
    if (e.pointerType !== "mouse" || !app.preview || app.preview.pinned) return;
    app.preview = null;
    drawPlot(app.state);
  });
  n.addEventListener("click", (e) => {
    if (e.target.classList.contains("bias")) return;
    const same = app.preview && app.preview.pinned && app.preview.layer === layer && app.preview.j === j;
    app.preview = same ? null : { layer, j, pinned: true };
    drawPlot(app.state);
  });
  if (bias) {
    const b = document.createElement("div");
    b.className = "bias";
    b.title = "Bias of this neuron: click for its chain rule";
    b.addEventListener("click", () => openExplain(layer, 0, j + 1));
    n.appendChild(b);
  }
  return n;
}

// drawNeurons paints every neuron's output over the input space.
function drawNeurons(st) {
  const v = st.view;
  for (const n of document.querySelectorAll("#columns .neuron")) {
    const c = n.querySelector("canvas");
    const ctx = c.getContext("2d");
    fitCanvas(c);
    const layer = +n.dataset.layer, j = +n.dataset.j;
    if (!v) {
      ctx.fillStyle = "#f3f4f6"; ctx.fillRect(0, 0, c.width, c.height);
      continue;
    }
    const { values, act } = neuronValues(st, layer, j);
    const sc = neuronScale(act, values);
    n.classList.toggle("previewed", !!(app.preview && app.preview.layer === layer && app.preview.j === j));
    if (v.dims === 2) {
      heatmap(ctx, v.neuron_n, neuronColour(st, layer, j, sc, values));
    } else {
      ctx.fillStyle = "#fafafa"; ctx.fillRect(0, 0, c.width, c.height);
      ctx.strokeStyle = rgb(BLUE); ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1);
      ctx.beginPath();
      values.forEach((y, i) => {
        const px = (i + 0.5) / values.length * c.width, py = c.height * (0.5 - 0.42 * Math.max(-1, Math.min(1, sc(y))));
        i ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
      });
      ctx.stroke();
    }
    if (layer > 0 && st.layers[layer - 1].bias) {
      const b = st.layers[layer - 1].bias[j];
      const el = n.querySelector(".bias");
      if (el) { el.style.background = rgb(diverging(Math.tanh(b))); el.title = "Bias " + fmt(b) + ": click for its chain rule"; }
    }
  }
}

// neuronValues returns what neuron j of layer (0: the inputs) outputs over
// the neuron grid, and its activation.
function neuronValues(st, layer, j) {
  const v = st.view;
  if (layer === 0) return { values: v.inputs ? v.inputs[j] : inputGrid(v, j), act: "identity" };
  return { values: v.neurons[layer - 1][j], act: st.layers[layer - 1].activation };
}

// neuronColour colours a neuron's map: orange to blue through grey, except
// that an output neuron of one class among several is drawn in that class's
// colour (class 0's neuron in class 0's orange), strong where it is high.
function neuronColour(st, layer, j, sc, values) {
  const out = layer === st.layers.length && st.task === "classification" && st.layers[layer - 1].units > 1;
  if (!out) return (i) => diverging(sc(values[i]));
  const c = CLASS_COLOURS[j % CLASS_COLOURS.length];
  return (i) => mix(MID, c, Math.max(0, Math.min(1, (sc(values[i]) + 1) / 2)));
}

// inputGrid is an input feature's value over the neuron grid, centred.
function inputGrid(v, k) {
  const n = v.neuron_n, out = [];
  if (v.dims === 1) {
    for (let j = 0; j < n; j++) out.push(2 * (j + 0.5) / n - 1);
    return out;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.push(k === 0 ? 2 * (j + 0.5) / n - 1 : 1 - 2 * (i + 0.5) / n);
  return out;
}

// drawEdges draws every weight as a curve whose width and colour follow
// its value; clicking one opens its chain rule.
function drawEdges() {
  const st = app.state;
  const svg = $("edges");
  if (!st) return;
  const box = $("net").getBoundingClientRect();
  const centre = (el) => { const r = el.getBoundingClientRect(); return [r.left - box.left, r.top - box.top, r.width, r.height]; };
  const cols = [...document.querySelectorAll("#columns .col")].map((c) => [...c.querySelectorAll(".neuron")].map(centre));
  let maxW = 0;
  for (const l of st.layers) for (const row of l.weights) for (const w of row) maxW = Math.max(maxW, Math.abs(w || 0));
  maxW = Math.max(maxW, 1e-9);
  const ns = "http://www.w3.org/2000/svg";
  const frag = document.createDocumentFragment();
  st.layers.forEach((l, li) => {
    l.weights.forEach((row, i) => {
      row.forEach((w, j) => {
        const a = cols[li][i], b = cols[li + 1][j];
        if (!a || !b) return;
        const x1 = a[0] + a[2], y1 = a[1] + a[3] / 2, x2 = b[0], y2 = b[1] + b[3] / 2;
        const mx = (x1 + x2) / 2;
        const d = "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2;
        const hit = document.createElementNS(ns, "path");
        hit.setAttribute("d", d); hit.setAttribute("class", "hit");
        hit.dataset.layer = li + 1; hit.dataset.from = i + 1; hit.dataset.to = j + 1;
        const t = document.createElementNS(ns, "title");
        t.textContent = "Weight " + fmt(w) + " (layer " + (li + 1) + ", input " + (i + 1) + " → neuron " + (j + 1) + "): click for its chain rule";
        hit.appendChild(t);
        hit.addEventListener("click", () => openExplain(li + 1, i + 1, j + 1));
        const p = document.createElementNS(ns, "path");
        p.setAttribute("d", d);
        const sel = app.explain && app.explain.layer === li + 1 && app.explain.from === i + 1 && app.explain.to === j + 1;
        p.setAttribute("class", "edge" + (sel ? " selected" : ""));
        const m = Math.abs(w || 0) / maxW;
        p.setAttribute("stroke", rgb(w >= 0 ? BLUE : ORANGE));
        p.setAttribute("stroke-width", String(0.6 + 5.4 * m));
        p.setAttribute("stroke-opacity", String(0.25 + 0.7 * m));
        frag.append(hit, p);
      });
    });
  });
  svg.replaceChildren(frag);
}

// ---------- output ----------

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return (+v.toPrecision(4)).toString();
}

function render() {
  const st = app.state;
  if (!st) return;
  $("epoch").textContent = st.epoch.toLocaleString("en-US");
  document.title = progressTitle(st) || PAGE_TITLE; // link.js
  $("run").classList.toggle("running", app.running);
  $("train-loss").textContent = fmt(st.train_loss);
  $("test-loss").textContent = st.test_size ? fmt(st.test_loss) : "–";
  const accLabel = $("test-acc").previousElementSibling;
  if (st.task === "classification") {
    const acc = st.test_size ? st.test_accuracy : st.train_accuracy;
    accLabel.textContent = st.test_size ? "Test accuracy" : "Train accuracy";
    $("test-acc").textContent = acc === null ? "–" : (acc * 100).toFixed(1) + "%";
  } else {
    accLabel.textContent = st.test_size ? "Test R²" : "Train R²";
    $("test-acc").textContent = fmt(st.r2);
  }
  $("rmse-cell").hidden = st.task === "classification";
  $("rmse").textContent = fmt(st.rmse);
  $("rmse").previousElementSibling.textContent = st.test_size ? "Test RMSE" : "Train RMSE";
  const warn = $("warnings");
  warn.replaceChildren(...(st.warnings || []).map((w) => el("p", "", w)));
  warn.hidden = !(st.warnings && st.warnings.length);
  if (st.diverged) showBanner(st.diverged);
  clampSample();
  const key = topologyKey(st);
  if (key !== app.topology) {
    app.topology = key;
    buildNetwork(st);
  }
  drawNeurons(st);
  drawEdges();
  drawChart(st);
  drawPlot(st);
  syncControls();
}

// drawChart draws the training and test loss against the epoch, on a
// log scale: the interesting part of a run is the last orders of magnitude.
function drawChart(st) {
  const c = $("chart");
  const dpr = fitCanvas(c);
  const ctx = c.getContext("2d");
  const W = c.width, H = c.height, padL = 40 * dpr, pad = 8 * dpr, padB = 14 * dpr;
  ctx.clearRect(0, 0, W, H);
  const h = st.history;
  const series = [[h.train, "#3d4451"], [h.test, "#f59322"]].filter((s) => s[0] && s[0].length);
  let lo = Infinity, hi = -Infinity;
  for (const [s] of series) for (const v of s) if (v !== null && v > 0 && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > 0)) { lo = 0.1; hi = 1; }
  let top = Math.ceil(Math.log10(hi)), bottom = Math.floor(Math.log10(lo));
  if (top === bottom) bottom = top - 1;
  const n = h.epochs.length, last = Math.max(1, h.epochs[n - 1] || 1);
  const X = (e) => padL + (W - padL - pad) * (e / last);
  const Y = (v) => pad + (H - pad - padB) * (top - Math.log10(Math.max(v, 1e-300))) / (top - bottom);
  ctx.font = (10 * dpr) + "px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  ctx.textAlign = "right";
  const step = Math.max(1, Math.ceil((top - bottom) / 4));
  for (let k = top; k >= bottom; k -= step) {
    const y = Y(Math.pow(10, k));
    ctx.strokeStyle = "#eceef2"; ctx.lineWidth = dpr;
    ctx.beginPath(); ctx.moveTo(padL, y); ctx.lineTo(W - pad, y); ctx.stroke();
    ctx.fillStyle = "#8a93a3";
    ctx.fillText("1e" + k, padL - 6 * dpr, y);
  }
  ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
  ctx.fillText("0", padL, H - 2 * dpr);
  ctx.textAlign = "right";
  ctx.fillText("epoch " + last.toLocaleString("en-US"), W - pad, H - 2 * dpr);
  for (const [s, colour] of series) {
    ctx.strokeStyle = colour; ctx.lineWidth = 1.8 * dpr; ctx.lineJoin = "round";
    ctx.beginPath();
    s.forEach((v, i) => {
      const x = X(h.epochs[i]), y = Y(v || 1e-300);
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    });
    ctx.stroke();
  }
}

// niceTicks returns about n round numbers between lo and hi.
function niceTicks(lo, hi, n) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((k) => k >= raw) || 10 * mag;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) out.push(Math.abs(t) < 1e-12 * span ? 0 : +t.toPrecision(12));
  return out;
}

// drawAxes writes numbers along the bottom (x) and left (y) edges of the
// plot, so that a reader can tell where each point and value lies.
function drawAxes(ctx, W, H, dpr, x0, x1, y0, y1, px, py) {
  ctx.save();
  ctx.font = (10 * dpr) + "px system-ui, sans-serif";
  ctx.fillStyle = "rgba(29,35,48,.7)";
  ctx.strokeStyle = "rgba(29,35,48,.35)";
  ctx.lineWidth = dpr;
  ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  for (const t of niceTicks(x0, x1, 5)) {
    const x = px(t);
    if (x < 14 * dpr || x > W - 14 * dpr) continue;
    ctx.beginPath(); ctx.moveTo(x, H); ctx.lineTo(x, H - 4 * dpr); ctx.stroke();
    ctx.fillText(fmt(t), x, H - 5 * dpr);
  }
  ctx.textAlign = "left"; ctx.textBaseline = "middle";
  for (const t of niceTicks(y0, y1, 5)) {
    const y = py(t);
    if (y < 10 * dpr || y > H - 18 * dpr) continue;
    // No tick mark on the left: drawn before the number it reads as a
    // minus sign.
    ctx.fillText(fmt(t), 4 * dpr, y);
  }
  ctx.restore();
}

// drawScale writes the numbers of the colour bar under the plot: the
// probability of class 1 for two classes, the target's range for a
// regression, or the previewed neuron's output range.
function drawScale(st, lo, hi, title) {
  $("scale-lo").textContent = fmt(lo);
  $("scale-hi").textContent = fmt(hi);
  $("scale-title").textContent = title;
}

function drawPlot(st) {
  const c = $("plot");
  const dpr = fitCanvas(c);
  const ctx = c.getContext("2d");
  const W = c.width, H = c.height;
  const v = st.view;
  $("noview").hidden = !!v;
  c.style.display = v ? "block" : "none";
  const pv = v && app.preview && app.preview.layer <= st.layers.length ? app.preview : null;
  $("preview-label").hidden = !pv;
  // The orange–blue bar reads only for two classes, a regression or a
  // previewed neuron.
  $("scale-box").style.visibility = v && (pv || (v.dims === 2 && !v.class)) ? "visible" : "hidden";
  if (!v) return;
  const [x0, x1, y0, y1] = v.bounds;
  const px = (x) => (x - x0) / (x1 - x0) * W, py = (y) => H - (y - y0) / (y1 - y0) * H;
  const showTest = $("show-test").checked;
  const pts = app.points;
  if (pv) {
    // A neuron's map, large: the same colours as its thumbnail.
    const { values, act } = neuronValues(st, pv.layer, pv.j);
    const sc = neuronScale(act, values);
    const name = pv.layer === 0 ? "Input " + ((st.inputs && st.inputs[pv.j]) || "x" + (pv.j + 1)) : (pv.layer === st.layers.length ? "Output" : "Hidden layer " + pv.layer) + ", neuron " + (pv.j + 1);
    $("preview-label").textContent = name + (pv.pinned ? " — tap the plot or the neuron again to go back" : "");
    let lo = Infinity, hi = -Infinity;
    for (const x of values) if (x !== null) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    drawScale(st, lo, hi, "output of " + (pv.layer === 0 ? "this input" : "this neuron (" + act + ")"));
    if (v.dims === 2) {
      heatmap(ctx, v.neuron_n, neuronColour(st, pv.layer, pv.j, sc, values));
    } else {
      ctx.fillStyle = "#fafbfc"; ctx.fillRect(0, 0, W, H);
      ctx.strokeStyle = rgb(BLUE); ctx.lineWidth = 3 * dpr; ctx.beginPath();
      values.forEach((y, i) => {
        const X = (i + 0.5) / values.length * W, Y = H * (0.5 - 0.42 * Math.max(-1, Math.min(1, sc(y))));
        i ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y);
      });
      ctx.stroke();
    }
    drawAxes(ctx, W, H, dpr, x0, x1, v.dims === 2 ? y0 : -1, v.dims === 2 ? y1 : 1, px, v.dims === 2 ? py : (y) => H * (0.5 - 0.42 * y));
    return;
  }
  if (v.dims === 2) {
    const multi = !!v.class;
    if (st.task === "classification") {
      const names = st.class_names || ["0", "1"];
      drawScale(st, 0, 1, "probability of class " + (names[1] || "1") + " (orange: class " + (names[0] || "0") + ")");
    } else {
      const [lo, hi] = targetRange();
      drawScale(st, lo, hi, "prediction");
    }
    heatmap(ctx, v.n, (i) => {
      if (multi) {
        const k = v.class[i], conf = v.output[i];
        const lo = 1 / Math.max(2, st.class_names ? st.class_names.length : 3);
        return mix(MID, CLASS_COLOURS[k % CLASS_COLOURS.length], Math.max(0, (conf - lo) / (1 - lo)) * 0.62);
      }
      if (st.task === "classification") return diverging((2 * v.output[i] - 1) * 0.62);
      return diverging(regScale(st, v.output[i]) * 0.62);
    });
    // Axes through the origin.
    ctx.strokeStyle = "rgba(0,0,0,.12)"; ctx.lineWidth = dpr;
    if (x0 < 0 && x1 > 0) { ctx.beginPath(); ctx.moveTo(px(0), 0); ctx.lineTo(px(0), H); ctx.stroke(); }
    if (y0 < 0 && y1 > 0) { ctx.beginPath(); ctx.moveTo(0, py(0)); ctx.lineTo(W, py(0)); ctx.stroke(); }
    if (pts) {
      const r = 3.6 * dpr;
      pts.x.forEach((p, i) => {
        const test = pts.test[i];
        if (test && !showTest) return;
        const k = pts.y[i];
        const col = st.task === "classification" ? CLASS_COLOURS[k % CLASS_COLOURS.length] : diverging(regScale(st, k));
        ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), r, 0, 7);
        ctx.fillStyle = rgb(col);
        ctx.strokeStyle = test ? "#1d2330" : "#ffffff";
        ctx.lineWidth = (test ? 1.4 : 1.1) * dpr;
        ctx.fill(); ctx.stroke();
      });
    }
    drawAxes(ctx, W, H, dpr, x0, x1, y0, y1, px, py);
    return;
  }
  // 1-D: the data and the network's curve.
  drawScale(st, 0, 0, "");
  ctx.fillStyle = "#fafbfc"; ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = "#e3e6eb"; ctx.lineWidth = dpr;
  if (y0 < 0 && y1 > 0) { ctx.beginPath(); ctx.moveTo(0, py(0)); ctx.lineTo(W, py(0)); ctx.stroke(); }
  if (x0 < 0 && x1 > 0) { ctx.beginPath(); ctx.moveTo(px(0), 0); ctx.lineTo(px(0), H); ctx.stroke(); }
  if (pts) {
    pts.x.forEach((p, i) => {
      const test = pts.test[i];
      if (test && !showTest) return;
      ctx.beginPath(); ctx.arc(px(p[0]), py(pts.y[i]), (pts.x.length === 1 ? 7 : 3.4) * dpr, 0, 7);
      ctx.fillStyle = rgb(ORANGE); ctx.strokeStyle = test ? "#1d2330" : "#fff"; ctx.lineWidth = 1.2 * dpr;
      ctx.fill(); ctx.stroke();
    });
  }
  ctx.strokeStyle = rgb(BLUE); ctx.lineWidth = 3 * dpr; ctx.lineJoin = "round";
  ctx.beginPath();
  v.output.forEach((y, i) => {
    const x = x0 + (i + 0.5) / v.n * (x1 - x0);
    const Y = Math.max(y0 - (y1 - y0), Math.min(y1 + (y1 - y0), y));
    i ? ctx.lineTo(px(x), py(Y)) : ctx.moveTo(px(x), py(Y));
  });
  ctx.stroke();
  drawAxes(ctx, W, H, dpr, x0, x1, y0, y1, px, py);
  ctx.fillStyle = "rgba(29,35,48,.55)"; ctx.font = (10 * dpr) + "px system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.fillText("x →", W - 6 * dpr, H - 18 * dpr);
  ctx.textAlign = "left";
  if (pts && pts.x.length === 1) {
    // Interpolate between the curve's points, which sit at cell centres.
    const u = Math.max(0, Math.min(v.n - 1.001, v.n * (pts.x[0][0] - x0) / (x1 - x0) - 0.5));
    const k = Math.floor(u), pred = v.output[k] + (u - k) * (v.output[k + 1] - v.output[k]);
    ctx.fillText("prediction " + fmt(pred) + " · target " + fmt(pts.y[0]), 40 * dpr, 14 * dpr);
  }
}

// targetRange is the lowest and highest target of the data.
function targetRange() {
  const pts = app.points;
  let lo = Infinity, hi = -Infinity;
  if (pts) for (const v of pts.y) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return [lo, hi];
}

// regScale maps a regression value into [-1, 1] over the data's range.
function regScale(st, y) {
  const pts = app.points;
  if (!pts) return 0;
  let lo = Infinity, hi = -Infinity;
  for (const v of pts.y) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return hi > lo ? 2 * (y - lo) / (hi - lo) - 1 : 0;
}

// ---------- explain ----------

function openExplain(layer, from, to) {
  app.explain = { layer, from, to };
  $("explain").hidden = false;
  drawEdges();
  loadExplain();
  $("explain").scrollIntoView({ behavior: "smooth", block: "nearest" });
}

let explainSeq = 0;
async function loadExplain() {
  if (!app.explain) return;
  const { layer, from, to } = app.explain;
  const seq = ++explainSeq;
  const sample = clampSample();
  try {
    const e = await api("GET", "/api/sessions/" + app.id + "/explain?layer=" + layer + "&from=" + from + "&to=" + to + "&sample=" + sample);
    if (seq === explainSeq) { app.explainEpoch = e.epoch; renderExplain(e); }
  } catch (err) {
    if (lost(err)) { handleError(err); return; }
    if (seq === explainSeq) $("explain-body").innerHTML = "<p class='error'></p>", $("explain-body").firstChild.textContent = err.message;
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function factor(sym, val, why, result) {
  const f = el("div", "factor" + (result ? " result" : ""));
  f.append(el("div", "sym", sym), el("div", "val", fmt(val)), el("div", "why", why));
  return f;
}

function renderExplain(e) {
  const st = e.step;
  const L = st.layers[e.layer - 1];
  const n = L.neurons[e.to - 1];
  const w = e.from === 0 ? n.bias : n.weights[e.from - 1];
  const isOut = L.output;
  const name = e.from === 0 ? "b" + sub(e.to) + sup(e.layer) : "w" + sub(e.from + "," + e.to) + sup(e.layer);
  $("explain-title").textContent = "Chain rule of " + name + (e.from === 0 ? " — bias of neuron " + e.to + " in layer " + e.layer : " — input " + e.from + " → neuron " + e.to + " in layer " + e.layer) + " · epoch " + e.epoch;
  const body = $("explain-body");
  body.innerHTML = "";

  const fwd = el("dl", "rows");
  const add = (k, v) => { fwd.append(el("dt", "", k), el("dd", "", v)); };
  add("sample " + e.sample, "x = [" + st.input.map(fmt).join(", ") + "], target = [" + st.target.map(fmt).join(", ") + "]");
  const terms = n.weights.map((ww, i) => fmt(n.inputs[i]) + "·" + fmt(ww.old));
  if (n.bias) terms.push(fmt(n.bias.old));
  add("sop = Σ x·w" + (n.bias ? " + b" : ""), terms.join(" + ") + " = " + fmt(n.sop));
  add("a = " + L.activation + "(sop)", fmt(n.activation));
  const out = st.layers[st.layers.length - 1];
  const outs = out.neurons.map((k) => fmt(k.activation));
  const probs = (e.prediction || []).map(fmt);
  const through = isOut ? "" : " (through the layers above)";
  if (app.state && app.state.task === "classification" && probs.join() !== outs.join()) {
    // The output layer gives logits; the loss turns them into probabilities.
    add("prediction p", "[" + probs.join(", ") + "]" + through);
    add("output (logits)", "[" + outs.join(", ") + "] → " + (probs.length > 1 ? "softmax" : "sigmoid") + " → p");
  } else {
    add("prediction", "[" + outs.join(", ") + "]" + through);
  }
  add("error E (" + st.loss + ")", fmt(st.error));
  body.appendChild(fwd);

  const chain = el("div", "chain");
  const d = isOut && e.delta;
  if (d) {
    // The output's own derivative: with these pairs the activation's and
    // the loss's derivatives cancel to p − y.
    const k = e.to - 1;
    chain.append(factor("dE/dsop = p − y", n.dE_dsop, d.rule + ": " + fmtProb(d.p[k]) + " − " + fmt(d.y[k]) + " = " + fmt(d.p[k] - d.y[k])));
  } else {
    chain.append(factor("dE/da", n.dE_da, isOut ? "dE/dpred: how the error moves with this output" : "back from the next layer (below)"));
  }
  if (d) {
    // nothing more: p − y is dE/dsop itself
  } else if (n.da_dsop !== undefined && n.da_dsop !== null) {
    chain.append(el("span", "op", "×"), factor("da/dsop", n.da_dsop, L.activation + "′(" + fmt(n.sop) + ")"));
  } else {
    chain.append(el("span", "op", "→"), factor("dE/dsop", n.dE_dsop, "softmax: through its full Jacobian"));
  }
  chain.append(el("span", "op", "×"), factor("dsop/d" + (e.from === 0 ? "b" : "w"), w.dsop_dw, e.from === 0 ? "a bias multiplies 1" : "the input it multiplies"));
  chain.append(el("span", "op", "="), factor("dE/d" + (e.from === 0 ? "b" : "w"), w.gradient, "the gradient", true));
  body.appendChild(chain);
  if (!isOut) {
    const next = st.layers[e.layer];
    const parts = next.neurons.map((k) => fmt(k.dE_dsop) + "·" + fmt(k.weights[e.to - 1].old));
    const back = el("dl", "rows");
    back.append(el("dt", "", "dE/da = Σₖ dE/dsopₖ·wₖ"), el("dd", "", parts.join(" + ") + " = " + fmt(n.dE_da)));
    if (e.delta) {
      const dd = e.delta;
      back.append(el("dt", "", "output dE/dsop = p − y"), el("dd", "", dd.rule + ": [" + dd.p.map((p, k) => fmtProb(p) + " − " + fmt(dd.y[k])).join(", ") + "] = [" + dd.dE_dsop.map(fmt).join(", ") + "]"));
    }
    body.appendChild(back);
  }

  const up = el("div", "update");
  up.append(el("span", "", name + ":"), el("b", "", fmt(w.old)), el("span", "arrow", "− " + fmt(st.learning_rate) + " × " + fmt(w.gradient) + " →"), el("b", "", fmt(w.new)));
  body.appendChild(up);
  if (e.note) body.appendChild(el("p", "note", e.note));
}

// fmtProb writes a probability so that one within a thousandth of 1 does
// not read as 1: p − y would then look like 1 − 1 ≠ 0.
function fmtProb(p) {
  return p > 0.999 && p < 1 ? "(1 − " + fmt(1 - p) + ")" : fmt(p);
}

function sub(s) { const m = { "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉", ",": "," }; return String(s).split("").map((c) => m[c] || c).join(""); }
function sup(s) { const m = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" }; return "⁽" + String(s).split("").map((c) => m[c] || c).join("") + "⁾"; }

start();
