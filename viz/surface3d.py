"""The landscape in 3D with the paths lifted onto it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.layout import figure_title
from viz.paths import KIND_NAMES, Marker, Path
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
) -> go.Figure:
    """height: (ny, nx) what the z axis shows; lift: maps loss values to that z (identity, or log of the gap)."""
    hx, hy = _thin(xs, 0), _thin(ys, 0)
    hz = _thin(_thin(height, 0), 1)
    span = float(np.nanmax(hz) - np.nanmin(hz)) or 1.0
    above = 0.012 * span  # paths float just above the surface so the mesh does not hide them
    data = [_surface(hx, hy, hz, span)]
    data += _point_traces(markers, lift, above, theme)
    data += _path_traces(paths, lift, above, theme)
    layout = base_layout(theme)
    layout.update(title=figure_title(title, theme), scene=_scene(z_title, theme), margin=dict(l=0, r=0, t=40, b=0))
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


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


def _path_traces(paths: tuple[Path, ...], lift, above: float, theme: Theme) -> list[dict]:
    """Each run until it diverged, its loss lifted just above the surface."""
    out = []
    for p in paths:
        end = p.diverged_at if p.diverged_at is not None else len(p.xy)
        xy = p.xy[:end]
        z = np.asarray(lift(p.loss[:end]), np.float32) + above
        out.append(
            dict(
                type="scatter3d",
                mode="lines+markers",
                name=p.label,
                legendgroup=p.label,
                x=xy[:, 0].astype(np.float32),
                y=xy[:, 1].astype(np.float32),
                z=z,
                line=dict(color=p.color, width=theme.line_width * 2, dash=p.dash),
                marker=dict(size=2, color=p.color),
            )
        )
    return out


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
