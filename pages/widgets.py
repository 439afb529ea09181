"""Widget helpers shared by the pages: each draws one control and returns a plain value."""

from __future__ import annotations

import streamlit as st

from scenes.controls import nearest, options
from scenes.text import NAMES, num


def value_slider(label: str, lo: float, hi: float, log: bool, default: float, key: str, help: str | None = None):
    """A select-slider over nice values (log-spaced for learning rates); arrow keys step through them."""
    opts = options(lo, hi, log, default)
    if st.session_state.get(key) not in opts:  # first visit, or a value from elsewhere: snap to the grid
        st.session_state[key] = nearest(opts, st.session_state.get(key, default), log)
    return st.select_slider(label, options=opts, key=key, format_func=num, help=help)


def param_slider(p, prefix: str) -> float:
    """A slider for a registry parameter (an optimizer's Hyper or a surface's SurfaceParam): symbol, name, range."""
    name = NAMES.get(p.name, p.name.replace("_", " "))
    return value_slider(f"${p.label}$ {name}", p.lo, p.hi, p.log, p.default, key=f"{prefix}.{p.name}",
                        help=getattr(p, "help", "") or None)


def hyper_sliders(optimizer, prefix: str) -> dict[str, float]:
    """One slider per tunable hyperparameter of a registry optimizer; the others keep their defaults."""
    return {h.name: param_slider(h, prefix) for h in optimizer.hypers if h.slider}
