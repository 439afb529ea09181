"""The live drag's ladder (scenes/ladder.py): a racer's paths at the slider's stops around its value, as the exact
runs would draw them, thinned without aliasing and quantized within a pixel."""

from __future__ import annotations

import base64
from dataclasses import replace

import numpy as np
import pytest

from links.slider_values import options
from optim import OPTIMIZERS
from scenes import RunSpec, Scene, compute
from scenes.ladder import HALF, HEAD, POINTS, kept, ladder, quantized, window


@pytest.mark.parametrize("stops, at", [(41, 20), (41, 0), (41, 40), (41, 3), (10, 5)])
def test_the_window_is_around_the_value_and_inside_the_slider(stops, at):
    first, k = window(stops, at)
    assert k == min(2 * HALF + 1, stops) and 0 <= first <= at < first + k <= stops


@pytest.mark.parametrize("steps", [10, 99, 100, 300, 1000, 2000])
def test_a_preview_keeps_the_ends_and_an_odd_stride(steps):
    k = kept(steps)
    assert k[0] == 0 and k[-1] == steps and len(k) <= POINTS
    head = min(HEAD, steps)
    assert list(k[:head]) == list(range(head))  # the first jumps one by one
    strides = set(np.diff(k[head:-1]).tolist()) or {1}
    assert len(strides) == 1 and strides.pop() % 2 == 1  # then a zigzag of period 2 stays a zigzag


def test_each_path_is_the_exact_run_at_that_stop():
    scene = Scene(runs=(RunSpec.default("gd"), RunSpec.default("adam")), steps=300)
    h = OPTIMIZERS["adam"].hyper("learning_rate")
    stops = options(h.lo, h.hi, h.log, h.default)
    first, k = window(len(stops), stops.index(0.05))
    lrs = tuple(float(v) for v in stops[first : first + k])
    lad = ladder(scene, 1, lrs, first)
    assert lad.xy.shape == (k, len(kept(300)), 2)
    for i in (0, k // 2, k - 1):
        one = replace(
            scene,
            runs=(
                RunSpec(
                    "adam",
                    (*((n, v) for n, v in scene.runs[1].hyper if n != "learning_rate"), ("learning_rate", lrs[i])),
                ),
            ),
        )
        exact = compute(one).runs[0].xy[kept(300)]
        np.testing.assert_allclose(lad.xy[i], exact, rtol=1e-5, atol=1e-5)


def test_quantized_paths_read_back_within_a_fraction_of_a_pixel():
    scene = Scene(steps=200)
    lad = ladder(scene, 0, (0.001, 0.01, 0.02), 0)
    text, (x0, x1, y0, y1) = quantized(lad, scene.surface_obj.domain)
    q = np.frombuffer(base64.b64decode(text), "<u2").reshape(lad.xy.shape)
    back = np.stack([x0 + q[..., 0] / 65535 * (x1 - x0), y0 + q[..., 1] / 65535 * (y1 - y0)], -1)
    inside = np.all((lad.xy >= [x0, y0]) & (lad.xy <= [x1, y1]), axis=-1)
    np.testing.assert_allclose(back[inside], lad.xy[inside], atol=(x1 - x0) / 65535)


def test_every_deterministic_racer_gets_a_ladder_around_its_value_a_noisy_one_none():
    from charts.scene import rungs

    scene = Scene(runs=(RunSpec.default("gd"), RunSpec.default("sgd"), RunSpec("adam", (("learning_rate", 0.1),))))
    got = {(i, name): values for i, name, first, values in rungs(scene)}
    assert set(got) == {(0, "learning_rate"), (2, "learning_rate"), (2, "b1")}  # SGD: its batch draws other noise
    assert 0.01 in got[0, "learning_rate"] and 0.1 in got[2, "learning_rate"] and 0.9 in got[2, "b1"]
    formula = Scene(surface="custom", formula=("x^2 + y^2", ((-2.0, 2.0), (-2.0, 2.0))))
    assert rungs(formula) == []  # its ladders would compile while the lecturer waits


def test_a_momentum_ladder_is_the_exact_run_at_each_beta():
    scene = Scene(runs=(RunSpec.default("momentum"),), steps=200)
    lad = ladder(scene, 0, (0.5, 0.8, 0.9), 0, "momentum")
    for i, beta in enumerate((0.5, 0.8, 0.9)):
        one = replace(scene, runs=(RunSpec("momentum", (("learning_rate", 0.002), ("momentum", beta))),))
        np.testing.assert_allclose(lad.xy[i], compute(one).runs[0].xy[kept(200)], rtol=1e-5, atol=1e-5)


def test_a_rules_ladders_are_one_program_whatever_they_sweep_and_wherever_the_value_is():
    from test_optim_support import CompileCounter

    scene = Scene(surface="booth", runs=(RunSpec.default("momentum"),), steps=300)
    ladder(scene, 0, tuple(np.geomspace(1e-3, 1e-2, 25)), 0)  # the learning rate's: compiles once
    with CompileCounter() as counter:
        ladder(scene, 0, (0.5, 0.8, 0.9, 0.95), 3, "momentum")  # β's, fewer stops: the same program
        ladder(
            replace(scene, runs=(RunSpec("momentum", (("learning_rate", 0.004), ("momentum", 0.5))),)), 0, (0.01,), 7
        )
    assert counter.count == 0


def test_a_page_with_its_own_learning_rate_stops_gets_its_ladder_over_them():
    from charts.scene import rungs

    stops = [0.01, 0.02, 0.05, 0.1, 0.182, 0.2, 0.3]  # a sweep's slider: its own stops, not the registry's
    scene = Scene(runs=(RunSpec("momentum", (("learning_rate", 0.182), ("momentum", 0.9))),))
    got = {name: (first, values) for _, name, first, values in rungs(scene, stops)}
    assert got["learning_rate"] == (0, tuple(stops)) and 0.9 in got["momentum"][1]
    assert rungs(Scene(runs=(RunSpec.default("sgd"),)), stops) == []  # noisy: none
