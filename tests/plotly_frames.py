"""What plotly.js shows for an animation frame: its `computeFrame` (baseframe chains merged) applied to the figure."""

from __future__ import annotations

import base64

import numpy as np


def decode(v):
    """A typed-array spec {dtype, bdata} or a list, as a NumPy array."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]).newbyteorder("<"))
    return np.asarray(v, dtype=float)


def compute_frame(fig: dict, name: str) -> dict[int, dict]:
    """trace index -> merged trace update for frame `name`, following `baseframe` like plotly.js."""
    frames = {f["name"]: f for f in fig["frames"]}
    stack, seen = [frames[name]], {name}
    while stack[-1].get("baseframe") in frames and stack[-1]["baseframe"] not in seen:
        seen.add(stack[-1]["baseframe"])
        stack.append(frames[stack[-1]["baseframe"]])
    merged: dict[int, dict] = {}
    for f in reversed(stack):
        traces = f.get("traces", list(range(len(f["data"]))))
        for i, d in zip(traces, f["data"], strict=True):
            merged.setdefault(i, {}).update(d)
    return merged


def shown_data(fig: dict, name: str) -> list[dict]:
    """Every trace's data as displayed at that frame."""
    merged = compute_frame(fig, name)
    return [{**t, **merged.get(i, {})} for i, t in enumerate(fig["data"])]
