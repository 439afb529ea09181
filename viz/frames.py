"""Paths that grow step by step: the animation frames and their controls, shared by the contour map and the 3D view.

Payload: a frame carries only the moving traces, and finished stretches of a path are inherited through `baseframe`
chains instead of being sent again, so F frames of an S-step path cost about S·(1 + √F/2) points, not S·F/2, and
every step of the path (every zig-zag) is drawn.

A page is sent the figure without its frames: layout.meta[RECIPE] holds what its browser builds the same frames from
(the chunk traces already hold every point; views/growing.py), about 5 kB instead of 100-150 kB a map. Files and
plotly.py keep the frames themselves.

The controls: ▶ Play at three speeds (a lecturer slows a race down to talk over it), ❚❚ Pause, and a step slider.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from viz.paths import b64
from viz.theme import Theme

# ms per frame of each play button, slowest first: 61 frames last 12 s, 3.7 s and as fast as the browser draws
SPEEDS = (("▶ Slow", 200), ("▶ Play", 60), ("▶▶ Fast", 15))
PLAY = 1  # the index of the ordinary speed (the keyboard's space plays at the last speed clicked, this at first)


class Chunks(NamedTuple):
    """How the paths are cut for the frames: ``per`` frames a chunk, chunk c from step bounds[c] to bounds[c + 1]."""

    per: int
    bounds: list[int]

    @classmethod
    def of(cls, shown: np.ndarray) -> Chunks:
        """About √F frames a chunk for F frames, so a frame sends one unfinished chunk of each path."""
        n_frames = len(shown)
        per_chunk = max(1, math.ceil(math.sqrt(n_frames)))
        n_chunks = math.ceil(n_frames / per_chunk)
        return cls(per_chunk, [shown[min(c * per_chunk, n_frames - 1)] for c in range(n_chunks + 1)])

    @property
    def n(self) -> int:
        return len(self.bounds) - 1


RECIPE = "lllFrames"  # the key of layout.meta that holds the frames' recipe (views/growing.py builds them from it)

Coords = dict[str, np.ndarray]  # a path's coordinates by axis ("x", "y"; "z" in 3D), one value per step
# traces a frame sets besides the paths and heads: (trace index, (F, P, 2) points at each of the F frames, NaN gaps)
Extras = tuple[tuple[int, np.ndarray], ...]


def _cut(coords: Coords, a: int, b: int) -> dict:
    return {axis: b64(v[a:b]) for axis, v in coords.items()}


def chunk_traces(
    paths: list[Coords], chunks: Chunks, style: Callable[[int, int], dict], first: int
) -> tuple[list[dict], list[list[int]]]:
    """Every path as one trace per chunk, ``style(path, chunk)`` giving each its type, name and line; and per path
    the trace index of each chunk (the traces will start at index ``first`` of the figure's data)."""
    traces: list[dict] = []
    chunk_index: list[list[int]] = []
    for i, coords in enumerate(paths):
        idx = []
        for k in range(chunks.n):
            idx.append(first + len(traces))
            traces.append(style(i, k) | _cut(coords, chunks.bounds[k], chunks.bounds[k + 1] + 1))
        chunk_index.append(idx)
    return traces, chunk_index


def base_frames(data: list[dict], chunk_index: list[list[int]], chunks: Chunks, axes: tuple[str, ...]) -> list[dict]:
    """What the step frames build on: base0 empties every chunk, base k adds chunk k − 1 complete to base k − 1."""
    # a gap point, not empty lists: animating with redraw=False leaves an emptied line on screen (plotly.js),
    # so scrubbing back to step 0 showed stretches of the finished paths
    empty = {axis: [None] for axis in axes}
    all_chunks = [i for idx in chunk_index for i in idx]
    out = [dict(name="base0", traces=all_chunks, data=[empty] * len(all_chunks))]
    for k in range(1, chunks.n):  # base k: chunks < k complete (inherited), the others empty
        out.append(
            dict(
                name=f"base{k}",
                baseframe=f"base{k - 1}",
                traces=[idx[k - 1] for idx in chunk_index],
                data=[{axis: data[idx[k - 1]][axis] for axis in axes} for idx in chunk_index],
            )
        )
    return out


def step_frames(
    paths: list[Coords],
    shown: np.ndarray,
    chunks: Chunks,
    chunk_index: list[list[int]],
    head: int,
    heads: Callable[[int], dict],
    extras: Extras = (),
) -> list[dict]:
    """Frame "s<step>" per shown step: on its chunk's base, the unfinished chunk of each path up to the step, the
    racers' heads (trace ``head``, its data ``heads(step)``) and each of ``extras``' points at that frame."""
    out = []
    for j, s in enumerate(shown):
        k = min(j // chunks.per, chunks.n - 1)
        b = chunks.bounds[k]
        fdata = [_cut(coords, b, s + 1) for coords in paths]
        fdata.append(heads(int(s)))
        fdata += [_points(points[j]) for _, points in extras]
        traces = [idx[k] for idx in chunk_index] + [head] + [i for i, _ in extras]
        out.append(dict(name=f"s{s}", baseframe=f"base{k}", traces=traces, data=fdata))
    return out


def _points(p: np.ndarray) -> dict:
    """A frame's (P, 2) points as a line trace's x and y, NaN as a gap (None)."""
    return {a: [None if np.isnan(v) else float(v) for v in p[:, i]] for i, a in enumerate(("x", "y"))}


def line_style(paths, trace: str, width: float) -> Callable[[int, int], dict]:
    """A path's chunk k as a ``trace`` ("scatter", "scatter3d") line of ``width`` in its colour and dash, the first
    chunk in the legend: chunk_traces' ``style``. ``paths``: viz.paths.Path."""

    def style(i: int, k: int) -> dict:
        p = paths[i]
        return dict(
            type=trace,
            mode="lines",
            name=p.label,
            legendgroup=p.label,
            showlegend=k == 0,
            line=dict(color=p.color, width=width, dash=p.dash),
            hoverinfo="skip",
        )

    return style


def head_trace(paths, trace: str, heads: dict) -> dict:
    """One ``trace`` of markers holding every racer's position (``heads``: its x, y (z) and markers), named
    "position" (the frames update it), hovering with the racer's label."""
    return dict(
        type=trace,
        mode="markers",
        name="position",
        showlegend=False,
        hovertext=[p.label for p in paths],
        hovertemplate="%{hovertext}<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
        **heads,
    )


def controls_px(theme: Theme) -> tuple[int, int, int]:
    """Where the animation's controls go below the plot, in px: the buttons' top (below the x axis' ticks and title),
    the step slider's top, and the bottom margin that holds them, growing with the theme's font."""
    f = theme.font_size
    buttons = round(4.3 * f + 12)  # below the x title (measured: it ends 69 px below the plot at 14, 91 at 20)
    slider = buttons + round(1.9 * f + 16)
    return buttons, slider, slider + round(5 * f + 10)


def controls(shown: np.ndarray, theme: Theme, plot_px: int, *, redraw: bool = False, below: int = 0) -> dict:
    """The play buttons (SPEEDS), pause and the step slider (it opens at the last step). They sit a fixed number of
    px below the plot (its ``plot_px`` high; ``below``: px less, where no x axis sits under it, as in 3D), whatever
    the plot's size: never over the ticks. ``redraw``: each frame redrawn whole (3D traces need it)."""
    top_buttons, top_slider, _ = controls_px(theme)
    top_buttons, top_slider = top_buttons - below, top_slider - below
    names = [f"s{s}" for s in shown]
    still = dict(frame=dict(duration=0, redraw=redraw), transition=dict(duration=0), mode="immediate")

    def play(ms: int) -> dict:
        return dict(frame=dict(duration=ms, redraw=redraw), transition=dict(duration=0), fromcurrent=True,
                    mode="immediate")  # fmt: skip

    buttons = dict(
        type="buttons",
        direction="left",
        x=0,
        y=-top_buttons / plot_px,
        xanchor="left",
        yanchor="top",
        pad=dict(t=0, r=10),
        showactive=False,
        font=dict(size=theme.font_size),
        buttons=[
            *(dict(label=label, method="animate", args=[names, play(ms)]) for label, ms in SPEEDS),
            dict(label="❚❚ Pause", method="animate", args=[[None], still]),
        ],
    )
    slider = dict(
        active=len(shown) - 1,
        x=0,
        len=1.0,
        y=-top_slider / plot_px,
        yanchor="top",
        pad=dict(t=0, b=0),
        currentvalue=dict(prefix="step ", font=dict(size=theme.font_size)),
        font=dict(size=theme.font_size - 3),
        steps=[dict(method="animate", label=str(s), args=[[f"s{s}"], still]) for s in shown],
    )
    return dict(updatemenus=[buttons], sliders=[slider])


def as_frames(frames: list[dict]) -> tuple[go.Frame, ...]:
    """go.Frame objects whose trace updates stay the plain dicts built above.

    Plotly would otherwise build a validated Scatter object for every trace of every frame (~300 per figure,
    ~80 ms on this machine: most of a slider move's server time). Figure.to_dict() serialises frames from
    `frame._props`, so the JSON is the same; tests read the figure through to_plotly_json().
    """
    out = []
    for f in frames:
        frame = go.Frame(name=f["name"], baseframe=f.get("baseframe"), traces=f["traces"])
        frame._props["data"] = f["data"]
        out.append(frame)
    return tuple(out)


def grow(
    fig: go.Figure,
    data: list[dict],
    paths: list[Coords],
    shown: np.ndarray,
    chunks: Chunks,
    chunk_index: list[list[int]],
    head: int,
    heads: Callable[[int], dict],
    *,
    recipe_only: bool = False,
    extras: Extras = (),
) -> None:
    """Animate ``fig`` (its ``data``, the chunk traces of chunk_traces, and the heads' trace ``head``): its frames
    (base_frames, then step_frames) and, in layout.meta[RECIPE], the recipe a page's browser builds the same frames
    from (recipe). ``recipe_only``: the recipe alone, for a page (building frames it would not send took most of a
    map's ~15 ms); ``complete`` builds the frames from it when a file needs them. ``extras``: traces each frame sets
    too (an optimizer's internals, viz/internals.py)."""
    axes = tuple(paths[0]) if paths else ("x", "y")
    at = {int(s): heads(int(s)) for s in shown}
    if not recipe_only:
        base = base_frames(data, chunk_index, chunks, axes)
        steps = step_frames(paths, shown, chunks, chunk_index, head, at.__getitem__, extras)
        fig._frame_objs = as_frames(base + steps)
    fig.layout.meta = {RECIPE: recipe(shown, chunks, chunk_index, head, [at[int(s)] for s in shown], axes, extras)}


def complete(fig: go.Figure) -> go.Figure:
    """``fig`` with its frames: a figure grown with ``recipe_only`` gets the frames grow would have given it, built
    from its recipe and its own chunk traces as the browser builds them (views/growing.py's BUILD), so a file or an
    animation of a page's chart is the one of a figure grown whole. Others are returned as they are."""
    meta = fig.layout.meta
    if fig.frames or not isinstance(meta, dict) or RECIPE not in meta:
        return fig
    fig._frame_objs = as_frames(from_recipe([t.to_plotly_json() for t in fig.data], meta[RECIPE]))
    return fig


def from_recipe(data: list[dict], r: dict) -> list[dict]:
    """base_frames then step_frames, from a figure's ``data`` (its traces) and its recipe ``r`` alone."""
    axes, n, racers = tuple(r["axes"]), len(r["bounds"]) - 1, len(r["chunks"])
    decoded: dict[int, dict] = {}

    def coords(i: int) -> dict:  # a chunk trace's points, decoded once
        if i not in decoded:
            decoded[i] = {a: _array(data[i][a]) for a in axes}
        return decoded[i]

    every = [i for idx in r["chunks"] for i in idx]
    empty = {a: [None] for a in axes}
    out = [dict(name="base0", traces=every, data=[empty] * len(every))]
    for k in range(1, n):
        traces = [idx[k - 1] for idx in r["chunks"]]
        out.append(dict(name=f"base{k}", baseframe=f"base{k - 1}", traces=traces,
                        data=[{a: data[i][a] for a in axes} for i in traces]))  # fmt: skip
    heads = {a: _array(r["heads"][a]) for a in axes}
    extras = [(e["trace"], np.stack([_array(e["x"]), _array(e["y"])], axis=-1).reshape(-1, e["n"], 2))
              for e in r.get("extras", ())]  # fmt: skip
    for j, s in enumerate(r["shown"]):
        k = min(j // r["per"], n - 1)
        traces = [idx[k] for idx in r["chunks"]]
        fdata = [{a: b64(coords(i)[a][: s - r["bounds"][k] + 1]) for a in axes} for i in traces]
        at = {a: [float(v) for v in heads[a][j * racers : (j + 1) * racers]] for a in axes}
        fdata.append({**at, "marker": {**r["marker"], "symbol": r["symbols"][j]}})
        fdata += [_points(points[j]) for _, points in extras]
        out.append(dict(name=f"s{s}", baseframe=f"base{k}", traces=[*traces, r["head"], *(i for i, _ in extras)],
                        data=fdata))  # fmt: skip
    return out


def _array(v) -> np.ndarray:
    """A typed-array spec {dtype, bdata} (viz.paths.b64) or a sequence, as a NumPy array of its own dtype."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]).newbyteorder("<"))
    return np.asarray(v)


def recipe(
    shown: np.ndarray,
    chunks: Chunks,
    chunk_index: list[list[int]],
    head: int,
    heads: list[dict],
    axes: tuple,
    extras: Extras = (),
) -> dict:
    """What the browser needs to build base_frames and step_frames from the figure's own traces: the chunks'
    bounds and trace indices, the steps shown, and the heads at each shown step (``heads``: their trace data, one a
    step): their coordinates as (steps × racers) float32 arrays, their symbols, and the marker they share; and each
    extra trace's points at each frame (``n`` a frame, NaN gaps), as float32 arrays."""
    marker = {k: v for k, v in heads[0]["marker"].items() if k != "symbol"}
    return {
        "axes": list(axes),
        "per": chunks.per,
        "bounds": [int(b) for b in chunks.bounds],
        "shown": [int(s) for s in shown],
        "chunks": chunk_index,
        "head": head,
        "heads": {a: b64(np.asarray([h[a] for h in heads], np.float32)) for a in axes},
        "symbols": [list(h["marker"]["symbol"]) for h in heads],
        "marker": marker,
        "extras": [
            {
                "trace": i,
                "n": int(p.shape[1]),
                "x": b64(p[..., 0].astype(np.float32).ravel()),
                "y": b64(p[..., 1].astype(np.float32).ravel()),
            }
            for i, p in extras
        ],  # fmt: skip
    }
