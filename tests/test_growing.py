"""The animation frames a page's browser builds (views/growing.py) from a figure's recipe (viz.frames.recipe) are
the frames Python builds for files (viz.frames.base_frames, step_frames): names, chains, traces and every number, for
the map and the 3D view, with a racer that diverges. Run by plotly.js itself, on a bare page."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly
import pytest
from plotly_frames import decode

from charts import scene as fig
from scenes import RunSpec, Scene, compute
from views.growing import BUILD
from viz import THEMES
from viz.frames import RECIPE, complete

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("growing")]
PLOTLY = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
THEME = THEMES["normal"]


@pytest.fixture(scope="module")
def page(browser):  # the process's one Chromium: a second Playwright beside it in the same thread cannot start
    pg = browser.new_page()
    pg.set_content('<div id="g" style="width:700px;height:700px"></div>')
    pg.add_script_tag(path=str(PLOTLY))
    yield pg
    pg.close()


@pytest.fixture(scope="module")
def race():
    diverging = RunSpec("gd", (("learning_rate", 1.05),))  # 2/L = 1 on the quadratic: it diverges
    return compute(Scene(runs=(*Scene().runs, diverging), steps=120))


def browser_frames(page, figure) -> list[dict]:
    """The figure drawn without its frames, then the frames built from its recipe, as JSON (typed arrays as lists,
    NaN as null)."""
    spec = json.loads(figure.to_json())
    spec.pop("frames")
    return page.evaluate(
        """([spec, src]) => { const g = document.getElementById('g'); Plotly.purge(g);
             return Plotly.newPlot(g, spec.data, spec.layout).then(() => JSON.stringify(
               eval(src)(g, g.layout.meta[spec.key]), (k, v) => ArrayBuffer.isView(v) ? Array.from(v) : v)); }""",
        [{**spec, "key": RECIPE}, BUILD],
    )


def numbers(v) -> np.ndarray:
    return decode(v) if isinstance(v, dict) else np.array([np.nan if x is None else x for x in v], float)


def assert_same_frames(python: list[dict], built: list[dict]) -> None:
    assert [f["name"] for f in built] == [f["name"] for f in python]
    for p, b in zip(python, built, strict=True):
        assert b.get("baseframe") == p.get("baseframe") and b["traces"] == p["traces"], p["name"]
        for pd, bd in zip(p["data"], b["data"], strict=True):
            assert set(bd) == set(pd), p["name"]
            for key, value in pd.items():
                if key == "marker":
                    assert bd[key] == value, p["name"]
                else:  # the coordinates: the same float32 values, gaps where Python has them
                    np.testing.assert_array_equal(numbers(bd[key]), numbers(value), err_msg=f"{p['name']} {key}")


@pytest.mark.parametrize("view", ["contour", "3d", "internals"])
def test_the_browser_builds_the_frames_python_builds(page, race, view):
    if view == "3d":
        figure = fig.surface3d(race, THEME, frames=61)
    else:  # the map, with the optimizers' internals: their arrows and ellipses, NaN gaps between them, are frames too
        figure = fig.contour(race, THEME, internals=view == "internals")
    assert race.runs[-1].diverged_at is not None  # a head turns into a cross on the way
    python = json.loads(figure.to_json())["frames"]
    built = json.loads(browser_frames(page, figure))
    assert len(python) > 60
    assert_same_frames(python, built)
    if view == "internals":
        extras = figure.layout.meta[RECIPE]["extras"]
        assert len(extras) == 4 and all(any(t in f["traces"] for f in python) for t in (e["trace"] for e in extras))
        return
    recipe = json.dumps(figure.layout.meta[RECIPE])
    assert len(recipe) < 0.1 * len(json.dumps(python)), (len(recipe), len(json.dumps(python)))  # what a page is sent


def test_a_file_gets_the_frames_a_page_builds_with_the_internals(race):
    """viz.frames.complete (a file's frames, from the recipe) = the frames grown whole, internals included."""
    whole = json.loads(fig.contour(race, THEME, internals=True).to_json())["frames"]
    built = json.loads(complete(fig.contour(race, THEME, internals=True, recipe_only=True)).to_json())["frames"]
    assert_same_frames(whole, built)
