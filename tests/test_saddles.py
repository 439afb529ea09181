"""scenes.saddles: on x² − y² GD from the stable axis converges to the saddle, from ε off it escapes at (1 + 2η)^t;
Newton goes to the saddle; the degenerate monkey saddle has no exponential escape."""

from __future__ import annotations

import numpy as np
import pytest

from optim import run
from scenes import RunSpec, Scene
from scenes import saddles as sd
from scenes.text import num
from surfaces import SURFACES


def test_gd_on_the_stable_manifold_converges_to_the_saddle_and_a_perturbation_escapes():
    s = SURFACES["saddle"]
    on = run(s, "gd", start=(-1.5, 0.0), steps=2000, learning_rate=0.01)
    assert np.hypot(*on.xy[-1]) < 1e-6
    off = run(s, "gd", start=(-1.5, 1e-6), steps=2000, learning_rate=0.01)
    assert off.diverged_at is not None or abs(off.xy[-1, 1]) > 1.0  # it left along y
    newton = run(s, "newton", start=(0.3, 0.2), steps=20)
    assert np.hypot(*newton.xy[-1]) < 1e-4  # attracted to the saddle


@pytest.mark.parametrize("lr", [0.005, 0.01, 0.05])
def test_escape_rate_is_one_plus_two_eta(lr):
    study = sd.saddle_study(Scene(surface="saddle", runs=(RunSpec("gd", (("learning_rate", lr),)),), steps=2000))
    assert study.eigenvalues == pytest.approx([-2.0, 2.0], rel=1e-5)
    theory, measured = study.escape["gd"]
    assert theory == pytest.approx(1 + 2 * lr, rel=1e-6)
    assert measured == pytest.approx(1 + 2 * lr, rel=1e-3)
    kinds = [r.outcome.kind for r in study.exact.runs]
    assert kinds[0] == "saddle" and kinds[2] == "saddle"  # GD and Newton from the axis converge to the saddle
    assert study.perturbed.runs[0].outcome.kind != "saddle" and study.perturbed.runs[2].outcome.kind == "saddle"


def test_momentum_escapes_faster_and_the_monkey_saddle_is_degenerate():
    study = sd.saddle_study(Scene(surface="saddle", steps=500))
    theory, measured = study.escape["momentum"]
    assert measured == pytest.approx(theory, rel=1e-2) and theory > study.escape["gd"][0]
    monkey = sd.saddle_study(Scene(surface="monkey_saddle", steps=500))
    assert monkey.degenerate and monkey.escape["gd"] == (None, None)


def test_himmelblau_saddles_have_one_negative_eigenvalue_and_newton_is_attracted():
    s = SURFACES["himmelblau"]
    for i, p in enumerate(s.saddles):
        study = sd.saddle_study(Scene(surface="himmelblau", steps=300), saddle=i)
        assert study.eigenvalues[0] < 0 < study.eigenvalues[1] and study.saddle == p
        newton = run(s, "newton", start=(p.x + 0.1, p.y - 0.1), steps=30)
        assert np.hypot(newton.xy[-1, 0] - p.x, newton.xy[-1, 1] - p.y) < 1e-3
    with pytest.raises(ValueError, match="no saddle"):
        sd.saddle_study(Scene(surface="quadratic"))


@pytest.mark.parametrize("surface", ["saddle", "himmelblau", "six_hump_camel", "beale", "easom"])
def test_what_the_stable_start_did_is_told_from_its_own_run(surface):
    """On Himmelblau the run "started on the stable direction" leaves the saddle exactly like the ε-perturbed one
    (the stable manifold is curved; the start is on its tangent line), against the caption's "exactly on the stable
    direction it never appears" (issue 17): the words now follow what the run did."""
    study = sd.saddle_study(Scene(surface=surface, steps=300))
    text = sd.stable_start_text(study, SURFACES[surface])
    exact = study.exact.runs[0]
    d = np.hypot(exact.xy[:, 0] - study.saddle.x, exact.xy[:, 1] - study.saddle.y)
    if exact.outcome.kind == "saddle":
        assert d[-1] < 0.01 * SURFACES[surface].span and text.startswith("Started exactly on the stable direction")
    elif exact.diverged_at is not None:
        assert f"diverged at step {exact.diverged_at}" in text
    elif d.min() > 0.5 * d[0]:
        assert "never comes near the saddle" in text
    else:
        k = int(np.argmin(d))
        assert f"passes {num(float(d[k]), 2)} from the saddle at step {k}, then leaves" in text
        assert d[-1] > 10 * d[k] and "tangent line" in text
    if surface == "himmelblau":  # the tangent-line start behaves like the perturbed one
        assert "tangent line" in text
        np.testing.assert_allclose(study.exact.runs[0].xy[-1], study.perturbed.runs[0].xy[-1], atol=1e-3)
