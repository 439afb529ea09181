"""Figures out as image files: PNG/SVG/PDF through kaleido, in the kept-open browser that also draws the frames of
animations (viz/animation.py).

One Chromium serves the process: a kaleido 1.x `Kaleido` opened lazily on a private asyncio loop in a daemon
thread (under a lock; started again if its browser process died). Public functions block the calling thread only,
so they may be called from any thread, Streamlit's script threads included.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import tempfile
import threading
from pathlib import Path

import plotly.graph_objects as go

from viz.layout import vectors_of

FORMATS = ("png", "svg", "pdf")
CHROMIUM = "/usr/bin/chromium"
DEFAULT_WIDTH = 1000  # px; the app's figures set a height and leave the width to the page
DEFAULT_HEIGHT = 600
KALEIDO_TABS = 2  # static images rendered at once (kaleido's own tabs)
STATIC_MARGIN_B = 45  # bottom margin once the play button and slider are gone (viz.contour's static value)
FRAME_TIMEOUT = 60.0  # s for one browser step before an animation render is abandoned

_CLEAR_JS = """function() { const gd = document.getElementById('lll-export'); if (gd) Plotly.purge(gd);
  document.body.innerHTML = ''; return true; }"""
_READY_JS = "document.readyState === 'complete' && typeof Plotly === 'object'"


def failure(e: BaseException) -> str:
    """Why a render failed, in plain words for the page (kaleido's own message tells a user to download Chrome with
    ``kaleido_get_chrome``, which is not the fix on a server; a killed renderer said nothing)."""
    chain, seen = [], e
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = " ".join(type(x).__name__ for x in chain)
    text = " ".join(str(x) for x in chain)
    if browser_path() is None or "ChromeNotFound" in names or "requires Chrome" in text:
        return (
            "Images are drawn by the Chromium browser on the server, and it is not installed there. Whoever runs "
            "the server installs it (on Debian or Ubuntu: apt-get install chromium) and starts the app again; "
            "the charts on the page are not affected."
        )
    if any(k in names for k in ("BrowserClosed", "BrowserFailed", "Timeout", "CancelledError")) or "stopped" in text:
        return (
            "The image renderer (the server's Chromium) stopped before the file was finished: it may have run out "
            "of memory or been stopped. Press Render again; a 1× animation needs less."
        )
    return f"The file could not be drawn ({type(e).__name__}). Press Render again; the details are in the server log."


def browser_path() -> str | None:
    """The Chromium kaleido drives: $BROWSER_PATH, else the system one (None: choreographer looks; no download)."""
    return os.environ.get("BROWSER_PATH") or (CHROMIUM if os.path.exists(CHROMIUM) else None)


async def _call(tab, window: str, fn: str, *args):
    """Run a JS function in the tab with JSON arguments (choreographer chunks big ones), awaiting its promise."""
    res = await asyncio.wait_for(
        tab.send_command(
            "Runtime.callFunctionOn",
            params=dict(
                functionDeclaration=fn,
                objectId=window,
                awaitPromise=True,
                returnByValue=True,
                arguments=[{"value": a} for a in args],
            ),
        ),
        FRAME_TIMEOUT,
    )
    result = res.get("result", {})
    if "error" in res or "exceptionDetails" in result:
        raise RuntimeError(f"plotly.js failed in the export tab: {res.get('error') or result['exceptionDetails']}")
    return result.get("result", {}).get("value")


class _Server:
    """The Kaleido, its event loop, and idle tabs with plotly.js loaded for animations (loop thread only)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.kaleido = None
        self._page = ""  # file URI of kaleido's page (plotly.js, no MathJax) for the animation tabs
        self._idle: list[tuple[object, str]] = []  # (tab, window objectId)
        self._idle_for = None  # the Kaleido those tabs belong to

    @staticmethod
    def _alive(k) -> bool:
        proc = getattr(k, "subprocess", None)
        return proc is not None and proc.poll() is None

    def ensure(self):
        """The running Kaleido: started on first use, started again if its browser process has died."""
        with self._lock:
            if self._alive(self.kaleido):
                return self.kaleido
            import kaleido  # late: it checks the plotly version and sets up logging on import

            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="kaleido-server", daemon=True).start()
                atexit.register(self.close)
                page = Path(tempfile.mkdtemp(prefix="lll-export-")) / "index.html"
                page.write_text(kaleido.PageGenerator(mathjax=False).generate_index())
                self._page = page.as_uri()
            if self.kaleido is not None:  # died: let choreographer tidy up first
                self.submit(self.kaleido.close()).exception(timeout=15)

            async def open_():
                k = kaleido.Kaleido(n=KALEIDO_TABS, mathjax=False, path=browser_path())
                await k.open()
                return k

            self.kaleido = self.submit(open_()).result(timeout=120)
            return self.kaleido

    def submit(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def run(self, make):
        """Run the coroutine make(kaleido) and wait; retried once in a new browser if the browser died under it."""
        k = self.ensure()
        try:
            return self.submit(make(k)).result()
        except Exception:
            if self._alive(k):
                raise
        return self.submit(make(self.ensure())).result()

    def close(self):
        with self._lock:
            if self.kaleido is not None and self._loop is not None and self._loop.is_running():
                self.submit(self.kaleido.close()).exception(timeout=15)
            self.kaleido = None

    async def _acquire(self, k):
        if self._idle_for is not k:
            self._idle, self._idle_for = [], k
        if self._idle:
            return self._idle.pop()
        tab = await k.create_tab(url=self._page, window=True)
        for _ in range(int(FRAME_TIMEOUT / 0.02)):
            res = await tab.send_command("Runtime.evaluate", params=dict(expression=_READY_JS, returnByValue=True))
            if res.get("result", {}).get("result", {}).get("value") is True:
                break
            await asyncio.sleep(0.02)
        window = await tab.send_command("Runtime.evaluate", params=dict(expression="window"))
        return tab, window["result"]["result"]["objectId"]

    @contextlib.asynccontextmanager
    async def tab(self, k, keep: int):
        """A tab of Kaleido k with plotly.js loaded (an idle one, else a new one) as (tab, window objectId); afterwards
        cleared and kept idle, up to ``keep`` of them, or closed (after an error, or beyond those)."""
        (tab, window), ok = await self._acquire(k), False
        try:
            yield tab, window
            ok = True
        finally:  # back to the idle tabs, or closed after an error (or beyond the few worth keeping)
            with contextlib.suppress(Exception):
                if ok and self._idle_for is k and len(self._idle) < keep:
                    await _call(tab, window, _CLEAR_JS)
                    self._idle.append((tab, window))
                else:
                    await k.close_tab(tab.target_id)


_SERVER = _Server()


def _figure_dict(fig, *, frames: bool = False) -> dict:
    """The figure as a plain dict that plotly.js draws as the page does: a template given by name (the builders'
    `template="plotly_white"`: plotly.js cannot resolve it, some plotly export paths choke on it) replaced by the
    template itself; frames kept only if asked for."""
    d = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
    out = go.Figure({"data": d.get("data", []), "layout": d.get("layout", {})}).to_dict()
    if frames and d.get("frames"):
        out["frames"] = d["frames"]
    return out


def _drop_controls(layout: dict, margin_b: int) -> None:
    """No play button and slider in a file; the bottom margin they reserved shrinks to margin_b."""
    if layout.get("sliders") or layout.get("updatemenus"):
        layout["sliders"], layout["updatemenus"] = [], []
        margin = layout.setdefault("margin", {})
        margin["b"] = min(margin.get("b", margin_b), margin_b)


def _vector_landscape(fig, spec: dict) -> bool:
    """A still image draws a map's pictures (the landscape, the basins) as the traces the figure keeps for them
    (viz.layout.keep_vector: a vector contour) instead of the picture, an upscaled raster at 3× (stair-stepped
    iso-lines) and a bitmap inside SVG and PDF; True if it did. Beneath every other trace; a picture stays where the
    figure keeps nothing for it."""
    images, done = spec["layout"].get("images") or [], False
    for name, traces in vectors_of(fig).items():
        if any(im.get("name") == name for im in images):
            images = [im for im in images if im.get("name") != name]
            spec["data"][:0] = [dict(t) for t in traces]
            done = True
    spec["layout"]["images"] = images
    return done


MIN_MAP_WIDTH = 560  # a legend across the top still fits


def _size(layout: dict, width: int | None, height: int | None) -> tuple[int, int]:
    """The image's size in chart pixels: the one asked, else the figure's own; a map with equal axes and no width
    (a contour, a basin map) is as wide as its height makes the plot, so the image has no empty bands beside it."""
    h = int(height or layout.get("height") or DEFAULT_HEIGHT)
    return int(width or layout.get("width") or _equal_axes_width(layout, h) or DEFAULT_WIDTH), h


def _equal_axes_width(layout: dict, height: int) -> int | None:
    x, y = layout.get("xaxis") or {}, layout.get("yaxis") or {}
    if y.get("scaleanchor") != "x" or len(x.get("range") or ()) != 2 or len(y.get("range") or ()) != 2:
        return None
    m = {"l": 80, "r": 80, "t": 100, "b": 80, **(layout.get("margin") or {})}
    ratio = abs(x["range"][1] - x["range"][0]) / abs(y["range"][1] - y["range"][0]) / float(y.get("scaleratio", 1))
    legend = layout.get("legend") or {}
    side = 160 if layout.get("showlegend", True) and legend.get("orientation", "v") == "v" else 0  # a legend beside
    return max(MIN_MAP_WIDTH, round((height - m["t"] - m["b"]) * ratio + m["l"] + m["r"] + side + 20))  # 20: tick text


def image_bytes(
    fig, fmt: str = "png", *, scale: float = 3.0, width: int | None = None, height: int | None = None
) -> bytes:
    """The figure as PNG, SVG or PDF bytes. An animated figure is drawn as it opens (its data: the last step),
    without its play button and slider; a contour map's landscape as vector paths (sharp at any scale). PNG pixels:
    (width·scale) × (height·scale)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    spec = _figure_dict(fig)
    _drop_controls(spec["layout"], STATIC_MARGIN_B)
    _vector_landscape(fig, spec)
    w, h = _size(spec["layout"], width, height)
    return _SERVER.run(lambda k: k.calc_fig(spec, opts=dict(format=fmt, width=w, height=h, scale=scale)))
