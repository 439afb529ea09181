"""The race on the contour map, animated: play, pause and a step scrubber, the landscape kept visible as an image.

Payload: a frame carries only the moving traces, and finished stretches of a path are inherited through
`baseframe` chains instead of being sent again, so F frames of an S-step path cost about S·(1 + √F/2) points,
not S·F/2, and every step of the path (every zig-zag) is drawn.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from viz.paths import KIND_NAMES, KIND_SHORT, Marker, Path, b64, frame_steps
from viz.theme import INK, POINT_COLORS, Theme, base_layout

POINT_SYMBOLS = {"global": "star", "local": "circle", "saddle": "x-thin", "maximum": "triangle-up"}
MAX_LABELLED = 10  # more critical points than this are marked without text labels
MAX_SHOWN = 30  # more points of one kind than this are drawn faint (local minima) or listed in the legend only


def _hover_grid(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, n: int = 24) -> dict:
    """Invisible markers on a coarse grid: hovering shows f, a click anywhere selects the nearest point.

    Every marker is an SVG element the browser redraws on each slider move: 50 x 50 measured ~300 ms more per move
    than 24 x 24 in headless Chromium, whose points lie within Plotly's 20 px pick radius of any click."""
    ix = np.unique(np.linspace(0, len(xs) - 1, n).round().astype(int))
    iy = np.unique(np.linspace(0, len(ys) - 1, n).round().astype(int))
    gx, gy = np.meshgrid(xs[ix], ys[iy])
    return dict(
        type="scatter",
        mode="markers",
        x=b64(gx.ravel()),
        y=b64(gy.ravel()),
        customdata=b64(z[np.ix_(iy, ix)].ravel()),
        marker=dict(size=14, opacity=0, color=INK),
        showlegend=False,
        name="landscape",
        hovertemplate="x %{x:.3f}<br>y %{y:.3f}<br>f %{customdata:.4g}<extra></extra>",
        selected=dict(marker=dict(opacity=0)),
        unselected=dict(marker=dict(opacity=0)),
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
) -> go.Figure:
    """Contour view of the race. background: PNG data URI of the landscape over `domain`; hover: (xs, ys, z).

    frames=0 draws the paths as they end, with no animation controls (small multiples, printed notes)."""
    (x0, x1), (y0, y1) = domain
    steps = len(paths[0].xy) - 1 if paths else 0
    shown = frame_steps(steps, frames if frames > 0 else 2)  # the step of each displayed frame
    n_frames = len(shown)
    per_chunk = max(1, math.ceil(math.sqrt(n_frames)))
    n_chunks = math.ceil(n_frames / per_chunk)
    bounds = [shown[min(c * per_chunk, n_frames - 1)] for c in range(n_chunks + 1)]  # chunk c: bounds[c]..bounds[c+1]

    data = [_hover_grid(*hover)] + marker_traces(markers, theme)
    data.append(
        dict(
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
            marker=dict(symbol="circle", size=theme.marker_size + 2, color="white", line=dict(width=2.5, color=INK)),
        )
    )
    chunk_index: list[list[int]] = []  # per path: trace index of each chunk
    for p in paths:
        idx = []
        for k in range(n_chunks):
            seg = p.xy[bounds[k] : bounds[k + 1] + 1]
            idx.append(len(data))
            data.append(
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
    head = len(data)  # one trace holds every racer's current position
    data.append(
        dict(
            type="scatter",
            mode="markers",
            name="position",
            showlegend=False,
            hovertext=[p.label for p in paths],
            hovertemplate="%{hovertext}<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
            **_heads(paths, steps, theme),
        )
    )

    # a gap point, not empty lists: animating with redraw=False leaves an emptied line on screen (plotly.js),
    # so scrubbing back to step 0 showed stretches of the finished paths
    empty = dict(x=[None], y=[None])
    all_chunks = [i for idx in chunk_index for i in idx]
    out_frames = [dict(name="base0", traces=all_chunks, data=[empty] * len(all_chunks))]
    for k in range(1, n_chunks):  # base k: chunks < k complete (inherited), the others empty
        out_frames.append(
            dict(
                name=f"base{k}",
                baseframe=f"base{k - 1}",
                traces=[idx[k - 1] for idx in chunk_index],
                data=[{"x": data[idx[k - 1]]["x"], "y": data[idx[k - 1]]["y"]} for idx in chunk_index],
            )
        )
    for j, s in enumerate(shown):
        k = min(j // per_chunk, n_chunks - 1)
        fdata = [dict(x=b64(p.xy[bounds[k] : s + 1, 0]), y=b64(p.xy[bounds[k] : s + 1, 1])) for p in paths]
        fdata.append(_heads(paths, s, theme))
        out_frames.append(
            dict(name=f"s{s}", baseframe=f"base{k}", traces=[idx[k] for idx in chunk_index] + [head], data=fdata)
        )

    animated = frames > 0
    names = [f"s{s}" for s in shown]
    play = dict(frame=dict(duration=60, redraw=False), transition=dict(duration=0), fromcurrent=True, mode="immediate")
    still = dict(frame=dict(duration=0, redraw=False), transition=dict(duration=0), mode="immediate")
    layout = base_layout(theme)
    layout.update(
        title=dict(text=title, font=dict(size=theme.title_size), x=0.01, y=0.99, yanchor="top") if title else None,
        xaxis=dict(
            range=[x0, x1], title=dict(text="x"), showgrid=False, zeroline=False, constrain="domain", ticks="outside"
        ),
        yaxis=dict(
            range=[y0, y1],
            title=dict(text="y"),
            showgrid=False,
            zeroline=False,
            scaleanchor="x",
            scaleratio=1,
            constrain="domain",
            ticks="outside",
        ),
        images=[
            dict(
                source=background,
                xref="x",
                yref="y",
                x=x0,
                y=y1,
                sizex=x1 - x0,
                sizey=y1 - y0,
                sizing="stretch",
                layer="below",
                opacity=1,
            )
        ],
        plot_bgcolor="white",
        hovermode="closest",
        dragmode="pan",
        margin=dict(l=50, r=10, t=70 if title else 40, b=150 if animated else 45),
        height=height or layout["height"],
        updatemenus=[]
        if not animated
        else [
            dict(
                type="buttons",
                direction="left",
                x=0,
                y=-0.06,
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
        ],
        sliders=[]
        if not animated
        else [
            dict(
                active=n_frames - 1,
                x=0,
                len=1.0,
                y=-0.15,
                yanchor="top",
                pad=dict(t=0, b=0),
                currentvalue=dict(prefix="step ", font=dict(size=theme.font_size)),
                font=dict(size=theme.font_size - 3),
                steps=[dict(method="animate", label=str(s), args=[[f"s{s}"], still]) for s in shown],
            )
        ],
    )
    fig = go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
    if animated:
        fig._frame_objs = _frames(out_frames)
    return fig


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
