"""Helpers for the real-browser tests: a Streamlit server on a free port and headless Debian Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "browser"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(timeout: float = 90.0, script: Path = ROOT / "app.py"):
    """`streamlit run` of ``script`` (the app) on a free local port; its URL once it answers (log in artifacts/)."""
    port = free_port()
    ARTIFACTS.parent.mkdir(exist_ok=True)
    log = open(ARTIFACTS.parent / f"streamlit-{script.stem}-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
        if proc.poll() is None:
            proc.kill()
        log.close()


def require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("LLL_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)


FIGURE_DATA = """i => { const g = document.querySelectorAll('.js-plotly-plot')[i];
    return g && g.data ? g.data.map(t => ({name: t.name, x: t.x ? Array.from(t.x) : null,
                                           y: t.y ? Array.from(t.y) : null})) : null; }"""


def figure_data(page, index: int = 0):
    """The data of the index-th Plotly chart on the page, as plotly.js holds it."""
    return page.evaluate(FIGURE_DATA, index)


def wait_for_change(page, before, index: int = 0, timeout: float = 60.0):
    """The index-th chart's data (figure_data) once it is drawn and differs from `before`."""
    try:
        page.wait_for_function(
            f"([i, before]) => {{ const now = ({FIGURE_DATA})(i);"
            " return now !== null && JSON.stringify(now) !== JSON.stringify(before); }",
            arg=[index, before],
            polling=100,
            timeout=timeout * 1000,
        )
    except PlaywrightTimeout:
        raise AssertionError("the figure did not change") from None
    return figure_data(page, index)


def chart_widths(page) -> list[float]:
    return page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(g => g.getBoundingClientRect().width)")


def resize(page, width: int, height: int, timeout: float = 30.0) -> list[float]:
    """The same page at another screen size: the viewport changed, then wait (up to `timeout`) until the charts
    have been laid out again within the new width; the charts' widths."""
    # the page reruns at its new size only once the browser has reported it (views/screen.py, 250 ms after the
    # resize): mark the size unknown first, so that settle() waits for that report and its run, not the old run
    if page.viewport_size != {"width": width, "height": height}:
        page.evaluate(
            "() => { if (document.querySelector('.st-key-screen'))"
            " document.documentElement.dataset.screenKnown = '0'; }"
        )
    page.set_viewport_size({"width": width, "height": height})
    with contextlib.suppress(PlaywrightTimeout):  # the caller asserts on the widths
        page.wait_for_function(
            "w => { const g = [...document.querySelectorAll('.js-plotly-plot')];"
            " return g.length > 0 && g.every(e => e.getBoundingClientRect().width <= w); }",
            arg=width,
            polling=100,
            timeout=timeout * 1000,
        )
    settle(page)
    return chart_widths(page)


def click_chart(page, x: float, y: float) -> None:
    """A person's click on a chart: the pointer moved there, and once plotly.js shows the hover label of the point
    under it (the point a click selects), the click."""
    page.mouse.move(x, y)
    page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext", state="attached", timeout=10_000)
    page.mouse.click(x, y)


@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright, with the flags above; a skip (a failure with
    LLL_REQUIRE_BROWSER=1) when it is missing."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


def settle(page, timeout: float = 120.0) -> None:
    """Wait until the app's script run has finished (Streamlit marks its state on the root element). Right after an
    action the rerun may not have started yet: wait for what the action shows, then settle."""
    try:
        page.wait_for_function(  # and the run at the window's size (views/screen.py) is the one drawn
            "() => document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]') && "
            "(!document.querySelector('.st-key-screen') || document.documentElement.dataset.screenKnown === '1') && "
            # the run's end can reach the page before its charts' elements have run their script (measured: 4 chart
            # elements empty for 0.4 s after the end of a section's run): each chart element (views/plot.py, the one
            # component whose styles are not isolated) holds its chart
            "[...document.querySelectorAll('[data-testid=stBidiComponentRegular]')]"
            ".every(e => e.querySelector('.js-plotly-plot'))",
            timeout=timeout * 1000,
        )
        # a chart draws when its element receives the run's figure, which can follow the run's end by a frame or
        # two (React's effects): two frames later, no chart may still be drawing (views/plot.py counts them)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))")
        page.wait_for_function("() => !(window.__lllDrawing > 0)", timeout=timeout * 1000)
    except PlaywrightTimeout:  # say which of the two never came, and what the page showed
        state = page.evaluate(
            "() => ({script: document.querySelector('[data-testid=stApp]')?.dataset.testScriptState,"
            " screenKnown: document.documentElement.dataset.screenKnown,"
            " charts: document.querySelectorAll('.js-plotly-plot').length,"
            " elements: document.querySelectorAll('[data-testid=stBidiComponentRegular]').length,"
            " text: document.body.innerText.slice(-300)})"
        )
        raise AssertionError(f"the page did not settle in {timeout:.0f} s: {state}") from None


def open_url(browser, url: str, width: int = 1280, height: int = 800, charts: int = 1, timeout: float = 180.0):
    """A new page at url once `charts` Plotly charts are drawn and the run has finished; returns (page, errors),
    errors collecting the page's uncaught JavaScript errors. Downloads are accepted (page.expect_download)."""
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=charts, timeout=timeout * 1000
    )
    settle(page, timeout)
    return page, errors


def figure(page, index: int = 0) -> dict | None:
    """The index-th Plotly chart as plotly.js holds it: {"data": [{type, name, x, y}], "layout": the layout without
    its images, "images": how many, "camera": its camera button's options}."""
    return page.evaluate(
        """i => { const g = document.querySelectorAll('.js-plotly-plot')[i];
                  if (!g || !g.data) return null;
                  const arr = v => v == null ? null : Array.from(v);
                  const {images, ...layout} = g.layout;
                  const full = j => g._fullData.find(f => f.index === j) || {};  // its arrays decoded from base64
                  return {data: g.data.map((t, j) => ({type: t.type, name: t.name, x: arr(full(j).x),
                                                       y: arr(full(j).y)})),
                          layout: JSON.parse(JSON.stringify(layout)), images: (images || []).length,
                          camera: JSON.parse(JSON.stringify(g._context.toImageButtonOptions || {}))}; }""",
        index,
    )


def bar_popover(page, label: str):
    """The body of the top bar's popover with this label ("Lessons", "Export"), opened."""
    body = page.get_by_test_id("stPopoverBody").filter(visible=True)
    if not body.count():
        page.locator(".st-key-topbar [data-testid=stPopover]").filter(has_text=label).first.get_by_role(
            "button"
        ).first.click()
    body = page.get_by_test_id("stPopoverBody").filter(visible=True).first
    body.wait_for(state="visible")
    return body


def widget(page, key: str):
    """The element of the widget with this key (Streamlit gives its container the class st-key-<key>)."""
    return page.locator(".st-key-" + key_class(key))


def choose(page, key: str, option: str) -> None:
    """Select an option of a segmented control (or radio group) by its label; a click on the selected option would
    clear it, so that one is left alone."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = widget(page, key).get_by_role("radio", name=option, exact=True)
    chosen = (
        "([k, o]) => [...document.querySelectorAll(`.st-key-${k} [role=radio][aria-checked=true]`)]"
        ".some(b => b.innerText.trim() === o)"
    )
    for _ in range(2):  # a click that lands while the sidebar still slides open is lost: click again, once or twice
        if button.get_attribute("aria-checked") != "true":
            button.click()
        try:
            page.wait_for_function(chosen, arg=[key_class(key), option], timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    if button.get_attribute("aria-checked") != "true":
        button.click()
    page.wait_for_function(chosen, arg=[key_class(key), option])


def key_class(key: str) -> str:
    """The class Streamlit gives a keyed element's container, without the "st-key-": non-alphanumerics as "-"."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in key)


def wait_js(page, condition: str, timeout: float = 30.0):
    """Wait until the JavaScript expression holds; an AssertionError (not a Playwright timeout) if it never does. While
    Streamlit redraws after a rerun a chart can be briefly missing: an expression that throws then counts as false."""
    guarded = f"(() => {{ try {{ return ({condition}); }} catch (e) {{ return false; }} }})()"
    try:
        page.wait_for_function(guarded, polling=100, timeout=timeout * 1000)
    except PlaywrightTimeout:
        raise AssertionError(f"never true: {condition}") from None


def drag_live(page, slider: str, chart: str, dx: float, moves: int = 5, steps: int = 2) -> list[str]:
    """Hold the thumb of the slider with widget key ``slider`` and move it ``moves`` times by ``dx`` pixels; after each
    move wait until the lines drawn in chart ``chart``'s SVG (what the class sees) differ from before. Returns the
    drawings seen, the mouse still down, no rerun having run."""
    path = (
        f"[...document.querySelectorAll('.st-key-{key_class(chart)} .js-plotly-plot .scatterlayer .js-line')]"
        ".map(p => p.getAttribute('d')).join('|')"
    )
    settle(page)
    group = page.locator(f".st-key-{key_class(slider)} [role=group]")
    label = group.locator("input[type=range]").get_attribute("aria-label")  # the control a lecturer drags, by its name
    assert label.endswith(("learning rate", "click the sweep)", "momentum")), label
    thumb = group.locator("div[style*='translate']").first
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    seen = [page.evaluate(path)]
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, moves + 1):
        page.mouse.move(x + dx * i, y, steps=steps)
        wait_js(page, f"{path} !== {seen[-1]!r}", timeout=10)
        seen.append(page.evaluate(path))
    assert page.locator("[data-testid=stApp][data-test-script-state=notRunning]").count() == 1  # no rerun yet
    return seen
