"""A page's Plotly chart, updated in place: one ``Plotly.react`` a move on a chart that stays mounted.

Measured in headless Chromium (benchmarks/browser_latency.py): ``st.plotly_chart`` draws a changed figure two or
three times a move and unmounts and mounts the chart again (``Plotly.purge``: plotly.js' work done again from
nothing), on a bare page as on ours. This components-v2 element keeps one chart element for the page's life and
hands each new figure to ``Plotly.react``, which redraws only what changed. The plotly.js it draws with is the one
of the installed plotly package (the version its figures are built for), served as a static file
(static/vendor/, copied there once by ``script_url``) and loaded once a page: every chart of the page, the animation
keys, the live drag and the frames built in the browser share it. Where that file cannot be written, the charts
are st.plotly_chart's as before (views.common.chart).

A click on a chart that asks for one (``on_click``) is a trigger value, ``click``: the points clicked, each with its
x, y, curve_number and point_index (what ``st.plotly_chart``'s selection gave): see ``clicked``."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import plotly
import streamlit as st

# load(src) -> a promise of plotly.js loaded: one <script> a page, whoever asks first (this element, or
# views/growing.py at the top of every run, so that the download overlaps the server's work on the first chart)
LOAD = r"""
src => {
  if (!window.__lllPlotly) {
    window.__lllPlotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(); return; }
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  return window.__lllPlotly;
}
"""

# A new figure whose layout and traces are the drawn one's but for some traces' data (a path, the heads, a start)
# moves those traces alone: Plotly.animate without redraw recomputes and redraws only them, where Plotly.react
# draws every trace, the axes, the legend and the replay's slider again (a network's race map: 43 ms instead of
# 112 in Chromium). Anything else (a name, a colour, the layout, a chart the user scrubbed or is playing): react.
IN_PLACE = r"""
const DATA = ["x", "y", "customdata", "text", "hovertext"];
const summary = spec => ({
  layout: JSON.stringify(Object.assign({}, spec.layout, { meta: null, sliders: null, updatemenus: null })),
  replay: JSON.stringify([spec.layout.sliders || null, spec.layout.updatemenus || null]),  // redrawn alone if new
  active: ((spec.layout.sliders || [])[0] || {}).active,
  shapes: spec.data.map(t => {
    const rest = Object.assign({}, t);
    const held = DATA.filter(k => k in rest);
    DATA.forEach(k => delete rest[k]);
    return JSON.stringify([rest, held]);
  }),
  values: spec.data.map(t => JSON.stringify(DATA.map(k => t[k]))),
});
const replay = layout => ({ sliders: layout.sliders || [], updatemenus: layout.updatemenus || [] });
// a chart Plotly.animate can move without a redraw: SVG scatter traces on axes of fixed ranges (an autoranged axis
// would keep its old range, a 3D scene is WebGL)
const still = spec => spec.data.every(t => (t.type || "scatter") === "scatter") && !spec.layout.scene
  && Object.keys(spec.layout).filter(k => /^[xy]axis[0-9]*$/.test(k)).every(k =>
    Array.isArray(spec.layout[k].range) && spec.layout[k].autorange !== true);
const movedTraces = (gd, was, now, spec) => {  // the traces whose data alone changed; null: draw the figure again
  if (!was || !still(spec) || was.layout !== now.layout || was.shapes.length !== now.shapes.length) return null;
  if (was.shapes.some((s, i) => s !== now.shapes[i])) return null;
  const slider = ((gd.layout && gd.layout.sliders) || [])[0];
  if (slider && slider.active !== was.active) return null;  // scrubbed or played: a new figure starts at its end
  const td = gd._transitionData;
  if (!td || (td._frameQueue || []).length || gd._transitioning) return null;  // an animation under way
  return now.values.map((v, i) => (v !== was.values[i] ? i : -1)).filter(i => i >= 0);
};
"""

JS = (
    r"""
"""
    + IN_PLACE
    + r"""
export default function ({ data, parentElement, setTriggerValue }) {
  let gd = parentElement.querySelector(":scope > .lll-plot");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "lll-plot";
    parentElement.appendChild(gd);
  }
  gd.__lllTrigger = setTriggerValue;  // the click handler below reads the latest
  gd.__lllFigure = JSON.parse(data.figure);  // the latest: a figure arriving before plotly.js has loaded waits
  // a 3D scene at the screen's own pixel ratio: plotly.js draws WebGL at 2 by default, four times a projector's
  // pixels (measured with software WebGL: a 3D chart drawn in 0.71 s instead of 0.91)
  const config = Object.assign({ plotGlPixelRatio: window.devicePixelRatio || 1 }, data.config);
  const draw = () => {
    window.__lllDrawing = (window.__lllDrawing || 0) + 1;  // charts still drawing (tests wait for none)
    const spec = gd.__lllFigure;
    const now = summary(spec);
    const was = gd.__lllDrawn;
    const moved = gd.__lllConfig === JSON.stringify(config) ? movedTraces(gd, was, now, spec) : null;
    gd.__lllDrawn = now;
    gd.__lllConfig = JSON.stringify(config);
    let drawn;
    if (moved) {
      const part = t => Object.fromEntries(DATA.filter(k => k in t).map(k => [k, t[k]]));
      const update = moved.map(i => part(spec.data[i]));
      const quick = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };
      drawn = (moved.length ? window.Plotly.animate(gd, { data: update, traces: moved }, quick) : Promise.resolve())
        .then(() => (was.replay === now.replay ? null : window.Plotly.relayout(gd, replay(spec.layout))))
        .then(() => {
          gd.layout.meta = spec.layout.meta;  // the new recipe: views/growing.py builds its frames after a plot
          gd._fullLayout.meta = spec.layout.meta;
          gd.emit("plotly_afterplot");
        });
    } else {
      drawn = window.Plotly.react(gd, spec.data, spec.layout, config);
    }
    Promise.resolve(drawn).finally(() => { window.__lllDrawing -= 1; }).then(() => {
      if (data.click && !gd.__lllClicks) {
        gd.__lllClicks = true;
        gd.on("plotly_click", e => gd.__lllTrigger("click", (e.points || []).map(p => ({
          x: p.x, y: p.y, curve_number: p.curveNumber, point_index: p.pointIndex, point_number: p.pointNumber,
        }))));
      }
    });
  };
  if (window.Plotly) { draw(); return; }
  ("""
    + LOAD.strip()
    + r""")(data.src).then(draw);
}
"""
)

_component = st.components.v2.component("lll.plot", js=JS, isolate_styles=False)

STATIC = Path(__file__).resolve().parent.parent / "static"  # served at /app/static/ (server.enableStaticServing)
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@functools.cache
def script_url() -> str | None:
    """The URL of plotly.js among the app's static files (static/vendor/plotly-<plotly's version>.min.js, copied
    from the installed package once a process, atomically); None when it cannot be written there."""
    name = f"plotly-{plotly.__version__}.min.js"
    target = STATIC / "vendor" / name
    try:
        if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            shutil.copyfile(PLOTLY_JS, tmp)
            tmp.replace(target)
    except OSError:
        return None
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/app/static/vendor/{name}"


def plot(figure_json: str, *, key: str, config: dict, on_click: Callable[[], None] | None = None) -> None:
    """The chart ``key`` (its element carries the class st-key-<key>) showing the figure (its JSON); ``on_click``:
    called in the rerun a click on the chart starts (read the points with ``clicked(key)``). Needs script_url()."""
    kwargs = {"on_click_change": on_click} if on_click is not None else {}
    data = {"figure": figure_json, "config": config, "click": on_click is not None, "src": script_url()}
    _component(key=key, data=data, **kwargs)


def clicked(key: str) -> list[dict]:
    """The points of the last click on the chart ``key`` (x, y, curve_number, point_index), none if none; the same
    from st.plotly_chart's selection where the charts are its (no static folder)."""
    state = st.session_state.get(key)
    if state is None:
        return []
    points = state.get("click") if hasattr(state, "get") else getattr(state, "click", None)
    if points is None:  # st.plotly_chart's state: a selection (None for this component's, whose keys read as None)
        selection = getattr(state, "selection", None)
        points = getattr(selection, "points", None) if selection is not None else None
    return list(points or [])
