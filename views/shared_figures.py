"""Figures shared by every session of the server process (``views.common.chart(..., shared=True)``): a figure whose
memo names it for everyone (a class round's preview at the round's opening values, the same for a whole class) is
built and serialised once, then handed to each session as the same figure and text. The newest MOST are kept."""

from __future__ import annotations

import collections
import threading

MOST = 64
_kept: collections.OrderedDict = collections.OrderedDict()  # key -> (figure, text), the least recently used first
_lock = threading.Lock()  # sessions run in threads of one process


def get(key) -> tuple | None:
    with _lock:
        hit = _kept.get(key)
        if hit is not None:
            _kept.move_to_end(key)
        return hit


def put(key, figure, text: str) -> None:
    with _lock:
        _kept[key] = (figure, text)
        _kept.move_to_end(key)
        while len(_kept) > MOST:
            _kept.popitem(last=False)


def keys() -> list:
    with _lock:
        return list(_kept)
