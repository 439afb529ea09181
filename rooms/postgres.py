"""The class store in PostgreSQL (LLL_DATABASE_URL=postgresql://user@host/database): psycopg 3 connections from a
pool (psycopg_pool), each method one transaction at READ COMMITTED. A write of a room first locks the room's row
(SELECT ... FOR NO KEY UPDATE: the foreign-key checks of the students who join meanwhile are not held up), so the
writes of one room, from any thread of any process, happen one after the other; see rooms/sql.py."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rooms.sql import Query, SQLStore

SCHEMA_LOCK = 0x4C4C4C  # the advisory lock two processes creating the tables at once take in turn ("LLL")


class PostgresStore(SQLStore):
    ROW_LOCK = " FOR NO KEY UPDATE"

    def __init__(self, url: str, *, max_size: int = 10, timeout: float = 10.0):
        """``max_size`` connections at most (below the server's max_connections for every process of the app);
        a method waits ``timeout`` seconds for one, then raises psycopg_pool.PoolTimeout."""
        from psycopg.conninfo import conninfo_to_dict
        from psycopg_pool import ConnectionPool

        super().__init__()
        info = conninfo_to_dict(url)  # a malformed address fails here, with psycopg's message
        self._shown = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            timeout=timeout,
            check=ConnectionPool.check_connection,  # a connection the server dropped is replaced, not handed out
            name="lll-class-store",
            open=True,
        )

    def __repr__(self) -> str:
        return f"PostgresStore({self._shown!r})"  # never the whole address: it may hold a password

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator[Query]:
        with self.pool.connection() as conn, conn.transaction():
            yield lambda sql, *params: conn.execute(sql.replace("?", "%s"), params)

    def _schema_lock(self, q: Query) -> None:
        q(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")

    def close(self) -> None:
        self.pool.close()
