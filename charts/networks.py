"""A small network's training -> the Networks page's figures: one road for the page and the export command.

The computations come through a :class:`Work`: scenes.networks' own functions (:func:`direct`, remembered for one
call) or the page's cached copies of them, so the page draws from its cache what the export command computes afresh.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from charts import backprop, depth, minibatch, shrinkage, spectrum
from charts import scene as fig
from links import networks as pg
from links.network_options import INIT_TITLES, POINTS, SYMMETRIC_INITS
from links.networks import BACKPROP, DEPTH, MINIBATCH, SHARPNESS, SHRINK, TEST, TRAIN, VARIANTS, WHOLE, State
from scenes import depth as dp
from scenes import lr_finder, net_words
from scenes import networks as net
from scenes.compute import Result, compute
from scenes.scene import DEFAULT_OPTIMIZERS, RunSpec, Scene
from scenes.text import num, point
from surfaces.datasets import CLASSIFICATION, DATASETS, regression_target
from surfaces.networks import ACTIVATIONS
from viz import THEMES, Theme
from viz.layout import keep_name
from viz.net_curves import curves_figure, line_figure, range_test_figure
from viz.net_slice import slice_figure
from viz.networks import TEST_COLOR, TRAIN_COLOR, boundary_figure, regression_figure

VARIANT_COLORS = ("#0072B2", "#D55E00", "#009E73")


@dataclass(frozen=True)
class Work:
    """How the figures' results are computed (each takes the NetScene, as the page's cached functions do)."""

    train: Callable[[net.NetScene], net.Training]
    boundary: Callable[[net.NetScene, int], net.Boundary]  # at the index-th recorded point
    slice: Callable[[net.NetScene, str], net.Slice]  # "random" | "pca"
    line: Callable[[net.NetScene], tuple]  # (α, train, test) from the initial to the trained weights
    sharpness: Callable[[net.NetScene], tuple]  # (steps, λmax)
    race: Callable[[Scene], Result]  # a 2-D race (See it whole)
    spectra: Callable[[net.NetScene], list] = lambda s: net.spectra(net.train(s))  # [(step, Spectrum)]
    batch_slice: Callable[[net.NetScene, int], np.ndarray] = lambda s, t: net.batch_slice(net.train(s), t)


def direct() -> Work:
    """scenes.networks' functions, each training run computed once (for the export command and tests)."""
    train = functools.cache(net.train)
    return Work(
        train,
        lambda s, i: net.boundary(s, train(s).at(i)),
        lambda s, kind: net.landscape_slice(train(s), kind),
        lambda s: net.interpolation(train(s)),
        lambda s: net.sharpness(train(s)),
        compute,
        lambda s: net.spectra(train(s)),
        lambda s, t: net.batch_slice(train(s), t),
    )


def slug(name: str) -> str:
    """A run's name as a figure name (a file name of the export): "Xavier / Glorot" -> "xavier-glorot"."""
    return re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")


# -- one training run -------------------------------------------------------------------------------------------------
def drawable(tr: net.Training) -> bool:
    """False when the run blew up at once: nothing to draw."""
    return tr.diverged_at is None or tr.diverged_at > 1


def last_index(tr: net.Training) -> int:
    """The last recorded point before the run diverged (the last one if it did not)."""
    return len(tr.steps) - 1 if tr.diverged_at is None else int(np.searchsorted(tr.steps, tr.diverged_at)) - 1


def shown_index(tr: net.Training, step: int | None) -> int:
    """The recorded point of ``step`` (None: the last reached), never past the divergence."""
    return last_index(tr) if step is None else min(int(np.searchsorted(tr.steps, step)), last_index(tr))


def curves(tr: net.Training, theme: Theme, *, marker_step=None, height=None, title="", best=False) -> go.Figure:
    """Train and test loss against the step (and the objective with its penalty, when there is one); with ``best``,
    the lowest test loss marked where it falls before the end (where early stopping would stop)."""
    lines = [("train", tr.train_loss, TRAIN_COLOR, "solid"), ("test", tr.test_loss, TEST_COLOR, "dash")]
    if tr.scene.l2 or tr.scene.l1:
        lines.append(("objective (with penalty)", tr.objective, "#555555", "dot"))
    figure = curves_figure(
        tr.steps,
        lines,
        theme,
        y_title=f"loss ({tr.scene.problem.loss.replace('_', '-')})",
        marker_step=marker_step,
        title=title,
        height=height,
    )
    i = net_words.best_test(tr)
    if best and tr.diverged_at is None and i < len(tr.steps) - 1:
        step, loss = int(tr.steps[i]), float(tr.test_loss[i])
        figure.add_trace(
            dict(
                type="scatter",
                mode="markers",
                x=[step],
                y=[loss],
                name="lowest test loss",
                marker=dict(symbol="star", size=theme.marker_size + 6, color=TEST_COLOR, line=dict(width=1)),
                hovertemplate=f"lowest test loss {num(loss)}<br>at step {step}<extra></extra>",
            )
        )
    return figure


def fit(tr: net.Training, b: net.Boundary, theme: Theme, *, height=None, title="", legend=True) -> go.Figure:
    """The decision boundary over the data (classification) or the fitted curve with the true one (regression)."""
    d = tr.scene.problem.data
    if d.task == CLASSIFICATION:
        return boundary_figure(
            b.xs,
            b.ys,
            b.z,
            d.x_train,
            d.y_train,
            d.x_test,
            d.y_test,
            theme,
            title=title,
            height=height,
            showlegend=legend,
        )
    return regression_figure(
        b.xs,
        b.z,
        d.x_train,
        d.y_train,
        d.x_test,
        d.y_test,
        theme,
        title=title,
        truth=regression_target(b.xs).astype(np.float32),
        height=height,
        showlegend=legend,
    )


# -- the sections -----------------------------------------------------------------------------------------------------
def fit_and_curves(tr: net.Training, i: int, theme: Theme, work: Work) -> dict[str, go.Figure]:
    """Train: the fit at the i-th recorded point and the curves with that step marked."""
    h = int(theme.height * 0.62)
    return {
        "fit": keep_name(fit(tr, work.boundary(tr.scene, i), theme, height=h), "fit at the chosen step"),
        "curves": keep_name(curves(tr, theme, marker_step=int(tr.steps[i]), height=h, best=True), "loss curves"),
    }


def range_test(rt: lr_finder.RangeTest, theme: Theme) -> go.Figure:
    """Train's learning-rate range test: the loss against the growing η, the edge 2/λmax at init."""
    figure = range_test_figure(
        rt.lrs, rt.loss, rt.edge, theme, fastest=rt.fastest, blew_up=rt.blew_up, height=int(theme.height * 0.62)
    )
    return keep_name(figure, "learning-rate range test")


def batch_update(tr: net.Training, step: int | None) -> int | None:
    """The minibatch update Train's PCA plane draws the loss of: the one from the step shown (a recorded step; the
    run's end shown: from the last recorded step before it); None for full-batch training."""
    if not tr.scene.problem.batch:
        return None
    return int(tr.steps[-2]) if step is None or step >= tr.scene.steps else int(step)


def landscapes(scene: net.NetScene, theme: Theme, work: Work, step: int | None = None) -> dict[str, go.Figure]:
    """Train: the loss on two random directions, on the plane of the path's principal components (with the path;
    in minibatch training, also the loss of the batch drawn at the step shown, ``step``: None for the last), and
    along the straight line from the initial to the trained weights."""
    rnd, pca = work.slice(scene, "random"), work.slice(scene, "pca")
    alphas, train, test = work.line(scene)
    h = int(theme.height * 0.62)
    random = slice_figure(rnd.alphas, rnd.betas, rnd.train, theme, height=h)
    batch = None
    tr = work.train(scene)
    if (t := batch_update(tr, step)) is not None:
        at = pca.path[int(np.searchsorted(tr.steps, t))]
        batch = (work.batch_slice(scene, t), f"loss of step {t}'s batch ({scene.problem.batch} points)", at)
    pca = slice_figure(
        pca.alphas, pca.betas, pca.train, theme, path=pca.path, axis_titles=("PC 1", "PC 2"), height=h, batch=batch
    )
    return {
        "random": keep_name(random, "landscape on two random directions"),
        "pca": keep_name(pca, "landscape on the plane of the path's principal components"),
        "line": keep_name(
            line_figure(alphas, train, test, theme, height=int(theme.height * 0.5)),
            "loss on the line from the initial to the trained weights",
        ),
    }


def train_vs_test(runs: dict[str, net.NetScene], theme: Theme, work: Work) -> dict[str, go.Figure]:
    """Train vs test: for the run without and with the switch, the training and the test slice on one colour scale
    (the same plane) and the curves; nothing if either run diverged."""
    trainings = {name: work.train(s) for name, s in runs.items()}
    if any(tr.diverged_at is not None for tr in trainings.values()):
        return {}
    slices = {name: work.slice(s, "random") for name, s in runs.items()}
    logs = [np.log10(np.maximum(z, 1e-12)) for sl in slices.values() for z in (sl.train, sl.test)]
    zmin, zmax = min(float(np.nanmin(v)) for v in logs), max(float(np.nanmax(v)) for v in logs)
    h, out = int(theme.height * 0.5), {}
    for (name, sl), side in zip(slices.items(), ("off", "on"), strict=True):
        train = slice_figure(
            sl.alphas, sl.betas, sl.train, theme, title="train", zmin=zmin, zmax=zmax, showscale=False, height=h
        )
        test = slice_figure(sl.alphas, sl.betas, sl.test, theme, title="test", zmin=zmin, zmax=zmax, height=h)
        out[f"train-{side}"] = keep_name(train, f"{name}, landscape on the training data")
        out[f"test-{side}"] = keep_name(test, f"{name}, landscape on the test data")
        out[f"curves-{side}"] = keep_name(curves(trainings[name], theme, height=h), f"{name}, loss curves")
    return out


def variant_figures(runs: dict[str, net.NetScene], theme: Theme, work: Work) -> dict[str, go.Figure]:
    """Init · BN · dropout: every variant's curves in one figure, then each one's fit and (unless it diverged) its
    landscape on two random directions; nothing if one blew up at once."""
    trainings = {name: work.train(s) for name, s in runs.items()}
    if not all(drawable(tr) for tr in trainings.values()):
        return {}
    lines = []
    for (name, tr), c in zip(trainings.items(), VARIANT_COLORS, strict=False):
        lines += [(f"{name}: train", tr.train_loss, c, "solid"), (f"{name}: test", tr.test_loss, c, "dash")]
    steps = next(iter(trainings.values())).steps
    out = {
        "curves": keep_name(
            curves_figure(steps, lines, theme, y_title="loss", height=int(theme.height * 0.55)), "loss curves"
        )
    }
    h = int(theme.height * 0.5)
    for k, (name, tr) in enumerate(trainings.items()):
        out[f"fit-{slug(name)}"] = keep_name(
            fit(tr, work.boundary(runs[name], len(tr.steps) - 1), theme, height=h, title=name, legend=k == 0),
            f"fit, {name}",
        )
    for name, tr in trainings.items():
        if tr.diverged_at is None:
            sl = work.slice(runs[name], "random")
            out[f"slice-{slug(name)}"] = slice_figure(
                sl.alphas,
                sl.betas,
                sl.train,
                theme,
                height=h,
                showscale=False,
                showlegend=False,
                title=f"landscape, {name}",
            )
            keep_name(out[f"slice-{slug(name)}"], f"landscape, {name}")
    return out


def sharpness_until(tr: net.Training, steps: np.ndarray, sharp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sharpness measured before the run diverged."""
    keep = steps <= (tr.diverged_at if tr.diverged_at is not None else np.inf)
    return steps[keep], sharp[keep]


def sharpness_figure(tr: net.Training, steps: np.ndarray, sharp: np.ndarray, theme: Theme) -> go.Figure:
    """Sharpness: λmax along the path under the 2/η line, the training loss on the right axis."""
    lr = tr.scene.optimizer.hyper_dict()["learning_rate"]
    steps, sharp = sharpness_until(tr, steps, sharp)
    loss = [("loss", np.interp(steps, tr.steps, tr.objective), "#999999", "dot")]
    f = curves_figure(
        steps,
        [("sharpness λmax", sharp, "#0072B2", "solid")],
        theme,
        y_title="top Hessian eigenvalue λmax",
        log_y=False,
        hlines=[(2 / lr, f"2/η = {num(2 / lr)}")],
        y2=("training loss", loss),
        height=int(theme.height * 0.75),
    )
    return keep_name(f, "sharpness along the path")


# -- See it whole: the 2-parameter network --------------------------------------------------------------------------
def whole_scenes(runs: tuple[RunSpec, ...], scale: float, seed: int, steps: int) -> list[tuple[str, Scene]]:
    """The race from zero and from a small random start w ~ N(0, scale²) (by ``seed``), with their headings; none
    without racers."""
    if not runs:
        return []
    w0 = tuple(float(v) for v in scale * np.random.default_rng(seed).normal(size=2))
    return [
        (head, Scene(surface="two_param_net", runs=tuple(runs), start=start, steps=steps))
        for head, start in (
            ("Zero initialisation: the gradient is exactly 0", (0.0, 0.0)),
            (f"Small random initialisation {point(*w0, 2)}", w0),
        )
    ]


def whole_figure(result: Result, theme: Theme, name: str = fig.RACE, fit: dict | None = None) -> go.Figure:
    """A race on the two-weight network's loss; ``fit``: charts.scene.contour's sizes for the screen (side, width,
    legend_rows, frames: see views.common.map_fit)."""
    if fit is not None:
        f = fig.contour(result, theme, name=name, **fit)
    else:
        f = fig.contour(result, theme, name=name)
        f.update_layout(height=int(theme.height * 0.8))
    f.update_layout(xaxis_title_text="w₁", yaxis_title_text="w₂")
    return f


def whole_figures(
    scenes: list[tuple[str, Scene]], theme: Theme, work: Work, fit: dict | None = None
) -> dict[str, go.Figure]:
    """The two animated races, "race-zero" and "race-random" (``fit``: their size, see whole_figure)."""
    names = {"race-zero": "race from zero", "race-random": "race from a small random start"}
    return {key: whole_figure(work.race(s), theme, names[key], fit) for key, (_, s) in zip(names, scenes, strict=True)}


def comparison(state: State) -> dict[str, net.NetScene]:
    """The runs a comparison section trains, by their names: Train vs test's off and on, or Init · BN · dropout's
    variants (a symmetric initialisation is shown beside both symmetric ones and Xavier)."""
    scene = state.scene
    if state.section == TEST:
        return {f"{state.compare} off": scene, f"{state.compare} on": replace(scene, **dict(state.change))}
    if state.compare == "Initialisation":
        c = scene.init_scale if scene.init == "constant" else 0.1
        runs = {
            "zeros": replace(scene, init="zeros"),
            f"constant {num(c)}": replace(scene, init="constant", init_scale=c),
        }
        return runs | (
            {"xavier": replace(scene, init="xavier")}
            if scene.init in SYMMETRIC_INITS
            else {INIT_TITLES[scene.init]: scene}
        )
    if state.compare == "Batch norm":
        return {
            "without batch norm": replace(scene, batchnorm=False),
            "with batch norm": replace(scene, batchnorm=True),
        }
    rate = dict(state.change)["dropout"]
    return {"no dropout": replace(scene, dropout=0.0), f"dropout {num(rate)}": replace(scene, dropout=rate)}


def figures(state: State, theme: Theme, work: Work | None = None) -> dict[str, go.Figure]:
    """The section's figures, as views/networks.py draws them (``work``: how the results are computed; by default
    scenes.networks' functions, each run trained once)."""
    work = work or direct()
    if state.section == WHOLE:
        return whole_figures(
            whole_scenes(state.whole.runs, state.whole.scale, state.whole.seed, state.whole.steps), theme, work
        )
    if state.section == BACKPROP:
        return backprop.figures(state.backprop, theme, work.race)
    if state.section == DEPTH:
        return depth.figures(state.depth, theme)
    if state.section == SHRINK:
        return shrinkage.figures(state.shrink, theme)
    if state.section == MINIBATCH:
        return minibatch.figures(state.minibatch, theme)
    scene = state.scene
    if state.section == TRAIN:
        tr = work.train(scene)
        if not drawable(tr):
            return {}
        figs = fit_and_curves(tr, shown_index(tr, state.step), theme, work)
        if state.range_test:
            figs |= {"range_test": range_test(lr_finder.range_test(scene), theme)}
        return figs | (landscapes(scene, theme, work, state.step) if tr.diverged_at is None else {})
    if state.section == SHARPNESS:
        tr = work.train(scene)
        if not drawable(tr):
            return {}
        figs = {"sharpness": sharpness_figure(tr, *work.sharpness(scene), theme)}
        return figs | ({"spectrum": spectrum.figure(work.spectra(scene), theme)} if tr.diverged_at is None else {})
    runs = comparison(state)
    if state.section == TEST:
        return train_vs_test(runs, theme, work)
    return variant_figures(runs, theme, work)


def likely_work() -> Iterator[tuple]:
    """The Networks page's sections at their defaults: training, the slices, the line, the sharpness."""
    yield (
        compute,
        Scene(
            surface="two_param_net",
            runs=tuple(RunSpec.default(k) for k in DEFAULT_OPTIMIZERS),
            start=(0.0, 0.0),
            steps=1000,
        ),
    )
    for key, scene in net.SECTION_DEFAULTS.items():
        yield net.train, scene
        if key == "sharpness":
            yield lambda s: net.sharpness(net.train(s)), scene
            continue
        yield lambda s: net.landscape_slice(net.train(s), "random"), scene
        if key == "train":
            yield lambda s: net.landscape_slice(net.train(s), "pca"), scene
            yield lambda s: net.interpolation(net.train(s)), scene
            yield lambda s: net.boundary(s, net.train(s).final), scene
        else:
            yield lambda s: net.top_at(s, s.initial()), scene


def reachable_states() -> Iterator[pg.State]:
    """Each section at its defaults and one move away from them, wherever the move needs programs of its own: another
    data set, number of points, activation or rule (the data's and the model's shapes, the rule's code), each
    comparison, and on Train batch norm, dropout, each minibatch size and an augmentation (its copies change the
    data's shape). What is
    data (noise, seeds, λ, the dropout rate, learning rates, the steps within a bucket of records: optim.run) reuses
    the programs it has."""
    for section in pg.SECTIONS:
        state = pg.default_state(section)
        yield state
        if section in pg.COMPARE:
            for label in pg.COMPARE[section].values():
                if label == "Augmentation":
                    for kind in pg.ON_AUGMENTATIONS:
                        for strength in pg.STRENGTHS[kind]:
                            change = (("augmentation", kind), ("strength", strength))
                            yield replace(state, compare=label, change=change)
                elif label != state.compare:
                    yield replace(state, compare=label, change=tuple(pg.change_defaults(label).items()))
        if state.scene is not None:
            for move in _scene_moves(section, state.scene):
                yield replace(state, scene=replace(state.scene, **move))
        if section == TRAIN:
            yield replace(state, range_test=True)
        if section == DEPTH:  # each activation with and without batch norm: its own program (the depth is data)
            for act in dp.DEPTH_ACTIVATIONS:
                for bn in (False, True):
                    yield replace(state, depth=replace(state.depth, activation=act, batchnorm=bn))


def _scene_moves(section: str, scene: net.NetScene) -> Iterator[dict]:
    """The changes of a section's network one control away that change its programs (see reachable_states)."""
    yield from (dict(dataset=d) for d in DATASETS if d != scene.dataset)
    yield from (dict(n=n) for n in POINTS if n != scene.n)
    yield from (dict(activation=a) for a in ACTIVATIONS if a != scene.activation)
    if section != SHARPNESS:  # its rule is gradient descent, whose η the section is about
        yield from (dict(optimizer=RunSpec.default(k)) for k in pg.NET_OPTIMIZERS if k != scene.optimizer.optimizer)
    if section == TRAIN:
        yield from (dict(batchnorm=True), dict(dropout=pg.ON_DROPOUT))
        yield from (dict(batch=b) for b in pg.BATCH_SIZES if b != scene.batch)  # a minibatch's size is a shape
        yield from (dict(augmentation=k, strength=v) for k, vs in pg.STRENGTHS.items() for v in vs)


def reachable_work() -> Iterator[tuple]:
    """The section figures of every reachable state (the install step compiles them into the persistent cache)."""
    for state in reachable_states():
        yield _section_figures, state


def _section_figures(state: pg.State) -> dict:
    """The section's figures and the numbers views/networks.py computes beside them: Train vs test's caption (the
    test points the network gets wrong), Init · BN · dropout's table (λmax at init and trained, per variant) and
    batch norm's caption."""
    work = direct()  # one cache for the figures and the numbers beside them: each run trained once
    figs = figures(state, THEMES["normal"], work)
    if state.section == TEST:
        trainings = [work.train(s) for s in comparison(state).values()]
        if not any(tr.diverged_at is not None for tr in trainings):
            net_words.train_vs_test_caption(state.compare, *trainings)
    if state.section == VARIANTS:
        for s in comparison(state).values():
            net.top_at(s, s.initial())
            tr = work.train(s)
            if tr.diverged_at is None:
                net.top_at(s, tr.final)
        if state.compare == "Batch norm":
            net_words.batchnorm_caption(state.scene)
    return figs
