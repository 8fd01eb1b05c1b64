"""The drag bridge's JavaScript, as text: the served page opens no file
(tests/test_security.py), so the script ships as a constant."""

JS = r"""
// The drag bridge: while one of the page's own sliders named in the payload
// (the learning rate's; the momentum-like hyperparameter's) is dragged, the
// live run's path, loss curve and data-view line follow it, from runs the
// server computed at every stop, with no round trip. Streamlit's slider sends
// its value only on release (that rerun redraws every chart exactly); while it
// moves it only updates its aria-valuetext, watched here.
//
// Hand-written because no library does this. Measured in Chromium on this
// machine: Plotly.restyle of one path over the contour takes 160-380 ms per
// event (plotly.js recomputes the whole figure, contour included), and
// Plotly.animate with redraw:false drops the contour. So the charts stay
// Streamlit's own st.plotly_chart (clicks, selections and AppTest keep
// working), and during a drag the live traces are hidden and redrawn on a
// canvas laid over each chart's plot area, in the chart's own axis
// coordinates (plotly.js's c2p), style and clip: about a millisecond.
//
// It also carries the contour's clicks to Python (trigger value "start"): the
// point under the pointer and the view's box, in data units (p2d).
//
// A slider's family comes on request: its element names the slider with no
// stops until the pointer comes over it or it takes the focus, when the
// bridge asks for it (trigger value "want", which reruns only the families'
// fragment). A press before it arrives is drawn from the moment it does.

const PARTS = ["casing", "path", "ends", "loss", "fit"];

function decode(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

function unpack(stop) {
  const out = { label: stop.label };
  for (const k of ["steps", "w1", "w2", "loss", "fit"]) out[k] = decode(stop[k]);
  return out;
}

function dash(style, width) {
  const w = Math.max(width, 1);
  return { dot: [w, 2 * w], dash: [4 * w, 2 * w], longdash: [8 * w, 3 * w],
           dashdot: [4 * w, 2 * w, w, 2 * w] }[style] || [];
}

// The chart's traces for the live run, and a canvas over its plot area.
function layer(state, gd) {
  let found = state.layers.get(gd);
  if (found) return found;
  const live = [];
  // _fullData: the traces as plotly.js drew them, arrays decoded and every
  // style default filled in; a trace hidden from the legend stays hidden.
  (gd._fullData || []).forEach((trace, i) => {
    const tag = trace.meta;
    if (trace.visible !== true) return;
    if (tag && tag.slot === 0 && PARTS.includes(tag.part)) {
      live.push([i, trace, tag.part]);
    }
  });
  const box = gd.querySelector(".svg-container");
  if (!live.length || !box || !gd._fullLayout) return null;
  const canvas = document.createElement("canvas");
  const fl = gd._fullLayout, ratio = window.devicePixelRatio || 1;
  canvas.width = fl.width * ratio; canvas.height = fl.height * ratio;
  Object.assign(canvas.style, { position: "absolute", left: "0", top: "0",
    width: fl.width + "px", height: fl.height + "px", pointerEvents: "none" });
  canvas.className = "landscape-drag";
  canvas.getContext("2d").scale(ratio, ratio);
  box.appendChild(canvas);
  // The old step's arrows, ellipse and exit marks belong to the old path.
  const hidden = [...gd.querySelectorAll(".shapelayer, .annotation")];
  for (const [i] of live) {
    const cd = gd.calcdata && gd.calcdata[i];
    if (cd && cd[0] && cd[0].node3) hidden.push(cd[0].node3.node());
  }
  for (const el of hidden) el.style.visibility = "hidden";
  found = { canvas, live, hidden };
  state.layers.set(gd, found);
  return found;
}

function draw(gd, { canvas, live }, run) {
  const fl = gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis, s = fl._size;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, fl.width, fl.height);
  ctx.save();
  ctx.beginPath(); ctx.rect(s.l, s.t, s.w, s.h); ctx.clip();
  const px = (v) => s.l + xa.c2p(v), py = (v) => s.t + ya.c2p(v);
  const n = run.w1.length;
  for (const [, trace, part] of live) {
    let xs, ys;
    if (part === "path" || part === "casing") { xs = run.w1; ys = run.w2; }
    else if (part === "ends") {
      xs = [run.w1[0], run.w1[n - 1]];
      ys = [run.w2[0], run.w2[n - 1]];
    }
    else if (part === "loss") { xs = run.steps; ys = run.loss; }
    else { xs = trace.x; ys = run.fit; }
    const line = trace.line || {}, marker = trace.marker || {};
    ctx.globalAlpha = trace.opacity === undefined ? 1 : trace.opacity;
    if (part !== "ends" && (trace.mode || "lines").includes("lines")) {
      ctx.strokeStyle = line.color || marker.color || "#000";
      ctx.lineWidth = line.width || 2;
      ctx.setLineDash(dash(line.dash, ctx.lineWidth));
      ctx.beginPath();
      let pen = false;
      for (let k = 0; k < xs.length; k++) {
        const x = px(xs[k]), y = py(ys[k]);
        if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
        pen ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
        pen = true;
      }
      ctx.stroke();
    }
    if (part === "ends" || (part === "fit" && !(trace.mode || "").includes("lines"))) {
      ctx.setLineDash([]);
      const size = (Array.isArray(marker.size) ? marker.size[0] : marker.size) || 8;
      for (let k = 0; k < xs.length; k++) {
        const x = px(xs[k]), y = py(ys[k]);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        ctx.beginPath();
        ctx.arc(x, y, size / 2, 0, 2 * Math.PI);
        ctx.lineWidth = 2;
        // The start is an open circle, the end a filled one, as drawn by Plotly.
        const open = part === "ends" && k === 0;
        ctx.fillStyle = ctx.strokeStyle = marker.color || "#000";
        if (!open) ctx.fill();
        if (part === "ends") {
          ctx.strokeStyle = open ? marker.color : "#000";
          ctx.stroke();
        }
      }
    }
  }
  ctx.restore();
}

// The slider `label` shows `text`: draw the live run at that stop.
function swap(state, label, text, since) {
  const stops = state.drag && state.drag.knobs[label];
  const stop = stops && stops[text];
  if (!stop) return;
  const key = label + "\u0000" + text;
  const run = state.cache[key] || (state.cache[key] = unpack(stop));
  for (const gd of document.querySelectorAll(".js-plotly-plot")) {
    if (gd.layout && gd.layout.updatemenus) continue; // playback animates itself
    const found = layer(state, gd);
    if (found) draw(gd, found, run);
  }
  state.shown = text;
  state.shownBy = label;
  state.swaps += 1;
  requestAnimationFrame(() => state.times.push(performance.now() - since));
}

// Back to the charts as drawn: a new render brings the chosen rate's own traces.
function reset(state) {
  for (const { canvas, hidden } of state.layers.values()) {
    canvas.remove();
    for (const el of hidden) el.style.visibility = "";
  }
  state.layers = new Map();
}

// A click on the contour's plot area: where, in data units, and the view.
function clicked(state, gd, ev) {
  const e = ev && ev.event, fl = gd._fullLayout;
  const area = gd.querySelector('.nsewdrag[data-subplot="xy"]');
  if (!state.clickable || !e || !fl || !area) return;
  const r = area.getBoundingClientRect();
  const px = e.clientX - r.left, py = e.clientY - r.top;
  if (px < 0 || py < 0 || px > r.width || py > r.height) return;
  const xr = fl.xaxis.range, yr = fl.yaxis.range;
  state.clicks += 1;
  state.trigger("start", { w1: fl.xaxis.p2d(px), w2: fl.yaxis.p2d(py),
                           box: [xr[0], xr[1], yr[0], yr[1]] });
}

// The chart under a pointer press: if it is the contour, listen to its clicks.
// Attached at the press (before plotly.js emits the click on release), as
// Streamlit may draw the chart after this component renders.
function hook(state, e) {
  const gd = e.target && e.target.closest && e.target.closest(".js-plotly-plot");
  if (!gd || gd.landscapeClicks || !gd.on) return;
  const surface = (gd._fullData || []).some(
    (t) => t.meta && t.meta.part === "surface");
  if (!surface) return;
  gd.landscapeClicks = true;
  gd.on("plotly_click", (ev) => clicked(state, gd, ev));
}

// A slider's text where it stands now.
function sliderText(label) {
  for (const el of document.querySelectorAll("[aria-valuetext][aria-label]")) {
    if (el.getAttribute("aria-label") !== label) continue;
    return el.getAttribute("aria-valuetext");
  }
  return null;
}

// Every family's slider and where it stands (the values the charts show when
// nothing is being dragged).
function positions(state) {
  const out = {};
  for (const label of Object.keys((state.drag && state.drag.knobs) || {})) {
    out[label] = sliderText(label);
  }
  return out;
}

function atCommitted(state) {
  const now = positions(state);
  return Object.keys(now).every((label) => now[label] === state.committed[label]);
}

// A run of the script ended: the charts now show the committed values.
function settled(state) {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    // A run that ended while a thumb is held is the families' fragment (a
    // release commits, and its run ends after it): the drag goes on.
    if (state.pressed) return;
    reset(state);
    commit(state);
  }));
}

// The name of the Streamlit slider an element is part of, or null. Only its
// own widget: walking up further reached the app's whole view, sidebar and
// all, so a pointer over the contour asked for the rate's family.
function sliderAt(target) {
  const widget = target && target.closest && target.closest('[data-testid="stSlider"]');
  const input = widget && widget.querySelector("[aria-valuetext][aria-label]");
  return input ? input.getAttribute("aria-label") : null;
}

// A pointer over a slider, or the focus on it: ask for its family once.
function ask(state, e) {
  const label = sliderAt(e.target);
  const wanted = label && state.pending[label];
  if (!wanted || wanted.asked) return;
  wanted.asked = true;
  wanted.trigger("want", label);
}

function commit(state) {
  state.committed = positions(state);
  state.shownBy = null;
  // The learning rate's text, as before there were two sliders.
  const lr = state.owned && state.owned.lr && state.owned.lr.labels[0];
  state.shown = (lr ? state.committed[lr] : Object.values(state.committed)[0]) ?? null;
}

function watch(state) {
  document.addEventListener("pointermove", (e) => { state.lastMove = e.timeStamp; },
    { capture: true, passive: true });
  document.addEventListener("pointerdown", (e) => {
    // Where every slider stands as a press begins: its committed value, for a
    // family that arrives mid-drag.
    state.pressed = true;
    state.downAt = {};
    for (const label of Object.keys(state.pending)) {
      state.downAt[label] = sliderText(label);
    }
    hook(state, e);
  }, { capture: true, passive: true });
  document.addEventListener("pointerover", (e) => ask(state, e),
    { capture: true, passive: true });
  document.addEventListener("focusin", (e) => ask(state, e), { capture: true });
  // Released where it was committed: no run follows, so undo the overlay now.
  const release = (e) => setTimeout(() => {
    if (e.type !== "keyup") state.pressed = false;
    if (state.layers.size && atCommitted(state)) settled(state);
  }, 0);
  document.addEventListener("pointerup", release, { capture: true, passive: true });
  document.addEventListener("pointercancel", release, { capture: true, passive: true });
  document.addEventListener("keyup", release, { capture: true, passive: true });
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if (r.attributeName === "data-test-script-state") {
        if (el.getAttribute("data-test-script-state") === "notRunning") settled(state);
        continue;
      }
      const label = el.getAttribute("aria-label");
      if (!(state.drag && state.drag.knobs[label])) continue;
      // Timed from the pointer move that caused it (a key press: from now).
      const text = el.getAttribute("aria-valuetext");
      // A slider that was not on the page at the last commit (an expander
      // opened since) appears at its committed value: not a drag.
      if (state.committed[label] == null) {
        state.committed[label] = text;
        continue;
      }
      // React sets it twice per move.
      if (text === (state.shownBy === label ? state.shown : state.committed[label])) {
        continue;
      }
      const now = performance.now();
      const since = now - state.lastMove < 100 ? state.lastMove : now;
      swap(state, label, text, since);
    }
  }).observe(document.body, {
    subtree: true, attributes: true,
    attributeFilter: ["aria-valuetext", "data-test-script-state"],
  });
}

// Elements (ui/drag.py): "click" carries the contour's clicks; "lr" and
// "hyper" one slider's family each, merged here into the page's state.
export default function ({ data, setTriggerValue }) {
  const state = window.landscapeDrag || (window.landscapeDrag = {
    times: [], swaps: 0, cache: {}, layers: new Map(), lastMove: 0, shown: null,
    shownBy: null, committed: {}, clicks: 0, drag: null, owned: {}, pending: {},
    pressed: false, arrivals: [], downAt: {},
  });
  const name = (data && data.name) || "lr";
  if (name === "click") {
    state.trigger = setTriggerValue;
    state.clickable = Boolean(data && data.clickable);
  }
  // A slider's family changes with the data, loss, start, steps, optimizer or
  // the other slider, never with its own committed value: then its element
  // runs again with new stops. Null: not trained until asked for.
  // The family comes as JSON text (family.payload_text: made once on the
  // server, where a dict was turned into JSON twice a run).
  const parsed = data && data.drag ? JSON.parse(data.drag) : null;
  const sent = (parsed && parsed.knobs) || {};
  const knobs = {};
  for (const [label, stops] of Object.entries(sent)) {
    if (stops) {
      knobs[label] = stops;
      delete state.pending[label];
    } else {
      const before = state.pending[label];
      state.pending[label] = { trigger: setTriggerValue,
                               asked: Boolean(before && before.asked) };
    }
  }
  const text = JSON.stringify(knobs);
  const before = state.owned[name];
  if (!before || before.text !== text) {
    const all = Object.assign({}, state.drag ? state.drag.knobs : {});
    const changed = new Set([...(before ? before.labels : []), ...Object.keys(knobs)]);
    for (const label of before ? before.labels : []) delete all[label];
    Object.assign(all, knobs);
    state.owned[name] = { text, labels: Object.keys(knobs) };
    for (const key of Object.keys(state.cache)) {
      if (changed.has(key.split("\u0000")[0])) delete state.cache[key];
    }
    state.drag = Object.keys(all).length ? { knobs: all } : null;
    for (const label of Object.keys(knobs)) state.arrivals.push(performance.now());
    if (state.pressed) {
      // Arrived mid-drag: committed is where the thumb was pressed; show
      // where it is now.
      const at = state.downAt || {};
      for (const label of Object.keys(knobs)) {
        if (at[label] != null) state.committed[label] = at[label];
        const now = sliderText(label);
        if (now != null && now !== state.committed[label]) {
          swap(state, label, now, performance.now());
        }
      }
    } else {
      reset(state);
      commit(state);
    }
  }
  if (!state.watching) {
    state.watching = true;
    watch(state);
  }
}
"""
