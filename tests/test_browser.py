"""Real browser: the app served by `streamlit run`, driven in headless Chromium through Playwright.

One server and one Chromium serve every browser test (tests/conftest.py); a page is checked at the projector's
width and then, resized, at a phone's. Every wait is for something the page shows, never for a fixed time."""

from __future__ import annotations

import pytest
from browser import (
    ARTIFACTS,
    PlaywrightTimeout,
    bar_popover,
    click_chart,
    drag_live,
    figure_data,
    open_url,
    resize,
    settle,
    wait_for_change,
    wait_js,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: they share the server

PHONE = (390, 844)


def open_page(browser, url, width=1280, height=800):
    """The page once its two charts are drawn and its script run has finished; (page, JavaScript errors)."""
    return open_url(browser, url, width, height, charts=2)


def clicked(page, target: dict, wait, attempts: int = 3):
    """Click the chart at (target["px"], target["py"]) and return wait(): a click that lands while the chart is
    still redrawing after a rerun is lost, as it would be for a person, so the page is let finish its run, and the
    click is repeated if nothing follows (wait raising AssertionError)."""
    for attempt in range(attempts):
        settle(page)
        click_chart(page, target["px"], target["py"])
        try:
            return wait()
        except AssertionError:
            if attempt == attempts - 1:
                raise


def test_learning_rate_slider_redraws_the_race_and_the_race_fits_a_phone(browser, url):
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
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "trajectories-1280x800.png"), full_page=True)
    assert not page.locator("[data-testid=stException]").count()
    panel = distance_panel(page)  # under the loss, each racer's distance to the nearest minimum
    assert panel["racers"] == 3 and panel["height"] >= 150 and panel["width"] <= 1280, panel
    # the same page on a phone: the race fills the width, nothing wider
    resize(page, *PHONE)
    page.screenshot(path=str(ARTIFACTS / "trajectories-390.png"), full_page=True)
    width = page.evaluate("document.querySelectorAll('.js-plotly-plot')[0].getBoundingClientRect().width")
    assert 300 <= width <= 390
    panel = distance_panel(page)
    assert panel["racers"] == 3 and panel["height"] >= 150 and panel["width"] <= 390, panel
    assert not errors, errors


def distance_panel(page) -> dict:
    """The loss chart's lower panel as drawn: its racers' lines, its plot height and the chart's width, in px."""
    return page.evaluate(
        """() => { const g = document.querySelector('.st-key-loss .js-plotly-plot'), ya = g._fullLayout.yaxis3;
                 return {racers: g._fullData.filter(t => t.yaxis === 'y3').length, height: ya ? ya._length : 0,
                         width: g.getBoundingClientRect().width}; }"""
    )
    page.close()


def test_animation_plays_with_the_landscape_visible(browser, url):
    page, errors = open_page(browser, url)
    page.locator(".js-plotly-plot .updatemenu-button").filter(has_text="Play").first.click()
    playing = "(document.querySelectorAll('.js-plotly-plot')[0]._fullLayout._currentFrame || '').startsWith('s')"
    wait_js(page, playing)
    state = page.evaluate(
        """() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
                   return {frame: g._fullLayout._currentFrame, images: g.querySelectorAll('image').length}; }"""
    )
    assert state["frame"] and state["frame"].startswith("s")  # a step frame is showing
    assert state["images"] >= 1  # the landscape picture stays while it plays
    # ... a URL of the app's static files, fetched once, not re-sent with every move
    href = page.evaluate("document.querySelector('.js-plotly-plot image').getAttribute('href')")
    assert href.startswith("/app/static/landscapes/") and href.endswith(".png"), href[:60]
    fetched = "async u => { const r = await fetch(u); return [r.status, r.headers.get('content-type')]; }"
    got = page.evaluate(fetched, href)
    assert got == [200, "image/png"]
    page.screenshot(path=str(ARTIFACTS / "trajectories-playing.png"))
    assert not errors, errors
    page.close()


def test_a_click_on_the_map_starts_the_race_there(browser, url):
    page, errors = open_page(browser, url)
    start = (
        "() => { const t = document.querySelectorAll('.js-plotly-plot')[0].data.find(t => t.name === 'start');"
        " return [t.x[0], t.y[0]]; }"
    )
    before = page.evaluate(start)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    target = {"px": box["x"] + 0.75 * box["width"], "py": box["y"] + 0.75 * box["height"]}  # lower right quadrant
    clicked(
        page, target, lambda: wait_js(page, f"(() => {{ const s = ({start})(); return s && s[0] !== {before[0]}; }})()")
    )
    x, y = page.evaluate(start)
    assert x > 0 > y  # the default surface's domain is centred on (0, 0): the lower right quadrant
    assert page.locator("[data-testid=stSlider]").filter(has_text="x₀").locator("input").first.get_attribute(
        "aria-valuetext"
    ) in (f"{x:.3g}", f"{x:g}")
    assert not errors, errors
    page.close()


def open_lab(browser, url, width=1280, height=800, query=""):
    """The Learning rate page reached by its own link (a lecturer shares it): no "Page not found" on the way."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/learning-rate" + query, wait_until="domcontentloaded")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=120_000)
    assert not page.locator("[role=dialog]").count()
    settle(page)  # drawn at the window's size: the page is ready for a click
    return page, errors


def animated_name(page, other_than: str = "", prefix: str = "Gradient descent", timeout: float = 60.0) -> str:
    """The animated run's legend name (chart 1), once it is drawn and differs from `other_than` (a rerun redraws the
    chart)."""
    try:
        handle = page.wait_for_function(
            """([prefix, other]) => { const g = document.querySelectorAll('.js-plotly-plot')[1];
                   const names = g && g.data ? g.data.map(t => t.name).filter(n => n && n.startsWith(prefix)) : [];
                   return names.length && names[0] !== other ? names[0] : null; }""",
            arg=[prefix, other_than],
            polling=100,
            timeout=timeout * 1000,
        )
    except PlaywrightTimeout:
        raise AssertionError(f"the animated run stayed {other_than!r}") from None
    return handle.json_value()


def test_lab_slider_and_a_click_on_the_sweep_animate_that_learning_rate(browser, url):
    page, errors = open_lab(browser, url)
    assert animated_name(page) == "Gradient descent · η 0.182"
    thumb = (
        page.locator("[data-testid=stSlider]")
        .filter(has_text="Learning rate to animate")
        .locator("input[type=range]")
        .first
    )
    settle(page)  # the first run's last messages are in
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    assert animated_name(page, "Gradient descent · η 0.182") == "Gradient descent · η 0.15"  # one option down
    # a click on a point of the sweep (the 60th learning rate) animates that run
    settle(page)
    target = page.evaluate("""() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
        const t = g._fullData[0], i = 60, xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;
        const r = g.getBoundingClientRect();
        return {lr: t.x[i], px: r.left + xa._offset + xa.c2p(t.x[i]), py: r.top + ya._offset + ya.c2p(t.y[i])};
    }""")
    name = clicked(page, target, lambda: animated_name(page, "Gradient descent · η 0.15", timeout=30))
    lr = float(name.split(" · η ")[1])
    assert abs(lr / target["lr"] - 1) < 0.15  # the nearest option of the slider's log grid
    # live drag: held and moved, the slider redraws the animated run before the release
    seen = drag_live(page, "learning_rate.lr.quadratic.gd", "learning_rate.sweep_run", dx=-8, moves=3)
    assert len(set(seen)) >= 4
    page.mouse.up()
    animated_name(page, name)  # the release: the server's run at the new rate
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "lab-sweep-1280x800.png"), full_page=True)
    assert not page.locator("[data-testid=stException]").count()
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("section", ["Regimes", "Phase", "Momentum"])
def test_lab_sections_render_on_a_projector_and_on_a_phone(browser, url, section):
    page, errors = open_lab(browser, url)
    page.get_by_text(section, exact=True).first.click()
    page.wait_for_function(  # the section's run has written its link (the sweep's 3 charts would count already)
        "(s) => location.search.includes('section=' + s)", arg=section.lower(), timeout=120_000
    )
    settle(page)
    for width, height in ((1280, 800), PHONE):
        widths = resize(page, width, height)
        page.screenshot(path=str(ARTIFACTS / f"lab-{section.replace(' ', '-').lower()}-{width}.png"), full_page=True)
        assert widths and all(w <= width for w in widths), (width, widths)
        assert not page.locator("[data-testid=stException]").count()
    assert not errors, errors
    page.close()


def test_a_click_on_a_phase_diagram_cell_animates_that_run(browser, url):
    page, errors = open_lab(browser, url)
    page.get_by_text("Phase", exact=True).first.click()
    first = "Momentum (heavy ball) · η 0.231, β 0.27"  # the quadratic's optimum, animated by default
    name = lambda other: animated_name(page, other, prefix="Momentum")  # noqa: E731
    assert name("") == first
    settle(page)
    target = page.evaluate("""() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
        const t = g._fullData[0], i = 12, j = 10, xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;
        const r = g.getBoundingClientRect();  // the click layer's cell (row 10, column 12)
        return {lr: 10 ** t.x[i], beta: t.y[j], px: r.left + xa._offset + xa.c2p(t.x[i]),
                py: r.top + ya._offset + ya.c2p(t.y[j])}; }""")
    chosen = clicked(page, target, lambda: name(first))
    lr, beta = (float(v) for v in chosen.split(" · η ")[1].split(", β "))
    assert abs(lr / target["lr"] - 1) < 0.01 and abs(beta - target["beta"]) < 0.01
    page.screenshot(path=str(ARTIFACTS / "lab-phase-clicked.png"))
    assert not errors, errors
    page.close()


def open_minima(browser, url, query: str = ""):
    """The Minima page by its link, its four charts drawn: no "Page not found" on the way."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/minima" + query, wait_until="domcontentloaded")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=120_000)
    assert not page.locator("[role=dialog]").count()
    settle(page)  # drawn at the window's size: the page is ready for a click
    return page, errors


def test_minima_page_a_click_on_a_basin_map_races_from_that_start(browser, url):
    page, errors = open_minima(browser, url)
    start = (
        "() => { const t = document.querySelectorAll('.js-plotly-plot')[3].data.find(t => t.name === 'start');"
        " return t ? [t.x[0], t.y[0]] : null; }"
    )
    before = page.evaluate(start)
    assert before == [1, 4.5]
    settle(page)
    target = page.evaluate("""() => { const g = document.querySelectorAll('.js-plotly-plot')[0];
        const t = g._fullData[0], i = 35, j = 5, xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;
        const r = g.getBoundingClientRect();  // the click layer's cell (row 5, column 35)
        return {x: t.x[i], y: t.y[j], px: r.left + xa._offset + xa.c2p(t.x[i]),
                py: r.top + ya._offset + ya.c2p(t.y[j])}; }""")
    clicked(page, target, lambda: wait_js(page, f"(() => {{ const s = ({start})(); return s && s[0] !== 1; }})()"))
    x, y = page.evaluate(start)
    assert abs(x - target["x"]) < 0.3 and abs(y - target["y"]) < 0.3  # the clicked point or its neighbour (10/39 apart)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "minima-basins-1280x800.png"))
    assert not page.locator("[data-testid=stException]").count()
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("section", ["Escape", "Saddles"])
def test_minima_sections_render_on_a_projector_and_on_a_phone(browser, url, section):
    page, errors = open_minima(browser, url)
    page.get_by_text(section, exact=True).first.click()
    want = 4 if section == "Escape" else 3  # the race and three statistics; or two races and the escape rates
    text = "Random restarts" if section == "Escape" else "Hessian eigenvalues"
    page.wait_for_function(
        f"document.body.innerText.includes('{text}') && "
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {want} && "
        "!document.body.innerText.includes('Running')",
        timeout=180_000,
    )
    settle(page)
    for width, height in ((1280, 800), PHONE):
        widths = resize(page, width, height)
        page.screenshot(path=str(ARTIFACTS / f"minima-{section.lower()}-{width}.png"), full_page=True)
        body = page.inner_text("body")
        if section == "Escape":
            assert "Against the noise" in body and "Random restarts" in body
        else:
            assert "Hessian eigenvalues" in body
        assert widths and all(w <= width for w in widths), (width, widths)
        assert not page.locator("[data-testid=stException]").count()
    assert not errors, errors
    page.close()


FORMULA = "x^2 - y^2 + 0.1*x^4 + 0.1*y^4"


def test_a_link_with_a_formula_opens_the_minima_page_on_that_surface(browser, url):
    from urllib.parse import quote

    page, errors = open_minima(browser, url, f"?surface=custom&f={quote(FORMULA)}&domain=-3,3,-3,3")
    box = page.get_by_label("f(x, y) =", exact=True).and_(page.locator("input"))
    assert box.input_value() == FORMULA
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "minima-formula-link.png"))
    assert "reaches a global minimum from" in page.inner_text("body")
    assert "f=" in page.url and "surface=custom" in page.url  # the address bar keeps the link
    assert not errors, errors
    page.close()


def test_the_formula_box_tells_where_a_formula_is_wrong_and_keeps_the_last_good_one(browser, url):
    page, errors = open_page(browser, url + "/?surface=custom")
    box = page.get_by_label("f(x, y) =", exact=True).and_(page.locator("input"))
    box.fill("sin(x) * (y + ")
    box.press("Enter")
    page.wait_for_selector("[data-testid=stAlertContentError]", timeout=60_000)
    error = page.inner_text("[data-testid=stAlertContentError]")
    assert "column" in error and "Still showing" in error
    assert not page.locator("[data-testid=stException]").count()
    before = figure_data(page)
    box.fill("0.2*(x^2 + y^2) + sin(3*x)")
    box.press("Enter")
    wait_for_change(page, before)
    page.wait_for_function("!document.querySelector('[data-testid=stAlertContentError]')", timeout=60_000)
    with_formula = lambda u: "sin%283" in u or "sin(3" in u  # noqa: E731
    page.wait_for_url(with_formula, wait_until="commit", timeout=30_000)  # the run ends by writing the link
    assert with_formula(page.url)
    page.screenshot(path=str(ARTIFACTS / "trajectories-formula.png"))
    assert not errors, errors
    page.close()


NETWORK_SECTIONS = {
    "Whole": (2, "exactly 0"),
    "Backprop": (2, "The chain rule at point 1"),
    "Minibatch": (2, "Noise scale η/B = 0.025"),
    "Train": (5, "of the path's variance"),
    "Test": (6, "regularisation on"),
    "Lasso": (2, "no weight is ever exactly 0"),
    "Init·BN": (7, "distinct neurons"),
    "Depth": (5, "every activation and every gradient is exactly 0"),
    "Sharpness": (2, "The Hessian's whole spectrum"),
}


def test_networks_page_sections_render_on_a_projector_and_on_a_phone(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/networks", wait_until="domcontentloaded")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=180_000)
    assert not page.locator("[role=dialog]").count()
    for section, (charts, text) in NETWORK_SECTIONS.items():
        if section != "Whole":
            page.get_by_text(section, exact=True).first.click()
        page.wait_for_function(
            "([n, t]) => document.body.innerText.includes(t) && "
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= n && "
            "!['Training for', 'Slicing', 'Lanczos on Hessian', 'Stochastic Lanczos quadrature at']"
            ".some(s => document.body.innerText.includes(s))",  # no spinner left
            arg=[charts, text],
            timeout=240_000,
        )
        settle(page)
        for width, height in ((1280, 800), PHONE):
            widths = resize(page, width, height)
            page.screenshot(path=str(ARTIFACTS / f"networks-{section.replace('·', '-').lower()}-{width}.png"))
            assert widths and all(w <= width for w in widths), (section, width, widths)
            assert not page.locator("[data-testid=stException]").count()
        resize(page, 1280, 800)  # the next section is chosen on the projector
    assert not errors, errors
    page.close()


def test_trains_early_stopping_and_range_test_on_a_projector_and_on_a_phone(browser, url):
    """Networks, Train: the ★ of the lowest test loss on the curves, and the range test switched on by its toggle
    (its link opens it too), its chart within the page's width at 1280 and on a phone."""
    page, errors = open_url(browser, url + "/networks?section=train", charts=5, timeout=240)
    assert "Early stopping: the test loss was lowest at step" in page.inner_text("body")
    assert page.evaluate(
        "() => document.querySelector('.st-key-networks-t-curves .js-plotly-plot')._fullData"
        ".some(t => t.name === 'lowest test loss')"
    )
    page.locator(".st-key-networks-t-range").get_by_text("Learning-rate range test").click()
    page.wait_for_function("location.search.includes('range=1')", timeout=60_000)
    page.locator(".st-key-networks-t-range_test .js-plotly-plot").wait_for(timeout=240_000)
    settle(page, 240)
    for width, height in ((1280, 800), PHONE):
        resize(page, width, height)
        chart = page.locator(".st-key-networks-t-range_test .js-plotly-plot")
        chart.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"networks-range-test-{width}.png"))
        box = chart.bounding_box()
        assert box["width"] <= width and box["height"] >= 250, box
        assert "2/λmax at init" in chart.inner_text() and "fastest fall" in chart.inner_text()
        assert "Learning-rate range test: gradient descent" in page.inner_text("body")
        assert not page.locator("[data-testid=stException]").count()
    assert not errors, errors
    page.close()


def test_a_class_link_hides_controls_and_opens_in_presenter_mode(browser, url):
    page, errors = open_page(browser, url + "/?hide=steps,seed&theme=presenter&steps=600")
    assert not page.locator("[data-testid=stSlider]").filter(has_text="Steps").first.is_visible()
    assert page.locator("[data-testid=stSlider]").filter(has_text="learning rate").first.is_visible()
    size = page.evaluate("document.querySelectorAll('.js-plotly-plot')[0]._fullLayout.font.size")
    assert size == 20  # the presenter theme
    kept = lambda u: "hide=steps" in u and "theme=presenter" in u and "steps=600" in u  # noqa: E731
    page.wait_for_url(kept, wait_until="commit", timeout=30_000)  # the run ends by writing the link
    assert kept(page.url)
    page.screenshot(path=str(ARTIFACTS / "class-link.png"))
    assert not errors, errors
    page.close()


def test_the_preset_menu_opens_a_preset_on_its_page(browser, url):
    page, errors = open_page(browser, url)
    bar_popover(page, "Lessons").get_by_role("button", name="Newton finds the saddle").click()
    page.wait_for_url("**/minima?**", timeout=60_000)
    page.wait_for_function("document.body.innerText.includes('Hessian eigenvalues')", timeout=180_000)
    assert "section=saddles" in page.url and "surface=saddle" in page.url
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "preset-newton-saddle.png"))
    assert not page.locator("[data-testid=stException]").count()
    assert not errors, errors
    page.close()
