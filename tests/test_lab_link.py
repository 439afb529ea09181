"""The Learning rate page's whole state in its link: codec round trips, bad values told, the page opened from a link."""

from __future__ import annotations

import random

import pytest
from pages import figures, link, ok, open_link, open_preset, widget

from charts import learning_rate as learning_rate_charts
from lab.pages import PRESETS
from links import learning_rate as lp
from optim import OPTIMIZERS
from optim.schedules import Schedule
from scenes import RunSpec
from scenes.scene import Scene
from surfaces import SURFACES

LAB = [p for p in PRESETS.values() if p.page == "learning_rate"]


def random_state(rng: random.Random) -> lp.State:
    section = rng.choice(lp.SECTIONS)
    surface = rng.choice(lp.surfaces(section))
    opt = rng.choice(lp.optimizers(section))
    spec = OPTIMIZERS[opt]
    hyper = {h.name: rng.choice([h.lo, h.default, h.hi]) for h in spec.hypers if rng.random() < 0.5}
    scheduled = section in ("Sweep", "Regimes") and rng.random() < 0.3
    schedule = Schedule("cosine", decay_steps=500, alpha=0.01) if scheduled else None
    (x0, x1), (y0, y1) = SURFACES[surface].domain
    inside = (round(x0 + 0.3 * (x1 - x0), 3), round(y0 + 0.6 * (y1 - y0), 3))
    scene = Scene(
        surface=surface,
        runs=(RunSpec(opt, tuple(sorted(hyper.items())), schedule),),
        start=rng.choice([None, inside]),
        steps=rng.choice([100, 500, 2000]),
        seed=rng.choice([0, 7]),
    )
    lr = beta = None
    if section == "Sweep" and rng.random() < 0.5:
        lr = rng.choice([0.001, 0.05, 1.5])
    if section == "Phase diagram" and rng.random() < 0.5:
        lr, beta = rng.choice([0.01, 0.2]), rng.choice([0.0, 0.5, 0.99])
    return lp.State(section, scene, lr, beta)


def test_random_states_round_trip_state_link_state_link():
    rng = random.Random(6)
    for _ in range(120):
        state = random_state(rng)
        q = lp.encode(state)
        back, notices = lp.decode(q)
        assert not notices, (q, notices)
        assert lp.encode(back) == q
        assert (back.section, back.scene.surface, back.scene.steps, back.scene.seed, back.lr, back.beta) == (
            state.section,
            state.scene.surface,
            state.scene.steps,
            state.scene.seed,
            state.lr,
            state.beta,
        )
        assert back.scene.runs[0].hyper_dict() == state.scene.runs[0].hyper_dict()


def test_defaults_make_a_short_link():
    assert lp.encode(lp.State()) == {"surface": "quadratic"}
    assert lp.encode(lp.State("Phase diagram", lp.default_scene("Phase diagram"))) == {
        "surface": "quadratic",
        "section": "phase",
    }


@pytest.mark.parametrize(
    "q, says",
    [
        ({"section": "phase", "opt": "gd"}, "varies one rule of momentum"),
        ({"section": "momentum", "surface": "rosenbrock"}, "surface must be one of quadratic, narrow_valley"),
        ({"opt": "gd,adam"}, "varies one rule"),
        ({"steps": "20"}, "steps must be one of 100, 150, … 2,000 here; using 500"),
        ({"lr": "-1"}, "lr='-1'"),
        ({"section": "phase", "lr": "0.1"}, "needs both lr and beta"),
        ({"beta": "1.5", "section": "phase", "lr": "0.1"}, "beta='1.5'"),
        ({"zoom": "2"}, "'zoom' means nothing here"),
    ],
)
def test_a_bad_link_falls_back_with_a_notice(q, says):
    state, notices = lp.decode(q)
    assert any(says in n for n in notices), notices
    assert isinstance(state, lp.State) and len(state.scene.runs) == 1


def test_each_sections_figures_are_built_from_the_state():
    state, _ = lp.decode({"surface": "quadratic", "section": "phase", "lr": "0.05", "beta": "0.5"})
    figs = learning_rate_charts.figures(state, __import__("viz").THEMES["normal"])
    assert set(figs) == {"phase", "race"}
    race = figs["race"]
    assert any("0.05" in (t.name or "") for t in race.data)  # the linked cell is the one animated


@pytest.mark.xdist_group("presets")  # on the worker whose page caches hold the presets (test_presets's menu)
@pytest.mark.parametrize("preset", LAB, ids=lambda p: p.name)
def test_each_lab_preset_opens_at_its_values_and_keeps_its_link(preset):
    at = open_preset(preset)
    ok(at)
    state, _ = lp.decode(dict(preset.link))
    key = "learning_rate.msurface" if state.section == "Momentum" else "learning_rate.surface"
    assert widget(at, key).value == state.scene.surface
    assert widget(at, "learning_rate.section").value == state.section
    assert widget(at, "learning_rate.steps").value == state.scene.steps
    assert link(at) == dict(preset.link)
    assert figures(at)


def test_the_page_opens_a_linked_rule_setting_and_learning_rate_and_the_link_follows_the_controls():
    q = {"surface": "rosenbrock", "opt": "adam", "start": "-1,1.5", "steps": "800", "adam.b1": "0.8", "lr": "0.02"}
    at = open_link("learning_rate", q)
    ok(at)
    assert not at.toast
    assert (
        widget(at, "learning_rate.optimizer.sweep").value == "adam" and widget(at, "learning_rate.adam.b1").value == 0.8
    )
    assert (
        widget(at, "learning_rate.lr.rosenbrock.adam").value == 0.02 and widget(at, "learning_rate.steps").value == 800
    )
    assert link(at) == q
    names = [t.get("name") or "" for f in figures(at) for t in f["data"]]
    assert any("0.02" in n for n in names)  # the animated run is the linked learning rate's
    at.slider(key="learning_rate.steps").set_value(600).run()
    assert link(at)["steps"] == "600"


def test_a_linked_phase_cell_is_animated_until_a_control_changes():
    at = open_link("learning_rate", {"surface": "quadratic", "section": "phase", "lr": "0.05", "beta": "0.5"})
    ok(at)
    assert link(at)["lr"] == "0.05" and link(at)["beta"] == "0.5"
    at.slider(key="learning_rate.steps").set_value(600).run()
    assert "lr" not in link(at) and link(at)["steps"] == "600"
