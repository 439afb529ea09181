"""The store in SQL, once for both backends: the schema, and every method as statements in a transaction. A backend
(rooms/sqlite.py, rooms/postgres.py) supplies the transactions: ``_transaction(write)`` yields ``q(sql, *params)``
(placeholders written ``?``) and, for a write, makes the room's writers wait for each other:

- SQLite: BEGIN IMMEDIATE (one writer in the file at a time, across processes) behind a per-process lock;
- PostgreSQL: ``_room`` reads the room's row FOR NO KEY UPDATE (``ROW_LOCK``), the row every write of the room goes
  through, so that two writes of one room happen one after the other (and rooms do not wait for each other).

So the checks a submission passes (the round unlocked, the student's last submission a second ago, the round not
full) read what the previous write of the room left, and nothing can slip between a check and the upsert."""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterator

from rooms.store import (
    DEFAULT_CAP,
    RATE_SECONDS,
    NotTeacher,
    Round,
    Store,
    Submission,
    check_nickname,
    check_spec,
    check_student,
    check_values,
    full,
    locked_round,
    new_code,
    new_secret,
    normal_code,
    not_joined,
    same_secret,
    secret_hash,
    too_soon,
    unknown_room,
)

SCHEMA_VERSION = 1
# DOUBLE PRECISION and BOOLEAN are PostgreSQL's types and SQLite's REAL and NUMERIC affinities: one schema for both.
# A spec and a submission's values are JSON text (the store never looks inside them in SQL).
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS rooms (
        code TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created DOUBLE PRECISION NOT NULL,
        current_round INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rounds (
        room TEXT NOT NULL REFERENCES rooms (code),
        number INTEGER NOT NULL,
        spec TEXT NOT NULL,
        locked BOOLEAN NOT NULL,
        revealed BOOLEAN NOT NULL,
        created DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (room, number))""",
    """CREATE TABLE IF NOT EXISTS students (
        room TEXT NOT NULL REFERENCES rooms (code),
        student TEXT NOT NULL,
        nickname TEXT NOT NULL,
        joined DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (room, student))""",
    """CREATE TABLE IF NOT EXISTS submissions (
        room TEXT NOT NULL,
        round INTEGER NOT NULL,
        student TEXT NOT NULL,
        vals TEXT NOT NULL,
        first_submitted DOUBLE PRECISION NOT NULL,
        submitted DOUBLE PRECISION NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (room, round, student),
        FOREIGN KEY (room, round) REFERENCES rounds (room, number),
        FOREIGN KEY (room, student) REFERENCES students (room, student))""",
)

Query = Callable[..., object]  # q(sql, *params) -> a cursor (fetchone, fetchall, rowcount)


class SQLStore(Store):
    ROW_LOCK = ""  # appended to the SELECT of the room's row in a write

    def __init__(self):
        self._ready = False
        self._ready_lock = threading.Lock()

    # what a backend supplies

    def _transaction(self, write: bool) -> contextlib.AbstractContextManager[Query]:
        raise NotImplementedError

    def _schema_lock(self, q: Query) -> None:
        """Makes two processes creating the tables at once wait for each other (inside the schema's transaction)."""

    # the transactions, the tables created first

    @contextlib.contextmanager
    def _tx(self, write: bool) -> Iterator[Query]:
        if not self._ready:
            with self._ready_lock:
                if not self._ready:
                    with self._transaction(True) as q:
                        self._create(q)
                    self._ready = True
        with self._transaction(write) as q:
            yield q

    def _create(self, q: Query) -> None:
        self._schema_lock(q)
        for statement in SCHEMA:
            q(statement)
        row = q("SELECT MAX(version) FROM schema_version").fetchone()
        if row[0] is None:
            q("INSERT INTO schema_version (version) VALUES (?)", SCHEMA_VERSION)
        elif row[0] > SCHEMA_VERSION:
            raise RuntimeError(
                f"The class store's database has schema version {row[0]}, written by a newer version of the app "
                f"(this one knows {SCHEMA_VERSION}): update the app or give it another database."
            )

    def _room(self, q: Query, code: str) -> tuple[str, int] | None:
        """(the secret's hash, the current round's number) of the room, its row locked for this write."""
        return q(f"SELECT secret_hash, current_round FROM rooms WHERE code = ?{self.ROW_LOCK}", code).fetchone()

    def _teacher(self, q: Query, code, secret) -> tuple[str, int]:
        c = normal_code(code)
        row = self._room(q, c)
        if row is None:
            raise unknown_room(code)
        if not same_secret(row[0], secret):
            raise NotTeacher()
        return c, row[1]

    _new_code = staticmethod(new_code)  # a test may replace it to make codes collide

    # the interface

    def open_room(self, spec: dict) -> tuple[str, str]:
        text = check_spec(spec)
        secret = new_secret()
        for _ in range(100):
            code = self._new_code()
            with self._tx(True) as q:
                now = time.time()
                added = q(
                    "INSERT INTO rooms (code, secret_hash, created, current_round) VALUES (?, ?, ?, 1) "
                    "ON CONFLICT (code) DO NOTHING",
                    code,
                    secret_hash(secret),
                    now,
                )
                if added.rowcount == 1:
                    q(
                        "INSERT INTO rounds (room, number, spec, locked, revealed, created) VALUES (?, 1, ?, ?, ?, ?)",
                        code,
                        text,
                        False,
                        False,
                        now,
                    )
                    return code, secret
        raise RuntimeError("No free room code after 100 tries.")

    def is_teacher(self, code: str, secret: str | None) -> bool:
        if not isinstance(secret, str):
            return False
        with self._tx(False) as q:
            row = q("SELECT secret_hash FROM rooms WHERE code = ?", normal_code(code)).fetchone()
        return same_secret(row[0] if row else None, secret)

    def round(self, code: str) -> Round | None:
        c = normal_code(code)
        with self._tx(False) as q:
            row = q(
                "SELECT n.number, n.spec, n.locked, n.revealed, n.created FROM rooms r "
                "JOIN rounds n ON n.room = r.code AND n.number = r.current_round WHERE r.code = ?",
                c,
            ).fetchone()
        if row is None:
            return None
        number, spec, locked, revealed, created = row
        return Round(c, number, json.loads(spec), bool(locked), bool(revealed), created)

    def _set(self, code, secret, column: str, on: bool) -> None:
        with self._tx(True) as q:
            c, number = self._teacher(q, code, secret)
            q(f"UPDATE rounds SET {column} = ? WHERE room = ? AND number = ?", bool(on), c, number)

    def set_locked(self, code: str, secret: str, locked: bool) -> None:
        self._set(code, secret, "locked", locked)

    def set_revealed(self, code: str, secret: str, revealed: bool) -> None:
        self._set(code, secret, "revealed", revealed)

    def clear(self, code: str, secret: str) -> None:
        with self._tx(True) as q:
            c, number = self._teacher(q, code, secret)
            q("DELETE FROM submissions WHERE room = ? AND round = ?", c, number)

    def next_round(self, code: str, secret: str, spec: dict) -> Round:
        text = check_spec(spec)
        with self._tx(True) as q:
            c, number = self._teacher(q, code, secret)
            now = time.time()
            q(
                "INSERT INTO rounds (room, number, spec, locked, revealed, created) VALUES (?, ?, ?, ?, ?, ?)",
                c,
                number + 1,
                text,
                False,
                False,
                now,
            )
            q("UPDATE rooms SET current_round = ? WHERE code = ?", number + 1, c)
        return Round(c, number + 1, json.loads(text), False, False, now)

    def join(self, code: str, student: str, nickname: str) -> None:
        c = normal_code(code)
        with self._tx(True) as q:
            if q("SELECT 1 FROM rooms WHERE code = ?", c).fetchone() is None:
                raise unknown_room(code)
            q(
                "INSERT INTO students (room, student, nickname, joined) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (room, student) DO UPDATE SET nickname = excluded.nickname",
                c,
                check_student(student),
                check_nickname(nickname),
                time.time(),
            )

    def nickname(self, code: str, student: str) -> str | None:
        with self._tx(False) as q:
            row = q(
                "SELECT nickname FROM students WHERE room = ? AND student = ?", normal_code(code), str(student)
            ).fetchone()
        return row[0] if row else None

    def submit(self, code: str, student: str, values: dict[str, float], *, now: float | None = None) -> Submission:
        c = normal_code(code)
        with self._tx(True) as q:
            room = self._room(q, c)
            if room is None:
                raise unknown_room(code)
            number = room[1]
            check_student(student)
            joined = q("SELECT nickname FROM students WHERE room = ? AND student = ?", c, student).fetchone()
            if joined is None:
                raise not_joined()
            spec, locked = q("SELECT spec, locked FROM rounds WHERE room = ? AND number = ?", c, number).fetchone()
            if locked:
                raise locked_round()
            spec = json.loads(spec)
            vals = check_values(spec, values)
            t = time.time() if now is None else float(now)
            if not math.isfinite(t):
                raise ValueError(f"A submission's time is a finite number of seconds, not {now!r}.")
            last = q(
                "SELECT submitted FROM submissions WHERE room = ? AND round = ? AND student = ?", c, number, student
            ).fetchone()
            if last is not None and t - last[0] < RATE_SECONDS:  # a clock gone back counts as too soon
                raise too_soon()
            if last is None:
                cap = spec.get("cap", DEFAULT_CAP)
                (n,) = q("SELECT COUNT(*) FROM submissions WHERE room = ? AND round = ?", c, number).fetchone()
                if n >= cap:
                    raise full(cap)
            (count,) = q(
                "INSERT INTO submissions (room, round, student, vals, first_submitted, submitted, count) "
                "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (room, round, student) DO UPDATE SET "
                "vals = excluded.vals, submitted = excluded.submitted, count = submissions.count + 1 "
                "RETURNING count",
                c,
                number,
                student,
                json.dumps(vals),
                t,
                t,
            ).fetchone()
        return Submission(c, number, student, joined[0], vals, t, count)

    def submissions(self, code: str, number: int | None = None) -> list[Submission]:
        c = normal_code(code)
        which = "(SELECT current_round FROM rooms WHERE code = ?)" if number is None else "?"
        with self._tx(False) as q:
            rows = q(
                "SELECT s.round, s.student, t.nickname, s.vals, s.submitted, s.count, s.first_submitted "
                "FROM submissions s JOIN students t ON t.room = s.room AND t.student = s.student "
                f"WHERE s.room = ? AND s.round = {which}",
                c,
                c if number is None else int(number),
            ).fetchall()
        rows.sort(key=lambda r: (r[6], r[1]))  # in Python: the same order whatever the database's collation
        return [Submission(c, r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows]

    def counts(self, code: str) -> tuple[int, int]:
        c = normal_code(code)
        with self._tx(False) as q:
            joined, submitted = q(
                "SELECT (SELECT COUNT(*) FROM students WHERE room = ?), "
                "(SELECT COUNT(*) FROM submissions s JOIN rooms r ON r.code = s.room AND s.round = r.current_round "
                "WHERE r.code = ?)",
                c,
                c,
            ).fetchone()
        return joined, submitted
