"""Real browser, the live drag: while a learning-rate or momentum slider is held, the racer's path follows the thumb
before any rerun (views/live_drag.py); the release draws the server's exact run."""

from __future__ import annotations

import pytest
from browser import bar_popover, drag_live, figure_data, settle, wait_for_change, wait_js
from test_browser import open_lab, open_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: they share the server


def test_dragging_the_learning_rate_slider_moves_the_path_before_the_release(browser, url):
    """Live drag: while the mouse holds the thumb of Gradient descent's learning-rate slider (the control in the side
    column) and moves, the drawn path changes with no server round trip; the release draws the exact run."""
    page, errors = open_page(browser, url)
    seen = drag_live(page, "gd.learning_rate", "contour", dx=-10)  # to lower rates, inside the ladder around 0.015
    assert len(set(seen)) >= 4
    assert int(page.evaluate("document.querySelector('.st-key-contour .js-plotly-plot').dataset.liveDrawn")) >= 3
    before = figure_data(page)
    page.mouse.up()
    after = wait_for_change(page, before)  # the release: the server's exact run, its legend at the new rate
    gd = next(t for t in after if t["name"] and t["name"].startswith("Gradient descent"))
    assert not gd["name"].endswith("η 0.015")
    # the heavy ball's momentum slider too: β lowered, the path changes while it is held
    drawn = "Number(document.querySelector('.st-key-contour .js-plotly-plot').dataset.liveDrawn || 0)"
    settle(page)
    before = page.evaluate(drawn)
    page.evaluate(  # count the values the thumb passes through
        """() => { window.__values = 0; const i = document.querySelector('.st-key-momentum-momentum input');
                   new MutationObserver(() => window.__values++).observe(i, {attributeFilter: ['aria-valuetext']}); }"""
    )
    seen = drag_live(page, "momentum.momentum", "contour", dx=-20, moves=3)  # 19 stops: 12 px each
    assert len(set(seen)) >= 4
    # at most one drawing a value the thumb passes (a frame draws the latest), not one per earlier run's listeners
    assert 3 <= page.evaluate(drawn) - before <= page.evaluate("window.__values")
    # one set of listeners per ladder (gd's η; the heavy ball's η and β; Adam's η and β₁), not one per earlier run
    assert page.evaluate("Object.keys(window.__lllLiveDrag).length") == 5
    page.mouse.up()
    assert not errors, errors
    page.close()


def test_the_sweeps_animated_run_follows_a_held_momentum_slider(browser, url):
    page, errors = open_lab(browser, url, query="?opt=momentum")
    seen = drag_live(page, "learning_rate.momentum.momentum", "learning_rate.sweep_run", dx=-20, moves=3)
    assert len(set(seen)) >= 4
    page.mouse.up()
    assert not errors, errors
    page.close()


def test_a_move_redraws_each_chart_in_place_once(browser, url):
    """views/plot.py: a slider's move hands each changed figure to plotly.js once, on the chart element already on
    the page (st.plotly_chart drew it two or three times a move and mounted it anew: Plotly.purge): the map, whose
    paths alone changed, moves them (Plotly.animate); the loss chart, whose axes follow its curves, is drawn anew."""
    page, errors = open_page(browser, url)
    page.evaluate(
        """() => { window.__calls = [];
             for (const fn of ['react', 'newPlot', 'purge', 'animate']) { const orig = window.Plotly[fn];
               window.Plotly[fn] = function (gd, ...rest) {
                 window.__calls.push([fn, gd.closest('[class*=st-key-]').className.match(/st-key-[^ ]+/)[0]]);
                 return orig.call(this, gd, ...rest); }; }
             document.querySelectorAll('.js-plotly-plot').forEach(g => { g.__mark = true; }); }"""
    )
    before = figure_data(page)
    thumb = page.locator(".st-key-steps input[type=range]")
    thumb.focus()
    page.keyboard.press("ArrowLeft")  # 10 steps fewer: the race and its loss change
    wait_for_change(page, before)
    wait_js(page, "window.__calls.length >= 2")  # a chart draws when its data arrives, maybe after the run ends
    settle(page)
    calls = page.evaluate("window.__calls")
    assert sorted(calls) == [["animate", "st-key-contour"], ["react", "st-key-loss"]], calls
    assert page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].every(g => g.__mark)")  # the same charts
    assert not errors, errors
    page.close()


def received_elements(cdp) -> list[str]:
    """Start collecting the kinds of the elements the server sends the page (its websocket's ForwardMsgs)."""
    import base64

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kinds: list[str] = []

    def frame(event: dict) -> None:
        r = event["response"]
        msg = ForwardMsg()
        msg.ParseFromString(base64.b64decode(r["payloadData"]) if r["opcode"] == 2 else r["payloadData"].encode())
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            kinds.append(msg.delta.new_element.WhichOneof("type"))

    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameReceived", frame)
    return kinds


def test_a_pages_control_reruns_the_page_alone(browser, url):
    """views/page_run.py: a page's slider reruns the page alone (a fragment): the navigation and the bar's lessons
    are not sent again, the slider keeps the keyboard from one press to the next, and the bar's class link, drawn
    by the page's run, follows the page's link."""
    page, errors = open_page(browser, url)
    kinds = received_elements(page.context.new_cdp_session(page))
    thumb = page.locator(".st-key-steps input[type=range]")
    steps = int(thumb.input_value()) - 20  # 10 steps fewer a press
    thumb.focus()
    for _ in range(2):  # the second press goes to the slider still holding the keyboard
        before = figure_data(page)
        page.keyboard.press("ArrowLeft")
        wait_for_change(page, before)
        settle(page)
    assert page.evaluate("document.activeElement.closest('.st-key-steps') !== null")
    assert f"steps={steps}" in page.url
    # the page's charts came, not the page links nor the lessons menu's buttons: two presses, each run sending the
    # page's own two (the export's Render and ⚖ Fair race)
    assert kinds.count("bidi_component") >= 4 and "page_link" not in kinds and kinds.count("button") == 4, kinds
    assert f"steps={steps}" in bar_popover(page, "Class link").locator("code").inner_text()
    assert not errors, errors
    page.close()


# the chart as drawn (its SVG, numbers to 0.1 px), its frames and its replay's steps, then the same after drawing its
# figure anew with Plotly.react: a chart moved in place must look exactly as one drawn from nothing
SAME_AS_REDRAWN = """async (sel) => {
  const gd = document.querySelector(sel + ' .js-plotly-plot');
  const norm = s => s.replace(/-?[0-9]+[.][0-9]+/g, m => (+m).toFixed(1)).replace(/clip[0-9a-f]+/g, 'clip')
    .replace(/ id="[^"]*"/g, '');
  const look = () => [norm([...gd.querySelectorAll('.main-svg')].map(e => e.outerHTML).join('')),
    JSON.stringify(gd._transitionData._frames), JSON.stringify(gd._fullLayout.sliders.map(s => s.steps))];
  const moved = look(), spec = gd.__lllFigure;
  gd.__lllRecipe = null;  // views/growing.py builds the frames again
  await Plotly.react(gd, JSON.parse(JSON.stringify(spec.data)), JSON.parse(JSON.stringify(spec.layout)));
  await new Promise(r => setTimeout(r, 300));
  const drawn = look();
  return moved.map((m, i) => m === drawn[i]);
}"""


@pytest.mark.parametrize("path, widget, charts", [("/networks", "networks.w.steps", 2), ("/", "steps", 2)])
def test_a_chart_moved_in_place_looks_as_if_drawn_anew(browser, url, path, widget, charts):
    page, errors = open_page(browser, url + path)
    page.evaluate(
        """() => { window.__animated = new Set(); const orig = window.Plotly.animate;
             window.Plotly.animate = function (gd, ...rest) {
               if (rest[0] && rest[0].traces) window.__animated.add(gd.closest('[class*=st-key-]').className
                 .match(/st-key-[^ ]+/)[0]);
               return orig.call(this, gd, ...rest); }; }"""
    )
    page.evaluate("window.__before = document.querySelector('.js-plotly-plot').__lllFigure")
    thumb = page.locator(f".st-key-{widget.replace('.', '-')} input[type=range]")
    thumb.focus()
    page.keyboard.press("ArrowRight")  # more steps: new paths, a longer replay
    page.wait_for_function("document.querySelector('.js-plotly-plot').__lllFigure !== window.__before")
    wait_js(page, f"window.__animated.size >= {charts - (path == '/')}")  # each chart moves once its data arrives
    settle(page)
    moved = page.evaluate("[...window.__animated]")
    assert len(moved) == charts - (path == "/"), moved  # Trajectories' loss chart is drawn anew (its axes autorange)
    for key in moved:
        assert page.evaluate(SAME_AS_REDRAWN, f".{key}") == [True, True, True], key
    assert not errors, errors
    page.close()
