"""The Networks page's state in its link (scenes/pages/networks.py): presets and random states round-trip link ->
State -> link, bad values fall back with a notice and never raise, and each preset's figures come out."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from lab.pages import PRESETS
from links import networks as pg
from links.slider_values import options
from optim import OPTIMIZERS
from scenes import backprop as bp
from scenes import depth as dp
from scenes import minibatch as mb
from scenes import shrinkage as sh
from scenes.scene import RunSpec
from surfaces.datasets import AUGMENTATIONS, DATASETS
from surfaces.networks import ACTIVATIONS, INITS

NETWORKS = [p for p in PRESETS.values() if p.page == "networks"]


@pytest.mark.parametrize("preset", NETWORKS, ids=lambda p: p.name)
def test_each_preset_round_trips_link_state_link_with_no_notices(preset):
    state, notices = pg.decode(dict(preset.link))
    assert notices == []
    assert pg.encode(state) == dict(preset.link)  # canonical: the page writes back the same link
    assert pg.decode(pg.encode(state)) == (state, [])


def test_the_presets_carry_their_lessons_settings():
    state = {p.name: pg.decode(dict(p.link))[0] for p in NETWORKS}
    assert state["symmetric-initialisation"].scene.init in pg.SYMMETRIC_INITS
    assert state["symmetric-initialisation"].compare == "Initialisation"
    eos = state["edge-of-stability"]
    assert eos.section == pg.SHARPNESS and eos.scene.optimizer == RunSpec("gd", (("learning_rate", 0.1),))
    assert eos.scene.steps == 3000  # long enough for several rises to 2/η and falls
    assert state["train-vs-test"].compare == "L2 regularisation" and state["train-vs-test"].change == (("l2", 1e-3),)
    assert state["zero-initialisation"].section == pg.WHOLE and state["zero-initialisation"].whole.steps == 2000


# -- random states, drawn from what the controls offer ----------------------------------------------------------------
def pick(rng, values):
    values = list(values)
    return values[int(rng.integers(len(values)))]


def maybe(rng, default, values):
    """The default half the time (so omitted parameters are exercised too), else any offered value."""
    return default if rng.random() < 0.5 else pick(rng, values)


def random_run(rng, key: str) -> RunSpec:
    hyper = OPTIMIZERS[key].defaults()
    for h in OPTIMIZERS[key].hypers:
        if h.slider:
            hyper[h.name] = maybe(rng, h.default, options(h.lo, h.hi, h.log, h.default))
    return RunSpec(key, tuple(sorted((k, float(v)) for k, v in hyper.items())))


def random_state(rng, section: str) -> pg.State:
    d = pg.default_state(section)
    if section == pg.WHOLE:
        keys = [str(k) for k in rng.permutation(pg.WHOLE_OPTIMIZERS)[: int(rng.integers(0, 4))]]
        return replace(
            d,
            whole=pg.Whole(
                tuple(random_run(rng, k) for k in keys),
                pick(rng, pg.WHOLE_SCALES),
                int(rng.integers(0, 10_001)),
                pick(rng, range(50, 2001, 50)),
            ),
        )
    if section == pg.MINIBATCH:
        batch, epochs = pick(rng, mb.BATCHES), int(rng.integers(1, 41))
        steps = epochs * (mb.N // batch)
        m = mb.MinibatchScene(
            batch, pick(rng, mb.MB_LRS), epochs, maybe(rng, 0, range(10_001)), int(rng.integers(0, steps))
        )
        return replace(d, minibatch=m)
    if section == pg.SHRINK:
        return replace(
            d,
            shrink=sh.ShrinkScene(pick(rng, sh.LAMBDAS), pick(rng, sh.CORRELATIONS), maybe(rng, 0, range(10_001))),
        )
    if section == pg.DEPTH:
        return replace(
            d,
            depth=dp.DepthScene(
                int(rng.integers(dp.DEPTHS[0], dp.DEPTHS[1] + 1)),
                pick(rng, dp.DEPTH_ACTIVATIONS),
                bool(rng.random() < 0.5),
                maybe(rng, 0, range(10_001)),
            ),
        )
    if section == pg.BACKPROP:
        net = pick(rng, tuple(bp.NETS))
        b = bp.BackpropScene(
            net,
            maybe(rng, 0.1, pg.BACKPROP_LRS),
            int(rng.integers(0, bp.RUN_STEPS[net] + 1)),
            int(rng.integers(1, bp.BackpropScene(net=net).points + 1)),
            maybe(rng, 3, range(10_001)) if net == bp.XOR else 3,
        )
        return replace(d, backprop=b)
    s = d.scene
    init = maybe(rng, s.init, INITS)
    kw = dict(
        dataset=maybe(rng, s.dataset, DATASETS),
        noise=maybe(rng, s.noise, pg.NOISES),
        n=maybe(rng, s.n, pg.POINTS),
        data_seed=maybe(rng, s.data_seed, range(10_001)),
        widths=tuple(int(w) for w in rng.integers(1, 257, size=int(rng.integers(0, 5)))),
        activation=maybe(rng, s.activation, ACTIVATIONS),
        init=init,
        init_seed=maybe(rng, s.init_seed, range(99)),
        init_scale=maybe(rng, s.init_scale, pg.INIT_SCALES) if init in pg.SCALED_INITS else s.init_scale,
    )
    if section == pg.SHARPNESS:
        kw |= dict(
            steps=maybe(rng, s.steps, range(200, 3001, 100)),
            optimizer=RunSpec("gd", (("learning_rate", maybe(rng, 0.1, pg.SHARP_LRS)),)),
        )
        return replace(d, scene=replace(s, **kw))
    kw |= dict(
        steps=maybe(rng, s.steps, range(50, 3001, 50)), optimizer=random_run(rng, maybe(rng, "adam", pg.NET_OPTIMIZERS))
    )
    state = d
    if section == pg.TRAIN:
        aug = maybe(rng, "none", AUGMENTATIONS)
        kw |= dict(
            l2=maybe(rng, 0.0, pg.PENALTIES),
            l1=maybe(rng, 0.0, pg.PENALTIES),
            batchnorm=bool(rng.random() < 0.5),
            dropout=maybe(rng, 0.0, pg.DROPOUTS),
            augmentation=aug,
            strength=0.0 if aug == "none" else maybe(rng, pg.STRENGTHS[aug][1], pg.STRENGTHS[aug]),
        )
        state = replace(
            d, step=maybe(rng, None, pg.recorded_steps(kw["steps"])[:-1]), range_test=bool(rng.random() < 0.5)
        )
    elif section in pg.COMPARE:
        compare = pick(rng, pg.COMPARE[section].values())
        kind = pick(rng, pg.ON_AUGMENTATIONS)
        change = {
            "L2 regularisation": (("l2", pick(rng, pg.PENALTIES[1:])),),
            "Augmentation": (("augmentation", kind), ("strength", pick(rng, pg.STRENGTHS[kind]))),
            "Dropout": (("dropout", pick(rng, pg.DROPOUTS[1:])),),
        }.get(compare, ())
        state = replace(d, compare=compare, change=change)
    return replace(state, scene=replace(s, **kw))


def test_random_states_round_trip_state_link_state():
    rng = np.random.default_rng(2024)
    seen = set()
    from scenes.networks import WORK_BUDGET

    for _ in range(400):
        state = random_state(rng, pick(rng, pg.SECTIONS))
        if state.scene is not None and state.scene.work > WORK_BUDGET:  # told and cut (the budget's own test)
            continue
        q = pg.encode(state)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in q.items())
        assert pg.decode(q) == (state, []), q
        seen |= set(q)
    # every parameter of the link was written at least once
    assert {
        "section",
        "data",
        "noise",
        "n",
        "data_seed",
        "widths",
        "act",
        "init",
        "init_scale",
        "init_seed",
        "opt",
        "steps",
        "l2",
        "l1",
        "bn",
        "dropout",
        "aug",
        "strength",
        "step",
        "compare",
        "gd.learning_rate",
        "adam.b1",
        "scale",
        "seed",
        "net",
        "point",
        "depth",
        "lam",
        "rho",
        "batch",
        "epochs",
    } <= seen


def test_defaults_are_omitted_and_a_linear_model_has_empty_widths():
    for section in pg.SECTIONS:
        assert set(pg.encode(pg.default_state(section))) <= {"section"}
    state = pg.default_state(pg.TRAIN)
    q = pg.encode(replace(state, scene=replace(state.scene, widths=())))
    assert q == {"section": "train", "widths": ""} and pg.decode(q)[0].scene.widths == ()
    assert pg.encode(replace(pg.State(), whole=pg.Whole(runs=()))) == {"opt": ""}  # no racers, as the page allows


# -- bad links --------------------------------------------------------------------------------------------------------
BAD = [  # (link, the parameter that must fall back, a word of the notice)
    ({"section": "train", "data": "mnist"}, "data", "moons"),
    ({"section": "train", "widths": "0"}, "widths", "at least one neuron"),
    ({"section": "train", "widths": "16,abc"}, "widths", "whole numbers"),
    ({"section": "train", "widths": "8,8,8,8,8"}, "widths", "at most 4"),
    ({"section": "train", "noise": "abc"}, "noise", "must be one of the slider's values"),
    ({"section": "train", "noise": "0.25"}, "noise", "the slider's values"),
    ({"section": "train", "n": "nan"}, "n", "the slider's values"),
    ({"section": "train", "opt": "lbfgs"}, "opt", "must be one of"),
    ({"section": "train", "opt": "newton"}, "opt", "must be one of"),  # no Newton on networks: P×P Hessians
    ({"section": "train", "adam.learning_rate": "5"}, "adam.learning_rate", "must be a"),
    ({"section": "train", "adam.learning_rate": "0.07"}, "adam.learning_rate", "0.06, 0.08"),
    ({"section": "train", "adam.eps": "0.1"}, "adam.eps", "no eps control"),
    ({"section": "train", "adam.momentum": "0.9"}, "adam.momentum", "no hyperparameter"),
    ({"section": "train", "adam.schedule": "cosine"}, "adam.schedule", "constant learning rate"),
    ({"section": "train", "steps": "75"}, "steps", "must be one of 50, 100, …"),
    ({"section": "train", "steps": "99999"}, "steps", "must be one of 50, 100, …"),
    ({"section": "train", "step": "7"}, "step", "every 3 steps"),
    ({"section": "train", "init_scale": "0.3"}, "init_scale", "constant and normal"),
    ({"section": "train", "strength": "0.1"}, "strength", "no augmentation"),
    ({"section": "train", "aug": "mixup", "strength": "0.3"}, "strength", "the slider's values"),
    ({"section": "train", "bn": "maybe"}, "bn", "must be 1 (on) or 0 (off)"),
    ({"section": "train", "act": "swish"}, "act", "must be one of"),
    ({"section": "train", "data_seed": "-1"}, "data_seed", "must be a"),
    ({"section": "sharpness", "gd.learning_rate": "0.15"}, "gd.learning_rate", "the slider's values"),
    ({"section": "sharpness", "steps": "250"}, "steps", "must be one of 200, 300, …"),
    ({"section": "sharpness", "opt": "adam"}, "opt", "means nothing here"),
    ({"section": "test", "compare": "dropout"}, "compare", "must be one of"),
    ({"section": "test", "aug": "mixup"}, "aug", "comparing L2"),
    ({"section": "test", "compare": "aug", "aug": "none"}, "aug", "must be one of"),
    ({"section": "test", "l1": "0.1"}, "l1", "means nothing here"),
    ({"section": "init·bn", "dropout": "0.3"}, "dropout", "comparing Initialisation"),
    ({"section": "init·bn", "compare": "dropout", "dropout": "0"}, "dropout", "the slider's values"),
    ({"section": "backprop", "net": "lstm"}, "net", "must be one of tanh, xor"),
    ({"section": "backprop", "gd.learning_rate": "0.2"}, "gd.learning_rate", "the slider's values"),
    ({"section": "backprop", "step": "150"}, "step", "this run has 100 steps"),
    ({"section": "backprop", "net": "xor", "point": "5"}, "point", "this network has 4 points"),
    ({"section": "backprop", "seed": "4"}, "seed", "only the XOR network"),
    ({"section": "minibatch", "batch": "5"}, "batch", "the slider's values"),
    ({"section": "minibatch", "epochs": "2", "step": "20"}, "step", "this run has 20 steps"),
    ({"section": "minibatch", "epochs": "0"}, "epochs", "from 1 to 40"),
    ({"section": "lasso", "lam": "0.25"}, "lam", "the slider's values"),
    ({"section": "lasso", "rho": "-0.5"}, "rho", "the slider's values"),
    ({"section": "ridge & lasso", "l1": "0.1"}, "l1", "means nothing here"),
    ({"section": "depth", "depth": "21"}, "depth", "from 2 to 20"),
    ({"section": "depth", "act": "gelu"}, "act", "must be one of tanh, relu"),
    ({"section": "depth", "steps": "100"}, "steps", "means nothing here"),
    ({"opt": "gd,gd"}, "opt", "each once"),
    ({"opt": "sgd"}, "opt", "opt must be some of gd, momentum, adam, each once; using gd,momentum,adam"),
    ({"scale": "1"}, "scale", "the slider's values"),
    ({"seed": "1e3"}, "seed", "seed"),
    ({"steps": "2050"}, "steps", "must be one of 50, 100, … 2000"),
    ({"adam.learning_rate": "0.1"}, None, None),  # good: Adam races on See it whole by default
    ({"opt": "gd", "adam.learning_rate": "0.1"}, "adam.learning_rate", "means nothing here"),
    ({"section": "nowhere"}, "section", "this page has"),
    ({"foo": "1"}, "foo", "means nothing here"),
]


@pytest.mark.parametrize("q, key, says", BAD, ids=lambda v: v if isinstance(v, str) else None)
def test_a_bad_parameter_falls_back_to_its_default_with_a_notice_that_names_it(q, key, says):
    state, notices = pg.decode(q)
    if key is None:
        assert notices == [] and pg.encode(state) == q
        return
    assert len(notices) == 1 and notices[0].startswith((f"{key}=", f"the link's {key!r}")), notices
    assert says in notices[0], notices
    without = {k: v for k, v in q.items() if k != key}
    assert state == pg.decode(without)[0]  # the rest of the link still holds
    assert key not in pg.encode(state)


def test_garbage_never_raises_and_what_is_left_is_canonical():
    rng = np.random.default_rng(7)
    keys = [
        "section",
        "data",
        "noise",
        "n",
        "data_seed",
        "widths",
        "act",
        "init",
        "init_scale",
        "init_seed",
        "opt",
        "steps",
        "l2",
        "l1",
        "bn",
        "dropout",
        "aug",
        "strength",
        "step",
        "compare",
        "scale",
        "seed",
        "gd.learning_rate",
        "adam.b1",
        "sgd.schedule",
        "momentum.momentum",
    ]
    junk = [
        "",
        "0",
        "-1",
        "1e309",
        "nan",
        "inf",
        "abc",
        ",",
        "16,,16",
        "300",
        "0.5",
        "3000",
        "x" * 500,
        "é",
        "1,2,3",
        "None",
        "true",
        "gd,adam,gd",
        "init",
        "test",
        "whole",
        "aug",
    ]
    for _ in range(400):
        q = {pick(rng, keys): pick(rng, junk) for _ in range(int(rng.integers(1, 8)))}
        state, notices = pg.decode(q)
        assert isinstance(state, pg.State) and all(isinstance(n, str) for n in notices)
        assert not any("could not be used" in n for n in notices), (q, notices)  # the readers caught it, not the net
        assert pg.decode(pg.encode(state)) == (state, [])


# -- figures ----------------------------------------------------------------------------------------------------------
@pytest.mark.xdist_group("presets")  # the session's preset figures (tests/conftest.py), computed once
def test_each_presets_figures_are_the_sections_charts(preset_figures):
    """Every networks preset's figures (as the export command renders them: charts.networks.figures of the state
    its link decodes to), with what makes each lesson visible."""
    figs = {p.name: preset_figures(p.name) for p in NETWORKS}
    for name, f in figs.items():
        assert f and all(fig.data for fig in f.values()), name
    assert list(figs["zero-initialisation"]) == ["race-zero", "race-random"]
    assert all(f.frames for f in figs["zero-initialisation"].values())  # animated, for GIF/MP4
    assert list(figs["pca-landscape"]) == ["fit", "curves", "random", "pca", "line"]
    assert any(t.name == "training path" for t in figs["pca-landscape"]["pca"].data)
    test = figs["train-vs-test"]
    assert sorted(test) == sorted(f"{k}-{s}" for k in ("train", "test", "curves") for s in ("off", "on"))
    assert len({(f.data[0].zmin, f.data[0].zmax) for k, f in test.items() if not k.startswith("curves")}) == 1
    assert sorted(figs["symmetric-initialisation"]) == sorted(
        ["curves", *(f"{r}-{v}" for r in ("fit", "slice") for v in ("zeros", "constant-0.1", "xavier"))]
    )
    assert list(figs["edge-of-stability"]) == ["sharpness", "spectrum"]
    sharp = figs["edge-of-stability"]["sharpness"]
    assert "2/η = 20" in json.dumps(sharp.to_plotly_json()["layout"]["annotations"], ensure_ascii=False)
    assert sharp.data[0].x[-1] == 3000
    assert [t.name for t in figs["edge-of-stability"]["spectrum"].data] == [
        "step 0",
        "step 1005",
        "step 1995",
        "step 3000",
    ]
    assert list(figs["backpropagation-by-hand"]) == ["graph", "loss"]
    assert list(figs["ridge-and-lasso"]) == ["constraint", "path"]
    assert list(figs["minibatch-sgd"]) == ["map", "epochs"]
    assert list(figs["vanishing-signals"]) == ["std", *(f"hist-{k}" for k in ("zeros", "normal", "xavier", "he"))]


def test_the_range_test_is_in_the_link_of_train_alone():
    state, notices = pg.decode({"section": "train", "range": "1"})
    assert state.range_test and not notices
    assert pg.encode(state)["range"] == "1" and "range" not in pg.encode(pg.default_state(pg.TRAIN))
    assert pg.widget_values(state)["networks.t.range"] is True
    assert pg.widget_values(pg.default_state(pg.TRAIN))["networks.t.range"] is False
    state, notices = pg.decode({"section": "train", "range": "maybe"})
    assert not state.range_test and any("range" in n for n in notices)
    state, notices = pg.decode({"section": "sharpness", "range": "1"})
    assert not state.range_test and any("'range'" in n for n in notices)  # Train's alone: told, ignored
