"""The keyboard on an animated chart, and a second chart that follows it: space plays and pauses the race (at the
speed last clicked: Slow, Play or Fast), ← and → show one step back or on (in a slideshow the arrows step the slides;
space still plays). Keys a control holds (a slider's thumb, a text box) stay the control's. In the side-by-side view
the 3D chart shows the map's step whenever the map moves (playing, scrubbed, stepped). A hidden components-v2
element drives the charts' own Plotly animations: no rerun, nothing sent."""

from __future__ import annotations

import streamlit as st

from viz.frames import PLAY

JS = r"""
export default function ({ data }) {
  // called again when its data changes, its cleanup only on unmount: the previous listener goes first
  const all = (window.__lllAnimationKeys = window.__lllAnimationKeys || {});
  if (all[data.chart]) all[data.chart]();
  // a chart hooked by an earlier call keeps its hooks: they read the latest data and follow state from here
  const now = (window.__lllAnimationNow = window.__lllAnimationNow || {});
  const state = (now[data.chart] = now[data.chart] || { pending: null, drawing: false });
  state.data = data;
  if (!window.__lllQuietAnimations) {  // plotly.js rejects an animation another one interrupts (its own Pause
    window.__lllQuietAnimations = true;  // button too) with no reason, and leaves it unhandled: not an error
    window.addEventListener("unhandledrejection", e => { if (e.reason === undefined) e.preventDefault(); });
  }
  const css = k => ".st-key-" + k.replace(/[^A-Za-z0-9_-]/g, "-") + " .js-plotly-plot";
  const busy = e => e.target.closest && e.target.closest(
    'input, textarea, select, button, [role=slider], [role=listbox], [role=combobox], [contenteditable=true]');
  const go = (gd, frames, how) => {  // a pause interrupts a playing animation: its promise rejects, said nowhere
    const p = window.Plotly.animate(gd, frames, how);
    return Promise.resolve(p).catch(() => {});
  };
  const key = e => {
    const gd = document.querySelector(css(data.chart));
    if (!gd || !window.Plotly || !gd._fullLayout || e.altKey || e.ctrlKey || e.metaKey || busy(e)) return;
    const slider = (gd._fullLayout.sliders || [])[0], menu = (gd._fullLayout.updatemenus || [])[0];
    if (!slider || !menu) return;
    const names = slider.steps.map(s => s.args[0][0]), at = slider.active;
    const still = Object.assign({}, slider.steps[0].args[1]);  // the figure's own options (3D: redraw each frame)
    if (e.key === " ") {
      e.preventDefault();
      if (gd.dataset.playing === "1") go(gd, [null], still);
      else {  // the play button clicked last (Slow, Play, Fast), the ordinary one at first
        const plays = menu.buttons.filter(b => b.args[0] && b.args[0][0] !== null);
        const ms = Number(gd.dataset.playMs || NaN);
        const button = plays.find(b => b.args[1].frame.duration === ms) || plays[data.play] || plays[0];
        go(gd, names.slice(at >= names.length - 1 ? 0 : at), button.args[1]);
      }
    } else if (!data.slides && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      e.preventDefault();
      const next = Math.min(names.length - 1, Math.max(0, at + (e.key === "ArrowRight" ? 1 : -1)));
      go(gd, [names[next]], still);
    }
  };
  // the follower (the 3D chart beside the map) shows the leader's step: each 3D frame is redrawn whole, so it takes
  // the latest step asked for whenever it is free, skipping those passed meanwhile, and ends on the leader's
  const follow = name => {
    state.pending = name;
    if (state.drawing) return;
    const who = state.data.follow, f = who && document.querySelector(css(who));
    if (!f || !f._fullLayout || !window.Plotly) return;
    state.drawing = true;
    const step = state.pending, t0 = performance.now();
    state.pending = null;
    go(f, [step], { frame: { duration: 0, redraw: true }, transition: { duration: 0 }, mode: "immediate" })
      .then(() => {
        f.dataset.step = step;  // the step it shows (the browser test compares it with the map's)
        // a 3D redraw holds the page as long as it takes: rest as long again, so the map plays on at its pace
        const rest = Math.max(40, performance.now() - t0);
        setTimeout(() => { state.drawing = false; if (state.pending !== null) follow(state.pending); }, rest);
      });
  };
  const set = v => () => { const gd = document.querySelector(css(data.chart)); if (gd) gd.dataset.playing = v; };
  const hook = () => {
    const gd = document.querySelector(css(data.chart));
    if (!gd || !gd.on || gd.__lllKeysHooked) return;
    gd.__lllKeysHooked = true;
    gd.on("plotly_animating", set("1"));
    gd.on("plotly_animated", set("0"));
    gd.on("plotly_animationinterrupted", set("0"));
    gd.on("plotly_buttonclicked", e => {  // remember the speed of a play button, for the space bar
      const how = e.button && e.button.args && e.button.args[1];
      if (e.button.args[0] && e.button.args[0][0] !== null && how && how.frame) gd.dataset.playMs = how.frame.duration;
    });
    gd.on("plotly_animatingframe", e => follow(e.name));
  };
  const timer = setInterval(hook, 500);  // the chart is drawn anew by a rerun: hook each one once
  hook();
  document.addEventListener("keydown", key, true);
  const cleanup = () => {
    clearInterval(timer);
    document.removeEventListener("keydown", key, true);
    if (all[data.chart] === cleanup) delete all[data.chart];
  };
  all[data.chart] = cleanup;
  return cleanup;
}
"""

_component = st.components.v2.component("lll.animation_keys", js=JS)


def animation_keys(chart_key: str, *, slides: bool = False, follow: str | None = None) -> None:
    """Space, ← and → on the animated chart ``chart_key`` (in a slideshow the arrows are the slides'); the chart
    ``follow`` (animated with the same frame names) shows the step ``chart_key`` shows."""
    _component(
        key=f"keys.{chart_key}", data={"chart": chart_key, "slides": slides, "follow": follow, "play": PLAY}, height=0
    )
