"""Networks → Depth: each initialisation's activations and gradients through the layers of a deep MLP at the start
of training (scenes/depth.py): their std by layer, and a few layers' histograms per initialisation."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from scenes import depth as dp
from viz import Theme
from viz.depth import histograms_figure, std_by_layer_figure
from viz.layout import keep_name


def figures(
    scene: dp.DepthScene,
    theme: Theme,
    signals: Callable[[dp.DepthScene], dict[str, dp.Signals]] = dp.all_signals,
    *,
    stacked: bool = False,
) -> dict[str, go.Figure]:
    """ "std" (the activations' and the gradients' std by layer, every init; ``stacked``: one panel under the
    other) and "hist-<init>" (each init's histograms)."""
    sig = signals(scene)
    panels = [
        ("std of the activations", {k: s.act_std for k, s in sig.items()}),
        ("std of the weight gradients ∂L/∂W", {k: s.grad_std for k, s in sig.items()}),
    ]
    h = int(theme.height * (1.1 if stacked else 0.65))
    out = {"std": keep_name(std_by_layer_figure(panels, dp.COMPARED, theme, height=h, stacked=stacked), "std by layer")}
    for key, s in sig.items():
        f = histograms_figure(s.act_hist, s.grad_hist, theme, height=int(theme.height * 0.8), title=dp.COMPARED[key])
        out[f"hist-{key}"] = keep_name(f, f"histograms, {dp.COMPARED[key]}")
    return out
