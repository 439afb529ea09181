"""The export panel in the top bar: a chart of the page rendered to a file the lecturer downloads."""

from __future__ import annotations

import pytest
from browser import require_chromium
from pages import configs
from streamlit.testing.v1 import AppTest

from viz.layout import name_of, vector_of


def camera(at: AppTest) -> list[dict]:
    """The toolbar camera button's options of every chart on the page (Plotly's config as the page sends it)."""
    return [c["toImageButtonOptions"] for c in configs(at)]


def test_the_camera_button_saves_png_at_3x_or_svg_as_the_panel_says_on_every_page():
    at = AppTest.from_file("../app.py", default_timeout=300)
    at.run()
    assert not at.exception
    assert at.segmented_control(key="export.camera").value == "png"
    shown = camera(at)
    assert len(shown) == 2 and all(o["format"] == "png" and o["scale"] == 3 for o in shown), shown
    at.segmented_control(key="export.camera").set_value("svg").run()
    shown = camera(at)
    assert len(shown) == 2 and all(o["format"] == "svg" and o["scale"] == 3 for o in shown), shown
    assert {o["filename"] for o in shown} == {"loss-landscape"}
    at.switch_page("views/learning_rate.py").run()  # the choice holds on the other pages
    assert not at.exception
    shown = camera(at)
    assert shown and all(o["format"] == "svg" and o["scale"] == 3 for o in shown), shown
    at.segmented_control(key="export.camera").set_value("png").run()
    assert all(o["format"] == "png" for o in camera(at))


def test_the_panel_names_each_chart_by_what_it_shows_and_offers_animations_at_2x():
    at = AppTest.from_file("../app.py", default_timeout=300)
    at.run()
    chart = at.selectbox(key="export.chart")
    assert chart.options == ["Race on the map", "Loss per step"] and chart.value == "contour"
    # the panel's figure is the one charts/ built, with what it keeps beside it (a cached copy, pickled, would not:
    # its files would fall back to the upscaled picture and to its key for a name)
    race = at.session_state["export.figures"]["contour"]
    assert vector_of(race)[0]["type"] == "contour" and name_of(race) == "race on the map"
    assert "export.animation_scale" not in [c.key for c in at.get("segmented_control")]  # a PNG has no such size
    at.segmented_control(key="export.format").set_value("gif").run()
    assert at.segmented_control(key="export.animation_scale").options == ["1×", "2×"]
    at.segmented_control(key="view").set_value("3D surface").run()
    assert not at.exception
    assert at.selectbox(key="export.chart").options == ["3D surface", "Loss per step"]


@pytest.mark.browser
def test_the_panel_lists_the_pages_charts_and_renders_png_and_gif():
    require_chromium()
    at = AppTest.from_file("../app.py", default_timeout=300)
    at.run()
    assert set(at.selectbox(key="export.chart").options) == {"Race on the map", "Loss per step"}
    at.selectbox(key="export.chart").set_value("contour").run()
    at.button(key="export.render").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (download,) = at.get("download_button")
    assert "Download PNG" in download.proto.label
    at.segmented_control(key="export.format").set_value("gif").run()
    at.button(key="export.render").click().run()
    assert not at.exception and not at.error
    (download,) = at.get("download_button")
    assert "Download GIF" in download.proto.label
    at.selectbox(key="export.chart").set_value("loss").run()  # not animated: no GIF offered
    assert [o.lower() for o in at.segmented_control(key="export.format").options] == ["png", "svg", "pdf"]
