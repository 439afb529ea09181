"""The values a slider offers for a hyperparameter or a surface parameter: pure, so pages and tests share them."""

from __future__ import annotations

import math

import numpy as np

MANTISSAS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)  # ten steps a decade: 2/L is rarely far
BETAS = (
    0.0,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.75,
    0.8,
    0.85,
    0.9,
    0.925,
    0.95,
    0.97,
    0.98,
    0.99,
    0.995,
    0.999,
    0.9995,
    0.9999,
)


def log_grid(lo: float, hi: float) -> list[float]:
    vals = []
    for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in MANTISSAS:
            v = float(f"{m * 10.0**e:.6g}")
            if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9):
                vals.append(v)
    return vals


def linear_grid(lo: float, hi: float) -> list[float]:
    if lo >= 0 and hi <= 1:  # a decay or momentum coefficient: finer towards 1, where it matters
        return [b for b in BETAS if lo <= b <= hi]
    return [float(f"{v:.6g}") for v in np.linspace(lo, hi, 41)]


def options(lo: float, hi: float, log: bool, default: float) -> list[float]:
    """Sorted slider values over [lo, hi], always including the default."""
    vals = log_grid(lo, hi) if log else linear_grid(lo, hi)
    return sorted(set(vals) | {float(default)})


def nearest(values: list[float], v: float, log: bool) -> float:
    """The offered value closest to v (on a log scale for log sliders)."""
    a = np.asarray(values)
    d = np.abs(np.log(a) - math.log(v)) if log and v > 0 else np.abs(a - v)
    return float(a[int(np.argmin(d))])
