"""Real browser, a class round: a teacher's projector (1280×800) starts a round, ten phones (390×844, touch) join
by its link, each sets its own learning rate and submits, and the projector shows ten runs by itself (its live view
reads the store every second); a phone without the teacher's key has no control of the round; and two servers on one
PostgreSQL share a round."""

from __future__ import annotations

import re
from pathlib import Path

import postgres
import pytest
from browser import ARTIFACTS, figure, open_url, settle, streamlit_server, wait_js, widget

from rooms.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: they share the server

STUDENTS = 10
PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
RUN_COUNTS = """() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];
    return gd.data.filter(t => t.mode === 'lines' && / \\(\\d+\\)$/.test(t.name || ''))
        .reduce((n, t) => n + Number(t.name.match(/\\((\\d+)\\)$/)[1]), 0); }"""


def test_ten_phones_submit_and_the_projector_shows_every_run(browser, url):
    teacher, errors = open_url(browser, url + "/class", 1280, 800)
    teacher.get_by_role("button", name="Start the round").click()
    teacher.wait_for_url(re.compile(r"room=\w+&key="), timeout=60_000)
    settle(teacher)
    code = re.search(r"room=(\w+)", teacher.url).group(1)
    assert teacher.locator(".lll-code").inner_text() == code
    assert teacher.locator("img[src^='data:image/svg+xml']").count() >= 1  # the QR code
    phones = []
    for i in range(STUDENTS):
        context = browser.new_context(**PHONE)
        phone = context.new_page()
        phone.on("pageerror", lambda e: errors.append(str(e)))
        phone.goto(f"{url}/class?room={code}", wait_until="domcontentloaded")
        phone.wait_for_selector("[data-testid=stSlider] input[type=range]", timeout=180_000)
        settle(phone)
        assert re.search(r"me=[\w-]{8,}", phone.url)  # the student's id, kept in the link
        assert not phone.get_by_role("button", name="Lock").count()
        phone.locator("[data-testid=stSlider] input[type=range]").first.focus()
        for _ in range(i):
            phone.keyboard.press("ArrowRight")
        settle(phone)
        phone.get_by_role("button", name="Submit").click()
        phone.get_by_text("Submitted:").wait_for(timeout=60_000)
        phones.append((context, phone))
    wait_js(teacher, f"document.querySelector('.lll-counts').innerText.includes('{STUDENTS} submitted')", 60)
    wait_js(teacher, f"({RUN_COUNTS})() === {STUDENTS}", 60)
    runs = figure(teacher, 0)
    drawn = [t for t in runs["data"] if t["name"] and re.search(r" \(\d+\)$", t["name"])]
    gaps = sum(sum(1 for v in t["y"] if v is None or v != v) for t in drawn)  # NaN or null
    assert gaps == STUDENTS  # ten paths, one gap after each
    teacher.screenshot(path=str(ARTIFACTS / "class-projector-1280.png"))
    with teacher.expect_download(timeout=60_000) as download:  # the CSV, made at the click: every submission
        widget(teacher, "classroom.csv").get_by_role("button").click()
    rows = Path(download.value.path()).read_text().strip().splitlines()
    assert rows[0].startswith("rank,nickname,learning_rate,momentum") and len(rows) == STUDENTS + 1

    context, phone = phones[0]
    width = phone.evaluate("() => document.querySelector('.js-plotly-plot').getBoundingClientRect().width")
    assert width <= 390
    submit = phone.get_by_role("button", name="Submit")
    submit.scroll_into_view_if_needed()
    chart = phone.locator(".st-key-sticky-chart .js-plotly-plot").bounding_box()
    button = submit.bounding_box()
    assert chart["y"] >= 0 and chart["y"] + chart["height"] <= button["y"] <= 844 - button["height"]  # both in view
    phone.screenshot(path=str(ARTIFACTS / "class-phone-390.png"))

    teacher.get_by_role("button", name="Reveal the leaderboard").click()
    settle(teacher)
    widget(teacher, "classroom.controls").get_by_role("button", name="Hide the leaderboard").wait_for()
    phone.get_by_text("You are number").wait_for(timeout=30_000)  # the phone's status reads the reveal by itself
    stranger = context.new_page()
    stranger.goto(f"{url}/class?room={code}&key={'x' * 32}", wait_until="domcontentloaded")
    stranger.get_by_text("does not run this class").wait_for(timeout=120_000)
    assert not stranger.get_by_role("button", name="Lock").count()
    for c, _ in phones:
        c.close()
    teacher.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def shared_database(postgres_server):
    """A fresh database on the PostgreSQL server (tests/postgres.py: CI's throw-away cluster, or the test's own)."""
    with postgres.database(postgres_server) as url:
        yield url


def test_two_servers_on_one_postgresql_share_a_round(browser, shared_database, monkeypatch):
    """Past one process: two Streamlit servers (two ports) on one PostgreSQL. The teacher's projector is on one, a
    student submits on the other, and the projector shows the run (README: several replicas, one database)."""
    monkeypatch.setenv("LLL_DATABASE_URL", shared_database)
    with streamlit_server() as first, streamlit_server() as second:
        teacher, errors = open_url(browser, first + "/class", 1280, 800)
        teacher.get_by_role("button", name="Start the round").click()
        teacher.wait_for_url(re.compile(r"room=\w+&key="), timeout=60_000)
        code = re.search(r"room=(\w+)", teacher.url).group(1)
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(f"{second}/class?room={code}", wait_until="domcontentloaded")
        phone.wait_for_selector("[data-testid=stSlider] input[type=range]", timeout=180_000)
        settle(phone)
        phone.get_by_role("button", name="Submit").click()
        phone.get_by_text("Submitted:").wait_for(timeout=60_000)
        wait_js(teacher, "document.querySelector('.lll-counts').innerText.includes('1 submitted')", 60)
        wait_js(teacher, f"({RUN_COUNTS})() === 1", 60)
        assert open_store(shared_database).counts(code) == (1, 1)
        phone.context.close()
        teacher.close()
        assert not errors, errors
