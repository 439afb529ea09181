"""Networks → Sharpness, below λmax: the Hessian's whole eigenvalue density at a few points of the path
(scenes.networks.spectra), each quadrature spread on one grid."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from optim.spectrum import Spectrum
from viz import Theme
from viz.layout import keep_name
from viz.spectrum import spectrum_figure

GRID = 600


def figure(spectra: list[tuple[int, Spectrum]], theme: Theme) -> go.Figure:
    """One density a point, on a grid from the lowest to the highest node of any (each node a Gaussian 1/150 of
    that range wide: enough to see the bulk at 0 and the outliers apart)."""
    lo = min(sp.low for _, sp in spectra)
    hi = max(sp.high for _, sp in spectra)
    pad = 0.05 * (hi - lo) or 1.0
    grid = np.linspace(lo - pad, hi + pad, GRID)
    width = (hi - lo) / 150 or 1.0
    densities = [(f"step {step}", sp.density(grid, width)) for step, sp in spectra]
    f = spectrum_figure(grid, densities, theme, height=int(theme.height * 0.7), title="The Hessian's spectrum")
    return keep_name(f, "Hessian spectrum along the path")
