"""Scene: everything needed to redraw one figure, as a frozen (hashable, cacheable) value."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from optim import OPTIMIZERS
from optim.schedules import Schedule
from surfaces import SURFACES, Surface, from_formula

CUSTOM = "custom"  # the surface key of a lecturer's formula (Scene.formula holds it)
MAX_RUNS = 6
STEP_RANGE = (10, 2000)
DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
# The opening race: every racer at one learning rate on the ill-conditioned quadratic (κ = 10) from (−1.8, 1.2), so
# what momentum and Adam buy shows: there momentum reaches the minimum in 119 steps, Adam in 314, gradient descent in
# 405 (in this order for η from 0.0125 to 0.02 and starts nearby; tests/test_lessons.py). On Himmelblau, with its
# well-conditioned minima, plain gradient descent wins at any shared rate. 0.025 would widen the margins (111, 158,
# 242 in 300 steps) but is too large for Himmelblau's sharpest minima: a lecturer who switched surface would see
# gradient descent bounce and momentum diverge there; at 0.015 the only new divergences over the catalogue are
# momentum's on Beale and Rosenbrock.
DEFAULT_SURFACE = "quadratic"
RACE_LEARNING_RATE = 0.015
RACE_STEPS = 500

Items = tuple[tuple[str, float], ...]


def _items(d: dict[str, float]) -> Items:
    return tuple(sorted((k, float(v)) for k, v in d.items()))


@dataclass(frozen=True)
class RunSpec:
    """One racer: an optimizer, its hyperparameter values and its learning-rate schedule (None: constant)."""

    optimizer: str
    hyper: Items = ()
    schedule: Schedule | None = None

    @classmethod
    def default(cls, key: str) -> RunSpec:
        return cls(key, _items(OPTIMIZERS[key].defaults()))

    @property
    def spec(self):
        return OPTIMIZERS[self.optimizer]

    def hyper_dict(self) -> dict[str, float]:
        return {**self.spec.defaults(), **dict(self.hyper)}


def default_runs() -> tuple[RunSpec, ...]:
    """The opening race's racers: the registry's defaults but one shared learning rate."""
    shared = {"learning_rate": RACE_LEARNING_RATE}
    return tuple(RunSpec(k, _items({**OPTIMIZERS[k].defaults(), **shared})) for k in DEFAULT_OPTIMIZERS)


@dataclass(frozen=True)
class Scene:
    """The Trajectories page's state: a surface, racers from one start, a number of steps."""

    surface: str = DEFAULT_SURFACE
    surface_params: Items = ()
    runs: tuple[RunSpec, ...] = field(default_factory=default_runs)
    start: tuple[float, float] | None = None  # None: the surface's first instructive start
    steps: int = RACE_STEPS
    seed: int = 0
    formula: tuple[str, tuple[tuple[float, float], tuple[float, float]]] | None = None  # (text, domain) for CUSTOM

    def __post_init__(self):
        if self.surface == CUSTOM:
            if self.formula is None:
                raise ValueError("a custom surface needs its formula and domain")
        elif self.surface not in SURFACES:
            raise ValueError(f"unknown surface {self.surface!r}")
        if not 1 <= len(self.runs) <= MAX_RUNS:
            raise ValueError(f"choose between 1 and {MAX_RUNS} optimizers")
        for r in self.runs:
            if r.optimizer not in OPTIMIZERS:
                raise ValueError(f"unknown optimizer {r.optimizer!r}")
        if not STEP_RANGE[0] <= self.steps <= STEP_RANGE[1]:
            raise ValueError(f"steps must lie in {STEP_RANGE}")

    @property
    def surface_obj(self) -> Surface:
        if self.surface == CUSTOM:
            return from_formula(self.formula[0], self.formula[1])
        return SURFACES[self.surface].with_params(**dict(self.surface_params))

    @property
    def start_point(self) -> tuple[float, float]:
        return tuple(float(v) for v in self.start) if self.start is not None else self.surface_obj.default_start

    def with_surface(self, key: str) -> Scene:
        """The same racers on another surface, from that surface's default start."""
        return replace(self, surface=key, surface_params=(), start=None, formula=None)
