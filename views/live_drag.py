"""Live drag: while a racer's learning-rate (or momentum) slider is held and moved, its path on the map follows the
thumb, with no server round trip; the release reruns the page as always and the exact race replaces the preview.

The server sends, with each run, the racer's paths at the slider's stops around its value (scenes/ladder.py: one
vectorised run, ~13 kB quantized; one element a ladder). A hidden component (Streamlit's components v2, JavaScript
in the page) watches the real slider, the one in the control column, and, while a pointer or a key holds it, redraws
the racer's line in the chart's SVG from the path of the stop under the thumb (Plotly.restyle would recompute every
trace: ~0.5 s).
"""

from __future__ import annotations

import os
from dataclasses import replace

import streamlit as st

from scenes import Result, Scene
from scenes.ladder import ladder, quantized

JS = r"""
export default function ({ data }) {
  // called on every run with new data, its cleanup only on unmount: the previous run's listeners go first
  // one element per slider (an unchanged one is not sent again): listeners kept by chart and slider
  const live = (window.__lllLiveDrag = window.__lllLiveDrag || {});
  const id = data.chart + " " + data.sliders.map(s => s.key).join(" ");
  if (live[id]) live[id]();
  const css = k => ".st-key-" + k.replace(/[^A-Za-z0-9_-]/g, "-");
  const chart = () => document.querySelector(css(data.chart) + " .js-plotly-plot");
  // the sliders are found when a pointer or a key takes one (delegated from the document): this element may run
  // before the control column is drawn, and a rerun may draw a slider anew
  const sliders = data.sliders.map(s => {
    const bin = atob(s.q), q = new Uint16Array(bin.length / 2);
    for (let i = 0; i < q.length; i++) q[i] = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
    return Object.assign({}, s, { q, group: css(s.key) + " [role=group]" });
  });
  let held = null, input = null, shown = -1, frame = 0;
  const draw = () => {
    const s = held, gd = chart();
    if (!s || !input) return;
    const i = Number(input.value) - s.first;
    if (i === shown || i < 0 || i >= s.k || !gd || !gd._fullLayout || !gd._fullLayout.xaxis) return;
    // the racer's line drawn straight into the chart's SVG: Plotly.restyle would recompute every trace (the map's
    // clickable grid among them) and the server's figure replaces the drawing on release anyway
    const lines = gd.querySelectorAll(".scatterlayer .trace");
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, [x0, x1, y0, y1] = s.box, q = s.q;
    let d = "";
    for (let j = 0; j < s.p; j++) {
      const o = (i * s.p + j) * 2;
      const px = xa.c2p(x0 + (q[o] / 65535) * (x1 - x0)), py = ya.c2p(y0 + (q[o + 1] / 65535) * (y1 - y0));
      d += (j ? "L" : "M") + px.toFixed(1) + "," + py.toFixed(1);
    }
    s.traces.forEach((t, n) => {
      const path = lines[t] && lines[t].querySelector(".js-line");
      if (path) path.setAttribute("d", n ? "" : d);
    });
    shown = i;
    gd.dataset.liveDrawn = String(Number(gd.dataset.liveDrawn || 0) + 1);  // how often (the browser test reads it)
  };
  const follow = () => { draw(); if (held) frame = requestAnimationFrame(follow); };  // the thumb, every frame
  const hold = e => {
    const t = e.target;
    for (const s of sliders) {
      const group = t && t.closest && t.closest(s.group);
      if (!group) continue;
      held = s; input = group.querySelector("input[type=range]"); shown = -1;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(follow);
      return;
    }
  };
  const release = () => { held = null; input = null; shown = -1; cancelAnimationFrame(frame); };
  document.addEventListener("pointerdown", hold, true);
  document.addEventListener("keydown", hold, true);
  document.addEventListener("pointerup", release, true);
  document.addEventListener("keyup", release, true);
  const cleanup = () => {
    release();
    document.removeEventListener("pointerdown", hold, true);
    document.removeEventListener("keydown", hold, true);
    document.removeEventListener("pointerup", release, true);
    document.removeEventListener("keyup", release, true);
    if (live[id] === cleanup) delete live[id];
  };
  live[id] = cleanup;
  return cleanup;
}
"""

_component = st.components.v2.component("lll.live_drag", js=JS)
ENABLED = os.environ.get("LLL_LIVE_DRAG", "1") != "0"  # 0: off (benchmarks/browser_latency.py compares both)


@st.cache_data(max_entries=256, show_spinner=False)
def _ladder(solo: Scene, values: tuple[float, ...], first: int, hyper: str) -> tuple[str, tuple, int]:
    lad = ladder(solo, 0, values, first, hyper)
    text, box = quantized(lad, solo.surface_obj.domain)
    return text, box, lad.xy.shape[1]


def live_drag(result: Result, figure, chart_key: str, rungs: list[tuple[int, str, str, int, tuple]]) -> None:
    """Mount the live drag over the chart ``chart_key`` (``figure``, drawn there from ``result``: a racer's path traces
    carry its label) of each rung: (racer, the hyperparameter, its slider's widget key, the slider index of the first
    value, the values). Placed after the chart: the page shows the race before the ladders are computed (~2 ms each
    once compiled).

    One element per rung, its ladder computed from the racer alone (the scene with that one racer: another racer's
    slider changes neither): a move sends again only the rungs of the racer that moved (~13 kB each), the others go
    as Streamlit's reference to the message it already sent (global.minCachedMessageSize, 10 kB)."""
    if not ENABLED:
        return
    scene = result.scene
    for i, hyper, key, first, values in rungs:
        label = result.runs[i].label
        traces = [j for j, t in enumerate(figure.data) if t.name == label and "lines" in (t.mode or "")]
        if not traces:
            continue
        text, box, points = _ladder(replace(scene, runs=(scene.runs[i],)), values, first, hyper)
        rung = {"key": key, "first": first, "k": len(values), "p": points, "q": text, "box": box, "traces": traces}
        _component(key=f"live.{chart_key}.{key}", data={"chart": chart_key, "sliders": [rung]}, height=0)
