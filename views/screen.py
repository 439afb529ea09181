"""The screen the page is shown on: the main column's width, the window's height and whether it is a touch screen,
reported by the browser (a hidden components-v2 element) so that a page can size its main chart to fill a projector
and lay a phone out around the chart. The first run of a session does not know the screen yet: it draws at the
defaults, and the browser's report reruns the page once at its size (and again only when the window changes size
by more than a step, so a phone's address bar sliding in and out does not rerun the page).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

NARROW = 640  # Streamlit stacks columns below this window width: the phone layout
STEP = 40  # px: the sizes are reported in steps of this, so small resizes rerun nothing

JS = r"""
export default function ({ data, setStateValue }) {
  // called again whenever its data changes (each report's rerun), its cleanup only on unmount: the previous call's
  // listener goes first, or it would report later resizes against the size it was told then (measured: a stale
  // listener's late report left the page marked unknown after a resize, and reran it for nothing)
  if (window.__lllScreen) window.__lllScreen();
  const step = data.step;
  const measure = () => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    let width = window.innerWidth;
    if (main) {
      const css = getComputedStyle(main);
      width = main.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
    }
    const q = v => Math.max(step, Math.floor(v / step) * step);
    return {
      window: q(window.innerWidth), main: q(width), height: q(window.innerHeight),
      touch: window.matchMedia("(pointer: coarse)").matches,
    };
  };
  const report = () => {
    const now = measure(), known = data.known || {};
    const changed = ["window", "main", "height", "touch"].some(k => now[k] !== known[k]);
    document.documentElement.dataset.screenKnown = changed ? "0" : "1";  // the server draws at this size (tests wait)
    if (changed) setStateValue("size", now);
  };
  // a report reruns the page: never in the middle of a run (an interrupted first run would lose the link's values
  // of the controls it had not drawn yet), so wait until the page has finished running
  const idle = () => document.querySelector("[data-testid=stApp][data-test-script-state=notRunning]");
  let timer = 0;
  const later = () => { clearTimeout(timer); timer = setTimeout(() => (idle() ? report() : later()), 250); };
  later();
  window.addEventListener("resize", later);
  const cleanup = () => {
    clearTimeout(timer);
    window.removeEventListener("resize", later);
    if (window.__lllScreen === cleanup) delete window.__lllScreen;
  };
  window.__lllScreen = cleanup;
  return cleanup;
}
"""

_component = st.components.v2.component("lll.screen", js=JS)


@dataclass(frozen=True)
class Screen:
    """What the browser reported: the window's width and height, the main column's inner width, a touch screen."""

    window: int = 1280
    main: int = 1120
    height: int = 800
    touch: bool = False

    @property
    def narrow(self) -> bool:
        return self.window < NARROW

    def column(self, share: float, gap: int = 24) -> int:
        """The width of a column taking ``share`` of the main column (a wide screen; the whole of it on a phone)."""
        return self.main if self.narrow else int((self.main - gap) * share)

    @property
    def frame(self) -> int:
        """A chart's px beside its plot: the axes' 50 and the right margin, 36 on a desktop for the toolbar that shows
        there on hover (views.common.chart), 10 on a touch screen, which shows none."""
        return 60 if self.touch else 86

    def width(self, share: float, columns: int = 1, gap: int = 16, *, paired: bool = False) -> int:
        """The width of one of ``columns`` columns (``gap`` apart) splitting a column taking ``share`` of the main
        column (on a phone Streamlit stacks them: each the whole width, unless ``paired``: views.common.pairs keeps
        them side by side there)."""
        if (self.narrow and not paired) or columns == 1:
            return self.column(share)
        return int((self.column(share) - gap * (columns - 1)) / columns)

    def map_side(
        self, share: float, *, reserve: int = 150, frame: int | None = None, columns: int = 1, paired: bool = False
    ) -> int:
        """The side of a square map's plot area in a column taking ``share`` of the main column (or in one of
        ``columns`` side by side there): as wide as the column allows (less the axes' ``frame``), and no taller than
        the window less ``reserve`` (the top bar, the title row, the legend), so the whole map is in view. A phone
        keeps a smaller map: the controls scroll below it while it stays in view (``paired`` maps, side by side
        there, take their column's width)."""
        wide = self.width(share, columns, paired=paired) - (frame if frame is not None else self.frame)
        if self.narrow and paired:
            return wide
        if self.narrow:
            return max(200, min(wide, int(self.height * 0.42)))
        return max(min(360, wide), min(wide, self.height - reserve))


def measure() -> Screen:
    """The screen of this session (mounted once per run by app.py; the defaults until the browser has reported)."""
    reported = _reported(st.session_state.get("screen"))  # the browser's latest report, before the mount
    if reported:
        st.session_state["screen.size"] = reported
    known = st.session_state.get("screen.size")  # told back to the browser: it reports only a change
    _component(key="screen", data={"step": STEP, "known": known}, height=0, on_size_change=_keep)
    return current()


def _reported(state) -> dict | None:
    if state is None:
        return None
    size = state.get("size") if hasattr(state, "get") else getattr(state, "size", None)
    return size if isinstance(size, dict) else None


def _keep() -> None:
    """The browser reported a new size: its rerun reads it (measure). Measured: the rerun a component's report starts
    can leave a control showing its default while the page computes with its value (a slider at 1e−4 over a race at
    η = 0.01; one session in four). So the report hands every control its value again, as a link does."""
    for key in control_keys():
        with contextlib.suppress(StreamlitAPIException):
            st.session_state[key] = st.session_state[key]


SETTABLE = {  # the values of sliders, boxes, menus, switches (not buttons' triggers, not charts' selections)
    "int_value",
    "double_value",
    "string_value",
    "bool_value",
    "int_array_value",
    "double_array_value",
    "string_array_value",
}


def control_keys() -> list[str]:
    """The keys of the controls the page drew in its last full run that hold a value (not buttons, whose state cannot
    be set, not a chart's selection), as remember_controls kept them."""
    plain = (int, float, str, list, tuple)  # a chart's selection is a dict
    return [k for k in st.session_state.get("screen.controls", ()) if isinstance(st.session_state.get(k), plain)]


def remember_controls() -> None:
    """At the end of a run (app.py), when every control of the page has been drawn: their keys, from Streamlit's own
    record of its widgets (none if that record is not where Streamlit 1.67 keeps it)."""
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        state = get_session_state()._state
        ids = state._key_id_mapper._key_id_mapping
        meta = state._new_widget_state.widget_metadata
        keys = [k for k, i in ids.items() if i in meta and meta[i].value_type in SETTABLE]
    except Exception:  # noqa: BLE001  (an internal of Streamlit moved: no list, never an error)
        keys = []
    st.session_state["screen.controls"] = tuple(keys)


def current() -> Screen:
    size = st.session_state.get("screen.size")
    if not isinstance(size, dict):
        return Screen()
    try:
        return Screen(
            window=int(size["window"]), main=int(size["main"]), height=int(size["height"]), touch=bool(size["touch"])
        )
    except (KeyError, TypeError, ValueError):
        return Screen()
