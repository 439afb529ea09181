"""The export command renders the presets into files that open: headers, image sizes, animation frames."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from browser import require_chromium
from PIL import Image

from scenes.__main__ import main
from scenes.library import PRESETS

PRESET_DIR = str(Path(__file__).resolve().parent.parent / "scenes" / "presets")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    require_chromium()
    out = tmp_path_factory.mktemp("figures")
    files = [f"{PRESET_DIR}/{name}.toml" for name in SAMPLE]
    assert main(["render", *files, "--out", str(out), "--animations", "gif,mp4", "--frames", "12"]) == 0
    return out


SAMPLE = ("three-minima", "regimes", "momentum-rates")  # each kind of figure once (every image costs ~0.5-3 s)


def test_every_preset_gives_its_figures():
    from scenes.render import figures
    from viz import THEMES

    for preset in PRESETS.values():
        figs = figures(preset, THEMES["normal"])
        assert figs and all(f.data for f in figs.values()), preset.name


def test_presets_render_to_png_svg_and_pdf_that_open(rendered):
    for name in SAMPLE:
        files = sorted(rendered.glob(f"{name}-*"))
        pngs = [f for f in files if f.suffix == ".png"]
        assert pngs, name
        for png in pngs:
            stem = png.with_suffix("")
            data = png.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            w, h = Image.open(io.BytesIO(data)).size
            assert w >= 900 and h >= 600  # 3x the chart's size
            svg = stem.with_suffix(".svg").read_bytes()
            assert svg.lstrip()[:5] in (b"<svg ", b"<?xml") and b"</svg>" in svg[-200:]
            pdf = stem.with_suffix(".pdf").read_bytes()
            assert pdf[:5] == b"%PDF-" and b"/Page" in pdf


def test_the_race_is_also_a_gif_and_an_mp4(rendered):
    gif = rendered / "three-minima-race.gif"
    image = Image.open(gif)
    assert gif.read_bytes()[:6] == b"GIF89a" and image.n_frames == 12
    mp4 = (rendered / "three-minima-race.mp4").read_bytes()
    assert mp4[4:8] == b"ftyp"


def test_the_command_prints_progress_and_says_what_it_skipped(tmp_path, capsys):
    require_chromium()
    assert main(["render", f"{PRESET_DIR}/zero-initialisation.toml", f"{PRESET_DIR}/regimes.toml", "--out",
                 str(tmp_path), "--formats", "png", "--animations", "none"]) == 0
    out = capsys.readouterr().out
    assert "[1/2] zero-initialisation: skipped" in out and "[2/2] regimes: 4 figures" in out
    assert "4 files in" in out


def test_bad_arguments_are_told_plainly(tmp_path):
    with pytest.raises(SystemExit, match="unknown format: tiff"):
        main(["render", PRESET_DIR, "--out", str(tmp_path), "--formats", "tiff"])
    with pytest.raises(SystemExit, match="no such file"):
        main(["render", str(tmp_path / "missing.toml")])
