"""The Hessian's spectrum by stochastic Lanczos quadrature (optim/spectrum.py) against the dense Hessian's eigvalsh
on a small network, and what the Sharpness section says of it (scenes.net_words.spectrum_text)."""

from __future__ import annotations

from dataclasses import replace

import jax
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from optim.spectrum import FLAT, Spectrum, spectrum
from scenes import net_words
from scenes import networks as net


@pytest.fixture(scope="module")
def small():
    """A 97-parameter MLP trained 300 steps, and the dense Hessian's eigenvalues at its start and end (float64)."""
    scene = replace(net.SECTION_DEFAULTS["sharpness"], widths=(8, 8), steps=300)
    tr = net.train(scene)
    obj = scene.problem.objective
    out = []
    for i in (0, len(tr.steps) - 1):
        flat, unravel = ravel_pytree(tr.at(i))
        h = jax.hessian(lambda x, unravel=unravel: obj(unravel(x)))(flat)
        out.append((tr.at(i), np.linalg.eigvalsh(np.asarray(h, np.float64))))
    return obj, out


def test_with_as_many_steps_as_parameters_the_nodes_are_the_eigenvalues(small):
    obj, points = small
    for params, ev in points:
        sp = spectrum(obj, params, iters=len(ev), probes=1)
        assert sp.params == len(ev) and sp.weights.sum() == pytest.approx(1.0)
        assert sp.low == pytest.approx(ev[0], rel=1e-3, abs=1e-4) and sp.high == pytest.approx(ev[-1], rel=1e-4)
        heavy = sp.nodes[sp.weights > 1e-3]  # every node a probe sees is an eigenvalue
        assert np.all(np.min(np.abs(heavy[:, None] - ev[None]), axis=1) < 1e-3 * abs(ev[-1]))


def test_the_default_quadrature_finds_the_extremes_and_the_shares(small):
    obj, points = small
    for params, ev in points:
        sp = spectrum(obj, params)
        assert sp.low == pytest.approx(ev[0], rel=1e-3, abs=1e-4) and sp.high == pytest.approx(ev[-1], rel=1e-4)
        flat = FLAT * np.abs(ev).max()
        assert sp.negative == pytest.approx(np.mean(ev < -flat), abs=0.1)
        assert sp.flat == pytest.approx(np.mean(np.abs(ev) <= flat), abs=0.1)
        grid = np.linspace(ev[0] - 1, ev[-1] + 1, 4001)
        assert np.trapezoid(sp.density(grid, 0.05), grid) == pytest.approx(1.0, abs=1e-3)


def test_the_words_tell_a_saddle_from_convex_country_and_never_round_a_share_to_nothing():
    saddle = Spectrum(np.array([-1.0, 0.0, 5.0]), np.array([0.2, 0.7, 0.1]), 10)
    bowl = Spectrum(np.array([0.0, 2.0]), np.array([0.996, 0.004]), 10)
    text = net_words.spectrum_text([(0, saddle), (100, bowl)])
    assert "step 0: λ from −1 to 5, about 20% negative and 70% flat" in text
    assert "step 100: λ from 0 to 2, about 0% negative and over 99% flat" in text
    assert text.endswith("Negative curvature at step 0, none at the others.")
    assert net_words.spectrum_text([(0, saddle), (5, saddle)]).endswith("a saddle-like point, not a minimum.")
    assert net_words.share(0.003) == "under 1%" and net_words.share(0.0) == "0%"
