"""The export command renders every preset into files that open: headers, image sizes, animation frames."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import imageio_ffmpeg
import pytest
from browser import require_chromium
from PIL import Image

from lab.__main__ import main
from lab.pages import PRESETS
from lab.render import file_names
from viz import export

PRESET_DIR = str(Path(__file__).resolve().parent.parent / "links" / "presets")

pytestmark = pytest.mark.browser
PRESETS_GROUP = pytest.mark.xdist_group("presets")  # with the other tests of the session's preset figures


@pytest.fixture(scope="module")
def everything(tmp_path_factory, preset_figures):
    """Every preset of the library rendered by the export command, every figure as PNG (at 1×: the 3D views cost
    seconds at 3×). The command draws the session's preset figures (tests/conftest.py): the page builders' output
    that the link and page tests check too, computed once."""
    require_chromium()
    out = tmp_path_factory.mktemp("all")
    printed = io.StringIO()
    argv = ["render", PRESET_DIR, "--out", str(out), "--formats", "png", "--animations", "none", "--scale", "1"]
    with preset_figures.for_the_export_command(), contextlib.redirect_stdout(printed):
        assert main(argv) == 0
    return out, printed.getvalue()


@pytest.fixture(scope="module")
def print_quality(tmp_path_factory, preset_figures):
    """One preset as a lecturer renders it for the notes: 3× images as PNG, SVG and PDF, the race as GIF and MP4."""
    require_chromium()
    out = tmp_path_factory.mktemp("notes")
    printed = io.StringIO()
    argv = ["render", f"{PRESET_DIR}/three-minima.toml", "--out", str(out), "--animations", "gif,mp4", "--frames", "12"]
    with preset_figures.for_the_export_command(), contextlib.redirect_stdout(printed):
        assert main(argv) == 0
    return out, printed.getvalue()


def svg_size(svg: bytes) -> tuple[float, float]:
    head = svg[: svg.index(b">", svg.index(b"<svg")) + 1].decode()
    return float(re.search(r'\bwidth="([\d.]+)', head)[1]), float(re.search(r'\bheight="([\d.]+)', head)[1])


def png_opens(png: Path, scale: float) -> tuple[int, int]:
    """The PNG of one figure opens, at least a 300 × 200 chart times the scale; its size."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", png.name
    w, h = Image.open(io.BytesIO(data)).size
    assert w / scale >= 300 and h / scale >= 200, (png.name, w, h)
    return w, h


def opens(png: Path, scale: float) -> None:
    """The PNG, SVG and PDF of one figure open, the PNG and the SVG have one size, a chart's times the scale."""
    w, h = png_opens(png, scale)
    svg = png.with_suffix(".svg").read_bytes()
    assert svg.lstrip()[:5] in (b"<svg ", b"<?xml") and b"</svg>" in svg[-200:], png.name
    sw, sh = svg_size(svg)  # kaleido writes the SVG at the scaled size too
    assert (w, h) == (round(sw), round(sh)) and sw / scale >= 300 and sh / scale >= 200, (png.name, w, h, sw, sh)
    pdf = png.with_suffix(".pdf").read_bytes()
    assert pdf[:5] == b"%PDF-" and b"/Page" in pdf and pdf.rstrip().endswith(b"%%EOF"), png.name


def kind(f) -> tuple:
    """What decides how a figure is drawn into a file: its trace types (3D surface, contour, heatmap, scatter),
    whether it is animated (play button and slider dropped) and whether it carries a raster landscape picture."""
    return tuple(sorted({t.type for t in f.data})), bool(f.frames), bool(f.layout.images)


@PRESETS_GROUP
def test_every_preset_renders_to_pngs_that_open(everything):
    out, printed = everything
    for preset in PRESETS.values():
        pngs = sorted(out.glob(f"{preset.name}-*.png"))
        assert pngs, f"{preset.name}: no figure"
        for png in pngs:
            png_opens(png, 1.0)
        assert re.search(rf"\[\d+/{len(PRESETS)}\] {re.escape(preset.name)}: {len(pngs)} figures? in ", printed)
    assert f"{len(list(out.glob('*.png')))} files in" in printed  # one format: a file per figure


@PRESETS_GROUP
def test_each_kind_of_figure_also_renders_to_an_svg_and_a_pdf_that_open(everything, preset_figures):
    """SVG and PDF go through kaleido as the PNG does (the print-quality preset checks the command writes them):
    each kind of figure of the library once, beside the PNG the command wrote for it, so they are compared."""
    out, _ = everything
    first: dict[tuple, Path] = {}
    for preset in PRESETS.values():
        figs = preset_figures(preset.name)
        stems = file_names(preset, figs)
        for name, f in figs.items():
            png = out / f"{stems[name]}.png"
            if kind(f) not in first:
                first[kind(f)] = png
                for fmt in ("svg", "pdf"):
                    png.with_suffix(f".{fmt}").write_bytes(export.image_bytes(f, fmt, scale=1.0))
    assert {("scatter",), ("scatter3d", "surface"), ("heatmap", "scatter"), ("contour", "scatter")} <= {
        types for types, _, _ in first
    }, first  # the library has 3D views, phase diagrams and network landscapes: each is a kind
    for png in first.values():
        opens(png, 1.0)


@PRESETS_GROUP
def test_the_files_are_the_figures_the_page_builds_for_the_preset(everything, preset_figures):
    out, _ = everything
    for preset in PRESETS.values():
        figs = preset_figures(preset.name)
        assert figs and all(f.data for f in figs.values()), preset.name
        # file names are "<preset>-<the chart's name>.png" (charts.names: "regimes-race-eta-too-small")
        assert {p.stem for p in out.glob(f"{preset.name}-*.png")} == set(file_names(preset, figs).values())


@pytest.mark.xdist_group("cli-notes")
def test_print_quality_images_are_three_times_the_chart(print_quality):
    out, printed = print_quality
    pngs = sorted(out.glob("three-minima-*.png"))
    assert {p.stem for p in pngs} == {
        "three-minima-race-on-the-map",
        "three-minima-loss-per-step",
        "three-minima-3d-surface",
    }
    for png in pngs:
        opens(png, 3.0)
        assert Image.open(png).size[0] >= 1500
    assert "11 files in" in printed  # three figures in three formats, the race as GIF and MP4


@pytest.mark.xdist_group("cli-notes")
def test_the_race_is_also_a_gif_and_an_mp4(print_quality):
    out, _ = print_quality
    gif = out / "three-minima-race-on-the-map.gif"
    image = Image.open(gif)
    assert gif.read_bytes()[:6] == b"GIF89a" and image.n_frames == 12
    mp4 = (out / "three-minima-race-on-the-map.mp4").read_bytes()
    assert mp4[4:8] == b"ftyp"


def test_bad_arguments_are_told_plainly(tmp_path):
    with pytest.raises(SystemExit, match="unknown format: tiff"):
        main(["render", PRESET_DIR, "--out", str(tmp_path), "--formats", "tiff"])
    with pytest.raises(SystemExit, match="no such file"):
        main(["render", str(tmp_path / "missing.toml")])
    with pytest.raises(SystemExit, match="use 0.25 to 8"):
        main(["render", PRESET_DIR, "--out", str(tmp_path), "--scale", "50"])
    with pytest.raises(SystemExit, match="use 0.5 to 4"):
        main(["render", PRESET_DIR, "--out", str(tmp_path), "--animation-scale", "10"])


@PRESETS_GROUP
def test_animations_for_a_slide_are_twice_the_chart(tmp_path, preset_figures):
    """--animation-scale 2: the race's GIF and MP4 at 1222 × 1320 (the chart's 611 × 660 by default, its legend row
    reserved)."""
    require_chromium()
    argv = ["render", f"{PRESET_DIR}/three-minima.toml", "--out", str(tmp_path), "--formats", "none"]
    argv += ["--animations", "gif,mp4", "--frames", "2", "--animation-scale", "2"]
    with preset_figures.for_the_export_command(), contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0
    (gif,) = tmp_path.glob("*.gif")
    assert Image.open(gif).size == (1222, 1320) and Image.open(gif).n_frames == 2
    (mp4,) = tmp_path.glob("*.mp4")
    reader = imageio_ffmpeg.read_frames(str(mp4))
    assert tuple(next(reader)["size"]) == (1222, 1320)
    reader.close()
