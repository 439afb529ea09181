"""The Minima & saddles page's scenes and figures: basin maps and the race (Basins), the escape statistics (Escape),
the runs at a saddle and their escape rates (Saddles). Pure: the page computes through its caches and draws with
these; the export command computes directly and draws with the same functions (scenes/pages/minima.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import plotly.graph_objects as go

from charts import scene as fig
from charts.scene import markers
from links import minima as mp
from links import section_param
from links.minima import State
from scenes import basins as bs
from scenes import compute
from scenes import escape as esc
from scenes import saddles as sd
from scenes.compute import landscape
from scenes.scene import RunSpec, Scene
from scenes.text import hyper_text, num
from viz import THEMES, Theme
from viz import escape as vesc
from viz.basins import basin_figure
from viz.layout import keep_name
from viz.rates import RateCurve, rates_figure


# -- Basins ----------------------------------------------------------------------------------------------------------
def map_scenes(scene: Scene) -> list[Scene]:
    """One scene per racer for its basin map (a map has no start: every pixel is one)."""
    return [replace(scene, runs=(r,), start=None) for r in scene.runs]


def map_figure(
    bm: bs.BasinMap, theme: Theme, picked: tuple[float, float], *, side: int | None = None, width: int | None = None
) -> go.Figure:
    """A basin map over the surface's shading, the documented points marked, the race's start ``picked``; ``side``
    (its plot's side, in a chart ``width`` px wide) fits it to the screen, else the theme's height."""
    n = bm.labels.shape[0]
    f = basin_figure(
        bm.xs,
        bm.ys,
        bm.labels,
        markers(bm),
        bs.legend_names(bm),
        theme,
        picked=picked,
        landscape=landscape(bm.surface, n).color,
        side=side,
        width=width,
    )
    if side is None:
        f.update_layout(height=int(theme.height * 0.75))
    return keep_name(f, f"basin map, {map_label(bm)}")


def map_label(bm: bs.BasinMap) -> str:
    """The racer of a basin map as the legends name it: "Adam (lr 0.05)"."""
    r = bm.scene.runs[0]
    return f"{r.spec.title} ({hyper_text(r.spec, r.hyper_dict(), r.schedule)})"


def share_text(bm: bs.BasinMap) -> str:
    """The share of the starts whose run reached a global minimum, "—" on a surface without documented minima."""
    return f"{100 * bm.share_global:.1f}%" if bm.minima else "—"


# -- Escape ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EscapeScenes:
    """What the Escape section runs: SGD from inside a local minimum's basin (the noise sweep), the heavy ball from
    jittered copies of that start (the β sweep), gradient descent from random starts (restarts), and the race."""

    base: Scene  # the section's Scene with its start: the local start
    beta: Scene
    restarts: Scene
    race: Scene


def escape_scenes(scene: Scene) -> EscapeScenes | None:
    """The Escape section's scenes from its Scene (SGD's settings, steps, seed); None without a local minimum."""
    local = esc.local_start(scene.surface_obj)
    if local is None:
        return None
    base = replace(scene, start=local)
    return EscapeScenes(
        base,
        replace(base, runs=(RunSpec.default("momentum"),)),
        replace(base, runs=(RunSpec.default("gd"),), start=None),
        esc.examples(base),
    )


def noise_figure(noise: esc.NoiseSweep, theme: Theme) -> go.Figure:
    f = vesc.share_figure(
        noise.noise,
        noise.share,
        noise.share_local,
        noise.diverged,
        theme,
        x_title="noise variance σ₀²",
        log_x=True,
        steps=noise.steps,
    )
    return keep_name(f, "escapes against the noise σ₀²")


def beta_figure(beta: esc.BetaSweep, theme: Theme) -> go.Figure:
    f = vesc.share_figure(
        beta.betas,
        beta.share,
        beta.share_local,
        beta.diverged,
        theme,
        x_title="momentum β",
        log_x=False,
        steps=beta.steps,
    )
    return keep_name(f, "escapes against the momentum β")


def restarts_figure(rs: esc.Restarts, theme: Theme) -> go.Figure:
    return keep_name(vesc.restarts_figure(rs.k, rs.measured, rs.theory, rs.p, theme), "random restarts")


# -- Saddles ---------------------------------------------------------------------------------------------------------
STABLE, PERTURBED = "race started on the stable direction", "race started ε off the stable direction"


def saddle_scene(scene: Scene) -> Scene:
    """The Saddles section's Scene as the study takes it: no start (the study places its own)."""
    return replace(scene, start=None)


def rate_curves(study: sd.SaddleStudy) -> tuple[RateCurve, ...]:
    """Each perturbed racer's distance along the unstable direction, with its theory and measured rates as text."""
    curves = []
    for r, off in zip(study.perturbed.runs, study.offsets(study.perturbed), strict=True):
        theory, measured = study.escape[r.spec.optimizer]
        text = (
            f"1 − ηλ₋ = {num(theory, 4)}"
            if r.spec.optimizer == "gd" and theory
            else (f"{num(theory, 4)} per step" if theory else "")
        )
        if measured is not None:
            text += f", measured {num(measured, 4)}"
        curves.append(RateCurve(r.spec.spec.color, r.label, off, theory, text))
    return tuple(curves)


def escape_rates_figure(study: sd.SaddleStudy, theme: Theme) -> go.Figure:
    f = rates_figure(rate_curves(study), theme, y_title="distance along the unstable direction")
    return keep_name(f, "escape along the unstable direction")


def figures(state: State, theme: Theme) -> dict[str, go.Figure]:
    """The section's figures, as views/minima.py draws them: "map-<optimizer>" per basin map and the "race"
    (Basins); the "race" and the "noise", "beta" and "restarts" statistics (Escape); the runs from the "stable"
    direction and "perturbed" off it, and their "escape" along the unstable direction (Saddles). A ValueError says
    why a section cannot draw the state (no local minimum to escape from, no saddle)."""
    scene = state.scene
    if state.section == "Basins":
        maps = [bs.basin_map(s, state.grid) for s in map_scenes(scene)]
        out = {f"map-{bm.scene.runs[0].optimizer}": map_figure(bm, theme, scene.start_point) for bm in maps}
        return out | {"race": fig.contour(compute(scene), theme)}
    if state.section == "Escape":
        sc = escape_scenes(scene)
        if sc is None:
            raise ValueError(f"{scene.surface_obj.title} has no local minimum to escape from")
        return {
            "race": fig.contour(compute(sc.race), theme),
            "noise": noise_figure(esc.noise_sweep(sc.base, annealed=state.annealed), theme),
            "beta": beta_figure(esc.beta_sweep(sc.beta), theme),
            "restarts": restarts_figure(esc.restarts(sc.restarts), theme),
        }
    study = sd.saddle_study(saddle_scene(scene), state.saddle, state.eps)
    return {
        "stable": fig.contour(study.exact, theme, name=STABLE),
        "perturbed": fig.contour(study.perturbed, theme, name=PERTURBED),
        "escape": escape_rates_figure(study, theme),
    }


def likely_work() -> Iterator[tuple]:
    """The Minima page's first views: the default basin maps, the escape lab and the saddle."""
    for k in ("gd", "momentum", "adam"):
        yield bs.basin_map, Scene(surface="himmelblau", runs=(RunSpec.default(k),), steps=500)  # Basins' default
    scene = esc.escape_scene()
    for fn in (esc.noise_sweep, esc.beta_sweep, esc.restarts, lambda s: compute(esc.examples(s))):
        yield fn, scene
    yield (
        sd.saddle_study,
        Scene(surface="saddle", runs=(RunSpec.default("gd"), RunSpec.default("momentum")), steps=1000),
    )


def reachable_work() -> Iterator[tuple]:
    """Each section one move of a control away from its defaults (charts.scene.control_moves), and the basin maps at
    each grid: the figures the move draws (the install step compiles them into the persistent cache)."""
    for section in mp.SECTIONS:
        query = section_param(section, mp.SECTIONS, mp.SHORT)
        for state in fig.control_moves(mp, query, mp.controls(section)):
            yield _section_figures, state
    default = mp.decode({})[0]
    for n in bs.GRIDS:  # the basin maps' starts per side: each grid is a shape of its own
        if n != default.grid:
            yield _section_figures, mp.decode({"grid": str(n)})[0]


def _section_figures(state: State) -> dict:
    return figures(state, THEMES["normal"])
