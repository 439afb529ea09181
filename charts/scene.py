"""Result -> figures: the one road from a computed scene to what the page shows and the CLI exports."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go

from links.controls import Control, by_field
from links.slider_values import nearest, options
from optim.schedules import KINDS
from scenes.compute import Result, image_grid, landscape
from scenes.internals import internals
from scenes.ladder import window
from scenes.scene import CUSTOM, Scene
from surfaces import Surface
from viz import Marker, Path, Theme, contour_figure, loss_figure, surface3d_figure
from viz.internals import RacerInternals
from viz.layout import keep_name
from viz.paths import dashes
from viz.raster import contour_trace, png_data_uri, shade

RACE = "race on the map"  # the contour's name (charts.names: the export's chart and file names)


def markers(result: Result) -> tuple[Marker, ...]:
    s = result.surface
    return (
        tuple(Marker(p.x, p.y, p.value, p.kind or "local") for p in s.minima)
        + tuple(Marker(p.x, p.y, p.value, "saddle") for p in s.saddles)
        + tuple(Marker(p.x, p.y, p.value, "maximum") for p in s.maxima)
    )


def paths(result: Result) -> tuple[Path, ...]:
    """One Path per racer in its optimizer's colour and marker; a second racer of the same optimizer keeps its colour
    and gets a dashed line."""
    ds = dashes([r.spec.optimizer for r in result.runs])
    return tuple(
        Path(r.spec.spec.color, r.spec.spec.symbol, r.label, r.xy, r.loss, r.diverged_at, r.lr, d)
        for r, d in zip(result.runs, ds, strict=True)
    )


def background(result: Result) -> str:
    """The banded contour picture of the result's surface, a PNG data URI (drawn once per surface: ~45 ms)."""
    return _picture(result.surface)[0]


@functools.lru_cache(maxsize=64)
def _picture(surface: Surface) -> tuple[str, float, float]:
    """The picture and its smallest and largest value (its bands lie between them)."""
    values = image_grid(surface)
    return png_data_uri(shade(values)), float(values.min()), float(values.max())


def vector(result: Result) -> dict:
    """The same bands as the picture as a contour trace, for image files: sharp at any scale, vector paths in SVG
    and PDF (drawn from the 3D view's grid, banded between the picture's smallest and largest value)."""
    return _vector(result.surface)


@functools.lru_cache(maxsize=64)
def _vector(surface: Surface) -> dict:
    _, lo, hi = _picture(surface)
    land = landscape(surface)
    return contour_trace(land.xs, land.ys, land.color, lo, hi)


def contour(
    result: Result,
    theme: Theme,
    *,
    frames: int = 61,
    title: str = "",
    name: str = RACE,
    side: int | None = None,
    width: int | None = None,
    legend_rows: int = 1,
    recipe_only: bool = False,
    internals: bool = False,
) -> go.Figure:
    """The race on the map (viz.contour.contour_figure's sizes; ``recipe_only``: for a page, see viz.frames.grow;
    ``internals``: each racer's gradient step, what its rule adds, its step and its rescaling at the frame's step)."""
    land = result.landscape
    f = contour_figure(
        background(result),
        result.surface.domain,
        (land.xs, land.ys, land.z),
        markers(result),
        paths(result),
        result.start,
        theme,
        frames=frames,
        title=title,
        side=side,
        width=width,
        legend_rows=legend_rows,
        vector=vector(result),
        recipe_only=recipe_only,
        internals=racer_internals(result) if internals else None,
    )
    return keep_name(f, name)


def racer_internals(result: Result) -> list[RacerInternals]:
    """scenes/internals.py's arrays for viz/internals.py."""
    return [
        RacerInternals(np.asarray(r.xy, np.float64), i.gradient, i.step, i.carry, i.carry_name, i.axes)
        for r, i in zip(result.runs, internals(result), strict=True)
    ]


def surface3d(
    result: Result,
    theme: Theme,
    *,
    title: str = "",
    height: int | None = None,
    frames: int = 0,
    controls: bool = True,
    recipe_only: bool = False,
) -> go.Figure:
    """The landscape in 3D with the paths on it; ``frames`` > 0: animated with the contour map's frame names (its own
    play buttons and slider, or none when ``controls`` is False: the map beside it drives it)."""
    land = result.landscape
    theme = replace(theme, height=height) if height else theme
    f = surface3d_figure(
        land.xs,
        land.ys,
        land.color,
        land.lift,
        markers(result),
        paths(result),
        theme,
        z_title=land.color_label,
        title=title,
        frames=frames,
        controls_shown=controls,
        recipe_only=recipe_only,
    )
    return keep_name(f, "3D surface")


def loss(
    result: Result, theme: Theme, *, title: str = "", name: str = "loss per step", distance: bool = False
) -> go.Figure:
    """The loss per step; with ``distance``, under it the distance to the nearest minimum the map marks (where the
    surface has any)."""
    minima = np.array([(m.x, m.y) for m in result.surface.minima], np.float64) if distance else None
    return keep_name(loss_figure(paths(result), result.surface.f_min, theme, title=title, minima=minima), name)


def rungs(scene: Scene, lr_stops: list[float] | None = None) -> list[tuple[int, str, int, tuple[float, ...]]]:
    """(racer, hyperparameter, first stop, values) of each ladder of the live drag: a racer's learning-rate slider and
    its momentum's (β, Adam's β₁), their stops around the value (``lr_stops``: the learning-rate slider's own stops
    where the page offers others than the registry's, as the Sweep does). A noisy rule has none: a batch draws other
    noise than the single run it would preview. A formula has none: its ladders would compile ~1.5 s a slider while
    the lecturer waits for the next move (a catalogue surface's are compiled ahead)."""
    if scene.surface == CUSTOM:
        return []
    out = []
    for i, r in enumerate(scene.runs):
        if r.spec.stochastic:
            continue
        for name in ("learning_rate", r.spec.momentum_hyper):
            h = r.spec.hyper(name) if name else None
            if h is None or not h.slider:
                continue
            stops = lr_stops if name == "learning_rate" and lr_stops else options(h.lo, h.hi, h.log, h.default)
            first, k = window(len(stops), stops.index(nearest(stops, r.hyper_dict()[name], h.log)))
            out.append((i, name, first, tuple(float(v) for v in stops[first : first + k])))
    return out


def control_moves(link, query: dict[str, str], controls: tuple[Control, ...]) -> Iterator:
    """A page's states one move of a control of its Scene away from the state ``query`` opens (a section's
    defaults): each other surface of its menu (a formula: the box's example), each other rule of a rule box (each rule
    added, where racers are chosen together and there is room), the steps one notch either way, a schedule on each
    racer where the page keeps one (a scheduled run is another program; its kinds and values are data). Each is read
    from a link as the move would set it: what the warm-up primes. ``link``: the page's links module."""
    scene = link.decode(query)[0].scene
    rows = by_field(controls)
    keys = [r.optimizer for r in scene.runs]
    moves = [{"surface": k} for k in rows["surface"].options if k != scene.surface]
    if (c := rows.get("runs")) is not None and c.input == "multi":
        moves += [{"opt": ",".join([*keys, k])} for k in c.options if k not in keys and len(keys) < c.most]
    elif c is not None:
        moves += [{"opt": k} for k in c.options if k != keys[0]]
    if (c := rows.get("steps")) is not None:
        moves += [{"steps": str(v)} for v in (scene.steps - c.by, scene.steps + c.by) if c.lo <= v <= c.hi]
    moves += [{f"{k}.schedule": KINDS[1]} for k in keys]
    for move in moves:
        state, notices = link.decode(query | move)
        if not notices and all(link.encode(state).get(k) == v for k, v in move.items() if k.endswith(".schedule")):
            yield state
