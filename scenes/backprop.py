r"""Backpropagation written out: the forward values, the backward partial derivatives and the chain rule's products,
for the 2-parameter network :math:`\hat y = w_2 \tanh(w_1 x)` and for a 2-2-1 network learning XOR.

Everything here is NumPy in float64 and by hand, one line per node of the graph: that is the lesson. The tests hold
it to ``jax.grad`` (which the app's optimizers use) to float precision.

A **pass** computes, for every training point at once (arrays over the points), each node's forward value and its
adjoint ∂ℓᵢ/∂node (ℓᵢ = eᵢ², the point's squared error), then the gradient of the mean loss L = (1/N) Σᵢ ℓᵢ.
:func:`graph` draws one point's pass as nodes and edges; :func:`chains` writes each weight's chain-rule product.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from scenes.compute import Result
from scenes.scene import RunSpec, Scene
from scenes.text import num
from surfaces.networks import NET_X, NET_Y

TANH, XOR = "tanh", "xor"
NETS = {TANH: "w₂·tanh(w₁x), 40 points", XOR: "2-2-1 network on XOR"}
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([-1.0, 1.0, 1.0, -1.0])  # XOR as ±1, the tanh network's natural range
XOR_NAMES = ("W₁₁", "W₁₂", "W₂₁", "W₂₂", "b₁", "b₂", "v₁", "v₂", "c")  # the 9 weights, in their flat order
TANH_NAMES = ("w₁", "w₂")
TANH_START = (-2.5, 2.5)  # the surface's first start: far from both minima, a long way down


@dataclass(frozen=True)
class BackpropScene:
    """What the Backprop section shows: the network, gradient descent's η, the step whose pass is written out, the
    training point (1-based) whose graph is drawn, and the XOR network's initial weights' seed."""

    net: str = TANH
    lr: float = 0.1
    step: int = 10
    point: int = 1
    seed: int = 3

    @property
    def points(self) -> int:
        return len(NET_X) if self.net == TANH else len(XOR_Y)

    @property
    def names(self) -> tuple[str, ...]:
        return TANH_NAMES if self.net == TANH else XOR_NAMES


@dataclass(frozen=True)
class Pass:
    """One forward and backward pass over all the points: ``forward[node]`` and ``backward[node]`` (∂ℓᵢ/∂node) are
    arrays over the points (weights broadcast), ``grad`` the mean loss's gradient, in ``names``' order."""

    names: tuple[str, ...]
    weights: np.ndarray
    forward: dict[str, np.ndarray]
    backward: dict[str, np.ndarray]
    grad: np.ndarray
    loss: float


def tanh_pass(w: np.ndarray) -> Pass:
    r"""z = w₁x, h = tanh z, ŷ = w₂h, e = ŷ − y, ℓ = e²; backward from ∂ℓ/∂ℓ = 1 by the chain rule."""
    w1, w2 = (float(v) for v in w)
    x, y = NET_X, NET_Y
    z = w1 * x
    h = np.tanh(z)
    yh = w2 * h
    e = yh - y
    d_e = 2 * e  # ∂ℓ/∂e
    d_yh = d_e * 1.0  # ∂e/∂ŷ = 1
    d_w2 = d_yh * h  # ∂ŷ/∂w₂ = h
    d_h = d_yh * w2  # ∂ŷ/∂h = w₂
    d_z = d_h * (1 - h * h)  # ∂h/∂z = 1 − tanh²z
    d_w1 = d_z * x  # ∂z/∂w₁ = x
    forward = {"x": x, "w₁": np.full_like(x, w1), "z": z, "h": h, "w₂": np.full_like(x, w2), "ŷ": yh, "y": y}
    forward |= {"e": e, "ℓ": e * e}
    backward = {"ℓ": np.ones_like(x), "e": d_e, "ŷ": d_yh, "h": d_h, "z": d_z, "w₁": d_w1, "w₂": d_w2}
    grad = np.array([d_w1.mean(), d_w2.mean()])
    return Pass(TANH_NAMES, np.array([w1, w2]), forward, backward, grad, float(np.mean(e * e)))


def unflatten(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The XOR network's flat weights → W (hidden × input), b, v, c."""
    w = np.asarray(w, float)
    return w[:4].reshape(2, 2), w[4:6], w[6:8], float(w[8])


def xor_pass(w: np.ndarray) -> Pass:
    r"""zⱼ = Wⱼ₁x₁ + Wⱼ₂x₂ + bⱼ, hⱼ = tanh zⱼ, ŷ = v₁h₁ + v₂h₂ + c, e = ŷ − y, ℓ = e²; backward by the chain rule."""
    W, b, v, c = unflatten(w)
    X, y = XOR_X, XOR_Y
    z = X @ W.T + b  # (points, hidden)
    h = np.tanh(z)
    yh = h @ v + c
    e = yh - y
    d_e = 2 * e
    d_yh = d_e
    d_v = d_yh[:, None] * h  # ∂ŷ/∂vⱼ = hⱼ
    d_c = d_yh  # ∂ŷ/∂c = 1
    d_h = d_yh[:, None] * v  # ∂ŷ/∂hⱼ = vⱼ
    d_z = d_h * (1 - h * h)
    d_W = d_z[:, :, None] * X[:, None, :]  # ∂zⱼ/∂Wⱼₖ = xₖ
    d_b = d_z  # ∂zⱼ/∂bⱼ = 1
    forward = {"x₁": X[:, 0], "x₂": X[:, 1], "y": y, "ŷ": yh, "e": e, "ℓ": e * e}
    backward = {"ℓ": np.ones_like(e), "e": d_e, "ŷ": d_yh}
    for j in range(2):
        s = "₁₂"[j]
        forward |= {f"z{s}": z[:, j], f"h{s}": h[:, j], f"v{s}": np.full_like(e, v[j]), f"b{s}": np.full_like(e, b[j])}
        backward |= {f"z{s}": d_z[:, j], f"h{s}": d_h[:, j], f"v{s}": d_v[:, j], f"b{s}": d_b[:, j]}
        for k in range(2):
            name = f"W{s}{'₁₂'[k]}"
            forward[name] = np.full_like(e, W[j, k])
            backward[name] = d_W[:, j, k]
    forward["c"], backward["c"] = np.full_like(e, c), d_c
    grad = np.array([backward[n].mean() for n in XOR_NAMES])
    return Pass(XOR_NAMES, np.asarray(w, float), forward, backward, grad, float(np.mean(e * e)))


def xor_start(seed: int) -> np.ndarray:
    """The XOR network's initial weights: W, v ~ N(0, 1) by ``seed``, biases 0 (flat, XOR_NAMES' order)."""
    rng = np.random.default_rng(seed)
    W, v = rng.normal(size=(2, 2)), rng.normal(size=2)
    return np.concatenate([W.ravel(), np.zeros(2), v, [0.0]])


def xor_run(lr: float, seed: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent w ← w − η∇L with the gradient of :func:`xor_pass`: the weights (steps + 1, 9) and the loss
    at each (steps + 1,); a run that overflows keeps its last finite weights (NaN loss from there)."""
    w = xor_start(seed)
    ws, losses = [w], []
    for _ in range(steps):
        p = xor_pass(w)
        losses.append(p.loss)
        nxt = w - lr * p.grad
        w = nxt if np.all(np.isfinite(nxt)) else w
        ws.append(w)
    losses.append(xor_pass(w).loss)
    return np.array(ws), np.array(losses)


def at(scene: BackpropScene, weights: np.ndarray) -> Pass:
    """The pass at these weights for the scene's network."""
    return tanh_pass(weights) if scene.net == TANH else xor_pass(weights)


# -- one point's graph ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    key: str  # the pass's name of it: "h", "z₁"
    text: str  # what the node says: "h = tanh z"
    col: float  # left to right: forward
    row: float  # top to bottom
    value: float  # its forward value at the point
    adjoint: float | None  # ∂ℓ/∂node at the point (None for data: x, y)
    kind: str  # "data" | "weight" | "op" | "loss"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    local: str  # the local derivative ∂target/∂source, as a formula: "1 − h²"
    value: float  # its value at the point


TANH_LAYOUT = (  # staggered up and down, so that every edge is long enough for its label
    ("x", "x", 0, 0.2, "data"),
    ("w₁", "w₁", 0, 1.8, "weight"),
    ("z", "z = w₁·x", 1, 1.0, "op"),
    ("h", "h = tanh z", 2, 2.0, "op"),
    ("w₂", "w₂", 2, 0.0, "weight"),
    ("ŷ", "ŷ = w₂·h", 3, 1.0, "op"),
    ("y", "y", 4, 0.0, "data"),
    ("e", "e = ŷ − y", 4, 2.0, "op"),
    ("ℓ", "ℓ = e²", 5, 1.0, "loss"),
)


def _tanh_edges(p: Pass, i: int) -> list[Edge]:
    f = {k: float(v[i]) for k, v in p.forward.items()}
    return [
        Edge("x", "z", "w₁", f["w₁"]),
        Edge("w₁", "z", "x", f["x"]),
        Edge("z", "h", "1 − h²", 1 - f["h"] ** 2),
        Edge("h", "ŷ", "w₂", f["w₂"]),
        Edge("w₂", "ŷ", "h", f["h"]),
        Edge("ŷ", "e", "1", 1.0),
        Edge("y", "e", "−1", -1.0),
        Edge("e", "ℓ", "2e", 2 * f["e"]),
    ]


def _xor_layout() -> list[tuple]:
    rows = []
    for j, s in enumerate("₁₂"):
        top = 3.2 * j
        rows += [
            (f"W{s}₁", f"W{s}₁", 1, top, "weight"),
            (f"W{s}₂", f"W{s}₂", 1, top + 0.8, "weight"),
            (f"b{s}", f"b{s}", 1, top + 1.6, "weight"),
            (f"z{s}", f"z{s} = W{s}·x + b{s}", 2, top + 0.8, "op"),
            (f"h{s}", f"h{s} = tanh z{s}", 3, top + 0.8, "op"),
            (f"v{s}", f"v{s}", 3, top + 1.8 if j == 0 else top - 0.2, "weight"),
        ]
    rows += [
        ("x₁", "x₁", 0, 1.2, "data"),
        ("x₂", "x₂", 0, 3.2, "data"),
        ("c", "c", 4, 3.6, "weight"),
        ("ŷ", "ŷ = v·h + c", 4, 2.4, "op"),
        ("y", "y", 4, 1.2, "data"),
        ("e", "e = ŷ − y", 5, 1.8, "op"),
        ("ℓ", "ℓ = e²", 6, 1.8, "loss"),
    ]
    return rows


def _xor_edges(p: Pass, i: int) -> list[Edge]:
    f = {k: float(v[i]) for k, v in p.forward.items()}
    edges = []
    for s in "₁₂":
        for k in "₁₂":
            edges += [Edge(f"x{k}", f"z{s}", f"W{s}{k}", f[f"W{s}{k}"]), Edge(f"W{s}{k}", f"z{s}", f"x{k}", f[f"x{k}"])]
        edges += [
            Edge(f"b{s}", f"z{s}", "1", 1.0),
            Edge(f"z{s}", f"h{s}", f"1 − h{s}²", 1 - f[f"h{s}"] ** 2),
            Edge(f"h{s}", "ŷ", f"v{s}", f[f"v{s}"]),
            Edge(f"v{s}", "ŷ", f"h{s}", f[f"h{s}"]),
        ]
    return edges + [
        Edge("c", "ŷ", "1", 1.0),
        Edge("ŷ", "e", "1", 1.0),
        Edge("y", "e", "−1", -1.0),
        Edge("e", "ℓ", "2e", 2 * f["e"]),
    ]


def graph(p: Pass, i: int) -> tuple[list[Node], list[Edge]]:
    """Point ``i``'s (0-based) computation graph: each node with its forward value and ∂ℓᵢ/∂node, each edge with its
    local derivative."""
    tanh = p.names == TANH_NAMES
    layout = TANH_LAYOUT if tanh else _xor_layout()
    nodes = [
        Node(key, text, col, row, float(p.forward[key][i]), None if kind == "data" else float(p.backward[key][i]), kind)
        for key, text, col, row, kind in layout
    ]
    return nodes, (_tanh_edges if tanh else _xor_edges)(p, i)


# -- the chain rule, written out -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chain:
    """∂ℓᵢ/∂weight as the product of the local derivatives from ℓ back to the weight: (symbol, value) factors."""

    weight: str
    factors: tuple[tuple[str, str, float], ...]  # ("∂ℓ/∂e", "2e", its value), from ℓ back to the weight

    @property
    def product(self) -> float:
        return float(np.prod([v for _, _, v in self.factors]))


def chains(p: Pass, i: int) -> list[Chain]:
    """Each weight's chain from the loss back to it (every weight here has one path to ℓ), at point ``i``."""
    _, edges = graph(p, i)
    into = {}  # each node's one consumer: the edge leaving it towards ℓ
    for e in edges:
        into.setdefault(e.source, e)
    out = []
    for name in p.names:
        factors, at_node = [], name
        while at_node != "ℓ":
            e = into[at_node]
            factors.append((f"∂{e.target}/∂{at_node}", e.local, e.value))
            at_node = e.target
        out.append(Chain(name, tuple(reversed(factors))))
    return out


# -- the run the section steps through ---------------------------------------------------------------------------
RUN_STEPS = {TANH: 100, XOR: 300}  # the step slider's end: each run computed once for these, then cut


def tanh_race(lr: float) -> Scene:
    """Gradient descent at η on the 2-parameter network from TANH_START, run by the app's engine (optim.run)."""
    return Scene(
        surface="two_param_net",
        runs=(RunSpec("gd", (("learning_rate", float(lr)),)),),
        start=TANH_START,
        steps=RUN_STEPS[TANH],
    )


@functools.lru_cache(maxsize=32)
def xor_walk(lr: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The XOR network's run for the slider's whole length (weights, loss), computed once per η and seed."""
    ws, loss = xor_run(lr, seed, RUN_STEPS[XOR])
    ws.flags.writeable = loss.flags.writeable = False
    return ws, loss


def weights(scene: BackpropScene, race: Result | None) -> tuple[np.ndarray, np.ndarray]:
    """Every step's weights (steps + 1, parameters) and loss, float64: the 2-parameter network's from its race
    (float32, as the engine ran it), the XOR network's from :func:`xor_walk`."""
    if scene.net == TANH:
        r = race.runs[0]
        return r.xy.astype(np.float64), r.loss.astype(np.float64)
    return xor_walk(scene.lr, scene.seed)


# -- what the section says ------------------------------------------------------------------------------------------
def chain_line(c: Chain, digits: int = 3) -> str:
    """ "∂ℓ/∂w₂ = ∂ℓ/∂e · ∂e/∂ŷ · ∂ŷ/∂w₂ = 2e · 1 · h = 4.86 × 1 × 0.966 = 4.69"."""
    symbols = " · ".join(s for s, _, _ in c.factors)
    locals_ = " · ".join(f"({local})" if " " in local else local for _, local, _ in c.factors)
    values = " × ".join(num(v, digits) if v >= 0 else f"({num(v, digits)})" for _, _, v in c.factors)
    return f"∂ℓ/∂{c.weight} = {symbols} = {locals_} = {values} = {num(c.product, digits)}"


def step_words(scene: BackpropScene, p: Pass, following: np.ndarray | None) -> str:
    """The gradient of the mean loss and the step gradient descent takes from it; ``following``: the weights the run
    reached one step later (None at the run's end)."""
    names = ", ".join(p.names)
    grad = ", ".join(num(g) for g in p.grad)
    move = ", ".join(num(-scene.lr * g) for g in p.grad)
    out = (
        f"∇L = (1/{scene.points}) Σᵢ ∇ℓᵢ = ({grad}) over ({names}), the mean of every point's backward pass. "
        f"Gradient descent steps by −η∇L = ({move}) at η {num(scene.lr)}."
    )
    if following is not None:
        taken = ", ".join(num(v) for v in following - p.weights)
        out += f" The run's step {scene.step} → {scene.step + 1} moved the weights by ({taken})."
    return out
