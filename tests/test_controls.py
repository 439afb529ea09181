"""The tables of controls of the pages whose state is a Scene (links/controls.py's Control rows): each row's default is
offered, a link is held to what the rows offer, and each page draws its controls as its rows say."""

from __future__ import annotations

import pytest

from lab.pages import DEFAULT, PAGES
from links.controls import by_field
from optim import OPTIMIZERS
from tests.pages import open_link, widget

SCENE_PAGES = ("trajectories", "learning_rate", "minima")
CASES = [(page, s) for page in SCENE_PAGES for s in (PAGES[page].sections if page != DEFAULT else (None,))]
IDS = [f"{p}-{s}" for p, s in CASES]


def rows(page: str, section: str | None):
    link = PAGES[page].link
    return link.CONTROLS if section is None else link.controls(section)


def query(section: str | None, **more) -> dict[str, str]:
    return ({} if section is None else {"section": section}) | more


@pytest.mark.parametrize("page, section", CASES, ids=IDS)
def test_each_row_offers_its_default_and_names_its_own_widget(page, section):
    table = rows(page, section)
    assert len({c.widget for c in table}) == len(table) and len({c.field for c in table}) == len(table)
    assert all(c.widget.startswith("" if page == DEFAULT else f"{page}.") for c in table)
    assert {"surface", "steps"} <= set(by_field(table))
    scene = PAGES[page].link.decode(query(section))[0].scene  # the bare link: the section's defaults
    for c in table:
        default = list(c.default) if c.input == "multi" else c.default[0] if c.field == "runs" else c.default
        assert c.refuses(c.default if c.field != "runs" else tuple(c.default)) is None, c
        assert c.shown(scene) == default, c  # the control's default is what the page shows before anything moves


@pytest.mark.parametrize("page, section", CASES, ids=IDS)
def test_a_link_is_held_to_what_each_row_offers(page, section):
    link = PAGES[page].link
    default = link.decode(query(section))[0].scene
    for c in (c for c in rows(page, section) if c.field in ("steps", "seed")):
        bad = [c.hi + c.by] + ([c.lo + 1] if c.by > 1 else [])
        for value in bad:
            state, notices = link.decode(query(section, opt="sgd", **{c.key: str(value)}))
            assert getattr(state.scene, c.field) == getattr(default, c.field), (c, value)
            assert any(f"{c.key}={value}" in n or f"{c.key}='{value}'" in n for n in notices), notices


def test_a_section_without_a_seed_says_so():
    state, notices = PAGES["minima"].link.decode({"seed": "3"})
    assert state.scene.seed == 0 and any("has no seed" in n for n in notices)


@pytest.mark.parametrize("page", SCENE_PAGES)
def test_the_page_draws_each_row_as_its_table_says(page):
    for section in PAGES[page].sections if page != DEFAULT else (None,):
        table = rows(page, section)
        racers = by_field(table).get("runs")
        noisy = [k for k in (racers.options if racers else ()) if OPTIMIZERS[k].stochastic][:1]  # to show a seed box
        at = open_link(page, query(section, **({"opt": noisy[0]} if noisy else {})))
        stochastic = bool(noisy)
        for c in table:
            if c.field == "seed" and not (stochastic or page == "minima"):
                continue  # a seed box shows for a noisy rule only (Escape's SGD always)
            w = widget(at, c.widget)
            assert w.label == c.label, (section, c)
            if c.field in ("steps", "seed"):
                assert (w.min, w.max) == (c.lo, c.hi), (section, c)
                if c.input == "slider":
                    assert w.step == c.by, (section, c)
            elif c.field == "runs":
                assert len(w.options) == len(c.options), (section, c)
