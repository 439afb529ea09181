"""The class store under students arriving at once (rooms/): nothing lost, nothing doubled, no cap overrun, on both
backends (the fixtures are tests/conftest.py's: SQLite in a fresh file, PostgreSQL in a fresh database)."""

from __future__ import annotations

import itertools
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_store import GOOD, SPEC, class_of

from rooms import Refused
from rooms import store as store_module

pytestmark = pytest.mark.xdist_group("store")  # one worker: the run's PostgreSQL cluster is started once


def at_once(n: int, work) -> list:
    """work(i) for i < n, each in its own thread, all released at the same moment; what each returned or raised."""
    start = threading.Barrier(n)

    def run(i):
        start.wait()
        try:
            return work(i)
        except Refused as e:
            return e

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_200_students_submitting_at_once_lose_nothing(store):
    code, _ = store.open_room(SPEC)
    students = [f"s{i:03d}" for i in range(200)]
    at_once(200, lambda i: store.join(code, students[i], f"Student {i}"))
    results = at_once(200, lambda i: store.submit(code, students[i], {**GOOD, "momentum": i / 1000}, now=1000 + i))
    assert not [r for r in results if isinstance(r, Exception)]
    got = store.submissions(code)
    assert sorted((s.student, s.values["momentum"], s.count) for s in got) == [
        (s, i / 1000, 1) for i, s in enumerate(students)
    ]
    assert [s.student for s in got] == students and store.counts(code) == (200, 200)  # by time: each its own


def test_one_student_submitting_50_times_at_once_keeps_one_row(store):
    code, _ = class_of(store, "ann")
    times = [1000 + 1.5 * i for i in range(50)]
    random.Random(0).shuffle(times)
    results = at_once(50, lambda i: store.submit(code, "ann", {**GOOD, "momentum": i / 100}, now=times[i]))
    accepted = [i for i, r in enumerate(results) if not isinstance(r, Exception)]
    assert accepted and all(
        str(results[i]) == "Wait a second before submitting again." for i in range(50) if i not in accepted
    )
    (row,) = store.submissions(code)
    last = max(accepted, key=lambda i: times[i])
    assert (row.count, row.submitted, row.values["momentum"]) == (len(accepted), times[last], last / 100)
    # one after the other: the counts returned are 1..n, each accepted a second or more after the one before it
    in_turn = sorted(accepted, key=lambda i: results[i].count)
    assert [results[i].count for i in in_turn] == list(range(1, len(accepted) + 1))
    assert all(times[b] - times[a] >= store_module.RATE_SECONDS for a, b in itertools.pairwise(in_turn))


def test_a_small_cap_holds_with_students_arriving_at_once(store):
    code, _ = class_of(store, *(f"s{i}" for i in range(30)), cap=5)
    results = at_once(30, lambda i: store.submit(code, f"s{i}", GOOD, now=i))
    refusals = [str(r) for r in results if isinstance(r, Exception)]
    assert refusals == ["This round is full (5 students)."] * 25 and store.counts(code) == (30, 5)
