"""The small-network figures (viz/networks.py, viz/net_slice.py, viz/net_curves.py), read back through their JSON:
traces, colours, the boundary, the slice's log scale and shared colour range, gaps for NaN and log axes, binary float32
payloads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.io as pio
import pytest
from plotly_frames import decode

from viz import THEMES
from viz.net_curves import curves_figure, line_figure
from viz.net_slice import slice_figure
from viz.networks import (
    CLASS_COLORS,
    PROB_SCALE,
    TEST_COLOR,
    TRAIN_COLOR,
    boundary_figure,
    regression_figure,
)
from viz.theme import LANDSCAPE_STOPS

BOTH = pytest.mark.parametrize("theme", [THEMES["normal"], THEMES["presenter"]], ids=["normal", "presenter"])


def _no_constant(name):
    raise AssertionError(f"{name} in the figure's JSON: plotly.js cannot read it")


def as_json(fig) -> dict:
    """The figure as Streamlit sends it; NaN or Infinity outside binary arrays fails."""
    return json.loads(pio.to_json(fig, validate=False), parse_constant=_no_constant)


def named(fig: dict, name: str) -> dict:
    hits = [t for t in fig["data"] if t.get("name") == name]
    assert len(hits) == 1, [t.get("name") for t in fig["data"]]
    return hits[0]


def losses(n=201):
    steps = np.arange(0, 5 * n, 5)
    train = (0.7 * np.exp(-steps / 200) + 0.02).astype(np.float32)
    return steps, train, train + 0.05


# -- curves ----------------------------------------------------------------------------------------------------
@BOTH
def test_curves_keep_label_colour_dash_and_gaps(theme):
    steps, train, test = losses()
    train[40:50] = np.nan
    fig = as_json(
        curves_figure(steps, [("train", train, TRAIN_COLOR, "solid"), ("test", test, TEST_COLOR, "dash")], theme)
    )
    tr, te = named(fig, "train"), named(fig, "test")
    assert tr["type"] == te["type"] == "scatter" and tr["mode"] == "lines"
    assert (tr["line"]["color"], tr["line"]["dash"], te["line"]["color"], te["line"]["dash"]) == (
        TRAIN_COLOR,
        "solid",
        TEST_COLOR,
        "dash",
    )
    assert tr["line"]["width"] == theme.line_width
    y = decode(tr["y"])
    assert tr["y"]["dtype"] == "f4" and "bdata" in tr["y"] and tr["x"]["dtype"] == "i4"
    assert np.isnan(y[40:50]).all() and np.isfinite(np.delete(y, range(40, 50))).all()
    np.testing.assert_array_equal(decode(tr["x"]), steps)
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert fig["layout"]["height"] == int(theme.height * 0.62)


def test_log_axis_drops_zeros_and_negatives_and_copes_with_all_nan():
    steps, train, _ = losses(6)
    bad = np.array([1.0, 0.0, -2.0, np.inf, 0.5, np.nan])
    curves = [("bad", bad, TRAIN_COLOR, "solid"), ("empty", np.full(6, np.nan), TEST_COLOR, "dot")]
    fig = as_json(
        curves_figure(steps, curves, THEMES["normal"], hlines=[(0.0, "zero"), (-1.0, "negative"), (0.3, "kept")])
    )
    y = decode(named(fig, "bad")["y"])
    np.testing.assert_array_equal(np.isfinite(y), [True, False, False, False, True, False])
    assert np.isnan(decode(named(fig, "empty")["y"])).all()
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert texts == ["<b>kept</b>"]  # a log axis cannot place 0 or −1
    # the same values on a linear axis keep zero and the negative, and every line
    lin = as_json(
        curves_figure(
            steps,
            [("bad", bad, TRAIN_COLOR, "solid")],
            THEMES["normal"],
            log_y=False,
            hlines=[(0.0, "zero"), (-1.0, "negative")],
        )
    )
    np.testing.assert_array_equal(decode(named(lin, "bad")["y"])[:3], [1.0, 0.0, -2.0])
    assert lin["layout"]["yaxis"]["type"] == "linear"
    assert [a["text"] for a in lin["layout"]["annotations"]] == ["<b>zero</b>", "<b>negative</b>"]


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="3 values for 4 steps"):
        curves_figure(np.arange(4), [("x", np.ones(3), TRAIN_COLOR, "solid")], THEMES["normal"])


@BOTH
def test_marker_step_hline_and_right_axis(theme):
    steps, train, _ = losses()
    sharp = np.linspace(0, 21, len(steps))
    fig = as_json(
        curves_figure(
            steps,
            [("sharpness", sharp, "#009E73", "solid")],
            theme,
            y_title="λmax",
            log_y=False,
            marker_step=400,
            hlines=[(20.0, "2/η = 20")],
            y2=("training loss", [("loss", train, "#999999", "dot")]),
        )
    )
    lay = fig["layout"]
    vline = next(s for s in lay["shapes"] if s["x0"] == s["x1"] == 400)
    assert vline["line"]["dash"] == "dot" and vline["yref"] == "paper"
    hline = next(s for s in lay["shapes"] if s.get("yref") == "y")
    assert hline["y0"] == hline["y1"] == 20.0 and hline["line"]["dash"] == "dash"
    notes = {a["text"]: a for a in lay["annotations"]}
    assert "step 400" in notes and notes["step 400"]["x"] == 400
    eta = notes["<b>2/η = 20</b>"]
    assert (eta["x"], eta["xref"], eta["xanchor"], eta["y"]) == (1, "paper", "right", 20.0)  # labelled at the right end
    loss = named(fig, "loss (right axis)")
    assert loss["yaxis"] == "y2" and named(fig, "sharpness")["yaxis"] == "y"
    assert lay["yaxis2"]["overlaying"] == "y" and lay["yaxis2"]["side"] == "right" and lay["yaxis2"]["type"] == "log"
    assert lay["yaxis"]["type"] == "linear" and lay["yaxis"]["title"]["text"] == "λmax"
    assert lay["yaxis2"]["title"]["text"] == "training loss"


def test_hline_on_a_log_axis_sits_at_its_logarithm():
    steps, train, _ = losses()
    fig = as_json(curves_figure(steps, [("t", train, TRAIN_COLOR, "solid")], THEMES["normal"], hlines=[(0.1, "ten")]))
    note = fig["layout"]["annotations"][0]
    assert note["y"] == pytest.approx(-1.0)  # annotations on a log axis take log10; the shape takes the value
    assert fig["layout"]["shapes"][0]["y0"] == pytest.approx(0.1)


def test_log_ticks_are_full_labels_within_the_data():
    steps, train, _ = losses()  # 0.02 … 0.72: less than two decades
    lay = as_json(curves_figure(steps, [("t", train, TRAIN_COLOR, "solid")], THEMES["normal"]))["layout"]["yaxis"]
    vals = lay["tickvals"]
    assert 3 <= len(vals) <= 7 and all(train.min() * 0.999 <= v <= train.max() * 1.001 for v in vals)
    assert lay["ticktext"] == [f"{v:g}" for v in vals]  # 0.05, 0.1, 0.2, 0.5 — not Plotly's tiny digits


@BOTH
def test_line_figure_marks_init_and_trained(theme):
    a = np.linspace(-0.5, 1.5, 81)
    train = 0.5 + (a - 1) ** 2
    fig = as_json(line_figure(a, train, train + 0.1, theme, height=300))
    tr, te = named(fig, "training loss"), named(fig, "test loss")
    assert (tr["line"]["color"], tr["line"]["dash"], te["line"]["color"], te["line"]["dash"]) == (
        TRAIN_COLOR,
        "solid",
        TEST_COLOR,
        "dash",
    )
    assert sorted(s["x0"] for s in fig["layout"]["shapes"]) == [0.0, 1.0]
    assert {a["text"] for a in fig["layout"]["annotations"]} == {"init", "trained"}
    assert fig["layout"]["yaxis"]["type"] == "log" and fig["layout"]["height"] == 300
    np.testing.assert_allclose(decode(tr["x"]), a, rtol=1e-6)


# -- boundary --------------------------------------------------------------------------------------------------
def grid(n=120):
    g = np.linspace(-2, 2, n, dtype=np.float32)
    X, Y = np.meshgrid(g, g)
    return g, 1 / (1 + np.exp(-3 * (Y - 0.5 * X)))


def two_classes(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (n, 2)).astype(np.float32)
    return x, (x[:, 1] > 0.5 * x[:, 0]).astype(np.float32)


@BOTH
def test_boundary_shades_probability_draws_the_half_line_and_colours_classes(theme):
    g, prob = grid(60)
    prob = prob[:50]  # ny != nx: the shape is (len(ys), len(xs))
    x, y = two_classes(200)
    xt, yt = two_classes(60, seed=1)
    fig = as_json(boundary_figure(g, g[:50], prob, x, y, xt, yt, theme))
    bg = fig["data"][0]
    assert bg["type"] == "contour" and bg["contours"]["start"] == bg["contours"]["end"] == 0.5
    assert bg["contours"]["showlines"] and bg["contours"]["coloring"] == "heatmap"
    assert bg["line"]["color"] and bg["line"]["width"] == theme.line_width
    assert (bg["zmin"], bg["zmax"]) == (0, 1) and [tuple(s) for s in bg["colorscale"]] == list(PROB_SCALE)
    z = decode(bg["z"]).reshape(len(decode(bg["y"])), len(decode(bg["x"])))
    assert z.shape == (50, 60) and bg["z"]["dtype"] == "f4"
    np.testing.assert_allclose(z, prob, atol=1 / 4096)
    for c in (0, 1):
        t = named(fig, f"class {c} (train)")
        assert t["marker"]["color"] == CLASS_COLORS[c] and t["marker"]["line"]["color"] == "white"
        np.testing.assert_array_equal(decode(t["x"]), x[y == c, 0])
        test = named(fig, f"class {c} (test)")
        assert test["marker"]["symbol"] == "circle-open" and test["marker"]["color"] == CLASS_COLORS[c]
        assert len(decode(test["x"])) == int((yt == c).sum())
    shown = [t["name"] for t in fig["data"] if t.get("showlegend", True)]
    assert {"class 0 (train)", "class 1 (train)", "test points"} <= set(shown)
    lay = fig["layout"]
    assert lay["yaxis"]["scaleanchor"] == "x" and lay["yaxis"]["scaleratio"] == 1
    assert lay["xaxis"]["range"] == [-2.0, 2.0]


def test_soft_labels_are_coloured_by_rounding_and_shown_in_the_hover():
    g, prob = grid(30)
    x, _ = two_classes(5)
    soft = np.array([0.0, 0.49, 0.5, 0.8, 1.0], np.float32)
    fig = as_json(boundary_figure(g, g, prob, x, soft, x[:2], soft[:2], THEMES["normal"]))
    zero, one = named(fig, "class 0 (train)"), named(fig, "class 1 (train)")
    np.testing.assert_array_equal(decode(zero["customdata"]), np.float32([0.0, 0.49]))
    np.testing.assert_array_equal(decode(one["customdata"]), np.float32([0.5, 0.8, 1.0]))
    assert "%{customdata" in one["hovertemplate"]


def test_boundary_accepts_nan_and_rejects_a_wrong_shape():
    g, prob = grid(20)
    prob[3:5] = np.nan
    x, y = two_classes(10)
    fig = as_json(boundary_figure(g, g, prob, x, y, x, y, THEMES["presenter"]))
    assert np.isnan(decode(fig["data"][0]["z"])).sum() == 40
    with pytest.raises(ValueError, match="expected"):
        boundary_figure(g, g, prob.T[:, :10], x, y, x, y, THEMES["normal"])


def test_a_120_grid_boundary_stays_small_even_when_saturated():
    """A saturated sigmoid (0.99999994 everywhere) is the worst case: its float32 bytes are mostly "/" in base64,
    which the JSON escapes as six characters each; P is sent in steps of 1/4096 to avoid it."""
    g, _ = grid(120)
    worst = np.full((120, 120), np.nextafter(np.float32(1), np.float32(0)), np.float32)
    x, y = two_classes(400)
    text = pio.to_json(boundary_figure(g, g, worst, x, y, x[:100], y[:100], THEMES["normal"]), validate=False)
    assert '"bdata"' in text and '"dtype":"f4"' in text
    assert len(text) < 200_000, len(text)


# -- regression ------------------------------------------------------------------------------------------------
@BOTH
def test_regression_points_fit_and_truth(theme):
    rng = np.random.default_rng(0)
    xs = np.linspace(-1.2, 1.2, 100, dtype=np.float32)
    truth = np.sin(3 * xs)
    fit = truth.copy()
    fit[:5] = 1e3  # an overfit edge shooting off
    xa = rng.uniform(-1, 1, (40, 1)).astype(np.float32)
    xb = rng.uniform(-1, 1, (10, 1)).astype(np.float32)
    fig = as_json(regression_figure(xs, fit, xa, np.sin(3 * xa[:, 0]), xb, np.sin(3 * xb[:, 0]), theme, truth=truth))
    train, test = named(fig, "training data"), named(fig, "test data")
    np.testing.assert_array_equal(decode(train["x"]), xa[:, 0])  # (N, 1) ravelled
    assert train["marker"]["color"] == TRAIN_COLOR and test["marker"]["symbol"] == "circle-open"
    assert test["marker"]["color"] == TEST_COLOR
    assert named(fig, "true curve")["line"]["dash"] == "dash"
    f = named(fig, "network's fit")
    assert f["line"]["width"] > theme.line_width and f["mode"] == "lines"
    lo, hi = fig["layout"]["yaxis"]["range"]
    assert -2 < lo < -1 and 1 < hi < 3  # the data stay readable; the wild edge leaves the frame
    plain = as_json(regression_figure(xs, fit, xa, np.sin(3 * xa[:, 0]), xb, np.sin(3 * xb[:, 0]), theme))
    assert "true curve" not in [t["name"] for t in plain["data"]]


# -- landscape slice -------------------------------------------------------------------------------------------
def bowl(n=41):
    a = np.linspace(-1, 1, n, dtype=np.float32)
    b = np.linspace(-0.5, 0.5, n - 10, dtype=np.float32)
    A, B = np.meshgrid(a, b)
    return a, b, (0.01 + A**2 + 4 * B**2).astype(np.float32)


def slice_z(fig: dict) -> np.ndarray:
    t = fig["data"][0]
    return decode(t["z"]).reshape(len(decode(t["y"])), len(decode(t["x"])))


@BOTH
def test_slice_is_log_loss_with_landscape_colours_centre_star_and_path(theme):
    a, b, z = bowl()
    t = np.linspace(0, 1, 30)[:, None]
    path = np.hstack([0.8 * (1 - t), 0.4 * (1 - t) ** 2])  # ends at the centre
    fig = as_json(slice_figure(a, b, z, theme, path=path))
    c = fig["data"][0]
    assert c["type"] == "contour" and c["contours"]["coloring"] == "fill" and c["contours"]["showlines"]
    assert c["colorbar"]["title"]["text"] == "log₁₀ loss"
    assert [tuple(s) for s in c["colorscale"]] == list(LANDSCAPE_STOPS)
    np.testing.assert_allclose(slice_z(fig), np.log10(z), atol=1e-5)
    np.testing.assert_allclose(decode(c["customdata"]).reshape(z.shape), z)  # the hover shows the loss itself
    assert c["zmin"] == pytest.approx(-2.0, abs=1e-5) and c["zmax"] == pytest.approx(np.log10(2.01), abs=1e-5)
    star = named(fig, "trained weights")
    assert star["marker"]["symbol"] == "star" and list(decode(star["x"])) == [0] and list(decode(star["y"])) == [0]
    line = named(fig, "training path")
    px, py = decode(line["x"]), decode(line["y"])
    assert "lines" in line["mode"] and "markers" in line["mode"]
    assert (px[-1], py[-1]) == (0, 0) and px[0] == pytest.approx(0.8)
    start = named(fig, "start")
    assert start["text"] == ["start"] and start["marker"]["symbol"] == "circle"
    assert (decode(start["x"])[0], decode(start["y"])[0]) == (px[0], py[0])


def test_shared_zmin_zmax_give_two_slices_one_colour_range_in_log10_units():
    a, b, z = bowl()
    figs = [as_json(slice_figure(a, b, z * k, THEMES["normal"], zmin=-1.5, zmax=0.5, showscale=k == 1)) for k in (1, 5)]
    for fig in figs:
        c = fig["data"][0]
        assert (c["zmin"], c["zmax"], c["contours"]["start"], c["contours"]["end"]) == (-1.5, 0.5, -1.5, 0.5)
    # clipped to the shared range: the first slice's floor (loss 0.01) and the second's top (loss 10.05)
    assert slice_z(figs[0]).min() == -1.5 and slice_z(figs[0]).max() == pytest.approx(np.log10(2.01))
    assert slice_z(figs[1]).max() == 0.5 and slice_z(figs[1]).min() == pytest.approx(np.log10(0.05))
    assert figs[0]["data"][0]["contours"]["size"] == figs[1]["data"][0]["contours"]["size"]
    assert figs[0]["data"][0]["showscale"] is True and figs[1]["data"][0]["showscale"] is False
    only_max = as_json(slice_figure(a, b, z, THEMES["normal"], zmax=1.0))["data"][0]
    assert only_max["zmax"] == 1.0 and only_max["zmin"] == pytest.approx(-2.0, abs=1e-5)
    with pytest.raises(ValueError):
        slice_figure(a, b, z, THEMES["normal"], zmin=1.0, zmax=0.0)


def test_slice_copes_with_nan_zero_negative_and_nothing_finite():
    a, b, z = bowl(21)
    z[0, 0], z[1, 1], z[2, 2], z[3, 3] = np.nan, np.inf, 0.0, -1.0
    fig = as_json(slice_figure(a, b, z, THEMES["presenter"], path=np.array([[0.5, 0.2], [np.nan, 0], [0, 0]])))
    lz, c = slice_z(fig), fig["data"][0]
    assert np.isfinite(lz).all()
    assert lz[0, 0] == lz[1, 1] == pytest.approx(c["zmax"]) and lz[2, 2] == lz[3, 3] == pytest.approx(c["zmin"])
    assert len(decode(named(fig, "training path")["x"])) == 2  # the non-finite row is left out
    empty = as_json(slice_figure(a, b, np.full_like(z, np.nan), THEMES["normal"]))["data"][0]
    assert np.isfinite([empty["zmin"], empty["zmax"]]).all() and empty["zmax"] > empty["zmin"]
    flat = as_json(slice_figure(a, b, np.ones_like(z), THEMES["normal"]))["data"][0]
    assert flat["zmax"] > flat["zmin"] and flat["contours"]["size"] > 0


def test_slice_rejects_a_transposed_grid():
    a, b, z = bowl()
    with pytest.raises(ValueError, match="expected"):
        slice_figure(a, b, z.T, THEMES["normal"])


# -- every figure ----------------------------------------------------------------------------------------------
def all_figures(theme, **kw):
    steps, train, test = losses()
    g, prob = grid(30)
    x, y = two_classes(50)
    a, b, z = bowl(21)
    xs = np.linspace(-1, 1, 50)
    return [
        curves_figure(steps, [("t", train, TRAIN_COLOR, "solid")], theme, title="Loss", **kw),
        boundary_figure(g, g, prob, x, y, x, y, theme, title="Boundary", **kw),
        regression_figure(xs, xs, xs[:, None], xs, xs[:, None], xs, theme, title="Fit", **kw),
        slice_figure(a, b, z, theme, title="Slice", **kw),
        line_figure(np.linspace(-0.5, 1.5, 9), np.ones(9), np.ones(9), theme, title="Line", **kw),
    ]


@BOTH
def test_every_figure_uses_the_theme_fonts_title_height_and_legend_switch(theme):
    for fig in all_figures(theme):
        lay = as_json(fig)["layout"]
        assert lay["font"]["size"] == theme.font_size and lay["title"]["font"]["size"] == theme.title_size
        assert 0.4 * theme.height <= lay["height"] <= theme.height and lay["showlegend"] is True
    for fig in all_figures(theme, height=333, showlegend=False):
        lay = as_json(fig)["layout"]
        assert lay["height"] == 333 and lay["showlegend"] is False


def test_presenter_draws_thicker_lines_and_bigger_dots():
    normal = [as_json(f) for f in all_figures(THEMES["normal"])]
    presenter = [as_json(f) for f in all_figures(THEMES["presenter"])]
    assert presenter[0]["data"][0]["line"]["width"] > normal[0]["data"][0]["line"]["width"]
    dot = lambda fig: named(fig, "class 0 (train)")["marker"]["size"]
    assert dot(presenter[1]) > dot(normal[1])


def test_viz_networks_imports_neither_jax_nor_streamlit():
    code = (
        "import sys, viz.networks, viz.net_slice, viz.net_curves; "
        "print(sorted(m for m in ('jax', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.stdout.strip() == "[]"


def test_the_range_test_draws_loss_against_eta_on_log_axes_with_the_edge_where_it_is():
    from viz.net_curves import range_test_figure

    lrs = np.geomspace(1e-4, 10, 200).astype(np.float32)
    loss = np.exp(-np.arange(200) / 60).astype(np.float32)
    loss[180:] = np.nan
    fig = json.loads(range_test_figure(lrs, loss, 1.54, THEMES["normal"], fastest=170, blew_up=185).to_json())
    layout = fig["layout"]
    assert layout["xaxis"]["type"] == "log" and layout["yaxis"]["type"] == "log"
    line = next(s for s in layout["shapes"] if s["type"] == "line")
    assert line["x0"] == line["x1"] == 1.54  # a shape on a log axis: by its value
    note = next(a for a in layout["annotations"] if a["text"] == "2/λmax at init")
    assert abs(note["x"] - np.log10(1.54)) < 1e-9  # an annotation on a log axis: by its logarithm
    star = next(t for t in fig["data"] if (t.get("name") or "").startswith("fastest fall"))
    assert star["x"] == [float(lrs[170])] and star["y"] == [float(loss[170])]
    assert not any((t.get("name") or "").startswith("blew up") for t in fig["data"])  # its loss is NaN: no mark
