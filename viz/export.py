"""Figures out as files: PNG/SVG/PDF through kaleido, and animations (GIF, MP4) of a figure's frames.

One Chromium serves the process: a kaleido 1.x `Kaleido` opened lazily on a private asyncio loop in a daemon
thread (under a lock; started again if its browser process died). Public functions block the calling thread only,
so they may be called from any thread, Streamlit's script threads included.

Animations. Measured on this 2-core VM (10-45 % CPU steal from the host, so dedicated cores do better;
benchmarks/export_speed.py prints current numbers): kaleido draws every image from scratch in a tab it reloads
afterwards (0.9-1.4 s per 1000x660 contour frame on the kept-open server: 94-138 s for 100 frames), and even inside
one page `Plotly.toImage` costs 0.4-0.5 s a frame (it re-plots a clone and rasterises the SVG). So the figure is
plotted once per tab, and each frame is shown with the page's own slider call (`Plotly.animate` with the slider
step's arguments: plotly.js resolves the `baseframe` chains as on the page) and captured with the DevTools
screenshot (`deviceScaleFactor` = scale): 100 frames in 9-16 s over two tabs (14-34 s on one), + 1 s GIF encode,
2-3 s MP4 encode. Same renderer, same DOM as the lecturer's page; controls dropped; a "step N" annotation whose
text node is set per frame (a relayout per frame cost ~100 ms more). One render feeds both encoders.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import io
import os
import queue
import tempfile
import threading
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import plotly.graph_objects as go
from PIL import Image

FORMATS = ("png", "svg", "pdf")
CHROMIUM = "/usr/bin/chromium"
DEFAULT_WIDTH = 1000  # px; the app's figures set a height and leave the width to the page
DEFAULT_HEIGHT = 600
KALEIDO_TABS = 2  # static images rendered at once (kaleido's own tabs)
ANIMATION_TABS = max(1, min(2, os.cpu_count() or 1))  # an animation's frames are split into this many runs
STATIC_MARGIN_B = 45  # bottom margin once the play button and slider are gone (viz.contour's static value)
ANIMATION_MARGIN_B = 80  # ... plus a row for the "step N" label
HOLD_SECONDS = 1.5  # the last frame of a GIF or MP4 stays this long
FRAME_TIMEOUT = 60.0  # s for one browser step before an animation render is abandoned

_SETUP_JS = """async function(fig, w, h) {
  document.body.innerHTML = ''; document.body.style.margin = '0'; document.body.style.background = 'white';
  const gd = document.createElement('div'); gd.id = 'lll-export'; document.body.appendChild(gd);
  const layout = Object.assign({}, fig.layout, {width: w, height: h, autosize: false});
  await Plotly.newPlot(gd, fig.data, layout, {staticPlot: true, displayModeBar: false});
  await Plotly.addFrames(gd, fig.frames); return true; }"""
_STEP_JS = """async function(name, label, opts) {
  const gd = document.getElementById('lll-export'); await Plotly.animate(gd, [name], opts);
  const texts = gd.querySelectorAll('.annotation-text'); texts[texts.length - 1].textContent = label; return true; }"""
_CLEAR_JS = """function() { const gd = document.getElementById('lll-export'); if (gd) Plotly.purge(gd);
  document.body.innerHTML = ''; return true; }"""
_READY_JS = "document.readyState === 'complete' && typeof Plotly === 'object'"


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

    async def frames(self, k, spec: dict, items, w: int, h: int, scale: float, put) -> None:
        """One tab: plot once, then per item animate to its frame, capture, put((index, PNG bytes))."""
        (tab, window), ok = await self._acquire(k), False
        try:
            await tab.send_command(
                "Emulation.setDeviceMetricsOverride",
                params=dict(width=w, height=h, deviceScaleFactor=scale, mobile=False),
            )
            await _call(tab, window, _SETUP_JS, spec, w, h)
            clip = dict(x=0, y=0, width=w, height=h, scale=1)
            for index, name, label, opts in items:
                await _call(tab, window, _STEP_JS, name, label, opts)
                shot = await asyncio.wait_for(
                    tab.send_command(
                        "Page.captureScreenshot", params=dict(format="png", clip=clip, optimizeForSpeed=True)
                    ),
                    FRAME_TIMEOUT,
                )
                if "error" in shot:
                    raise RuntimeError(f"screenshot failed: {shot['error']}")
                put((index, base64.b64decode(shot["result"]["data"])))
            ok = True
        finally:  # back to the idle tabs, or closed after an error (or beyond the few worth keeping)
            with contextlib.suppress(Exception):
                if ok and self._idle_for is k and len(self._idle) < 2 * ANIMATION_TABS:
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


def _fill_empty(frames: list[dict]) -> None:
    """Trace updates that empty a trace (x=[], y=[]) get one gap point instead: plotly.js's redraw=False animate
    leaves the old line of a trace emptied that way on screen (the live page shows it too: at step 0 stretches of
    the finished paths stay drawn); a single null point draws nothing and clears it."""

    def empty(v) -> bool:
        return ("bdata" in v and not v["bdata"]) if isinstance(v, dict) else isinstance(v, list | tuple) and not v

    for frame in frames:
        for update in frame.get("data") or []:
            if empty(update.get("x", 0)) and empty(update.get("y", 0)):
                update["x"], update["y"] = [None], [None]


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
    without its play button and slider. PNG pixels: (width·scale) × (height·scale)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    spec = _figure_dict(fig)
    _drop_controls(spec["layout"], STATIC_MARGIN_B)
    w, h = _size(spec["layout"], width, height)
    return _SERVER.run(lambda k: k.calc_fig(spec, opts=dict(format=fmt, width=w, height=h, scale=scale)))


def _sequence(spec: dict) -> list[tuple[str, str, dict]]:
    """(frame name, label, animate options) in slider order, the slider's own options with no delay; every frame
    in order when there is no slider."""
    still = dict(frame=dict(duration=0, redraw=False), transition=dict(duration=0), mode="immediate")
    slider = (spec["layout"].get("sliders") or [{}])[0]
    prefix = (slider.get("currentvalue") or {}).get("prefix", "")
    out = []
    for step in slider.get("steps", []):
        args = step.get("args") or [None]
        if step.get("method", "animate") == "animate" and isinstance(args[0], list) and len(args[0]) == 1:
            given = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
            opts = {
                **still,
                **given,
                "frame": {**still["frame"], **given.get("frame", {}), "duration": 0},
                "transition": dict(duration=0),
                "mode": "immediate",
            }
            out.append((str(args[0][0]), f"{prefix}{step.get('label', args[0][0])}", opts))
    return out or [(str(f["name"]), str(f["name"]), still) for f in spec.get("frames", [])]


def animation_frames(
    fig,
    *,
    max_frames: int = 100,
    scale: float = 1.0,
    width: int | None = None,
    height: int | None = None,
    progress=None,
) -> list[Image.Image]:
    """One RGB image per animation frame (at most max_frames, evenly chosen, first and last kept), each as the
    page shows it at that slider step, without play button and slider, with a "step N" label bottom right.
    progress(fraction) is called in the caller's thread as frames arrive (so st.progress works)."""
    spec = _figure_dict(fig, frames=True)
    if not spec.get("frames"):
        raise ValueError("the figure has no animation frames")
    seq = _sequence(spec)
    picks = np.linspace(0, len(seq) - 1, max(1, min(max_frames, len(seq)))).round().astype(int)
    seq = [seq[i] for i in np.unique(picks)]
    _fill_empty(spec["frames"])
    _drop_controls(spec["layout"], ANIMATION_MARGIN_B)
    font = spec["layout"].get("font", {})
    spec["layout"]["annotations"] = [
        *spec["layout"].get("annotations", []),
        dict(
            text=max((label for _, label, _ in seq), key=len),
            xref="paper",
            yref="paper",
            x=1,
            y=0,
            xanchor="right",
            yanchor="top",
            yshift=-48,
            align="right",
            showarrow=False,
            font=dict(size=font.get("size", 14), color=font.get("color", "#444")),
        ),
    ]
    w, h = _size(spec["layout"], width, height)
    items = [(i, name, label, opts) for i, (name, label, opts) in enumerate(seq)]
    bounds = np.linspace(0, len(items), min(ANIMATION_TABS, max(1, len(items) // 8)) + 1).round().astype(int)
    arrived: queue.Queue = queue.Queue()
    k = _SERVER.ensure()

    async def render():
        await asyncio.gather(
            *(
                _SERVER.frames(k, spec, items[a:b], w, h, scale, arrived.put)
                for a, b in zip(bounds[:-1], bounds[1:], strict=True)
            )
        )

    future = _SERVER.submit(render())
    frames: list[Image.Image] = [None] * len(items)  # type: ignore[list-item]
    try:
        for done in range(1, len(items) + 1):
            while not (future.done() and arrived.empty()):
                with contextlib.suppress(queue.Empty):
                    index, png = arrived.get(timeout=0.2)
                    break
            else:
                future.result()  # raises the render's error
                raise RuntimeError("the export tab stopped before every frame arrived")
            frames[index] = Image.open(io.BytesIO(png)).convert("RGB")
            if progress is not None:
                progress(done / len(items))  # may raise (a Streamlit rerun): the render is then cancelled
        future.result(timeout=FRAME_TIMEOUT)
    except BaseException:
        future.cancel()
        raise
    return frames


def _check(frames) -> list[Image.Image]:
    frames = [f.convert("RGB") for f in frames]
    if not frames or len({f.size for f in frames}) > 1:
        raise ValueError("need at least one frame, all of one size")
    return frames


def _palette(frames: list[Image.Image]) -> Image.Image:
    """255 colours for the whole animation (index 255 stays free: Pillow marks unchanged pixels transparent with
    it). Median cut over the distinct colours of six frames, each weighted by 1 + log2 of its pixel count: plain
    median cut spends the palette on the big pale landscape and turns the gold minima orange, octree leaves bands
    in the landscape. Measured on the contour race: |error| mean 3, 99th percentile 4 levels."""
    picks = np.unique(np.linspace(0, len(frames) - 1, min(6, len(frames))).round().astype(int))
    px = np.concatenate([np.asarray(frames[i]).reshape(-1, 3).astype(np.uint32) for i in picks])
    colors, counts = np.unique(px[:, 0] << 16 | px[:, 1] << 8 | px[:, 2], return_counts=True)
    rep = np.repeat(colors, 1 + np.floor(np.log2(counts)).astype(int))
    rgb = np.stack([rep >> 16, rep >> 8 & 255, rep & 255], axis=1).astype(np.uint8)
    return Image.fromarray(rgb.reshape(1, -1, 3)).quantize(colors=255, method=Image.Quantize.MEDIANCUT, kmeans=1)


def gif_bytes(frames, *, fps: int = 12, loop: bool = True) -> bytes:
    """An animated GIF: one palette for every frame (see _palette), no dithering (it would shimmer from frame to
    frame), unchanged pixels transparent (3 MB -> 0.25 MB for 100 contour frames), the last frame held."""
    frames = _check(frames)
    palette = _palette(frames)
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    durations = [round(1000 / fps)] * len(frames)
    durations[-1] = max(durations[-1], round(HOLD_SECONDS * 1000))
    buf = io.BytesIO()
    indexed[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=indexed[1:],
        duration=durations,
        optimize=True,
        **(dict(loop=0) if loop else {}),
    )
    return buf.getvalue()


def mp4_bytes(frames, *, fps: int = 12) -> bytes:
    """An H.264 MP4 by the bundled ffmpeg: yuv420p, even sides (an odd side gets a white row or column), the last
    frame held HOLD_SECONDS, `faststart` so slides and browsers start it at once."""
    frames = _check(frames)
    w, h = frames[0].size
    size = (w + w % 2, h + h % 2)
    with tempfile.TemporaryDirectory(prefix="lll-mp4-") as tmp:
        path = os.path.join(tmp, "animation.mp4")
        writer = imageio_ffmpeg.write_frames(
            path,
            size,
            fps=fps,
            codec="libx264",
            pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p",
            quality=None,
            macro_block_size=1,
            ffmpeg_log_level="error",
            output_params=["-crf", "18", "-preset", "fast", "-tune", "animation", "-movflags", "+faststart"],
        )
        writer.send(None)
        for f in frames + [frames[-1]] * max(0, round(HOLD_SECONDS * fps) - 1):
            padded = Image.new("RGB", size, "white")
            padded.paste(f, (0, 0))
            writer.send(padded.tobytes())
        writer.close()
        return Path(path).read_bytes()
