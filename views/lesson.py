"""Lesson mode: a preset opens with its lesson written large on the page (until dismissed), and the slideshow steps
through the presets one after another (◀ ▶ buttons, or the keyboard's arrows), the controls hidden and the chart at
the page's full width: the way a lecture runs.
"""

from __future__ import annotations

import html
import math

import streamlit as st

from lab.pages import PAGES, PRESETS

KEYS_JS = r"""
export default function ({ data, setTriggerValue }) {
  // called again whenever its data changes, its cleanup only on unmount: the previous listener goes first
  if (window.__lllSlideKeys) window.__lllSlideKeys();
  // the slideshow just started from the Lessons menu: fold the menu (its button toggles it)
  if (data && data.fold) {
    const open = document.querySelector(".st-key-topbar [data-testid=stPopover] button[aria-expanded=true]");
    if (open) open.click();
  }
  // ← and → step the slideshow, unless a control has the keyboard (a slider's thumb, a text box, a menu)
  const busy = e => e.target.closest && e.target.closest(
    'input, textarea, select, [role=slider], [role=listbox], [role=combobox], [contenteditable=true]');
  const key = e => {
    if (e.altKey || e.ctrlKey || e.metaKey || busy(e)) return;
    if (e.key === "ArrowRight" || e.key === "PageDown") { e.preventDefault(); setTriggerValue("step", 1); }
    if (e.key === "ArrowLeft" || e.key === "PageUp") { e.preventDefault(); setTriggerValue("step", -1); }
  };
  document.addEventListener("keydown", key, true);
  const cleanup = () => {
    document.removeEventListener("keydown", key, true);
    if (window.__lllSlideKeys === cleanup) delete window.__lllSlideKeys;
  };
  window.__lllSlideKeys = cleanup;
  return cleanup;
}
"""

_keys = st.components.v2.component("lll.slide_keys", js=KEYS_JS)
ORDER = tuple(PRESETS)  # the slideshow's order: the presets in page order, then by title


def open_preset(name: str) -> None:
    """Open a preset (a click in the lessons menu; the slideshow's steps): its page, its link, its lesson."""
    st.session_state["preset.go"] = name


def start_slideshow() -> None:
    st.session_state["slides.at"] = 0
    st.session_state["slides.fold"] = True
    open_preset(ORDER[0])


def step(by: int) -> None:
    at = (st.session_state.get("slides.at") or 0) + by
    st.session_state["slides.at"] = at % len(ORDER)
    open_preset(ORDER[at % len(ORDER)])


def stop() -> None:
    st.session_state["slides.at"] = None


def showing() -> bool:
    """A slideshow is running: the pages hide their controls and give the chart the full width."""
    return st.session_state.get("slides.at") is not None


def reserve(width: int, heading: int, presenter: bool) -> int:
    """The px a slideshow puts above a page's chart: its bar, the lesson (its lines at ``width`` px, 1.3rem type
    about 0.47 em a character, counted at 0.5 to err long, 1.45 line height) and the page's ``heading`` (title and
    switch: 122 px when they are two rows, as on Trajectories, 60 on one). Presenter mode scales the text 1.4×.
    Measured at 1280×800: a four-line lesson took 122 px, the bar 72."""
    lesson = st.session_state.get("lesson") or {}
    scale = 1.4 if presenter else 1.0
    font = 16 * 1.3 * scale
    chars = len(lesson.get("title", "")) + 2 + len(lesson.get("text", ""))
    lines = math.ceil(chars * 0.5 * font / max(200, width - 36)) if lesson else 0
    return round(72 * scale + (lines * font * 1.45 + 10 if lines else 0) + heading * scale)


def remember(name: str) -> None:
    """The preset just opened: its lesson is shown on its page until dismissed."""
    preset = PRESETS[name]
    st.session_state["lesson"] = {"page": preset.page, "title": preset.title, "text": preset.lesson}


def _dismiss() -> None:
    st.session_state["lesson"] = None


def banner(page: str) -> None:
    """The open lesson, large, over its page (another page shows none); the slideshow's buttons with it."""
    lesson = st.session_state.get("lesson")
    if showing():
        _slide_bar()
    if not lesson or lesson.get("page") != page:
        return
    with st.container(key="lesson", horizontal=True, vertical_alignment="top"):
        st.markdown(
            f'<div class="lll-lesson"><b>{html.escape(lesson["title"])}.</b> {html.escape(lesson["text"])}</div>',
            unsafe_allow_html=True,
            width="stretch",
        )
        if not showing():
            st.button("", icon=":material/close:", key="lesson.close", on_click=_dismiss, help="Hide the lesson")


def _slide_bar() -> None:
    at = st.session_state["slides.at"]
    name = ORDER[at]
    with st.container(horizontal=True, vertical_alignment="center", key="slidebar"):
        st.button("Previous", icon=":material/arrow_back:", key="slides.prev", on_click=step, args=(-1,))
        st.markdown(f"**{at + 1} / {len(ORDER)}** · {html.escape(PAGES[PRESETS[name].page].title)}", width="content")
        st.button("Next", icon=":material/arrow_forward:", key="slides.next", on_click=step, args=(1,))
        st.button("End the slideshow", icon=":material/close:", key="slides.stop", on_click=stop, type="tertiary")
    fold = st.session_state.pop("slides.fold", False)
    _keys(
        key="slides.keys",
        data={"fold": fold},
        on_step_change=lambda: step(int(st.session_state["slides.keys"].step or 0)),
        height=0,
    )


def css() -> str:
    """The lesson written large (scaled further by presenter mode), and in a slideshow no control column."""
    rules = [
        ".st-key-lesson{background:#eef4fb;border-left:6px solid #1f77b4;border-radius:0.4rem;"
        "padding:0.6rem 0.9rem;margin-bottom:0.3rem}",
        ".lll-lesson{font-size:1.3rem;line-height:1.45}",
    ]
    if showing():
        rules.append(".st-key-controls{display:none}")
    return "<style>" + "".join(rules) + "</style>"
