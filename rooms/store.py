"""The class store's interface: rooms (a join code, the teacher's secret), their rounds, the students who joined and
what each submitted in a round. Two backends implement it with the same SQL (rooms/sql.py): SQLite by default
(rooms/sqlite.py, a file under data/, nothing to set up) and PostgreSQL when LLL_DATABASE_URL names one
(rooms/postgres.py). ``open_store`` picks one; the pages hold one store per process.

Every refusal a student or the teacher can meet is a ``Refused`` whose text is a plain sentence for the page; a
malformed spec (the program's own mistake, never a student's) is a ValueError."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import numbers
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a projector and typed on a phone
CODE_LENGTH = 6
RATE_SECONDS = 1.0  # a student's submissions in a round at least this far apart
DEFAULT_CAP = 1000  # students in a round unless the spec says "cap"
NICKNAME_LENGTH = 24
STUDENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# besides the control characters (category Cc): line and paragraph separators, surrogates, and the bidirectional
# overrides and isolates that would turn the rest of a projected list around
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Refused(Exception):
    """What the store will not do, said in plain words for the page (str(e))."""


class NotTeacher(Refused):
    def __init__(self, message: str = "Only the teacher's screen can do that."):
        super().__init__(message)


@dataclass(frozen=True)
class Round:
    room: str  # the room's join code
    number: int  # 1, 2, ...
    spec: dict  # JSON-able, set by the teacher; the store reads only spec["allowed"] and spec.get("cap", 1000)
    locked: bool
    revealed: bool
    created: float  # unix time


@dataclass(frozen=True)
class Submission:
    room: str
    round: int
    student: str  # the student's id (an opaque token from the student's link)
    nickname: str
    values: dict[str, float]
    submitted: float  # unix time of the last submission
    count: int  # how many times this student submitted in this round


class Store:
    """The class store. Every method is safe to call from many threads at once (one Streamlit session a thread) and
    from several processes on the same database; reads of an unknown room answer None, [] or (0, 0)."""

    def open_room(self, spec: dict) -> tuple[str, str]:
        """A new room whose round 1 is ``spec``: (its join code, the teacher's secret). Only the secret's SHA-256 is
        stored: the secret is shown once, to the teacher's screen."""
        raise NotImplementedError

    def is_teacher(self, code: str, secret: str | None) -> bool:
        raise NotImplementedError

    def round(self, code: str) -> Round | None:
        """The room's current round; None when there is no such room."""
        raise NotImplementedError

    def set_locked(self, code: str, secret: str, locked: bool) -> None:
        raise NotImplementedError

    def set_revealed(self, code: str, secret: str, revealed: bool) -> None:
        raise NotImplementedError

    def clear(self, code: str, secret: str) -> None:
        """Deletes the current round's submissions (the earlier rounds keep theirs)."""
        raise NotImplementedError

    def next_round(self, code: str, secret: str, spec: dict) -> Round:
        """A new current round (number + 1), unlocked and unrevealed; the students stay joined."""
        raise NotImplementedError

    def join(self, code: str, student: str, nickname: str) -> None:
        """Records the student in the room, or renames them."""
        raise NotImplementedError

    def nickname(self, code: str, student: str) -> str | None:
        raise NotImplementedError

    def submit(self, code: str, student: str, values: dict[str, float], *, now: float | None = None) -> Submission:
        """Stores the student's values in the current round, replacing theirs if any (count + 1). ``now`` (default:
        the clock when the round is locked for the write) is the submission's time, which the rate limit measures."""
        raise NotImplementedError

    def submissions(self, code: str, number: int | None = None) -> list[Submission]:
        """A round's submissions (the current one by default), by first submission time, then student."""
        raise NotImplementedError

    def counts(self, code: str) -> tuple[int, int]:
        """(students who joined the room, students who submitted in its current round)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def unreachable() -> tuple[type[BaseException], ...]:
    """The errors of a database out of reach or failing (SQLite's, psycopg's and its pool's), as opposed to a
    refusal (``Refused``) or a bug: what a page tells in plain words instead of failing."""
    import sqlite3

    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    try:
        import psycopg

        errors += (psycopg.Error,)  # psycopg_pool.PoolTimeout is one
    except ImportError:
        pass
    return errors


def open_store(url: str | None = None) -> Store:
    """The store at ``url``, by default LLL_DATABASE_URL: empty -> SQLite in $LLL_DATA_DIR (default data/ in the
    project) /class.sqlite3; sqlite:///<path> (sqlite:////<absolute path>) -> SQLite there; postgresql://...
    (or postgres://) -> PostgreSQL. Tables are created on first use."""
    if url is None:
        url = os.environ.get("LLL_DATABASE_URL", "")
    url = url.strip()
    if not url:
        folder = Path(os.environ.get("LLL_DATA_DIR") or ROOT / "data")
        return _sqlite(folder / "class.sqlite3")
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "sqlite":
        if not url.startswith("sqlite:///") or url == "sqlite:///":
            raise ValueError("A SQLite address is sqlite:///<path of the file> (four slashes for an absolute path).")
        path = url.removeprefix("sqlite:///")
        if path == ":memory:" or path.startswith("file:"):
            raise ValueError("The class store needs a SQLite file (sqlite:///<path>), not an in-memory database.")
        return _sqlite(Path(path))
    if scheme in ("postgresql", "postgres"):
        from rooms.postgres import PostgresStore

        return PostgresStore(url)
    said = f"it starts with '{scheme}:'" if scheme else "it has no scheme"  # never echo it: it may hold a password
    raise ValueError(
        f"The database address is not one the class store knows ({said}): leave LLL_DATABASE_URL empty for SQLite "
        "in data/, or give sqlite:///<path> or postgresql://user@host/database."
    )


def _sqlite(path: Path) -> Store:
    from rooms.sqlite import SQLiteStore

    return SQLiteStore(path)


# What the backends share: codes, secrets and every check that reads no database.


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_secret() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(stored_hash: str | None, secret: str | None) -> bool:
    if stored_hash is None or not isinstance(secret, str):
        return False
    return hmac.compare_digest(stored_hash, secret_hash(secret))


def normal_code(code) -> str:
    """A code as stored: what was typed, spaces around it dropped, in capitals."""
    return code.strip().upper() if isinstance(code, str) else ""


def unknown_room(code) -> Refused:
    shown = "".join(c for c in str(code).strip()[:12] if c.isprintable())
    return Refused(f"There is no class with the code {shown}.")


def not_joined() -> Refused:
    return Refused("You have not joined this class yet: open the class link again.")


def check_student(student) -> str:
    if not isinstance(student, str) or not STUDENT_ID.fullmatch(student):
        raise Refused("This link does not name a student: open the class link again.")
    return student


def check_nickname(nickname) -> str:
    if not isinstance(nickname, str):
        raise Refused("Choose a nickname.")
    name = nickname.strip()
    if not 1 <= len(name) <= NICKNAME_LENGTH:
        raise Refused(f"Choose a nickname of 1 to {NICKNAME_LENGTH} characters.")
    if any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in _BIDI for c in name):
        raise Refused("A nickname can hold letters, digits, spaces and signs, but no control characters.")
    return name


def _finite(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def check_spec(spec) -> str:
    """The spec as stored (JSON text), after checking what the store reads in it: ``allowed``, a non-empty
    {name: [lo, hi]} with finite lo <= hi, and ``cap``, a whole number >= 1, if given."""
    if not isinstance(spec, dict):
        raise ValueError("A round's spec is a dict.")
    allowed = spec.get("allowed")
    if not isinstance(allowed, dict) or not allowed:
        raise ValueError('A round\'s spec names its values: "allowed": {name: [lowest, highest]}.')
    for name, bounds in allowed.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"A value's name is a non-empty string, not {name!r}.")
        if not (isinstance(bounds, list | tuple) and len(bounds) == 2 and all(map(_finite, bounds))):
            raise ValueError(f"{name}'s range is [lowest, highest], two finite numbers, not {bounds!r}.")
        if bounds[0] > bounds[1]:
            raise ValueError(f"{name}'s range {bounds!r} is empty.")
    cap = spec.get("cap", DEFAULT_CAP)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise ValueError(f"A round's cap is a whole number of students, at least 1, not {cap!r}.")
    try:
        return json.dumps(spec, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as e:
        raise ValueError(f"A round's spec must be JSON: {e}") from None


def check_values(spec: dict, values) -> dict[str, float]:
    """``values`` as stored: exactly the names of spec["allowed"], each a finite number within its range."""
    allowed = spec["allowed"]
    asked = ", ".join(allowed)
    if not isinstance(values, dict):
        raise Refused(f"Send a number for each of: {asked}.")
    for name in values:
        if name not in allowed:
            shown = "".join(c for c in str(name)[:24] if c.isprintable())
            raise Refused(f"This round does not ask for {shown}: send {asked}.")
    out = {}
    for name, (lo, hi) in allowed.items():
        if name not in values:
            raise Refused(f"The {name} is missing: send a number for each of: {asked}.")
        v = values[name]
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise Refused(f"The {name} must be a number.")
        if not math.isfinite(v):
            raise Refused(f"The {name} must be an ordinary number, not infinite or NaN.")
        if not lo <= v <= hi:
            raise Refused(f"The {name} must be between {lo:g} and {hi:g}; {float(v):g} is outside.")
        out[name] = float(v)
    return out


def full(cap: int) -> Refused:
    return Refused(f"This round is full ({cap:,} student{'s' if cap != 1 else ''}).")


def too_soon() -> Refused:
    return Refused("Wait a second before submitting again.")


def locked_round() -> Refused:
    return Refused("This round is locked: submissions are closed.")
