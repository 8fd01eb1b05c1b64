"""The drag bridge's JavaScript, as text: the served page opens no file
(tests/test_security.py), so the script ships as a constant."""

JS = r"""
// The learning-rate drag bridge: while the page's own learning-rate slider is
// dragged, the live run's path, loss curve and data-view line follow it, from
// runs the server computed at every stop, with no round trip. Streamlit's
// slider sends its value only on release (that rerun redraws every chart
// exactly); while it moves it only updates its aria-valuetext, watched here.
//
// Hand-written because no library does this. Measured in Chromium on this
// machine: Plotly.restyle of one path over the contour takes 160-380 ms per
// event (plotly.js recomputes the whole figure, contour included), and
// Plotly.animate with redraw:false drops the contour. So the charts stay
// Streamlit's own st.plotly_chart (clicks, selections and AppTest keep
// working), and during a drag the live traces are hidden and redrawn on a
// canvas laid over each chart's plot area, in the chart's own axis
// coordinates (plotly.js's c2p), style and clip: about a millisecond.

const SLIDER = "Learning rate (log scale)";
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
    if (tag && tag.run === state.data.live && PARTS.includes(tag.part)) {
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

function swap(state, text, since) {
  const stop = state.data && state.data.stops[text];
  if (!stop) return;
  const run = state.cache[text] || (state.cache[text] = unpack(stop));
  for (const gd of document.querySelectorAll(".js-plotly-plot")) {
    if (gd.layout && gd.layout.updatemenus) continue; // playback animates itself
    const found = layer(state, gd);
    if (found) draw(gd, found, run);
  }
  state.shown = text;
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

export default function ({ data }) {
  const state = window.landscapeDrag || (window.landscapeDrag = {
    times: [], swaps: 0, cache: {}, layers: new Map(), lastMove: 0, shown: null,
  });
  if (JSON.stringify(state.data) !== JSON.stringify(data)) {
    reset(state);
    // The slider re-renders at the committed stop after a rerun: not a drag.
    state.shown = data.current;
    state.data = data;
    state.cache = {};
  }
  if (!state.observer) {
    document.addEventListener("pointermove", (e) => { state.lastMove = e.timeStamp; },
      { capture: true, passive: true });
    state.observer = new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target;
        if (el.getAttribute("aria-label") !== SLIDER) continue;
        // Timed from the pointer move that caused it (a key press: from now).
        const text = el.getAttribute("aria-valuetext");
        if (text === state.shown) continue; // React sets it twice per move
        const now = performance.now();
        const since = now - state.lastMove < 100 ? state.lastMove : now;
        swap(state, text, since);
      }
    });
    state.observer.observe(document.body, {
      subtree: true, attributes: true, attributeFilter: ["aria-valuetext"],
    });
  }
}
"""
