"""AppTest: "your own formula" on every page: a formula becomes the surface, a bad one is told where and the page
keeps its last good surface."""

from __future__ import annotations

import json

import pytest
from pages import figures
from streamlit.testing.v1 import AppTest

from scenes.scene import CUSTOM

TIMEOUT = 180
PAGES = {  # page -> (its surface select box, its formula text box)
    "views/trajectories.py": ("surface", "formula"),
    "views/learning_rate.py": ("learning_rate.surface", "learning_rate.formula"),
    "views/minima.py": ("minima.surface", "minima.formula"),
}


def page(path: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    if path != "views/trajectories.py":
        at.switch_page(path).run()
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, at.exception


def charts(at: AppTest) -> str:
    return json.dumps([f for f in figures(at)], ensure_ascii=False)


@pytest.mark.parametrize("path", list(PAGES))
def test_own_formula_on_every_page(path):
    select, box = PAGES[path]
    at = page(path)
    at.selectbox(key=select).set_value(CUSTOM).run()
    ok(at)
    assert not at.error
    assert "Your formula: 4 minima" in " ".join(c.value for c in at.caption) and charts(at)
    at.text_input(key=box).set_value("x^2 + 3*y^2").run()  # a new formula: the page redraws on it
    ok(at)
    assert not at.error
    at.text_input(key=box).set_value("x^2 + 3*y^2)").run()  # a typo: said where, the last good surface stays
    ok(at)
    assert at.error and "column 12" in at.error[0].value and "Still showing f = `x^2 + 3*y^2`" in at.error[0].value
    assert figures(at)
    at.text_input(key=box).set_value("log(x)").run()  # undefined on part of the domain: said, with a point
    ok(at)
    assert (
        at.error and "undefined" in at.error[0].value and "\\(x, y\\) =" in at.error[0].value
    )  # plain text (scenes.text.plain)


def test_a_formula_that_overflows_and_a_bad_domain_are_refused():
    at = page("views/trajectories.py")
    at.selectbox(key="surface").set_value(CUSTOM).run()
    at.text_input(key="formula").set_value("exp(exp(exp(x)))").run()
    ok(at)
    assert at.error and "overflows" in at.error[0].value
    at.text_input(key="formula").set_value("x^2+y^2").run()
    at.number_input(key="formula.x max").set_value(-5.0).run()  # x max below x min
    ok(at)
    assert at.error
