"""Every program a section's controls reach in one move from its defaults is in the warm-up (issue 13): a class's
first use of any control on a server started with ``make run`` loads its programs from the primed cache, never waits
for a compile.

Per section: the page opened at the section's defaults (an AppTest), every compiled program and every cached result
let go, then each of its own controls moved one step away, one at a time (other options of a choice, a racer added
or removed, a toggle flipped, a slider or a number one notch down and up), so that each program a move needs is
looked up in JAX's persistent cache; each of those must be one the install step primed (``lab.warmup.PROGRAMS``,
written by ``python -m lab warm``). A long menu (the surfaces) is moved to a few of its options spread over it: the
warm-up loops over every menu, the test checks the loop. A typed formula compiles its own programs by nature: its
text box is not moved (the formula menu entry's example is).

The controls come from the page's own table (``widget_values`` of the section's state), not from the warm-up's lists,
so a control the warm-up forgot fails here."""

from __future__ import annotations

import pytest
import streamlit as st
from pages import open_link, widget
from streamlit.proto.WidgetStates_pb2 import WidgetState

from lab import warmup
from lab.pages import PAGES
from links import section_param

pytestmark = pytest.mark.xdist_group("programs")  # one worker primes the cache once and moves every section

# Trajectories' sections are its views, and the side-by-side one draws both others' charts: its moves reach every
# program theirs do.
SECTIONS = [(name, s) for name, p in PAGES.items() for s in p.link.SECTIONS if name != "trajectories" or s == "both"]
SAMPLE = 4  # options of a long menu moved to (evenly spread, the last among them): the warm-up loops over each menu


@pytest.fixture(scope="module")
def primed() -> dict[str, str]:
    """The programs the install step primed (priming the cache first if this checkout's is not)."""
    if not warmup.primed():
        warmup.prime(say=lambda _: None)
    programs = warmup.primed_programs()
    assert programs, "the warm-up primed no program"
    return programs


def let_go() -> None:
    """Every compiled program and every result computed by one: the pages' caches and the engine's own."""
    st.cache_data.clear()
    warmup.let_go()


def section_link(page: str, section: str) -> dict[str, str]:
    link = PAGES[page].link
    if page == "trajectories":  # its sections are the views
        return {} if section == link.SECTIONS[0] else {"view": section}
    return section_param(section, link.SECTIONS, link.SHORT)


def moves(w) -> list[object]:
    """The values one move away from the control's: every other option of a choice, each racer added or removed,
    the other state of a toggle, one notch up and down on a slider or a number box. A choice's values are its
    labels (what the browser sends, and all AppTest knows of its options)."""
    kind = type(w).__name__
    if kind in ("Selectbox", "Radio"):
        return sample([[o] for i, o in enumerate(w.options) if i != w.index])
    if kind == "ButtonGroup":
        return [[o] for o in w.options if [o] != list(w.formatted_values)]
    if kind == "SelectSlider":
        i = w.options.index(str(w.format_func(w.value)))
        return [[w.options[j]] for j in (i - 1, i + 1) if 0 <= j < len(w.options)]
    if kind == "Multiselect":
        chosen = list(w.values)
        most = w.max_selections or len(w.options)
        added = sample([[*chosen, o] for o in w.options if o not in chosen]) if len(chosen) < most else []
        removed = [[c for c in chosen if c != o] for o in chosen] if len(chosen) > 1 else []
        return added + removed
    if kind in ("Toggle", "Checkbox"):
        return [not w.value]
    if kind in ("Slider", "NumberInput"):
        step = w.step or 1
        return [v for v in (w.value - step, w.value + step) if w.min <= v <= w.max]
    raise AssertionError(f"no moves for a {kind}")


def sample(values: list) -> list:
    """At most SAMPLE of ``values``, evenly spread, the last among them (a surface menu's formula)."""
    if len(values) <= SAMPLE:
        return values
    return [values[round(i * (len(values) - 1) / (SAMPLE - 1))] for i in range(SAMPLE)]


def move(w, value) -> None:
    """Set the control as the browser would: a choice to the options labelled ``value``, anything else to it."""
    if not isinstance(value, list):
        w.set_value(value)
        return
    single = type(w).__name__ in ("Selectbox", "Radio")

    class Moved(type(w)):
        @property
        def _widget_state(self) -> WidgetState:
            ws = WidgetState()
            ws.id = self.id
            if single:
                ws.string_value = value[0]
            else:
                ws.string_array_value.data[:] = value
            return ws

    w.__class__ = Moved


@pytest.mark.live_drag  # the live drag's ladders are programs a move needs too
@pytest.mark.parametrize(("page", "section"), SECTIONS)
def test_every_program_a_sections_controls_reach_is_primed(page, section, primed):
    link = section_link(page, section)
    at = open_link(page, link)
    keys = list(PAGES[page].link.widget_values(PAGES[page].link.decode(link)[0]))
    let_go()  # from here on, each move computes its results and looks up each program it needs
    missing: dict[str, set[str]] = {}
    with warmup.programs_looked_up() as looked:
        at.run()  # the section's defaults, computed anew
        assert not at.exception, at.exception
        missing["the section's defaults"] = {name for k, name in looked.items() if k not in primed}
        for key in keys:
            try:
                w = widget(at, key)
            except KeyError:  # not shown in this state (the noise seed without a noisy racer)
                continue
            if type(w).__name__ in ("TextInput", "TextArea"):
                continue
            was = w.value
            for value in moves(w):
                before = set(looked)
                move(widget(at, key), value)
                at.run()
                assert not at.exception, (key, value, at.exception)
                missing[f"{key} → {value}"] = {looked[k] for k in set(looked) - before if k not in primed}
            widget(at, key).set_value(was)  # the next control moves from the defaults (a control's own moves
            at.run()  # each land where a move from its default would: its other values)
    missing = {move: names for move, names in missing.items() if names}
    assert not missing, f"{len(missing)} moves compile: {missing}"
