"""AppTest helpers shared by the page tests: open the app at a page, from a link or a preset, and read it back."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

PAGE_FILES = {
    "trajectories": None,
    "learning_rate": "views/learning_rate.py",
    "minima": "views/minima.py",
    "networks": "views/networks.py",
}
TIMEOUT = 300


def open_link(page: str, query: dict[str, str] | None = None, timeout: float = TIMEOUT) -> AppTest:
    """The app opened at ``page`` (a scenes.library page name) with the link's query parameters, after its first
    run, checked for exceptions."""
    at = AppTest.from_file("../app.py", default_timeout=timeout)
    if PAGE_FILES[page] is None:
        at.query_params.update(query or {})
        at.run()
    else:
        # AppTest cannot open a page by its url_path before a first run: open the app, then hand the page the link
        # as app.py keeps it for the page a session opens on (links.start_session)
        at.run()
        at.session_state["link.entry"] = dict(query or {})
        at.switch_page(PAGE_FILES[page]).run()
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
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


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
