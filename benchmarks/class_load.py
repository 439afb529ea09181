"""Can one server hold a class? N students open the same class link at once and each moves the learning-rate slider
to values of their own, while the lecturer, whose page was open before, moves theirs.

The students are protocol clients, not browsers (benchmarks/st_client.py): each a websocket session speaking
Streamlit's own protobufs as Chromium does (captured from real sessions), so a hundred fit in this process. A student
connects (all within ``--stagger`` seconds, in random order), waits for the page's first run to finish (first
render), then moves the page's learning-rate slider ``--moves`` times to values the slider offers, chosen at random
(seeded), each sent as the browser sends it (a rerun of the page's fragment with every widget state the page holds)
and timed until its run has finished. The lecturer moves their slider every ``--lecturer-every`` seconds for as long
as the students are at work.

Isolation: after each move, the link the app wrote for the session (its query string, which names the learning rate
unless it is the default: no student picks that) and the slider, if the server set its value, must both hold the
session's own value; a session that saw another value counts as a leak (a move whose link shows no value is counted
apart: a run that failed writes none).
Errors: a run not finished in ``--timeout`` seconds, a lost connection, an exception or an error box on the page.
Server memory: the resident memory of the server's processes before any session, with the lecturer's page open,
sampled at its peak during the load and after every session closed (``--settle`` seconds later).

What the clients do not do: fetch the page's HTML and scripts, draw the charts, report the window's size (views/
screen.py's component: a browser's first visit reruns the whole app once with it; ``--screen`` sends that report too,
timed on its own row), so the client side costs this process far less than a browser and the server does all but the
static files of a real class's work. Both share this machine's cores: the CPU line says how much each used.
This is a measurement, not a test: nothing here asserts a time (the goals are printed beside the times).

    .venv/bin/python benchmarks/class_load.py [--students 100] [--moves 3] [--pages learning_rate|all|a,b]
        [--url http://127.0.0.1:8501]   (a server already running, instead of starting one)
        [--pids 1234,1235]   (the processes whose memory and CPU count: behind deploy/serve.py, the Streamlit
                             processes it names; by default the process listening on the URL's port)

The server it starts runs with LLL_WARMUP=0 unless set (as the other benchmarks and the tests run the app: no
background compiling); its compile cache should be primed (``python -m lab warm``), as ``make run`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("LLL_WARMUP", "0")  # as the tests run the app: no background compiling during the measurement

from websockets.exceptions import ConnectionClosed  # noqa: E402

from benchmarks.procs import Peak, cpu_seconds, listening_pid  # noqa: E402
from benchmarks.st_client import Session  # noqa: E402
from lab.pages import PAGES  # noqa: E402
from links import learning_rate as lp  # noqa: E402

SCREEN = {"size": {"window": 1280, "main": 1120, "height": 800, "touch": False}}  # what 1280×800 Chromium reports


@dataclass(frozen=True)
class Target:
    page: str  # a name of lab.pages.PAGES
    slider: str  # the widget key of its learning-rate slider
    param: str  # the link's parameter that shows the slider's value (omitted at the default)


TARGETS = {
    t.page: t
    for t in (
        Target("trajectories", "gd.learning_rate", "gd.learning_rate"),
        Target("learning_rate", lp.lr_key(lp.default_scene("Sweep")), "lr"),  # the Sweep's "learning rate to animate"
        Target("minima", "minima.gd.learning_rate", "gd.learning_rate"),  # Basins
        Target("networks", "networks.w.gd.learning_rate", "gd.learning_rate"),  # See it whole
    )
}
GOALS = {"first": 10.0, "move": 5.0, "lecturer": 3.0}  # seconds, at the 95th percentile (the lecturer: every move)


@dataclass
class Student:
    page: str
    first: float | None = None  # seconds to the first run's end
    screen: float | None = None  # seconds of the screen report's rerun (--screen)
    moves: list[float] = field(default_factory=list)
    failure: str | None = None  # what stopped it: a timeout, a lost connection, …
    errors: list[str] = field(default_factory=list)  # what the page showed as an error
    leaks: list[str] = field(default_factory=list)  # values it saw that it had not set
    unconfirmed: int = 0  # moves after which the link did not show the value just set (nor one it never set)
    mine: list[str] = field(default_factory=list)  # the slider's values it has had: its first, and those it set
    received: int = 0  # bytes
    unasked: int = 0  # messages of runs it had not asked for


# -- a student, the lecturer --------------------------------------------------------------------------------------
def number(option: str) -> float:
    """A slider's option as a number ("2.5e−4", with the typographic minus the app shows)."""
    return float(option.replace("−", "-"))


def check(s: Session, t: Target, chosen: str, mine: list[str]) -> tuple[str | None, bool]:
    """What the session was sent after setting ``chosen`` (its values so far: ``mine``, its first one included): a
    value it showed that the session never set (or None), and whether it showed ``chosen``. A run that failed writes
    no link, leaving the one before: one of the session's own values, not a leak, but not confirmed."""
    own = [number(v) for v in mine]
    slider = s.widget(t.slider).element
    if slider.set_value and len(slider.raw_value) == 1 and slider.raw_value[0] not in mine:
        return f"slider set to {slider.raw_value[0]} after setting {chosen}", False
    got = parse_qs(s.query_string).get(t.param)
    if got and not any(math.isclose(float(got[-1]), v, rel_tol=1e-6) for v in own):
        return f"link {t.param}={got[-1]} after setting {chosen}", False
    return None, bool(got) and math.isclose(float(got[-1]), number(chosen), rel_tol=1e-6)


def choices(s: Session, t: Target, n: int, rng: random.Random) -> list[str]:
    """n values the slider offers, at random, none its first value (the default, which the link omits) and no two
    in a row the same."""
    first = s.value(t.slider)
    offered = [o for o in s.widget(t.slider).options if not first or o not in first.string_array_value.data]
    out: list[str] = []
    while len(out) < n:
        v = rng.choice(offered)
        if not out or v != out[-1]:
            out.append(v)
    return out


async def move(s: Session, t: Target, value: str, record: Student, whole: bool) -> float:
    """Set the slider to ``value``; the seconds until the run finished. What the session saw is checked."""
    if not record.mine:
        record.mine = list(s.value(t.slider).string_array_value.data)  # its first value, the default
    record.mine.append(value)
    took = await s.set_value(t.slider, value, fragment=not whole)
    leak, shown = check(s, t, value, record.mine)
    if leak:
        record.leaks.append(leak)
    record.unconfirmed += not shown
    return took


def failure(e: BaseException) -> str:
    """What stopped a session, as the table counts it."""
    if isinstance(e, TimeoutError):  # a run's (RunTimeout) or the connection's opening
        return "timeout"
    if isinstance(e, ConnectionError | ConnectionClosed | OSError):
        return "connection lost"
    return f"{type(e).__name__}: {e}"


async def student(url: str, t: Target, args: argparse.Namespace, i: int, delay: float) -> tuple[Student, Session]:
    """One student: arrives after ``delay`` s, opens the class link, moves the slider; the session stays open."""
    await asyncio.sleep(delay)
    record = Student(t.page)
    s = Session(url, PAGES[t.page].path, timeout=args.timeout)
    rng = random.Random(args.seed * 1_000_003 + i)
    try:
        record.first = await s.open()
        if args.screen:
            record.screen = await s.set_value("screen", SCREEN, fragment=False)
        for value in choices(s, t, args.moves, rng):
            record.moves.append(await move(s, t, value, record, args.whole_app))
    except Exception as e:  # noqa: BLE001  (counted, and the others go on)
        record.failure = failure(e)
    record.errors, record.received, record.unasked = list(s.errors), s.received, s.unasked
    return record, s


async def lecture(s: Session, t: Target, args: argparse.Namespace, over: asyncio.Event, record: Student) -> None:
    """The lecturer moves their slider every ``--lecturer-every`` seconds until the students are done."""
    rng = random.Random(args.seed - 1)
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(over.wait(), args.lecturer_every)
            if over.is_set():
                break
            record.moves.append(await move(s, t, choices(s, t, 1, rng)[0], record, args.whole_app))
    except Exception as e:  # noqa: BLE001
        record.failure = failure(e)
    record.errors, record.received, record.unasked = list(s.errors), s.received, s.unasked


# -- the run ------------------------------------------------------------------------------------------------------
async def run(url: str, pids: list[int], targets: list[Target], args: argparse.Namespace) -> dict:
    memory = Peak(pids)
    out: dict = {"rss_before": memory.now(), "load": os.getloadavg()[0]}
    lecturer = Session(url, PAGES[targets[0].page].path, timeout=args.timeout)
    teacher = Student(targets[0].page, first=await lecturer.open())
    if args.screen:
        teacher.screen = await lecturer.set_value("screen", SCREEN, fragment=False)
    out["rss_lecturer"] = memory.now()
    memory.start()
    cpu0, mine0 = (cpu_seconds(pids) if pids else None), time.process_time()
    over = asyncio.Event()
    lecturing = asyncio.create_task(lecture(lecturer, targets[0], args, over, teacher))
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    done = await asyncio.gather(
        *(student(url, targets[i % len(targets)], args, i, rng.uniform(0, args.stagger)) for i in range(args.students))
    )
    out["wall"] = time.perf_counter() - t0
    over.set()
    await lecturing
    out["cpu"] = cpu_seconds(pids) - cpu0 if pids and cpu0 is not None else None
    out["cpu_client"] = time.process_time() - mine0
    for _, s in done:
        await s.close()
    await lecturer.close()
    await asyncio.sleep(args.settle)
    out["rss_after"] = memory.now()
    await memory.stop()
    out["rss_peak"] = memory.peak if pids else None
    out["students"], out["lecturer"] = [r for r, _ in done], teacher
    return out


# -- the table ----------------------------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    """The q-th percentile, nearest rank."""
    v = sorted(values)
    return v[max(0, math.ceil(q / 100 * len(v)) - 1)]


def row(label: str, values: list[float], expected: int, goal: float | None = None, at: str = "p95") -> str:
    if not values:
        return f"{label:38} {0:>5}/{expected:<5} {'—':>7} {'—':>7} {'—':>7}"
    p50, p95, top = statistics.median(values), pct(values, 95), max(values)
    line = f"{label:38} {len(values):>5}/{expected:<5} {p50:7.2f} {p95:7.2f} {top:7.2f}"
    if goal is not None:
        measured = p95 if at == "p95" else top
        line += f"   {at} ≤ {goal:g} s: {'met' if measured <= goal and len(values) == expected else 'MISSED'}"
    return line


def mb(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f}"


def report(out: dict, targets: list[Target], args: argparse.Namespace, server: str) -> None:
    students: list[Student] = out["students"]
    teacher: Student = out["lecturer"]
    n, m = args.students, args.moves
    pages = ", ".join(f"{t.page} ({t.slider})" for t in targets)
    print()
    print(f"Class load: {n} students, {m} moves each; page(s): {pages}")
    print(
        f"{'whole-app' if args.whole_app else 'fragment'} reruns; arrivals within {args.stagger:g} s; "
        f"timeout {args.timeout:g} s; screen report {'sent' if args.screen else 'not sent'}; seed {args.seed}"
    )
    print(f"server: {server}")
    print()
    print(f"{'seconds':38} {'done/asked':>11} {'p50':>7} {'p95':>7} {'max':>7}")
    print(row("lecturer's first render (alone)", [teacher.first] if teacher.first else [], 1))
    print(row("first render", [s.first for s in students if s.first is not None], n, GOALS["first"]))
    if args.screen:
        print(row("screen report's rerun", [s.screen for s in students if s.screen is not None], n))
    print(row("slider move", [t for s in students for t in s.moves], n * m, GOALS["move"]))
    asked = len(teacher.moves) + (teacher.failure is not None)
    print(row("lecturer's move, during the load", teacher.moves, asked, GOALS["lecturer"], at="max"))
    print("  each: " + ", ".join(f"{t:.2f}" for t in teacher.moves))
    print()
    everyone = [*students, teacher]
    answered = sum(s.failure is None and len(s.moves) == m for s in students)
    failures: dict[str, int] = {}
    for s in everyone:
        if s.failure:
            failures[s.failure] = failures.get(s.failure, 0) + 1
    errors = [e for s in everyone for e in s.errors]
    print(f"students answered in full: {answered}/{n}")
    print(
        f"errors: {sum(failures.values()) + len(errors)}"
        + (f" — stopped: {failures}" if failures else "")
        + (f" — on the page ({len(errors)}): {sorted(set(errors))[:5]}" if errors else "")
    )
    leaks = [s for s in everyone if s.leaks]
    print(
        f"sessions that saw a value they did not set: {len(leaks)}" + (f" — e.g. {leaks[0].leaks[0]}" if leaks else "")
    )
    if unconfirmed := sum(s.unconfirmed for s in everyone):
        print(f"moves whose link did not show the value set (a failed run writes none): {unconfirmed}")
    unasked = sum(s.unasked for s in everyone)
    if unasked:
        print(f"messages of runs a session had not asked for: {unasked}")
    print(
        f"server RSS (MB): before {mb(out['rss_before'])}, lecturer's page open {mb(out['rss_lecturer'])}, "
        f"peak {mb(out['rss_peak'])}, after (all closed, {args.settle:g} s later) {mb(out['rss_after'])}"
    )
    cores = os.cpu_count() or 1
    if out["cpu"] is not None:
        busy = out["cpu"] / (out["wall"] * cores)
        print(
            f"CPU during the load: server {out['cpu']:.0f} s ({busy:.0%} of {cores} cores), "
            f"this client {out['cpu_client']:.0f} s"
        )
    received = sum(s.received for s in everyone)
    print(f"sent to the sessions: {received / 1e6:.1f} MB ({received / 1e6 / max(1, len(everyone)):.2f} MB a session)")
    load = f"load average before {out['load']:.2f}, after {os.getloadavg()[0]:.2f}"
    print(f"wall time of the load: {out['wall']:.1f} s; {load}")


def round_main(args: argparse.Namespace) -> None:
    """``--round``: the class round's students submit (benchmarks/round_load.py), on a server started here (its store
    a fresh SQLite folder unless LLL_DATABASE_URL says) or at ``--url`` (its store must be this process's too)."""
    import tempfile

    from benchmarks import round_load

    if args.url:
        url = args.url.rstrip("/")
        pids = [int(p) for p in args.pids.split(",")] if args.pids else [listening_pid(urlsplit(url).port or 80)]
        out = asyncio.run(round_load.run(url, [p for p in pids if p], args))
        return round_load.report(out, args, url)
    os.environ.setdefault("LLL_DATA_DIR", tempfile.mkdtemp(prefix="lll-round-load-"))
    from browser import streamlit_server

    with streamlit_server(180.0, ROOT / "app.py") as url:
        pid = listening_pid(urlsplit(url).port or 80)
        out = asyncio.run(round_load.run(url, [pid] if pid else [], args))
    round_load.report(out, args, f"started here at {url}, pid {pid}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=100, help="sessions opening the class link at once (default 100)")
    ap.add_argument("--moves", type=int, default=3, help="slider moves per student (default 3)")
    ap.add_argument(
        "--pages", default="learning_rate", help=f"the class link's page: {', '.join(TARGETS)}, comma-separated, or all"
    )
    ap.add_argument("--url", help="an app already running at this address (default: start one)")
    ap.add_argument("--port", type=int, help="the port of the server started (default: a free one)")
    ap.add_argument(
        "--pids",
        help="the server's processes to measure, comma-separated (behind a proxy: the Streamlit processes; "
        "default: the process listening on --url's port)",
    )
    ap.add_argument("--stagger", type=float, default=1.0, help="the students arrive within this many seconds")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a run may take before it counts as lost")
    ap.add_argument("--lecturer-every", type=float, default=2.0, help="seconds between the lecturer's moves")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds after closing before the last RSS")
    ap.add_argument("--screen", action="store_true", help="send the window size report after the first run")
    ap.add_argument("--whole-app", action="store_true", help="moves rerun the whole app (a browser sends fragments)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--round", action="store_true", help="a class round: students submit (benchmarks/round_load.py)")
    ap.add_argument("--submit-within", type=float, default=10.0, help="--round: the students submit within this")
    args = ap.parse_args()
    if args.round:
        return round_main(args)
    names = list(TARGETS) if args.pages == "all" else [p.strip() for p in args.pages.split(",") if p.strip()]
    if unknown := [p for p in names if p not in TARGETS]:
        ap.error(f"unknown pages {unknown}: choose from {', '.join(TARGETS)} or all")
    targets = [TARGETS[p] for p in names]
    if args.url:
        url = args.url.rstrip("/")
        pids = [int(p) for p in args.pids.split(",")] if args.pids else [listening_pid(urlsplit(url).port or 80)]
        pids = [p for p in pids if p is not None]
        out = asyncio.run(run(url, pids, targets, args))
        report(out, targets, args, f"{url} (pid {', '.join(map(str, pids)) or '?'})")
        return
    from browser import streamlit_server

    from lab import warmup

    if not warmup.primed():
        print("note: the compile cache is not primed (python -m lab warm): the first runs compile", flush=True)
    if args.port:  # tests/browser.py's server listens where its free_port() says
        import browser

        browser.free_port = lambda: args.port
    with streamlit_server(180.0, ROOT / "app.py") as url:
        pid = listening_pid(urlsplit(url).port or 80)
        out = asyncio.run(run(url, [pid] if pid else [], targets, args))
    server = f"started here at {url} (LLL_WARMUP={os.environ['LLL_WARMUP']}), pid {pid}"
    report(out, targets, args, server)


if __name__ == "__main__":
    main()
