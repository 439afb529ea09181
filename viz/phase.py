"""The (learning rate, momentum) phase diagram: steps to converge as a heatmap, diverging and stalling cells in
their own colours, the theoretical stability boundary and the optimum drawn over it; every cell can be clicked."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

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
    ok = reached >= 0
    z = np.where(ok, np.log10(np.maximum(reached, 1)), np.nan).astype(np.float32)
    gx, gy = np.meshgrid(lx, b)
    status = np.where(ok, reached.astype(str), np.where(diverged, "diverged", f"not converged in {steps}"))
    data = [
        dict(
            type="scatter",
            mode="markers",
            x=b64(gx.ravel()),
            y=b64(gy.ravel()),
            customdata=status.ravel().tolist(),
            marker=dict(size=10, opacity=0, color=INK),
            showlegend=False,
            name="cells",
            hovertemplate="η %{x:.3f} (log₁₀)<br>β %{y:.3f}<br>steps %{customdata}<extra></extra>",
            selected=dict(marker=dict(opacity=0)),
            unselected=dict(marker=dict(opacity=0)),
        )
    ]
    top = np.log10(max(steps, 10))
    ticks = [v for v in (1, 3, 10, 30, 100, 300, 1000, 2000) if v <= steps]
    data.append(
        dict(
            type="heatmap",
            x=b64(lx),
            y=b64(b),
            z=z,
            colorscale=STEPS_SCALE,
            zmin=0,
            zmax=top,
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
    )
    for mask, colour, name in (
        (diverged, DIVERGED_COLOR, "diverged"),
        (~ok & ~diverged, STALLED_COLOR, f"not converged in {steps} steps"),
    ):
        data.append(
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
        data.append(
            dict(
                type="scatter",
                mode="markers",
                x=[None],
                y=[None],
                name=name,
                showlegend=True,
                marker=dict(symbol="square", size=14, color=colour, line=dict(width=1, color="#9aa5b1")),
            )
        )
    if boundary is not None:
        good = np.isfinite(boundary) & (np.asarray(boundary) > 0)
        data.append(
            dict(
                type="scatter",
                mode="lines",
                x=np.log10(np.asarray(boundary)[good]),
                y=b[good],
                name=boundary_text or "stability boundary",
                line=dict(color=STABLE, width=3, dash="dash"),
                hoverinfo="skip",
            )
        )
    if optimum is not None:
        data.append(
            dict(
                type="scatter",
                mode="markers",
                x=[np.log10(optimum[0])],
                y=[optimum[1]],
                name=optimum[2],
                marker=dict(
                    symbol="star", size=theme.marker_size + 10, color="#FFD700", line=dict(width=2, color=OPTIMAL)
                ),
                hovertemplate=f"{optimum[2]}<br>η %{{customdata:.4g}}<br>β %{{y:.3f}}<extra></extra>",
                customdata=[optimum[0]],
            )
        )
    if best is not None:
        data.append(
            dict(
                type="scatter",
                mode="markers",
                x=[np.log10(best[0])],
                y=[best[1]],
                name="fastest on the grid",
                marker=dict(
                    symbol="circle-open", size=theme.marker_size + 6, color=FASTEST, line=dict(width=3, color=FASTEST)
                ),
                hoverinfo="skip",
            )
        )
    if picked is not None:
        data.append(
            dict(
                type="scatter",
                mode="markers",
                x=[np.log10(picked[0])],
                y=[picked[1]],
                name="animated",
                marker=dict(symbol="square-open", size=theme.marker_size + 6, color=INK, line=dict(width=3, color=INK)),
                hoverinfo="skip",
            )
        )
    tickvals, ticktext = _decade_ticks(lx[0], lx[-1])
    half = (lx[1] - lx[0]) / 2 if len(lx) > 1 else 0.5
    layout = base_layout(theme)
    layout.update(
        title=dict(text=title, font=dict(size=theme.title_size), x=0.01) if title else None,
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
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
