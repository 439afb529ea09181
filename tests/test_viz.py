"""Figure builders, tested through fig.to_plotly_json(): frames, payload, axes, colours."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly_frames import decode, shown_data

from optim import OPTIMIZERS
from viz import THEMES, Marker, Path, contour_figure, loss_figure, surface3d_figure
from viz.layout import figure_json
from viz.paths import dashes, frame_steps
from viz.raster import png_data_uri, shade

THEME = THEMES["normal"]
DOMAIN = ((-5.0, 5.0), (-5.0, 5.0))


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def gd_path(lr: float, steps: int, start=(-4.0, 4.0)) -> np.ndarray:
    p, out = np.array(start, float), [np.array(start, float)]
    for _ in range(steps):
        x, y = p
        g = np.array([4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)])
        p = p - lr * g
        out.append(p.copy())
    return np.array(out, np.float32)


def racer(key: str, label: str, xy, loss, *args, **kwargs) -> Path:
    """A Path in the colour and marker of the registry's optimizer ``key``, as scenes/figures.py draws a racer."""
    o = OPTIMIZERS[key]
    return Path(o.color, o.symbol, label, xy, loss, *args, **kwargs)


KEYS = ("gd", "momentum", "adam")


def make_paths(steps=300, keys=KEYS):
    out = []
    for i, k in enumerate(keys):
        xy = gd_path(0.002 * (i + 1), steps)
        out.append(racer(k, f"{k} run", xy, himmelblau(xy[:, 0], xy[:, 1]), None))
    return tuple(out)


def background():
    xs = np.linspace(-5, 5, 120)
    X, Y = np.meshgrid(xs, xs)
    return png_data_uri(shade(np.log1p(himmelblau(X, Y))))


def hover():
    xs = np.linspace(-5, 5, 60, dtype=np.float32)
    X, Y = np.meshgrid(xs, xs)
    return xs, xs, himmelblau(X, Y).astype(np.float32)


MARKERS = (Marker(3, 2, 0, "global"), Marker(-0.270845, -0.923039, 181.617, "maximum"))


@pytest.fixture(scope="module")
def animated():
    paths = make_paths(steps=300)
    fig = contour_figure(background(), DOMAIN, hover(), MARKERS, paths, (-4, 4), THEME, frames=61)
    return paths, json.loads(fig.to_json())


def test_every_frame_shows_the_exact_path_up_to_its_step(animated):
    paths, fig = animated
    names = fig["layout"]["sliders"][0]["steps"]
    assert len(names) == len(frame_steps(300, 61)) == 61
    for step in names:
        s = int(step["label"])
        shown = shown_data(fig, step["args"][0][0])
        for p in paths:
            lines = [t for t in shown if t.get("legendgroup") == p.label and t.get("mode") == "lines"]
            xs = np.concatenate([decode(t["x"]) for t in lines if len(decode(t["x"]))])
            ys = np.concatenate([decode(t["y"]) for t in lines if len(decode(t["y"]))])
            pts = np.stack([xs, ys], 1)
            pts = np.unique(pts[np.isfinite(pts).all(axis=1)], axis=0)  # chunks share their boundary point; gaps
            want = np.unique(p.xy[: s + 1], axis=0)
            np.testing.assert_array_equal(pts, want)
        heads = next(t for t in shown if t.get("name") == "position")
        np.testing.assert_allclose(heads["x"], [p.xy[s, 0] for p in paths], rtol=1e-6)


def test_frames_carry_only_moving_traces(animated):
    _, fig = animated
    moving = {i for i, t in enumerate(fig["data"]) if t.get("mode") == "lines" or t.get("name") == "position"}
    for f in fig["frames"]:
        assert set(f["traces"]) <= moving
    assert "images" in fig["layout"] and fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert not any(t["type"] in ("contour", "heatmap") for t in fig["data"])  # plotly.js #4491


def test_payload_grows_linearly_not_quadratically_in_steps():
    small = len(contour_figure(background(), DOMAIN, hover(), MARKERS, make_paths(200), (-4, 4), THEME).to_json())
    large = len(contour_figure(background(), DOMAIN, hover(), MARKERS, make_paths(2000), (-4, 4), THEME).to_json())
    per_step = (large - small) / 1800 / 3  # bytes per extra step per path
    assert per_step < 8 * 8  # a float32 pair is ~11 bytes in base64; cumulative frames would cost ~30x this


def test_colours_and_symbols_follow_the_optimizer(animated):
    paths, fig = animated
    for p, k in zip(paths, KEYS, strict=True):
        line = next(t for t in fig["data"] if t.get("legendgroup") == p.label and t.get("showlegend"))
        assert line["line"]["color"] == OPTIMIZERS[k].color
    heads = next(t for t in fig["data"] if t.get("name") == "position")["marker"]
    assert heads["symbol"] == [OPTIMIZERS[k].symbol for k in KEYS]
    assert heads["color"] == [OPTIMIZERS[k].color for k in KEYS]
    assert len({o.color for o in OPTIMIZERS.values()}) == len(OPTIMIZERS)
    assert len({o.symbol for o in OPTIMIZERS.values()}) == len(OPTIMIZERS)
    for o in OPTIMIZERS.values():  # each a Plotly marker symbol: the validator raises on any other
        go.scatter.Marker(symbol=o.symbol)


def test_equal_aspect_and_domain(animated):
    _, fig = animated
    assert fig["layout"]["yaxis"]["scaleanchor"] == "x"
    assert fig["layout"]["xaxis"]["range"] == [-5.0, 5.0]


def test_diverged_head_is_a_cross():
    xy = np.repeat(np.array([[1.0, 1.0]], np.float32), 51, axis=0)
    p = racer("gd", "gd", xy, np.ones(51, np.float32), diverged_at=10)
    fig = json.loads(contour_figure(background(), DOMAIN, hover(), (), (p,), (1, 1), THEME).to_json())
    assert next(t for t in fig["data"] if t.get("name") == "position")["marker"]["symbol"] == ["x"]


def test_loss_axis_is_log_of_the_gap_and_marks_divergence():
    paths = make_paths(100)
    bad = racer("nesterov", "bad", paths[0].xy, paths[0].loss, diverged_at=40)
    fig = json.loads(loss_figure(paths + (bad,), 0.0, THEME).to_json())
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert any("diverged at step 40" in str(t.get("text")) for t in fig["data"])
    gap = decode(fig["data"][0]["y"])
    assert np.all(gap > 0) and len(gap) == 101
    flat = json.loads(loss_figure(paths, None, THEME).to_json())
    assert flat["layout"]["yaxis"]["type"] == "linear"


def test_scheduled_runs_get_a_learning_rate_inset_in_their_colour():
    paths = make_paths(100)
    assert "xaxis2" not in json.loads(loss_figure(paths, 0.0, THEME).to_json())["layout"]  # no schedule, no inset
    t = np.arange(100)
    lr = (0.05 * np.minimum(t / 10, 0.5 * (1 + np.cos(np.pi * t / 100)))).astype(np.float32)  # warmup from 0, cosine
    scheduled = paths[:2] + (racer("adam", "adam run", paths[2].xy, paths[2].loss, None, lr),)
    fig = json.loads(loss_figure(scheduled, 0.0, THEME).to_json())
    layout = fig["layout"]
    assert layout["yaxis2"]["type"] == "log" and layout["xaxis2"]["anchor"] == "y2"
    (x0, x1), (y0, y1) = layout["xaxis2"]["domain"], layout["yaxis2"]["domain"]
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 and (x1 - x0) * (y1 - y0) < 0.2  # a small corner
    inset = [t for t in fig["data"] if t.get("yaxis") == "y2"]
    assert len(inset) == 1 and inset[0]["line"]["color"] == OPTIMIZERS["adam"].color
    y = decode(inset[0]["y"])
    assert np.isnan(y[0]) and lr[0] == 0  # lr 0 has no place on a log axis: a gap
    np.testing.assert_allclose(y[1:], lr[1:], rtol=1e-7)
    ticks = layout["yaxis2"]["tickvals"]
    assert 2 <= len(ticks) <= 3 and min(ticks) >= lr[lr > 0].min() and max(ticks) <= lr.max()
    card = layout["shapes"][0]
    assert card["xref"] == "x2 domain" and card["layer"] == "below"  # above the loss curves, below the lr lines
    # the loss curves fall from the top left: the inset goes top right, unless a curve fills that corner
    assert y0 > 0.5 and x0 > 0.5
    rising = (10 ** (4 * (np.arange(101) / 100) ** 0.3)).astype(np.float32)  # a slow blow-up: high on the right
    high = json.loads(loss_figure((racer("gd", "up", paths[0].xy, rising, None, lr),), 0.0, THEME).to_json())["layout"]
    assert high["yaxis2"]["domain"][0] < 0.5


def test_the_distance_panel_gives_each_run_its_distance_to_the_nearest_minimum():
    """Under the loss panel, on the same step axis: each run's Euclidean distance to the nearest minimum until it
    diverged, checked against a brute-force loop; a converged run sits on float32's floor, not at log(0)."""
    paths = make_paths(100)
    minima = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]])
    bad = racer("nesterov", "bad", paths[0].xy, paths[0].loss, diverged_at=40)
    at_min = racer("adam", "there", np.repeat(minima[:1], 101, axis=0).astype(np.float32), paths[0].loss)
    fig = json.loads(loss_figure(paths + (bad, at_min), 0.0, THEME, minima=minima).to_json())
    layout = fig["layout"]
    assert layout["yaxis3"]["type"] == "log" and layout["xaxis"]["anchor"] == "y3"
    assert layout["yaxis"]["domain"][0] > layout["yaxis3"]["domain"][1]  # the loss above, the distance below
    lower = [t for t in fig["data"] if t.get("yaxis") == "y3"]
    assert len(lower) == len(paths) + 2
    floor = 1e-7 * 3.779310  # float32's resolution at the largest coordinate of a minimum
    for p, t in zip((*paths, bad, at_min), lower, strict=True):
        assert t["line"]["color"] == p.color and t["legendgroup"] == p.label
        d = decode(t["y"])
        end = p.diverged_at if p.diverged_at is not None else len(p.xy)
        assert len(d) == end and list(decode(t["x"])) == list(range(end))
        brute = [min(float(np.hypot(*(np.float64(xy) - m))) for m in minima) for xy in p.xy[:end]]
        np.testing.assert_allclose(d, np.maximum(brute, floor), rtol=1e-6)
    assert np.all(decode(lower[-1]["y"]) == np.float32(floor))  # at the minimum: the floor
    assert "yaxis3" not in json.loads(loss_figure(paths, 0.0, THEME).to_json())["layout"]  # asked for only
    assert "yaxis3" not in json.loads(loss_figure(paths, None, THEME, minima=np.zeros((0, 2))).to_json())["layout"]


def test_surface3d_lifts_paths_above_the_surface():
    xs = np.linspace(-5, 5, 200, dtype=np.float32)
    X, Y = np.meshgrid(xs, xs)
    z = himmelblau(X, Y).astype(np.float32)
    paths = make_paths(50)
    fig = json.loads(surface3d_figure(xs, xs, z, lambda v: np.asarray(v), MARKERS, paths, THEME).to_json())
    surf = fig["data"][0]
    assert surf["type"] == "surface" and len(decode(surf["x"])) <= 120
    line = next(t for t in fig["data"] if t.get("legendgroup") == paths[0].label)
    np.testing.assert_array_less(paths[0].loss, decode(line["z"]) + 1e-3)


def test_shade_is_banded_and_top_row_is_largest_y():
    v = np.tile(np.linspace(0, 1, 50)[:, None], (1, 30))  # grows with y (row index)
    img = shade(v)
    assert img.shape == (50, 30, 3) and img.dtype == np.uint8
    assert img[0].mean() < img[-1].mean()  # the top of the picture is the largest value: darker
    assert len(np.unique(img.reshape(-1, 3), axis=0)) < 60  # bands, not a gradient


def test_crowded_critical_points_keep_the_map_readable():
    lattice = tuple(Marker(float(i), float(j), 1.0, "local") for i in range(-4, 5) for j in range(-4, 5))
    saddles = tuple(Marker(i + 0.5, float(j), 2.0, "saddle") for i in range(-4, 4) for j in range(-4, 5))
    fig = json.loads(
        contour_figure(
            background(), DOMAIN, hover(), MARKERS[:1] + lattice + saddles, make_paths(20), (-4, 4), THEME
        ).to_json()
    )
    by_name = {t["name"]: t for t in fig["data"]}
    assert by_name["saddle point"]["visible"] == "legendonly"  # one click in the legend shows all 72
    assert by_name["local minimum"]["visible"] is True and by_name["local minimum"]["opacity"] < 1
    assert by_name["global minimum"]["visible"] is True and len(by_name["saddle point"]["x"]) == 72


def test_racers_of_one_optimizer_share_its_colour_and_differ_by_dash():
    base = make_paths(20)[0]  # gradient descent
    twins = tuple(replace(base, label=f"{base.label} #{i}", dash=d) for i, d in enumerate(dashes(["gd"] * 3)))
    assert [p.dash for p in twins] == ["solid", "dash", "dot"]
    fig = json.loads(contour_figure(background(), DOMAIN, hover(), MARKERS, twins, (-4, 4), THEME).to_json())
    lines = [t for t in fig["data"] if t.get("mode") == "lines" and t.get("showlegend")]
    assert {t["line"]["color"] for t in lines} == {OPTIMIZERS["gd"].color}
    assert [t["line"]["dash"] for t in lines] == ["solid", "dash", "dot"]
    loss = json.loads(loss_figure(twins, 0.0, THEME).to_json())
    assert [t["line"]["dash"] for t in loss["data"] if t.get("mode") == "lines"][:3] == ["solid", "dash", "dot"]


def test_emptied_path_pieces_are_a_gap_point_so_scrubbing_back_clears_them(animated):
    """plotly.js animating with redraw=False keeps a line whose data became empty lists on screen; one None point
    (a gap) clears it. The base frame empties every later piece of every path that way."""
    _, fig = animated
    base0 = next(f for f in fig["frames"] if f["name"] == "base0")
    assert base0["data"] and all(d["x"] == [None] and d["y"] == [None] for d in base0["data"])


def test_the_race_plays_at_three_speeds_and_pauses(animated):
    _, fig = animated
    buttons = fig["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["▶ Slow", "▶ Play", "▶▶ Fast", "❚❚ Pause"]
    ms = [b["args"][1]["frame"]["duration"] for b in buttons[:3]]
    assert ms[0] > ms[1] > ms[2] > 0  # Slow, the ordinary pace, Fast
    assert all(b["args"][1]["fromcurrent"] and not b["args"][1]["frame"]["redraw"] for b in buttons[:3])
    assert buttons[3]["args"][0] == [None]


def test_the_3d_view_animates_every_step_of_the_path_on_the_surface():
    xs = np.linspace(-5, 5, 200, dtype=np.float32)
    X, Y = np.meshgrid(xs, xs)
    z = himmelblau(X, Y).astype(np.float32)
    paths = make_paths(120)
    lift = np.log1p
    fig = json.loads(surface3d_figure(xs, xs, z, lift, MARKERS, paths, THEME, frames=31).to_json())
    slider = fig["layout"]["sliders"][0]
    assert all(s["args"][1]["frame"]["redraw"] for s in slider["steps"])  # plotly.js animates no 3D trace
    assert all(b["args"][1]["frame"]["redraw"] for b in fig["layout"]["updatemenus"][0]["buttons"])
    contour = json.loads(
        contour_figure(background(), DOMAIN, hover(), MARKERS, paths, (-4, 4), THEME, frames=31).to_json()
    )
    assert [s["args"][0] for s in slider["steps"]] == [s["args"][0] for s in contour["layout"]["sliders"][0]["steps"]]
    for step in slider["steps"][::5] + slider["steps"][-1:]:
        s = int(step["label"])
        shown = shown_data(fig, step["args"][0][0])
        for p in paths:
            lines = [t for t in shown if t.get("legendgroup") == p.label and t["type"] == "scatter3d"]
            pts = np.concatenate([np.stack([decode(t[a]) for a in "xyz"], 1) for t in lines])
            pts = np.unique(pts[np.isfinite(pts).all(axis=1)], axis=0)
            want = np.column_stack([p.xy[: s + 1], lift(p.loss[: s + 1])]).astype(np.float32)
            np.testing.assert_array_less(want[:, 2], pts[:, 2].max() + 1)  # lifted above the surface
            np.testing.assert_array_equal(np.unique(pts[:, :2], axis=0), np.unique(want[:, :2], axis=0))
        heads = next(t for t in shown if t.get("name") == "position")
        np.testing.assert_allclose(heads["x"], [p.xy[s, 0] for p in paths], rtol=1e-6)
    beside = json.loads(
        surface3d_figure(xs, xs, z, lift, MARKERS, paths, THEME, frames=31, controls_shown=False).to_json()
    )
    hidden = beside["layout"]["sliders"] + beside["layout"]["updatemenus"]  # the map drives it; a file, its slider
    assert hidden and all(c["visible"] is False for c in hidden)
    assert len(beside["frames"]) == len(fig["frames"]) and beside["layout"]["showlegend"] is False


def test_a_diverged_run_ends_in_3d_where_it_left_the_surface():
    xs = np.linspace(-5, 5, 60, dtype=np.float32)
    X, Y = np.meshgrid(xs, xs)
    z = himmelblau(X, Y).astype(np.float32)
    p = make_paths(40)[0]
    xy = p.xy.copy()
    xy[20:] = np.inf
    gone = replace(p, xy=xy, loss=np.where(np.arange(41) < 20, p.loss, np.inf), diverged_at=20)
    fig = json.loads(surface3d_figure(xs, xs, z, np.log1p, MARKERS, (gone,), THEME, frames=11).to_json())
    chunks = [t for t in fig["data"] if t.get("legendgroup") == gone.label]
    x = np.concatenate([decode(t["x"]) for t in chunks])
    z = np.concatenate([decode(t["z"]) for t in chunks])
    assert np.isnan(x).sum() >= 20 and np.isfinite(z).sum() >= 20 and not np.isinf(z).any()  # a gap, not infinity
    end = shown_data(fig, fig["layout"]["sliders"][0]["steps"][-1]["args"][0][0])
    heads = next(t for t in end if t.get("name") == "position")
    assert heads["marker"]["symbol"] == ["x"] and heads["x"] == [pytest.approx(float(xy[19, 0]))]


def test_a_fitted_map_keeps_its_legend_in_its_margin_and_a_wide_domain_lower():
    paths = make_paths(30)
    wide = ((-4.0, 4.0), (-2.0, 2.0))
    fig = contour_figure(background(), wide, hover(), MARKERS, paths, (-4, 4), THEME, frames=0, side=600, width=700)
    m = fig.layout.margin
    assert fig.layout.height - m.t - m.b == 350  # 700 px wide at most: a 2:1 domain is 350 px high, not 600
    lattice = tuple(Marker(float(i), float(j), 1.0, "local") for i in range(-4, 5) for j in range(-4, 5))
    crowded = contour_figure(
        background(), DOMAIN, hover(), MARKERS[:1] + lattice, paths, (-4, 4), THEME, frames=0, side=350, width=400
    )
    entries = [t.name for t in crowded.data if t.showlegend is not False and t.name]
    assert "local minimum" in entries and len(entries) == 5  # its points listed beside the racers
    c = crowded.layout
    assert c.margin.t >= round(2.2 * THEME.font_size + 18) + round(2.2 * THEME.font_size)  # two legend rows
    assert c.height - c.margin.t - c.margin.b < 350  # bound by the window's height: lower by the extra rows, in view
    wide = contour_figure(
        background(), DOMAIN, hover(), MARKERS[:1] + lattice, paths, (-4, 4), THEME, frames=0, side=400, width=400
    ).layout
    assert wide.height - wide.margin.t - wide.margin.b == 400  # bound by the width: the legend's rows add height


def test_a_map_without_a_legend_keeps_no_room_for_one():
    """legend_rows=0: small maps side by side on a phone, whose outcome lines name the racers."""
    paths = make_paths(30)
    with_legend = contour_figure(background(), DOMAIN, hover(), MARKERS, paths, (-4, 4), THEME, frames=0, side=110)
    bare = contour_figure(
        background(), DOMAIN, hover(), MARKERS, paths, (-4, 4), THEME, frames=0, side=110, width=111, legend_rows=0
    )
    assert bare.layout.showlegend is False and with_legend.layout.showlegend is not False
    assert bare.layout.margin.t == THEME.font_size + 8 < with_legend.layout.margin.t  # the start's label only
    assert bare.layout.height - bare.layout.margin.t - bare.layout.margin.b == 110


def test_a_fitted_basin_map_is_as_high_as_its_side_and_its_legend():
    from viz.basins import basin_figure

    xs = np.linspace(-5, 5, 40)
    labels = (xs[None, :] > 0).astype(int) + np.zeros((40, 1), int)
    names = {0: "global min (−3, 2): 50.0%", 1: "global min (3, 2): 50.0%"}
    one_row = basin_figure(xs, xs, labels, MARKERS, names, THEME, side=300, width=800).layout
    two_rows = basin_figure(xs, xs, labels, MARKERS, names, THEME, side=300, width=300).layout
    assert one_row.height - one_row.margin.t - one_row.margin.b == 300
    assert two_rows.margin.b > one_row.margin.b and two_rows.height > one_row.height  # its legend's second row
    assert one_row.legend.y < 0  # below the map, a fixed distance under its axis


def test_a_threshold_label_near_the_sweeps_right_edge_reads_leftwards_a_line_higher():
    from viz.sweep import Mark, sweep_figure

    lrs = np.geomspace(1e-3, 1.0, 50)
    n = len(lrs)
    marks = (Mark("2/(μ+L) = 0.182", 0.182, "optimal"), Mark("2/L = 0.2", 0.2, "stable"), Mark("1/L", 0.01, "scale"))
    fig = sweep_figure(lrs, np.ones(n), np.full(n, 10), np.full(n, -1), 0.0, marks, THEME, color="#000", steps=100)
    notes = {a.text: a for a in fig.layout.annotations}
    edge, optimal, inner = notes["<b>2/L = 0.2</b>"], notes["<b>2/(μ+L) = 0.182</b>"], notes["<b>1/L</b>"]
    assert edge.xanchor == "right" and edge.yshift > 0  # not cut at the edge, not over the optimal rate's label
    assert optimal.xanchor == "right" and not optimal.yshift
    assert inner.xanchor == "left" and not inner.yshift
    assert fig.layout.margin.t >= 2 * 1.3 * THEME.font_size  # room for both rows


@pytest.mark.parametrize("view", ["contour", "3d"])
def test_a_figure_grown_with_its_recipe_alone_gets_back_the_frames_it_would_have_had(view):
    """A page's figure carries its frames' recipe alone (its browser builds them); viz.frames.complete builds them
    in Python for a file or an animation: the same frames, number for number, with a racer that diverges."""
    from charts import scene as fig
    from scenes import RunSpec, Scene, compute
    from viz.frames import RECIPE, complete

    race = compute(Scene(runs=(*Scene().runs, RunSpec("gd", (("learning_rate", 1.05),))), steps=120))
    assert race.runs[-1].diverged_at is not None
    build = (lambda **k: fig.contour(race, THEME, **k)) if view == "contour" else (
        lambda **k: fig.surface3d(race, THEME, frames=61, **k))  # fmt: skip
    whole, light = build(), build(recipe_only=True)
    assert len(whole.frames) > 60 and not light.frames and RECIPE in light.layout.meta
    assert json.loads(complete(light).to_json()) == json.loads(whole.to_json())
    assert complete(whole) is whole and len(whole.frames) == len(light.frames)


def test_a_basin_picture_is_encoded_once_per_content():
    """viz.basins.basin_png keeps the last pictures by content: the same labels give the same PNG without encoding
    it again; other labels (or other iso-lines under them) another one."""
    from viz import basins
    from viz.raster import png_data_uri

    labels = np.zeros((30, 30), np.int16)
    labels[:, 15:] = 1
    levels = np.linspace(0, 1, 900).reshape(30, 30)
    first = basins.basin_png(labels, levels)
    assert first == png_data_uri(basins.basin_image(labels, levels))
    assert basins.basin_png(labels.copy(), levels.copy()) is first  # the kept one
    other = labels.copy()
    other[0, 0] = 1
    assert basins.basin_png(other, levels) != first and basins.basin_png(labels, None) != first


def test_the_pages_json_of_a_figure_is_plotlys_own_and_leaves_the_figure_as_it_was():
    fig = contour_figure(background(), DOMAIN, hover(), MARKERS, make_paths(steps=120), (-4, 4), THEME, frames=21)
    fig.add_trace(go.Scatter(x=np.arange(5.0), y=np.arange(5.0) ** 2, name="plain arrays", uid="u1"))
    loss = loss_figure(make_paths(steps=50), 0.0, THEME)
    for f in (fig, loss):
        before = f.to_json()
        assert figure_json(f) == before  # arrays as base64 typed arrays, uids dropped, frames kept
        assert f.to_json() == before  # nothing written back into the figure
    assert isinstance(fig.data[-1].x, np.ndarray) and fig.data[-1].uid == "u1"
