"""A class round under load (``class_load.py --round``): N students open the round's link at once, each sets the
learning rate and the momentum to values of their own and submits, while the teacher's projector view refreshes its
live part every second as the browser does.

The students are protocol clients (benchmarks/st_client.py: Streamlit's websocket protobufs, as Chromium sends them),
so hundreds fit in this process; the teacher too (its live fragment rerun every ``REFRESH`` s, as the browser's
timer does). The round is opened in the store the server uses (the same LLL_DATA_DIR or LLL_DATABASE_URL).

Printed: first render and submission latency (p50, p95, max), the time from the last submission's answer until the
projector's counts show every one, the server's memory before, at its peak and after everyone left, the server's CPU,
and the store's own count: every student's submission there exactly once, with the values that student set (none
lost, none duplicated, none another's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import time
from dataclasses import dataclass, field

from benchmarks.class_load import failure, mb, number, row
from benchmarks.procs import Peak, cpu_seconds
from benchmarks.st_client import Session
from links import classroom as cl
from rooms.store import open_store

REFRESH = 1.0  # the projector's live view: views/classroom.py's run_every
GOALS = {"first": 10.0, "submit": 5.0, "shown": 10.0}  # seconds (the issue: 300 students submit within 10 s)


@dataclass
class Pupil:
    first: float | None = None
    submit: float | None = None
    done_at: float | None = None  # perf_counter when its submission's run ended
    me: str = ""
    values: dict[str, float] = field(default_factory=dict)
    failure: str | None = None
    errors: list[str] = field(default_factory=list)
    confirmed: bool = False  # the page said "Submitted"


async def pupil(
    url: str, code: str, args: argparse.Namespace, i: int, delay: float, ready: list, go: asyncio.Event
) -> tuple[Pupil, Session]:
    """One student: arrives after ``delay`` s, opens the round's link, sets the sliders to values of their own; when
    the class is told to submit (``go``), submits at a moment of their own within ``--submit-within`` s. Meanwhile
    their page's timed fragment (the round's status) reruns as a browser's timer does."""
    await asyncio.sleep(delay)
    p = Pupil()
    s = Session(url, "/class", f"room={code}", timeout=args.timeout)
    rng = random.Random(args.seed * 1_000_003 + i)
    polling = None
    try:
        p.first = await s.open()
        p.me = (re.search(r"me=([\w-]+)", s.query_string) or [None, ""])[1]
        for key in [w.key for w in s.widgets.values() if w.key.startswith("classroom.r")]:
            option = rng.choice(s.widget(key).options)
            p.values[key.rsplit(".", 1)[1]] = number(option)
            await s.set_value(key, option)
        polling = asyncio.create_task(poll(s))
        ready.append(i)
        await go.wait()
        await asyncio.sleep(rng.uniform(0, args.submit_within))
        p.submit = await s.click("classroom.submit")
        p.done_at = time.perf_counter()
        p.confirmed = any(t.startswith("Submitted:") for t in s.texts())
    except Exception as e:  # noqa: BLE001  (counted; the others go on)
        p.failure = failure(e)
        ready.append(i)
    p.errors = list(s.errors)
    return p, s, polling


async def poll(s: Session) -> None:
    """Rerun the page's timed fragments as a browser does (the round's status, every few seconds)."""
    with contextlib.suppress(Exception):
        while True:
            await asyncio.sleep(min(s.auto_reruns.values(), default=5.0))
            for fragment in list(s.auto_reruns):
                await s.rerun(fragment)


async def projector(s: Session, n: int, over: asyncio.Event, seen: dict) -> None:
    """The teacher's live view, rerun every REFRESH s: when its counts first show all n submissions."""
    live = None
    while not over.is_set() or "all" not in seen:
        t = time.perf_counter()
        if live is None:
            live = next((f for f, text in s._texts.values() if "submitted" in text and f), None)
        await s.rerun(live or "")
        counts = next((x for x in s.texts(live) if "submitted" in x), "")
        if f"<b>{n}</b> submitted" in counts and "all" not in seen:
            seen["all"] = time.perf_counter()
        if over.is_set() and time.perf_counter() - over.at > 60:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(max(0.0, REFRESH - (time.perf_counter() - t)))


async def run(url: str, pids: list[int], args: argparse.Namespace) -> dict:
    db = open_store()
    code, secret = db.open_room(cl.complete(cl.Setup()).spec())
    memory = Peak(pids)
    out: dict = {"rss_before": memory.now(), "code": code}
    teacher = Session(url, "/class", f"room={code}&key={secret}", timeout=args.timeout)
    out["teacher_first"] = await teacher.open()
    memory.start()
    cpu0 = cpu_seconds(pids) if pids else None
    over, seen = asyncio.Event(), {}
    watching = asyncio.create_task(projector(teacher, args.students, over, seen))
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    ready: list[int] = []
    go = asyncio.Event()
    tasks = [
        asyncio.create_task(pupil(url, code, args, i, rng.uniform(0, args.stagger), ready, go))
        for i in range(args.students)
    ]
    while len(ready) < args.students:  # every student's page open, the sliders set: "now submit!"
        await asyncio.sleep(0.1)
    out["opened"] = time.perf_counter() - t0
    go.set()
    t1 = time.perf_counter()
    done = [await t for t in tasks]
    out["submitting"] = time.perf_counter() - t1
    out["wall"] = time.perf_counter() - t0
    for *_, polling in done:
        if polling is not None:
            polling.cancel()
    over.at = time.perf_counter()  # type: ignore[attr-defined]
    over.set()
    await watching
    ends = [p.done_at for p, *_ in done if p.done_at]
    out["shown"] = seen["all"] - max(ends) if "all" in seen and ends else None
    out["cpu"] = cpu_seconds(pids) - cpu0 if pids and cpu0 is not None else None
    for _, s, _ in done:
        await s.close()
    await teacher.close()
    await asyncio.sleep(args.settle)
    out["rss_after"] = memory.now()
    await memory.stop()
    out["rss_peak"] = memory.peak if pids else None
    out["pupils"] = [p for p, *_ in done]
    subs = db.submissions(code)
    out["stored"] = subs
    db.close()
    return out


def report(out: dict, args: argparse.Namespace, server: str) -> None:
    pupils: list[Pupil] = out["pupils"]
    n = args.students
    print()
    print(f"Class round load: {n} students submit (η, β) to round {out['code']}; arrivals within {args.stagger:g} s")
    print(f"server: {server}; store: {os.environ.get('LLL_DATABASE_URL') or 'SQLite in ' + os.environ['LLL_DATA_DIR']}")
    print()
    print(f"{'seconds':38} {'done/asked':>11} {'p50':>7} {'p95':>7} {'max':>7}")
    print(row("teacher's first render (alone)", [out["teacher_first"]], 1))
    print(row("student's first render", [p.first for p in pupils if p.first is not None], n, GOALS["first"]))
    print(
        row(
            f"submission (within {args.submit_within:g} s)",
            [p.submit for p in pupils if p.submit is not None],
            n,
            GOALS["submit"],
        )
    )
    shown = out["shown"]
    print(
        "projector shows every submission: "
        + ("never (within 60 s)" if shown is None else f"{max(shown, 0):.2f} s after the last one's answer")
        + f"   (goal ≤ {GOALS['shown']:g} s)"
    )
    by_student = {s.student: s for s in out["stored"]}
    mine = [p for p in pupils if p.me and p.submit is not None]
    lost = [p for p in mine if p.me not in by_student]
    wrong = [
        p
        for p in mine
        if p.me in by_student
        and any(not math.isclose(by_student[p.me].values[k], v, rel_tol=1e-6) for k, v in p.values.items())
    ]
    doubled = [s for s in out["stored"] if s.count != 1]
    print(
        f"stored: {len(out['stored'])} submissions for {len(mine)} answered; lost {len(lost)}, "
        f"another's or changed values {len(wrong)}, submitted twice {len(doubled)}; "
        f"confirmed on the page {sum(p.confirmed for p in pupils)}"
    )
    failures: dict[str, int] = {}
    for p in pupils:
        if p.failure:
            failures[p.failure] = failures.get(p.failure, 0) + 1
    errors = [e for p in pupils for e in p.errors]
    print(
        f"errors: {sum(failures.values()) + len(errors)}"
        + (f" — {failures}" if failures else "")
        + (f" — on the page: {sorted(set(errors))[:3]}" if errors else "")
    )
    print(
        f"server RSS (MB): before {mb(out['rss_before'])}, peak {mb(out['rss_peak'])}, "
        f"after (all closed, {args.settle:g} s later) {mb(out['rss_after'])}"
    )
    if out["cpu"] is not None:
        cores = os.cpu_count() or 1
        busy = out["cpu"] / (out["wall"] * cores)
        print(f"CPU during the load: server {out['cpu']:.0f} s ({busy:.0%} of {cores} cores)")
    print(
        f"wall time: {out['wall']:.1f} s ({out['opened']:.1f} s until every page was open and set, then "
        f"{out['submitting']:.1f} s of submitting, each at a moment of its own within {args.submit_within:g} s)"
    )
