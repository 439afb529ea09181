"""Links: a Scene in query parameters and back (scenes/url.py), and pages opened from a link (AppTest)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pages import figures, frame_steps
from streamlit.testing.v1 import AppTest

from links.scene import decode, encode, fmt
from optim import OPTIMIZERS
from optim.schedules import Schedule
from scenes import RunSpec, Scene
from surfaces import SURFACES

FORMULA = ("sin(x)*cos(y) + 0.1*(x^2 + y^2)", ((-3.0, 3.0), (-2.5, 2.0)))
SCHEDULES = (
    None,
    Schedule("step", transition_steps=50, decay_rate=0.3),
    Schedule("cosine", decay_steps=400, alpha=0.01),
    Schedule("warmup_cosine", decay_steps=300, warmup_steps=30, alpha=0.0),
)


@st.composite
def runs(draw):
    keys = draw(st.lists(st.sampled_from(list(OPTIMIZERS)), min_size=1, max_size=6, unique=True))
    out = []
    for k in keys:
        hyper = {}
        for h in OPTIMIZERS[k].hypers:  # values as a link writes them: six digits
            hyper[h.name] = float(fmt(draw(st.floats(h.lo, h.hi)))) if draw(st.booleans()) else h.default
        out.append(RunSpec(k, tuple(sorted(hyper.items())), draw(st.sampled_from(SCHEDULES))))
    return tuple(out)


@st.composite
def scenes(draw):
    name = draw(st.sampled_from([*SURFACES, "custom"]))
    params, formula = (), None
    if name == "custom":
        formula = FORMULA
        domain = formula[1]
    else:
        s = SURFACES[name]
        params = tuple(sorted((p.name, float(fmt(draw(st.floats(p.lo, p.hi))))) for p in s.params))
        domain = s.domain
    start = None
    if draw(st.booleans()):
        start = tuple(float(fmt(draw(st.floats(*d)))) for d in domain)
    return Scene(
        surface=name,
        surface_params=params,
        runs=draw(runs()),
        start=start,
        steps=draw(st.integers(10, 2000)),
        seed=draw(st.integers(0, 10**6)),
        formula=formula,
    )


@settings(max_examples=150, deadline=None)
@given(scenes())
def test_scene_to_link_to_scene_is_the_same_scene(scene):
    q = encode(scene)
    assert all(isinstance(v, str) for v in q.values())
    back, notices = decode(q)
    assert notices == []
    assert encode(back) == q
    assert back.surface == scene.surface and back.formula == scene.formula and back.start_point == scene.start_point
    if scene.surface != "custom":
        defaults = {p.name: p.default for p in SURFACES[scene.surface].params}
        assert {**defaults, **dict(back.surface_params)} == {**defaults, **dict(scene.surface_params)}
    assert [(r.optimizer, r.hyper_dict(), r.schedule) for r in back.runs] == [
        (r.optimizer, r.hyper_dict(), r.schedule) for r in scene.runs
    ]
    assert (back.steps, back.seed) == (scene.steps, scene.seed)


def test_defaults_make_a_short_link():
    assert encode(Scene()) == {"surface": "quadratic", "opt": "gd,momentum,adam"}


def test_a_formula_link_reads_back():
    q = {"surface": "custom", "f": FORMULA[0], "domain": "-3,3,-2.5,2", "opt": "adam", "adam.learning_rate": "0.1"}
    scene, notices = decode(q)
    assert notices == [] and scene.formula == FORMULA and scene.runs[0].hyper_dict()["learning_rate"] == 0.1


@pytest.mark.parametrize(
    "q, says",
    [
        ({"surface": "nowhere"}, "surface must be one of quadratic"),
        ({"surface": "custom", "f": "__import__('os')"}, "formula in the link cannot be used"),
        ({"surface": "custom", "f": "x^2", "domain": "1,2,3"}, "domain must be 4 finite numbers separated by commas"),
        ({"surface": "custom", "f": "log(x)", "domain": "-1,1,-1,1"}, "formula in the link cannot be used"),
        ({"surface": "quadratic", "s.kappa": "1e9"}, "s.kappa must be a number from 1 to"),
        ({"opt": "gd,gd"}, "different optimizers"),
        ({"opt": "gd,zeta"}, "different optimizers"),
        ({"opt": ""}, "different optimizers"),
        ({"steps": "5"}, "steps must be a whole number from 10 to 2000; using 500"),
        ({"steps": "ten"}, "steps='ten'"),
        ({"seed": "-1"}, "seed must be a whole number from 0"),
        ({"start": "nan,1"}, "start must be 2 finite numbers separated by commas"),
        ({"start": "100,100"}, "outside the surface's domain"),
        ({"opt": "adam", "adam.learning_rate": "inf"}, "adam.learning_rate must be a number from"),
        ({"opt": "adam", "adam.learning_rate": "50"}, "must be a number from 0.0001 to 1; using 0.015"),
        ({"opt": "adam", "adam.schedule": "sawtooth"}, "must start with one of constant"),
        ({"opt": "adam", "adam.schedule": "step,transition_steps=0"}, "transition_steps >= 1"),
        ({"opt": "adam", "adam.schedule": "cosine,colour=red"}, "has no field 'colour'"),
        ({"zoom": "3"}, "'zoom' means nothing here"),
    ],
)
def test_bad_links_fall_back_to_defaults_with_a_notice(q, says):
    scene, notices = decode(q)
    assert any(says in n for n in notices), notices
    assert isinstance(scene, Scene)  # and nothing raised


# -- pages opened from a link -----------------------------------------------------------------------------------------
def open_link(page: str | None, **query: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.query_params.update(query)
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def test_trajectories_opens_at_the_linked_scene_and_keeps_the_link_current():
    at = open_link(
        None,
        surface="custom",
        f=FORMULA[0],
        domain="-3,3,-2.5,2",
        opt="gd,adam",
        start="1,0.5",
        steps="500",
        **{"adam.learning_rate": "0.1", "adam.schedule": "cosine,alpha=0.01"},
    )
    assert at.selectbox(key="surface").value == "custom" and at.text_input(key="formula").value == FORMULA[0]
    assert at.multiselect(key="optimizers").value == ["gd", "adam"]
    assert at.select_slider(key="adam.learning_rate").value == 0.1
    assert at.selectbox(key="adam.schedule.kind").value == "cosine"
    assert at.slider(key="steps").value == 500
    fig = figures(at)[0]
    assert "Adam" in json.dumps(fig["data"]) and not at.toast
    q = at.query_params
    assert q["surface"] == ["custom"] or q["surface"] == "custom"
    # a slider moved: the link follows it
    at.slider(key="steps").set_value(800).run()
    assert "800" in str(at.query_params["steps"])


def test_a_bad_link_opens_the_defaults_with_a_notice():
    at = open_link(None, surface="custom", f="x +* y", opt="gd,nope")
    assert at.selectbox(key="surface").value == "quadratic"
    assert at.toast and "could not be used" in at.toast[0].value and "column" in at.toast[0].value
    assert not at.error


LINK = {"surface": "custom", "f": "x^2 - y^2 + 0.1*x^4 + 0.1*y^4", "domain": "-3,3,-3,3"}


def test_the_minima_page_opens_a_linked_formula():
    at = open_link("views/minima.py", **LINK)
    assert at.selectbox(key="minima.surface").value == "custom"
    assert "0.1*x^4" in at.text_input(key="minima.formula").value
    assert not at.error and not at.toast
    assert at.query_params["f"] in (LINK["f"], [LINK["f"]])


def test_the_lab_page_opens_a_linked_formula():
    # AppTest cannot open a page with its own url_path before a first run: open the app, then hand the lab the link
    # as app.py keeps it for the page a session opens on
    at = open_link(None)
    at.session_state["link.entry"] = LINK
    at.switch_page("views/learning_rate.py").run()
    assert at.selectbox(key="learning_rate.surface").value == "custom"
    assert "0.1*x^4" in at.text_input(key="learning_rate.formula").value
    assert not at.error and not at.toast


def test_a_page_switch_does_not_carry_the_link_over():
    at = open_link(None, surface="rastrigin")
    assert at.selectbox(key="surface").value == "rastrigin"
    at.switch_page("views/minima.py").run()
    assert at.selectbox(key="minima.surface").value == "himmelblau"


def test_the_presenter_theme_and_the_view_come_from_the_link_and_stay_in_it():
    at = open_link(None, theme="presenter", view="3d")
    assert at.toggle(key="presenter").value is True
    fig = figures(at)[0]
    assert fig["data"][0]["type"] == "surface" and fig["layout"]["font"]["size"] == 20  # the presenter theme's
    assert at.query_params["theme"] in ("presenter", ["presenter"]) and at.query_params["view"] in ("3d", ["3d"])


def test_the_side_by_side_view_shows_the_map_and_the_3d_surface_on_the_same_frames():
    at = open_link(None, view="both")
    assert at.segmented_control(key="view").value == "Side by side"
    flat, solid = (f for f in figures(at)[:2])
    assert flat["data"][0]["type"] == "scatter" and solid["data"][0]["type"] == "surface"
    assert frame_steps(flat) == frame_steps(solid)  # its steps are the map's
    assert flat["layout"]["sliders"] and solid["layout"]["sliders"][0]["visible"] is False  # the map's drive both
    assert flat["layout"]["height"] == solid["layout"]["height"]  # level, side by side
    assert at.query_params["view"] in ("both", ["both"])
    at = open_link(None, view="sideways")
    assert at.segmented_control(key="view").value == "Contour · animation"
    assert at.toast and "use contour, 3d or both" in at.toast[0].value


def test_a_class_link_hides_the_controls_it_names_and_they_keep_working():
    at = open_link(None, hide="steps,seed,optimizers", steps="600")
    css = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-steps{display:none}" in css and ".st-key-optimizers{display:none}" in css
    assert at.slider(key="steps").value == 600  # hidden, not gone: the link's value still counts
    assert at.query_params["hide"] in ("steps,seed,optimizers", ["steps,seed,optimizers"])


def test_an_older_class_link_hides_the_renamed_controls():
    """Widget keys were lab.*, min.*, net.*; a class link made then still hides the same controls."""
    at = open_link(None, hide="lab.steps,min.eps,net.t.steps,steps")
    css = " ".join(h.proto.body for h in at.get("html"))
    for key in ("learning_rate-steps", "minima-eps", "networks-t-steps", "steps"):
        assert f".st-key-{key}{{display:none}}" in css, key
    assert at.query_params["hide"] in (
        "learning_rate.steps,minima.eps,networks.t.steps,steps",
        ["learning_rate.steps,minima.eps,networks.t.steps,steps"],
    )


def test_a_section_in_the_link_opens_that_section():
    at = open_link("views/minima.py", section="escape")
    assert at.segmented_control(key="minima.section").value == "Escape"
    assert "Random restarts" in " ".join(m.value for m in at.markdown)
    assert at.query_params["section"] in ("escape", ["escape"])


@pytest.mark.parametrize(
    "query, says",
    [
        ({"theme": "dark"}, "theme='dark'"),
        ({"section": "nowhere"}, "section="),
        ({"view": "4d"}, "view='4d'"),
        ({"hide": "<script>"}, "hide="),
    ],
)
def test_bad_page_parameters_fall_back_with_a_notice(query, says):
    at = open_link("views/minima.py" if "section" in query else None, **query)
    assert not at.exception and not at.error
    assert at.toast and says in at.toast[0].value
