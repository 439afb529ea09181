"""Every chart keeps a name of its own: what the export panel lists and the export command names its files by
(charts/names.py), distinct within a section and across the preset library."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from charts import names
from charts import networks as nf
from charts import scene as fig
from lab import render
from lab.pages import PAGES, PRESETS
from scenes import Scene, compute
from viz.layout import keep_name, name_of
from viz.theme import THEMES

pytestmark = pytest.mark.xdist_group("presets")  # the session's preset figures (tests/conftest.py): one worker


@pytest.fixture(scope="module")
def result():
    return compute(Scene(steps=100))


def test_a_name_as_a_file_name():
    assert names.slug("Regimes: race, η too small") == "regimes-race-eta-too-small"
    assert names.slug("fit, constant 0.1") == "fit-constant-0.1"
    assert names.slug("Init · BN · dropout: landscape, with batch norm.") == "init-bn-dropout-landscape-with-batch-norm"
    assert names.slug("escapes against the noise σ₀²") == "escapes-against-the-noise-sigma02"


def test_names_are_made_distinct(result):
    race, again, loss = (fig.contour(result, THEMES["normal"], frames=0) for _ in range(3))
    keep_name(loss, "loss per step")
    got = names.names({"saddle.stable": race, "saddle.perturbed": again, "loss": loss, "map0": go.Figure()}, "Saddles")
    assert got == {
        "saddle.stable": "Saddles: race on the map (saddle stable)",
        "saddle.perturbed": "Saddles: race on the map (saddle perturbed)",
        "loss": "Saddles: loss per step",
        "map0": "Saddles: map0",
    }
    assert names.names({"a": race, "b": again}) == {"a": "Race on the map (a)", "b": "Race on the map (b)"}


def test_every_sections_charts_have_distinct_names_and_file_names(preset_figures):
    """Every preset (together they open every section of every page, as the export command draws it): each chart
    keeps a name of its own, distinct within its section, and so is its file name; across the library one file name
    is one chart name."""
    by_stem: dict[str, set[str]] = {}
    sections = set()
    for preset in PRESETS.values():
        figs = preset_figures(preset.name)
        section = getattr(render.state(preset), "section", None)
        sections.add((preset.page, section))
        assert all(name_of(f) for f in figs.values()), (preset.name, [k for k, f in figs.items() if not name_of(f)])
        named = names.names(figs, section)
        assert len(set(named.values())) == len(figs), named
        stems = render.file_names(preset, figs)
        assert len(set(stems.values())) == len(figs), stems
        assert all(re.fullmatch(r"[a-z0-9.]+(-[a-z0-9.]+)*", s) for s in stems.values()), stems
        for key, name in names.names(figs).items():
            by_stem.setdefault(stems[key].removeprefix(f"{preset.name}-"), set()).add(name)
    assert {s for page, s in sections if page != "trajectories"} == {
        s for p in ("learning_rate", "minima", "networks", "classroom") for s in PAGES[p].link.SECTIONS
    }
    assert all(len(n) == 1 for n in by_stem.values()), {s: n for s, n in by_stem.items() if len(n) > 1}


def test_the_export_panel_names_the_charts_of_a_comparison_and_the_basin_maps_apart(preset_figures, result):
    """The panel's names for the widget keys the pages give (views/networks.py, views/minima.py): "L2 regularisation
    off" was three charts of one name and one file name, basin maps were "map0, map1, map2"."""
    from views.export_panel import chart_names, file_stem

    test = preset_figures("train-vs-test")
    state = render.state(PRESETS["train-vs-test"])
    heads = list(nf.comparison(state))
    shown = {
        f"networks.v.{short}.{head}": test[f"{kind}-{side}"]
        for head, side in zip(heads, ("off", "on"), strict=True)
        for short, kind in (("tr", "train"), ("te", "test"), ("c", "curves"))
    }
    named = chart_names("networks", shown, "Train vs test")
    assert len(set(named.values())) == 6 and len({file_stem("networks", n) for n in named.values()}) == 6
    off = heads[0]
    assert named[f"networks.v.c.{off}"] == f"Train vs test: {off}, loss curves"
    basins = preset_figures("basins")
    maps = {f"minima.map{i}": basins[k] for i, k in enumerate(k for k in basins if k.startswith("map-"))}
    named = chart_names("minima", maps | {"minima.race": basins["race"]}, "Basins")
    assert [n.split(", ", 1)[0] for n in named.values()] == ["Basins: basin map"] * 3 + ["Basins: race on the map"]
    assert len(set(named.values())) == 4 and not any(re.search(r"map\d", n) for n in named.values())
    assert file_stem("minima", named["minima.map0"]).startswith("minima-basins-basin-map-gradient-descent-eta-")
    saddles = {k: fig.contour(result, THEMES["normal"]) for k in ("minima.saddle.stable", "minima.saddle.perturbed")}
    assert set(chart_names("minima", saddles, "Saddles").values()) == {
        "Saddles: race on the map (saddle stable)",
        "Saddles: race on the map (saddle perturbed)",
    }
    assert file_stem("trajectories", "Race on the map", 2) == "trajectories-race-on-the-map-2x"
