"""Bad input from a link stays harmless text (issue: a whole class at once): a refused value is echoed as plain,
escaped text cut to ~60 characters, a formula shown in a warning stays itself, the Learning rate page tells the rate
it could not use, and a render that fails says what is missing in plain words."""

from __future__ import annotations

import re

import pytest
from pages import open_link

from scenes.text import ECHO, cut, plain
from viz.export import failure

HOSTILE = "[click me](http://evil.example/x) ![img](http://evil.example/y.png) *bold* $x^2$ <b>hi</b> :smile:"


def test_plain_text_escapes_every_markdown_character_and_cut_keeps_the_start():
    shown = plain(HOSTILE)
    assert "\\[click me\\]\\(http\\://" in shown and "\\!\\[img\\]" in shown and "\\*bold\\*" in shown
    assert "\\$x^2\\$" in shown and "\\<b\\>" in shown and "\\:smile\\:" in shown
    assert plain("x*y + y*x") == "x\\*y + y\\*x" and plain("steps='abc', 0.5; ok") == "steps='abc', 0.5; ok"
    assert plain("www.evil.example a@b.org") == "www\\.evil.example a\\@b.org"  # no bare link either
    assert cut("a" * 10_000) == "a" * (ECHO - 1) + "…" and cut("short") == "short"


@pytest.mark.parametrize("page, key", [("trajectories", "steps"), ("minima", "surface"), ("networks", "steps")])
def test_a_refused_value_is_echoed_as_escaped_text_cut_short(page, key):
    at = open_link(page, {key: HOSTILE + "x" * 10_000})
    (toast,) = at.toast
    assert "](http" not in toast.value and "![" not in toast.value and "<b>" not in toast.value
    assert "\\[click me\\]" in toast.value and len(toast.value) < 600, toast.value


def test_a_formula_in_a_warning_is_shown_as_code():
    at = open_link("minima", {"section": "escape", "surface": "custom", "f": "x*y + y*x"})
    (warning,) = at.warning
    assert warning.value.startswith("Your formula `x*y + y*x` has no local minimum"), warning.value


def test_the_learning_rate_page_tells_a_rate_its_sweep_does_not_offer():
    for lr, end in (("1e6", "top"), ("1e-9", "bottom")):  # the sweep's nearest end stands in, and is told
        at = open_link("learning_rate", {"lr": lr})
        told = " ".join(t.value for t in at.toast)
        said = r"lr=\S+ in the link\\: lr must be one of the sweep's rates, from (\S+) to (\S+); using (\S+)\."
        found = re.search(said, told)
        assert found, told
        lo, hi, using = found.groups()
        assert using == (hi if end == "top" else lo)
        assert not at.exception and not at.error


class ChromeNotFoundError(RuntimeError):  # choreographer's name for it
    pass


class BrowserClosedError(RuntimeError):
    pass


def test_a_failed_render_says_what_is_missing_in_plain_words():
    missing = ChromeNotFoundError("Kaleido v1 and later requires Chrome to be installed. `kaleido_get_chrome`")
    said = failure(missing)
    assert "Chromium" in said and "not installed" in said and "apt-get install chromium" in said
    assert "kaleido" not in said.lower()
    for stopped in (BrowserClosedError(""), RuntimeError("the export tab stopped before every frame arrived")):
        assert "stopped before the file was finished" in failure(stopped)
    assert "ValueError" in failure(ValueError("x"))


def test_the_export_panel_shows_the_plain_words(monkeypatch):
    def boom(*_):
        raise ChromeNotFoundError("requires Chrome: use `kaleido_get_chrome`")

    monkeypatch.setattr("views.export_panel._render", boom)
    at = open_link("trajectories", {})
    at.button(key="export.render").click().run()
    (error,) = at.error
    assert "not installed" in error.value and "kaleido" not in error.value and not at.exception
