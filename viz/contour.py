"""The race on the contour map, animated (viz/frames.py: the growing paths, play at three speeds, pause and a step
scrubber), the landscape kept visible as an image.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz import internals as inside
from viz.frames import (
    Chunks,
    chunk_traces,
    controls,
    controls_px,
    grow,
    head_trace,
    line_style,
)
from viz.internals import RacerInternals, shapes
from viz.layout import (
    LEGEND_ROW,
    as_points,
    click_points,
    figure_title,
    grid_indices,
    keep_vector,
    map_axes,
    picture,
    start_ring,
)
from viz.layout import (
    legend_rows as rows_of,
)
from viz.paths import KIND_NAMES, KIND_SHORT, Marker, Path, denoised, frame_steps
from viz.theme import INK, POINT_COLORS, Theme, base_layout

POINT_SYMBOLS = {"global": "star", "local": "circle", "saddle": "x-thin", "maximum": "triangle-up"}
MAX_LABELLED = 10  # more critical points than this are marked without text labels
MAX_SHOWN = 30  # more points of one kind than this are drawn faint (local minima) or listed in the legend only


def _hover_grid(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, n: int = 24) -> dict:
    """Invisible markers on a coarse grid: hovering shows f, a click anywhere selects the nearest point.

    Markers, not the click layer of the basin maps (viz.layout.click_points): a map that animates its paths
    (Plotly.animate without redraw) loses its heatmaps on the first frame (plotly.js #4491), and with it the clicks.
    Every marker is an SVG element the browser redraws on each slider move: 50 x 50 measured ~300 ms more per move
    than 24 x 24 in headless Chromium, whose points lie within Plotly's 20 px pick radius of any click."""
    ix, iy = grid_indices(xs, ys, n)
    f = denoised(np.asarray(z, dtype=float)[np.ix_(iy, ix)])
    layer = click_points(
        xs[ix],
        ys[iy],
        [[float(f"{v:.5g}") for v in row] for row in f],  # the hover shows 4 digits: 5 are plenty, and short
        name="landscape",
        hovertemplate="x %{x:.3f}<br>y %{y:.3f}<br>f %{customdata:.4g}<extra></extra>",
    )
    return as_points(layer, size=14)


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
                showlegend=not labelled,  # each kind its own entry, in the row: a click shows or hides that kind
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
    width: int | None = None,
    legend_rows: int = 1,
    vector: dict | None = None,
    recipe_only: bool = False,
    internals: list[RacerInternals] | None = None,
) -> go.Figure:
    """Contour view of the race. background: PNG data URI of the landscape over `domain`; hover: (xs, ys, z);
    vector: the same landscape as a contour trace (viz.raster.contour_trace), kept for image files only.

    frames=0 draws the paths as they end, with no animation controls (small multiples, printed notes). ``side``: the
    plot area's side in px (the figure's height follows from its margins), instead of the figure's ``height``; a
    domain wider than tall gets a plot that much lower when its ``width`` (the plot area's at most) limits it;
    ``legend_rows``: the rows the legend takes above the plot (one on a wide screen, one a racer on a phone; 0: no
    legend, for small maps side by side on a phone whose outcome lines name the racers in their colours);
    ``recipe_only``: the frames' recipe alone, for a page whose browser builds them (viz.frames.grow);
    ``internals``: each racer's, drawn at the frame's step (viz/internals.py; an animated map only)."""
    steps = len(paths[0].xy) - 1 if paths else 0
    shown = frame_steps(steps, frames if frames > 0 else 2)  # the step of each displayed frame
    chunks = Chunks.of(shown)
    data = [_hover_grid(*hover), *marker_traces(markers, theme), _start_trace(start, theme)]
    coords = [{"x": p.xy[:, 0], "y": p.xy[:, 1]} for p in paths]
    lines, chunk_index = chunk_traces(coords, chunks, line_style(paths, "scatter", theme.line_width), first=len(data))
    data += lines
    head = len(data)  # one trace holds every racer's current position
    data.append(head_trace(paths, "scatter", _heads(paths, steps, theme)))
    animated = frames > 0
    extras: tuple = ()
    if internals and animated:
        (x0, x1), (y0, y1) = domain
        drawn = shapes(internals, shown, max(x1 - x0, y1 - y0))
        extras = tuple((len(data) + i, points) for i, points in enumerate(drawn.values()))
        data += inside.traces(drawn, internals, theme)
    layout = _layout(background, domain, theme, title=title, height=height, animated=animated)
    margin = layout["margin"]
    if legend_rows == 0:  # no legend: room above the plot for the title and the start's label only
        layout["showlegend"] = False
        margin["t"] = (30 if title else 0) + theme.font_size + 8
    elif width is not None and side is not None:  # the legend's own entries (a crowded map lists its points too)
        entries = [t["name"] for t in data if t.get("showlegend", True) and t.get("name")]
        rows = rows_of(entries, width, theme.font_size)
        if side < width:  # a map the window's height bounds: lower by the extra rows, still in view
            side -= round(max(0, rows - legend_rows) * LEGEND_ROW * theme.font_size)
        legend_rows = max(rows, legend_rows)
        longest = max((len(e) for e in entries), default=0)  # an entry wider than the plot would run off its edge
        if longest and 40 + 0.5 * theme.font_size * longest > width:
            layout["legend"]["font"]["size"] = max(10, int((width - 40) / (0.5 * longest)))
    margin["t"] += round(max(0, legend_rows - 1) * LEGEND_ROW * theme.font_size)
    if side is not None:
        (x0, x1), (y0, y1) = domain
        if width is not None and x1 - x0 > y1 - y0:  # equal axes: the width decides the height
            side = max(120, min(side, round(width * (y1 - y0) / (x1 - x0))))
        layout["height"] = side + margin["t"] + margin["b"]
    plot_px = layout["height"] - margin["t"] - margin["b"]
    layout.update(controls(shown, theme, plot_px) if animated else dict(updatemenus=[], sliders=[]))
    fig = keep_vector(go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False), vector)
    if animated:
        heads = lambda s: _heads(paths, s, theme)  # noqa: E731
        grow(fig, data, coords, shown, chunks, chunk_index, head, heads, recipe_only=recipe_only, extras=extras)
    return fig


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
            b=controls_px(theme)[2] if animated else 45,
        ),
        height=height or layout["height"],
    )
    return layout
