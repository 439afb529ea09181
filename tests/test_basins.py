"""scenes.basins and viz.basins: basin labels on Himmelblau, shares, the picture and its click grid."""

from __future__ import annotations

import numpy as np
import pytest

from charts.scene import markers
from optim import run
from scenes import RunSpec, Scene
from scenes import basins as bs
from viz import THEMES
from viz.basins import basin_figure, basin_image
from viz.layout import CLICK_LAYER, as_points, grid_indices


def scene(surface="himmelblau", opt="gd", lr=0.002, steps=500) -> Scene:
    return Scene(surface=surface, runs=(RunSpec(opt, (("learning_rate", lr),)),), steps=steps)


def test_himmelblau_starts_near_each_minimum_are_labelled_with_it_and_the_four_basins_cover_the_domain():
    bm = bs.basin_map(scene())
    assert bm.labels.shape == (bs.GRID, bs.GRID) and bm.labels.dtype == np.int16
    for k, p in enumerate(bm.minima):
        j, i = np.abs(bm.xs - p.x).argmin(), np.abs(bm.ys - p.y).argmin()
        near = bm.labels[max(i - 3, 0) : i + 4, max(j - 3, 0) : j + 4]
        assert (near == k).all(), (p, np.unique(near))
    assert sum(bm.share(k) for k in range(4)) > 0.99
    assert all(0.15 < bm.share(k) < 0.35 for k in range(4))  # four basins of comparable size
    assert bm.share_global == pytest.approx(sum(bm.share(k) for k in range(4)))


def test_labels_of_ends_diverged_and_not_converged():
    s = scene().surface_obj
    ends = np.array([[3.0, 2.0], [3.0005, 2.0], [0.0, 0.0], [3.0, 2.0]], np.float32)
    labels = bs.label_ends(s, ends, np.array([-1, -1, -1, 7]))
    k = next(i for i, p in enumerate(s.minima) if (p.x, p.y) == (3.0, 2.0))
    assert labels.tolist() == [k, k, bs.NOT_CONVERGED, bs.DIVERGED]


def test_a_surface_without_minima_has_no_basin_and_too_large_a_step_diverges():
    bm = bs.basin_map(scene("saddle", lr=0.01, steps=100), n=20)
    assert set(np.unique(bm.labels)) <= {bs.DIVERGED, bs.NOT_CONVERGED}
    assert bm.share_global == 0.0
    wild = bs.basin_map(scene(lr=0.5, steps=100), n=20)
    assert wild.share(bs.DIVERGED) > 0.5


def test_the_figure_shows_the_map_as_an_image_with_a_click_grid_and_shares_in_the_legend():
    bm = bs.basin_map(scene(), n=50)
    names = bs.legend_names(bm)
    assert all(v.endswith("%") for v in names.values()) and "global min (3, 2)" in " ".join(names.values())
    fig = basin_figure(bm.xs, bm.ys, bm.labels, markers(bm), names, THEMES["normal"], picked=(1.0, 1.0))
    fig = fig.to_plotly_json()
    assert fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    layer = fig["data"][0]  # the click layer: a transparent cell per start of a coarse grid, hovering its basin
    assert layer["type"] == "heatmap" and layer["name"] == "starts" and layer["meta"] == CLICK_LAYER
    ix, iy = grid_indices(bm.xs, bm.ys, 40)
    assert layer["x"] == bm.xs[ix].tolist() and layer["y"] == bm.ys[iy].tolist()
    assert layer["customdata"][3][7] == names[int(bm.labels[iy[3], ix[7]])]
    assert {c for row in layer["colorscale"] for c in row[1:]} == {"rgba(0,0,0,0)"}  # it paints nothing
    points = as_points(layer)  # Streamlit's own chart: invisible markers at the same starts, the same hover
    assert points["type"] == "scatter" and points["marker"]["opacity"] == 0
    assert points["customdata"][3 * len(ix) + 7] == layer["customdata"][3][7]
    legend = [t["name"] for t in fig["data"] if t.get("showlegend")]
    assert set(names.values()) <= set(legend)
    img = basin_image(bm.labels)
    assert img.shape == (50, 50, 3) and img.dtype == np.uint8


def test_a_map_larger_than_one_chunk_equals_one_call_over_every_start():
    scene = Scene(surface="himmelblau", runs=(RunSpec("gd", (("learning_rate", 0.01),)),), steps=60)
    n = 210  # 44,100 starts: two chunks of bs.CHUNK, the second padded
    assert bs.chunks(n) == 2 and bs.chunks(bs.GRID) == 1
    bm = bs.basin_map(scene, n)
    xs, ys, starts = bs.grid_starts(scene.surface_obj, n)
    tr = run(scene.surface_obj, "gd", start=starts, steps=60, record_every=60, learning_rate=0.01)
    np.testing.assert_array_equal(bm.ends.reshape(-1, 2), tr.xy[:, -1])
    np.testing.assert_array_equal(bm.labels.ravel(), bs.label_ends(scene.surface_obj, tr.xy[:, -1], tr.diverged_at))
    assert bm.labels.shape == (n, n) and bm.xs.shape == (n,)
