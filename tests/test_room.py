"""The lecture room without a browser: the class link built from the page, the lessons menu and the slideshow's
order, the map's size for a window (views/screen.py)."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

from pages import link
from streamlit.testing.v1 import AppTest

from lab.pages import PRESETS
from views.screen import Screen
from views.topbar import class_link, control_name


def test_the_class_link_keeps_the_page_and_hides_the_chosen_controls():
    url = class_link("http://room:8501/learning-rate", {"section": "phase", "hide": "old"}, ["steps", "a.b"], True)
    parts = urlsplit(url)
    assert parts.path == "/learning-rate"
    assert parse_qs(parts.query) == {"section": ["phase"], "hide": ["steps,a.b"], "theme": ["presenter"]}
    assert class_link("http://room:8501/", {}, [], False) == "http://room:8501/"
    assert control_name("momentum.momentum") == "Momentum (heavy ball) · momentum"
    assert control_name("learning_rate.steps") == "steps"


def test_the_bar_builds_a_class_link_from_the_controls_the_page_shows():
    at = AppTest.from_file("../app.py", default_timeout=300)
    at.run()
    at.run()  # the bar offers the controls the page drew in the run before
    box = at.multiselect(key="class.hide")
    assert {"steps", "Gradient descent · learning rate", "surface"} <= set(box.options)  # named in words
    box.set_value(["steps"]).run()
    assert not at.exception
    (code,) = [c.value for c in at.code]
    query = parse_qs(urlsplit(code).query)
    assert query["hide"] == ["steps"]
    assert {k: v[0] for k, v in query.items() if k != "hide"} == link(at)  # the page as it stands


def test_the_lessons_menu_offers_every_preset_and_opens_it_with_its_lesson():
    at = AppTest.from_file("../app.py", default_timeout=300)
    at.run()
    keys = {b.key for b in at.button if b.key and b.key.startswith("preset.")}
    assert keys == {f"preset.{name}" for name in PRESETS}
    at.button(key="slides.start").click().run()
    first = PRESETS[next(iter(PRESETS))]
    assert any(first.title in m.value for m in at.markdown if "lll-lesson" in m.value)
    at.button(key="slides.next").click().run()
    second = PRESETS[list(PRESETS)[1]]
    assert any(html.escape(second.title) in m.value for m in at.markdown if "lll-lesson" in m.value)
    at.button(key="slides.stop").click().run()
    assert not [b for b in at.button if b.key == "slides.next"]


def test_the_map_fills_the_window_it_is_shown_in():
    assert Screen(window=1280, main=1120, height=800).map_side(2.9 / 3.9) == 650
    assert Screen(window=1920, main=1760, height=1080).map_side(2.9 / 3.9, reserve=185) == 895
    phone = Screen(window=390, main=358, height=844, touch=True)
    assert phone.narrow and phone.map_side(2.9 / 3.9) == 298  # the width: the controls scroll under it
    # two to a row on a phone (views.common.pairs): each half the width, less the gap and the axes
    assert phone.width(2.9 / 3.9, 2) == 358 and phone.width(2.9 / 3.9, 2, paired=True) == (358 - 16) // 2
    assert phone.map_side(2.9 / 3.9, columns=2, paired=True) == (358 - 16) // 2 - 60
    # side by side on a desktop, the toolbar's room kept beside each map (no toolbar on a touch screen)
    three = Screen(window=1280, main=1120, height=800).map_side(2.9 / 3.9, columns=3)
    assert three == int((int((1120 - 24) * 2.9 / 3.9) - 2 * 16) / 3) - 86
    assert Screen(window=1280, main=1120, height=800, touch=True).map_side(2.9 / 3.9, columns=3) == three + 26
