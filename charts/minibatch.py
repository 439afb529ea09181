"""Networks → Minibatch: minibatch SGD against full-batch gradient descent on a two-weight model, the 2-parameter
network or a linear regression (scenes/minibatch.py): the map with one step's batch loss over the full loss, and the
full loss by epoch."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from scenes import minibatch as mb
from scenes.text import num
from viz import Theme
from viz.layout import keep_name
from viz.minibatch import epochs_figure, map_figure

GRID = 121


def labels(scene: mb.MinibatchScene) -> tuple[str, str, str]:
    return (
        f"minibatch SGD, B {scene.batch}, η {num(scene.lr)}",
        f"full-batch GD, η {num(scene.lr)}",
        f"loss of step {scene.step}'s batch",
    )


def figures(
    scene: mb.MinibatchScene, theme: Theme, *, side: int | None = None, legend: bool = True
) -> dict[str, go.Figure]:
    """ "map" and "epochs"."""
    w, fit = mb.walk(scene), scene.fit
    (x0, x1), (y0, y1) = fit.domain
    xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    gx, gy = np.meshgrid(xs, ys)
    k = min(scene.step, scene.steps - 1)
    full = mb.full_loss(np.stack([gx, gy], axis=-1), fit)
    batch = np.maximum(mb.batch_loss(gx, gy, w.batches[k], fit), 1e-12)
    names = labels(scene)
    m = map_figure(
        xs, ys, full, batch, w.sgd, w.gd, w.sgd[k], theme, side=side or int(theme.height * 0.7), labels=names,
        legend=legend, axes=fit.names, minimum=fit.minimum,
    )  # fmt: skip
    e = epochs_figure(
        np.arange(len(w.sgd)) / w.per_epoch, mb.full_loss(w.sgd, fit), mb.full_loss(w.gd, fit), theme,
        height=int(theme.height * 0.55), labels=names,
    )  # fmt: skip
    return {"map": keep_name(m, "minibatch and full-batch paths"), "epochs": keep_name(e, "full loss by epoch")}
