"""AppTest helpers shared by the page tests: open the app at a page, from a link or a preset, and read it back."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from lab.pages import DEFAULT, PAGES, ROOT
from viz.frames import RECIPE

TIMEOUT = 300


def view_file(page: str) -> str:
    """A page's view as AppTest.switch_page takes it: relative to app.py ("views/learning_rate.py")."""
    return PAGES[page].view.relative_to(ROOT).as_posix()


def open_link(page: str, query: dict[str, str] | None = None, timeout: float = TIMEOUT) -> AppTest:
    """The app opened at ``page`` (a name of lab.pages.PAGES) with the link's query parameters, after its first
    run, checked for exceptions."""
    at = AppTest.from_file("../app.py", default_timeout=timeout)
    if page == DEFAULT:
        at.query_params.update(query or {})
        at.run()
    else:
        # AppTest cannot open a page by its url_path before a first run: open the app, then hand the page the link
        # as app.py keeps it for the page a session opens on (links.start_session)
        at.run()
        at.session_state["link.entry"] = dict(query or {})
        at.switch_page(view_file(page)).run()
    assert not at.exception, at.exception
    return at


def open_preset(preset, timeout: float = TIMEOUT) -> AppTest:
    """The app opened by a preset's shared link (its page and query), as a student's browser would."""
    return open_link(preset.page, dict(preset.link), timeout)


def ok(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def link(at: AppTest) -> dict[str, str]:
    """The address bar's query parameters as the page wrote them (one string each)."""
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def figures(at: AppTest) -> list[dict]:
    """Every Plotly chart on the page, as its figure JSON."""
    return [json.loads(d["figure"]) for d in charts(at)]


def charts(at: AppTest) -> list[dict]:
    """The page's charts (views/plot.py's elements), in page order: each its data, the figure's JSON and the config."""
    return [json.loads(c.proto.json) for c in at.get("bidi_component") if c.proto.component_name == "lll.plot"]


def configs(at: AppTest) -> list[dict]:
    """Every chart's plotly.js config."""
    return [d["config"] for d in charts(at)]


def frame_steps(fig: dict) -> list[int]:
    """The steps an animated chart of the page shows: the browser builds its frames from the recipe it carries
    (views/growing.py), the page is not sent the frames themselves."""
    assert "frames" not in fig
    return fig["layout"]["meta"][RECIPE]["shown"]


def widget(at: AppTest, key: str):
    """The widget with this key, whatever its kind (slider, select box, toggle, text box…)."""
    for kind in (
        "select_slider",
        "slider",
        "selectbox",
        "multiselect",
        "toggle",
        "text_input",
        "number_input",
        "radio",
        "segmented_control",
        "checkbox",
    ):
        try:
            return getattr(at, kind)(key=key)
        except (KeyError, IndexError):
            continue
    raise KeyError(f"no widget with key {key!r}")
