"""Networks → Backprop: the computation graph of one training point at the step shown, and where that step goes: the
2-parameter network's map with the path so far and the step −η∇L as an arrow, or the XOR network's loss by step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go

from charts import scene as fig
from scenes import backprop as bp
from scenes.compute import Result
from scenes.scene import Scene
from scenes.text import num
from viz import Theme
from viz.backprop import BACKWARD, Box, graph_figure, loss_by_step_figure
from viz.layout import keep_name


def race(scene: bp.BackpropScene, compute: Callable[[Scene], Result]) -> Result | None:
    """The 2-parameter network's run (None for XOR, whose run is NumPy's)."""
    return compute(bp.tanh_race(scene.lr)) if scene.net == bp.TANH else None


def shown_pass(scene: bp.BackpropScene, result: Result | None) -> tuple[bp.Pass, np.ndarray | None]:
    """The pass at the shown step's weights, and the weights one step later (None at the run's end)."""
    ws, _ = bp.weights(scene, result)
    k = min(scene.step, len(ws) - 1)
    return bp.at(scene, ws[k]), (ws[k + 1] if k + 1 < len(ws) else None)


def graph(
    scene: bp.BackpropScene,
    p: bp.Pass,
    theme: Theme,
    *,
    height: int,
    font_size: int | None = None,
    vertical: bool = False,
) -> go.Figure:
    """Point ``scene.point``'s graph with its numbers written (``vertical``: forward from top to bottom, a phone's)."""
    i = scene.point - 1
    nodes, edges = bp.graph(p, i)
    boxes = [
        Box(n.key, n.col, n.row, n.text, num(n.value), "" if n.adjoint is None else num(n.adjoint), n.kind)
        for n in nodes
    ]
    # XOR's 22 edges, or a phone's narrow graph, would hide the boxes: the chains below write the same factors
    labelled = scene.net == bp.TANH and not vertical
    lines = [(e.source, e.target, _label(e) if labelled else "") for e in edges]
    title = f"Point {scene.point} of {scene.points}, step {scene.step}"
    f = graph_figure(boxes, lines, theme, height=height, font_size=font_size, title=title, vertical=vertical)
    return keep_name(f, "computation graph")


def graph_height(net: str, font_size: int, vertical: bool = False) -> int:
    """Tall enough that the boxes of a column (three lines each) never overlap: XOR's weights stand 0.8 apart."""
    per_font = {(bp.TANH, False): 24, (bp.XOR, False): 42, (bp.TANH, True): 38, (bp.XOR, True): 52}
    return per_font[net, vertical] * font_size


def _label(e: bp.Edge) -> str:
    """An edge's local derivative: "1 − h² = 0.746", a constant alone ("−1")."""
    constant = e.local.lstrip("−").isdigit()
    return e.local if constant else f"{e.local} = {num(e.value)}"


def step_map(result: Result, scene: bp.BackpropScene, p: bp.Pass, theme: Theme, fit: dict | None) -> go.Figure:
    """The run up to the shown step on the loss map, and the step it takes there, −η∇L, as an arrow."""
    k = scene.step
    cut = replace(result, runs=tuple(replace(r, xy=r.xy[: k + 1], loss=r.loss[: k + 1]) for r in result.runs))
    f = fig.contour(cut, theme, name="step on the map", **({"frames": 0} | (fit or {})))
    (x0, y0), (dx, dy) = p.weights, -scene.lr * p.grad
    f.add_annotation(
        x=x0 + dx, y=y0 + dy, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
        arrowhead=3, arrowsize=1.2, arrowwidth=3, arrowcolor=BACKWARD, text="",
    )  # fmt: skip
    f.add_annotation(
        x=x0 + dx, y=y0 + dy, xref="x", yref="y", text="−η∇L", showarrow=False, yshift=18,
        font=dict(color=BACKWARD, size=theme.font_size), bgcolor="rgba(255,255,255,0.8)",
    )  # fmt: skip
    f.update_layout(xaxis_title_text="w₁", yaxis_title_text="w₂")
    return f


def loss_chart(scene: bp.BackpropScene, theme: Theme, height: int) -> go.Figure:
    _, loss = bp.weights(scene, None)
    f = loss_by_step_figure(loss, scene.step, theme, height=height, title="The loss L by step")
    return keep_name(f, "loss by step")


def figures(
    scene: bp.BackpropScene,
    theme: Theme,
    compute: Callable[[Scene], Result],
    *,
    fit: dict | None = None,
    height: int | None = None,
    font_size: int | None = None,
) -> dict[str, go.Figure]:
    """ "graph" and "map" (the 2-parameter network) or "loss" (XOR)."""
    result = race(scene, compute)
    p, _ = shown_pass(scene, result)
    height = height or graph_height(scene.net, font_size or theme.font_size)
    out = {"graph": graph(scene, p, theme, height=height, font_size=font_size)}
    if result is not None:
        return out | {"map": step_map(result, scene, p, theme, fit)}
    return out | {"loss": loss_chart(scene, theme, int(theme.height * 0.6))}
