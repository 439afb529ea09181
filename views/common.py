"""What the pages share beyond widgets: one cache of computed scenes (a race seen on one page is instant on the
other), the Plotly toolbar's settings (its camera button saves PNG at 3x or SVG for lecture notes, as the export panel
says) and the coloured outcome lines."""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import json
import os
import re
from pathlib import Path
from typing import NamedTuple

import streamlit as st

from links import read_section, section_param
from scenes import Result, Scene, compute
from scenes.glossary import CAPTION_WORDS, gloss_line, terms_in, words
from scenes.learning_rate import phase
from scenes.scene import CUSTOM
from scenes.text import plural, point
from views import address_bar, lesson, screen, shared_figures
from views.plot import plot, script_url
from viz import THEMES
from viz.frames import RECIPE, complete
from viz.layout import LEGEND_ROW, as_points, figure_json, legend_rows
from viz.paths import DASH_ARRAYS, dashes


@st.cache_data(max_entries=512, show_spinner=False)
def cached_compute(scene: Scene) -> Result:
    return compute(scene)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_phase(scene: Scene):
    """The (η, β) phase diagram of ``scene`` (the Learning rate page's, and a class round's projector)."""
    return phase(scene)


STATIC = Path(__file__).resolve().parent.parent / "static"  # served at /app/static/ (server.enableStaticServing)
PNG_URI = "data:image/png;base64,"
MAX_PICTURES = 500  # surface pictures kept (one per surface, parameter values and formula seen): the oldest go


def served_image(source: str) -> str:
    """A figure's background picture (a PNG data URI) as a URL of the app's static files: written once under
    static/landscapes/ by its hash, fetched once by each browser, never sent again with a slider's move."""
    data = base64.b64decode(source[len(PNG_URI) :])
    name = hashlib.sha256(data).hexdigest()[:20] + ".png"
    path = STATIC / "landscapes" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: another session never reads half a file
        _prune(path.parent)
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/app/static/landscapes/{name}"


def _prune(folder: Path) -> None:
    pictures = sorted(folder.glob("*.png"), key=lambda p: p.stat().st_mtime)
    for old in pictures[:-MAX_PICTURES]:
        old.unlink(missing_ok=True)


def begin_glosses() -> None:
    """A run starts (app.py): no term glossed yet on the page it draws."""
    st.session_state["gloss.seen"] = set()


def caption(text: str, more: str = "") -> None:
    """A caption of at most CAPTION_WORDS words: the sentences past that go behind its ⓘ with ``more``; then the
    one-line gloss of each technical term it uses that this run of the page has not glossed yet."""
    shown, rest = split_caption(text)
    st.caption(shown, help=" ".join(t for t in (rest, more) if t) or None)
    glosses(text + " " + more)


def split_caption(text: str) -> tuple[str, str]:
    """(what a caption shows, the rest): whole sentences while they fit CAPTION_WORDS words (the first always)."""
    sentences = re.split(r"(?<!et al\.)(?<=[.!?])\s+(?=[A-Z])", text.strip())  # "Cohen et al. (2021)" is one
    shown = sentences[:1]
    for s in sentences[1:]:
        if words(" ".join([*shown, s])) > CAPTION_WORDS:
            break
        shown.append(s)
    return " ".join(shown), " ".join(sentences[len(shown) :])


def glosses(text: str) -> None:
    """One line glossing the technical terms ``text`` uses that the page has not glossed yet in this run."""
    seen = st.session_state.setdefault("gloss.seen", set())
    new = [t for t in terms_in(text) if t not in seen]
    if new:
        seen.update(new)
        st.caption(gloss_line(new))


TOOLBAR_PX = 36  # Plotly's toolbar down a chart's right edge (shown on hover): the page's charts keep it clear


def chart(
    figure, *, key: str, config: dict, theme=None, on_select=None, selection_mode=None, memo=None, shared=False
) -> None:
    """The page's chart ``key`` (views/plot.py: updated in place), and the figure remembered for the page's export
    panel (its key names the file). A surface's picture goes to the page as a URL of the app's static files, and an
    animation's frames stay behind when the figure carries their recipe: the browser builds them
    (views/growing.py; the export keeps the figure whole); where the toolbar shows, the right margin makes room for
    it, so it never covers a legend or a label (files keep theirs). ``on_select``: called when the chart is clicked
    (``selection_mode`` "points", as st.plotly_chart took it; views.plot.clicked reads the points); ``theme``: the
    figure carries its own (None).

    ``memo``: a value that names everything the figure shows (hashable, compared with ==); ``figure`` is then a
    function that builds it. While a session's chart ``key`` shows the same memo (and config), the figure is neither
    built nor serialised again: the page gets the same text, which Streamlit sends as a reference to the message
    it already sent, and the browser has nothing to redraw (a move that changed one of three basin maps builds one).
    ``shared``: the memo names the figure for every session, so sessions showing the same one share its build and its
    text (views/shared_figures.py: a class opening a round's link, 300 first visits, one figure built).
    """
    assert theme is None and selection_mode in (None, "points")
    if memo is not None:
        kept = st.session_state.setdefault("chart.memo", {})
        if (was := kept.get(key)) is not None and was[0] == (memo, config) and script_url() is not None:
            st.session_state.setdefault("export.figures", {})[key] = was[1]
            plot(was[2], key=key, config=config | {"responsive": True}, on_click=on_select)
            return
        common = (key, memo, json.dumps(config, sort_keys=True, default=str)) if shared else None
        hit = shared_figures.get(common) if common else None
        if hit is not None and script_url() is not None:
            kept[key] = ((memo, config), *hit)
            st.session_state.setdefault("export.figures", {})[key] = hit[0]
            plot(hit[1], key=key, config=config | {"responsive": True}, on_click=on_select)
            return
        figure = figure()
    shown = st.session_state.setdefault("export.figures", {})
    shown[key] = figure
    images = [
        im for im in figure.layout.images or () if im.name == "landscape" and str(im.source or "").startswith(PNG_URI)
    ]
    sources = [im.source for im in images]
    right = figure.layout.margin.r
    frames = figure._frame_objs  # plotly.py's own attribute (viz.frames.as_frames sets it too)
    try:
        if frames and RECIPE in (figure.layout.meta or {}):  # the browser builds them (views/growing.py)
            figure._frame_objs = ()
        for im in images:  # swapped for the call only: copying a figure costs more than sending it
            with contextlib.suppress(OSError):  # a folder that cannot be written: the picture travels in the figure
                im.source = served_image(im.source)
        if config.get("displayModeBar", True):  # the toolbar down the right edge: room for it
            figure.layout.margin.r = max(right or 0, TOOLBAR_PX)
        if script_url() is None:  # no static folder to serve plotly.js from: Streamlit's chart, frames and all
            figure._frame_objs = frames
            complete(figure)  # a map grown with its recipe alone gets its frames
            kwargs = {"on_select": on_select, "selection_mode": selection_mode} if on_select else {}
            spec = figure.to_dict()
            spec["data"] = [as_points(t) for t in spec["data"]]  # a click layer as points: what Streamlit reports
            st.plotly_chart(spec, key=key, config=config, theme=None, **kwargs)
            return
        text = figure_json(figure)
    finally:
        for im, source in zip(images, sources, strict=True):
            im.source = source
        figure.layout.margin.r = right
        figure._frame_objs = frames
    if memo is not None:
        st.session_state["chart.memo"][key] = ((memo, config), figure, text)
        if shared:
            shared_figures.put(common, figure, text)
    plot(text, key=key, config=config | {"responsive": True}, on_click=on_select)


def chart_config(filename: str) -> dict:
    """Plotly's config for a page's charts: the camera button saves the format the export panel's "Camera button
    saves" holds (PNG or SVG, at 3x; the figure carries the theme). Read at the top of each run: a click on that
    control is in session_state when the rerun starts, before the panel is drawn again."""
    fmt = st.session_state.get("export.camera") or "png"  # None: the control deselected
    touch = screen.current().touch
    return {
        "displayModeBar": not touch,  # a phone: no toolbar over the legend (and no tool a finger would hit by chance)
        "displaylogo": False,
        "showSendToCloud": False,  # plotly.js offers to upload the chart to its cloud: never from a lecture
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],  # a click picks a point; nothing selects a region
        "scrollZoom": False,
        "toImageButtonOptions": {"format": fmt, "scale": 3, "filename": filename},
    }


def named(surface) -> str:
    """A surface's name for Markdown (an alert, a caption): a typed formula as code, never read as Markdown
    ("x*y + y*x" in italics), a catalogue surface by its title."""
    if surface.key == CUSTOM:
        return f"Your formula `{surface.title.replace('`', '')}`"
    return surface.title


def outcomes(result: Result, *, header: bool = True) -> None:
    """What happened, one line per racer with its colour dot; the header names the surface, start, steps and the
    racers' shared learning rate (a fair race says so). Each outcome's detail (why it diverged, ...) is in the help
    tooltip, one line per racer that has one."""
    steps = plural(result.scene.steps, "step")
    rate = f", {result.shared_rate}" if result.shared_rate else ""
    head = f"<b>{html.escape(result.surface.title)}</b> from {point(*result.start)}, {steps}{rate}:"
    lines = [head] if header else []
    keys = [r.spec.optimizer for r in result.runs]
    repeated = len(set(keys)) < len(keys)  # then the racers differ by dash: show each one's line, not a dot
    for r, dash in zip(result.runs, dashes(keys), strict=True):
        c = r.spec.spec.color
        dot = (
            f'<svg width="30" height="10" style="vertical-align:middle"><line x1="1" y1="5" x2="29" y2="5" '
            f'stroke="{c}" stroke-width="3.5" stroke-dasharray="{DASH_ARRAYS[dash]}"/></svg>'
            if repeated
            else f'<span style="color:{c};font-size:1.3em">●</span>'
        )
        lines.append(f"{dot} <b>{html.escape(r.label)}</b> {html.escape(r.outcome.text)}")
    details = [f"**{r.label}**: {r.outcome.detail}" for r in result.runs if r.outcome.detail]
    st.markdown(
        '<div class="lll-outcomes">' + "<br>".join(lines) + "</div>",
        unsafe_allow_html=True,
        help="\n\n".join(details) or None,
    )


class Frame(NamedTuple):
    """A page's containers: ``charts`` (the section's charts), ``side`` (its controls), ``section`` (the one shown)
    and ``main``, the chart a student watches while moving the controls: on a phone, for a section that has one
    (page_frame's ``sticky``), it comes first and stays in view while the controls scroll under it (layout_css), the
    controls follow it and the other charts follow them; elsewhere it is ``charts`` itself, in place."""

    charts: object
    side: object
    section: str
    main: object


SWITCH_BESIDE_TITLE = 32  # characters of section labels that fit beside the page's title (Learning rate's 26)


def page_frame(
    title: str,
    sections: tuple[str, ...],
    key: str,
    short: dict[str, str] | None = None,
    *,
    sticky: tuple[str, ...] = (),
) -> Frame:
    """The chart column (first, so a phone shows the charts before the controls) and the control column, with the
    page's title and its section switch over the charts (in the link as ``section=``, by its short name in lower case
    or its full name). ``sticky``: the sections whose ``main`` chart stays in view on a phone (see Frame)."""
    if (q := address_bar.entry()) is not None:  # a link without section= opens the first section (a preset's too)
        notices: list[str] = []
        st.session_state[key] = read_section(q, sections, short or {}, notices)
        address_bar.notice(notices)
    narrow = screen.current().narrow and not lesson.showing()
    if lesson.showing():  # a slideshow: the charts at the page's full width, the controls kept but not shown
        charts, side = st.container(), st.container(key="controls")
        top = charts
    elif narrow:  # a phone: the order of the containers is decided once the section is known (below)
        top = st.container()
    else:
        charts, side = st.columns(COLUMNS, gap="medium")
        top = charts
    with top:
        labels = sum(len((short or {}).get(s, s)) for s in sections)
        if labels > SWITCH_BESIDE_TITLE:  # a long switch gets the column's width under the title, every label shown
            head, switch = st.container(), st.container()
        else:
            head, switch = st.columns([1.25, 1.5], vertical_alignment="center")
        head.markdown(f"#### {title}")
        section = switch.segmented_control(
            "Section",
            sections,
            default=None if key in st.session_state else sections[0],  # a link's section: set, not a default too
            key=key,
            format_func=lambda s: (short or {}).get(s, s),
            label_visibility="collapsed",
        )
    section = section or sections[0]
    address_bar.add(section_param(section, sections, short or {}))
    main = None
    if narrow and section in sticky:  # the main chart, the controls scrolling under it, the other charts
        main, side, charts = st.container(key="sticky-chart"), st.container(), st.container()
    elif narrow:
        charts, side = st.container(), st.container()
    return Frame(charts, side, section, main or charts)


def pairs(name: str, n: int) -> list:
    """``n`` columns of small charts to compare side by side (key ``pairs-<name>``; no legend of their own: at half a
    phone's width a legend would leave no map): on a phone they stay two to a row (layout_css) instead of one below
    the other."""
    return st.container(key=f"pairs-{name}").columns(n, gap="small")


def headings(columns: list, texts: list[str], more: list[str] = (), *, width: int | None = None) -> None:
    """A bold heading over each of charts side by side (plain ``texts``, in columns made by pairs, or of ``width``
    px), each as tall as the longest one wraps to, so that the charts under them stay aligned (a phone's pairs wrap
    most). ``more``: a line under each heading, in the body's weight (HTML: the caller escapes what it quotes)."""
    font = 16 * (PRESENTER_SCALE if st.session_state.get("presenter") else 1)
    if width is None:
        _, width = fitted(len(columns), paired=True)
    per_line = max(1, int(width / (0.55 * font)))  # a semibold character is about 0.55 of the font size wide

    def lines(text: str) -> int:
        return -(-len(re.sub(r"<[^>]+>", "", text)) // per_line)

    more = list(more) or [""] * len(texts)
    tallest = max(lines(t) + (lines(m) if m else 0) for t, m in zip(texts, more, strict=True))
    for col, text, line in zip(columns, texts, more, strict=True):
        body = f'<span style="font-weight:600">{html.escape(text)}</span>' + (f"<br>{line}" if line else "")
        col.markdown(f'<div style="min-height:{1.6 * tallest:.1f}em">{body}</div>', unsafe_allow_html=True)


def fitted(
    columns: int = 1,
    *,
    reserve: int = 150,
    part: float = 1.0,
    toolbar: bool = True,
    heading: int = 60,
    paired: bool = False,
) -> tuple[int, int]:
    """(side, width): a square map's side fitted to the screen in one of ``columns`` columns of the chart column (the
    page's whole width in a slideshow), or in a column taking ``part`` of it, no taller than the window less
    ``reserve`` px (more in presenter mode, whose bar and headings are larger), and the width of that column.
    ``toolbar``: the chart shows Plotly's toolbar (on a desktop), which takes room beside it; ``heading``: the px of
    the page's title and switch above the chart in a slideshow (lesson.reserve); ``paired``: in columns made by
    pairs (side by side on a phone too)."""
    scr = screen.current()
    share = (1.0 if lesson.showing() else CHART_SHARE) * part
    presenter = bool(st.session_state.get("presenter"))
    reserve += (35 if presenter else 0) + (lesson.reserve(scr.main, heading, presenter) if lesson.showing() else 0)
    frame = scr.frame if toolbar else 60  # a chart shown without Plotly's toolbar keeps no room for it
    side = scr.map_side(share, reserve=reserve, columns=columns, frame=frame, paired=paired)
    return side, scr.width(share, columns, paired=paired)


def map_fit(
    result: Result,
    columns: int = 1,
    *,
    reserve: int = 150,
    heading: int = 60,
    part: float = 1.0,
    paired: bool = False,
) -> dict:
    """The race map's sizes for ``charts.scene.contour``: its side fitted to the screen (see fitted) with room above
    it for its legend's rows (one racer a row on a phone), those rows, and the plot's width at most (a domain wider
    than tall gets a lower map); on a phone no replay (map_size), and ``paired`` maps (pairs: two to a row there)
    no legend: the outcome lines under them name the racers in their colours."""
    presenter = bool(st.session_state.get("presenter"))
    font = THEMES["presenter" if presenter else "normal"].font_size
    labels = [r.label for r in result.runs]
    fit = functools.partial(fitted, columns, heading=heading, part=part, paired=paired)
    _, width = fit(reserve=reserve)
    narrow = screen.current().narrow
    rows = (0 if paired else len(labels)) if narrow else legend_rows(labels, width - screen.current().frame, font)
    side, _ = fit(reserve=reserve + round((rows - 1) * LEGEND_ROW * font))
    return map_size(side, width) | {"legend_rows": rows}


def map_size(side: int, width: int) -> dict:
    """``charts.scene.contour``'s sizes for a map of ``side`` in a column ``width`` wide (the toolbar's room taken
    off); on a phone the map shows the whole race without the replay's buttons and step slider (``frames=0``): a map
    that stays in view above the controls must be short, and a thumb scrolls the page rather than a step slider. The
    map carries its frames' recipe alone where the page's browser builds them (views/growing.py: ``recipe_only``)."""
    size = {"side": side, "width": width - screen.current().frame, "recipe_only": script_url() is not None}
    return size | ({"frames": 0} if screen.current().narrow else {})


COLUMNS = (2.9, 1.0)  # a page's chart column and control column on a wide screen
CHART_SHARE = COLUMNS[0] / sum(COLUMNS)  # the chart column's share of the page's width

PRESENTER_SCALE = 1.4  # presenter mode: everything a class reads, 16 px -> 22.4 px (the charts have their own theme)


def layout_css(*, presenter: bool) -> str:
    """The page's CSS: little white space above the page (on a projector every row counts), the top bar in one row,
    and in presenter mode every text a class reads (outcome lines, captions, labels, the lesson) scaled up, not only
    the charts' fonts: Streamlit sizes its text in rem, so the root font size scales it all."""
    rules = [
        ".block-container{padding-top:1.6rem;padding-bottom:1rem}",
        ".st-key-growing{display:none}",  # views/growing.py: no room in the page's flow (its script runs all the same)
        # the map stays in view on a phone while the controls scroll under it
        # (on its wrapper: a sticky element sticks only inside its parent, and Streamlit wraps each container)
        "div:has(> .st-key-sticky-chart){position:sticky;top:3.75rem;z-index:20;background:#fff}",
        "[data-testid=stMain]:has(.st-key-sticky-chart){scroll-padding-top:31rem}",  # focus scrolls below the map
        # charts compared side by side stay two to a row on a phone (Streamlit stacks columns one a row there)
        f"@media (max-width:{screen.NARROW - 0.1}px){{[class*=st-key-pairs-] [data-testid=stHorizontalBlock]"
        ">[data-testid=stColumn]{min-width:calc(50% - 8px)!important;max-width:calc(50% - 8px)}}",
    ]
    if presenter:
        rules.append(f"html{{font-size:{16 * PRESENTER_SCALE:.1f}px}}")
    return "<style>" + "".join(rules) + "</style>"
