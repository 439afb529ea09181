"""What the Networks page says of its runs, in their numbers: early stopping's step, what a switch did to the test
loss (and why an augmentation may not help), and why λmax jumps with batch norm."""

from __future__ import annotations

from dataclasses import replace

import jax
import numpy as np

from scenes.networks import NetScene, Training, top_at
from scenes.text import num, plural
from surfaces.datasets import CLASSIFICATION


def _wrong(training: Training) -> tuple[int, int, float, float] | None:
    """(test points on the wrong side, test points, their share of the test loss, the median probability the network
    gives their wrong class) at the end of a classifier's run; None for regression or when none is wrong."""
    prob = training.scene.problem
    d = prob.data
    if d.task != CLASSIFICATION:
        return None
    z = np.asarray(prob.predict(training.final, d.x_test), np.float64)
    y = np.asarray(d.y_test, np.float64)
    per = np.logaddexp(0.0, z) - y * z  # each point's cross-entropy
    wrong = (z > 0) != (y > 0.5)
    if not wrong.any():
        return None
    sure = float(np.median(1 / (1 + np.exp(-np.abs(z[wrong])))))
    return int(wrong.sum()), len(y), float(per[wrong].sum() / max(per.sum(), 1e-30)), sure


def best_test(tr: Training) -> int:
    """The index of the recorded point with the lowest test loss, among those before the run diverged (the first of
    equals): where early stopping would have stopped, as far as the records tell."""
    end = len(tr.steps) if tr.diverged_at is None else int(np.searchsorted(tr.steps, tr.diverged_at))
    return int(np.argmin(tr.test_loss[: max(end, 1)]))


def early_stopping_caption(tr: Training) -> str:
    """What early stopping would have done to this run (one that did not diverge), in its numbers: the recorded step
    of the lowest test loss against the last one; or that the test loss is lowest at the end."""
    i = best_test(tr)
    best, final = float(tr.test_loss[i]), float(tr.test_loss[-1])
    k = tr.scene.record_every
    every = f"; the losses are recorded every {plural(k, 'step')}" if k > 1 else ""
    if i == len(tr.test_loss) - 1:
        return "Early stopping: the test loss is lowest at the last step, so stopping earlier would not help."
    train_then, train_end = float(tr.train_loss[i]), float(tr.train_loss[-1])
    fell = f" while the training loss fell from {num(train_then)} to {num(train_end)}" if train_end < train_then else ""
    return (
        f"Early stopping: the test loss was lowest at step {int(tr.steps[i])} ({num(best)}{every}); by step "
        f"{int(tr.steps[-1])} it was {num(final)}{fell}. Stopping at the lowest test loss keeps the better model."
    )


def train_vs_test_caption(compare: str, off: Training, on: Training) -> str:
    """Train vs test's caption: what the switch did to the test loss, in this run's numbers, and why where it did
    not help (an augmentation adds points the network fits as well, and its confidence keeps growing); then what the
    planes show. Outcome first: a caption shows its first sentences, the rest behind its ⓘ."""
    plane = (
        "The same plane through the trained weights, on the training and the test data: the test landscape is the "
        "training one moved."
    )
    a, b = float(off.test_loss[-1]), float(on.test_loss[-1])
    what = "L2 regularisation" if compare.startswith("L2") else "augmentation"
    if b < a:
        return f"Here {what} lowered the test loss from {num(a)} to {num(b)}. {plane}"
    text = f"Here {what} did not lower the test loss ({num(a)} → {num(b)})."
    wrong = _wrong(on) if what == "augmentation" else None
    if wrong is None:
        return f"{text} {plane}"
    k, n, share, sure = wrong
    sure_text = "above 0.999" if sure > 0.999 else f"of {sure:.2f}"
    return (
        f"{text} The network fits the added points too (training loss {num(float(on.train_loss[-1]))}); the "
        f"{k} of {n} test points it gets wrong, at a median probability {sure_text}, carry {share:.0%} of the test "
        f"loss. L2, which caps the weights, curbs that confidence. {plane}"
    )


def scaled_hidden(params, c: float):
    """The parameters with every hidden layer's incoming weights and bias multiplied by ``c`` (the output layer kept):
    with batch norm the same function, each pre-activation being normalised."""
    last = len(params) - 1
    return tuple(
        layer if i == last else {**layer, "w": layer["w"] * c, "b": layer["b"] * c} for i, layer in enumerate(params)
    )


@jax.jit
def _value(fn, params):
    """A bound objective's value in one program (an objective bound by Partial is a pytree: its data are arguments)."""
    return fn(params)


def batchnorm_caption(scene: NetScene) -> str:
    """Why λmax at init is higher with batch norm, in this scene's numbers: λmax in raw weights is not
    scale-invariant, while a batch-normalised network's function is (the same loss with its hidden weights doubled,
    another λmax)."""
    on, off = replace(scene, batchnorm=True), replace(scene, batchnorm=False)
    p = on.initial()
    p2 = scaled_hidden(p, 2.0)
    lam, lam2, lam_off = top_at(on, p), top_at(on, p2), top_at(off, off.initial())
    loss = float(_value(on.problem.objective, p))
    return (
        "Batch normalisation rescales each layer's pre-activations, so multiplying a layer's incoming weights by c "
        "leaves the network's function unchanged but scales the curvature along them by 1/c²: doubled, this "
        f"initialisation has the same loss ({num(loss)}) but λmax {num(lam2)} instead of {num(lam)}. So λmax with "
        f"batch norm depends on an arbitrary scale of the weights, and comparing it with the plain network's "
        f"({num(lam_off)}) says little about sharpness."
    )


def _steps(steps: list[int]) -> str:
    """ "step 0", "steps 0 and 1330", "steps 0, 670 and 1330"."""
    if len(steps) == 1:
        return f"step {steps[0]}"
    return "steps " + ", ".join(map(str, steps[:-1])) + f" and {steps[-1]}"


def share(x: float) -> str:
    """A share as a lecturer writes it, never rounded to 0% or 100% when it is not: "under 1%", "over 99%"."""
    if 0 < x < 0.005:
        return "under 1%"
    if 0.995 <= x < 1:
        return "over 99%"
    return f"{x:.0%}"


def spectrum_text(spectra) -> str:
    """What the Hessian's spectra along the path say: at each point the share of clearly negative eigenvalues (a
    saddle's directions down), of flat ones, and the extremes; "about": a quadrature from four random probes."""
    if not spectra:
        return ""
    parts = []
    for step, sp in spectra:
        parts.append(
            f"step {step}: λ from {num(sp.low)} to {num(sp.high)}, about {share(sp.negative)} negative and "
            f"{share(sp.flat)} flat (|λ| ≤ {num(sp.flat_below)})"
        )
    saddle = [step for step, sp in spectra if sp.low < -sp.flat_below]
    verdict = (
        "Every point shown has directions of negative curvature: a saddle-like point, not a minimum."
        if len(saddle) == len(spectra)
        else f"Negative curvature at {_steps(saddle)}, none at the others."
        if saddle
        else "No clearly negative curvature at any point shown: the path runs in convex country."
    )
    return (
        "The Hessian's whole spectrum (stochastic Lanczos quadrature, "
        + f"{spectra[0][1].params:,} parameters): "
        + "; ".join(parts)
        + ". "
        + verdict
    )


def minibatch_text(tr) -> str:
    """What Train's minibatches are, in one paragraph ("" for full-batch training): B of the training points at
    random each step, the steps an epoch's worth of gradients takes, the epochs the run is, the noise scale η/B."""
    sc = tr.scene
    if not sc.batch:
        return ""
    n = len(sc.problem.data.y_train)
    if sc.batch >= n:
        return f"A batch of {sc.batch} is the whole training set here ({n} points): this is full-batch training."
    per = n / sc.batch
    lr = sc.optimizer.hyper_dict()["learning_rate"]
    return (
        f"Each step's gradient comes from {sc.batch} of the {n} training points, drawn at random: "
        f"{plural(num(per, 3), 'step')} make an epoch (as many point-gradients as one full-batch step), so "
        f"{plural(sc.steps, 'step')} are {plural(num(sc.steps / per, 3), 'epoch')}. Noise scale η/B = "
        f"{num(lr / sc.batch)}. "
        "The curves show the loss on every training point: the smaller the batch, the noisier they are."
    )
