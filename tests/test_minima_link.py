"""The Minima & saddles page's link (scenes/pages/minima.py): presets and random states round-trip, bad links fall
back with a notice, and each preset's figures are drawn from its state."""

from __future__ import annotations

import base64
import io
import random
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from charts import minima as mf
from lab.pages import PRESETS
from links import minima as mp
from links.controls import by_field
from links.scene import fmt
from links.slider_values import options
from optim import OPTIMIZERS
from scenes import RunSpec, Scene
from scenes import basins as bs
from scenes import escape as esc
from surfaces import SURFACES, from_formula
from viz import THEMES

MINIMA = [p for p in PRESETS.values() if p.page == "minima"]
FORMULA = ("x^2 - 2*y^2 + 0.3*y^4 + 0.2*x*y", ((-3.0, 3.0), (-2.5, 2.5)))  # a saddle at 0, minima at y = ±1.8


def test_the_minima_lessons_are_presets():
    sections = {mp.decode(dict(p.link))[0].section for p in MINIMA}
    assert sections == set(mp.SECTIONS)


@pytest.mark.parametrize("preset", MINIMA, ids=lambda p: p.name)
def test_a_minima_preset_round_trips_link_state_link_with_no_notices(preset):
    state, notices = mp.decode(dict(preset.link))
    assert notices == []
    assert mp.encode(state) == dict(preset.link)
    assert mp.decode(mp.encode(state)) == (state, [])


# -- random states over the controls' options (a seeded generator: hypothesis is not installed) ----------------------
def _slider_value(rng: random.Random, p) -> float:
    return rng.choice(options(p.lo, p.hi, p.log, p.default)) if rng.random() < 0.6 else float(p.default)


def _run(rng: random.Random, section: str, key: str) -> RunSpec:
    hyper = OPTIMIZERS[key].defaults()
    for h in OPTIMIZERS[key].hypers:
        if h.name in mp.tunable(section, key):
            hyper[h.name] = _slider_value(rng, h)
    return RunSpec(key, tuple(sorted(hyper.items())))


def random_state(rng: random.Random) -> mp.State:
    section = rng.choice(mp.SECTIONS)
    name = rng.choice([*mp.surfaces(section), "custom"])
    params, formula = (), None
    if name == "custom":
        formula = FORMULA
        surface = from_formula(*formula)
    else:
        params = tuple(sorted((p.name, _slider_value(rng, p)) for p in SURFACES[name].params))
        surface = SURFACES[name].with_params(**dict(params))
    steps_row = by_field(mp.controls(section))["steps"]
    lo, hi, by = steps_row.lo, steps_row.hi, steps_row.by
    steps = rng.randrange(lo, hi + 1, by)
    if section == "Basins":
        keys = rng.sample(list(OPTIMIZERS), rng.randint(1, mp.MAX_MAPS))
        start = None
        if rng.random() < 0.5:
            start = tuple(float(fmt(rng.uniform(*d))) for d in surface.domain)
        scene = Scene(
            surface=name,
            surface_params=params,
            runs=tuple(_run(rng, section, k) for k in keys),
            start=start,
            steps=steps,
            formula=formula,
        )
        while bs.largest_grid(scene) is None:  # a state the page offers: its maps within the work budget
            scene = replace(scene, steps=scene.steps - by)
        return mp.State(section, scene, grid=rng.choice([g for g in bs.GRIDS if g <= bs.largest_grid(scene)]))
    runs = tuple(_run(rng, section, k) for k in (("sgd",) if section == "Escape" else mp.SADDLE_RACERS))
    seed = rng.randint(0, by_field(mp.controls(section))["seed"].hi) if section == "Escape" else 0
    scene = Scene(surface=name, surface_params=params, runs=runs, steps=steps, seed=seed, formula=formula)
    if section == "Escape":
        return mp.State(section, scene, annealed=rng.random() < 0.5)
    return mp.State(section, scene, saddle=rng.randrange(len(surface.saddles)), eps=rng.choice(mp.EPS))


def test_random_states_round_trip_state_link_state():
    rng = random.Random(20261122)
    seen = set()
    for _ in range(300):
        state = random_state(rng)
        q = mp.encode(state)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in q.items())
        assert mp.decode(q) == (state, []), q
        seen.update(q)
    # the generator reached every kind of parameter the page writes
    assert {
        "surface",
        "f",
        "domain",
        "s.kappa",
        "opt",
        "start",
        "steps",
        "seed",
        "section",
        "grid",
        "anneal",
        "saddle",
        "eps",
        "sgd.gamma",
        "momentum.momentum",
    } <= seen


# -- bad links ---------------------------------------------------------------------------------------------------------
BAD = [
    ({"grid": "250"}, "grid", 200, "grid='250'"),
    ({"grid": "many"}, "grid", 200, "grid must be one of"),
    ({"steps": "125"}, "steps", 500, "steps must be one of 100, 150, …"),
    ({"steps": "5000"}, "steps", 500, "steps='5000'"),
    ({"opt": "gd,sgd,adam,momentum"}, "opt", ("gd", "sgd", "adam"), "at most 3"),
    ({"opt": "gd,gd"}, "opt", ("gd", "momentum", "adam"), "different optimizers"),
    ({"gd.learning_rate": "0.0123"}, "gd.learning_rate", 0.0125, "not a value of its slider"),
    ({"gd.learning_rate": "7"}, "gd.learning_rate", 0.01, "must be a number from"),
    ({"adam.eps": "0.001"}, "adam.eps", 1e-8, "no control for it"),
    ({"gd.schedule": "cosine"}, "gd.schedule", None, "constant learning rate"),
    ({"seed": "3"}, "seed", 0, "no seed"),
    ({"start": "9,9"}, "start", None, "outside the surface's domain"),
    ({"start": "x"}, "start", None, "start='x'"),
    ({"surface": "nowhere"}, "surface", "himmelblau", "surface must be one of"),
    ({"s.kappa": "7.3", "surface": "quadratic"}, "s.kappa", 8.0, "not a value of its slider"),
    ({"anneal": "0"}, "anneal", True, "means nothing here"),
    ({"section": "escape", "anneal": "maybe"}, "anneal", True, "must be 1 (on) or 0 (off)"),
    ({"section": "escape", "opt": "gd"}, "opt", ("sgd",), "races SGD"),
    ({"section": "escape", "start": "0,0"}, "start", None, "places its own start"),
    ({"section": "escape", "seed": "2000000"}, "seed", 0, "from 0 to 1,000,000 here; using 0"),
    ({"section": "escape", "sgd.eta": "3"}, "sgd.eta", 100.0, "no control for it"),
    ({"section": "escape", "surface": "himmelblau"}, "surface", "six_hump_camel", "surface must be one of"),
    ({"section": "saddles", "saddle": "1"}, "saddle", 0, "has 1 saddle point"),
    ({"section": "saddles", "saddle": "-1"}, "saddle", 0, "saddle='-1'"),
    ({"section": "saddles", "eps": "0.0007"}, "eps", 1e-6, "a value of the slider"),
    ({"section": "saddles", "eps": "nan"}, "eps", 1e-6, "eps='nan'"),
    ({"section": "saddles", "opt": "gd,momentum,adam"}, "opt", ("gd", "momentum"), "races Gradient descent"),
    ({"section": "saddles", "surface": "rastrigin"}, "surface", "saddle", "surface must be one of"),
    ({"section": "nowhere"}, "section", "Basins", "section='nowhere'"),
    ({"surface": "custom", "f": "x +* y"}, "surface", "himmelblau", "formula in the link cannot be used"),
]


def _field(state: mp.State, what: str):
    scene = state.scene
    if "." in what and not what.startswith("s."):
        key, name = what.split(".")
        run = next(r for r in scene.runs if r.optimizer == key)
        return run.schedule if name == "schedule" else run.hyper_dict()[name]
    return {
        "grid": state.grid,
        "anneal": state.annealed,
        "saddle": state.saddle,
        "eps": state.eps,
        "steps": scene.steps,
        "seed": scene.seed,
        "start": scene.start,
        "surface": scene.surface,
        "section": state.section,
        "opt": tuple(r.optimizer for r in scene.runs),
        "s.kappa": dict(scene.surface_params).get("kappa"),
    }[what]


@pytest.mark.parametrize(("query", "what", "value", "says"), BAD, ids=[str(b[0]) for b in BAD])
def test_a_bad_parameter_falls_back_with_a_notice_that_says_why(query, what, value, says):
    state, notices = mp.decode(query)
    assert _field(state, what) == value
    assert any(says in n for n in notices), notices
    assert mp.decode(mp.encode(state)) == (state, [])  # what the page then shows is a canonical link


def test_garbage_in_every_parameter_never_raises_and_gives_a_state_the_page_can_show():
    rng = random.Random(7)
    keys = [
        "section",
        "surface",
        "s.kappa",
        "f",
        "domain",
        "opt",
        "start",
        "steps",
        "seed",
        "grid",
        "anneal",
        "saddle",
        "eps",
        "gd.learning_rate",
        "sgd.gamma",
        "momentum.momentum",
        "adam.schedule",
        "zz",
    ]
    texts = [
        "",
        "-1",
        "0",
        "1",
        "1e309",
        "nan",
        "inf",
        "3,4",
        "0.5",
        "basins",
        "escape",
        "saddles",
        "custom",
        "x^2 - y^2",
        "gd,adam",
        "sgd",
        "himmelblau",
        "six_hump_camel",
        "1,2,3,4",
        "🙂",
        "cosine",
        "600",
    ]
    for _ in range(300):
        q = {k: rng.choice(texts) for k in rng.sample(keys, rng.randint(1, 6))}
        state, _ = mp.decode(q)
        assert mp.decode(mp.encode(state)) == (state, []), q


# -- figures -------------------------------------------------------------------------------------------------------
def _image_size(f) -> tuple[int, int]:
    source = f.layout.images[0].source
    return Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).size


def _start(f) -> tuple[float, float]:
    t = next(t for t in f.data if t.name == "start")
    return float(t.x[0]), float(t.y[0])


def _names(f) -> str:
    return " ".join(t.name or "" for t in f.data)


@pytest.mark.xdist_group("presets")  # the session's preset figures (tests/conftest.py), computed once
@pytest.mark.parametrize("preset", MINIMA, ids=lambda p: p.name)
def test_a_minima_presets_figures_are_drawn_from_its_state(preset, preset_figures):
    state, _ = mp.decode(dict(preset.link))
    scene = state.scene
    figs = preset_figures(
        preset.name
    )  # the page's figures of that state: charts.minima.figures(state, THEMES["normal"])
    assert figs and all(f.data for f in figs.values())
    if state.section == "Basins":
        assert list(figs) == [f"map-{r.optimizer}" for r in scene.runs] + ["race"]
        for r in scene.runs:
            f = figs[f"map-{r.optimizer}"]
            assert _image_size(f) == (state.grid, state.grid)
            chosen = next(t for t in f.data if t.name == "chosen start")
            assert (chosen.x[0], chosen.y[0]) == pytest.approx(scene.start_point)
            shares = [float(t.name.rsplit(" ", 1)[1].rstrip("%")) for t in f.data if t.showlegend]
            assert sum(shares) == pytest.approx(100, abs=0.3)
        if preset.name == "a-step-too-large-for-sharp-minima":  # λ_max < 2/η at two minima only: GD finds just those
            names = _names(figs["map-gd"])
            assert "global min (3, 2)" in names and "global min (−2.81, 3.13)" in names
            assert "(−3.78, −3.28)" not in names and "(3.58, −1.85)" not in names
        race = figs["race"]
        assert _start(race) == pytest.approx(scene.start_point)
        for r in scene.runs:
            lr = r.hyper_dict()["learning_rate"]
            assert f"{OPTIMIZERS[r.optimizer].title} · η {fmt(lr)}" in _names(race)
    elif state.section == "Escape":
        sc = mf.escape_scenes(scene)
        assert _start(figs["race"]) == pytest.approx(esc.local_start(scene.surface_obj))
        np.testing.assert_allclose(figs["noise"].data[0].x, esc.noise_levels(sc.base), rtol=1e-6)
        assert len(figs["restarts"].data[0].x) == 20
    else:
        stable, perturbed = _start(figs["stable"]), _start(figs["perturbed"])
        assert np.hypot(stable[0] - perturbed[0], stable[1] - perturbed[1]) == pytest.approx(state.eps, rel=1e-6)
        gd = next(r for r in scene.runs if r.optimizer == "gd").hyper_dict()["learning_rate"]
        if scene.surface == "saddle":  # x² − y²: λ₋ = −2, GD's offset grows by 1 + 2η a step
            assert f"1 − ηλ₋ = {fmt(round(1 + 2 * gd, 4))}" in _names(figs["escape"])


def test_an_escape_state_without_a_local_minimum_cannot_be_drawn():
    state = mp.State(
        "Escape", Scene(surface="custom", runs=(RunSpec.default("sgd"),), formula=("x^2 + y^2", ((-2, 2), (-2, 2))))
    )
    with pytest.raises(ValueError, match="no local minimum"):
        mf.figures(state, THEMES["normal"])
