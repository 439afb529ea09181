"""The Trajectories page's state: a Scene (links/scene.py's table), the view (contour, 3D or both side by side), and
its controls' table."""

from __future__ import annotations

from dataclasses import dataclass, field

from links.controls import Control, hold, run_widgets, scene_widgets, start_widgets, surface_widgets
from links.scene import decode as decode_scene
from links.scene import encode as encode_scene
from optim import OPTIMIZERS
from scenes import MAX_RUNS, STEP_RANGE, Scene
from scenes.scene import CUSTOM, DEFAULT_OPTIMIZERS
from scenes.text import cut
from surfaces import SURFACES

SECTIONS = ("contour", "3d", "both")  # the view switch: the link's view=
SHORT: dict[str, str] = {}
VIEWS = {"contour": "Contour · animation", "3d": "3D surface", "both": "Side by side"}  # the view switch's labels
CONTROLS = (  # bare widget keys: this is the default page
    Control("surface", "surface", "Surface", Scene.surface, options=(*SURFACES, CUSTOM)),
    Control(
        "runs",
        "optimizers",
        "Optimizers",
        DEFAULT_OPTIMIZERS,
        options=tuple(OPTIMIZERS),
        most=MAX_RUNS,
        input="multi",
        help=f"Race up to {MAX_RUNS} optimizers from the same start.",
    ),
    Control("steps", "steps", "Steps", Scene.steps, lo=STEP_RANGE[0], hi=STEP_RANGE[1], by=10),
    Control("seed", "seed", "Noise seed", 0, lo=0, hi=1_000_000, input="box", help="Same seed, same noisy path."),
)


@dataclass(frozen=True)
class State:
    scene: Scene = field(default_factory=Scene)
    view: str = "contour"
    internals: bool = False  # the map draws each racer's gradient step, momentum, step and rescaling (link internals=1)

    @property
    def section(self) -> str:
        return self.view


def decode(q: dict) -> tuple[State, list[str]]:
    scene, notices = decode_scene(q, known=("internals",))
    scene = hold(scene, CONTROLS, Scene(), notices)
    view = q.get("view", "contour")
    if view not in SECTIONS:
        notices.append(f"view={cut(view)!r} in the link: use contour, 3d or both")
        view = "contour"
    internals = q.get("internals", "0")
    if internals not in ("0", "1"):
        notices.append(f"internals={cut(internals)!r} in the link: use 1 (shown) or 0 (hidden)")
        internals = "0"
    return State(scene, view, internals == "1"), notices


def encode(state: State) -> dict[str, str]:
    return (
        encode_scene(state.scene)
        | ({"view": state.view} if state.view != "contour" else {})
        | ({"internals": "1"} if state.internals else {})
    )


def widget_values(state: State) -> dict[str, object]:
    """What each control shows for ``state`` (bare keys: this is the default page)."""
    scene = state.scene
    out = surface_widgets(scene.surface, scene.surface_params, scene.formula, key="surface", prefix="")
    out |= scene_widgets(scene, CONTROLS)
    for r in scene.runs:
        out |= run_widgets(r, prefix=r.optimizer)
    if scene.start is not None:
        out |= start_widgets(scene.surface_obj, scene.start, prefix="")
    return out | {"view": VIEWS[state.view], "internals": state.internals}
