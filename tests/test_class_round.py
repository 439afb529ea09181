"""A class round's compute (scenes/class_round.py), its link and stored spec (links/classroom.py) and its figures
(charts/classroom.py): every submission raced at once is each one's own run, ranked as the goal says."""

from __future__ import annotations

import numpy as np
import pytest
from plotly_frames import decode

from charts import classroom as cc
from links import classroom as cl
from optim import run
from scenes import RunSpec, Scene
from scenes import class_round as cr
from scenes.compute import horizon
from scenes.learning_rate import arrivals, curvature_at
from viz import THEMES

pytestmark = pytest.mark.xdist_group("class_round")  # one worker: the round's programs compile once

SCENE = cl.default_scene()  # the heavy ball on the ill-conditioned quadratic, 500 steps
NAMES = ("learning_rate", "momentum")


def _submissions(n: int, seed: int = 0) -> np.ndarray:
    (lo, hi), (blo, bhi) = cr.default_ranges(SCENE)["learning_rate"], cr.default_ranges(SCENE)["momentum"]
    rng = np.random.default_rng(seed)
    return np.c_[np.exp(rng.uniform(np.log(lo), np.log(hi), n)), rng.uniform(blo, bhi, n)]


def _alone(scene: Scene, lr: float, beta: float):
    """One submission raced on its own: the engine's single run, read with the captions' own test."""
    n = scene.steps
    tr = run(scene.surface_obj, "momentum", start=scene.start_point, steps=horizon(n), learning_rate=lr, momentum=beta)
    xy = np.asarray(tr.xy)[None]
    div = np.asarray([-1 if tr.diverged_at is None else tr.diverged_at])
    reach = arrivals(scene.surface_obj, xy, div, minima=scene.surface_obj.global_minima)[0]
    diverged = tr.diverged_at is not None and tr.diverged_at <= n
    return diverged, (int(reach) if 0 <= reach <= n else -1), float(np.asarray(tr.loss)[n])


def test_every_submission_raced_at_once_is_its_own_run():
    values = _submissions(40)
    s = cr.standings(SCENE, "fastest", NAMES, values)
    for i in range(0, 40, 3):
        diverged, reach, loss = _alone(SCENE, float(np.float32(values[i, 0])), float(np.float32(values[i, 1])))
        assert (s.fate[i] == cr.DIVERGED) == diverged
        assert s.reach[i] == reach
        if not diverged:
            assert s.loss[i] == pytest.approx(loss, rel=1e-4, abs=1e-9)
    assert len({cr.REACHED, cr.DIVERGED, cr.NOT_THERE} & set(s.fate.tolist())) == 3  # the sample shows every fate


def test_a_class_s_size_does_not_change_a_run():
    """17 submissions are padded to a bucket of 64 runs, 70 to 256: the first 17 come out the same."""
    values = _submissions(70, seed=1)
    few, many = cr.standings(SCENE, "fastest", NAMES, values[:17]), cr.standings(SCENE, "fastest", NAMES, values)
    assert np.array_equal(few.fate, many.fate[:17]) and np.array_equal(few.reach, many.reach[:17])
    np.testing.assert_allclose(few.xy, many.xy[:17])


def test_the_ranking_follows_the_goal():
    values = _submissions(60, seed=2)
    s = cr.standings(SCENE, "fastest", NAMES, values)
    groups = [0 if f == cr.REACHED else 1 if f == cr.NOT_THERE else 2 for f in s.fate[s.order]]
    assert groups == sorted(groups)  # reached, then not there, then diverged
    reached = [int(s.reach[i]) for i in s.order if s.fate[i] == cr.REACHED]
    assert reached == sorted(reached)
    rest = [float(s.loss[i]) for i in s.order if s.fate[i] == cr.NOT_THERE]
    assert rest == sorted(rest)
    assert s.rank(int(s.order[0])) == 1 and s.rank(int(s.order[-1])) == len(values)
    low = cr.standings(SCENE, "lowest", NAMES, values)
    losses = [float(low.loss[i]) for i in low.order if low.fate[i] != cr.DIVERGED]
    assert losses == sorted(losses) and all(low.fate[i] == cr.DIVERGED for i in low.order[len(losses) :])


def test_equal_results_keep_the_order_of_submission():
    values = np.array([[0.05, 0.5]] * 4)
    s = cr.standings(SCENE, "fastest", NAMES, values)
    assert s.order.tolist() == [0, 1, 2, 3]


def test_the_preset_s_lesson_the_class_maps_the_edge_of_stability():
    """links/presets/map-the-edge-of-stability-together.toml: runs beyond η = 2(1+β)/L diverge, runs well inside
    do not, and the fastest settings lie near the theory's optimum (Polyak's η*, β*)."""
    setup = cl.complete(cl.Setup())
    assert setup.scene == SCENE and setup.names == NAMES
    top = curvature_at(SCENE.surface_obj, (0.0, 0.0)).top
    lrs, betas = np.meshgrid(np.geomspace(0.01, 1.0, 25), np.linspace(0.0, 0.95, 20))
    values = np.c_[lrs.ravel(), betas.ravel()]
    s = cr.standings(SCENE, "fastest", NAMES, values)
    edge = 2 * (1 + values[:, 1]) / top
    diverged = s.fate == cr.DIVERGED
    assert diverged.any() and (~diverged).any()
    assert (values[diverged, 0] > 0.97 * edge[diverged]).all()  # every diverged run is beyond the edge
    assert not diverged[values[:, 0] < 0.95 * edge].any()  # none well inside it diverges
    best = values[s.order[:5]]
    mu = curvature_at(SCENE.surface_obj, (0.0, 0.0)).mu
    eta_star = 4 / (np.sqrt(top) + np.sqrt(mu)) ** 2
    assert np.all(np.abs(np.log(best[:, 0] / eta_star)) < np.log(2.0))  # within a factor 2 of η*


def test_a_surface_without_a_minimum_ranks_by_loss_and_a_noisy_rule_is_refused():
    saddle = Scene(surface="monkey_saddle", runs=(RunSpec.default("momentum"),), steps=200)
    assert cr.goal_for(saddle, "fastest") == "lowest"
    assert "sgd" not in cr.round_rules() and "newton" not in cr.round_rules()
    notices: list[str] = []
    one = cl.one_rule(Scene(runs=(RunSpec.default("sgd"),)), notices)
    assert one.runs[0].optimizer == "momentum" and notices
    assert cl.one_rule(Scene(), []).runs[0].optimizer == "momentum"  # gd, momentum, adam: the first with a β


def test_a_setup_s_link_and_its_stored_spec_round_trip():
    setup = cl.read_setup(
        {"surface": "himmelblau", "opt": "adam", "goal": "lowest", "range.learning_rate": "0.01,0.5"}, []
    )
    assert setup.rule == "adam" and setup.names == ("learning_rate", "b1") and setup.goal == "lowest"
    assert setup.allowed[0] == ("learning_rate", 0.01, 0.5)
    assert cl.read_setup(cl.setup_query(setup), []) == setup
    assert cl.setup_of(setup.spec()) == setup
    assert cl.read_setup({"allow": "momentum,learning_rate"}, []).names == ("learning_rate", "momentum")
    alone = cl.read_setup({"allow": "learning_rate"}, [])
    assert alone.names == ("learning_rate",)
    assert cl.read_setup({}, []) == cl.complete(cl.Setup())


@pytest.mark.parametrize(
    "q, said",
    [
        ({"goal": "quickest"}, "goal="),
        ({"allow": "momentum"}, "allow="),
        ({"range.learning_rate": "1,0.1"}, "range.learning_rate="),
        ({"range.momentum": "0,7"}, "range.momentum="),
        ({"range.learning_rate": "nan,1"}, "range.learning_rate="),
        ({"range.learning_rate": "a,b"}, "range.learning_rate="),
    ],
)
def test_a_bad_setup_link_falls_back_with_a_notice(q, said):
    notices: list[str] = []
    setup = cl.read_setup(q, notices)
    assert any(n.startswith(said) for n in notices), notices
    assert setup.names and all(lo < hi for _, lo, hi in setup.allowed)


def test_a_room_s_link_keeps_who_is_looking_and_refuses_what_is_not_a_code_or_key():
    state, notices = cl.decode({"room": "k7pq2m", "key": "x" * 32})
    assert (state.role, state.room, notices) == ("teacher", "K7PQ2M", [])
    assert cl.encode(state) == {"room": "K7PQ2M", "key": "x" * 32}
    student, _ = cl.decode({"room": "K7PQ2M", "me": "abcdefgh12"})
    assert student.role == "student" and cl.encode(student) == {"room": "K7PQ2M", "me": "abcdefgh12"}
    bad, notices = cl.decode({"room": "<img src=x>", "key": "short", "me": "a b"})
    assert bad.role == "setup" and len(notices) == 3
    assert not any("short" in n for n in notices)  # a key is never echoed


def test_the_projector_s_figures_count_every_submission_and_mark_2_over_l():
    values = _submissions(30, seed=3)
    setup = cl.complete(cl.Setup())
    s = cr.standings(SCENE, "fastest", NAMES, values)
    figs = cc.round_figures(setup, s, THEMES["normal"], reveal=True)
    assert set(figs) == {"runs", "phase", "rates"}
    runs = [t for t in figs["runs"].data if t.mode == "lines" and t.name and "(" in t.name]
    counts = s.counts()
    named = dict(zip(cc.fate_names(s), counts.values(), strict=True))
    assert {t.name: int(t.name.rsplit("(", 1)[1].rstrip(")")) for t in runs} == named
    assert {t.name: int(np.isnan(decode(t.y)).sum()) for t in runs} == named  # one gap after each path
    assert [t.name for t in runs][-1].startswith("reached")  # drawn last: on top of the diverged
    best = next(t for t in figs["runs"].data if t.name == "the best run")
    np.testing.assert_allclose(np.c_[decode(best.x), decode(best.y)], s.xy[s.order[0]], rtol=1e-6)
    points = [
        t
        for t in figs["phase"].data
        if t.type == "scatter" and t.mode == "markers" and t.name in {r.name for r in runs}
    ]
    assert sum(len(decode(t.x)) for t in points) == 30
    hist = figs["rates"]
    assert sum(len(t.x) for t in hist.data) == 30
    two = cr.two_over_l(SCENE)
    assert two == pytest.approx(2 / curvature_at(SCENE.surface_obj, (0.0, 0.0)).top)
    assert hist.layout.shapes[0].x0 == pytest.approx(np.log10(two))
    empty = cr.standings(SCENE, "fastest", NAMES, np.zeros((0, 2)))
    assert len(empty) == 0 and cc.round_figures(setup, empty, THEMES["normal"])["rates"].data
