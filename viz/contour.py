"""The race on the contour map, animated: play, pause and a step scrubber, the landscape kept visible as an image.

Payload: a frame carries only the moving traces, and finished stretches of a path are inherited through
`baseframe` chains instead of being sent again, so F frames of an S-step path cost about S·(1 + √F/2) points,
not S·F/2, and every step of the path (every zig-zag) is drawn.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from viz.layout import click_points, figure_title, grid_indices, keep_vector, map_axes, picture, start_ring
from viz.paths import KIND_NAMES, KIND_SHORT, Marker, Path, b64, denoised, frame_steps
from viz.theme import INK, POINT_COLORS, Theme, base_layout

POINT_SYMBOLS = {"global": "star", "local": "circle", "saddle": "x-thin", "maximum": "triangle-up"}
MAX_LABELLED = 10  # more critical points than this are marked without text labels
MAX_SHOWN = 30  # more points of one kind than this are drawn faint (local minima) or listed in the legend only


def _hover_grid(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, n: int = 24) -> dict:
    """Invisible markers on a coarse grid: hovering shows f, a click anywhere selects the nearest point.

    Every marker is an SVG element the browser redraws on each slider move: 50 x 50 measured ~300 ms more per move
    than 24 x 24 in headless Chromium, whose points lie within Plotly's 20 px pick radius of any click."""
    ix, iy = grid_indices(xs, ys, n)
    gx, gy = np.meshgrid(xs[ix], ys[iy])
    return click_points(
        gx,
        gy,
        b64(denoised(z[np.ix_(iy, ix)].ravel())),
        size=14,
        name="landscape",
        hovertemplate="x %{x:.3f}<br>y %{y:.3f}<br>f %{customdata:.4g}<extra></extra>",
    )


def marker_traces(markers: tuple[Marker, ...], theme: Theme) -> list[dict]:
    """Critical points by kind. Few: labelled on the map. Many (Rastrigin's 441): local minima as small dots, saddles
    and maxima listed in the legend only (a click there shows them), so the paths stay readable."""
    traces = []
    labelled = len(markers) <= MAX_LABELLED
    for kind in ("global", "local", "saddle", "maximum"):
        pts = [m for m in markers if m.kind == kind]
        if not pts:
            continue
        crowded = len(pts) > MAX_SHOWN and kind != "global"
        size = theme.point_size * (1.6 if kind == "global" else 1.0) * (1.0 if labelled else 0.6)
        line_color = "#222222" if kind in ("global", "local") else POINT_COLORS[kind]
        traces.append(
            dict(
                type="scatter",
                mode="markers+text" if labelled else "markers",
                name=KIND_NAMES[kind],
                x=[m.x for m in pts],
                y=[m.y for m in pts],
                text=[KIND_SHORT[kind]] * len(pts),
                textposition="bottom center",
                textfont=dict(size=theme.font_size - 2, color=INK),
                cliponaxis=False,
                customdata=[m.value for m in pts],
                legendgroup="points",
                showlegend=not labelled,
                visible="legendonly" if crowded and kind != "local" else True,
                opacity=0.55 if crowded else 1.0,
                marker=dict(
                    symbol=POINT_SYMBOLS[kind],
                    size=size * (0.6 if crowded else 1.0),
                    color=POINT_COLORS[kind],
                    line=dict(width=1.5 if kind in ("global", "local") else 3, color=line_color),
                ),
                hovertemplate=f"{KIND_NAMES[kind]}<br>(%{{x:.4g}}, %{{y:.4g}})"
                "<br>f = %{customdata:.6g}<extra></extra>",
            )
        )
    return traces


def _heads(paths: tuple[Path, ...], step: int, theme: Theme) -> dict:
    """Every racer's position at `step` as one marker trace's data (an x once a run has diverged)."""
    gone = [p.diverged_at is not None and step >= p.diverged_at for p in paths]
    return dict(
        x=[float(p.xy[step, 0]) for p in paths],
        y=[float(p.xy[step, 1]) for p in paths],
        marker=dict(
            symbol=["x" if g else p.symbol for p, g in zip(paths, gone, strict=True)],
            color=[p.color for p in paths],
            size=theme.marker_size + 3,
            line=dict(width=2, color="white"),
        ),
    )


def contour_figure(
    background: str,
    domain: tuple[tuple[float, float], tuple[float, float]],
    hover: tuple[np.ndarray, np.ndarray, np.ndarray],
    markers: tuple[Marker, ...],
    paths: tuple[Path, ...],
    start: tuple[float, float],
    theme: Theme,
    *,
    frames: int = 61,
    title: str = "",
    height: int | None = None,
    side: int | None = None,
    legend_rows: int = 1,
    vector: dict | None = None,
) -> go.Figure:
    """Contour view of the race. background: PNG data URI of the landscape over `domain`; hover: (xs, ys, z);
    vector: the same landscape as a contour trace (viz.raster.contour_trace), kept for image files only.

    frames=0 draws the paths as they end, with no animation controls (small multiples, printed notes). ``side``: the
    plot area's side in px (the figure's height follows from its margins), instead of the figure's ``height``;
    ``legend_rows``: the rows the legend takes above the plot (one on a wide screen, one a racer on a phone)."""
    steps = len(paths[0].xy) - 1 if paths else 0
    shown = frame_steps(steps, frames if frames > 0 else 2)  # the step of each displayed frame
    chunks = _Chunks.of(shown)
    data = [_hover_grid(*hover), *marker_traces(markers, theme), _start_trace(start, theme)]
    lines, chunk_index = _path_traces(paths, chunks, theme, first=len(data))
    data += lines
    head = len(data)  # one trace holds every racer's current position
    data.append(_head_trace(paths, steps, theme))
    animated = frames > 0
    layout = _layout(background, domain, theme, title=title, height=height, animated=animated)
    margin = layout["margin"]
    margin["t"] += round((legend_rows - 1) * 1.55 * theme.font_size)
    if side is not None:
        layout["height"] = side + margin["t"] + margin["b"]
    plot_px = layout["height"] - margin["t"] - margin["b"]
    layout.update(_controls(shown, theme, plot_px) if animated else dict(updatemenus=[], sliders=[]))
    fig = keep_vector(go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False), vector)
    if animated:
        base = _base_frames(data, chunk_index, chunks.n)
        fig._frame_objs = _frames(base + _step_frames(paths, shown, chunks, chunk_index, head, theme))
    return fig


class _Chunks(NamedTuple):
    """How the paths are cut for the frames: ``per`` frames a chunk, chunk c from step bounds[c] to bounds[c + 1]."""

    per: int
    bounds: list[int]

    @classmethod
    def of(cls, shown: np.ndarray) -> _Chunks:
        """About √F frames a chunk for F frames, so a frame sends one unfinished chunk of each path."""
        n_frames = len(shown)
        per_chunk = max(1, math.ceil(math.sqrt(n_frames)))
        n_chunks = math.ceil(n_frames / per_chunk)
        return cls(per_chunk, [shown[min(c * per_chunk, n_frames - 1)] for c in range(n_chunks + 1)])

    @property
    def n(self) -> int:
        return len(self.bounds) - 1


def _start_trace(start: tuple[float, float], theme: Theme) -> dict:
    """The common start of the racers: a ringed white disc labelled "start"."""
    return dict(
        type="scatter",
        mode="markers+text",
        x=[start[0]],
        y=[start[1]],
        name="start",
        hoverinfo="name",
        text=["start"],
        textposition="top center",
        showlegend=False,
        textfont=dict(size=theme.font_size, color=INK),
        cliponaxis=False,
        marker=start_ring(theme.marker_size + 2),
    )


def _path_traces(
    paths: tuple[Path, ...], chunks: _Chunks, theme: Theme, first: int
) -> tuple[list[dict], list[list[int]]]:
    """Every path as one line trace per chunk (the first in the legend), and per path the trace index of each chunk
    (the traces will start at index ``first`` of the figure's data)."""
    traces: list[dict] = []
    chunk_index: list[list[int]] = []  # per path: trace index of each chunk
    for p in paths:
        idx = []
        for k in range(chunks.n):
            seg = p.xy[chunks.bounds[k] : chunks.bounds[k + 1] + 1]
            idx.append(first + len(traces))
            traces.append(
                dict(
                    type="scatter",
                    mode="lines",
                    x=b64(seg[:, 0]),
                    y=b64(seg[:, 1]),
                    name=p.label,
                    legendgroup=p.label,
                    showlegend=k == 0,
                    line=dict(color=p.color, width=theme.line_width, dash=p.dash),
                    hoverinfo="skip",
                )
            )
        chunk_index.append(idx)
    return traces, chunk_index


def _head_trace(paths: tuple[Path, ...], step: int, theme: Theme) -> dict:
    """The racers' heads, as the figure opens (at `step`, the last)."""
    return dict(
        type="scatter",
        mode="markers",
        name="position",
        showlegend=False,
        hovertext=[p.label for p in paths],
        hovertemplate="%{hovertext}<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
        **_heads(paths, step, theme),
    )


def _base_frames(data: list[dict], chunk_index: list[list[int]], n_chunks: int) -> list[dict]:
    """What the step frames build on: base0 empties every chunk, base k adds chunk k − 1 complete to base k − 1."""
    # a gap point, not empty lists: animating with redraw=False leaves an emptied line on screen (plotly.js),
    # so scrubbing back to step 0 showed stretches of the finished paths
    empty = dict(x=[None], y=[None])
    all_chunks = [i for idx in chunk_index for i in idx]
    out = [dict(name="base0", traces=all_chunks, data=[empty] * len(all_chunks))]
    for k in range(1, n_chunks):  # base k: chunks < k complete (inherited), the others empty
        out.append(
            dict(
                name=f"base{k}",
                baseframe=f"base{k - 1}",
                traces=[idx[k - 1] for idx in chunk_index],
                data=[{"x": data[idx[k - 1]]["x"], "y": data[idx[k - 1]]["y"]} for idx in chunk_index],
            )
        )
    return out


def _step_frames(
    paths: tuple[Path, ...], shown: np.ndarray, chunks: _Chunks, chunk_index: list[list[int]], head: int, theme: Theme
) -> list[dict]:
    """Frame "s<step>" per shown step: on its chunk's base, the unfinished chunk of each path up to the step, and the
    heads."""
    out = []
    for j, s in enumerate(shown):
        k = min(j // chunks.per, chunks.n - 1)
        b = chunks.bounds[k]
        fdata = [dict(x=b64(p.xy[b : s + 1, 0]), y=b64(p.xy[b : s + 1, 1])) for p in paths]
        fdata.append(_heads(paths, s, theme))
        out.append(
            dict(name=f"s{s}", baseframe=f"base{k}", traces=[idx[k] for idx in chunk_index] + [head], data=fdata)
        )
    return out


def _layout(
    background: str,
    domain: tuple[tuple[float, float], tuple[float, float]],
    theme: Theme,
    *,
    title: str,
    height: int | None,
    animated: bool,
) -> dict:
    """The map: the landscape picture under equal-aspect axes over `domain`, room below for the controls."""
    (x0, x1), (y0, y1) = domain
    layout = base_layout(theme)
    layout.update(
        title=figure_title(title, theme, y=0.99, yanchor="top"),
        **map_axes(x0, x1, y0, y1, "x", "y"),
        images=[picture(background, x0, x1, y0, y1, name="landscape")],
        plot_bgcolor="white",
        hovermode="closest",
        dragmode="pan",
        margin=dict(
            l=50,
            r=10,
            t=(30 if title else 0) + round(2.2 * theme.font_size + 18),  # the legend's row
            b=_controls_px(theme)[2] if animated else 45,
        ),
        height=height or layout["height"],
    )
    return layout


def _controls_px(theme: Theme) -> tuple[int, int, int]:
    """Where the animation's controls go below the plot, in px: the buttons' top (below the x axis' ticks and title),
    the step slider's top, and the bottom margin that holds them, growing with the theme's font."""
    f = theme.font_size
    buttons = round(2.6 * f + 14)
    slider = buttons + round(1.9 * f + 16)
    return buttons, slider, slider + round(5 * f + 10)


def _controls(shown: np.ndarray, theme: Theme, plot_px: int) -> dict:
    """The play and pause buttons and the step slider (it opens at the last step); no redraw between frames. They
    sit a fixed number of px below the plot (its ``plot_px`` high), whatever the plot's size: never over the ticks."""
    top_buttons, top_slider, _ = _controls_px(theme)
    names = [f"s{s}" for s in shown]
    play = dict(frame=dict(duration=60, redraw=False), transition=dict(duration=0), fromcurrent=True, mode="immediate")
    still = dict(frame=dict(duration=0, redraw=False), transition=dict(duration=0), mode="immediate")
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
            dict(label="▶ Play", method="animate", args=[names, play]),
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


def _frames(frames: list[dict]) -> tuple[go.Frame, ...]:
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
