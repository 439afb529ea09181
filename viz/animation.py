"""Animations out as files: a figure's frames as the page shows them, rendered in the kept-open browser of
viz/export.py, and their GIF and MP4 encodings.

Measured on this 2-core VM (10-45 % CPU steal from the host, so dedicated cores do better;
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
import base64
import contextlib
import io
import os
import queue
import tempfile
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image

from viz.export import _SERVER, FRAME_TIMEOUT, _call, _drop_controls, _figure_dict, _size
from viz.layout import vector_of

ANIMATION_TABS = max(1, min(2, os.cpu_count() or 1))  # an animation's frames are split into this many runs
ANIMATION_MARGIN_B = 80  # bottom margin once the controls are gone, with a row for the "step N" label
HOLD_SECONDS = 1.5  # the last frame of a GIF or MP4 stays this long
MAX_3D_FRAMES = 40  # a 3D animation's frames at most: its WebGL scene is drawn by Plotly.toImage, ~1.7 s a frame here

_SETUP_JS = """async function(fig, w, h, vector) {
  document.body.innerHTML = ''; document.body.style.margin = '0'; document.body.style.background = 'white';
  const gd = document.createElement('div'); gd.id = 'lll-export'; document.body.appendChild(gd);
  const layout = Object.assign({}, fig.layout, {width: w, height: h, autosize: false});
  await Plotly.newPlot(gd, fig.data, layout, {staticPlot: true, displayModeBar: false});
  const i = (gd.layout.images || []).findIndex(im => im.name === 'landscape');
  if (vector && i >= 0) {  // the picture drawn again from its vector contour, at the frames' own pixels
    const im = gd.layout.images[i], fl = gd._fullLayout;
    const pw = Math.round(fl.xaxis._length), ph = Math.round(fl.yaxis._length);
    const axis = {visible: false, fixedrange: true};
    const bg = {data: vector, layout: {width: pw, height: ph, margin: {l: 0, r: 0, t: 0, b: 0, pad: 0},
      showlegend: false, paper_bgcolor: 'white', plot_bgcolor: 'white',
      xaxis: Object.assign({range: [im.x, im.x + im.sizex]}, axis),
      yaxis: Object.assign({range: [im.y - im.sizey, im.y]}, axis)}};
    const url = await Plotly.toImage(bg, {format: 'png', width: pw, height: ph, scale: window.devicePixelRatio || 1});
    await Plotly.relayout(gd, {[`images[${i}].source`]: url});
  }
  await Plotly.addFrames(gd, fig.frames); return true; }"""
_STEP_JS = """async function(name, label, opts, scale) {
  const gd = document.getElementById('lll-export'); await Plotly.animate(gd, [name], opts);
  const texts = gd.querySelectorAll('.annotation-text'); texts[texts.length - 1].textContent = label;
  if (!gd._fullLayout._has('gl3d')) return true;  // a screenshot of the tab takes it
  // a 3D scene: its WebGL canvas is not in a screenshot of the tab, plotly.js's own image of the figure has it
  const fl = gd._fullLayout;
  await Plotly.relayout(gd, {[`annotations[${fl.annotations.length - 1}].text`]: label});
  return await Plotly.toImage(gd, {format: 'png', width: fl.width, height: fl.height, scale}); }"""


async def _capture(k, spec: dict, items, w: int, h: int, scale: float, put, vector: list | None = None) -> None:
    """One tab: plot once (the landscape's picture drawn again from ``vector`` at the tab's pixels, if given), then
    per item animate to its frame, capture, put((index, PNG bytes))."""
    async with _SERVER.tab(k, keep=2 * ANIMATION_TABS) as (tab, window):
        await tab.send_command(
            "Emulation.setDeviceMetricsOverride",
            params=dict(width=w, height=h, deviceScaleFactor=scale, mobile=False),
        )
        await _call(tab, window, _SETUP_JS, spec, w, h, vector)
        clip = dict(x=0, y=0, width=w, height=h, scale=1)
        for index, name, label, opts in items:
            image = await _call(tab, window, _STEP_JS, name, label, opts, scale)
            if isinstance(image, str):  # a 3D figure's frame, drawn by plotly.js (a PNG data URI)
                put((index, base64.b64decode(image.split(",", 1)[1])))
                continue
            shot = await asyncio.wait_for(
                tab.send_command("Page.captureScreenshot", params=dict(format="png", clip=clip, optimizeForSpeed=True)),
                FRAME_TIMEOUT,
            )
            if "error" in shot:
                raise RuntimeError(f"screenshot failed: {shot['error']}")
            put((index, base64.b64decode(shot["result"]["data"])))


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
    """One RGB image per animation frame (at most max_frames, MAX_3D_FRAMES for a 3D figure, evenly chosen, first and
    last kept), each as the page shows it at that slider step, without play button and slider, with a "step N" label
    bottom right. Pixels:
    (width·scale) × (height·scale); a contour map's landscape picture is drawn again at that scale from the vector
    contour the figure keeps (viz.layout.keep_vector), so it stays sharp. progress(fraction) is called in the
    caller's thread as frames arrive (so st.progress works)."""
    spec = _figure_dict(fig, frames=True)
    if not spec.get("frames"):
        raise ValueError("the figure has no animation frames")
    solid = "scene" in spec["layout"]  # a 3D figure: each frame is plotly.js's own image of it (~1.7 s here)
    seq = _pick(_sequence(spec), min(max_frames, MAX_3D_FRAMES) if solid else max_frames)
    _fill_empty(spec["frames"])
    _drop_controls(spec["layout"], ANIMATION_MARGIN_B)
    spec["layout"].setdefault("margin", {})["b"] = ANIMATION_MARGIN_B  # the step's label (hidden controls kept none)
    _add_step_label(spec["layout"], seq)
    w, h = _size(spec["layout"], width, height)
    items = [(i, name, label, opts) for i, (name, label, opts) in enumerate(seq)]
    return _render(spec, items, w, h, scale, progress, vector_of(fig))


def _pick(seq: list, max_frames: int) -> list:
    """At most max_frames of the sequence, evenly chosen, the first and the last kept."""
    picks = np.linspace(0, len(seq) - 1, max(1, min(max_frames, len(seq)))).round().astype(int)
    return [seq[i] for i in np.unique(picks)]


def _add_step_label(layout: dict, seq: list) -> None:
    """A "step N" annotation below the plot's right end, in the figure's font, holding the longest label (each frame
    sets its own text)."""
    font = layout.get("font", {})
    layout["annotations"] = [
        *layout.get("annotations", []),
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


def _render(spec: dict, items: list, w: int, h: int, scale: float, progress, vector=None) -> list[Image.Image]:
    """The items' frames, split into up to ANIMATION_TABS runs (a tab each, at least 8 frames a run) rendered at
    once on the server's loop; cancelled if collecting them fails (or progress raises)."""
    bounds = np.linspace(0, len(items), min(ANIMATION_TABS, max(1, len(items) // 8)) + 1).round().astype(int)
    arrived: queue.Queue = queue.Queue()
    k = _SERVER.ensure()

    async def render():
        await asyncio.gather(
            *(
                _capture(k, spec, items[a:b], w, h, scale, arrived.put, vector)
                for a, b in zip(bounds[:-1], bounds[1:], strict=True)
            )
        )

    future = _SERVER.submit(render())
    try:
        frames = _collect(future, arrived, len(items), progress)
        future.result(timeout=FRAME_TIMEOUT)
    except BaseException:
        future.cancel()
        raise
    return frames


def _collect(future, arrived: queue.Queue, n: int, progress) -> list[Image.Image]:
    """The n frames in order as they arrive, progress(fraction) after each; the render's error if it stops first."""
    frames: list[Image.Image] = [None] * n  # type: ignore[list-item]
    for done in range(1, n + 1):
        while not (future.done() and arrived.empty()):
            with contextlib.suppress(queue.Empty):
                index, png = arrived.get(timeout=0.2)
                break
        else:
            future.result()  # raises the render's error
            raise RuntimeError("the export tab stopped before every frame arrived")
        frames[index] = Image.open(io.BytesIO(png)).convert("RGB")
        if progress is not None:
            progress(done / n)  # may raise (a Streamlit rerun): the render is then cancelled
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
