"""AppTest of the Minima & saddles page: both sections at defaults and at the extremes of their controls."""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from scenes.controls import options

TIMEOUT = 180


def minima_page(section: str = "Basins") -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/minima.py").run()
    if section != "Basins":
        at.segmented_control(key="min.section").set_value(section).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_basins_at_defaults_show_one_map_per_optimizer_and_the_share_reaching_the_global_minimum():
    at = minima_page()
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    maps = [f for f in figs if f["layout"].get("images") and f["data"][0].get("name") == "starts"]
    assert len(maps) == 3
    assert text(at).count("reaches a global minimum from") == 3 and "100.0%" in text(at)


def test_a_larger_grid_is_computed_in_blocks_and_drawn_at_its_size():
    at = minima_page()
    at.multiselect(key="min.optimizers").set_value(["gd"]).run()
    at.select_slider(key="min.grid.200").set_value(300).run()
    ok(at)
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    image = next(f for f in figs if f["data"][0].get("name") == "starts")["layout"]["images"][0]["source"]
    assert Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1]))).size == (300, 300)
    assert "reaches a global minimum from" in text(at)
    at.select_slider(key="min.grid.200").set_value(100).run()
    ok(at)


@pytest.mark.parametrize("surface", ["rastrigin", "saddle", "levi_n13", "quadratic"])
def test_basins_on_other_surfaces_and_extremes(surface):
    at = minima_page()
    at.selectbox(key="min.surface").set_value(surface).run()
    ok(at)
    at.multiselect(key="min.optimizers").set_value(["gd"]).run()
    h = options(1e-4, 1.0, True, 0.01)
    for lr in (h[0], h[-1]):
        at.select_slider(key="min.gd.learning_rate").set_value(lr)
        at.slider(key="min.steps").set_value(2000 if lr == h[-1] else 100)
        at.run()
        ok(at)
    at.multiselect(key="min.optimizers").set_value([]).run()
    ok(at)


@pytest.mark.parametrize("surface", ["saddle", "monkey_saddle", "himmelblau"])
def test_saddles_section(surface):
    at = minima_page("Saddles")
    at.selectbox(key="min.saddle_surface").set_value(surface).run()
    ok(at)
    if surface == "saddle":
        figs = json.dumps([json.loads(c.proto.spec) for c in at.get("plotly_chart")], ensure_ascii=False)
        assert "λ₋ = **−2**" in text(at) and "1 − ηλ₋ = 1.02" in figs
    if surface == "monkey_saddle":
        assert "degenerate saddle" in text(at)
    for eps in (1e-9, 0.1):
        at.select_slider(key="min.eps").set_value(eps).run()
        ok(at)


def test_escape_section_at_defaults_and_with_constant_noise():
    at = minima_page("Escape")
    figs = json.dumps([json.loads(c.proto.spec) for c in at.get("plotly_chart")], ensure_ascii=False)
    assert "reached a global minimum" in figs and "1 − (1 − p)^k" in figs
    assert "inside the basin of a local minimum" in text(at)
    at.toggle(key="min.annealed").set_value(False).run()
    ok(at)
    assert "(constant)" in text(at)
    at.selectbox(key="min.escape_surface").set_value("styblinski_tang").run()
    ok(at)


def test_saddles_of_your_own_formula_and_a_formula_without_one():
    at = minima_page("Saddles")
    at.selectbox(key="min.saddle_surface").set_value("custom").run()
    ok(at)
    at.text_input(key="min.formula").set_value("x^2 - 2*y^2 + 0.3*y^4").run()  # saddle (0, 0), minima (0, ±1.83)
    ok(at)
    assert "Saddle at (0, 0)" in text(at) and "λ₋ = **−4**" in text(at) and "λ₊ = **2**" in text(at)
    at.text_input(key="min.formula").set_value("x^2 + y^2").run()
    assert "has no saddle point" in " ".join(w.value for w in at.warning)
    assert not at.exception


def test_the_two_parameter_network_maps_start_coarser_and_show_its_mirror_basins():
    at = minima_page()
    at.selectbox(key="min.surface").set_value("two_param_net").run()
    ok(at)
    assert at.select_slider(key="min.grid.100").value == "100×100" or at.select_slider(key="min.grid.100").value == 100
    assert text(at).count("reaches a global minimum from") == 3
