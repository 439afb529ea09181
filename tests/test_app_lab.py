"""AppTest of the Learning rate & momentum page: every section at defaults and at the extremes of its controls."""

from __future__ import annotations

import json

import pytest
from pages import figures, frame_steps
from streamlit.testing.v1 import AppTest

from links.slider_values import options
from optim import OPTIMIZERS
from optim import analysis as an

TIMEOUT = 180
SECTIONS = ("Sweep", "Regimes", "Phase diagram", "Momentum")


def lab_page(section: str = "Sweep") -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/learning_rate.py").run()
    assert not at.exception, at.exception
    if section != "Sweep":
        at.segmented_control(key="learning_rate.section").set_value(section).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def details(at: AppTest) -> str:
    """The help tooltips of the page's text: where an outcome's detail is shown."""
    return " ".join(e.proto.help for e in [*at.markdown, *at.caption])


def test_sweep_at_defaults_draws_the_thresholds_and_animates_the_chosen_rate():
    at = lab_page()
    sweep, animation, loss = figures(at)  # the sweep on the left, the chosen run animated on the right, its loss
    notes = " ".join(a["text"] for a in sweep["layout"]["annotations"])
    assert "2/L = 0.2" in notes and "2/(μ+L) = 0.182" in notes
    assert frame_steps(animation) and "Gradient descent · η 0.182" in json.dumps(animation["data"], ensure_ascii=False)
    assert "κ = L/μ = 10" in text(at) and "reached the global minimum" in text(at)
    # choosing another learning rate animates that run
    at.select_slider(key="learning_rate.lr.quadratic.gd").set_value(0.25).run()
    ok(at)
    assert "diverged at step" in text(at) and "exceeds 2/η = 8" in details(at)  # the why, in the outcome's tooltip


@pytest.mark.parametrize("section", SECTIONS[1:])
def test_each_section_at_defaults(section):
    at = lab_page(section)
    assert figures(at)
    if section == "Regimes":
        assert [m.value.split("  ")[0] for m in at.markdown if m.value.startswith("**")][:4] == [
            "**Too small**",
            "**About right**",
            "**Too large**",
            "**Divergent**",
        ]
    if section == "Phase diagram":
        assert "best constant setting is η* = 0.231, β* = 0.27" in text(at)
    if section == "Momentum":
        assert "(√κ−1)/(√κ+1) = 0.8182" in text(at)


@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_sweep_for_every_optimizer_at_its_extremes(opt):
    at = lab_page()
    at.selectbox(key="learning_rate.optimizer.sweep").set_value(opt).run()
    ok(at)
    hypers = [h for h in OPTIMIZERS[opt].hypers if h.slider and h.name != "learning_rate"]
    for end in (0, -1):
        for h in hypers:
            at.select_slider(key=f"learning_rate.{opt}.{h.name}").set_value(options(h.lo, h.hi, h.log, h.default)[end])
        at.slider(key="learning_rate.steps").set_value(2000 if end else 100)
        at.run()
        ok(at)
    if an.stability_limit(opt, 1.0) is None and opt != "newton":
        assert "no threshold follows from the Hessian alone" in text(at)


@pytest.mark.parametrize("surface", ["saddle", "monkey_saddle", "rastrigin", "easom", "levi_n13", "goldstein_price"])
@pytest.mark.parametrize("section", ["Sweep", "Regimes", "Phase diagram"])
def test_every_kind_of_surface(surface, section):
    at = lab_page(section)
    at.selectbox(key="learning_rate.surface").set_value(surface).run()
    ok(at)
    if surface in ("saddle", "monkey_saddle") and section != "Phase diagram":
        assert "has no minimum" in text(at)


@pytest.mark.parametrize("section", SECTIONS)
def test_condition_number_extremes(section):
    at = lab_page(section)
    key = "narrow_valley" if section == "Momentum" else "quadratic"
    for kappa in (1.0, 1000.0):
        at.select_slider(key=f"learning_rate.{key}.kappa").set_value(kappa).run()
        ok(at)


def test_phase_diagram_for_nesterov_and_adam():
    at = lab_page("Phase diagram")
    for opt in ("nesterov", "adam"):
        at.selectbox(key="learning_rate.optimizer.phase").set_value(opt).run()
        ok(at)
    assert "first-moment decay" in json.dumps(figures(at))


def test_a_schedule_is_swept_too():
    at = lab_page()
    at.selectbox(key="learning_rate.gd.schedule.kind").set_value("cosine").run()
    ok(at)
    sweep, animation, loss = figures(at)
    assert "peak learning rate η (cosine decay" in sweep["layout"]["xaxis"]["title"]["text"]
    assert "cosine" in json.dumps(animation["data"])  # the animated run's label
    assert "xaxis2" in loss["layout"]  # the lr-vs-step inset
