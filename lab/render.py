"""A preset (a page and its link) -> the figures that page draws for it: the link is read by the page's own decoder
and drawn by the same builders the page calls (scenes/pages), so a scene gives the same picture in class and in the
notes."""

from __future__ import annotations

import plotly.graph_objects as go

from charts.names import names, slug
from lab.pages import PAGES
from links.library import Preset
from viz import Theme


def state(preset: Preset):
    """The page State a preset's link describes; a ValueError naming what the page could not use."""
    st, notices = PAGES[preset.page].link.decode(dict(preset.link))
    if notices:
        raise ValueError("; ".join(notices))
    return st


def figures(preset: Preset, theme: Theme) -> dict[str, go.Figure]:
    """The preset's figures by name ("race", "loss", "surface3d", "sweep", …); the animated one is "race"."""
    return PAGES[preset.page].charts.figures(state(preset), theme)


def file_names(preset: Preset, figs: dict[str, go.Figure]) -> dict[str, str]:
    """Each figure's file name without its suffix: the preset's name and the chart's (charts.names), distinct:
    "three-minima-race-on-the-map", "train-vs-test-l2-regularisation-off-loss-curves"."""
    return {key: f"{preset.name}-{slug(name)}" for key, name in names(figs).items()}
