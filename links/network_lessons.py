"""The Networks page's lesson sections whose state is not a trained network (Backprop, Minibatch, Ridge & lasso,
Depth): each one's link parameters, how a link is read into its scene (a value it cannot show falls back, told),
which controls show it, and which parameters its link writes. links/networks.py keeps one row per section here
(``Lesson``) and reads, writes and shows them all the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from links.network_options import BACKPROP_LRS, SEEDS, grid
from links.params import Param, choice, flag, integer, read_params, write_flag
from links.scene import fmt
from scenes import backprop as bp
from scenes import depth as dp
from scenes import minibatch as mb
from scenes import shrinkage as sh
from scenes.text import cut, plural


def values_of(obj, table: tuple[Param, ...]) -> dict:
    return {p.name: getattr(obj, p.name) for p in table}


def read_used(q, table: tuple[Param, ...], values: dict, notices: list[str], used: set[str]) -> dict:
    """read_params, the table's keys marked as read."""
    used.update(p.key for p in table)
    return read_params(q, table, values, notices)


def refuse(q, keys, why: str, notices: list[str], used: set[str]) -> None:
    """Parameters that mean nothing with the link's other settings: told why, and left out."""
    for k in keys:
        if k in q:
            notices.append(f"{k}={cut(q[k])!r} in the link: {why}")
            used.add(k)


@dataclass(frozen=True)
class Lesson:
    """A section's own scene: the State's attribute that holds it, its default, how a link is read into it, the
    controls that show it (``widgets``) and the parameters its link writes for a scene (``link``)."""

    field: str
    default: Callable[[], object]
    read: Callable[[dict, list[str], set[str]], object]
    widgets: tuple[Param, ...]
    link: Callable[[object], tuple[Param, ...]]


def plain(field: str, scene: type, table: tuple[Param, ...]) -> Lesson:
    """A lesson whose every parameter is read as it is, nothing to check between them."""
    return Lesson(
        field,
        scene,
        lambda q, notices, used: scene(**read_used(q, table, values_of(scene(), table), notices, used)),
        table,
        lambda _: table,
    )


# -- Backprop ---------------------------------------------------------------------------------------------------------
BACKPROP_PARAMS = (
    Param("net", "net", "the network: tanh (w₂·tanh(w₁x)) or xor (2-2-1)", choice(tuple(bp.NETS))),
    Param("lr", "gd.learning_rate", "gradient descent's η", grid(BACKPROP_LRS), fmt, widget="lr"),
    Param("step", "step", "the step whose pass is written out", integer(0, max(bp.RUN_STEPS.values()))),
    Param("point", "point", "the training point whose graph is drawn", integer(1, len(bp.NET_X))),
)
XOR_SEED = (Param("seed", "seed", "the XOR network's initial weights' seed", integer(*SEEDS)),)


def read_backprop(q, notices: list[str], used: set[str]) -> bp.BackpropScene:
    """The Backprop section's settings; a step past the run's end or a point the data do not have falls back."""
    d = bp.BackpropScene()
    v = read_used(q, BACKPROP_PARAMS, values_of(d, BACKPROP_PARAMS), notices, used)
    if v["net"] == bp.XOR:
        v |= read_used(q, XOR_SEED, {"seed": d.seed}, notices, used)
    else:
        refuse(q, ["seed"], "only the XOR network has initial weights to choose", notices, used)
    scene = bp.BackpropScene(**v)
    if scene.step > bp.RUN_STEPS[scene.net]:
        has = plural(bp.RUN_STEPS[scene.net], "step")
        notices.append(f"step={scene.step} in the link: this run has {has}; using step {d.step}")
        scene = replace(scene, step=d.step)
    if scene.point > scene.points:
        has = plural(scene.points, "point")
        notices.append(f"point={scene.point} in the link: this network has {has}; using point 1")
        scene = replace(scene, point=1)
    return scene


BACKPROP = Lesson(
    "backprop",
    bp.BackpropScene,
    read_backprop,
    BACKPROP_PARAMS + XOR_SEED,
    lambda b: BACKPROP_PARAMS + (XOR_SEED if b.net == bp.XOR else ()),
)

# -- Minibatch --------------------------------------------------------------------------------------------------------
MINIBATCH_PARAMS = (
    Param("model", "model", "the model, tanh (the network) or linear", choice(tuple(mb.FITS))),
    Param("batch", "batch", "the batch size B", grid(mb.BATCHES)),
    Param("lr", "gd.learning_rate", "the learning rate η", grid(mb.MB_LRS), fmt, widget="lr"),
    Param("epochs", "epochs", "the epochs", integer(*mb.EPOCHS)),
    Param("seed", "seed", "the shuffles' seed", integer(*SEEDS)),
    Param("step", "step", "the step whose batch's loss is drawn", integer(0, mb.EPOCHS[1] * mb.N - 1)),
)


def read_minibatch(q, notices: list[str], used: set[str]) -> mb.MinibatchScene:
    """Minibatch's settings; a step past the run's last falls back to the first."""
    d = mb.MinibatchScene()
    scene = mb.MinibatchScene(**read_used(q, MINIBATCH_PARAMS, values_of(d, MINIBATCH_PARAMS), notices, used))
    if scene.step >= scene.steps:
        has = plural(scene.steps, "step")
        notices.append(f"step={scene.step} in the link: this run has {has}, from 0; using step 0")
        scene = replace(scene, step=0)
    return scene


MINIBATCH = Lesson("minibatch", mb.MinibatchScene, read_minibatch, MINIBATCH_PARAMS, lambda _: MINIBATCH_PARAMS)

# -- Ridge & lasso, Depth ---------------------------------------------------------------------------------------------
SHRINK_PARAMS = (
    Param("lam", "lam", "λ, the penalty's weight", grid(sh.LAMBDAS), fmt),
    Param("rho", "rho", "the two features' correlation", grid(sh.CORRELATIONS), fmt),
    Param("seed", "seed", "the data's seed", integer(*SEEDS)),
)
SHRINK = plain("shrink", sh.ShrinkScene, SHRINK_PARAMS)

DEPTH_PARAMS = (
    Param("depth", "depth", "the hidden layers", integer(*dp.DEPTHS)),
    Param("activation", "act", "the activation", choice(dp.DEPTH_ACTIVATIONS), widget="activation"),
    Param("batchnorm", "bn", "batch normalisation, 1 or 0", flag, write_flag),
    Param("seed", "seed", "the weights' and data's seed", integer(*SEEDS)),
)
DEPTH = plain("depth", dp.DepthScene, DEPTH_PARAMS)
