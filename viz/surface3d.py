"""The landscape in 3D with the paths lifted onto it, animated like the contour map (viz/frames.py): the paths grow
step by step on the surface, with play at three speeds, pause and a step slider. Each 3D frame is redrawn whole
(plotly.js animates no 3D trace), so the page's side-by-side view has this figure follow the map's steps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.frames import (
    Chunks,
    chunk_traces,
    controls,
    controls_px,
    grow,
    head_trace,
    line_style,
)
from viz.layout import figure_title
from viz.paths import KIND_NAMES, Marker, Path, frame_steps
from viz.raster import colorscale
from viz.theme import INK, POINT_COLORS, Theme, base_layout

MAX_SIDE = 120  # the surface mesh is thinned to this many samples a side (payload and WebGL speed)


def _thin(a: np.ndarray, axis: int) -> np.ndarray:
    n = a.shape[axis]
    idx = np.unique(np.linspace(0, n - 1, min(n, MAX_SIDE)).round().astype(int))
    return np.take(a, idx, axis=axis)


def surface3d_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    height: np.ndarray,
    lift,
    markers: tuple[Marker, ...],
    paths: tuple[Path, ...],
    theme: Theme,
    *,
    z_title: str = "f(x, y)",
    title: str = "",
    frames: int = 0,
    controls_shown: bool = True,
    recipe_only: bool = False,
) -> go.Figure:
    """height: (ny, nx) what the z axis shows; lift: maps loss values to that z (identity, or log of the gap).
    frames > 0: animated (the frames named "s<step>" as the contour map's of as many frames), with its own play
    buttons and step slider unless ``controls_shown`` is False (another chart drives it: the side-by-side view);
    ``recipe_only``: the frames' recipe alone, for a page whose browser builds them (viz.frames.grow)."""
    hx, hy = _thin(xs, 0), _thin(ys, 0)
    hz = _thin(_thin(height, 0), 1)
    span = float(np.nanmax(hz) - np.nanmin(hz)) or 1.0
    above = 0.012 * span  # paths float just above the surface so the mesh does not hide them
    data = [_surface(hx, hy, hz, span)]
    data += _point_traces(markers, lift, above, theme)
    steps = len(paths[0].xy) - 1 if paths else 0
    shown = frame_steps(steps, frames if frames > 0 else 2)
    chunks = Chunks.of(shown) if frames > 0 else Chunks(1, [0, steps])  # unanimated: a trace a path
    coords = [_coords(p, lift, above) for p in paths]
    lines, chunk_index = chunk_traces(
        coords, chunks, line_style(paths, "scatter3d", theme.line_width * 2), first=len(data)
    )
    data += lines
    head = len(data)
    data.append(head_trace(paths, "scatter3d", _heads(coords, paths, steps, theme)))
    layout = base_layout(theme)
    layout.update(title=figure_title(title, theme), scene=_scene(z_title, theme), margin=dict(l=0, r=0, t=40, b=0))
    if frames > 0 and not controls_shown:  # beside the map, whose legend names the same racers in the same colours
        layout["showlegend"] = False
        layout["margin"]["t"] = layout["margin"]["t"] + round(2.2 * theme.font_size)  # level with the map's plot
    if frames > 0 and controls_shown:
        below = controls_px(theme)[0] - 8  # no x axis under a 3D scene: the buttons just below it
        layout["margin"]["b"] = controls_px(theme)[2] - below
        plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
        layout.update(controls(shown, theme, plot_px, redraw=True, below=below))
    elif frames > 0:  # driven by the map: its controls kept, hidden (an animation file steps through its slider)
        hidden = controls(shown, theme, layout["height"], redraw=True)
        for c in (*hidden["updatemenus"], *hidden["sliders"]):
            c["visible"] = False
        layout.update(hidden)
    fig = go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
    if frames > 0:
        heads = lambda s: _heads(coords, paths, s, theme)  # noqa: E731
        grow(fig, data, coords, shown, chunks, chunk_index, head, heads, recipe_only=recipe_only)
    return fig


def _surface(hx: np.ndarray, hy: np.ndarray, hz: np.ndarray, span: float) -> dict:
    """The landscape's mesh in its colours, with 20 iso-lines."""
    return dict(
        type="surface",
        x=hx.astype(np.float32),
        y=hy.astype(np.float32),
        z=hz.astype(np.float32),
        colorscale=colorscale(),
        showscale=False,
        opacity=0.92,
        name="landscape",
        contours=dict(
            z=dict(
                show=True,
                usecolormap=False,
                color="#6d7f97",
                width=1,
                start=float(np.nanmin(hz)),
                end=float(np.nanmax(hz)),
                size=span / 20,
            )
        ),
        hovertemplate="x %{x:.3f}<br>y %{y:.3f}<extra></extra>",
        lighting=dict(ambient=0.75, diffuse=0.5),
    )


def _point_traces(markers: tuple[Marker, ...], lift, above: float, theme: Theme) -> list[dict]:
    """The critical points by kind, lifted just above the surface."""
    out = []
    for kind in ("global", "local", "saddle", "maximum"):
        pts = [m for m in markers if m.kind == kind]
        if pts:
            out.append(
                dict(
                    type="scatter3d",
                    mode="markers",
                    name=KIND_NAMES[kind],
                    legendgroup="points",
                    x=[m.x for m in pts],
                    y=[m.y for m in pts],
                    z=[float(lift(m.value)) + above for m in pts],
                    marker=dict(
                        size=theme.point_size * 0.5,
                        color=POINT_COLORS[kind],
                        line=dict(width=1, color=INK),
                        symbol="diamond" if kind == "global" else "circle",
                    ),
                )
            )
    return out


def _coords(p: Path, lift, above: float) -> dict:
    """A run's positions and its loss lifted just above the surface, float32; none after it diverged (a gap)."""
    end = p.diverged_at if p.diverged_at is not None else len(p.xy)
    xyz = np.full((len(p.xy), 3), np.nan, np.float32)
    xyz[:end, :2] = p.xy[:end]
    xyz[:end, 2] = np.asarray(lift(p.loss[:end]), np.float32) + above
    return {"x": xyz[:, 0], "y": xyz[:, 1], "z": xyz[:, 2]}


def _heads(coords: list[dict], paths: tuple[Path, ...], step: int, theme: Theme) -> dict:
    """Every racer's position at ``step`` (a cross at its last point once it has diverged)."""
    at = []
    for c, p in zip(coords, paths, strict=True):
        gone = p.diverged_at is not None and step >= p.diverged_at
        i = max(0, p.diverged_at - 1) if gone else step
        at.append((float(c["x"][i]), float(c["y"][i]), float(c["z"][i]), gone))
    return dict(
        x=[a[0] for a in at],
        y=[a[1] for a in at],
        z=[a[2] for a in at],
        marker=dict(
            symbol=["x" if a[3] else "circle" for a in at],
            color=[p.color for p in paths],
            size=theme.marker_size * 0.6,
            line=dict(width=1, color="white"),
        ),
    )


def _scene(z_title: str, theme: Theme) -> dict:
    """The 3D axes without their grey walls, flattened in z, seen from the front right."""
    axis = dict(showbackground=False, gridcolor="#d9dee5", title_font=dict(size=theme.font_size))
    return dict(
        xaxis=dict(axis, title=dict(text="x")),
        yaxis=dict(axis, title=dict(text="y")),
        zaxis=dict(axis, title=dict(text=z_title)),
        aspectmode="manual",
        aspectratio=dict(x=1, y=1, z=0.6),
        camera=dict(eye=dict(x=1.5, y=-1.5, z=1.1)),
    )
