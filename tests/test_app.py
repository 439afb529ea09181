"""AppTest: the app and the Trajectories page run without exception at defaults and at every slider's extremes."""

from __future__ import annotations

import base64
import json

import pytest
from pages import figures, frame_steps
from streamlit.testing.v1 import AppTest

from links.slider_values import options
from optim import OPTIMIZERS
from surfaces import SURFACES
from views.common import PNG_URI, STATIC

TIMEOUT = 120


def start() -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def figure(at: AppTest, index: int = 0) -> dict:
    return figures(at)[index]


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.mark.live_drag
def test_app_runs_at_defaults():
    at = start()
    live = [  # the live drag's elements, one a ladder: each racer's η and momentum (the others: screen's, charts')
        d for d in (json.loads(c.proto.json) for c in at.get("bidi_component")) if "sliders" in d
    ]
    assert all(d["chart"] == "contour" and len(d["sliders"]) == 1 for d in live)
    assert [d["sliders"][0]["key"] for d in live] == [
        "gd.learning_rate",
        "momentum.learning_rate",
        "momentum.momentum",
        "adam.learning_rate",
        "adam.b1",
    ]
    # a move of gd's η changes gd's ladder alone: the others are the same messages, sent again as references
    h = OPTIMIZERS["gd"].hyper("learning_rate")
    stops = options(h.lo, h.hi, h.log, h.default)
    moved = start()
    moved.select_slider(key="gd.learning_rate").set_value(stops[stops.index(h.default) - 1]).run()
    after = {d["sliders"][0]["key"]: d for d in (json.loads(c.proto.json) for c in moved.get("bidi_component"))
             if "sliders" in d}  # fmt: skip
    assert [d["sliders"][0]["key"] for d in live if d != after[d["sliders"][0]["key"]]] == ["gd.learning_rate"]
    assert len(figures(at)) == 2
    fig = figure(at)
    assert len(frame_steps(fig)) == 61 and fig["layout"]["images"]
    # the surface's picture goes to the page as a static file's URL; the export panel keeps the figure whole
    (image,) = fig["layout"]["images"]
    path = STATIC / "landscapes" / image["source"].rsplit("/", 1)[-1]
    assert image["source"].startswith("/app/static/landscapes/") and path.is_file()
    kept = at.session_state["export.figures"]["contour"].layout.images[0].source
    assert kept.startswith(PNG_URI) and base64.b64decode(kept[len(PNG_URI) :]) == path.read_bytes()
    assert "reached the global minimum" in text(at) and "all at η = 0.015" in text(at)  # the fair opening race
    assert any(c.value == OPTIMIZERS["adam"].note for c in at.caption)  # optax's variant, under the textbook rule
    assert not at.error


def test_divergent_learning_rate_is_told_not_raised():
    at = start()
    at.select_slider(key="gd.learning_rate").set_value(1.0).run()
    assert not at.exception
    assert "diverged at step" in text(at)
    assert not at.error


@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_every_slider_at_its_extremes(opt):
    at = start()
    at.multiselect(key="optimizers").set_value([opt]).run()
    assert not at.exception
    hypers = [h for h in OPTIMIZERS[opt].hypers if h.slider]
    assert hypers and all(at.select_slider(key=f"{opt}.{h.name}") for h in hypers)
    for end in (0, -1):
        for h in hypers:
            at.select_slider(key=f"{opt}.{h.name}").set_value(options(h.lo, h.hi, h.log, h.default)[end])
        at.slider(key="steps").set_value(2000 if end else 10)
        at.run()
        assert not at.exception, (opt, end, at.exception)
        assert not at.error, (opt, end, [e.value for e in at.error])
        assert figure(at)["data"]


def test_start_sliders_at_the_corners_and_every_surface():
    at = start()
    for key in SURFACES:
        at.selectbox(key="surface").set_value(key).run()
        assert not at.exception, (key, at.exception)
        xs, ys = at.slider(key=f"start.{key}.x"), at.slider(key=f"start.{key}.y")
        xs.set_value(xs.max).run()
        ys.set_value(ys.min).run()
        assert not at.exception, (key, at.exception)
        assert not at.error


def test_no_optimizer_chosen_asks_for_one():
    at = start()
    at.multiselect(key="optimizers").set_value([]).run()
    assert not at.exception
    assert any("Choose at least one optimizer" in i.value for i in at.info)


def test_surface_parameters_at_their_extremes():
    at = start()
    for key, surface in SURFACES.items():
        if not surface.params:
            continue
        at.selectbox(key="surface").set_value(key).run()
        for end in (0, -1):
            for p in surface.params:
                at.select_slider(key=f"{key}.{p.name}").set_value(options(p.lo, p.hi, p.log, p.default)[end])
            at.run()
            assert not at.exception, (key, end, at.exception)
            assert not at.error
            assert figure(at)["data"]


@pytest.mark.parametrize("kind", ["cosine", "step", "warmup_cosine"])
def test_a_learning_rate_schedule_for_one_optimizer(kind):
    at = start()
    at.selectbox(key="adam.schedule.kind").set_value(kind).run()
    assert not at.exception, at.exception
    assert not at.error
    captions = [c.value for c in at.caption if c.value.startswith("Schedule:")]
    assert len(captions) == 1 and kind.split("_")[-1] in captions[0]
    short = {"cosine": "cosine", "step": "step decay", "warmup_cosine": "warmup + cosine"}[kind]
    assert f"Adam · η 0.015, {short}" in text(at)  # the run's label, in the outcomes
    loss = figure(at, 1)
    assert loss["layout"]["yaxis2"]["type"] == "log" and loss["layout"]["xaxis2"]["anchor"] == "y2"
    inset = [t for t in loss["data"] if t.get("yaxis") == "y2"]
    assert len(inset) == 1 and inset[0]["legendgroup"].startswith("Adam")
    at.slider(key="steps").set_value(1000).run()  # the schedule spans the new run length, nothing breaks
    assert not at.exception, at.exception
    assert "1000" in " ".join(c.value for c in at.caption if c.value.startswith("Schedule:")) or kind == "step"
    at.selectbox(key="adam.schedule.kind").set_value("constant").run()
    assert not at.exception
    assert "xaxis2" not in figure(at, 1)["layout"] and "Adam · η 0.015" in text(at)


def test_a_static_folder_that_cannot_be_written_leaves_the_picture_in_the_figure(tmp_path, monkeypatch):
    blocked = tmp_path / "static"
    blocked.write_text("a file where the folder should be")  # mkdir under it fails with an OSError
    monkeypatch.setattr("views.common.STATIC", blocked)
    at = start()
    assert not at.exception and not at.error
    assert figure(at)["layout"]["images"][0]["source"].startswith(PNG_URI)


def test_without_plotly_js_among_the_static_files_the_charts_are_streamlits(tmp_path, monkeypatch):
    """views/plot.py serves plotly.js from static/vendor/; where that cannot be written the pages draw with
    st.plotly_chart as before, frames and all, and views.plot.script_url says so (None)."""
    from views import plot

    blocked = tmp_path / "static"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setattr(plot, "STATIC", blocked)
    plot.script_url.cache_clear()
    try:
        assert plot.script_url() is None
        monkeypatch.setattr("views.common.script_url", plot.script_url)
        at = start()
        assert not at.exception and not at.error and not figures(at)
        contour, loss = (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
        assert contour["frames"] and contour["layout"]["sliders"] and loss["data"]
    finally:
        plot.script_url.cache_clear()


@pytest.mark.parametrize("surface", ["quadratic", "himmelblau", "saddle"])
def test_the_loss_chart_shows_each_runs_distance_to_the_nearest_minimum_the_map_marks(surface):
    """Trajectories' loss chart: under f − f*, each racer's distance to the nearest minimum of the surface (those the
    map marks), step by step, against a brute-force loop over the race's own path; none where there is no minimum."""
    import numpy as np
    from plotly_frames import decode

    from charts import trajectories as ct
    from links import trajectories as tl
    from scenes import compute
    from viz import THEMES

    state = tl.decode({"surface": surface})[0]
    loss = json.loads(ct.figures(state, THEMES["normal"])["loss"].to_json())
    lower = [t for t in loss["data"] if t.get("yaxis") == "y3"]
    result = compute(state.scene)
    minima = [(m.x, m.y) for m in result.surface.minima]
    if not minima:
        assert not lower and "yaxis3" not in loss["layout"]
        return
    assert len(lower) == len(result.runs) and loss["layout"]["yaxis3"]["type"] == "log"
    for run, trace in zip(result.runs, lower, strict=True):
        end = run.diverged_at if run.diverged_at is not None else len(run.xy)
        brute = [min(float(np.hypot(x - mx, y - my)) for mx, my in minima) for x, y in np.float64(run.xy[:end])]
        floor = 1e-7 * max(1.0, float(np.abs(minima).max()))
        np.testing.assert_allclose(decode(trace["y"]), np.maximum(brute, floor), rtol=1e-5, atol=1e-6)


def test_the_fair_race_button_sets_each_rate_to_its_sweeps_best_and_shows_the_sweeps():
    at = start()
    assert len(figures(at)) == 2  # the map and the loss chart: no sweeps before the button
    at.button(key="fair").click().run()
    assert not at.exception, at.exception
    # the opening race (every racer at 0.015) made fair: tests/test_fair.py checks these are each sweep's fastest
    assert [at.select_slider(key=f"{k}.learning_rate").value for k in ("gd", "momentum", "adam")] == [0.15, 0.005, 0.06]
    told = " ".join(i.value for i in at.info)
    assert "A fair race" in told and "Gradient descent η 0.15 (in 38 steps)" in told
    assert len(figures(at)) == 3
    (sweeps,) = [f for f in figures(at) if "yaxis2" in f["layout"] and "steps to the global" in json.dumps(f["layout"])]
    assert sweeps["layout"]["yaxis2"]["title"]["text"] == "steps to the global minimum"
    stars = [t for t in sweeps["data"] if t.get("marker", {}).get("symbol") == "star"]
    assert sorted(round(t["x"][0], 4) for t in stars) == sorted([0.15, 0.15, 0.005, 0.005, 0.06, 0.06])
    # a move away from the fair rates: the notice and the sweeps go (the race is no longer the fair one)
    at.select_slider(key="gd.learning_rate").set_value(0.1).run()
    assert "A fair race" not in " ".join(i.value for i in at.info) and len(figures(at)) == 2


def test_inside_each_step_draws_the_internals_in_the_maps_frames_and_keeps_them_in_the_link():
    at = start()
    names = lambda: [t.get("name") for t in figure(at)["data"]]  # noqa: E731
    assert "−η∇f" not in names()
    at.toggle(key="internals").set_value(True).run()
    assert not at.exception, at.exception
    # the opening race: gradient descent, momentum (its carry) and Adam (its ellipse)
    assert {"−η∇f", "momentum carried", "step taken", "coordinate scale"} <= set(names())
    extras = figure(at)["layout"]["meta"]["lllFrames"]["extras"]
    assert len(extras) == 4 and {e["n"] for e in extras} == {3 * 7, 7, 33}  # 3 racers' arrows, 1 carry, 1 ellipse
    assert at.query_params["internals"] in ("1", ["1"])
    assert "Inside each step" in " ".join(c.value for c in at.caption)
    linked = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    linked.query_params.update({"internals": "yes"})
    linked.run()
    assert not linked.exception and not linked.toggle(key="internals").value
    assert any("internals='yes' in the link" in t.value for t in linked.toast)
