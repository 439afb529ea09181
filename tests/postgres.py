"""A PostgreSQL server for the class store's tests (tests/test_store.py), and a fresh database on it for each test.

``server()`` yields the address of a server on which the tests may create and drop databases:

- LLL_TEST_POSTGRES_URL when it is set (a URL, postgresql://user@host:port/database): .ci/run starts a throw-away
  cluster for its run and sets it;
- otherwise, when PostgreSQL's programs are on this machine (initdb and pg_ctl on PATH or in Debian's
  /usr/lib/postgresql/<version>/bin), a throw-away cluster of its own for the test process: initdb in a fresh
  temporary folder (its socket there too), trust authentication, listening on 127.0.0.1 on a free port only, fsync
  off; run as the postgres user when the tests run as root (initdb refuses root); stopped and removed afterwards;
- otherwise ``Unavailable``, which the tests turn into a skip, or a failure when LLL_REQUIRE_POSTGRES=1 (.ci/run sets
  it): in CI the PostgreSQL half of the tests cannot silently go missing.

``database(server_url)`` creates a database with a random name on the server, yields its URL and drops it."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


class Unavailable(Exception):
    """No PostgreSQL server for the tests (the message says why and what to do)."""


def skip_or_fail(reason: str):
    if os.environ.get("LLL_REQUIRE_POSTGRES"):
        pytest.fail(f"LLL_REQUIRE_POSTGRES is set and there is no PostgreSQL for the tests: {reason}")
    pytest.skip(reason)


def check(url: str) -> None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=10, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        raise Unavailable(f"cannot connect to the PostgreSQL server at LLL_TEST_POSTGRES_URL: {e}") from None


def programs() -> Path | None:
    """The folder of initdb and pg_ctl: PATH's, else Debian's newest /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("pg_ctl")
    folders = [Path(on_path).resolve().parent] if on_path else []

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name))

    folders += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    return next((f for f in folders if (f / "initdb").is_file() and (f / "pg_ctl").is_file()), None)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster(bin_dir: Path) -> Iterator[str]:
    """A throw-away cluster from ``bin_dir``'s programs; yields the URL of its postgres database."""
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="lll-postgres-"))
    try:
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root, and there is no postgres user to run initdb as") from None
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            as_user = ["runuser", "-u", "postgres", "--"]

        def run(*args: str) -> None:
            done = subprocess.run([*as_user, *args], cwd=folder, capture_output=True, text=True, timeout=120)
            if done.returncode:
                raise Unavailable(f"{Path(args[0]).name} failed: {(done.stdout + done.stderr).strip()[-2000:]}")

        data = folder / "data"
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C")
        port = free_port()
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        pg_ctl = str(bin_dir / "pg_ctl")
        run(pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o", options, "start")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            stop = [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
            subprocess.run(stop, cwd=folder, capture_output=True, timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def server() -> Iterator[str]:
    url = os.environ.get("LLL_TEST_POSTGRES_URL", "").strip()
    if url:
        check(url)
        yield url
        return
    bin_dir = programs()
    if bin_dir is None:
        raise Unavailable(
            "no PostgreSQL: set LLL_TEST_POSTGRES_URL to a server's address, or install PostgreSQL "
            "(apt-get install postgresql) and the tests start a throw-away cluster of their own"
        )
    with cluster(bin_dir) as url:
        check(url)
        yield url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextlib.contextmanager
def database(server_url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = "lll_test_" + secrets.token_hex(6)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
