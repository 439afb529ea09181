"""How long do exports take? viz/export.py and viz/animation.py against kaleido used the plain way, measured in the
same run.

Static: PNG, SVG and PDF (scale 3) of the contour and the 3D figure through the kept-open server (median of 3,
after warm-up), against plotly's one-off `fig.to_image` (kaleido starts a browser for every call).
Animation: 100 frames of the default scene's race (frames once, then GIF and MP4 encodes), against rendering each
frame as its own kaleido image on the same kept-open server (10 frames timed, scaled to 100), and with the frames on
one tab instead of two. Goal from issue 6: a 100-frame GIF in about 15 s on a 2-core machine.
The load average is printed too: other work on the machine moves these numbers by 2x.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import plotly.graph_objects as go  # noqa: E402
from plotly_frames import shown_data  # noqa: E402

from charts import scene as fig  # noqa: E402
from scenes import Scene, compute  # noqa: E402
from viz import THEMES, animation, export  # noqa: E402

REPEATS = 3


def timed(f, *args, **kwargs):
    t = time.perf_counter()
    out = f(*args, **kwargs)
    return time.perf_counter() - t, out


def median_time(f, *args, **kwargs) -> float:
    return statistics.median(timed(f, *args, **kwargs)[0] for _ in range(REPEATS))


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def plain(figure) -> go.Figure:
    """The figure as export.image_bytes draws it (template resolved, no controls), for plotly's own path."""
    d = export._figure_dict(figure)
    export._drop_controls(d["layout"], export.STATIC_MARGIN_B)
    return go.Figure(d)


def static(name: str, figure) -> None:
    w, h = export._size(figure.to_dict()["layout"], None, None)
    baseline = plain(figure)
    for fmt in export.FORMATS:
        ours = median_time(export.image_bytes, figure, fmt)
        one_off, _ = timed(baseline.to_image, format=fmt, width=w, height=h, scale=3.0)
        print(
            f"  {name:8s} {fmt}: {ours:6.2f} s   one-off fig.to_image {one_off:6.2f} s   "
            f"({one_off / ours:4.1f}x faster)"
        )


def per_frame_baseline(figure, n: int = 10) -> float:
    """Seconds for 100 frames drawn as separate kaleido images (each frame's data resolved as plotly.js does)."""
    d = figure.to_dict()
    steps = d["layout"]["sliders"][0]["steps"]
    picks = [steps[i]["args"][0][0] for i in range(0, len(steps), max(1, len(steps) // n))][:n]
    t = time.perf_counter()
    for name in picks:
        export.image_bytes({"data": shown_data(d, name), "layout": d["layout"]}, "png", scale=1.0)
    return (time.perf_counter() - t) * 100 / len(picks)


def main() -> None:
    print(f"export speed ({os.cpu_count()} cores; {load()})")
    result = compute(Scene())
    contour = fig.contour(result, THEMES["normal"], frames=101)
    surface = fig.surface3d(result, THEMES["normal"])

    cold, _ = timed(export.image_bytes, contour, "png", scale=1.0)
    cold_anim, _ = timed(animation.animation_frames, contour, max_frames=8 * animation.ANIMATION_TABS)
    print(f"warm-up: first image {cold:.2f} s (starts Chromium), first animation {cold_anim:.2f} s (opens its tabs)")

    print("static images, scale 3 (median of 3):")
    static("contour", contour)
    static("3d", surface)

    print(f"animation, 100 frames of {len(contour.frames)} ({load()}):")
    t_frames, frames = timed(animation.animation_frames, contour, max_frames=100)
    t_gif, gif = timed(animation.gif_bytes, frames)
    t_mp4, mp4 = timed(animation.mp4_bytes, frames)
    w, h = frames[0].size
    print(
        f"  frames ({len(frames)} x {w}x{h}, {animation.ANIMATION_TABS} tabs): {t_frames:6.2f} s "
        f"({t_frames / len(frames) * 1000:.0f} ms a frame)"
    )
    print(
        f"  GIF encode: {t_gif:6.2f} s, {len(gif) / 1e6:.2f} MB;  MP4 encode: {t_mp4:6.2f} s, {len(mp4) / 1e6:.2f} MB"
    )
    print(
        f"  100-frame GIF in {t_frames + t_gif:.2f} s (goal about 15 s); GIF + MP4 from one render "
        f"{t_frames + t_gif + t_mp4:.2f} s"
    )

    tabs = animation.ANIMATION_TABS
    animation.ANIMATION_TABS = 1
    t_one, _ = timed(animation.animation_frames, contour, max_frames=100)
    animation.ANIMATION_TABS = tabs
    print(f"  same frames on one tab: {t_one:6.2f} s ({t_one / t_frames:.2f}x the {tabs}-tab time)")
    t_naive = per_frame_baseline(contour)
    print(
        f"  baseline, each frame a kaleido image on the kept-open server: {t_naive:6.2f} s for 100 "
        f"(10 timed; {t_naive / t_frames:.1f}x ours)"
    )
    print(f"done ({load()})")


if __name__ == "__main__":
    main()
