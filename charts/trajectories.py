"""The Trajectories page's figures: the race on the contour (animated), the loss curves and the 3D view."""

from __future__ import annotations

import plotly.graph_objects as go

from charts import scene as fig
from links.trajectories import State
from scenes import compute
from viz import Theme


def figures(state: State, theme: Theme) -> dict[str, go.Figure]:
    """The race (animated contour), the loss curves and the 3D view."""
    result = compute(state.scene)
    return {
        "race": fig.contour(result, theme),
        "loss": fig.loss(result, theme),
        "surface3d": fig.surface3d(result, theme),
    }
