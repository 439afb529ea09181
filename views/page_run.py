"""A page's run, as a Streamlit fragment: a control of the page reruns the page alone.

Moving a slider used to rerun the whole app: the navigation, the bar with its lessons menu (21 buttons), the
page's CSS, the screen's and the frames' elements, about 40 of a move's 107 messages, before the page itself. As a
fragment (``st.fragment``), a page's control reruns only the page's own code; what the bar draws from the page (the
class link, built from the page's link, and the export panel, offering the page's charts) is drawn by the page's run
too, into the bar's slots (a fragment may write into containers made outside it: Streamlit clears and redraws those
writes on each of its reruns), so it never shows a stale link or chart. A control outside the page (the bar, a
preset, the window's size) reruns the whole app, the page included.

Every run of a page, whole or alone, does the same: the address bar starts empty (app.py, or here for the page
alone), the page draws, the link is written (address_bar.end_run), the controls are counted (screen) and the bar's
menus drawn. An error in the page is caught here, in plain words, with the details in the server log: a fragment's
exception never reaches app.py's own last line of defence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lab.warmup import warm_page
from views import address_bar, screen, topbar
from views.common import begin_glosses

FAILED = "Something went wrong drawing this page. Try other settings; the details are in the server log."


def alone() -> bool:
    """This run reruns a fragment alone (a page's control), not the whole app."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx and ctx.fragment_ids_this_run)


def page_run(page: str, draw: Callable[[], None]) -> None:
    """Draw ``page`` (a name of lab.pages.PAGES) with ``draw``, as a fragment (see the module's doc)."""

    @st.fragment
    def page_fragment() -> None:
        if alone():
            address_bar.begin_run(css=False)  # the hidden controls' CSS is the app's, drawn once per whole run
            begin_glosses()
        try:
            draw()
            address_bar.end_run()
            screen.remember_controls()
        except Exception:  # the last line of defence (st.stop and st.rerun are BaseExceptions: they pass)
            logging.getLogger("loss-landscape-lab").exception("page failed")
            st.error(FAILED)
        topbar.page_menus(page)

    warm_page(page)  # the first visit of the page on this server: its other sections' programs, in the background
    page_fragment()
