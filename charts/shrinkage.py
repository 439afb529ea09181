"""Networks → Ridge & lasso: a two-weight linear model's least-squares loss with the L2 disc and the L1 diamond its
ridge and lasso solutions touch, and its weights against λ (scenes/shrinkage.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from scenes import shrinkage as sh
from viz import Theme
from viz.layout import keep_name
from viz.shrinkage import constraint_figure, path_figure

GRID = 161


def square(result: sh.Shrinkage) -> tuple[np.ndarray, np.ndarray]:
    """A square window about the origin holding every disc and diamond any λ draws: ridge's length and the lasso's L1
    norm only fall as λ grows, so the least-squares solution's bound them (the window never moves with λ)."""
    r = max(np.abs(result.ols).sum(), np.hypot(*result.ols))  # the largest disc's or diamond's reach on an axis
    pts = np.array([[r, 0], [-r, 0], [0, r], [0, -r], result.ols, 1.6 * result.ols])  # and room about the solution
    mid = (pts.min(axis=0) + pts.max(axis=0)) / 2
    half = (pts.max(axis=0) - pts.min(axis=0)).max() / 2 + 0.1
    return np.linspace(mid[0] - half, mid[0] + half, GRID), np.linspace(mid[1] - half, mid[1] + half, GRID)


def figures(
    scene: sh.ShrinkScene, theme: Theme, *, side: int | None = None, legend: bool = True
) -> dict[str, go.Figure]:
    """ "constraint" (the picture on the weights' plane; ``legend``: False on a phone, whose words under it name the
    marks) and "path" (the weights against λ)."""
    r = sh.shrinkage(scene)
    xs, ys = square(r)
    loss = r.problem.loss(np.stack(np.meshgrid(xs, ys), axis=-1))
    side = side or int(theme.height * 0.7)
    f = constraint_figure(
        xs, ys, loss, r.ols, r.ridge, r.lasso, r.paths.ridge, r.paths.lasso, theme, side=side, legend=legend,
        title=f"λ = {scene.lam:g}: ridge on its disc, lasso on its diamond" if legend else f"λ = {scene.lam:g}",
    )  # fmt: skip
    zeros = [(f"lasso w{'₁₂'[j]}", v) for j, v in enumerate(r.paths.zeros) if v is not None]
    p = path_figure(
        r.paths.lams, r.paths.ridge, r.paths.lasso, scene.lam, zeros, theme, height=int(theme.height * 0.6),
        title="The weights as λ grows",
    )  # fmt: skip
    return {
        "constraint": keep_name(f, "ridge and lasso on the weights' plane"),
        "path": keep_name(p, "weights against λ"),
    }
