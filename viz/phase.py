"""The (learning rate, momentum) phase diagram: steps to converge as a heatmap, diverging and stalling cells in
their own colours, the theoretical stability boundary and the optimum drawn over it; every cell can be clicked."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.layout import click_points, figure_title, swatch
from viz.paths import b64
from viz.sweep import OPTIMAL, STABLE
from viz.theme import INK, Theme, base_layout

DIVERGED_COLOR, STALLED_COLOR, FASTEST = "#5b2333", "#d9dde3", "#e7298a"
STEPS_SCALE = [[0.0, "#08306b"], [0.35, "#2171b5"], [0.7, "#6baed6"], [1.0, "#deebf7"]]  # few steps: dark


def _decade_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    es = range(int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9)) + 1)
    return [float(e) for e in es], [f"10{str(e).translate(sup)}" if e not in (0, 1) else str(10**e) for e in es]


def phase_figure(
    lrs: np.ndarray,
    betas: np.ndarray,
    reached: np.ndarray,
    diverged: np.ndarray,
    theme: Theme,
    *,
    steps: int,
    beta_label: str = "momentum β",
    boundary: np.ndarray | None = None,
    boundary_text: str = "",
    optimum: tuple[float, float, str] | None = None,
    best: tuple[float, float] | None = None,
    picked: tuple[float, float] | None = None,
    title: str = "",
) -> go.Figure:
    """lrs (nl,), betas (nb,), reached (nb, nl) steps or -1, diverged (nb, nl). The x axis is log10(lr) drawn with
    decade ticks (a heatmap's cells stay exact). optimum: (lr, β, label). Trace 0 is an invisible marker per cell:
    a click selects it (Streamlit reports clicks on scatter points, not on heatmap cells)."""
    lx = np.log10(np.asarray(lrs, np.float64))
    b = np.asarray(betas, np.float64)
    reached = np.asarray(reached)
    diverged = np.asarray(diverged, bool)
    data = [_cells(lx, b, reached, diverged, steps), _steps_heatmap(lx, b, reached, steps)]
    data += _fates(lx, b, diverged, ~(reached >= 0) & ~diverged, steps)
    if boundary is not None:
        data.append(_boundary(boundary, b, boundary_text))
    data += _points(optimum, best, picked, theme)
    layout = _layout(lx, b, beta_label, title, theme)
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _cells(lx: np.ndarray, b: np.ndarray, reached: np.ndarray, diverged: np.ndarray, steps: int) -> dict:
    """The click layer: each cell hovers with its steps to converge or its fate; a click picks the cell."""
    status = np.where(reached >= 0, reached.astype(str), np.where(diverged, "diverged", f"not converged in {steps}"))
    return click_points(
        lx,
        b,
        status,
        name="cells",
        hovertemplate="η %{x:.3f} (log₁₀)<br>β %{y:.3f}<br>steps %{customdata}<extra></extra>",
    )


def _steps_heatmap(lx: np.ndarray, b: np.ndarray, reached: np.ndarray, steps: int) -> dict:
    """The steps to converge on a log colour scale (few steps dark), blank where a run did not converge."""
    z = np.where(reached >= 0, np.log10(np.maximum(reached, 1)), np.nan).astype(np.float32)
    ticks = [v for v in (1, 3, 10, 30, 100, 300, 1000, 2000) if v <= steps]
    return dict(
        type="heatmap",
        x=b64(lx),
        y=b64(b),
        z=z,
        colorscale=STEPS_SCALE,
        zmin=0,
        zmax=np.log10(max(steps, 10)),
        hoverinfo="skip",
        name="steps to converge",
        colorbar=dict(
            title=dict(text="steps", side="right"),
            tickvals=np.log10(ticks).tolist(),
            ticktext=[str(t) for t in ticks],
            thickness=14,
            len=0.8,
        ),
    )


def _fates(lx: np.ndarray, b: np.ndarray, diverged: np.ndarray, stalled: np.ndarray, steps: int) -> list[dict]:
    """The cells that diverged and those that did not converge, each in its own colour and with a legend swatch."""
    out = []
    for mask, colour, name in (
        (diverged, DIVERGED_COLOR, "diverged"),
        (stalled, STALLED_COLOR, f"not converged by step {steps}"),
    ):
        out.append(
            dict(
                type="heatmap",
                x=b64(lx),
                y=b64(b),
                z=np.where(mask, 1.0, np.nan).astype(np.float32),
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                hoverinfo="skip",
                name=name,
            )
        )
        out.append(swatch(name, colour))
    return out


def _boundary(boundary: np.ndarray, b: np.ndarray, text: str) -> dict:
    """The theory's largest stable learning rate for each β, dashed (where it is finite and positive)."""
    good = np.isfinite(boundary) & (np.asarray(boundary) > 0)
    return dict(
        type="scatter",
        mode="lines",
        x=np.log10(np.asarray(boundary)[good]),
        y=b[good],
        name=text or "stability boundary",
        line=dict(color=STABLE, width=3, dash="dash"),
        hoverinfo="skip",
    )


def _points(
    optimum: tuple[float, float, str] | None,
    best: tuple[float, float] | None,
    picked: tuple[float, float] | None,
    theme: Theme,
) -> list[dict]:
    """The theory's optimum (a gold star), the grid's fastest cell and the animated one (open markers), as given."""
    out = []
    if optimum is not None:
        star = dict(symbol="star", size=theme.marker_size + 10, color="#FFD700", line=dict(width=2, color=OPTIMAL))
        hover = f"{optimum[2]}<br>η %{{customdata:.4g}}<br>β %{{y:.3f}}<extra></extra>"
        out.append(_point(optimum[0], optimum[1], optimum[2], star, hovertemplate=hover, customdata=[optimum[0]]))
    if best is not None:
        out.append(_point(*best, "fastest on the grid", _open("circle-open", FASTEST, theme), hoverinfo="skip"))
    if picked is not None:
        out.append(_point(*picked, "animated", _open("square-open", INK, theme), hoverinfo="skip"))
    return out


def _point(lr: float, beta: float, name: str, marker: dict, **more) -> dict:
    """One marker at (lr, β) on the diagram's log₁₀ lr axis."""
    return dict(type="scatter", mode="markers", x=[np.log10(lr)], y=[beta], name=name, marker=marker, **more)


def _open(symbol: str, color: str, theme: Theme) -> dict:
    """An open marker with a thick outline, drawn over a cell without hiding it."""
    return dict(symbol=symbol, size=theme.marker_size + 6, color=color, line=dict(width=3, color=color))


def _layout(lx: np.ndarray, b: np.ndarray, beta_label: str, title: str, theme: Theme) -> dict:
    """Decade ticks on the log₁₀ lr axis, both axes half a cell beyond the grid, the legend below."""
    tickvals, ticktext = _decade_ticks(lx[0], lx[-1])
    half = (lx[1] - lx[0]) / 2 if len(lx) > 1 else 0.5
    layout = base_layout(theme)
    layout.update(
        title=figure_title(title, theme),
        xaxis=dict(
            title=dict(text="learning rate η"),
            tickvals=tickvals,
            ticktext=ticktext,
            range=[lx[0] - half, lx[-1] + half],
            showgrid=False,
            zeroline=False,
            ticks="outside",
        ),
        yaxis=dict(
            title=dict(text=beta_label),
            range=[b[0] - 0.02, b[-1] + 0.02],
            showgrid=False,
            zeroline=False,
            ticks="outside",
        ),
        plot_bgcolor="white",
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0, font=dict(size=theme.font_size - 1)),
        margin=dict(l=60, r=10, t=40, b=70),
        height=int(theme.height * 0.9),
    )
    return layout
