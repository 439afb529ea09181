"""OPTIMIZERS: order, titles, optax's names and defaults, slider ranges, LaTeX, and an instructive default race."""

from __future__ import annotations

import inspect
import re

import numpy as np
import optax
import pytest
from test_optim_support import HIMMELBLAU

from optim import OPTIMIZERS, Hyper, Optimizer, run

KEYS = ["gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "lion", "newton"]
TITLES = [
    "Gradient descent",
    "SGD (gradient noise)",
    "Momentum (heavy ball)",
    "Nesterov momentum",
    "AdaGrad",
    "RMSProp",
    "Adam",
    "AdamW",
    "Lion",
    "Newton (damped)",
]
OPTAX_FN = {
    "gd": optax.sgd,
    "sgd": optax.noisy_sgd,
    "momentum": optax.sgd,
    "nesterov": optax.sgd,
    "adagrad": optax.adagrad,
    "rmsprop": optax.rmsprop,
    "adam": optax.adam,
    "adamw": optax.adamw,
    "lion": optax.lion,
}
NO_OPTAX_DEFAULT = {"learning_rate", "momentum"}  # optax: required, and None (= no momentum) for sgd's momentum
# Chosen for the classroom, on purpose: at optax's eta=0.01 the noise moves a Himmelblau path by 0.003 (of a span of
# 10), so "SGD" would draw exactly GD's path; at 100 it jitters visibly (tests/test_lessons.py measures it).
TEACHING_DEFAULTS = {("sgd", "eta"): 100.0}
KATEX = {
    "theta",
    "eta",
    "nabla",
    "beta",
    "begin",
    "end",
    "frac",
    "sqrt",
    "hat",
    "epsilon",
    "lambda",
    "delta",  # Newton's damping (λ is an eigenvalue)
    "sum",
    "textstyle",
    "le",
    "mathcal",
    "left",
    "right",
    "xi",
    "sim",
    "sigma",
    "gamma",
    "rho",
    "quad",
    "operatorname",  # \operatorname{sign}
}


def test_keys_and_titles_in_order():
    assert list(OPTIMIZERS) == KEYS
    assert [o.title for o in OPTIMIZERS.values()] == TITLES
    assert all(isinstance(o, Optimizer) and o.key == k for k, o in OPTIMIZERS.items())


@pytest.mark.parametrize("key", OPTAX_FN)
def test_hyperparameters_are_optaxs_names_and_defaults(key):
    params = inspect.signature(OPTAX_FN[key]).parameters
    for h in OPTIMIZERS[key].hypers:
        assert h.name in params, f"{key}: optax has no argument {h.name!r}"
        if (key, h.name) in TEACHING_DEFAULTS:
            assert h.default == TEACHING_DEFAULTS[key, h.name] != params[h.name].default
        elif h.name not in NO_OPTAX_DEFAULT:
            assert h.default == params[h.name].default, f"{key}.{h.name}"


def test_newton_and_the_flags():
    newton = OPTIMIZERS["newton"]
    assert newton.defaults() == {"learning_rate": 1.0, "damping": 1e-3}
    assert [k for k, o in OPTIMIZERS.items() if o.needs_hessian] == ["newton"]
    assert [k for k, o in OPTIMIZERS.items() if o.stochastic] == ["sgd"]
    assert [k for k, o in OPTIMIZERS.items() if not o.scales_to_networks] == ["newton"]  # P×P Hessians


def test_each_rule_has_its_own_colour_and_marker():
    colors = [o.color for o in OPTIMIZERS.values()]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colors), colors
    assert len(set(colors)) == len(colors)
    assert len({o.symbol for o in OPTIMIZERS.values()}) == len(OPTIMIZERS)


def test_the_momentum_like_hyperparameter_is_a_slider_in_0_1():
    assert {k: o.momentum_hyper for k, o in OPTIMIZERS.items() if k in ("momentum", "nesterov", "adam", "adamw")} == {
        "momentum": "momentum",
        "nesterov": "momentum",
        "adam": "b1",
        "adamw": "b1",
    }
    assert OPTIMIZERS["gd"].momentum_hyper is None and OPTIMIZERS["newton"].momentum_hyper is None
    for o in OPTIMIZERS.values():
        if o.momentum_hyper is not None:
            h = o.hyper(o.momentum_hyper)
            assert h.slider and h.lo == 0 and h.hi < 1, o.key
    with pytest.raises(KeyError, match="no hyperparameter 'b1'"):
        Optimizer(**{**OPTIMIZERS["momentum"].__dict__, "momentum_hyper": "b1"})


@pytest.mark.parametrize("key", KEYS)
def test_hyper_ranges(key):
    opt = OPTIMIZERS[key]
    assert opt.hypers[0].name == "learning_rate" and opt.hypers[0].log
    for h in opt.hypers:
        assert isinstance(h, Hyper) and h.label and h.help.endswith(".")
        assert h.title and h.title == h.title.lower() and not h.title.endswith("."), h  # "first-moment decay"
        assert h.lo <= h.default <= h.hi and h.lo < h.hi, h
        if h.log:
            assert h.lo > 0
        if h.name in {"eps", "eps_root", "initial_accumulator_value"}:
            assert not h.slider
        if h.name in {"momentum", "b1", "b2", "decay"}:
            assert h.lo == 0 and 0.99 <= h.hi < 1 and not h.log
    lr = opt.hyper("learning_rate")
    assert (lr.lo, lr.hi) == ((1e-2, 1.0) if key == "newton" else (1e-4, 2.0 if key == "adagrad" else 1.0))


@pytest.mark.parametrize("key", KEYS)
def test_latex_is_balanced_and_uses_katex_commands(key):
    tex = OPTIMIZERS[key].latex
    depth = 0
    for ch in tex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert tex.count(r"\begin{aligned}") == tex.count(r"\end{aligned}") <= 1
    assert r"\\" not in tex or r"\begin{aligned}" in tex  # line breaks only inside aligned
    assert tex.count(r"\left") == tex.count(r"\right")
    assert set(re.findall(r"\\([A-Za-z]+)", tex)) <= KATEX
    assert r"\theta_{t+1}" in tex


@pytest.mark.parametrize("key", KEYS)
def test_summary_is_one_sentence(key):
    summary = OPTIMIZERS[key].summary
    assert summary.endswith(".") and summary.count(". ") == 0 and 20 < len(summary) < 200


def test_rule_docstrings_carry_the_update_rule():
    for o in OPTIMIZERS.values():
        assert ":math:" in inspect.getdoc(o.update) or "math::" in inspect.getdoc(o.update), o.key


def test_default_race_on_himmelblau_is_instructive():
    """From (-4, 4), 300 steps, every default: none diverges, all find a minimum, and they get there differently.
    SGD's noise keeps it jittering near its minimum (loss about 0.04 at step 300: its noise is meant to show)."""
    reach, length = {}, {}
    for key in KEYS:
        tr = run(HIMMELBLAU, key, start=(-4.0, 4.0), steps=300)
        near = 1e-1 if OPTIMIZERS[key].stochastic else 1e-2
        assert tr.diverged_at is None, key
        assert tr.loss[-1] < near, key
        reach[key] = int(np.argmax(tr.loss < near))
        length[key] = float(np.linalg.norm(np.diff(tr.xy, axis=0), axis=1).sum())
    straight = float(np.linalg.norm(np.array([-2.805118, 3.131312]) - [-4.0, 4.0]))
    assert reach["newton"] <= 5 and max(reach.values()) >= 50 * max(reach["newton"], 1) / 5
    assert len(set(reach.values())) >= len(KEYS) - 2  # at most two pairs tie (Adam and AdamW differ by a tiny decay)
    assert length["momentum"] > 3 * straight  # the heavy ball orbits...
    assert length["nesterov"] < length["momentum"]  # ...Nesterov brakes earlier
    assert length["newton"] < 1.05 * straight and length["adagrad"] < 1.1 * straight


@pytest.mark.parametrize("key", KEYS)
def test_the_rule_shown_is_the_textbooks_and_optaxs_variant_is_a_one_line_note(key):
    """ε outside the root (Kingma & Ba, Duchi et al., Hinton), no optax-internal ε_root; where optax computes it
    otherwise (the path follows optax), one line under the rule names how."""
    opt = OPTIMIZERS[key]
    assert "root" not in opt.latex and r"\eta_" not in opt.latex.replace(r"\eta_t", "")  # η is the learning rate
    if r"\epsilon" in opt.latex:
        assert re.search(r"\\sqrt\{[^{}]*(\{[^{}]*\}[^{}]*)*\} \+ \\epsilon", opt.latex), opt.latex  # √(·) + ε
    assert "\n" not in opt.note and (opt.note == "" or (opt.note.endswith(".") and len(opt.note) < 160)), opt.note
    differs = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"}
    assert bool(opt.note) == (key in differs), key
    if opt.note and key != "sgd":
        assert opt.note.startswith(f"optax.{key if key not in ('momentum', 'nesterov') else 'sgd'}"), opt.note
