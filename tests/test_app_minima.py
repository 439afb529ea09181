"""AppTest of the Minima & saddles page: each section at defaults and at the extremes of its controls, and the page
opened from a link (presets, full-state links, bad ones) writing the same link back."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import replace

import pytest
from pages import figures, link, open_link, open_preset, widget
from PIL import Image
from streamlit.testing.v1 import AppTest

from lab.pages import PRESETS
from links import minima as mp
from links.slider_values import options
from scenes import basins as bs
from scenes.text import point

TIMEOUT = 180


def minima_page(section: str = "Basins") -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/minima.py").run()
    if section != "Basins":
        at.segmented_control(key="minima.section").set_value(section).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_basins_at_defaults_show_one_map_per_optimizer_and_the_share_reaching_the_global_minimum():
    at = minima_page()
    figs = [f for f in figures(at)]
    maps = [f for f in figs if f["layout"].get("images") and f["data"][0].get("name") == "starts"]
    assert len(maps) == 3
    assert text(at).count("reaches a global minimum from") == 3 and "100.0%" in text(at)


def test_a_larger_grid_is_computed_in_blocks_and_drawn_at_its_size():
    at = minima_page()
    at.multiselect(key="minima.optimizers").set_value(["gd"]).run()
    at.select_slider(key="minima.grid.200").set_value(300).run()
    ok(at)
    figs = [f for f in figures(at)]
    image = next(f for f in figs if f["data"][0].get("name") == "starts")["layout"]["images"][0]["source"]
    assert Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1]))).size == (300, 300)
    assert "reaches a global minimum from" in text(at)
    at.select_slider(key="minima.grid.200").set_value(100).run()
    ok(at)


@pytest.mark.parametrize("surface", ["rastrigin", "saddle", "levi_n13", "quadratic"])
def test_basins_on_other_surfaces_and_extremes(surface):
    at = minima_page()
    at.selectbox(key="minima.surface").set_value(surface).run()
    ok(at)
    at.multiselect(key="minima.optimizers").set_value(["gd"]).run()
    h = options(1e-4, 1.0, True, 0.01)
    for lr in (h[0], h[-1]):
        at.select_slider(key="minima.gd.learning_rate").set_value(lr)
        at.slider(key="minima.steps").set_value(2000 if lr == h[-1] else 100)
        at.run()
        ok(at)
    at.multiselect(key="minima.optimizers").set_value([]).run()
    ok(at)


@pytest.mark.parametrize("surface", ["saddle", "monkey_saddle", "himmelblau"])
def test_saddles_section(surface):
    at = minima_page("Saddles")
    at.selectbox(key="minima.saddle_surface").set_value(surface).run()
    ok(at)
    if surface == "saddle":
        figs = json.dumps([f for f in figures(at)], ensure_ascii=False)
        assert "λ₋ = **−2**" in text(at) and "1 − ηλ₋ = 1.02" in figs
    if surface == "monkey_saddle":
        assert "degenerate saddle" in text(at)
    for eps in (1e-9, 0.1):
        at.select_slider(key="minima.eps").set_value(eps).run()
        ok(at)


def test_escape_section_at_defaults_and_with_constant_noise():
    at = minima_page("Escape")
    figs = json.dumps([f for f in figures(at)], ensure_ascii=False)
    assert "reached a global minimum" in figs and "1 − (1 − p)^k" in figs
    assert "inside the basin of a local minimum" in text(at)
    at.toggle(key="minima.annealed").set_value(False).run()
    ok(at)
    assert "(constant)" in text(at)
    at.selectbox(key="minima.escape_surface").set_value("styblinski_tang").run()
    ok(at)


def test_saddles_of_your_own_formula_and_a_formula_without_one():
    at = minima_page("Saddles")
    at.selectbox(key="minima.saddle_surface").set_value("custom").run()
    ok(at)
    at.text_input(key="minima.formula").set_value("x^2 - 2*y^2 + 0.3*y^4").run()  # saddle (0, 0), minima (0, ±1.83)
    ok(at)
    assert "Saddle at (0, 0)" in text(at) and "λ₋ = **−4**" in text(at) and "λ₊ = **2**" in text(at)
    at.text_input(key="minima.formula").set_value("x^2 + y^2").run()
    assert "has no saddle point" in " ".join(w.value for w in at.warning)
    assert not at.exception


def test_the_two_parameter_network_maps_start_coarser_and_show_its_mirror_basins():
    at = minima_page()
    at.selectbox(key="minima.surface").set_value("two_param_net").run()
    ok(at)
    assert (
        at.select_slider(key="minima.grid.100").value == "100×100"
        or at.select_slider(key="minima.grid.100").value == 100
    )
    assert text(at).count("reaches a global minimum from") == 3


# -- links -----------------------------------------------------------------------------------------------------------
MINIMA = [p for p in PRESETS.values() if p.page == "minima"]


def expected_widgets(state: mp.State) -> dict[str, object]:
    """The widgets a State is shown in (by key) and the value each should hold: the section switch and the page's
    own map (links/minima.py's widget_values, which the page uses to open a link)."""
    return {"minima.section": state.section} | mp.widget_values(state)


def shows(at: AppTest, state: mp.State) -> None:
    for key, value in expected_widgets(state).items():
        assert widget(at, key).value == value, key


# a widget moved after opening the preset, and the link's parameters that changes (None: gone from the link)
MOVES = {
    "basins": ("minima.grid.200", 100, {"grid": "100"}),
    "a-step-too-large-for-sharp-minima": ("minima.gd.learning_rate", 0.01, {"gd.learning_rate": None}),
    "escaping-with-noise": ("minima.annealed", False, {"anneal": "0"}),
    "newton-finds-the-saddle": ("minima.eps", 0.1, {"eps": "0.1"}),
}


@pytest.mark.xdist_group("presets")  # on the worker whose page caches hold the presets (test_presets's menu)
@pytest.mark.parametrize("preset", MINIMA, ids=lambda p: p.name)
def test_a_minima_preset_opens_at_its_values_writes_its_link_back_and_follows_a_moved_widget(preset):
    at = open_preset(preset)
    ok(at)
    state, _ = mp.decode(dict(preset.link))
    shows(at, state)
    assert link(at) == dict(preset.link) and not at.toast
    key, value, change = MOVES[preset.name]
    widget(at, key).set_value(value).run()
    ok(at)
    expected = {k: v for k, v in (dict(preset.link) | change).items() if v is not None}
    assert link(at) == expected != dict(preset.link)


FORMULA = {"surface": "custom", "f": "x^2 - 2*y^2 + 0.3*y^4 + 0.2*x*y", "domain": "-3,3,-2.5,2.5"}
# every parameter of a section away from its default, and one the page cannot use (dropped, with a notice)
FULL = [
    (
        {
            **FORMULA,
            "opt": "gd,adam",
            "gd.learning_rate": "0.02",
            "adam.b1": "0.8",
            "start": "1,-1",
            "steps": "300",
            "grid": "100",
        },
        {"section": "nowhere"},
        "section='nowhere'",
    ),
    (
        {
            "surface": "styblinski_tang",
            "steps": "600",
            "seed": "7",
            "sgd.learning_rate": "0.005",
            "sgd.gamma": "1",
            "section": "escape",
            "anneal": "0",
        },
        {"eps": "0.1"},
        "'eps' means nothing here",
    ),
    (
        {
            "surface": "himmelblau",
            "steps": "500",
            "gd.learning_rate": "0.005",
            "momentum.momentum": "0.5",
            "section": "saddles",
            "saddle": "2",
            "eps": "0.001",
        },
        {"start": "0,0"},
        "places its own start",
    ),
]


@pytest.mark.parametrize(("full", "bad", "says"), FULL, ids=("basins", "escape", "saddles"))
def test_a_full_state_link_sets_every_widget_and_a_bad_parameter_is_told_and_dropped(full, bad, says):
    at = open_link("minima", full | bad)
    ok(at)
    state, notices = mp.decode(full)
    assert notices == [] and mp.encode(state) == full
    shows(at, state)
    assert link(at) == full
    toasts = " ".join(t.value for t in at.toast)
    assert toasts.count(says) == 1, toasts


def test_the_saddle_box_and_the_surface_box_write_the_link():
    at = open_link("minima", {"section": "saddles", "surface": "himmelblau", "saddle": "2"})
    s = mp.decode({"section": "saddles", "surface": "himmelblau"})[0].scene.surface_obj.saddles[1]
    at.selectbox(key="minima.which.himmelblau").set_value(point(s.x, s.y)).run()
    ok(at)
    assert link(at) == {"section": "saddles", "surface": "himmelblau", "saddle": "1"}
    at.selectbox(key="minima.saddle_surface").set_value("saddle").run()
    ok(at)
    assert link(at) == {"section": "saddles", "surface": "saddle"}


def test_a_preset_opened_from_the_menu_on_another_section_shows_its_own_section():
    at = open_link("minima", {"section": "saddles"})
    preset = PRESETS["basins"]
    at.button(key=f"preset.{preset.name}").click().run()
    ok(at)
    assert at.segmented_control(key="minima.section").value == "Basins"
    assert link(at) == dict(preset.link)


def test_a_move_of_one_racer_builds_its_basin_map_alone_and_sends_the_others_as_they_were():
    at = minima_page()
    before = dict(at.session_state["chart.memo"])
    assert {f"minima.map{i}" for i in range(3)} <= set(before)
    at.select_slider(key="minima.gd.learning_rate").set_value(0.005).run()
    ok(at)
    after = at.session_state["chart.memo"]
    assert after["minima.map0"][2] != before["minima.map0"][2]  # gradient descent's map: built again
    for key in ("minima.map1", "minima.map2"):  # the others: the very figure and text, neither built nor serialised
        assert after[key] is before[key]
    assert at.session_state["export.figures"]["minima.map1"] is before["minima.map1"][1]  # the export offers it


def test_maps_beyond_the_work_budget_are_refused_with_the_limit_and_a_link_asking_for_them_gets_the_largest_grid():
    at = minima_page()
    at.selectbox(key="minima.surface").set_value("two_param_net").run()
    at.select_slider(key="minima.grid.100").set_value(600).run()
    assert not at.exception
    (error,) = at.error
    assert "at most 100×100 starts" in error.value and "3 maps of 600×600 starts" in error.value
    assert not [f for f in figures(at) if f["data"] and f["data"][0].get("name") == "starts"]  # nothing computed
    at.select_slider(key="minima.grid.100").set_value(100).run()
    ok(at)
    state, notices = mp.decode({"surface": "two_param_net", "grid": "600"})
    assert state.grid == 100 and "using 100×100 starts and 500 steps" in notices[0]
    assert bs.work(state.scene, state.grid) <= bs.WORK_BUDGET < bs.work(state.scene, 200)  # the largest that fits
    state, notices = mp.decode({"surface": "two_param_net", "steps": "2000"})  # not even the smallest grid
    assert state.grid == 100 and state.scene.steps == 1750 and "1750 steps" in notices[0]
    assert bs.work(state.scene, 100) <= bs.WORK_BUDGET < bs.work(replace(state.scene, steps=1800), 100)
    for q in ({}, {"surface": "two_param_net"}, {"grid": "600", "steps": "2000"}):  # the defaults and more fit
        assert not bs.over_budget((s := mp.decode(q)[0]).scene, s.grid), q
