"""The keyboard on an animated map: space plays and pauses the race, ← and → show one step back or on (in a slideshow
the arrows step the slides; space still plays). Keys a control holds (a slider's thumb, a text box) stay the
control's. A hidden components-v2 element drives the chart's own Plotly animation: no rerun, nothing sent."""

from __future__ import annotations

import streamlit as st

JS = r"""
export default function ({ data }) {
  // called again when its data changes, its cleanup only on unmount: the previous listener goes first
  const all = (window.__lllAnimationKeys = window.__lllAnimationKeys || {});
  if (all[data.chart]) all[data.chart]();
  const css = ".st-key-" + data.chart.replace(/[^A-Za-z0-9_-]/g, "-") + " .js-plotly-plot";
  const busy = e => e.target.closest && e.target.closest(
    'input, textarea, select, button, [role=slider], [role=listbox], [role=combobox], [contenteditable=true]');
  const still = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };
  const key = e => {
    const gd = document.querySelector(css), P = window.Plotly;
    if (!gd || !P || !gd._fullLayout || e.altKey || e.ctrlKey || e.metaKey || busy(e)) return;
    const slider = (gd._fullLayout.sliders || [])[0];
    if (!slider) return;
    const names = slider.steps.map(s => s.args[0][0]);
    const go = (frames, how) => {  // a pause interrupts a playing animation: its promise rejects, said nowhere
      const p = P.animate(gd, frames, how);
      if (p && p.catch) p.catch(() => {});
    };
    const at = slider.active;
    if (e.key === " ") {
      e.preventDefault();
      if (gd.dataset.playing === "1") go([null], still);
      else {
        const play = Object.assign({}, still, { frame: { duration: 60, redraw: false }, fromcurrent: true });
        go(names.slice(at >= names.length - 1 ? 0 : at), play);
      }
    } else if (!data.slides && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      e.preventDefault();
      const next = Math.min(names.length - 1, Math.max(0, at + (e.key === "ArrowRight" ? 1 : -1)));
      go([names[next]], still);
    }
  };
  const playing = () => { const gd = document.querySelector(css); if (gd) gd.dataset.playing = "1"; };
  const stopped = () => { const gd = document.querySelector(css); if (gd) gd.dataset.playing = "0"; };
  const hook = () => {
    const gd = document.querySelector(css);
    if (!gd || !gd.on || gd.__lllKeysHooked) return;
    gd.__lllKeysHooked = true;
    gd.on("plotly_animating", playing);
    gd.on("plotly_animated", stopped);
    gd.on("plotly_animationinterrupted", stopped);
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


def animation_keys(chart_key: str, *, slides: bool = False) -> None:
    """Space, ← and → on the animated chart ``chart_key`` (in a slideshow the arrows are the slides')."""
    _component(key=f"keys.{chart_key}", data={"chart": chart_key, "slides": slides}, height=0)
