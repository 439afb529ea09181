"""The page's link: the query parameters that opened the session, read once by the page it opened, and the ones the
page shows now, written back to the address bar at the end of every run (only when they changed).

Each part of a page adds its parameters (:func:`add`): the surface picker its surface, the Trajectories page its whole
Scene (scenes/url.py), a page frame its section; app.py adds the app's own: ``theme=presenter`` and ``hide=…``.
``hide`` lists widget keys (comma-separated) whose controls a class link hides: the widget still exists, keeps the
link's value and works as before, it is just not drawn (Streamlit gives each keyed element the CSS class
``st-key-<key>``), so a lecturer can hand students a page with only today's sliders.
"""

from __future__ import annotations

import re

import streamlit as st

from links.scene import refused
from scenes.text import plain

THEMES = ("normal", "presenter")
RENAMED = {"lab.": "learning_rate.", "min.": "minima.", "net.": "networks."}  # widget-key prefixes of older links


def _current_key(key: str) -> str:
    """A control's key as the pages name it now: an older class link's ``hide=lab.steps`` hides learning_rate.steps."""
    for old, new in RENAMED.items():
        if key.startswith(old):
            return new + key[len(old) :]
    return key


def start_session() -> None:
    """Once per session (app.py, before any widget): keep the link that opened it, and apply the app's parameters."""
    if "link.entry" in st.session_state:
        return
    q = st.query_params.to_dict()
    st.session_state["link.entry"] = q
    notices = []
    theme = q.get("theme", "normal")
    if theme not in THEMES:
        notices.append(refused("theme", theme, "must be presenter or normal", "normal"))
    st.session_state["presenter"] = theme == "presenter"
    hide = [k for k in q.get("hide", "").split(",") if k]
    bad = [k for k in hide if not re.fullmatch(r"[\w.\-]{1,80}", k)]
    if bad:
        why = "must name controls, like steps or gd.learning_rate"
        notices.append(refused("hide", ",".join(bad), why) + "; those are ignored")
    st.session_state["link.hide"] = tuple(_current_key(k) for k in hide if k not in bad)
    st.session_state["link.notices"] = notices
    st.session_state["link.student"] = "room" in q and "key" not in q  # a class round's student (views/topbar.py)


def entry() -> dict[str, str] | None:
    """The opening link's parameters during the session's first run, or a preset's when the menu opens one ({} for
    an empty link: the page's defaults); None after that run."""
    return st.session_state.get("link.entry")


def add(query: dict[str, str]) -> None:
    """Parameters this run's page shows (written to the address bar at the end of the run)."""
    st.session_state.setdefault("link.parts", {}).update(query)


def notice(notices: list[str]) -> None:
    """Parameters of the link that could not be used (a toast: seen on a phone, where the controls come last)."""
    st.session_state.setdefault("link.notices", []).extend(notices)


def hidden_css() -> str:
    """The CSS that hides the controls the link names (and, with every control hidden, the empty column stays)."""
    keys = st.session_state.get("link.hide", ())
    rules = "".join(f".st-key-{re.sub(r'[^a-zA-Z0-9_-]', '-', k)}{{display:none}}" for k in keys)
    return f"<style>{rules}</style>" if rules else ""


def begin_run(*, css: bool = True) -> None:
    """A run of the page starts: nothing in its link yet, no chart to export yet; ``css``: the hidden controls' CSS
    (a whole run of the app draws it, a page's rerun alone keeps it)."""
    st.session_state["link.parts"] = {}
    st.session_state["export.figures"] = {}  # views.common.chart fills it: what the export panel offers
    if css and (css := hidden_css()):
        st.html(css)


def forget_entry() -> None:
    """After the session's first run, however it ended: the opening link has been read."""
    st.session_state["link.entry"] = None


def end_run() -> None:
    """After the page ran to its end: show notices once, write what the page shows to the address bar."""
    notices = st.session_state.get("link.notices") or []
    if notices:
        st.toast(  # plain text: a link's value never becomes a link, an image or emphasis in the toast
            "Some of the link's settings could not be used, so defaults stand in: " + plain("; ".join(notices)) + ".",
            icon=":material/link_off:",
            duration="long",
        )
        st.session_state["link.notices"] = []
    q = dict(st.session_state.get("link.parts") or {})
    if st.session_state.get("presenter"):
        q["theme"] = "presenter"
    if hide := st.session_state.get("link.hide"):
        q["hide"] = ",".join(hide)
    if st.query_params.to_dict() != q:
        st.query_params.from_dict(q)
