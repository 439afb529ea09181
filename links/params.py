"""A page's own settings in its link and in its controls: one row per setting (a :class:`Param`), read from a link,
written to one, and put into the control that shows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from links.scene import PAGE_PARAMS, Query, read_bounded, read_integer, refused


@dataclass(frozen=True)
class Param:
    """One page setting: the state's attribute ``name``, its query ``key``, what it means, how its text is read from
    a link (a ValueError says why it is refused: what the control offers) and written, and the control that shows it
    (``widget``: its key after the page's or section's prefix, the query key if None; ``shown``: the value as the
    control holds it)."""

    name: str
    key: str
    doc: str
    read: Callable[[str], object]
    write: Callable[[object], str] = str
    widget: str | None = None
    shown: Callable[[object], object] = lambda v: v

    @property
    def control(self) -> str:
        return self.key if self.widget is None else self.widget


def choice(options) -> Callable[[str], str]:
    """A reader that accepts one of ``options`` (case-insensitive)."""
    by_lower = {str(o).lower(): o for o in options}

    def read(text: str):
        if text.lower() not in by_lower:
            raise ValueError(f"must be one of {', '.join(map(str, options))}")
        return by_lower[text.lower()]

    return read


def number(lo: float, hi: float) -> Callable[[str], float]:
    return lambda text: read_bounded(text, lo, hi)


def integer(lo: int, hi: int) -> Callable[[str], int]:
    return lambda text: read_integer(text, lo, hi)


def flag(text: str) -> bool:
    if text.lower() in ("1", "true", "on", "yes"):
        return True
    if text.lower() in ("0", "false", "off", "no"):
        return False
    raise ValueError("must be 1 (on) or 0 (off)")


def write_flag(v) -> str:
    return "1" if v else "0"


def read_params(q: Query, table: tuple[Param, ...], values: dict, notices: list[str]) -> dict:
    """``values`` (the defaults) updated by the link's parameters of ``table``; a refused one keeps its default."""
    values = dict(values)
    for p in table:
        if p.key in q:
            try:
                values[p.name] = p.read(q[p.key])
            except ValueError as e:
                kept = values.get(p.name)
                notices.append(refused(p.key, q[p.key], str(e), None if kept is None else p.write(kept)))
    return values


def write_params(values: dict, table: tuple[Param, ...], defaults: dict) -> Query:
    """The link's parameters for ``values``: each of ``table`` that differs from ``defaults``."""
    return {p.key: p.write(values[p.name]) for p in table if values[p.name] != defaults.get(p.name)}


def unknown_params(q: Query, known) -> list[str]:
    """A notice for each parameter the page does not read."""
    known = set(known) | set(PAGE_PARAMS)
    return [f"the link's {k!r} means nothing here and was ignored" for k in q if k not in known]


def control_values(values: dict, table: tuple[Param, ...], prefix: str) -> dict[str, object]:
    """``{widget key: value as the control holds it}`` for the settings of ``table`` in ``values``."""
    return {prefix + p.control: p.shown(values[p.name]) for p in table}
