"""Real browser: the app served by `streamlit run`, driven in headless Chromium through Playwright."""

from __future__ import annotations

import time

import pytest
from browser import ARTIFACTS, CHROMIUM, FLAGS, figure_data, require_chromium, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def url():
    require_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as u:
        yield u


def open_page(browser, url, width=1280, height=800):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    return page, errors


def wait_for_change(page, before, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = figure_data(page)
        if now and now != before:
            return now
        time.sleep(0.25)
    raise AssertionError("the figure did not change")


def test_learning_rate_slider_redraws_the_race(browser, url):
    page, errors = open_page(browser, url)
    before = figure_data(page)
    assert before and any(t["name"] and "Gradient descent" in t["name"] for t in before)
    slider = page.locator("[data-testid=stSlider]").filter(has_text="learning rate").first
    thumb = slider.locator("input[type=range]").first
    thumb.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    after = wait_for_change(page, before)
    gd_before = next(t for t in before if t["name"] and t["name"].startswith("Gradient descent"))
    gd_after = next(t for t in after if t["name"] and t["name"].startswith("Gradient descent"))
    assert gd_before["name"] != gd_after["name"]  # the legend states the new learning rate
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "trajectories-1280x800.png"), full_page=True)
    assert not page.locator("[data-testid=stException]").count()
    assert not errors, errors
    page.close()


def test_animation_plays_with_the_landscape_visible(browser, url):
    page, errors = open_page(browser, url)
    page.locator(".js-plotly-plot .updatemenu-button").filter(has_text="Play").first.click()
    page.wait_for_timeout(1200)
    state = page.evaluate(
        """() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
                   return {frame: g._fullLayout._currentFrame, images: g.querySelectorAll('image').length}; }"""
    )
    assert state["frame"] and state["frame"].startswith("s")  # a step frame is showing
    assert state["images"] >= 1  # the landscape picture stays while it plays
    page.screenshot(path=str(ARTIFACTS / "trajectories-playing.png"))
    assert not errors, errors
    page.close()


def test_a_click_on_the_map_starts_the_race_there(browser, url):
    page, errors = open_page(browser, url)
    start = "() => { const t = document.querySelectorAll('.js-plotly-plot')[0].data.find(t => t.name === 'start');" \
            " return [t.x[0], t.y[0]]; }"
    before = page.evaluate(start)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + 0.75 * box["width"], box["y"] + 0.75 * box["height"])  # lower right quadrant
    page.wait_for_function(f"({start})()[0] !== {before[0]}", timeout=60_000)
    x, y = page.evaluate(start)
    assert x > 0 > y  # Himmelblau's domain is [-5, 5]^2: the lower right quadrant
    assert page.locator("[data-testid=stSlider]").filter(has_text="x₀").locator("input").first.get_attribute(
        "aria-valuetext") in (f"{x:.3g}", f"{x:g}")
    assert not errors, errors
    page.close()


def test_phone_width_renders(browser, url):
    page, errors = open_page(browser, url, width=390, height=844)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "trajectories-390.png"), full_page=True)
    width = page.evaluate("document.querySelectorAll('.js-plotly-plot')[0].getBoundingClientRect().width")
    assert 300 <= width <= 390
    assert not errors, errors
    page.close()
