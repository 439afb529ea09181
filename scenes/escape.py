r"""The escape lab: from a start inside a local minimum's basin, how gradient noise (annealed or not), momentum and
random restarts reach the global minimum, as statistics over many seeded runs, each sweep one vectorised call of
:func:`optim.run`.

A run has *reached* a minimum when it ends within ``ESCAPE_TOL`` of the span of it (the minimum nearest its end);
its escape time is the first step at which it came that close to a global minimum. The captions' ``REACH_TOL``
(0.1% of the span) is too tight here: noise of variance :math:`\sigma^2` keeps a run jittering about a minimum of
curvature λ at a distance :math:`\sim\sqrt{\eta\sigma^2/2\lambda}` (the temperature :math:`T = \eta\sigma^2/2`),
which annealing shrinks but does not remove within a few hundred steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from optim import OPTIMIZERS, run
from scenes.basins import DIVERGED, label_ends
from scenes.outcome import NEAR
from scenes.scene import RunSpec, Scene
from surfaces import SURFACES, Surface

DEFAULT_SURFACE = "six_hump_camel"  # two global minima, four local ones: the sweep rises from 0 to ~60% and falls
DEFAULT_STEPS = 1000
ESCAPE_TOL = NEAR  # fraction of the span: "in" a minimum (see the module docstring)
START_OFFSET = 0.02  # fraction of the span between the local minimum and the start, away from the global minimum
NOISE_DECADES = (-2.0, 2.0)  # the noise sweep: 10^-2 .. 10^2 times noise_scale
BETA_MAX = 0.99


# -- the start and the scene ----------------------------------------------------------------------------------------
def local_start(surface: Surface) -> tuple[float, float] | None:
    """A start inside the deepest local (non-global) minimum's basin: the minimum moved START_OFFSET of the span
    away from the nearest global minimum, so a run visibly settles into it. None without a local minimum."""
    local = [p for p in surface.minima if p.kind != "global"]
    if not local or not surface.global_minima:
        return None
    trap = min(local, key=lambda p: p.value)  # the deepest trap: it looks almost as good as the global minimum
    g = min(surface.global_minima, key=lambda p: math.hypot(p.x - trap.x, p.y - trap.y))
    d = math.hypot(trap.x - g.x, trap.y - g.y)
    step = START_OFFSET * surface.span / d
    return float(trap.x + step * (trap.x - g.x)), float(trap.y + step * (trap.y - g.y))


def escape_scene(surface: str = DEFAULT_SURFACE, steps: int = DEFAULT_STEPS, seed: int = 0) -> Scene:
    """The lab's scene: SGD with the registry's defaults from the surface's local start (its default start if none)."""
    return Scene(
        surface=surface, runs=(RunSpec.default("sgd"),), start=local_start(SURFACES[surface]), steps=steps, seed=seed
    )


# -- labelling runs ------------------------------------------------------------------------------------------------
def _minima(surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([[p.x, p.y] for p in surface.minima], np.float64).reshape(-1, 2),
        np.array([p.kind == "global" for p in surface.minima], bool),
    )


def end_labels(surface: Surface, ends: np.ndarray, diverged_at: np.ndarray) -> np.ndarray:
    """:func:`scenes.basins.label_ends` with the looser ESCAPE_TOL: a noisy run jitters about its minimum."""
    return label_ends(surface, ends, diverged_at, tol=ESCAPE_TOL)


def steps_to_global(surface: Surface, xy: np.ndarray, steps: np.ndarray, diverged_at: np.ndarray) -> np.ndarray:
    """(M,) the escape time: the first recorded step at which each path (M, R, 2) came within ESCAPE_TOL of the span
    of a global minimum (``steps`` (R,) the recorded steps), for the paths that also end there; -1 for the others
    (and where a run diverged). Not "stays from then on": a noisy run keeps stepping in and out of the tolerance."""
    mins, is_global = _minima(surface)
    if not is_global.any():
        return np.full(len(xy), -1)
    targets, tol2 = mins[is_global], (ESCAPE_TOL * surface.span) ** 2

    def near(p: np.ndarray) -> np.ndarray:  # (..., 2) -> (...): within the tolerance of a global minimum
        d2 = [(p[..., 0] - x) ** 2 + (p[..., 1] - y) ** 2 for x, y in targets]  # squared: no root to take
        return np.logical_or.reduce([d <= tol2 for d in d2])  # NaN compares False

    out = np.full(len(xy), -1, np.int64)
    ends = np.nonzero(near(np.asarray(xy[:, -1], np.float64)) & (diverged_at < 0))[0]  # only they can have escaped
    if ends.size:
        out[ends] = steps[np.argmax(near(np.asarray(xy[ends], np.float64)), axis=1)]
    return out


@dataclass(frozen=True)
class Stats:
    """Per level of a sweep: shares of the seeds that ended in a global minimum, in a local one, diverged, and the
    median steps to the global minimum among those that reached it (NaN if none did)."""

    share: np.ndarray  # (levels,)
    share_local: np.ndarray  # (levels,)
    diverged: np.ndarray  # (levels,)
    steps: np.ndarray  # (levels,) float: median escape time (steps_to_global), NaN where none escaped


def _stats(surface: Surface, xy: np.ndarray, rec: np.ndarray, diverged_at: np.ndarray, levels: int) -> Stats:
    _, is_global = _minima(surface)
    labels = end_labels(surface, xy[:, -1], diverged_at).reshape(levels, -1)
    found = labels >= 0
    kind = np.where(found, is_global[np.where(found, labels, 0)] if len(is_global) else False, False)
    reached = steps_to_global(surface, xy, rec, diverged_at).reshape(levels, -1).astype(np.float64)
    reached[reached < 0] = np.nan
    with np.errstate(all="ignore"):
        steps = np.array([np.median(r[np.isfinite(r)]) if np.isfinite(r).any() else np.nan for r in reached])
    return Stats((found & kind).mean(axis=1), (found & ~kind).mean(axis=1), (labels == DIVERGED).mean(axis=1), steps)


# -- noise ---------------------------------------------------------------------------------------------------------
def noise_scale(surface: Surface, learning_rate: float) -> float:
    r"""The noise variance whose temperature :math:`T = \eta\sigma^2/2` is half the surface's typical height above
    its minimum (the median of f over a grid minus its minimum): :math:`\sigma^2 = \Delta f / \eta`."""
    _, _, z = surface.grid(100)
    z = np.asarray(z, np.float64)
    z = z[np.isfinite(z)]
    return float((np.median(z) - z.min()) / learning_rate)


def noise_levels(scene: Scene, levels: int = 16) -> np.ndarray:
    """(levels,) noise variances, log-spaced over NOISE_DECADES around noise_scale."""
    lr = scene.runs[0].hyper_dict()["learning_rate"]
    return (noise_scale(scene.surface_obj, lr) * np.logspace(*NOISE_DECADES, levels)).astype(np.float32)


@dataclass(frozen=True)
class NoiseSweep:
    scene: Scene
    noise: np.ndarray  # (levels,) the noise variance σ₀² (SGD's ``eta``) at the first step
    share: np.ndarray  # (levels,) fraction of the seeds ending in a global minimum
    share_local: np.ndarray  # (levels,) ... in a local minimum
    diverged: np.ndarray  # (levels,)
    steps: np.ndarray  # (levels,) median escape time (steps_to_global) of the seeds that reached it, NaN if none
    annealed: bool  # the scene's γ (the variance decays as (1+t)^-γ) if True, else γ = 0: constant noise


def noise_sweep(scene: Scene, *, seeds: int = 64, levels: int = 16, annealed: bool = True) -> NoiseSweep:
    r"""SGD, :math:`\theta_{t+1} = \theta_t - \eta(\nabla f + \xi_t)`, :math:`\xi_t \sim N(0, \sigma_0^2/(1+t)^\gamma)`,
    from the scene's start for ``seeds`` seeded runs at each of ``levels`` noise variances: one call of levels·seeds
    runs (run i draws its noise from fold_in(key(scene.seed), i)). Learning rate and γ from the scene's first run
    when it is SGD (registry defaults otherwise); γ = 0 when not ``annealed``."""
    spec = scene.runs[0]
    hyper = spec.hyper_dict() if spec.optimizer == "sgd" else OPTIMIZERS["sgd"].defaults()
    sgd_scene = replace(scene, runs=(RunSpec("sgd", tuple(sorted(hyper.items()))),))
    noise = noise_levels(sgd_scene, levels)
    hyper = {**hyper, "eta": np.repeat(noise, seeds), "gamma": hyper["gamma"] if annealed else 0.0}
    surface = scene.surface_obj
    tr = run(
        surface,
        "sgd",
        start=scene.start_point,
        steps=scene.steps,
        seed=scene.seed,
        **{k: np.asarray(v, np.float32) for k, v in hyper.items()},
    )
    s = _stats(surface, tr.xy, tr.steps, tr.diverged_at, levels)
    return NoiseSweep(sgd_scene, noise, s.share, s.share_local, s.diverged, s.steps, annealed)


# -- momentum ------------------------------------------------------------------------------------------------------
def beta_grid(levels: int = 20) -> np.ndarray:
    """(levels,) β from 0 to BETA_MAX, denser near 1: 1 − β log-spaced from 1 to 1 − BETA_MAX."""
    return (1.0 - np.geomspace(1.0, 1.0 - BETA_MAX, levels)).astype(np.float32)


def jittered_starts(scene: Scene, n: int, jitter: float) -> np.ndarray:
    """(n, 2) the scene's start plus Gaussian offsets of std jitter·span (NumPy RNG seeded with scene.seed)."""
    rng = np.random.default_rng(scene.seed)
    return np.asarray(scene.start_point) + jitter * scene.surface_obj.span * rng.standard_normal((n, 2))


@dataclass(frozen=True)
class BetaSweep:
    scene: Scene
    betas: np.ndarray  # (levels,) ascending from 0
    share: np.ndarray  # (levels,) fraction of the jittered starts ending in a global minimum
    share_local: np.ndarray  # (levels,)
    diverged: np.ndarray  # (levels,)
    steps: np.ndarray  # (levels,) median escape time (steps_to_global) among those that reached it, NaN if none
    jitter: float  # the starts' std as a fraction of the span


def beta_sweep(scene: Scene, *, seeds: int = 64, levels: int = 20, jitter: float = 0.1) -> BetaSweep:
    r"""The heavy ball, :math:`m_t = \nabla f + \beta m_{t-1}`, :math:`\theta_{t+1} = \theta_t - \eta m_t`, from
    ``seeds`` jittered copies of the scene's start at each β of :func:`beta_grid`: one call of levels·seeds runs.
    Learning rate from the scene's first run when it is the heavy ball (the registry's default otherwise). The
    starts are spread over the basin's slopes (default std 10% of the span): at rest at its bottom the heavy ball has
    no energy to climb out with (six-hump camel: 0% escape at jitter 2%, 5% → 44% from β = 0 to 0.99 at 10%)."""
    spec = scene.runs[0]
    hyper = spec.hyper_dict() if spec.optimizer == "momentum" else OPTIMIZERS["momentum"].defaults()
    mom_scene = replace(scene, runs=(RunSpec("momentum", tuple(sorted(hyper.items()))),))
    betas = beta_grid(levels)
    starts = np.tile(jittered_starts(scene, seeds, jitter), (levels, 1)).astype(np.float32)  # level-major
    surface = scene.surface_obj
    tr = run(
        surface,
        "momentum",
        start=starts,
        steps=scene.steps,
        seed=scene.seed,
        learning_rate=np.float32(hyper["learning_rate"]),
        momentum=np.repeat(betas, seeds),
    )
    s = _stats(surface, tr.xy, tr.steps, tr.diverged_at, levels)
    return BetaSweep(mom_scene, betas, s.share, s.share_local, s.diverged, s.steps, float(jitter))


# -- random restarts -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Restarts:
    scene: Scene  # the rule that runs from each restart
    p: float  # share of all restarts that reached a global minimum
    k: np.ndarray  # (max_restarts,) 1 .. max_restarts
    measured: np.ndarray  # (max_restarts,) fraction of trials where one of the first k restarts succeeded
    theory: np.ndarray  # (max_restarts,) 1 − (1 − p)^k
    trials: int


def restarts(scene: Scene, *, max_restarts: int = 20, trials: int = 256, optimizer: str = "gd") -> Restarts:
    r"""Random restarts: ``trials`` sequences of ``max_restarts`` starts drawn uniformly over the domain (NumPy RNG
    seeded with scene.seed), all run in one call; success probability after k independent restarts
    :math:`1 - (1 - p)^k`. The rule's hyperparameters from the scene's first run when it is ``optimizer``."""
    spec = scene.runs[0]
    hyper = spec.hyper_dict() if spec.optimizer == optimizer else OPTIMIZERS[optimizer].defaults()
    surface = scene.surface_obj
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(scene.seed)
    starts = rng.uniform((x0, y0), (x1, y1), (trials * max_restarts, 2)).astype(np.float32)
    tr = run(
        surface,
        optimizer,
        start=starts,
        steps=scene.steps,
        record_every=scene.steps,
        seed=scene.seed,
        **{k: np.float32(v) for k, v in hyper.items()},
    )
    _, is_global = _minima(surface)
    labels = end_labels(surface, tr.xy[:, -1], tr.diverged_at)
    ok = (labels >= 0) & (is_global[np.maximum(labels, 0)] if len(is_global) else False)
    ok = ok.reshape(trials, max_restarts)
    k = np.arange(1, max_restarts + 1)
    p = float(ok.mean())
    measured = np.logical_or.accumulate(ok, axis=1).mean(axis=0)
    return Restarts(
        replace(scene, runs=(RunSpec(optimizer, tuple(sorted(hyper.items()))),)),
        p,
        k,
        measured,
        1.0 - (1.0 - p) ** k,
        trials,
    )


# -- the animated race ---------------------------------------------------------------------------------------------
EXAMPLE_NOISE = (0.3, 2.0, 5.0)  # times noise_scale: stays, may escape, escapes (six-hump camel, seed 0)
EXAMPLE_BETA = 0.95


def examples(scene: Scene, noise_levels: tuple[float, ...] | None = None) -> Scene:
    """A race from the scene's start: GD (settles in the local minimum), annealed SGD at each noise variance
    (default EXAMPLE_NOISE times noise_scale) and the heavy ball at β = EXAMPLE_BETA; at most MAX_RUNS racers."""
    spec = scene.runs[0]
    sgd = spec.hyper_dict() if spec.optimizer == "sgd" else OPTIMIZERS["sgd"].defaults()
    lr = sgd["learning_rate"]
    if noise_levels is None:
        noise_levels = tuple(float(f * noise_scale(scene.surface_obj, lr)) for f in EXAMPLE_NOISE)
    mom = {**OPTIMIZERS["momentum"].defaults(), "momentum": EXAMPLE_BETA}
    runs = (
        RunSpec("gd", (("learning_rate", float(lr)),)),
        *(RunSpec("sgd", tuple(sorted({**sgd, "eta": float(v)}.items()))) for v in noise_levels[:4]),
        RunSpec("momentum", tuple(sorted(mom.items()))),
    )
    return replace(scene, runs=runs)
