"""How it looks: pure Plotly builders (NumPy arrays in, go.Figure out), themes, the landscape raster."""

from viz.contour import contour_figure
from viz.loss import loss_figure
from viz.paths import Marker, Path
from viz.surface3d import surface3d_figure
from viz.theme import THEMES, Theme

__all__ = ["THEMES", "Marker", "Path", "Theme", "contour_figure", "loss_figure", "surface3d_figure"]
