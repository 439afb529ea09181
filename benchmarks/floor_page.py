"""The floor of benchmarks/browser_latency.py: the least a Streamlit page with a slider and a contour chart can do.

One select slider of learning rates and one Plotly chart: a 200×200 contour of Himmelblau's function and the
300-step gradient-descent path from (-4, 4) at the chosen rate, computed in NumPy on every run (no cache). The page
has the app's wide layout and column split, so the chart is about as large as the app's race.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

RATES = [float(f"{v:.3g}") for v in np.geomspace(1e-4, 2e-2, 60)]
STEPS = 300


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def descent(lr: float) -> np.ndarray:
    """Gradient descent on Himmelblau from (-4, 4): STEPS + 1 points, held to the plotted square."""
    p = np.empty((STEPS + 1, 2))
    p[0] = (-4.0, 4.0)
    for i in range(STEPS):
        x, y = p[i]
        a, b = x**2 + y - 11, x + y**2 - 7
        p[i + 1] = np.clip(p[i] - lr * np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b]), -6, 6)
    return p


st.set_page_config(page_title="Floor", layout="wide")
grid = np.linspace(-6, 6, 200)
z = np.log1p(himmelblau(*np.meshgrid(grid, grid))).astype(np.float32)
charts, side = st.columns([2.9, 1], gap="medium")
with side:
    lr = st.select_slider("Learning rate", options=RATES, value=RATES[len(RATES) // 2], key="lr")
path = descent(lr).astype(np.float32)
fig = go.Figure(
    [
        go.Contour(x=grid.astype(np.float32), y=grid.astype(np.float32), z=z, ncontours=30, showscale=False),
        go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines", line={"color": "white", "width": 2}, name=f"lr {lr}"),
    ],
    layout={"height": 560, "margin": {"l": 40, "r": 10, "t": 30, "b": 40}, "title": f"Gradient descent, lr {lr}"},
)
with charts:
    st.plotly_chart(fig, key="chart")
