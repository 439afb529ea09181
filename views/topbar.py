"""The bar over every page: the lessons (the presets, and a slideshow through them), the presenter switch and the
export, in sight without opening a sidebar. On a wide screen it sits in the header beside the page links; on a phone
(where Streamlit folds the page links away) it starts with the page links itself.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import streamlit as st

from lab.pages import PAGES, PRESETS
from optim import OPTIMIZERS
from views import lesson, screen
from views.export_panel import export_panel

WIDE = 1100  # px: from this window width the bar fits in the header beside the page links (presenter: WIDE_PRESENTER)
WIDE_PRESENTER = 1500


def css(*, presenter: bool) -> str:
    """Where the bar goes: in the header on a wide screen (out of the page's flow: the chart gains its rows), in the
    page's flow on a narrower one; the page links of the bar only where Streamlit folds its own away (phones)."""
    wide = WIDE_PRESENTER if presenter else WIDE
    return (
        "<style>"
        + (
            f"@media (min-width:{wide}px){{.st-key-topbar{{position:fixed;top:0.55rem;right:4.5rem;z-index:999991;"
            "width:auto!important;background:transparent}}"
            ".st-key-topbar [data-testid=stPopover] button{{min-height:2.25rem}}}}"
            ".st-key-topbar{flex-wrap:wrap;row-gap:0.25rem}"
            ".st-key-topnav{flex-wrap:wrap;gap:0.1rem 0.6rem}"
            "@media (min-width:640px){.st-key-topnav{display:none}}"
            # a phone: below Streamlit's header, and no presenter switch (a phone is not a projector)
            "@media (max-width:639.9px){.block-container{padding-top:3.9rem!important}.st-key-presenter{display:none}}"
        )
        + "</style>"
    )


def _lessons_menu() -> None:
    """The presets by page, each one click away; the slideshow steps through all of them in this order."""
    with st.popover("Lessons", icon=":material/school:", help="Prepared scenes for the lessons, each a link."):
        st.button(
            "Slideshow: every lesson in turn (← →)",
            icon=":material/slideshow:",
            key="slides.start",
            on_click=lesson.start_slideshow,
        )
        for page in PAGES.values():
            names = [k for k, p in PRESETS.items() if p.page == page.name]
            if not names:
                continue
            st.html(f"<b>{html.escape(page.title)}</b>")
            for k in names:
                st.button(PRESETS[k].title, key=f"preset.{k}", on_click=lesson.open_preset, args=(k,), type="tertiary")


SLOTS = "topbar.slots"  # session_state: the bar's containers for the page's menus (class link, export)
APP_KEYS = ("presenter", "preset.", "slides.", "lesson.", "export.", "class.", "screen")  # the bar's own controls


def control_name(key: str) -> str:
    """A control's widget key in words: "momentum.momentum" -> "Momentum (heavy ball) · momentum"."""
    parts = key.split(".")
    if len(parts) > 1 and parts[0] in PAGES:  # the page's prefix ("learning_rate.steps")
        parts = parts[1:]
    words = [p.replace("_", " ") for p in parts]
    for i, p in enumerate(parts[:-1]):  # an optimizer's key names it; what follows is its setting
        if p in OPTIMIZERS:
            words[i] = OPTIMIZERS[p].title
    return " · ".join(words) or key


def class_link(base: str, query: dict[str, str], hide: list[str], presenter: bool) -> str:
    """The page's link as it stands, hiding the chosen controls (``hide=``), in presenter mode or not."""
    q = {k: v for k, v in query.items() if k not in ("hide", "theme")}
    if hide:
        q["hide"] = ",".join(hide)
    if presenter:
        q["theme"] = "presenter"
    return base + ("?" + urlencode(q, safe=",") if q else "")


ROUND_PAGES = ("trajectories", "learning_rate")  # pages whose scene a class round can freeze


def round_link(page: str, base: str) -> str:
    """The Class round page setting up a round of this page's scene as it stands (one racer: see
    links.classroom.one_rule), opened in a new tab for the projector."""
    from links import classroom as cl

    scene = PAGES[page].link.decode(st.query_params.to_dict())[0].scene
    setup = cl.complete(cl.Setup(cl.one_rule(scene, [])))
    root = base.rsplit("/", 1)[0] if page != "trajectories" else base.rstrip("/")
    return f"{root}/{PAGES['classroom'].url_path}?" + urlencode(cl.setup_query(setup), safe=",")


def _class_link_menu(page: str) -> None:
    """ "Copy class link": the page as it stands, with the controls the lecturer chooses hidden from the students."""
    with st.popover("Class link", icon=":material/share:", help="A link to this page for the class"):
        keys = sorted(k for k in screen.control_keys() if not k.startswith(APP_KEYS))
        hide = st.multiselect(
            "Hide these controls", keys, key="class.hide", format_func=control_name, placeholder="None: all shown"
        )
        presenter = st.toggle("Presenter mode", key="class.presenter")
        url = st.context.url or ""
        base = url.split("?", 1)[0]
        st.code(class_link(base, st.query_params.to_dict(), hide, presenter), language=None, wrap_lines=True)
        st.caption("Copy it with the button beside it; students who open it see the page as it is now.")
        if page in ROUND_PAGES:
            st.link_button(
                "Start a class round with this scene",
                round_link(page, base),
                icon=":material/groups:",
                help="Students set the learning rate (and momentum) on their phones; the projector shows every run.",
            )


def shown(url_path: str) -> bool:
    """The bar is drawn, unless for a student of a class round: a phone there shows the task alone (and its server
    builds no lessons menu for each of a class's first visits)."""
    return not (url_path == PAGES["classroom"].url_path and st.session_state.get("link.student"))


def draw(nav: dict) -> None:
    """The bar. The menus drawn from the page (the class link, built from its link, and the export panel, offering
    its charts) get slots here, which the page's run fills (page_menus): a page's control reruns the page alone
    (views/page_run.py), and those menus follow it."""
    with st.container(horizontal=True, key="topnav"):
        for name, page in nav.items():
            st.page_link(page, label=PAGES[name].title, icon=PAGES[name].icon)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="topbar"):
        _lessons_menu()
        class_slot = st.container(width="content")
        st.toggle("Presenter", key="presenter", help="Large text, thick lines and big markers for a projector.")
        st.session_state[SLOTS] = (class_slot, st.container(width="content"))


def page_menus(page: str) -> None:
    """The bar's menus drawn from the page, at the end of each of its runs, into the slots draw made (none without
    the bar: a page drawn alone, as some tests do)."""
    slots = st.session_state.get(SLOTS)
    if not slots:
        return
    class_slot, export_slot = slots
    with class_slot:
        _class_link_menu(page)
    with export_slot:
        export_panel(page)
