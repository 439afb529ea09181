"""A student's page of a class round, phone first: the round's task, the student's own run on the map (it stays
in view while the sliders scroll under it), the allowed sliders, Submit, a nickname, and after the reveal the
student's place and the best setting.

Every value is checked again by the store against the round's ranges; a refusal is shown in plain words and
nothing is stored. The round's state (locked, revealed, the next round) is read every few seconds by a small
fragment, so a phone that waits sees the reveal without reloading.
"""

from __future__ import annotations

import hashlib
import logging

import numpy as np
import streamlit as st

from charts import classroom as cc
from links import classroom as cl
from links.slider_values import nearest, options
from rooms.store import Refused, unreachable
from scenes import class_round as cr
from scenes.text import num, plain
from views import screen
from views.common import chart, chart_config, fitted, map_size, outcomes
from views.widgets import value_slider

CHART_CONFIG = chart_config("class-round-mine")
NICK = "classroom.joined"  # session_state: (room, student, nickname) once joined
STATUS_EVERY = 5.0  # s: how often a waiting phone asks whether the round moved on
STUDENT_CSS = "<style>.st-key-topbar,.st-key-topnav,[data-testid=stHeader] nav{display:none}</style>"  # the task alone
ANIMALS = ("Otter", "Heron", "Lynx", "Badger", "Falcon", "Gecko", "Panda", "Koala", "Ibis", "Marten", "Orca", "Puffin")


def default_nickname(me: str) -> str:
    """ "Otter 17": a friendly name from the student's id (the same on every reload)."""
    h = int(hashlib.sha256(me.encode()).hexdigest(), 16)
    return f"{ANIMALS[h % len(ANIMALS)]} {h // len(ANIMALS) % 90 + 10}"


def _middle(name: str, lo: float, hi: float) -> float:
    """Where a slider starts: the middle of its range (on a log scale for a learning rate), at a nice value."""
    if name == "learning_rate" and lo > 0:
        return nearest(options(lo, hi, True, lo), float(np.sqrt(lo * hi)), True)
    return nearest(options(lo, hi, False, lo), (lo + hi) / 2, False)


def student_view(db, state: cl.State, work: cc.Work, theme) -> None:
    rnd = db.round(state.room)
    if rnd is None:
        st.error(f"There is no class with the code {state.room}. Check the code on the projector.")
        return
    joined = st.session_state.get(NICK)  # (room, student, nickname) once this session has joined
    if not joined or joined[:2] != (state.room, state.me):
        try:
            name = db.nickname(state.room, state.me)
            if name is None:  # a reload keeps the student's name: only a new student joins
                name = default_nickname(state.me)
                db.join(state.room, state.me, name)
        except Refused as e:
            st.error(str(e))
            return
        st.session_state[NICK] = (state.room, state.me, name)
    setup = cl.setup_of(rnd.spec)
    st.html(STUDENT_CSS)
    st.markdown(f"#### Class {state.room} · round {rnd.number}")
    st.caption(plain(setup.text))
    narrow = screen.current().narrow
    mine = st.container(key="sticky-chart") if narrow else None
    if mine is None:
        left, side = st.columns([1.6, 1.0], gap="medium")
        mine = left
    else:
        side = st.container()
    with side:
        values = {}
        for name, lo, hi in setup.allowed:
            values[name] = value_slider(
                cl.hyper_title(setup.rule, name),
                lo,
                hi,
                name == "learning_rate",
                _middle(name, lo, hi),
                key=f"classroom.r{rnd.number}.{name}",
            )
        submit = st.button("Submit", type="primary", icon=":material/send:", key="classroom.submit", width="stretch")
        if submit:
            try:
                db.submit(state.room, state.me, values)
                st.session_state["classroom.sent"] = (rnd.number, values)
            except Refused as e:
                st.warning(str(e))
        sent = st.session_state.get("classroom.sent")
        if sent and sent[0] == rnd.number:
            said = ", ".join(f"{cl.SHORT_NAMES.get(k, k)} {num(v)}" for k, v in sent[1].items())
            st.success(f"Submitted: {said}. A new submission replaces it.")
        nickname_box(db, state, st.session_state[NICK][2])
        status(db, state, rnd.number)
    with mine:
        side_px, width = fitted(part=0.6, reserve=260)
        result = work.compute(cc.student_scene(setup, values))
        fit = map_size(min(side_px, 520), width) | {"legend_rows": 1}
        chart(  # a Submit or a new nickname reruns the page: the same run's figure is not built or sent again
            lambda: cc.preview(setup, values, theme, work, fit=fit),
            key="classroom.mine",
            config=CHART_CONFIG,
            memo=(setup, tuple(sorted(values.items())), tuple(sorted(fit.items())), theme.name),
            shared=True,  # a class opens the round at the same values: one figure built for all of them
        )
        outcomes(result, header=False)


def nickname_box(db, state: cl.State, name: str) -> None:
    """The nickname: stored when changed (the session remembers it, so a run reads no name from the store)."""
    new = st.text_input("Your nickname (shown on the leaderboard)", value=name, max_chars=24, key="classroom.nick")
    if new.strip() and new.strip() != name:
        try:
            db.join(state.room, state.me, new.strip())
            st.session_state[NICK] = (state.room, state.me, new.strip())
        except Refused as e:
            st.warning(str(e))


@st.fragment(run_every=STATUS_EVERY)
def status(db, state: cl.State, number: int) -> None:
    """The round as the projector has it: locked, revealed (then this student's place), or moved on."""
    try:
        status_view(db, state, number)
    except unreachable():  # the page's next run says it in plain words; a timed status says nothing
        logging.getLogger("loss-landscape-lab").exception("the class store failed")


def status_view(db, state: cl.State, number: int) -> None:
    rnd = db.round(state.room)
    if rnd is None:
        return
    if rnd.number != number:  # the teacher started the next round: the page redraws with its sliders
        st.rerun(scope="app")
    if rnd.locked:
        st.info("Submissions are closed for now.")
    if not rnd.revealed:
        return
    subs = db.submissions(state.room)
    mine = [i for i, s in enumerate(subs) if s.student == state.me]
    if not subs:
        return
    setup = cl.setup_of(rnd.spec)
    flat = tuple(float(s.values[n]) for s in subs for n in setup.names)
    ranked = cr.standings(setup.scene, setup.goal, setup.names, np.asarray(flat).reshape(-1, len(setup.names)))
    best = subs[int(ranked.order[0])]
    said = ", ".join(f"{cl.SHORT_NAMES.get(k, k)} {num(v)}" for k, v in best.values.items())
    text = f"The best: {best.nickname}, {said} ({ranked.result_text(int(ranked.order[0]))})."
    if mine:
        text = f"You are number {ranked.rank(mine[0])} of {len(subs)}: {ranked.result_text(mine[0])}. " + text
    st.info(text)
