"""The page registry (lab/pages.py): one row per page, and every page has its three modules under its one name."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from lab import warmup
from lab.pages import DEFAULT, PAGES, PRESETS, ROOT


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_has_its_view_its_link_codec_and_its_charts_under_one_name(name):
    page = PAGES[name]
    assert page.name == name
    assert page.view == ROOT / "views" / f"{name}.py" and page.view.is_file()
    link, charts = page.link, page.charts
    assert link.__name__ == f"links.{name}" and charts.__name__ == f"charts.{name}"
    assert page.sections == link.SECTIONS and len(page.sections) >= 1
    assert dataclasses.is_dataclass(link.State) and link.State.__dataclass_params__.frozen
    state, notices = link.decode({})
    assert notices == [] and link.decode(link.encode(state)) == (state, [])  # the bare address: the defaults
    params = list(inspect.signature(charts.figures).parameters.values())
    assert [p.name for p in params[:2]] == ["state", "theme"]  # figures(state, theme): what the export command calls
    assert all(p.default is not inspect.Parameter.empty for p in params[2:])  # a page's Work has a direct default
    assert inspect.isgeneratorfunction(charts.likely_work)


def test_names_addresses_and_titles_are_unique_and_the_default_page_has_the_bare_address():
    pages = list(PAGES.values())
    for attr in ("name", "url_path", "title"):
        assert len({getattr(p, attr) for p in pages}) == len(pages), attr
    assert PAGES[DEFAULT].url_path == "" and all(p.url_path for p in pages if p.name != DEFAULT)
    assert all(p.path == "/" + p.url_path for p in pages)


def test_every_preset_names_a_page_of_the_registry_and_every_page_has_a_preset():
    assert {p.page for p in PRESETS.values()} == set(PAGES)
    assert all(p.path == PAGES[p.page].path for p in PRESETS.values())
    order = [list(PAGES).index(p.page) for p in PRESETS.values()]
    assert order == sorted(order)  # the menu lists them page by page, in the registry's order


def test_the_warm_up_reads_every_page_of_the_registry_first_views_first():
    work = warmup.work()
    first = [job for p in PAGES.values() for job in p.charts.likely_work()]
    assert len(work) > len(first) and all(callable(fn) for fn, _ in work)
    # the same jobs, in the registry's order, before the later work (scenes and functions compare by value)
    assert [repr(a) for _, a in work[: len(first)]] == [repr(a) for _, a in first]
    assert all(any(True for _ in p.charts.likely_work()) for p in PAGES.values())
