"""The export command renders every preset into files that open: headers, image sizes, animation frames."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from browser import require_chromium
from PIL import Image

from scenes.__main__ import main
from scenes.library import PRESETS

PRESET_DIR = str(Path(__file__).resolve().parent.parent / "scenes" / "presets")

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("cli")]  # one worker renders the module's files


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    """Every preset of the library, every figure as PNG, SVG and PDF (at 1×: the 3D views cost seconds at 3×)."""
    require_chromium()
    out = tmp_path_factory.mktemp("all")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["render", PRESET_DIR, "--out", str(out), "--animations", "none", "--scale", "1"]) == 0
    return out, printed.getvalue()


@pytest.fixture(scope="module")
def print_quality(tmp_path_factory):
    """One preset as a lecturer renders it for the notes: 3× images, the race as GIF and MP4."""
    require_chromium()
    out = tmp_path_factory.mktemp("notes")
    assert (
        main(
            [
                "render",
                f"{PRESET_DIR}/three-minima.toml",
                "--out",
                str(out),
                "--animations",
                "gif,mp4",
                "--frames",
                "12",
            ]
        )
        == 0
    )
    return out


def svg_size(svg: bytes) -> tuple[float, float]:
    head = svg[: svg.index(b">", svg.index(b"<svg")) + 1].decode()
    return float(re.search(r'\bwidth="([\d.]+)', head)[1]), float(re.search(r'\bheight="([\d.]+)', head)[1])


def opens(png: Path, scale: float) -> None:
    """The PNG, SVG and PDF of one figure open, the PNG and the SVG have one size, a chart's times the scale."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", png.name
    w, h = Image.open(io.BytesIO(data)).size
    svg = png.with_suffix(".svg").read_bytes()
    assert svg.lstrip()[:5] in (b"<svg ", b"<?xml") and b"</svg>" in svg[-200:], png.name
    sw, sh = svg_size(svg)  # kaleido writes the SVG at the scaled size too
    assert (w, h) == (round(sw), round(sh)) and sw / scale >= 300 and sh / scale >= 200, (png.name, w, h, sw, sh)
    pdf = png.with_suffix(".pdf").read_bytes()
    assert pdf[:5] == b"%PDF-" and b"/Page" in pdf and pdf.rstrip().endswith(b"%%EOF"), png.name


def test_every_preset_renders_to_png_svg_and_pdf_that_open(everything):
    out, printed = everything
    for preset in PRESETS.values():
        pngs = sorted(out.glob(f"{preset.name}-*.png"))
        assert pngs, f"{preset.name}: no figure"
        for png in pngs:
            opens(png, 1.0)
        assert re.search(rf"\[\d+/{len(PRESETS)}\] {re.escape(preset.name)}: {len(pngs)} figures? in ", printed)
    assert f"{3 * len(list(out.glob('*.png')))} files in" in printed


def test_the_files_are_the_figures_the_page_builds_for_the_preset(everything):
    from scenes.render import figures
    from viz import THEMES

    out, _ = everything
    for preset in PRESETS.values():
        figs = figures(preset, THEMES["normal"])
        assert figs and all(f.data for f in figs.values()), preset.name
        # file names are "<preset>-<figure>.png" (a figure name may hold dashes: "regime-too-small")
        assert {p.stem.removeprefix(f"{preset.name}-") for p in out.glob(f"{preset.name}-*.png")} == set(figs)


def test_print_quality_images_are_three_times_the_chart(print_quality):
    pngs = sorted(print_quality.glob("three-minima-*.png"))
    assert {p.stem for p in pngs} == {"three-minima-race", "three-minima-loss", "three-minima-surface3d"}
    for png in pngs:
        opens(png, 3.0)
        assert Image.open(png).size[0] >= 1500


def test_the_race_is_also_a_gif_and_an_mp4(print_quality):
    gif = print_quality / "three-minima-race.gif"
    image = Image.open(gif)
    assert gif.read_bytes()[:6] == b"GIF89a" and image.n_frames == 12
    mp4 = (print_quality / "three-minima-race.mp4").read_bytes()
    assert mp4[4:8] == b"ftyp"


def test_bad_arguments_are_told_plainly(tmp_path):
    with pytest.raises(SystemExit, match="unknown format: tiff"):
        main(["render", PRESET_DIR, "--out", str(tmp_path), "--formats", "tiff"])
    with pytest.raises(SystemExit, match="no such file"):
        main(["render", str(tmp_path / "missing.toml")])
    with pytest.raises(SystemExit, match="use 0.25 to 8"):
        main(["render", PRESET_DIR, "--out", str(tmp_path), "--scale", "50"])
