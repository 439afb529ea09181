"""viz/export.py: PNG/SVG/PDF through kaleido; viz/animation.py: animation frames as the page shows them, GIF and MP4
encoding."""

from __future__ import annotations

import io
import re
import threading
from xml.etree import ElementTree

import imageio_ffmpeg
import numpy as np
import plotly.graph_objects as go
import pytest
from browser import require_chromium
from PIL import Image
from plotly_frames import shown_data

from charts import scene as fig
from scenes import Scene, compute
from scenes.compute import image_grid
from viz import animation, export, raster
from viz.basins import basin_figure
from viz.layout import keep_vector, vector_of
from viz.raster import shade
from viz.theme import THEMES

PNG = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
browser = pytest.mark.browser
pytestmark = pytest.mark.xdist_group("export")  # its module fixtures (the frames rendered once) on one worker


@pytest.fixture(scope="module")
def result():
    return compute(Scene(steps=100))


@pytest.fixture(scope="module")
def contour(result):
    return fig.contour(result, THEMES["normal"], frames=21)


@pytest.fixture(scope="module")
def chromium():
    require_chromium()


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    return Image.open(io.BytesIO(data)).size


def synthetic(n: int = 5, size: tuple[int, int] = (121, 81)) -> list[Image.Image]:
    """A landscape-like gradient with a dot moving across it."""
    w, h = size
    ramp = np.linspace(0, 1, w)[None, :, None] * np.array([-113, -91, -63]) + 255
    base = np.broadcast_to(ramp, (h, w, 3)).astype(np.uint8)
    out = []
    for i in range(n):
        a = base.copy()
        x = 5 + i * (w - 15) // max(1, n - 1)
        a[h // 2 - 3 : h // 2 + 3, x : x + 6] = (213, 94, 0)
        out.append(Image.fromarray(a))
    return out


def test_figure_dict_resolves_the_template_given_by_name(contour):
    assert contour.to_dict()["layout"]["template"] == "plotly_white"  # what the builders set
    spec = export._figure_dict(contour, frames=True)
    assert isinstance(spec["layout"]["template"], dict) and "layout" in spec["layout"]["template"]
    assert len(spec["frames"]) == len(contour.frames)
    assert "frames" not in export._figure_dict(contour)


def test_sequence_follows_the_slider(contour):
    spec = export._figure_dict(contour, frames=True)
    seq = animation._sequence(spec)
    steps = spec["layout"]["sliders"][0]["steps"]
    assert [name for name, _, _ in seq] == [s["args"][0][0] for s in steps]
    assert seq[0][1] == "step 0" and seq[-1][1] == "step 100"
    assert all(opts["frame"]["duration"] == 0 and opts["transition"]["duration"] == 0 for _, _, opts in seq)


@browser
def test_a_basin_map_draws_its_iso_lines_as_vector_paths_in_files(chromium):
    """A basin map's picture is a block per start (data: a heatmap, crisp) under the landscape's iso-lines (vector
    contour lines, not pixels of the picture)."""
    xs = ys = np.linspace(-2, 2, 60, dtype=np.float32)
    x, y = np.meshgrid(xs, ys)
    labels = np.where(x > 0, 0, np.where(y > 0, 1, -2)).astype(np.int16)
    names = {0: "basin a", 1: "basin b", -2: "not converged"}
    f = basin_figure(xs, ys, labels, (), names, THEMES["normal"], landscape=(x**2 + y**2).astype(np.float32))
    heat, lines = vector_of(f, "basins")
    assert heat["type"] == "heatmap" and not heat["zsmooth"] and lines["contours"]["coloring"] == "none"
    spec = export._figure_dict(f)
    assert export._vector_landscape(f, spec) and not spec["layout"]["images"]
    assert [t["type"] for t in spec["data"][:2]] == ["heatmap", "contour"]
    svg = export.image_bytes(f, "svg")
    root = ElementTree.fromstring(svg)
    lines = [p for g in root.iter(f"{SVG_NS}g") if g.get("class") == "contourlevel" for p in g.iter(f"{SVG_NS}path")]
    assert len(lines) >= raster.LEVELS - 1
    picture = f.layout.images[0].source
    assert picture.split(",", 1)[1].encode() not in svg  # the picture with its iso-lines in pixels is not in the file


@browser
def test_png_has_the_requested_pixels(chromium, contour, result):
    assert png_size(export.image_bytes(contour, "png", scale=2, width=400, height=300)) == (800, 600)
    loss = fig.loss(result, THEMES["normal"])
    height = loss.layout.height
    assert png_size(export.image_bytes(loss, scale=1)) == (export.DEFAULT_WIDTH, height)


def test_a_map_with_equal_axes_is_as_wide_as_its_plot_needs(contour):
    spec = export._figure_dict(contour)
    export._drop_controls(spec["layout"], export.STATIC_MARGIN_B)
    w, h = export._size(spec["layout"], None, None)
    m = spec["layout"]["margin"]
    (x0, x1), (y0, y1) = spec["layout"]["xaxis"]["range"], spec["layout"]["yaxis"]["range"]
    plot_w = w - m["l"] - m["r"] - 20  # the square plot, its margins, room for the last tick's text
    assert h == spec["layout"]["height"] and abs(plot_w - (h - m["t"] - m["b"]) * (x1 - x0) / (y1 - y0)) <= 1
    assert w < export.DEFAULT_WIDTH  # no empty bands beside the map
    assert export._size(spec["layout"], 700, None)[0] == 700  # an asked width wins


def steepness(png: bytes) -> float:
    """How abruptly the grey level changes where it changes, in grey levels per pixel, over the middle of the image:
    sum |∇|² / sum |∇| (a blur that spreads an edge over w pixels divides it by about w; the total change, the
    denominator, stays). An upscaled picture's iso-lines are spread over the upscaling factor."""
    a = np.asarray(Image.open(io.BytesIO(png)).convert("L"), float)
    h, w = a.shape
    a = a[h // 5 : 4 * h // 5, w // 5 : 4 * w // 5]
    g = np.concatenate([np.abs(np.diff(a, axis=1)).ravel(), np.abs(np.diff(a, axis=0)).ravel()])
    return float((g**2).sum() / g.sum())


@pytest.fixture(scope="module")
def landscape_only(result):
    """The race's map with every trace hidden: only the landscape is drawn."""
    f = fig.contour(result, THEMES["normal"], frames=0)
    for t in f.data:
        t.visible = False
    return f


def test_the_map_keeps_its_landscape_as_a_vector_contour_for_files_only(contour, result):
    (trace,) = vector_of(contour)
    assert trace["type"] == "contour" and trace["contours"]["coloring"] == "fill"
    assert all(t["type"] != "contour" for t in contour.to_dict()["data"])  # the page never receives it
    assert [im["name"] for im in contour.to_dict()["layout"]["images"]] == ["landscape"]
    spec = export._figure_dict(contour)
    assert export._vector_landscape(contour, spec)
    assert spec["data"][0]["type"] == "contour" and not spec["layout"]["images"]  # beneath every trace
    assert not export._vector_landscape(export._figure_dict(contour), export._figure_dict(contour))  # a copy: none


def test_the_vector_bands_have_the_pictures_levels_and_colours(result):
    """Band b of the picture (viz.raster.shade) and of the contour trace: the same values, the same colour. plotly.js
    colours the band above level v at v + size/2 on a scale whose position p is start + (p·n − 1/2)·size (n levels)."""
    values = image_grid(result.surface)
    lo, hi = float(values.min()), float(values.max())
    trace = fig.vector(result)
    c = trace["contours"]
    n = round((c["end"] - c["start"]) / c["size"]) + 1
    assert n == raster.LEVELS - 1 and c["start"] == pytest.approx(lo + (hi - lo) / raster.LEVELS)
    rgb = shade(values)
    band = raster.band_levels(values)[::-1]
    for b in (0, 5, raster.LEVELS - 1):
        middle = lo + (b + 0.5) * c["size"]  # plotly.js's colour of band b (the levels lie between the bands)
        p = ((middle - c["start"]) / c["size"] + 0.5) / n
        (position, color), *_ = [s for s in trace["colorscale"] if abs(s[0] - p) < 1e-9]
        inside = (band == b) & (np.roll(band, 1, 0) == b) & (np.roll(band, 1, 1) == b)  # not on an iso-line
        assert color == "rgb({},{},{})".format(*rgb[inside][0]), b


@browser
def test_a_3x_png_has_iso_lines_as_sharp_as_at_1x(chromium, landscape_only):
    """The landscape picture upscaled 3× spread its iso-lines over ~3 pixels (steepness 35 at 1×, 15 at 3×); the
    vector contour is as sharp at 3× as at 1× (38-39 both)."""
    sharp = {s: steepness(export.image_bytes(landscape_only, "png", scale=s)) for s in (1, 3)}
    assert sharp[3] > 0.85 * sharp[1], sharp
    raster_only = go.Figure(landscape_only)  # a copy keeps no vector: the picture, upscaled
    assert vector_of(raster_only) is None
    assert steepness(export.image_bytes(raster_only, "png", scale=3)) < 0.6 * sharp[3]


@browser
def test_svg_draws_the_landscape_as_vector_paths(chromium, contour):
    svg = export.image_bytes(contour, "svg")
    assert svg.lstrip().startswith((b"<svg", b"<?xml"))
    root = ElementTree.fromstring(svg)
    groups = {g.get("class"): g for g in root.iter(f"{SVG_NS}g") if g.get("class")}
    fills = [p for p in groups["contourfill"].iter(f"{SVG_NS}path") if p.get("d")]
    lines = [p for g in root.iter(f"{SVG_NS}g") if g.get("class") == "contourlevel" for p in g.iter(f"{SVG_NS}path")]
    assert len(fills) == raster.LEVELS - 1 and len(lines) >= raster.LEVELS - 1
    assert not list(root.iter(f"{SVG_NS}image")) and b"data:image/png" not in svg  # no picture inside
    assert b"updatemenu" not in svg and b"slider" not in svg  # a file has no play button


@browser
def test_pdf_has_one_page(chromium, contour):
    pdf = export.image_bytes(contour, "pdf", scale=1)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1


@browser
def test_3d_png(chromium, result):
    surface = fig.surface3d(result, THEMES["normal"])
    assert png_size(export.image_bytes(surface, scale=1, width=500, height=400)) == (500, 400)


def test_unknown_format_is_refused(contour):
    with pytest.raises(ValueError, match="format"):
        export.image_bytes(contour, "jpg")


@browser
def test_concurrent_callers_share_the_server(chromium, contour):
    out: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: out.append(export.image_bytes(contour, scale=1, width=300, height=200)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [png_size(b) for b in out] == [(300, 200)] * 3


@browser
def test_a_dead_browser_is_restarted(chromium, contour):
    export.image_bytes(contour, scale=1, width=200, height=150)
    export._SERVER.kaleido.subprocess.kill()  # the Chromium this module started
    export._SERVER.kaleido.subprocess.wait(10)
    assert png_size(export.image_bytes(contour, scale=1, width=200, height=150)) == (200, 150)


@pytest.fixture(scope="module")
def frames(chromium, contour):
    seen: list[float] = []
    out = animation.animation_frames(contour, max_frames=8, width=500, height=400, progress=seen.append)
    return out, seen


@browser
def test_animation_frames(frames, contour):
    out, seen = frames
    assert len(out) == 8
    assert {f.size for f in out} == {(500, 400)} and {f.mode for f in out} == {"RGB"}
    assert np.abs(np.asarray(out[0], float) - np.asarray(out[-1], float)).mean() > 0.5
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 8


@browser
def test_animation_frames_at_2x_have_twice_the_pixels_and_a_sharp_landscape(chromium, result):
    """The GIF and MP4 of a slide: 2× the chart's pixels, the landscape drawn again at that scale from its vector
    contour (the picture upscaled 2× spreads its iso-lines: steepness 0.6× or less)."""
    race = fig.contour(result, THEMES["normal"], frames=3)
    for t in race.data:  # the landscape alone (a frame moves the paths' data, not their visibility)
        t.visible = False
    (one,) = animation.animation_frames(race, max_frames=1)
    assert one.size == (611, 660)  # the race's own size
    (sharp,) = animation.animation_frames(race, max_frames=1, scale=2)
    assert sharp.size == (1222, 1320)
    upscaled = go.Figure(race)  # a copy keeps no vector: the 480-pixel picture over ~1050 pixels
    (blurred,) = animation.animation_frames(upscaled, max_frames=1, scale=2)

    def png(im: Image.Image) -> bytes:
        buf = io.BytesIO()
        im.save(buf, format="PNG")
        return buf.getvalue()

    assert steepness(png(blurred)) < 0.75 * steepness(png(sharp)), (steepness(png(blurred)), steepness(png(sharp)))
    assert steepness(png(sharp)) > 0.85 * steepness(png(one))


@browser
def test_animation_frames_count_is_capped_by_the_figure(chromium, result):
    small = fig.contour(result, THEMES["normal"], frames=6)
    assert len(animation.animation_frames(small, max_frames=100, width=300, height=240, scale=0.5)) == 6


@browser
@pytest.mark.parametrize("j", [0, 3])
def test_a_frame_shows_the_path_up_to_its_step(frames, contour, j):
    """Frame j equals the figure whose data are plotly.js's merge of that frame (baseframe chains resolved,
    tests/plotly_frames.py), drawn once with no animation: the whole path up to the step and the heads, and no
    stale line of a stretch the frame emptied (at step 0 plotly.js's animate would leave the finished paths)."""
    out, _ = frames
    d = contour.to_dict()
    steps = d["layout"]["sliders"][0]["steps"]
    step = steps[np.unique(np.linspace(0, len(steps) - 1, 8).round().astype(int))[j]]
    name = step["args"][0][0]
    still = {**d, "data": shown_data(d, name), "frames": [{"name": name, "data": []}]}
    still["layout"] = {**d["layout"], "sliders": [{**d["layout"]["sliders"][0], "steps": [step]}]}
    still = keep_vector(go.Figure(still), vector_of(contour))  # the landscape drawn as the frames draw it
    expected = animation.animation_frames(still, width=500, height=400)
    assert len(expected) == 1
    a, b = np.asarray(out[j], float), np.asarray(expected[0], float)
    assert np.abs(a - b).mean() < 0.15
    assert np.abs(np.asarray(out[j + 1], float) - b).mean() > 5 * np.abs(a - b).mean()


def test_emptied_traces_get_a_gap_point():
    frames = [
        {
            "data": [
                {"x": [], "y": []},
                {"x": {"dtype": "f4", "bdata": ""}, "y": {"dtype": "f4", "bdata": ""}},
                {"x": [1.0], "y": [2.0]},
                {"marker": {"size": 3}},
            ]
        }
    ]
    animation._fill_empty(frames)
    assert [u.get("x") for u in frames[0]["data"]] == [[None], [None], [1.0], None]


@browser
@browser
def test_the_3d_view_animates_into_a_file_too(chromium, result):
    """A 3D scene's WebGL canvas is not in a screenshot of the tab: each frame is plotly.js's own image of it. The
    side-by-side view's 3D chart (its controls hidden, the map drives it) steps through its slider all the same."""
    for shown in (True, False):
        solid = fig.surface3d(result, THEMES["normal"], frames=21, controls=shown)
        out = animation.animation_frames(solid, max_frames=3, width=500, height=400)
        assert len(out) == 3 and {f.size for f in out} == {(500, 400)}
        first, last = (np.asarray(f, float) for f in (out[0], out[-1]))
        assert (first.min(axis=2) < 240).mean() > 0.05, shown  # the surface is drawn, not a blank scene
        racers = lambda a: (np.abs(a[..., 0] - a[..., 2]) > 80).sum()  # noqa: E731  (orange and blue ink)
        assert racers(last) > racers(first) + 50, shown  # the paths have grown (the legend draws the rest)


def test_gif_and_mp4_of_rendered_frames(frames):
    out, _ = frames
    gif = animation.gif_bytes(out)
    assert gif.startswith(b"GIF89a")
    assert Image.open(io.BytesIO(gif)).n_frames == len(out)
    assert animation.mp4_bytes(out)[4:8] == b"ftyp"


def test_gif_timing_loop_and_colours():
    out = synthetic(6)
    gif = Image.open(io.BytesIO(animation.gif_bytes(out, fps=10)))
    assert gif.n_frames == 6 and gif.info.get("loop") == 0
    assert gif.info["duration"] == 100
    gif.seek(5)
    assert gif.info["duration"] == round(animation.HOLD_SECONDS * 1000)
    err = np.abs(np.asarray(gif.convert("RGB"), float) - np.asarray(out[5], float))
    assert err.mean() < 2 and err.max() < 40  # no visible banding, the orange stays orange
    once = Image.open(io.BytesIO(animation.gif_bytes(out, loop=False)))
    assert "loop" not in once.info


def test_mp4_is_h264_with_even_sides(tmp_path):
    out = synthetic(6, size=(121, 81))
    data = animation.mp4_bytes(out, fps=12)
    assert data[4:8] == b"ftyp"
    path = tmp_path / "a.mp4"
    path.write_bytes(data)
    n, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert n == len(out) + round(animation.HOLD_SECONDS * 12) - 1
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    reader.close()
    assert tuple(meta["size"]) == (122, 82) and "h264" in meta["codec"]


def test_frames_of_different_sizes_are_refused():
    with pytest.raises(ValueError, match="size"):
        animation.gif_bytes(synthetic(2) + synthetic(1, size=(50, 50)))


# -- the charts' names and file names ---------------------------------------------------------------------------------
