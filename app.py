"""Loss Landscape Lab: the navigation over the pages and the bar every page shares (presets, presenter mode, export)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pandas  # noqa: F401  (before any page: see below)
import streamlit as st

# pandas whole before any page runs. Streamlit imports it lazily in a run's thread; plotly.py, in another session's
# run, takes it from sys.modules without importing it, and a class opening a fresh server at once met it half
# initialised ("partially initialized module 'pandas' has no attribute 'Series'": 3 of 4 first pages failed). An
# import here makes every other run wait until it is complete (tests/test_class_sessions.py).
ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # the pages import the project's packages
    sys.path.insert(0, str(ROOT))

from lab.warmup import use_compilation_cache  # noqa: E402

# A warm process compiles once per rule; the persistent cache spares a fresh process most of that too.
use_compilation_cache()


@st.cache_resource(show_spinner=False)
def _warm_up() -> bool:
    """Once per server process: compile the likely next programs in the background (LLL_WARMUP=0 turns it off)."""
    if os.environ.get("LLL_WARMUP", "1") != "0":
        from lab import warmup

        warmup.start()
    return True


st.set_page_config(
    page_title="Loss Landscape Lab", page_icon=":material/landscape:", layout="wide", initial_sidebar_state="collapsed"
)

from lab.pages import DEFAULT, PAGES, PRESETS  # noqa: E402
from views import address_bar, growing, lesson, screen, topbar  # noqa: E402
from views.common import begin_glosses, layout_css  # noqa: E402
from views.page_run import FAILED  # noqa: E402

# The pages live in views/, not pages/: with a pages/ folder beside app.py Streamlit 1.67 first resolves a session's
# URL against that folder as old-style pages, and a link straight to /learning-rate met "Page not found".
NAV = {
    name: st.Page(p.view, title=p.title, icon=p.icon, url_path=p.url_path or None, default=name == DEFAULT)
    for name, p in PAGES.items()
}


nav = st.navigation(list(NAV.values()), position="top")  # the pages in sight, on a projector and on a phone
# The link that opened the session (its page reads it in its first run) and its theme and hidden controls.
address_bar.start_session()
screen.measure()  # the window's size: the pages fit their main chart to it
growing.mount()  # the animated charts' frames, built in the browser
presenter = bool(st.session_state.get("presenter"))
st.html(layout_css(presenter=presenter) + topbar.css(presenter=presenter) + lesson.css())
if topbar.shown(nav.url_path):
    topbar.draw(NAV)
if name := st.session_state.pop("preset.go", None):  # open the preset: its page reads its link as a link's
    preset = PRESETS[name]
    st.session_state["link.entry"] = dict(preset.link)
    lesson.remember(name)
    if PAGES[preset.page].url_path != nav.url_path:
        st.switch_page(NAV[preset.page])
page = next(name for name, p in PAGES.items() if p.url_path == nav.url_path)
lesson.banner(page)

_warm_up()
try:
    address_bar.begin_run()
    begin_glosses()
    nav.run()  # the page runs as a fragment (views/page_run.py): it writes the link and fills the bar's menus
except Exception:  # the last line of defence: never a stack trace in front of a class
    logging.getLogger("loss-landscape-lab").exception("page failed")
    st.error(FAILED)
finally:
    address_bar.forget_entry()
