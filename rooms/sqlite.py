"""The class store in a SQLite file (the default: data/class.sqlite3, nothing to set up). WAL journal (readers never
wait for the writer), foreign keys on, a busy wait of 10 s for another process's write. Connections are pooled: a
thread takes one for a transaction and gives it back (a Streamlit session's thread may end at any time, so no
connection belongs to a thread); writes go one at a time in the process (a lock per file) and across processes
(BEGIN IMMEDIATE takes the file's write lock before the first read)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from rooms.sql import Query, SQLStore

BUSY_MS = 10_000
KEEP_IDLE = 8  # connections kept open between transactions
_write_locks: dict[str, threading.Lock] = {}  # one per file in this process, shared by every store on it
_write_locks_lock = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    with _write_locks_lock:
        return _write_locks.setdefault(os.path.realpath(path), threading.Lock())


class SQLiteStore(SQLStore):
    def __init__(self, path: str | os.PathLike):
        super().__init__()
        self.path = Path(path)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()  # guards _idle and _closed
        self._closed = False
        self._writing = _write_lock(self.path)

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL's own choice: a power cut may lose the last commits only
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise RuntimeError("The class store is closed.")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
        try:
            yield conn
        finally:
            if conn.in_transaction:  # only after an error inside a transaction's own rollback
                conn.close()
                conn = None
            with self._lock:
                if conn is not None and not self._closed and len(self._idle) < KEEP_IDLE:
                    self._idle.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator[Query]:
        with self._connection() as conn, self._writing if write else contextlib.nullcontext():
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield lambda sql, *params: conn.execute(sql, params)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._closed, idle, self._idle = True, self._idle, []
        for conn in idle:
            conn.close()
