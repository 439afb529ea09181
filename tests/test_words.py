"""Words as a class reads them: link notices in plain words, counts that agree, no machine noise printed as values,
short outcome lines, one meaning per symbol."""

from __future__ import annotations

import re

import pytest

from lab.pages import PAGES

# What Python says when a conversion fails: never shown to a class.
PYTHON_TEXT = re.compile(
    r"invalid literal|could not convert|base 10|int\(\)|float\(\)|NoneType|unsupported operand|not supported between"
    r"|object has no|Traceback|Error\b|argument"
)

BAD_VALUES = ("abc", "5.5", "", "1e999", "nan", "-1", "9" * 30, "1,2,3", "0x10", "∞", "true")
# the parameters each page reads, beside the Scene's (steps, seed, start, opt, surface, a racer's, a schedule's)
PAGE_KEYS = {
    "trajectories": ("view",),
    "learning_rate": ("section", "lr", "beta"),
    "minima": ("section", "grid", "anneal", "saddle", "eps"),
    "networks": ("section", "widths", "noise", "n", "act", "bn", "data_seed", "step", "strength", "scale", "l2"),
}
SCENE_KEYS = (
    "steps",
    "seed",
    "start",
    "opt",
    "surface",
    "domain",
    "gd.learning_rate",
    "adam.b1",
    "s.kappa",
    "gd.schedule",
    "momentum.momentum",
)
SECTIONS = {"learning_rate": ("sweep", "phase"), "minima": ("basins", "escape", "saddles"), "networks": ("train",)}


def _cases():
    for page, own in PAGE_KEYS.items():
        for section in (None, *SECTIONS.get(page, ())):
            for key in (*SCENE_KEYS, *own):
                for value in BAD_VALUES:
                    q = {key: value} if section is None or key == "section" else {"section": section, key: value}
                    if key == "gd.schedule":
                        q[key] = f"cosine,decay_steps={value}"
                    if key == "s.kappa":
                        q["surface"] = "quadratic"
                    if key == "domain":
                        q |= {"surface": "custom", "f": "x^2 + y^2"}
                    yield page, q


CASES = list(_cases())


@pytest.mark.parametrize("page", list(PAGE_KEYS))
def test_link_notices_are_plain_words_never_pythons(page):
    """Every bad value of every parameter a page reads: a notice in words (what the control accepts), never Python's
    exception text such as "invalid literal for int() with base 10"."""
    link = PAGES[page].link
    seen = 0
    for _, q in (c for c in CASES if c[0] == page):
        state, notices = link.decode(q)
        for n in notices:
            assert not PYTHON_TEXT.search(n), (q, n)
            assert "could not be used together" not in n, (q, n)  # a reader caught it, not the last line of defence
        seen += len(notices)
    assert seen > 50


@pytest.mark.parametrize(
    "page, q, notice",
    [
        (
            "trajectories",
            {"steps": "abc"},
            "steps='abc' in the link: steps must be a whole number from 10 to 2000; using 300",
        ),
        ("trajectories", {"steps": "5.5"}, "steps must be a whole number from 10 to 2000; using 300"),
        (
            "trajectories",
            {"steps": "123"},
            "steps=123 in the link: steps must be one of 10, 20, … 2,000 here; using 300",
        ),
        ("trajectories", {"seed": "x"}, "seed must be a whole number from 0 to 2147483647; using 0"),
        (
            "trajectories",
            {"gd.learning_rate": "fast"},
            "gd.learning_rate must be a number from 0.0001 to 1; using 0.01",
        ),
        ("trajectories", {"start": "a,b"}, "start must be 2 finite numbers separated by commas; using the surface's"),
        (
            "trajectories",
            {"gd.schedule": "cosine,decay_steps=abc"},
            "decay_steps must be a whole number; using a constant rate",
        ),
        ("trajectories", {"surface": "nope"}, "surface must be one of quadratic,"),
        ("learning_rate", {"section": "zz"}, "this page has Sweep, Regimes, Phase diagram, Momentum; using Sweep"),
        ("minima", {"grid": "q"}, "grid must be one of 100, 200, 300, 400, 600; using 200"),
        ("networks", {"section": "train", "bn": "maybe"}, "bn must be 1 (on) or 0 (off); using 0"),
    ],
)
def test_a_refused_value_says_what_the_control_accepts_and_what_is_used(page, q, notice):
    _, notices = PAGES[page].link.decode(q)
    assert any(notice in n for n in notices), notices


def test_a_count_of_one_is_singular_in_notices():
    _, notices = PAGES["minima"].link.decode({"section": "saddles", "surface": "saddle", "saddle": "3"})
    assert any("has 1 saddle point," in n for n in notices), notices
