"""The export panel in the bar over every page: any chart the page shows as PNG (3×), SVG or PDF, and an animated
chart as GIF or MP4 at 1× or 2×, rendered by viz.export and viz.animation (kaleido with the system Chromium; frames
rendered once per chart); and what the charts' own camera button saves (views.common.chart_config reads it)."""

from __future__ import annotations

import logging

import streamlit as st

from charts.names import names, slug
from scenes.text import plain
from viz.frames import RECIPE, complete

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "gif": "image/gif", "mp4": "video/mp4"}
CAMERA = {"png": "PNG 3×", "svg": "SVG"}  # the camera button's formats (session_state["export.camera"])
ANIMATIONS = ("gif", "mp4")
IMAGE_SCALE = 3.0  # PNG pixels per chart pixel (SVG and PDF: vector, the same size)
ANIMATION_SCALES = (1, 2)  # GIF and MP4: the chart's size (a race: 620×660) or twice it, for a full-screen slide


def chart_names(page: str, figures: dict, section: str | None = None) -> dict[str, str]:
    """widget key -> the chart's name (charts.names: the name its figure keeps, after the page's section; distinct):
    "Train vs test: L2 regularisation off, loss curves", "Basins: basin map, Adam (lr 0.05)". A figure that keeps
    none is called by its key in words, the page's prefix left out."""
    short = {key: key.removeprefix(f"{page}.") for key in figures}
    named = names({short[key]: f for key, f in figures.items()}, section)
    return {key: named[short[key]] for key in figures}


def file_stem(page: str, name: str, scale: float = 1) -> str:
    """The downloaded file's name without its suffix: the page and the chart's name, "-2x" for a 2× animation
    ("minima-basins-basin-map-adam-lr-0.05", "trajectories-race-on-the-map-2x")."""
    return slug(f"{page} {name}") + (f"-{scale:g}x" if scale != 1 else "")


def export_panel(page: str) -> None:
    """Draws the panel for the charts this run registered (views.common.chart); renders only on request. The camera
    button's control is drawn on every run, charts or not, so its choice is kept."""
    figures = st.session_state.get("export.figures") or {}
    with st.popover("Export", icon=":material/download:", help="The page's charts as images and animations"):
        if figures:
            _chart_export(page, figures)
        else:
            st.caption("This page shows no chart yet.")
        st.segmented_control(
            "Camera button saves",
            list(CAMERA),
            default="png",
            key="export.camera",
            format_func=CAMERA.get,
            help="What the camera button in each chart's toolbar saves: a PNG at 3× the chart's "
            "size or an SVG, in the current theme.",
        )


def _chart_export(page: str, figures: dict) -> None:
    """A chart of the page, its format, Render, and the file to download once rendered."""
    named = chart_names(page, figures, st.session_state.get(f"{page}.section"))
    key = st.selectbox("Chart", list(figures), format_func=named.get, key="export.chart")
    fig = figures[key]
    animated = bool(fig.frames) or RECIPE in (fig.layout.meta or {})  # a page's map: its frames' recipe alone
    kinds = ["png", "svg", "pdf"] + (list(ANIMATIONS) if animated else [])
    fmt = st.segmented_control("Format", kinds, default="png", key="export.format", format_func=str.upper) or "png"
    scale = IMAGE_SCALE
    if fmt in ANIMATIONS:
        scale = (
            st.segmented_control(
                "Animation size",
                ANIMATION_SCALES,
                default=ANIMATION_SCALES[0],
                key="export.animation_scale",
                format_func=lambda s: f"{s}×",
                help="2× for a full-screen slide: twice as wide and high as the chart (a larger file).",
            )
            or ANIMATION_SCALES[0]
        )
    ready = st.session_state.get("export.ready")
    if st.button("Render", key="export.render", icon=":material/image:", width="stretch"):
        ready = None
        try:
            data = _render(complete(fig), fmt, scale)  # the frames built from their recipe for the file
        except Exception as e:  # noqa: BLE001  (a missing Chromium, a crashed renderer: said, never raised)
            logging.getLogger("loss-landscape-lab").exception("render failed")
            from viz.export import failure

            st.error(plain(failure(e)))
        else:
            ready = st.session_state["export.ready"] = (key, fmt, scale, data)
    if ready and ready[:3] == (key, fmt, scale):
        st.download_button(
            f"Download {fmt.upper()} ({len(ready[3]) / 1e3:,.0f} kB)",
            ready[3],
            file_name=f"{file_stem(page, named[key], scale if fmt in ANIMATIONS else 1)}.{fmt}",
            mime=FORMATS[fmt],
            key="export.download",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
    st.caption(
        "Images are 3× the chart's size, in the current theme (presenter mode: large fonts), the landscape as "
        "vector contours. Animations show every frame of the race, up to 100, at 1× or 2× the chart's size."
    )


def _render(fig, fmt: str, scale: float) -> bytes:
    from viz import animation, export

    if fmt in export.FORMATS:
        with st.spinner(f"Rendering {fmt.upper()}…"):
            return export.image_bytes(fig, fmt, scale=scale)
    bar = st.progress(0.0, text="Rendering the frames…")
    frames = animation.animation_frames(
        fig,
        max_frames=100,
        scale=scale,
        progress=lambda f: bar.progress(min(1.0, f), text=f"Rendering the frames… {f:.0%}"),
    )
    bar.progress(1.0, text=f"Encoding {fmt.upper()}…")
    data = animation.gif_bytes(frames) if fmt == "gif" else animation.mp4_bytes(frames)
    bar.empty()
    return data
