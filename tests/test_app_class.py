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


def test_a_nickname_with_control_characters_is_refused_in_plain_words(room):
    db, code, _ = room
    at = open_link("classroom", {"room": code})
    me = at.session_state["classroom.link"]["me"]
    before = db.nickname(code, me)
    at.text_input(key="classroom.nick").input("bad\x07name").run()
    assert "no control characters" in _texts(at) and db.nickname(code, me) == before
    assert not at.exception


def test_the_next_round_reaches_the_students_and_keeps_the_last_one(room):
    db, code, secret = room
    student = open_link("classroom", {"room": code})
    student.button(key="classroom.submit").click().run()
    teacher = open_link("classroom", {"room": code, "key": secret})
    teacher.selectbox(key="classroom.next.surface").set_value("himmelblau")
    teacher.selectbox(key="classroom.next.rule").set_value("adam").run()
    teacher.button(key="classroom.next_go").click().run()
    assert not teacher.exception, teacher.exception
    rnd = db.round(code)
    assert rnd.number == 2 and cl.setup_of(rnd.spec).rule == "adam"
    assert len(db.submissions(code, 1)) == 1 and db.submissions(code) == []  # round 1 kept, round 2 empty
    student.run()  # the phone's next run (its status fragment reruns the page when the round moves on)
    assert "round 2" in _texts(student) and "Adam" in _texts(student)
    assert {s.key for s in student.select_slider} == {"classroom.r2.learning_rate", "classroom.r2.b1"}


def test_the_round_s_csv_ranks_the_submissions_and_defuses_formulas(room):
    from charts import classroom as cc
    from scenes import class_round as cr

    db, code, _ = room
    for i, (name, lr) in enumerate((("=HYPERLINK(1)", 0.05), ("Heron 12", 0.2), ("Ibis 30", 0.9))):
        db.join(code, f"student{i:03d}", name)
        db.submit(code, f"student{i:03d}", {"learning_rate": lr, "momentum": 0.3})
    setup = cl.setup_of(db.round(code).spec)
    subs = db.submissions(code)
    ranked = cr.standings(setup.scene, setup.goal, setup.names, [[s.values[n] for n in setup.names] for s in subs])
    rows = [line.split(",") for line in cc.round_csv(setup, ranked, subs).strip().splitlines()]
    assert rows[0][:4] == ["rank", "nickname", "learning_rate", "momentum"]
    assert [r[1] for r in rows[1:]] == ["Heron 12", "'=HYPERLINK(1)", "Ibis 30"]  # 0.2 fastest; 0.9 diverges
    assert rows[3][4] == "diverged" and rows[1][4].startswith("reached it in")


def test_a_database_out_of_reach_is_said_in_plain_words(monkeypatch):
    import streamlit as st

    st.cache_resource.clear()  # the page's store is opened anew, at an address where nothing answers
    monkeypatch.setenv("LLL_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    try:
        at = open_link("classroom", {"room": "K7PQ2M"})
        assert "database cannot be reached" in _texts(at) and not at.exception
        assert "Traceback" not in _texts(at) and "psycopg" not in _texts(at)
    finally:
        st.cache_resource.clear()


def _round_link(at) -> str:
    (button,) = [e for e in at.get("link_button") if e.proto.label == "Start a class round with this scene"]
    return button.proto.url


def test_trajectories_and_learning_rate_start_a_round_of_their_scene():
    from urllib.parse import parse_qsl, urlsplit

    race = open_link("trajectories", {"surface": "himmelblau", "opt": "gd,nesterov,adam", "steps": "300"})
    url = urlsplit(_round_link(race))
    assert url.path == "/class"
    q = dict(parse_qsl(url.query))
    assert (q["surface"], q["opt"], q["steps"]) == ("himmelblau", "nesterov", "300")  # the first racer with a β
    setup = open_link("classroom", q)
    assert setup.selectbox(key="classroom.setup.rule").value == "nesterov"
    assert setup.slider(key="classroom.setup.steps").value == 300
    sweep = open_link("learning_rate", {"surface": "rosenbrock"})
    assert dict(parse_qsl(urlsplit(_round_link(sweep)).query)) == {"surface": "rosenbrock", "opt": "gd"}


def test_the_join_link_names_the_configured_public_address(room, monkeypatch):
    _, code, secret = room
    monkeypatch.setenv("LLL_PUBLIC_URL", "https://lab.example.edu/")
    at = open_link("classroom", {"room": code, "key": secret})
    assert f"https://lab.example.edu/class?room={code}" in _texts(at)
    (qr,) = at.get("image")
    import segno

    link = f"https://lab.example.edu/class?room={code}"
    assert qr.proto.imgs[0].url == segno.make(link, error="m").svg_data_uri(scale=6, border=2)  # its QR code


def test_a_formula_s_round_is_told_as_written():
    at = open_link("classroom", {"surface": "custom", "f": "x*y + y*x + x^2", "domain": "-2,2,-2,2"})
    captions = " ".join(c.value for c in at.caption)
    assert r"x\*y + y\*x" in captions  # escaped: Markdown shows it as written, not in italics
    assert not at.exception


def test_students_at_the_same_values_share_one_built_preview(room, monkeypatch):
    from views import shared_figures

    _, code, _ = room
    monkeypatch.setattr(shared_figures, "_kept", type(shared_figures._kept)())
    first, second = (open_link("classroom", {"room": code}) for _ in range(2))
    ours = [k for k in shared_figures.keys() if k[0] == "classroom.mine"]
    assert len(ours) == 1  # one figure for both students' first visits
    a, b = (at.session_state["chart.memo"]["classroom.mine"] for at in (first, second))
    assert a[2] is b[2] and a[1] is b[1]  # the very figure and text: built and serialised once
