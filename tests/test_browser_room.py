"""Real browser, the lecture room: the map's size on a 1280×800 and a 1920×1080 projector, presenter mode's text, the
navigation in sight, nothing over the legend, no text cut, a phone keeping the map in view while a slider moves, and
the lessons (a preset's lesson on its page, the slideshow stepped with the keyboard). Measured, not just pictured."""

from __future__ import annotations

import contextlib

import pytest
from browser import ARTIFACTS, bar_popover, open_url, settle, widget
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: they share the server

PLOT = """() => { const gd = document.querySelector('.st-key-contour .js-plotly-plot');
    const r = gd.querySelector('.nsewdrag').getBoundingClientRect(); return {w: r.width, h: r.height, top: r.top}; }"""
FONT = "s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)"
CLIPPED = """() => [...document.querySelectorAll(
        '[data-testid=stWidgetLabel] p, .st-key-topbar button p, [data-testid=stPageLink] span, .lll-outcomes')]
    .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 40))"""
OVER_LEGEND = """() => { const gd = document.querySelector('.st-key-contour .js-plotly-plot');
    const bar = gd.querySelector('.modebar'), legend = gd.querySelector('.legend');
    if (!bar || !legend) return false;
    const a = bar.getBoundingClientRect(), b = legend.getBoundingClientRect();
    return a.width > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }"""


def test_the_map_fills_a_projector_and_presenter_mode_scales_the_text(browser, url):
    page, errors = open_url(browser, url, 1280, 800)
    plot = page.evaluate(PLOT)
    assert plot["h"] >= 650 and plot["w"] >= 650, plot  # was 463 px
    assert plot["top"] + plot["h"] <= 800, plot  # the whole map in view
    normal = page.evaluate(FONT, ".lll-outcomes")
    page.locator(".st-key-contour .js-plotly-plot").hover()
    assert not page.evaluate(OVER_LEGEND)
    assert page.evaluate(CLIPPED) == []
    for name in ("Trajectories", "Learning rate & momentum", "Minima & saddles", "Networks", "Class round"):
        assert page.get_by_role("link", name=name).first.is_visible(), name  # no sidebar to open
    assert widget(page, "topbar").get_by_role("button", name="Lessons").is_visible()
    page.close()

    page, errors = open_url(browser, url + "/?theme=presenter", 1920, 1080)
    with contextlib.suppress(PlaywrightTimeout):  # CI once measured the map 149 px lower, not seen again: let the
        # page's last element settle before measuring (the assertion below stands as it was)
        page.wait_for_function(f"() => {{ const p = ({PLOT})(); return p.top + p.h <= 1080; }}", timeout=15_000)
    plot = page.evaluate(PLOT)
    assert plot["h"] >= 850, plot  # was 498 px
    assert plot["top"] + plot["h"] <= 1080, plot
    assert page.evaluate(FONT, ".lll-outcomes") >= 1.35 * normal  # the outcome lines, not only the chart's fonts
    assert page.evaluate(FONT, "[data-testid=stWidgetLabel] p") >= 19
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=str(ARTIFACTS / "room-1920-presenter.png"))
    assert not errors, errors
    page.close()


def test_a_phone_keeps_the_map_in_view_while_a_slider_moves(browser, url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".st-key-contour .js-plotly-plot .main-svg", timeout=180_000)
    settle(page)
    for name in ("Trajectories", "Learning rate & momentum", "Minima & saddles", "Networks"):
        assert widget(page, "topnav").get_by_role("link", name=name).is_visible(), name
    assert not page.locator(".modebar").count() or not page.locator(".modebar").first.is_visible()  # no toolbar
    thumb = page.locator(".st-key-gd-learning_rate input[type=range]")
    name = """() => { const g = document.querySelector('.st-key-contour .js-plotly-plot');
        return g && g.data ? g.data.map(t => t.name).find(n => n && n.startsWith('Gradient descent')) : null; }"""
    before = page.evaluate(name)
    thumb.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"old => ({name})() && ({name})() !== old", arg=before)  # the race at the new rate
    settle(page)
    chart = page.locator(".st-key-contour .js-plotly-plot").bounding_box()
    slider = page.locator(".st-key-gd-learning_rate [role=group]").bounding_box()
    assert chart["y"] >= 0 and chart["y"] + chart["height"] <= slider["y"], (chart, slider)  # both in view
    assert slider["y"] + slider["height"] <= 844
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=str(ARTIFACTS / "room-phone-slider.png"))
    assert not errors, errors
    context.close()


STICKY_DRAWN = """() => { const g = document.querySelector('.st-key-sticky-chart .js-plotly-plot');
    return g && g.data ? JSON.stringify(g.data.map(t => [t.x, t.y])) : null; }"""


@pytest.mark.parametrize(
    "address, slider",
    [
        ("minima?section=basins", "minima-steps"),
        ("learning-rate?section=momentum", "learning_rate-steps"),
        ("networks?section=whole", "networks-w-steps"),
    ],
)
def test_every_page_keeps_its_main_chart_in_view_on_a_phone_while_a_slider_moves(browser, url, address, slider):
    """views.common.Frame: the section's main chart first and sticky, its controls scrolling under it; the maps
    compared side by side stay two to a row (pairs) with their headings aligned."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/{address}", wait_until="domcontentloaded")
    page.wait_for_selector(".st-key-sticky-chart .js-plotly-plot .main-svg", timeout=180_000)
    settle(page)
    before = page.evaluate(STICKY_DRAWN)
    page.locator(f".st-key-{slider} input[type=range]").focus()  # the page scrolls the slider into view
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"old => ({STICKY_DRAWN})() !== old", arg=before, timeout=120_000)  # the new race
    settle(page)
    charts = page.locator(".st-key-sticky-chart .js-plotly-plot")
    boxes = [charts.nth(i).bounding_box() for i in range(charts.count())]
    handle = page.locator(f".st-key-{slider} [role=group]").bounding_box()
    for box in boxes:
        assert box["y"] >= 0 and box["y"] + box["height"] <= handle["y"], (box, handle)  # both in view
    assert handle["y"] + handle["height"] <= 844, handle
    assert len({round(b["y"]) for b in boxes}) == 1, boxes  # side by side, aligned
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=str(ARTIFACTS / f"room-phone-{address.split('=')[-1]}.png"))
    assert not errors, errors
    context.close()


def test_a_preset_shows_its_lesson_and_the_slideshow_steps_with_the_keyboard(browser, url):
    from lab.pages import PAGES, PRESETS

    order = tuple(PRESETS)  # the slideshow's order (views/lesson.py): the presets in page order, then by title
    page, errors = open_url(browser, url, 1280, 800)
    bar_popover(page, "Lessons").get_by_role("button", name="Slideshow").click()
    page.get_by_test_id("stPopoverBody").wait_for(state="hidden")  # the menu folds away
    for at in range(3):
        preset = PRESETS[order[at]]
        page.wait_for_function(
            "t => (document.querySelector('.lll-lesson') || {}).innerText?.startsWith(t)", arg=preset.title
        )
        settle(page)
        assert f"{at + 1} / {len(order)}" in widget(page, "slidebar").inner_text()
        assert not page.locator(".st-key-controls").is_visible()  # the controls hidden, the chart at full width
        assert PAGES[preset.page].path.strip("/") in page.url
        if page.locator(".st-key-contour .js-plotly-plot").count():  # under the lesson, however long, the map in view
            plot = page.evaluate(PLOT)
            assert plot["top"] + plot["h"] <= 800 + 2, (preset.title, plot)
        if at < 2:
            page.keyboard.press("ArrowRight")
    page.screenshot(path=str(ARTIFACTS / "room-slideshow.png"))
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "t => (document.querySelector('.lll-lesson') || {}).innerText?.startsWith(t)", arg=PRESETS[order[1]].title
    )
    widget(page, "slides.stop").get_by_role("button").click()
    page.wait_for_function("() => !document.querySelector('.st-key-slidebar')")
    widget(page, "lesson.close").get_by_role("button").click()  # the lesson dismissed
    page.wait_for_function("() => !document.querySelector('.lll-lesson')")
    assert not errors, errors
    page.close()


def test_the_keyboard_steps_plays_and_pauses_the_race(browser, url):
    page, errors = open_url(browser, url, 1280, 800)
    active = "() => document.querySelector('.st-key-contour .js-plotly-plot')._fullLayout.sliders[0].active"
    last = page.evaluate(active)  # the race opens at its last step
    page.mouse.click(20, 500)  # the page, not a control, has the keyboard
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({active})() === {last - 2}")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({active})() === {last - 1}")
    for _ in range(4):  # a few steps back, so the play below has frames to play
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({active})() === {last - 5}")
    page.keyboard.press(" ")  # plays on to the end
    page.wait_for_function(f"() => ({active})() === {last}")
    page.wait_for_function("() => document.querySelector('.st-key-contour .js-plotly-plot').dataset.playing !== '1'")
    page.keyboard.press(" ")  # from the end: plays again from the start
    page.wait_for_function(f"() => ({active})() > 0 && ({active})() < {last - 5}")
    page.keyboard.press(" ")  # pause
    page.wait_for_function("() => document.querySelector('.st-key-contour .js-plotly-plot').dataset.playing === '0'")
    held = page.evaluate(active)
    page.wait_for_timeout(600)
    assert page.evaluate(active) == held < last
    assert not errors, errors
    page.close()


# the runs started: each change of the app's script state to "running", read from the observer's records (a run that
# starts and ends before the observer is called shows only its end in the attribute's value then; measured in CI)
RUNS = """() => { window.__runs = 0; const app = document.querySelector('[data-testid=stApp]');
    new MutationObserver(records => {
        const values = records.slice(1).map(r => r.oldValue).concat([app.dataset.testScriptState]);
        window.__runs += values.filter(v => v === 'running').length; })
        .observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']}); }"""

RESIZE_LISTENERS = """(() => {
    const live = new Set(), add = window.addEventListener, remove = window.removeEventListener;
    window.addEventListener = function (type, f, ...rest) {
        if (type === 'resize') live.add(f);
        return add.call(this, type, f, ...rest); };
    window.removeEventListener = function (type, f, ...rest) {
        if (type === 'resize') live.delete(f);
        return remove.call(this, type, f, ...rest); };
    window.__resizeListeners = () => live.size; })()"""


def test_a_resize_reruns_the_page_once_however_often_it_was_resized(browser, url):
    # the size reporter is called again on each of its reruns (components v2 cleans up only on unmount): a call left
    # listening reports later resizes against an old size (measured in CI: the page marked unknown for good)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RESIZE_LISTENERS)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".st-key-contour .js-plotly-plot .main-svg", timeout=180_000)
    settle(page)
    listeners = page.evaluate("window.__resizeListeners()")
    for width, height in ((900, 700), (1280, 800), (900, 700), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function("() => document.documentElement.dataset.screenKnown === '0'", timeout=10_000)
        settle(page, 60)
    assert page.evaluate("window.__resizeListeners()") == listeners  # none left behind by a rerun
    page.evaluate(RUNS)
    page.set_viewport_size({"width": 900, "height": 700})
    page.wait_for_function("() => window.__runs >= 1", timeout=30_000)
    settle(page, 60)
    page.wait_for_timeout(1500)  # a stale listener would report 250 ms after the page is idle
    assert page.evaluate("window.__runs") == 1
    assert page.evaluate("document.documentElement.dataset.screenKnown") == "1"
    assert not errors, errors
    page.close()


MAP = "document.querySelector('.st-key-contour .js-plotly-plot')"
SOLID = "document.querySelector('.st-key-chart3d .js-plotly-plot')"
AT = f"() => {{ const s = {MAP}._fullLayout.sliders[0]; return s.steps[s.active].args[0][0]; }}"


def test_side_by_side_the_3d_surface_follows_the_map_at_the_speed_chosen(browser, url):
    page, errors = open_url(browser, url + "/?view=both", 1920, 1080, charts=2)
    flat, solid = (page.locator(f".st-key-{k} .js-plotly-plot").bounding_box() for k in ("contour", "chart3d"))
    assert abs(flat["y"] - solid["y"]) < 2 and flat["x"] + flat["width"] <= solid["x"]  # beside it, level
    assert solid["y"] + solid["height"] <= 1080 and flat["width"] >= 500
    page.locator(".st-key-contour .updatemenu-button").filter(has_text="Slow").click()
    page.wait_for_function(f"() => {MAP}.dataset.playing === '1'")
    assert page.evaluate(f"{MAP}.dataset.playMs") == "200"  # the space bar plays at this pace from now on
    page.wait_for_function(f"() => ({AT})() !== 's0' && {SOLID}.dataset.step", timeout=20_000)
    page.keyboard.press(" ")  # pause
    page.wait_for_function(f"() => {MAP}.dataset.playing === '0'")
    page.wait_for_function(f"() => {SOLID}.dataset.step === ({AT})()", timeout=20_000)  # the 3D ends on its step
    held = page.evaluate(AT)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({AT})() !== '{held}' && {SOLID}.dataset.step === ({AT})()", timeout=20_000)
    assert page.evaluate(CLIPPED) == []
    page.screenshot(path=str(ARTIFACTS / "room-side-by-side.png"))
    assert not errors, errors
    page.close()

    page, errors = open_url(browser, url + "/?view=3d", 1280, 800)  # alone, the 3D view plays by itself
    last = page.evaluate(f"{SOLID}._fullLayout.sliders[0].steps.length") - 1
    page.evaluate(f"Plotly.animate({SOLID}, ['s0'], {{frame: {{duration: 0, redraw: true}}, mode: 'immediate'}})")
    page.wait_for_function(f"() => {SOLID}._fullLayout.sliders[0].active === 0")
    page.locator(".st-key-chart3d .updatemenu-button").filter(has_text="Fast").click()
    page.wait_for_function(f"() => {SOLID}._fullLayout.sliders[0].active >= 3", timeout=60_000)
    page.locator(".st-key-chart3d .updatemenu-button").filter(has_text="Pause").click()
    at = page.evaluate(f"{SOLID}._fullLayout.sliders[0].active")
    page.wait_for_timeout(500)
    assert 3 <= page.evaluate(f"{SOLID}._fullLayout.sliders[0].active") == at < last  # it played, and paused
    assert not errors, errors
    page.close()


PLOT_OF = """k => {
    const r = document.querySelector('.st-key-' + k + ' .js-plotly-plot .nsewdrag').getBoundingClientRect();
    return {w: r.width, h: r.height, top: r.top}; }"""


def test_the_minima_maps_fill_the_projector(browser, url):
    page, errors = open_url(browser, url + "/minima", 1280, 800, charts=4)
    race = page.evaluate(PLOT_OF, "minima-race")
    assert race["w"] >= 640 and race["h"] >= 640, race  # was 438 px
    basins = [page.evaluate(PLOT_OF, f"minima-map{i}") for i in range(3)]
    assert all(b["w"] >= 190 for b in basins), basins  # three across the chart column
    assert max(b["top"] + b["h"] for b in basins) <= 800, basins  # in view, under their headings
    page.close()
    page, errors2 = open_url(browser, url + "/minima?section=escape", 1280, 800, charts=4)
    race = page.evaluate(PLOT_OF, "minima-escape_race")  # a domain twice as wide as tall: the width decides
    assert race["w"] >= 690 and race["top"] + race["h"] <= 800, race  # was 757×379, its bottom below the fold
    assert abs(race["w"] - 2 * race["h"]) <= 3, race
    assert page.evaluate(CLIPPED) == []
    assert not errors + errors2, errors + errors2
    page.close()


CUT_OR_OVERLAPPING = """() => { const out = [], meet = (a, b) =>
      a.left < b.right - 2 && b.left < a.right - 2 && a.top < b.bottom - 2 && b.top < a.bottom - 2;
  for (const g of document.querySelectorAll('.js-plotly-plot')) {
    const box = g.getBoundingClientRect(), bar = g.querySelector('.modebar');
    const key = g.closest('[class*=st-key-]')?.className.match(/st-key-\\S+/)?.[0];
    for (const t of g.querySelectorAll('.annotation-text, .legendtext, .gtitle, .xtitle, .ytitle')) {
      const r = t.getBoundingClientRect();
      if (!r.width) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push([key, 'cut', t.textContent.slice(0, 30)]);
      if (bar && meet(r, bar.getBoundingClientRect())) out.push([key, 'under the toolbar', t.textContent.slice(0, 30)]);
    }
    const menu = g.querySelector('.updatemenu-container'), xt = g.querySelector('.xtitle');
    if (menu && xt && meet(menu.getBoundingClientRect(), xt.getBoundingClientRect())) out.push([key, 'x title']);
    const legend = g.querySelector('.legend');  // a legend under the map sat on its x title (the basin maps)
    if (legend && xt && meet(legend.getBoundingClientRect(), xt.getBoundingClientRect()))
      out.push([key, 'legend on the x title']);
    const items = [...g.querySelectorAll('.legend .traces')].map(t => [t.textContent, t.getBoundingClientRect()]);
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++)
      if (meet(items[i][1], items[j][1])) out.push([key, 'overlap', items[i][0], items[j][0]]);
  } return out; }"""


ROOM_PAGES = [f"learning-rate?section={s}" for s in ("sweep", "regimes", "phase", "momentum")] + [
    "?view=both",
    "minima?section=escape",
    "minima?section=basins",
]


@pytest.mark.parametrize("path", ROOM_PAGES)
def test_no_chart_text_is_cut_and_no_legend_entries_overlap(browser, url, path):
    # the sweep's "2/L = 0.2" ran off the chart's right edge under the toolbar; its legend's entries overlapped;
    # the escape panels' legends ran under the toolbar
    sizes = ((1280, 800, ""), (1920, 1080, "&theme=presenter"))
    for width, height, theme in sizes if path.endswith("sweep") else sizes[:1]:  # presenter: the sweep's labels
        page, errors = open_url(browser, f"{url}/{path}{theme}", width, height)
        assert page.evaluate(CUT_OR_OVERLAPPING) == [], (path, width)
        assert not errors, errors
        page.close()


def test_a_phone_compares_the_regimes_two_to_a_row(browser, url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(url + "/learning-rate?section=regimes", wait_until="domcontentloaded")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=180_000)
    settle(page)
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.st-key-pairs-regimes .js-plotly-plot')]"
        ".map(g => { const r = g.getBoundingClientRect(); return [r.left, r.top, r.width]; })"
    )
    assert len(boxes) == 4, boxes  # was one a screen: ~150 px maps a scroll apart
    (x0, y0, w0), (x1, y1, w1), (x2, y2, _), (x3, y3, _) = boxes
    assert abs(y0 - y1) < 2 and x1 > x0 + w0 - 1 and abs(y2 - y3) < 2 and y2 > y0  # two rows of two
    assert max(w0, w1) <= 195 and page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
