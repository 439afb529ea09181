"""The Trajectories page's state: a Scene (scenes/url.py's table) and the view, contour or 3D."""

from __future__ import annotations

from dataclasses import dataclass, field

from links.scene import decode as decode_scene
from links.scene import encode as encode_scene
from scenes import Scene

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
