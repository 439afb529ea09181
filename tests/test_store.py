"""The class store (rooms/): every test that uses a store runs on both backends, SQLite in a fresh file and
PostgreSQL in a fresh database (tests/postgres.py: LLL_TEST_POSTGRES_URL's server or a throw-away cluster of the test
process; without PostgreSQL those cases skip, unless LLL_REQUIRE_POSTGRES=1 as in .ci/run)."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest

from rooms import NotTeacher, Refused, Round, open_store
from rooms import store as store_module
from rooms.postgres import PostgresStore
from rooms.sqlite import SQLiteStore

pytestmark = pytest.mark.xdist_group("store")  # one worker: the run's PostgreSQL cluster is started once

SPEC = {"allowed": {"learning rate": [0.001, 1.0], "momentum": [0.0, 0.99]}, "title": "Round one"}
GOOD = {"learning rate": 0.1, "momentum": 0.9}


def class_of(store, *students: str, **spec) -> tuple[str, str]:
    """A room whose round 1 is SPEC (and ``spec``), the students joined (nicknames: their ids in capitals)."""
    code, secret = store.open_room({**SPEC, **spec})
    for s in students:
        store.join(code, s, s.upper())
    return code, secret


def refused(message: str):
    return pytest.raises(Refused, match="^" + re.escape(message) + "$")


def test_a_room_has_a_short_code_and_a_long_secret_stored_as_its_hash(store):
    code, secret = store.open_room(SPEC)
    assert len(code) == 6 and set(code) <= set(store_module.ALPHABET) and not set(code) & set("0O1IL")
    assert len(secret) * 6 >= 128  # URL-safe base64: 6 bits a character
    assert store.is_teacher(code, secret)
    with store._tx(False) as q:
        assert q("SELECT secret_hash FROM rooms").fetchall() == [(hashlib.sha256(secret.encode()).hexdigest(),)]
    assert store.round(code) == Round(code, 1, SPEC, False, False, store.round(code).created)
    other, other_secret = store.open_room(SPEC)
    assert other != code and other_secret != secret


def test_a_code_already_taken_is_drawn_again(store):
    store._new_code = iter(["AAAAAA", "AAAAAA", "AAAAAA", "BBBBBB"]).__next__
    assert store.open_room(SPEC)[0] == "AAAAAA"
    code, secret = store.open_room(SPEC)
    assert code == "BBBBBB" and store.is_teacher("BBBBBB", secret) and not store.is_teacher("AAAAAA", secret)


def test_only_the_rooms_secret_makes_a_teacher(store):
    code, secret = store.open_room(SPEC)
    other, other_secret = store.open_room(SPEC)
    assert store.is_teacher(code, secret) and store.is_teacher(f" {code.lower()} ", secret)  # as typed
    for wrong in (other_secret, secret[:-1], secret + "x", "", None, 12):
        assert not store.is_teacher(code, wrong)
    assert not store.is_teacher("ZZZZZZ", secret) and not store.is_teacher(None, secret)


def test_teacher_operations_without_the_secret_change_nothing(store):
    code, secret = class_of(store, "ann")
    _, other_secret = store.open_room(SPEC)
    store.submit(code, "ann", GOOD, now=10)
    before = (store.round(code), store.submissions(code), store.counts(code))
    operations = [
        lambda s: store.set_locked(code, s, True),
        lambda s: store.set_revealed(code, s, True),
        lambda s: store.clear(code, s),
        lambda s: store.next_round(code, s, SPEC),
    ]
    for operation in operations:
        for wrong in (other_secret, "x", None):
            with pytest.raises(NotTeacher, match="^Only the teacher's screen can do that.$"):
                operation(wrong)
    with refused("There is no class with the code ZZZZZZ."):
        store.set_locked("ZZZZZZ", secret, True)
    assert (store.round(code), store.submissions(code), store.counts(code)) == before


def test_the_teacher_locks_and_reveals_the_round(store):
    code, secret = class_of(store, "ann")
    store.set_revealed(code, secret, True)
    store.set_locked(code, secret, True)
    r = store.round(code)
    assert (r.locked, r.revealed) == (True, True)
    with refused("This round is locked: submissions are closed."):
        store.submit(code, "ann", GOOD, now=10)
    assert store.counts(code) == (1, 0)
    store.set_locked(code, secret, False)
    assert store.submit(code, "ann", GOOD, now=11).count == 1
    assert (store.round(code).locked, store.round(code).revealed) == (False, True)


def test_values_in_range_are_stored_ends_included(store):
    code, _ = class_of(store, "ann", "bob", "cy")
    s = store.submit(code, "ann", {"learning rate": 0.001, "momentum": 0.99}, now=5)
    assert (s.room, s.round, s.student, s.nickname, s.submitted, s.count) == (code, 1, "ann", "ANN", 5.0, 1)
    store.submit(code, "bob", {"learning rate": 1, "momentum": 0}, now=4)
    store.submit(code.lower(), "cy", {"momentum": 0.5, "learning rate": 0.25}, now=5)
    got = store.submissions(code)
    assert [x.student for x in got] == ["bob", "ann", "cy"]  # by first submission, then student
    assert [x.values for x in got] == [
        {"learning rate": 1.0, "momentum": 0.0},
        {"learning rate": 0.001, "momentum": 0.99},
        {"learning rate": 0.25, "momentum": 0.5},
    ]
    assert all(type(v) is float for x in got for v in x.values.values())
    assert got[1] == s and store.counts(code) == (3, 3)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"learning rate": 0.1}, "The momentum is missing: send a number for each of: learning rate, momentum."),
        ({**GOOD, "beta": 1}, "This round does not ask for beta: send learning rate, momentum."),
        ({**GOOD, "momentum": math.nan}, "The momentum must be an ordinary number, not infinite or NaN."),
        ({**GOOD, "momentum": math.inf}, "The momentum must be an ordinary number, not infinite or NaN."),
        ({**GOOD, "learning rate": -math.inf}, "The learning rate must be an ordinary number, not infinite or NaN."),
        ({**GOOD, "momentum": True}, "The momentum must be a number."),
        ({**GOOD, "momentum": "0.5"}, "The momentum must be a number."),
        ({**GOOD, "momentum": None}, "The momentum must be a number."),
        ({**GOOD, "learning rate": 0.0009}, "The learning rate must be between 0.001 and 1; 0.0009 is outside."),
        ({**GOOD, "momentum": 1.5}, "The momentum must be between 0 and 0.99; 1.5 is outside."),
        ({**GOOD, "momentum": -0.01}, "The momentum must be between 0 and 0.99; -0.01 is outside."),
        ([0.1, 0.9], "Send a number for each of: learning rate, momentum."),
    ],
)
def test_values_refused_in_plain_words_store_nothing(store, values, message):
    code, _ = class_of(store, "ann")
    with refused(message):
        store.submit(code, "ann", values, now=10)
    assert store.submissions(code) == [] and store.counts(code) == (1, 0)


def test_an_unknown_room_or_a_student_who_has_not_joined_is_refused(store):
    code, _ = class_of(store, "ann")
    with refused("There is no class with the code ABC123."):
        store.submit("ABC123", "ann", GOOD)
    with refused("There is no class with the code " + "X" * 12 + "."):
        store.submit("X" * 40, "ann", GOOD)
    with refused("You have not joined this class yet: open the class link again."):
        store.submit(code, "bob", GOOD)
    with refused("This link does not name a student: open the class link again."):
        store.submit(code, "no spaces", GOOD)
    assert store.counts(code) == (1, 0)


def test_a_student_submits_at_most_once_a_second(store):
    code, _ = class_of(store, "ann")
    store.submit(code, "ann", GOOD, now=100.0)
    for too_soon in (100.5, 100.99, 99.0):  # a clock gone back counts as too soon
        with refused("Wait a second before submitting again."):
            store.submit(code, "ann", {**GOOD, "momentum": 0.1}, now=too_soon)
    s = store.submit(code, "ann", {**GOOD, "momentum": 0.2}, now=101.0)
    assert (s.count, s.submitted, s.values["momentum"]) == (2, 101.0, 0.2)
    assert store.submissions(code) == [s]


def test_a_new_submission_replaces_the_students_last(store):
    code, _ = class_of(store, "ann", "bob")
    store.submit(code, "ann", GOOD, now=1)
    store.submit(code, "bob", GOOD, now=2)
    s = store.submit(code, "ann", {"learning rate": 0.5, "momentum": 0.0}, now=3)
    (ann, bob) = store.submissions(code)
    assert ann == s and (ann.count, ann.values, ann.submitted) == (2, {"learning rate": 0.5, "momentum": 0.0}, 3.0)
    assert bob.count == 1 and store.counts(code) == (2, 2)
    with store._tx(False) as q:
        assert q("SELECT COUNT(*) FROM submissions WHERE student = ?", "ann").fetchone()[0] == 1


def test_a_full_round_refuses_new_students_but_not_the_ones_in_it(store):
    code, _ = class_of(store, "a", "b", "c", "d", cap=3)
    for i, s in enumerate("abc"):
        store.submit(code, s, GOOD, now=i)
    with refused("This round is full (3 students)."):
        store.submit(code, "d", GOOD, now=10)
    assert store.submit(code, "a", {**GOOD, "momentum": 0.0}, now=10).count == 2
    assert store.counts(code) == (4, 3) and store_module.full(1000).args == ("This round is full (1,000 students).",)


def test_joining_checks_the_id_and_the_nickname(store):
    code, _ = store.open_room(SPEC)
    with refused("There is no class with the code nope."):  # as typed
        store.join("nope", "ann", "Ann")
    for bad in ("", "a" * 65, "a b", "ann!", "ä", "../x", None):
        with refused("This link does not name a student: open the class link again."):
            store.join(code, bad, "Ann")
    for bad in ("", "   ", "a" * 25, None):
        with pytest.raises(Refused, match="nickname"):
            store.join(code, "ann", bad)
    for bad in ("A\x00nn", "A\nnn", "Ann\x1b[31m", "\u202eAnn", "A\u2028nn"):
        with refused("A nickname can hold letters, digits, spaces and signs, but no control characters."):
            store.join(code, "ann", bad)
    assert store.counts(code) == (0, 0) and store.nickname(code, "ann") is None
    store.join(code, "a" * 64, "  " + "é" * 24 + "  ")
    store.join(code, "ann_1-X", "<b>Ann</b> 🐍")
    assert store.nickname(code, "a" * 64) == "é" * 24 and store.nickname(code, "ann_1-X") == "<b>Ann</b> 🐍"
    store.join(code, "ann_1-X", "Annie")  # joining again renames
    assert store.nickname(code, "ann_1-X") == "Annie" and store.counts(code) == (2, 0)
    assert store.nickname(code, "ann_1-x") is None and store.nickname("ZZZZZZ", "ann_1-X") is None


def test_the_next_round_keeps_the_students_and_the_last_rounds_submissions(store):
    code, secret = class_of(store, "ann", "bob")
    store.submit(code, "ann", GOOD, now=1)
    store.submit(code, "bob", GOOD, now=2)
    store.set_locked(code, secret, True)
    store.set_revealed(code, secret, True)
    spec2 = {"allowed": {"learning rate": [0.5, 2.0]}, "cap": 1}
    r = store.next_round(code, secret, spec2)
    assert store.round(code) == r and (r.number, r.spec, r.locked, r.revealed) == (2, spec2, False, False)
    assert store.counts(code) == (2, 0) and store.submissions(code) == []
    assert [s.student for s in store.submissions(code, 1)] == ["ann", "bob"]
    with refused("This round does not ask for momentum: send learning rate."):
        store.submit(code, "ann", GOOD, now=3)
    s = store.submit(code, "bob", {"learning rate": 2.0}, now=2.5)  # another round: its own rate limit
    assert (s.round, s.count) == (2, 1) and store.submissions(code, 2) == [s]
    with refused("This round is full (1 student)."):
        store.submit(code, "ann", {"learning rate": 1.0}, now=4)
    assert store.submissions(code, 3) == [] and len(store.submissions(code, 1)) == 2


def test_clear_empties_only_the_current_round(store):
    code, secret = class_of(store, "ann", "bob")
    store.submit(code, "ann", GOOD, now=1)
    store.next_round(code, secret, SPEC)
    store.submit(code, "ann", GOOD, now=2)
    store.submit(code, "bob", GOOD, now=2)
    store.clear(code, secret)
    assert store.submissions(code) == [] and store.counts(code) == (2, 0)
    assert [s.student for s in store.submissions(code, 1)] == ["ann"]
    assert store.submit(code, "ann", GOOD, now=2.5).count == 1  # a fresh start: no count, no rate limit kept


def test_reads_of_an_unknown_room_find_nothing(store):
    assert store.round("ZZZZZZ") is None and store.submissions("ZZZZZZ") == [] and store.counts("ZZZZZZ") == (0, 0)
    assert store.nickname("ZZZZZZ", "ann") is None and store.submissions(None) == []


MALFORMED_SPECS = [
    None,
    {},
    {"allowed": {}},
    {"allowed": {"lr": [1, 0]}},
    {"allowed": {"lr": [0, math.nan]}},
    {"allowed": {"lr": [0, 1, 2]}},
    {"allowed": {"lr": ["0", 1]}},
    {"allowed": {"": [0, 1]}},
    {"allowed": {"lr": [0, 1]}, "cap": 0},
    {"allowed": {"lr": [0, 1]}, "cap": True},
    {"allowed": {"lr": [0, 1]}, "cap": 2.5},
    {"allowed": {"lr": [0, 1]}, "when": object()},
]


def test_a_malformed_spec_is_the_programs_error(store):
    code, secret = store.open_room(SPEC)
    for spec in MALFORMED_SPECS:  # in one test: a database each would be 12 for nothing
        with pytest.raises(ValueError):
            store.open_room(spec)
        with pytest.raises(ValueError):
            store.next_round(code, secret, spec)
    assert store.round(code).number == 1 and store.counts(code) == (0, 0)
    with store._tx(False) as q:
        assert q("SELECT COUNT(*) FROM rooms").fetchone() == (1,)


def test_everything_is_there_after_a_restart(database_url):
    with open_store(database_url) as store:
        code, secret = class_of(store, "ann", "bob")
        store.submit(code, "ann", GOOD, now=1)
        store.next_round(code, secret, {"allowed": {"momentum": [0, 1]}})
        store.submit(code, "bob", {"momentum": 0.5}, now=2)
        store.set_revealed(code, secret, True)
        before = (store.round(code), store.submissions(code, 1), store.submissions(code), store.counts(code))
    with open_store(database_url) as store:
        assert (store.round(code), store.submissions(code, 1), store.submissions(code), store.counts(code)) == before
        assert store.is_teacher(code, secret) and store.nickname(code, "bob") == "BOB"
        store.set_locked(code, secret, True)
        assert store.round(code).locked


def test_a_database_of_a_newer_schema_is_not_touched(database_url):
    with open_store(database_url) as store:
        store.open_room(SPEC)
        with store._tx(True) as q:
            q("UPDATE schema_version SET version = 99")
    with open_store(database_url) as store, pytest.raises(RuntimeError, match="schema version 99"):
        store.round("ZZZZZZ")


def test_open_store_reads_LLL_DATABASE_URL(database_url, monkeypatch):
    monkeypatch.setenv("LLL_DATABASE_URL", database_url)
    with open_store() as store:
        assert type(store) is (PostgresStore if database_url.startswith("postgresql") else SQLiteStore)
        code, secret = store.open_room(SPEC)
        assert store.is_teacher(code, secret)


def test_without_an_address_the_store_is_sqlite_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LLL_DATABASE_URL", raising=False)
    monkeypatch.delenv("LLL_DATA_DIR", raising=False)
    store = open_store()
    assert isinstance(store, SQLiteStore) and store.path == Path(store_module.ROOT) / "data" / "class.sqlite3"
    store.close()  # never used: nothing created
    monkeypatch.setenv("LLL_DATABASE_URL", " ")
    monkeypatch.setenv("LLL_DATA_DIR", str(tmp_path / "class data"))
    with open_store() as store:
        code, secret = store.open_room(SPEC)
    assert (tmp_path / "class data" / "class.sqlite3").is_file()
    with open_store(f"sqlite:///{tmp_path}/class data/class.sqlite3") as store:
        assert store.is_teacher(code, secret)
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///here/x.sqlite3") as store:  # three slashes: a path from the working folder
        store.open_room(SPEC)
    assert (tmp_path / "here" / "x.sqlite3").is_file()


@pytest.mark.parametrize(
    "url", ["mysql://lecturer:hunter2@db/class", "sqlite://", "sqlite:///", "sqlite:///:memory:", "class.db", "http:x"]
)
def test_an_address_the_store_does_not_know_is_a_plain_error(url):
    with pytest.raises(ValueError, match="^The |^A SQLite") as e:
        open_store(url)
    assert "hunter2" not in str(e.value)
