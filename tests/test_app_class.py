"""The Class round page in AppTest: setting a round up, the teacher's screen (only with its key), a student joining,
submitting and being refused in plain words; the class store behind it is the tests' own folder (tests/conftest.py)."""

from __future__ import annotations

import pytest
from pages import open_link

from links import classroom as cl
from rooms.store import open_store

pytestmark = pytest.mark.xdist_group("class_round")


@pytest.fixture
def room():
    db = open_store()
    code, secret = db.open_room(cl.complete(cl.Setup()).spec())
    yield db, code, secret
    db.close()


def _texts(at) -> str:
    return " ".join(
        str(e.value) for kind in (at.markdown, at.caption, at.error, at.warning, at.success, at.info) for e in kind
    )


def test_starting_a_round_opens_the_teacher_s_screen_with_a_code():
    at = open_link("classroom", {"surface": "quadratic"})
    assert at.selectbox(key="classroom.setup.rule").value == "momentum"
    at.button(key="classroom.start").click().run()
    assert not at.exception, at.exception
    link = at.session_state["classroom.link"]
    assert set(link) == {"room", "key"} and len(link["key"]) >= 32  # 24 random bytes: 192 bits
    assert open_store().is_teacher(link["room"], link["key"])
    assert link["room"] in _texts(at) and "0</b> joined" in _texts(at)
    assert at.button(key="classroom.lock") is not None


def test_a_round_keeps_the_ranges_and_the_goal_it_was_set_up_with():
    at = open_link("classroom", {"surface": "quadratic", "range.learning_rate": "0.01,0.5", "goal": "lowest"})
    assert at.select_slider(key="classroom.setup.range.quadratic.momentum.learning_rate").value == (0.01, 0.5)
    at.toggle(key="classroom.setup.both").set_value(False).run()
    at.button(key="classroom.start").click().run()
    rnd = open_store().round(at.session_state["classroom.link"]["room"])
    assert rnd.spec["allowed"] == {"learning_rate": [0.01, 0.5]} and rnd.spec["goal"] == "lowest"
    student = open_link("classroom", {"room": rnd.room})
    (slider,) = student.select_slider
    assert 0.01 <= slider.value <= 0.5 and slider.value == 0.08  # the range's middle on a log scale, a nice value


def test_the_teacher_s_screen_needs_its_key(room):
    db, code, secret = room
    at = open_link("classroom", {"room": code, "key": "x" * 32})
    assert "does not run this class" in _texts(at)
    assert not [b for b in at.button if b.key == "classroom.lock"]
    ok = open_link("classroom", {"room": code, "key": secret})
    assert [b for b in ok.button if b.key == "classroom.lock"]
    ok.button(key="classroom.lock").click().run()
    assert db.round(code).locked


def test_a_student_joins_submits_and_is_told_when_the_round_is_locked(room):
    db, code, secret = room
    at = open_link("classroom", {"room": code})
    me = at.session_state["classroom.link"]["me"]
    assert cl.TOKEN.fullmatch(me) and db.nickname(code, me)  # joined under a friendly default name
    assert not [b for b in at.button if b.key == "classroom.lock"]  # no teacher's control without the key
    at.button(key="classroom.submit").click().run()
    assert not at.exception, at.exception
    (sub,) = db.submissions(code)
    assert sub.student == me and set(sub.values) == {"learning_rate", "momentum"}
    assert "Submitted" in _texts(at)
    db.set_locked(code, secret, True)
    at.button(key="classroom.submit").click().run()
    assert "locked" in _texts(at).lower() and db.submissions(code)[0].count == 1


def test_a_hostile_nickname_stays_text_and_the_leaderboard_shows_it_after_the_reveal(room):
    db, code, secret = room
    at = open_link("classroom", {"room": code})
    at.text_input(key="classroom.nick").input("<script>alert(1)").run()
    me = at.session_state["classroom.link"]["me"]
    assert db.nickname(code, me) == "<script>alert(1)"
    at.button(key="classroom.submit").click().run()
    db.set_revealed(code, secret, True)
    teacher = open_link("classroom", {"room": code, "key": secret})
    (table,) = teacher.dataframe
    assert table.value["nickname"].tolist() == ["<script>alert(1)"]  # a cell's text, never HTML
    assert "<script>" not in " ".join(str(m.value) for m in teacher.markdown)


def test_an_unknown_room_says_so():
    at = open_link("classroom", {"room": "ZZZZZZ"})
    assert "no class with the code ZZZZZZ" in _texts(at)
