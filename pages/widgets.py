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


def hyper_sliders(optimizer, prefix: str) -> dict[str, float]:
    """One slider per tunable hyperparameter of a registry optimizer; the others keep their defaults."""
    values = {}
    for h in optimizer.hypers:
        if h.slider:
            name = NAMES.get(h.name, h.name.replace("_", " "))
            values[h.name] = value_slider(f"${h.label}$ {name}", h.lo, h.hi, h.log, h.default,
                                          key=f"{prefix}.{h.name}", help=h.help or None)
    return values
