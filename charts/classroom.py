"""The Class round page's figures: the round's scene as students race it (a student's own run, small), and the
projector's three: every run on the map coloured by its fate, every submission on the (η, β) phase diagram of that
very scene (with the theory's stability boundary where there is one), the submitted learning rates against 2/L."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from charts import learning_rate as lab_charts
from charts import scene as fig
from links.classroom import Setup, State, complete
from scenes import RunSpec, Scene, compute
from scenes import class_round as cr
from scenes import learning_rate as lab
from scenes.compute import Result
from scenes.learning_rate import Phase
from scenes.text import num
from viz import Theme, contour_figure
from viz import class_round as vc
from viz.layout import keep_name


@dataclass(frozen=True)
class Work:
    """How the results are computed: the plain functions (DIRECT: the export command, the tests) or the page's
    cached copies."""

    compute: Callable[[Scene], Result]
    phase: Callable[[Scene], Phase]
    standings: Callable[..., cr.Standings]


DIRECT = Work(compute, lab.phase, cr.standings)


def student_scene(setup: Setup, values: dict[str, float]) -> Scene:
    """The round's scene with a student's values: what the student's preview races (the engine's cached run)."""
    r = setup.scene.runs[0]
    hyper = {**r.hyper_dict(), **{k: float(v) for k, v in values.items()}}
    return replace(setup.scene, runs=(RunSpec(r.optimizer, tuple(sorted(hyper.items())), r.schedule),))


def fate_names(st: cr.Standings) -> tuple[str, ...]:
    """The legend's names of the fates, with their counts: "reached (12)", "diverged (3)", "not there (5)"."""
    counts = st.counts()
    reached = "reached the global minimum" if st.scene.surface_obj.global_minima else "reached"
    words = {"reached": reached, "diverged": "diverged", "not there": "did not get there"}
    return tuple(f"{words[k]} ({counts[k]})" for k in cr.FATES.values())


def preview(setup: Setup, values: dict[str, float], theme: Theme, work: Work = DIRECT, fit: dict | None = None):
    """A student's own run on the round's map (no replay: the whole run, small)."""
    result = work.compute(student_scene(setup, values))
    return fig.contour(result, theme, name="your run", **({"frames": 0} | (fit or {})))


def overlay(
    setup: Setup, st: cr.Standings, theme: Theme, work: Work = DIRECT, *, fit: dict | None = None, reveal: bool = False
) -> go.Figure:
    """Every submitted run on the round's map, thin and coloured by its fate; once revealed, the leader's in gold."""
    base = work.compute(setup.scene)
    land = base.landscape
    size = {k: v for k, v in (fit or {}).items() if k in ("side", "width", "legend_rows")}
    f = contour_figure(
        fig.background(base),
        base.surface.domain,
        (land.xs, land.ys, land.z),
        fig.markers(base),
        (),
        base.start,
        theme,
        frames=0,
        vector=fig.vector(base),
        **size,
    )
    best = best_name = None
    if reveal and len(st):
        i = int(st.order[0])
        best, best_name = st.xy[i], "the best run"
    vc.add_runs(f, st.xy, st.fate, fate_names(st), theme, best=best, best_name=best_name)
    return keep_name(f, "every run of the round")


def phase(setup: Setup, st: cr.Standings, theme: Theme, work: Work = DIRECT, *, reveal: bool = False) -> go.Figure:
    """The phase diagram of the round's scene with every submission on it (a round whose students set β)."""
    ph = work.phase(setup.scene)
    f = lab_charts.phase(ph, theme)
    lrs, betas = _columns(st)
    best = None
    if reveal and len(st):
        i = int(st.order[0])
        best = (float(lrs[i]), float(betas[i]))
    vc.add_submissions(f, lrs, betas, st.fate, fate_names(st), theme, best=best)
    return keep_name(f, "every submission on the phase diagram")


def histogram(setup: Setup, st: cr.Standings, theme: Theme, *, height: int | None = None) -> go.Figure:
    """The submitted learning rates against 2/L at the steepest global minimum (the β-dependent limits are the phase
    diagram's dashed line)."""
    lrs, _ = _columns(st)
    (lo, hi) = next((a, b) for n, a, b in setup.allowed if n == "learning_rate")
    marks = []
    if (two := cr.two_over_l(setup.scene)) is not None:
        marks.append((f"2/L = {num(two)}", two))
    f = vc.histogram_figure(lrs, st.fate, fate_names(st), (lo, hi), theme, marks=tuple(marks), height=height)
    return keep_name(f, "the submitted learning rates")


def _columns(st: cr.Standings) -> tuple[np.ndarray, np.ndarray]:
    """(η, β) of each submission (β: the rule's own when students do not set it)."""
    names = list(st.names)
    lrs = st.values[:, names.index("learning_rate")] if len(st) else np.zeros(0)
    if len(names) > 1:
        betas = st.values[:, 1]
    else:
        beta = st.scene.runs[0].hyper_dict().get(lab.an.MOMENTUM_HYPER.get(st.scene.runs[0].optimizer, ""), 0.0)
        betas = np.full(len(lrs), beta)
    return lrs, betas


def round_figures(
    setup: Setup, st: cr.Standings, theme: Theme, work: Work = DIRECT, *, fit: dict | None = None, reveal: bool = False
) -> dict[str, go.Figure]:
    """The projector's figures: "runs" (the map), "phase" (when students set β) and "rates" (the histogram)."""
    out = {"runs": overlay(setup, st, theme, work, fit=fit, reveal=reveal)}
    if len(setup.allowed) > 1:
        out["phase"] = phase(setup, st, theme, work, reveal=reveal)
    out["rates"] = histogram(setup, st, theme, height=int(theme.height * 0.42))
    return out


def round_csv(setup: Setup, st: cr.Standings | None, subs) -> str:
    """The round's submissions (``subs``: the store's, in the order ``st`` ranked them) as CSV, best first: rank,
    nickname, the values set, the result, when (UTC) and how many times submitted. A nickname a spreadsheet would
    read as a formula (=, +, -, @ first) is written with a quote before it."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["rank", "nickname", *setup.names, "result", "submitted (UTC)", "submissions"])
    for place, i in enumerate(st.order if st is not None else (), 1):
        sub = subs[int(i)]
        name = "'" + sub.nickname if sub.nickname[:1] in ("=", "+", "-", "@") else sub.nickname
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sub.submitted))
        w.writerow([place, name, *[sub.values[n] for n in setup.names], st.result_text(int(i)), stamp, sub.count])
    return out.getvalue()


def figures(state: State, theme: Theme, work: Work = DIRECT) -> dict[str, go.Figure]:
    """A round's setup as the export command draws it: the scene's race at the rule's own values and, when students
    set β, the phase diagram they will place their settings on (a room's figures are its submissions': the page's)."""
    setup = complete(state.setup)
    out = {"race": fig.contour(work.compute(setup.scene), theme)}
    if len(setup.allowed) > 1:
        out["phase"] = lab_charts.phase(work.phase(setup.scene), theme)
    return out


def round_work(setup: Setup) -> Iterator[tuple]:
    """The round's programs: each bucket of runs (a class of 1 to 1,024 students), at the ranges' middle."""
    lo = np.array([a for _, a, _ in setup.allowed])
    hi = np.array([b for _, _, b in setup.allowed])
    for n in cr.BATCHES:
        values = np.tile(np.sqrt(np.maximum(lo, 1e-9) * hi) if len(lo) == 1 else (lo + hi) / 2, (n, 1))
        yield (_standings, (setup.scene, setup.goal, setup.names, tuple(map(tuple, values))))


def _standings(args) -> cr.Standings:
    scene, goal, names, values = args
    return cr.standings(scene, goal, names, np.asarray(values))


def likely_work() -> Iterator[tuple]:
    """The default round's setup (its race and phase diagram: the Learning rate page's programs)."""
    setup = complete(Setup())
    yield (compute, setup.scene)
    yield (lab.phase, setup.scene)


def reachable_work() -> Iterator[tuple]:
    """The default round raced for each bucket of class sizes."""
    yield from round_work(complete(Setup()))
