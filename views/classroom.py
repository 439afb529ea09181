"""Class round: a class takes part. The lecturer sets a round up (a frozen scene, what students set, the goal) and
shows the projector's view: the join code, a QR code and the short link, every run on the map as it comes in, every
setting on the phase diagram, the rates against 2/L and, once revealed, the leaderboard. Students open the link on
their phones: the allowed sliders, their own run, Submit. Rooms, rounds and submissions are kept in the class store
(rooms/store.py: SQLite by default, PostgreSQL when configured), so a restart loses nothing.

Who is looking is the link's: ``room`` and ``key`` (the teacher's secret), or ``room`` and ``me`` (a student's id,
made on the first visit and kept in the link), or neither (setting up a round).
"""

from __future__ import annotations

import functools
import html
import logging
import os
import secrets
from dataclasses import replace

import numpy as np
import segno
import streamlit as st

from charts import classroom as cc
from charts import scene as scene_charts
from links import classroom as cl
from links.classroom import Setup
from links.slider_values import log_grid
from optim import OPTIMIZERS
from rooms.store import Refused, open_store, unreachable
from scenes import STEP_RANGE, Result, RunSpec, compute
from scenes import class_round as cr
from scenes.scene import CUSTOM
from scenes.text import num, plain
from surfaces import SURFACES
from views import address_bar, screen
from views.classroom_student import student_view
from views.common import CHART_SHARE, cached_compute, cached_phase, chart, chart_config, fitted, map_size
from views.page_run import page_run
from viz import THEMES

CHART_CONFIG = chart_config("class-round")
STORE_DOWN = (
    "The class's database cannot be reached, so no round can be shown or submitted right now. "
    "The server's keeper can check LLL_DATABASE_URL (or the data folder) and the server's log."
)
LINK = "classroom.link"  # session_state: the room, key and student id this session is (from its link)
PROJECTOR_COLUMNS = (0.85, 3.4)  # the code, QR code and buttons; the live charts
MAP_PART = PROJECTOR_COLUMNS[1] / sum(PROJECTOR_COLUMNS) / CHART_SHARE / 2  # the map: half the live column
QR_PX = 190  # a phone reads it from the back of a room on a projector
REFRESH = 1.0  # s: the projector's view reads the store this often
TEACHER_CSS = (  # the join code big enough to read from the back of the room; it scales with presenter mode (rem)
    "<style>.lll-code{font-size:3.1rem;font-weight:800;letter-spacing:0.2rem;line-height:1.05;white-space:nowrap}"
    ".lll-join{font-size:0.95rem;word-break:break-all;margin-bottom:0.4rem}"
    ".lll-counts{font-size:1.35rem;line-height:1.4}</style>"
)


@st.cache_resource(show_spinner=False)
def store():
    """The class store, one per server process (its connections are its own)."""
    return open_store()


@st.cache_data(max_entries=64, show_spinner=False)
def cached_standings(scene, goal, names, values: tuple) -> cr.Standings:
    return cr.standings(scene, goal, names, np.asarray(values, np.float64).reshape(-1, len(names)))


@st.cache_data(max_entries=64, show_spinner=False)
def cached_preview(scene) -> Result:
    """A student's own run, in a cache of its own: a class's hundreds of settings do not evict the lecturer's races
    from the pages' shared cache (512 entries), and 64 of them at most are kept (each holds its landscape)."""
    return compute(scene)


WORK = cc.Work(cached_compute, cached_phase, lambda scene, goal, names, v: cached_standings(scene, goal, names, v))
STUDENT_WORK = replace(WORK, compute=cached_preview)


def theme():
    return THEMES["presenter" if st.session_state.get("presenter") else "normal"]


def public_base() -> str:
    """The address students open: the configured public one (LLL_PUBLIC_URL), else this page's own."""
    if configured := os.environ.get("LLL_PUBLIC_URL"):
        return configured.rstrip("/") + "/class"
    url = (st.context.url or "").split("?", 1)[0]
    return url or "/class"


# -- setting a round up -------------------------------------------------------------------------------------------
def surface_title(key: str) -> str:
    return "your formula" if key == CUSTOM else SURFACES[key].title


def setup_controls(setup: Setup, key: str) -> Setup:
    """The round's surface, rule, steps, what students set and the goal (the start, the seed and the ranges stay as
    the link froze them while the surface and the rule do). The controls start at ``setup`` (links.classroom
    .widget_values) the first time they are drawn under ``key``."""
    if f"{key}.rule" not in st.session_state:
        st.session_state.update(cl.widget_values(cl.State(setup=setup), key))
    rules = cr.round_rules()
    surfaces = [*SURFACES, *([CUSTOM] if setup.scene.surface == CUSTOM else [])]  # a formula from the link stays
    surface = st.selectbox("Surface", surfaces, key=f"{key}.surface", format_func=surface_title)
    rule = st.selectbox("Optimizer", rules, key=f"{key}.rule", format_func=lambda k: OPTIMIZERS[k].title)
    steps = st.slider("Steps", *STEP_RANGE, step=10, key=f"{key}.steps")
    scene = setup.scene if surface == setup.scene.surface else setup.scene.with_surface(surface)
    run = setup.scene.runs[0] if rule == setup.rule else RunSpec.default(rule)
    scene = replace(scene, runs=(run,), steps=int(steps))
    settable = cr.settable(rule)
    both = len(settable) > 1 and st.toggle(f"Students also set {cl.hyper_title(rule, settable[1])}", key=f"{key}.both")
    goal = st.radio("Goal", list(cr.GOALS), format_func=lambda g: cr.GOALS[g], key=f"{key}.goal")
    same = scene.surface == setup.scene.surface and rule == setup.rule
    start = setup if same and len(setup.allowed) == len(settable) else cl.complete(Setup(scene, (), goal))
    allowed = tuple(range_control(key, scene, rule, *a) for a in start.allowed[: 2 if both else 1])
    return cl.complete(Setup(scene, allowed, goal))


def range_control(key: str, scene, rule: str, name: str, lo: float, hi: float) -> tuple[str, float, float]:
    """The range students may set ``name`` in, from ``lo``-``hi`` (the link's, or the scene's default): learning rates
    on a log grid of nice values, a momentum in 0.01s; one control per surface and rule (a new scene starts at its
    own default range)."""
    wkey = cl.range_key(key, scene, rule, name)
    label = f"Range of the {cl.hyper_title(rule, name)}"
    if name == "learning_rate":
        stops = sorted(set(log_grid(*cl.BOUNDS["learning_rate"])) | {lo, hi})
        a, b = st.select_slider(label, options=stops, value=(lo, hi), key=wkey, format_func=num)
    else:
        a, b = st.slider(label, 0.0, cr.PHASE_BETA_MAX, value=(lo, hi), step=0.01, key=wkey)
    if not a < b:  # the two thumbs on one value: the class needs some room
        st.caption("The range is one value: every student submits the same.")
    return name, float(a), float(max(b, a))


def setup_view(state: cl.State) -> None:
    st.markdown("#### Class round: set it up")
    left, right = st.columns([2.2, 1.0], gap="medium")
    with right:
        setup = setup_controls(state.setup, "classroom.setup")
        start = st.button("Start the round", type="primary", icon=":material/play_arrow:", key="classroom.start")
        st.divider()
        join_box()
    with left:
        st.caption(plain(setup.text))  # a formula's title stays itself, never Markdown
        side, width = fitted(part=0.62, reserve=260)
        result = cached_compute(setup.scene)
        chart(
            scene_charts.contour(result, theme(), **map_size(side, width) | {"frames": 0}),
            key="classroom.scene",
            config=CHART_CONFIG,
        )
    address_bar.add(cl.encode(cl.State(setup=setup)))
    if start:
        code, secret = store().open_room(setup.spec())
        st.session_state[LINK] = {"room": code, "key": secret}
        st.rerun(scope="app")


def join_box() -> None:
    code = st.text_input("Join a class: its code", max_chars=8, key="classroom.join", placeholder="K7PQ2M")
    if st.button("Join", key="classroom.join_go") and code:
        if cl.CODE.fullmatch(code.strip().upper()) and store().round(code.strip().upper()) is not None:
            st.session_state[LINK] = {"room": code.strip().upper()}
            st.rerun(scope="app")
        else:
            st.warning("There is no class with that code. Check the code on the projector.")


# -- the teacher's screen -----------------------------------------------------------------------------------------
def qr_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def teacher_view(state: cl.State) -> None:
    db = store()
    rnd = db.round(state.room)
    if rnd is None:
        st.error(f"There is no class with the code {state.room}. It may have been typed wrong.")
        return
    if not db.is_teacher(state.room, state.key):
        st.error("This link's key does not run this class. Students join with the code alone.")
        return
    setup = cl.setup_of(rnd.spec)
    link = f"{public_base()}?room={state.room}"
    side, main = st.columns(PROJECTOR_COLUMNS, gap="medium")
    with side:
        st.markdown(
            f"<div class='lll-code'>{state.room}</div><div class='lll-join'>{html.escape(link)}</div>",
            unsafe_allow_html=True,
        )
        st.image(qr_uri(link), width=QR_PX)
        counts = st.container()
        st.markdown(f"**Round {rnd.number}.** {plain(setup.text)}")
        controls_row(state, rnd)
    with main:
        live(state, counts)
    st.html(TEACHER_CSS)


def controls_row(state: cl.State, rnd) -> None:
    db = store()
    with st.container(horizontal=True, key="classroom.controls", gap="small"):
        try:
            if st.button("Unlock" if rnd.locked else "Lock", icon=":material/lock:", key="classroom.lock"):
                db.set_locked(state.room, state.key, not rnd.locked)
                st.rerun(scope="fragment")
            if st.button(
                "Hide the leaderboard" if rnd.revealed else "Reveal the leaderboard",
                icon=":material/emoji_events:",
                key="classroom.reveal",
            ):
                db.set_revealed(state.room, state.key, not rnd.revealed)
                st.rerun(scope="fragment")
            with st.popover("Clear", icon=":material/delete:"):
                st.write("Delete every submission of this round?")
                if st.button("Yes, clear the round", key="classroom.clear", type="primary"):
                    db.clear(state.room, state.key)
                    st.rerun(scope="fragment")
            with st.popover("Next round", icon=":material/skip_next:"):
                nxt = setup_controls(cl.setup_of(rnd.spec), "classroom.next")
                if st.button("Start the next round", key="classroom.next_go", type="primary"):
                    db.next_round(state.room, state.key, nxt.spec())
                    st.rerun(scope="fragment")
            st.download_button(  # the CSV made at the click (a callable): the submissions as they are then
                "CSV",
                functools.partial(csv_text, state.room),
                file_name=f"class-{state.room}-round-{rnd.number}.csv",
                mime="text/csv",
                icon=":material/download:",
                key="classroom.csv",
                on_click="ignore",
            )
        except Refused as e:
            st.warning(str(e))


def csv_text(code: str) -> str:
    """The round's submissions as CSV (charts.classroom.round_csv), ranked."""
    db = store()
    rnd, subs = db.round(code), db.submissions(code)
    setup = cl.setup_of(rnd.spec)
    return cc.round_csv(setup, standings(setup, subs) if subs else None, subs)


def standings(setup: Setup, subs) -> cr.Standings:
    values = tuple(tuple(float(s.values[n]) for n in setup.names) for s in subs)
    flat = tuple(v for row in values for v in row)
    return WORK.standings(setup.scene, setup.goal, setup.names, flat)


@st.fragment(run_every=REFRESH)
def live(state: cl.State, counts) -> None:
    """What changes while students submit: the counts, the runs, the diagram, the rates and the leaderboard (a
    fragment of its own, rerun every second: a database gone meanwhile is said here too)."""
    try:
        live_view(state, counts)
    except unreachable():
        logging.getLogger("loss-landscape-lab").exception("the class store failed")
        st.error(STORE_DOWN)


def live_view(state: cl.State, counts) -> None:
    db = store()
    rnd = db.round(state.room)
    if rnd is None:
        return
    setup = cl.setup_of(rnd.spec)
    subs = db.submissions(state.room)
    joined, submitted = db.counts(state.room)
    status = "locked" if rnd.locked else "open"
    counts.markdown(
        f"<div class='lll-counts'><b>{joined}</b> joined · <b>{submitted}</b> submitted<br>submissions {status}</div>",
        unsafe_allow_html=True,
    )
    s = (
        standings(setup, subs)
        if subs
        else cr.standings(setup.scene, setup.goal, setup.names, np.zeros((0, len(setup.names))))
    )
    memo = (
        rnd.number,
        tuple((x.student, x.count, x.submitted) for x in subs),  # a cleared round's first submission counts 1 again
        rnd.revealed,
        bool(st.session_state.get("presenter")),
    )
    side, width = fitted(part=MAP_PART, reserve=190)
    fit = map_size(side, width) | {"legend_rows": 2}
    left, right = st.columns(2, gap="medium")
    figs = lambda: cc.round_figures(setup, s, theme(), WORK, fit=fit, reveal=rnd.revealed)  # noqa: E731
    built: dict = {}

    def one(name):
        def build():
            if not built:
                built.update(figs())
            return built[name]

        return build

    with left:  # the runs, and under them the rates (the map is square: the column has room below it)
        chart(one("runs"), key="classroom.runs", config=CHART_CONFIG, memo=memo + (screen.current(),))
        chart(one("rates"), key="classroom.rates", config=CHART_CONFIG, memo=memo)
    with right:  # the phase diagram, and the leaderboard once revealed
        if len(setup.allowed) > 1:
            chart(one("phase"), key="classroom.phase", config=CHART_CONFIG, memo=memo)
        if rnd.revealed and subs:
            leaderboard(setup, s, subs)


def leaderboard(setup: Setup, s: cr.Standings, subs) -> None:
    import pandas as pd

    rows = []
    for place, i in enumerate(s.order[:10], 1):
        sub = subs[int(i)]
        rows.append(
            {
                "#": place,
                "nickname": sub.nickname,
                **{_short(n): num(sub.values[n]) for n in setup.names},
                "result": s.result_text(int(i)),
            }
        )
    st.markdown("##### Leaderboard")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _short(name: str) -> str:
    return {"learning_rate": "η", "momentum": "β", "b1": "β₁"}.get(name, name)


def draw() -> None:
    if (q := address_bar.entry()) is not None:
        state, notices = cl.decode(q)
        address_bar.notice(notices)
        st.session_state[LINK] = cl.encode(state) if state.room else {}
        if state.room is None:
            st.session_state["classroom.setup_link"] = q
    link = st.session_state.get(LINK) or {}
    state, _ = cl.decode(link or st.session_state.get("classroom.setup_link") or {})
    if state.role == "student" and not state.me:
        state = cl.State(room=state.room, me=secrets.token_urlsafe(9))
        st.session_state[LINK] = cl.encode(state)
    if state.role != "setup":
        address_bar.add(cl.encode(state))
    try:
        if state.role == "setup":
            setup_view(state)
        elif state.role == "teacher":
            teacher_view(state)
        else:
            student_view(store(), state, STUDENT_WORK, theme())
    except unreachable():  # a database down or misconfigured: said in plain words, the details in the log
        logging.getLogger("loss-landscape-lab").exception("the class store failed")
        st.error(STORE_DOWN)


page_run("classroom", draw)
