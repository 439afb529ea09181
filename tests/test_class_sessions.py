"""A class on one server: two sessions open the same page and move its learning-rate slider to values of their own at
the same moment; each is sent its own value (the link the app writes for it, the slider) and nothing of the other's.
The sessions are protocol clients (benchmarks/st_client.py, the load benchmark's), not browsers; the server is the one
the browser tests share (tests/conftest.py's url)."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import streamlit_server

from benchmarks.st_client import Session
from lab.pages import PAGES
from links import learning_rate as lp

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one worker: they share the server

KEY = lp.lr_key(lp.default_scene("Sweep"))  # the Sweep's "learning rate to animate"


def number(option: str) -> float:
    return float(option.replace("−", "-"))  # the app writes a typographic minus: "2.5e−4"


def shown(s: Session) -> tuple[float | None, list[str]]:
    """The learning rate the session's link names, and the slider's value as the session holds it."""
    lr = parse_qs(s.query_string).get("lr")
    return (float(lr[-1]) if lr else None), list(s.value(KEY).string_array_value.data)


async def two_sessions(url: str) -> None:
    a, b = Session(url, "/learning-rate"), Session(url, "/learning-rate")
    try:
        await asyncio.gather(a.open(), b.open())
        slider = a.widget(KEY)
        assert slider.select_slider and slider.fragment_id  # a page's control: its rerun is the page's fragment's
        first = a.value(KEY).string_array_value.data[0]
        assert shown(a) == shown(b) == (None, [first])  # the same page, the default rate: not in the link
        offered = [o for o in slider.options if o != first]
        va, vb, vb2 = offered[2], offered[-3], offered[len(offered) // 2]

        await asyncio.gather(a.set_value(KEY, va), b.set_value(KEY, vb))
        for s, mine in ((a, va), (b, vb)):
            assert not s.errors, s.errors
            lr, held = shown(s)
            assert lr == pytest.approx(number(mine)) and held == [mine], (mine, s.query_string)
            element = s.widget(KEY).element
            assert not element.set_value or list(element.raw_value) == [mine]
            assert s.unasked == 0  # nothing of a run it did not ask for
            assert s.runs[-1] == 3  # FINISHED_FRAGMENT_RUN_SUCCESSFULLY: the page alone reran

        seen, link = len(a.kinds), a.query_string
        await b.set_value(KEY, vb2)
        assert shown(b)[0] == pytest.approx(number(vb2))
        await asyncio.sleep(0.5)  # anything sent to a by mistake has arrived
        # nothing of b's run (an element, a run's end, a link, a page): a server's status message may come at any time
        # (CI once saw 2 bytes arrive in that half second, no element among them)
        runs = {"delta", "script_finished", "page_info_changed", "new_session", "navigation"}
        assert not runs & set(a.kinds[seen:]) and (a.query_string, a.unasked) == (link, 0), a.kinds[seen:]
    finally:
        await asyncio.gather(a.close(), b.close())


def test_two_sessions_on_one_page_each_see_only_their_own_learning_rate(url):
    # in a thread of its own: Playwright's sync API (the url fixture's browser) holds this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, two_sessions(url)).result()


async def first_visits(url: str) -> list[tuple[str, list[str]]]:
    sessions = [Session(url, p.path) for p in PAGES.values()]
    try:
        await asyncio.gather(*(s.open() for s in sessions))
        return [(s.path, s.errors) for s in sessions]
    finally:
        await asyncio.gather(*(s.close() for s in sessions))


def test_a_class_opening_a_fresh_server_at_once_gets_every_page():
    """The first runs of a new server, all at once: they import what the pages need side by side (a lazy import met
    half done failed three of the four pages, app.py's pandas)."""
    with streamlit_server() as url, ThreadPoolExecutor(1) as pool:
        seen = pool.submit(asyncio.run, first_visits(url)).result()
    assert all(not errors for _, errors in seen), seen


class Watching(Session):
    """A session that notices when its page shows a progress bar (a long computation under way)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.progress = asyncio.Event()

    def _delta(self, msg) -> None:
        if msg.delta.WhichOneof("type") == "new_element" and msg.delta.new_element.WhichOneof("type") == "progress":
            self.progress.set()
        super()._delta(msg)


async def quiet(pids: list[int]) -> float:
    """Wait until the server stops using the CPU (less than 30 ms in half a second); its CPU seconds then."""
    from benchmarks.procs import cpu_seconds

    last = cpu_seconds(pids)
    for _ in range(240):
        await asyncio.sleep(0.5)
        now = cpu_seconds(pids)
        if now - last < 0.03:
            return now
        last = now
    raise AssertionError("the server never went quiet")


# the two-parameter network's basins on a 300 × 300 grid, one optimizer: three blocks of starts of ~1 s each, the
# progress bar moved between them (each a point where Streamlit stops a run); two learning rates, the same work
HEAVY = "surface=two_param_net&opt=gd&grid=300&steps=250&gd.learning_rate={lr}"


async def closing_mid_run(url: str, pids: list[int]) -> tuple[float, float]:
    """The server's CPU seconds for the heavy link run to its end, and for the same work left at its first block."""
    start = await quiet(pids)
    whole = Session(url, "/minima", HEAVY.format(lr=0.02))
    await whole.open()
    assert not whole.errors, whole.errors
    await whole.close()
    full = await quiet(pids) - start
    left = Watching(url, "/minima", HEAVY.format(lr=0.03))
    run = asyncio.create_task(left.open())
    await asyncio.wait_for(left.progress.wait(), 120)
    await left._ws.close()  # the student closes the tab while the maps are computed
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        await run
    return full, await quiet(pids) - start - full


def test_a_session_closed_during_a_long_computation_stops_it(url):
    from benchmarks.procs import listening_pid

    pids = [listening_pid(urlsplit(url).port)]
    with ThreadPoolExecutor(1) as pool:
        full, left = pool.submit(asyncio.run, closing_mid_run(url, pids)).result()
    # left after its first block of three (Streamlit stops a disconnected session's run at its next call)
    assert left < 0.6 * full, (left, full)
