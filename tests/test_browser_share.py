"""Real browser: a preset's shared link opens the preset's picture, and the page's export panel and the chart's camera
button give the files a lecturer puts in the notes."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from browser import ARTIFACTS, bar_popover, choose, figure, open_url, settle, widget
from PIL import Image

from lab import render
from lab.pages import PRESETS
from scenes import compute

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: they share the server

PRESET = PRESETS["too-large-a-learning-rate"]


def export(page, chart: str, fmt: str, timeout: float) -> tuple[str, bytes]:
    """Pick the chart (by the name the panel lists) and format in the bar's Export panel, Render, and download:
    (file name, bytes); the file is kept in artifacts/browser/ as share-<name>."""
    panel = bar_popover(page, "Export")
    picker = widget(page, "export.chart")
    if picker.get_by_role("combobox").input_value() != chart:
        picker.get_by_role("combobox").click()
        page.get_by_role("option", name=chart, exact=True).click()
        page.wait_for_function("c => document.querySelector('.st-key-export-chart input').value === c", arg=chart)
    choose(page, "export.format", fmt.upper())
    # the format's rerun drops the download of another format: wait for it, then Render
    page.wait_for_function(
        "f => !document.querySelector('.st-key-export-download') || "
        "document.querySelector('.st-key-export-download').innerText.includes('Download ' + f)",
        arg=fmt.upper(),
    )
    settle(page)
    widget(page, "export.render").get_by_role("button").click()
    download = widget(page, "export.download").get_by_role("button").filter(has_text=f"Download {fmt.upper()}")
    download.wait_for(state="visible", timeout=timeout * 1000)
    settle(page)
    with page.expect_download(timeout=60_000) as event:
        download.click()
    name = event.value.suggested_filename
    event.value.save_as(ARTIFACTS / f"share-{name}")
    assert panel.is_visible()
    return name, (ARTIFACTS / f"share-{name}").read_bytes()


def test_a_shared_preset_link_opens_its_picture_and_exports_png_and_gif(browser, url):
    state = render.state(PRESET)
    result = compute(state.scene)
    (run,) = result.runs
    page, errors = open_url(browser, url + PRESET.url, 1280, 800, charts=2)

    # the picture is the preset's: its racer, its start, its computed path, its outcome
    race = figure(page, 0)
    names = [t["name"] for t in race["data"]]
    assert all(r.label in names for r in result.runs) and "start" in names, names
    assert state.scene.start_point == (-1.8, 1.2)
    start = next(t for t in race["data"] if t["name"] == "start")
    assert (start["x"][0], start["y"][0]) == pytest.approx(state.scene.start_point)
    path = next(t for t in race["data"] if t["name"] == run.label)  # its first piece: from the start on
    xy = np.column_stack([path["x"], path["y"]])
    assert tuple(xy[0]) == pytest.approx(state.scene.start_point, abs=1e-6)  # float32 on the page
    assert np.allclose(xy, np.asarray(run.xy)[: len(xy)], atol=1e-5), (xy, run.xy[: len(xy)])
    assert race["layout"]["xaxis"]["range"] == [-2, 2] and race["images"] == 1  # the quadratic's landscape picture
    assert race["camera"] == {"format": "png", "scale": 3, "filename": "loss-landscape"}
    body = " ".join(page.inner_text("body").split())
    assert "diverged" in run.outcome.text and " ".join(run.outcome.text.split()) in body
    assert f"{result.surface.title} from (−1.8, 1.2), 100 steps" in body
    query = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert query.items() >= dict(PRESET.link).items(), (query, dict(PRESET.link))  # the address bar keeps the link
    page.screenshot(path=str(ARTIFACTS / "share-too-large-a-learning-rate.png"))

    # PNG at 3x the chart as the page shows it (its height fitted to the window; the width is the export's choice: at
    # least 500 chart px)
    height = race["layout"]["height"]
    name, data = export(page, "Race on the map", "png", timeout=180)
    assert name == "trajectories-race-on-the-map.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, high = Image.open(io.BytesIO(data)).size
    assert high == 3 * height and width >= 1500, (width, high)

    # GIF of the race: a progress bar while the frames render, then the file
    name, data = export(page, "Race on the map", "gif", timeout=300)
    assert name == "trajectories-race-on-the-map.gif"
    assert data[:6] == b"GIF89a"
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames >= 10 and gif.size[1] == height and gif.size[0] >= 500, (gif.n_frames, gif.size)
    page.screenshot(path=str(ARTIFACTS / "share-exported.png"))
    assert not page.locator("[data-testid=stException]").count()
    assert not page.locator("[data-testid=stAlertContentError]").count()
    assert not errors, errors
    page.close()


def test_the_camera_button_saves_svg_once_the_panel_says_so(browser, url):
    page, errors = open_url(browser, url + PRESET.url, 1280, 800, charts=2)
    assert figure(page, 0)["camera"]["format"] == "png"
    bar_popover(page, "Export")
    choose(page, "export.camera", "SVG")
    widget(page, "export.camera").scroll_into_view_if_needed()
    page.wait_for_function(
        "[...document.querySelectorAll('.js-plotly-plot')].every(g => "
        "g._context.toImageButtonOptions.format === 'svg')",
        timeout=120_000,
    )
    settle(page)
    assert [figure(page, i)["camera"] for i in (0, 1)] == [
        {"format": "svg", "scale": 3, "filename": "loss-landscape"}
    ] * 2
    page.screenshot(path=str(ARTIFACTS / "share-camera-svg.png"))
    page.keyboard.press("Escape")  # the export panel folds away (a click beside it would too)
    page.get_by_test_id("stPopoverBody").wait_for(state="hidden")
    chart = page.locator(".js-plotly-plot").first
    chart.hover()
    with page.expect_download(timeout=60_000) as event:
        chart.locator(".modebar-btn[data-title^='Download plot']").click()
    assert event.value.suggested_filename == "loss-landscape.svg"
    event.value.save_as(ARTIFACTS / "share-camera.svg")
    svg = (ARTIFACTS / "share-camera.svg").read_bytes()
    assert svg.lstrip().startswith(b"<svg") and "Gradient descent · η 0.125".encode() in svg
    assert not errors, errors
    page.close()
