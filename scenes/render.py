"""A preset (a page and its link) -> the figures that page draws for it, by the same builders the page calls.

Trajectories presets give the race (animated contour), the loss curves and the 3D view; learning-rate presets give
their section's figures through scenes.lab and scenes.lab_figures, as the Learning rate page does. The other pages
build some of their figures in the page itself, so their presets are not rendered here yet (:data:`RENDERED`).
"""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go

from scenes import RunSpec, Scene, compute, lab
from scenes import figures as fig
from scenes import lab_figures as labfig
from scenes.library import Preset
from scenes.url import decode, decode_surface
from viz import Theme

RENDERED = ("trajectories", "learning-rate")
LAB_SECTIONS = {"": "sweep", "sweep": "sweep", "regimes": "regimes", "phase": "phase", "momentum": "momentum"}


class NotRendered(ValueError):
    """This preset's page is not rendered outside the browser yet."""


def figures(preset: Preset, theme: Theme) -> dict[str, go.Figure]:
    """The preset's figures by name ("race", "loss", "surface3d", "sweep", …); the animated one is "race"."""
    link = dict(preset.link)
    if preset.page == "trajectories":
        scene, notices = decode(link)
        if notices:
            raise ValueError("; ".join(notices))
        result = compute(scene)
        return {"race": fig.contour(result, theme), "loss": fig.loss(result, theme),
                "surface3d": fig.surface3d(result, theme)}
    if preset.page == "learning-rate":
        return _lab(link, theme)
    raise NotRendered(f"the {preset.page} page's figures are drawn in the browser only, for now")


def _lab(link: dict, theme: Theme) -> dict[str, go.Figure]:
    """The Learning rate page's section at its defaults on the link's surface (gradient descent, 500 steps; heavy
    ball for the phase diagram), as views/lr_lab.py builds it."""
    section = LAB_SECTIONS.get(link.get("section", "").lower())
    if section is None:
        raise ValueError(f"the Learning rate page has no section {link['section']!r}")
    notices: list[str] = []
    default = "narrow_valley" if section == "momentum" else "quadratic"
    name, params, formula = decode_surface(link, default, notices)
    if notices:
        raise ValueError("; ".join(notices))
    base = Scene(surface=name, surface_params=params, formula=formula, runs=(RunSpec.default("gd"),), steps=500)
    if section == "momentum":
        race = lab.momentum_race(base)
        return {"race": fig.contour(race.result, theme), "rates": labfig.rates(race, theme)}
    if section == "phase":
        ph = lab.phase(replace(base, runs=(RunSpec.default("momentum"),)))
        return {"phase": labfig.phase(ph, theme)}
    sw = lab.sweep(base)
    if section == "regimes":
        return {f"regime-{r.name.replace(' ', '-')}": labfig.panel(r.result, theme, title=r.name, height=360)
                for r in lab.regimes(sw)}
    lr = float(f"{dict(lab.regime_rates(sw)).get('about right', sw.lrs[len(sw.lrs) // 2]):.3g}")  # as the page
    result = compute(lab.with_lr(base, lr))
    return {"sweep": labfig.sweep(sw, theme, picked=lr), "race": labfig.animation(result, theme)}
