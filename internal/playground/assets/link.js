// descent playground: share links and the progress title, in both modes.
// A link's fragment carries every setting (the settings object the page
// sends, one parameter per field, named as in its JSON, with layers=4,4
// act=tanh,tanh for the hidden layers — or descent train's -layers syntax,
// layers=dense:8:relu,dropout:0.2,4 — and lr for the learning rate) and,
// with run=1, starts training. These functions are pure: app.js calls them.
"use strict";

// LINK_ALIASES are short or older names a link may use for a field.
const LINK_ALIASES = {
  layers: "hidden", lr: "learning_rate",
  data: "dataset", n: "samples", test: "test_ratio", opt: "optimizer", batch: "batch_size", out: "output",
};
const LINK_SHORT = { hidden: "layers", learning_rate: "lr" };

function linkValue(v) {
  return encodeURIComponent(String(v)).replace(/%2C/g, ",");
}

// shareHash writes settings as a link fragment (without "#"); fields are
// the config's setting_fields. run adds run=1.
function shareHash(settings, fields, run) {
  const parts = [];
  for (const { name, kind } of fields) {
    const v = settings[name];
    if (v === undefined || v === null || v === "") continue;
    const key = LINK_SHORT[name] || name;
    if (kind === "layers") {
      parts.push("layers=" + linkValue(v.map((l) => l.units).join(",")));
      if (v.length) parts.push("act=" + linkValue(v.map((l) => l.activation).join(",")));
    } else if (kind === "list" || kind === "numbers") {
      parts.push(key + "=" + linkValue(v.join(",")));
    } else if (kind === "json") {
      parts.push(key + "=" + encodeURIComponent(JSON.stringify(v)));
    } else {
      parts.push(key + "=" + linkValue(v));
    }
  }
  if (run) parts.push("run=1");
  return parts.join("&");
}

// parseShare reads a link fragment. It returns the changes it found, each
// {text, apply(settings)}, in the link's order; run, whether the link asks
// to start training; and problems, one sentence per parameter it could not
// read (that parameter is ignored, the others still apply).
function parseShare(hash, fields) {
  const kinds = {};
  for (const f of fields) kinds[f.name] = f.kind;
  const out = { changes: [], run: false, problems: [] };
  const params = [];
  for (const part of hash.replace(/^[#?]/, "").split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    let key = i < 0 ? part : part.slice(0, i), value = i < 0 ? "" : part.slice(i + 1);
    try {
      key = decodeURIComponent(key.replace(/\+/g, " "));
      value = decodeURIComponent(value.replace(/\+/g, " "));
    } catch (e) {
      out.problems.push(part + " is not valid link text");
      continue;
    }
    params.push([key, value]);
  }
  const acts = params.filter(([k]) => k === "act" || k === "activations").map(([, v]) => v).pop();
  let sawLayers = false;
  for (const [key, value] of params) {
    const text = key + "=" + value;
    if (key === "run") {
      if (value === "1" || value === "true") out.run = true;
      else if (value !== "0" && value !== "false") out.problems.push(text + ": run is 1 or 0");
      continue;
    }
    if (key === "act" || key === "activations") continue; // read with layers
    const name = LINK_ALIASES[key] || key;
    const kind = kinds[name];
    if (!kind) {
      out.problems.push(text + ": " + key + " is not a setting");
      continue;
    }
    const bad = (why) => out.problems.push(text + ": " + why);
    let v;
    switch (kind) {
      case "int":
        if (!/^-?\d+$/.test(value.trim())) { bad("not a whole number"); continue; }
        v = parseInt(value, 10);
        break;
      case "float":
        v = Number(value);
        if (value.trim() === "" || !Number.isFinite(v)) { bad("not a number"); continue; }
        break;
      case "bool":
        if (value !== "true" && value !== "false" && value !== "1" && value !== "0") { bad("not true or false"); continue; }
        v = value === "true" || value === "1";
        break;
      case "list":
        v = value.trim() === "" ? [] : value.split(",");
        break;
      case "numbers":
        v = value.trim() === "" ? [] : value.split(",").map(Number);
        if (v.some((x) => !Number.isFinite(x))) { bad("not a list of numbers"); continue; }
        break;
      case "layers": {
        const layers = parseLayers(value, acts === undefined ? [] : acts.split(","));
        if (layers.error) { bad(layers.error); continue; }
        v = layers.hidden;
        sawLayers = true;
        if (layers.dropout !== undefined && kinds.dropout) {
          if (layers.mixed) out.problems.push(text + ": the playground puts one dropout rate after every hidden layer; it uses " + layers.dropout);
          const p = layers.dropout;
          out.changes.push({ text: "dropout:" + p, apply: (s) => { s.dropout = p; } });
        }
        break;
      }
      case "json":
        try { v = JSON.parse(value); } catch (e) { bad("not JSON"); continue; }
        break;
      default:
        v = value;
    }
    out.changes.push({ text, apply: (s) => { s[name] = structuredClone(v); } });
  }
  if (acts !== undefined && !sawLayers) {
    // Activations without layers: give the current layers these.
    const a = acts.split(",");
    out.changes.push({ text: "act=" + acts, apply: (s) => { s.hidden = (s.hidden || []).map((l, j) => ({ units: l.units, activation: a[j] || a[a.length - 1] })); } });
  }
  return out;
}

// parseLayers reads a link's layers in the syntax of `descent train
// -layers`, as far as the playground's networks go: a bare neuron count or
// dense:N[:ACT] for a hidden layer, and dropout:P (one rate, after every
// hidden layer). acts gives the activations of layers that name none. It
// returns {hidden, dropout, mixed} or {error}.
function parseLayers(value, acts) {
  const hidden = [];
  let dropout, mixed = false;
  for (const raw of value.trim() === "" ? [] : value.split(",")) {
    const item = raw.trim().toLowerCase();
    let m;
    if ((m = /^(?:dense:)?(\d+)(?::([a-z_]+))?$/.exec(item))) {
      const j = hidden.length;
      hidden.push({ units: parseInt(m[1], 10), activation: m[2] || acts[j] || acts[acts.length - 1] || "tanh" });
    } else if ((m = /^dropout:([0-9]*\.?[0-9]+)$/.exec(item))) {
      const p = Number(m[1]);
      if (dropout !== undefined && dropout !== p) mixed = true;
      dropout = p;
    } else {
      const kind = item.split(":")[0];
      const why = ["conv", "maxpool", "avgpool", "batchnorm"].includes(kind)
        ? kind + " layers are for descent train; the playground takes dense layers and dropout"
        : "layers is a list such as 4,4 or dense:8:relu,dropout:0.2,4 (as descent train -layers)";
      return { error: why };
    }
  }
  return { hidden, dropout, mixed };
}

// applyChanges returns base with the changes applied, base untouched.
function applyChanges(base, changes) {
  const s = structuredClone(base);
  for (const c of changes) c.apply(s);
  return s;
}

// progressTitle is the tab title while a run has started: epoch and test
// accuracy (train accuracy without test data), or the test loss for a
// regression; "" before the first epoch.
function progressTitle(st) {
  if (!st || !st.epoch) return "";
  const num = (v) => {
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(+v.toPrecision(4));
  };
  const epoch = "epoch " + st.epoch.toLocaleString("en-US");
  if (st.task === "classification") {
    const acc = st.test_size ? st.test_accuracy : st.train_accuracy;
    if (acc !== null && acc !== undefined) return epoch + " · " + (st.test_size ? "test" : "train") + " accuracy " + Math.round(acc * 1000) / 10 + "%";
  }
  const l = st.test_size ? st.test_loss : st.train_loss;
  return epoch + " · " + (st.test_size ? "test" : "train") + " loss " + (l === null || l === undefined ? "–" : num(l));
}

// PAGE_TITLE is the tab title before training starts.
const PAGE_TITLE = document.title;

// openLink applies a link fragment on the page: it creates the session
// (or, when one exists, resets it) with the link's settings, reports each
// parameter it had to ignore, and starts training for run=1. It uses
// api, accept, action, showBanner and resetTimer from app.js.
async function openLink(hash) {
  const h = hash.replace(/^#/, "");
  // Once a session runs, an empty fragment (a click on href="#") or the
  // page's own settings are no new link.
  if (app.id && (!h || h === shareHash(app.settings, cfg.setting_fields))) return;
  // The link replaces a change of the page's not sent yet (app.js).
  clearTimeout(resetTimer);
  resetTimer = null;
  const link = parseShare(h, cfg.setting_fields);
  const problems = link.problems.slice();
  const send = async (s) => {
    const st = app.id ? await api("PUT", "/api/sessions/" + app.id, { settings: s }) : await api("POST", "/api/sessions", { settings: s });
    app.id = st.id;
    return st;
  };
  let st;
  try {
    st = await send(applyChanges(cfg.defaults, link.changes));
  } catch (e) {
    if (!link.changes.length || e.status !== 400) throw e;
    // Some parameter is out of range: apply them one at a time and keep
    // each that the engine accepts.
    let settings = structuredClone(cfg.defaults);
    st = await send(settings);
    for (const c of link.changes) {
      const next = applyChanges(settings, [c]);
      try {
        st = await send(next);
        settings = next;
      } catch (err) {
        problems.push(c.text + ": " + err.message);
      }
    }
  }
  accept(st);
  showBanner(problems.length ? "This link's " + problems.join("; ") + (problems.length === 1 ? " — that parameter was" : " — those parameters were") + " ignored; the others apply." : "");
  if (link.run) await action("/run?speed=" + $("speed").value);
}
