"""The growing paths' animation frames, built in the browser: a page is sent each animated chart without its frames
(views.common.chart) and this hidden components-v2 element, mounted once a run by app.py, builds them from the
recipe the figure carries (viz.frames.recipe, in layout.meta) and the chunk traces it already holds: the same
frames as viz.frames' base_frames and step_frames, about 5 kB sent instead of 100-150 kB a map on every move.

It watches the page for Plotly charts and builds a chart's frames each time plotly.js has drawn a figure with a new
recipe (``plotly_afterplot``: a rerun's new figure replaces the old frames, which plotly.js would otherwise keep).
BUILD is also run alone by the tests, on a bare plotly.js page, against the frames Python builds."""

from __future__ import annotations

import streamlit as st

from views.plot import LOAD, script_url
from viz.frames import RECIPE

# frames(gd, recipe) -> the frames, from the figure's data (gd.data: typed-array specs or arrays)
BUILD = r"""
(gd, R) => {
  const bytes = b64 => { const s = atob(b64), out = new Uint8Array(s.length);
                         for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out.buffer; };
  const KINDS = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u2: Uint16Array, i2: Int16Array };
  const array = v => (v && v.bdata !== undefined) ? new KINDS[v.dtype](bytes(v.bdata)) : v;
  const cache = new Map();  // a chunk trace's coordinates, decoded once
  const coords = i => {
    if (!cache.has(i)) cache.set(i, Object.fromEntries(R.axes.map(a => [a, array(gd.data[i][a])])));
    return cache.get(i);
  };
  const frames = [];
  const every = R.chunks.flat();
  const empty = Object.fromEntries(R.axes.map(a => [a, [null]]));  // a gap point: see viz.frames.base_frames
  frames.push({ name: "base0", traces: every, data: every.map(() => empty) });
  const n = R.bounds.length - 1;
  for (let k = 1; k < n; k++) {  // base k: chunks < k complete, inherited
    const traces = R.chunks.map(idx => idx[k - 1]);
    frames.push({ name: "base" + k, baseframe: "base" + (k - 1), traces, data: traces.map(coords) });
  }
  const heads = Object.fromEntries(R.axes.map(a => [a, array(R.heads[a])]));
  const racers = R.chunks.length;
  const extras = (R.extras || []).map(e => ({ trace: e.trace, n: e.n, x: array(e.x), y: array(e.y) }));
  const gap = v => (Number.isNaN(v) ? null : v);
  R.shown.forEach((s, j) => {  // step s: the unfinished chunk of each path up to s, on its chunk's base, and heads
    const k = Math.min(Math.floor(j / R.per), n - 1), b = R.bounds[k];
    const traces = R.chunks.map(idx => idx[k]);
    const data = traces.map(i => { const c = coords(i);
      return Object.fromEntries(R.axes.map(a => [a, c[a].slice(0, s - b + 1)])); });
    const at = { marker: Object.assign({}, R.marker, { symbol: R.symbols[j] }) };
    R.axes.forEach(a => { at[a] = Array.from(heads[a].subarray(j * racers, (j + 1) * racers)); });
    data.push(at);
    extras.forEach(e => data.push({ x: Array.from(e.x.subarray(j * e.n, (j + 1) * e.n), gap),
                                    y: Array.from(e.y.subarray(j * e.n, (j + 1) * e.n), gap) }));
    frames.push({ name: "s" + s, baseframe: "base" + k, traces: [...traces, R.head, ...extras.map(e => e.trace)],
                  data });
  });
  return frames;
}
"""

JS = (
    r"""
export default function ({ data }) {
  const build = """
    + BUILD.strip()
    + r""";
  const KEY = data.key;
  if (data.src) ("""
    + LOAD.strip()
    + r""")(data.src);  // plotly.js for the page's charts (views/plot.py), fetched while the server computes them
  // called again when its data changes, its cleanup only on unmount: the previous call's watch goes first
  if (window.__lllGrowing) window.__lllGrowing();
  const grow = gd => {  // the chart's frames for the figure drawn now, once a recipe
    const R = gd.layout && gd.layout.meta && gd.layout.meta[KEY];
    if (!R || gd.__lllRecipe === R || !gd._transitionData || !window.Plotly) return;
    gd.__lllRecipe = R;
    gd._transitionData._frames = [];  // the previous figure's frames (plotly.js keeps them through a new figure)
    gd._transitionData._frameHash = {};
    window.Plotly.addFrames(gd, build(gd, R));
  };
  const hook = gd => {
    if (!gd.on || gd.__lllGrowHooked) return;
    gd.__lllGrowHooked = true;
    gd.on("plotly_afterplot", () => grow(gd));
    grow(gd);
  };
  const scan = () => document.querySelectorAll(".js-plotly-plot").forEach(hook);
  const watch = new MutationObserver(scan);
  watch.observe(document.body, { childList: true, subtree: true });
  scan();
  const cleanup = () => { watch.disconnect(); if (window.__lllGrowing === cleanup) delete window.__lllGrowing; };
  window.__lllGrowing = cleanup;
  return cleanup;
}
"""
)

_component = st.components.v2.component("lll.growing", js=JS)


def mount() -> None:
    """The element that builds the page's animation frames (once a run, before the pages draw their charts)."""
    _component(key="growing", data={"key": RECIPE, "src": script_url()}, height=0)
