"""Real browser, the newer lessons: Trajectories' optimizer internals drawn in the map's frames as the step is
scrubbed and its fair race's button; a minibatch's own loss drawn over the full one (Networks' Minibatch on the line,
Train on minibatches), on a projector and on a phone."""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, open_url, resize, settle, wait_js
from test_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: they share the server

SCRUB = """f => { const g = document.querySelector('.st-key-contour .js-plotly-plot');
  const names = g._transitionData._frames.map(x => x.name).filter(n => n.startsWith('s'));
  return Plotly.animate(g, [names[f]], {frame: {duration: 0, redraw: false}, transition: {duration: 0},
                                        mode: 'immediate'}).then(() => names[f]); }"""
DRAWN = """name => { const g = document.querySelector('.st-key-contour .js-plotly-plot');
  const i = g.data.findIndex(t => t.name === name);
  const xs = Array.from(g.data[i].x).filter(v => v !== null && !Number.isNaN(v));
  const line = g.querySelectorAll('.scatterlayer .trace')[i].querySelector('.js-line');
  return {points: xs.length, first: xs[0], path: line ? line.getAttribute('d').length : 0}; }"""


def test_inside_each_step_follows_the_scrubbed_step_and_the_fair_race_sets_each_rate(browser, url):
    page, errors = open_url(browser, url + "/?internals=1", 1280, 800, charts=2)
    assert page.evaluate("document.querySelector('.st-key-contour .js-plotly-plot')._transitionData._frames.length")
    seen = {}
    for f in (2, 10):  # two early steps: each kind's arrows drawn there, at other places
        page.evaluate(SCRUB, f)
        for kind in ("−η∇f", "momentum carried", "step taken", "coordinate scale"):
            got = page.evaluate(DRAWN, kind)
            assert got["points"] >= 4 and got["path"] > 20, (f, kind, got)  # an arrow's points, a drawn line
            seen.setdefault(kind, set()).add(round(got["first"], 6))
    assert all(len(v) == 2 for v in seen.values()), seen  # the arrows moved with the step
    page.screenshot(path=str(ARTIFACTS / "trajectories-internals.png"))
    # the fair race: each racer's rate set from its sweep, told, and the sweeps drawn
    page.get_by_role("button", name="Fair race").click()
    page.get_by_text("A fair race:").wait_for(timeout=120_000)
    settle(page)
    wait_js(page, "document.querySelectorAll('.js-plotly-plot').length >= 3")
    assert "gd.learning_rate=0.15" in page.url and "adam.learning_rate=0.06" in page.url
    # a phone: the map shows the race whole (no frames), and says where the internals can be stepped through; every
    # chart, the fair race's sweeps among them, fits its width
    widths = resize(page, *PHONE)
    assert len(widths) >= 3 and all(w <= PHONE[0] for w in widths), widths
    page.get_by_text("open the page on a wider screen").wait_for(timeout=60_000)
    assert not errors, errors
    page.close()


NAMES = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(g => (g.data || []).map(t => t.name))"""


@pytest.mark.parametrize(
    ("link", "trace", "charts"),
    [
        ("/networks?section=minibatch&model=linear&batch=1&step=30", "loss of step 30's batch", 2),
        ("/networks?section=train&batch=32&step=99", "loss of step 99's batch (32 points)", 5),
    ],
    ids=["minibatch-on-a-line", "train-on-minibatches"],
)
def test_minibatch_lessons_draw_the_batchs_loss_on_a_projector_and_on_a_phone(browser, url, link, trace, charts):
    page, errors = open_url(browser, url + link, 1280, 800, charts=charts, timeout=240)
    for width, height in ((1280, 800), PHONE):
        if width != 1280:
            resize(page, width, height)
        assert trace in page.evaluate(NAMES), page.evaluate(NAMES)
        widths = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(g => g.offsetWidth)")
        assert widths and all(w <= width for w in widths), (width, widths)
        assert not page.locator("[data-testid=stException]").count()
        page.screenshot(path=str(ARTIFACTS / f"{link.split('section=')[1].split('&')[0]}-batch-{width}.png"))
    assert not errors, errors
    page.close()
