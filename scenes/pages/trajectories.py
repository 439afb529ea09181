"""The Trajectories page's state: a Scene (scenes/url.py's table) and the view, contour or 3D."""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

from scenes import Scene, compute
from scenes import figures as fig
from scenes.url import decode as decode_scene
from scenes.url import encode as encode_scene
from viz import Theme

SECTIONS = ("contour", "3d")  # the view switch: the link's view=
SHORT: dict[str, str] = {}


@dataclass(frozen=True)
class State:
    scene: Scene = field(default_factory=Scene)
    view: str = "contour"

    @property
    def section(self) -> str:
        return self.view


def decode(q: dict) -> tuple[State, list[str]]:
    scene, notices = decode_scene(q)
    view = q.get("view", "contour")
    if view not in SECTIONS:
        notices.append(f"view={view!r} in the link: use contour or 3d")
        view = "contour"
    return State(scene, view), notices


def encode(state: State) -> dict[str, str]:
    return encode_scene(state.scene) | ({"view": state.view} if state.view != "contour" else {})


def figures(state: State, theme: Theme) -> dict[str, go.Figure]:
    """The race (animated contour), the loss curves and the 3D view."""
    result = compute(state.scene)
    return {
        "race": fig.contour(result, theme),
        "loss": fig.loss(result, theme),
        "surface3d": fig.surface3d(result, theme),
    }
