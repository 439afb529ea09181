"""The Trajectories page's state: a Scene (scenes/url.py's table) and the view, contour or 3D."""

from __future__ import annotations

from dataclasses import dataclass, field

from links.controls import run_widgets, start_widgets, surface_widgets
from links.scene import decode as decode_scene
from links.scene import encode as encode_scene
from scenes import Scene

SECTIONS = ("contour", "3d")  # the view switch: the link's view=
SHORT: dict[str, str] = {}
VIEWS = {"contour": "Contour · animation", "3d": "3D surface"}  # the view switch's labels


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


def widget_values(state: State) -> dict[str, object]:
    """What each control shows for ``state`` (bare keys: this is the default page)."""
    scene = state.scene
    out = surface_widgets(scene.surface, scene.surface_params, scene.formula, key="surface", prefix="")
    out["optimizers"] = [r.optimizer for r in scene.runs]
    for r in scene.runs:
        out |= run_widgets(r, prefix=r.optimizer)
    if scene.start is not None:
        out |= start_widgets(scene.surface_obj, scene.start, prefix="")
    return out | {"steps": scene.steps, "seed": scene.seed, "view": VIEWS[state.view]}
