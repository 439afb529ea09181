"""How figures look: the landscape colours, the ink, two themes. An optimizer's colour and marker are its registry
row's (optim/registry.py), handed to the builders with each path: viz holds no table of optimizers."""

from __future__ import annotations

from dataclasses import dataclass

# The landscape: near-white at the bottom of the valleys, light steel blue at the top, so every path colour reads.
LANDSCAPE_STOPS = ((0.0, "#ffffff"), (0.35, "#e3eaf3"), (0.7, "#bccbdd"), (1.0, "#8ea4c0"))
LANDSCAPE_LINE = "#6d7f97"  # the iso-lines between colour bands
POINT_COLORS = {"global": "#FFD700", "local": "#ffffff", "saddle": "#333333", "maximum": "#333333"}
INK = "#1f2937"


@dataclass(frozen=True)
class Theme:
    name: str
    font_size: int
    title_size: int
    line_width: float
    marker_size: int
    point_size: int
    height: int


THEMES = {
    "normal": Theme("normal", font_size=14, title_size=18, line_width=2.5, marker_size=11, point_size=12, height=660),
    "presenter": Theme(
        "presenter", font_size=20, title_size=26, line_width=4.5, marker_size=17, point_size=18, height=720
    ),
}


def base_layout(theme: Theme) -> dict:
    """Layout shared by every figure: white paper, dark ink, the theme's font, legend above the plot."""
    return dict(
        template="plotly_white",
        font=dict(size=theme.font_size, color=INK, family="Inter, 'Source Sans Pro', 'Helvetica Neue', Arial"),
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0, font=dict(size=theme.font_size)),
        height=theme.height,
        hoverlabel=dict(font=dict(size=theme.font_size)),
        modebar=dict(orientation="v"),  # down the right edge: never over the legend above the plot
    )
