"""The escape lab (scenes/escape.py) on its default surface, the six-hump camel: GD stays in the local minimum,
noise and momentum escape, each sweep is one vectorised run, restarts follow 1 - (1 - p)^k."""

from __future__ import annotations

import numpy as np
import pytest

from optim import run
from scenes import escape
from scenes.basins import label_ends
from scenes.escape import (
    ESCAPE_TOL,
    beta_sweep,
    escape_scene,
    examples,
    local_start,
    noise_sweep,
    restarts,
    steps_to_global,
)
from scenes.outcome import REACH_TOL
from surfaces import SURFACES

pytestmark = pytest.mark.xdist_group("escape")  # the module's sweep computed once, on one worker


@pytest.fixture(scope="module")
def scene():
    return escape_scene()


@pytest.fixture(scope="module")
def sweep(scene):
    return noise_sweep(scene, seeds=32, levels=12)


def test_local_start_is_in_a_local_basin_gd_stays():
    s = SURFACES[escape.DEFAULT_SURFACE]
    start = local_start(s)
    tr = run(s, "gd", start=start, steps=1000, learning_rate=0.01)
    label = label_ends(s, tr.xy[-1:], np.array([-1]))[0]
    assert label >= 0 and s.minima[label].kind == "local"
    assert np.hypot(start[0] - s.minima[label].x, start[1] - s.minima[label].y) > REACH_TOL * s.span


def test_local_start_none_without_local_minimum():
    assert local_start(SURFACES["himmelblau"]) is None  # four global minima, no local one


def test_noise_sweep_rises_from_zero(sweep):
    for a in (sweep.share, sweep.share_local, sweep.diverged):
        assert a.shape == (12,) and np.all((a >= 0) & (a <= 1))
    assert np.all(sweep.share + sweep.share_local + sweep.diverged <= 1 + 1e-9)
    assert np.all(np.diff(sweep.noise) > 0)
    assert sweep.share[0] == 0 and sweep.share_local[0] == 1  # too little noise: the run settles where it started
    best = int(np.argmax(sweep.share))
    assert sweep.share[best] > 0.3  # measured 0.52 (64 seeds, 16 levels)
    assert np.isfinite(sweep.steps[best]) and 0 < sweep.steps[best] <= sweep.scene.steps
    assert np.all(np.isnan(sweep.steps[sweep.share == 0]))


def test_sweeps_are_one_run_call(scene, monkeypatch):
    calls = []

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return run(*args, **kwargs)

    monkeypatch.setattr(escape, "run", counting)
    noise_sweep(scene, seeds=8, levels=4)
    assert len(calls) == 1 and calls[0]["eta"].shape == (32,)
    beta_sweep(scene, seeds=8, levels=4)
    assert len(calls) == 2 and calls[1]["start"].shape == (32, 2) and calls[1]["momentum"].shape == (32,)
    restarts(scene, max_restarts=5, trials=8)
    assert len(calls) == 3 and calls[2]["start"].shape == (40, 2)


def test_constant_noise_does_not_settle(scene, sweep):
    flat = noise_sweep(scene, seeds=32, levels=12, annealed=False)
    assert not flat.annealed and sweep.annealed
    assert flat.share.max() < sweep.share.max()  # measured 0.27 against 0.52: without annealing it keeps wandering


def test_beta_sweep_momentum_escapes_more(scene):
    b = beta_sweep(scene, seeds=32, levels=10)
    assert b.betas.shape == (10,) and b.betas[0] == 0 and b.betas[-1] == pytest.approx(escape.BETA_MAX)
    assert np.all(np.diff(b.betas) > 0) and np.all((b.share >= 0) & (b.share <= 1))
    assert b.share.max() > b.share[0] + 0.15  # measured 0.05 at β = 0, 0.44 at β = 0.99 (64 seeds)


def test_restarts_follow_the_geometric_law(scene):
    r = restarts(scene, max_restarts=10, trials=512)
    assert 0.2 < r.p < 0.9  # six-hump camel under GD: about 59% of the domain drains into a global minimum
    np.testing.assert_array_equal(r.k, np.arange(1, 11))
    np.testing.assert_allclose(r.theory, 1 - (1 - r.p) ** r.k)
    assert np.all(np.diff(r.measured) >= 0)
    sigma = np.sqrt(r.theory * (1 - r.theory) / r.trials) + 1 / r.trials
    assert np.all(np.abs(r.measured - r.theory) <= 4 * sigma)


def test_deterministic(scene):
    a, b = noise_sweep(scene, seeds=8, levels=6), noise_sweep(scene, seeds=8, levels=6)
    np.testing.assert_array_equal(a.share, b.share)
    np.testing.assert_array_equal(a.steps, b.steps)
    c, d = beta_sweep(scene, seeds=8, levels=4), beta_sweep(scene, seeds=8, levels=4)
    np.testing.assert_array_equal(c.share, d.share)
    e, f = restarts(scene, max_restarts=4, trials=16), restarts(scene, max_restarts=4, trials=16)
    np.testing.assert_array_equal(e.measured, f.measured)


def test_examples_race_one_escapes_one_stays(scene):
    ex = examples(scene)
    assert 1 <= len(ex.runs) <= 6 and ex.start == scene.start
    assert [r.optimizer for r in ex.runs] == ["gd", "sgd", "sgd", "sgd", "momentum"]
    s = scene.surface_obj
    kinds = []
    for spec in ex.runs:
        tr = run(s, spec.optimizer, start=ex.start_point, steps=ex.steps, seed=ex.seed, **spec.hyper_dict())
        label = escape.end_labels(s, tr.xy[-1:], np.array([-1 if tr.diverged_at is None else tr.diverged_at]))[0]
        kinds.append(s.minima[label].kind if label >= 0 else "none")
    assert kinds[0] == "local" and "global" in kinds


def test_steps_to_global_is_the_first_record_within_the_tolerance_for_the_paths_that_end_there():
    """Against the plain formula: every distance to every global minimum, in float64."""
    surface = SURFACES["himmelblau"]
    rng = np.random.default_rng(1)
    g = np.array([[p.x, p.y] for p in surface.global_minima])
    xy = rng.uniform(-5, 5, size=(300, 40, 2)).astype(np.float32)
    tol = ESCAPE_TOL * surface.span
    for i in range(0, 300, 3):  # a third end at a minimum, after coming close first at some step
        j = rng.integers(0, 40)
        xy[i, j:] = g[i % len(g)] + rng.uniform(-0.5, 0.5, size=(40 - j, 2)) * tol
    xy[5, 7] = np.nan
    diverged = np.where(np.arange(300) % 7 == 0, 3, -1)
    steps = np.arange(40) * 5
    d = np.linalg.norm(xy.astype(np.float64)[:, :, None, :] - g[None, None], axis=-1).min(axis=2)
    near = d <= tol
    want = np.where(near[:, -1] & (diverged < 0), steps[np.argmax(near, axis=1)], -1)
    got = steps_to_global(surface, xy, steps, diverged)
    np.testing.assert_array_equal(got, want)
    assert (got >= 0).sum() > 50
