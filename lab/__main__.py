"""The commands: ``python -m lab render links/presets/ --out figures/`` and ``python -m lab warm``.

``render`` renders preset files (a folder of *.toml, or files) into figures and animations for lecture notes, by the
same code path as the pages (lab.render), printing its progress. ``python -m lab render --help`` for the options.

``warm`` compiles every program the pages reach from their defaults into the persistent compile cache, in place, once
per JAX version and engine code (lab.warmup.prime); ``make run`` runs it before starting the app.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from scenes.text import plural

FORMATS = ("png", "svg", "pdf")
ANIMATIONS = ("gif", "mp4")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lab", description="Loss Landscape Lab's export command.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="render preset TOML files into figures and animations")
    r.add_argument("presets", nargs="+", type=Path, help="preset files, or folders of them (*.toml)")
    r.add_argument("--out", type=Path, default=Path("figures"), help="output folder (default: figures/)")
    r.add_argument("--formats", default="png,svg,pdf", help="image formats, comma-separated (png, svg, pdf)")
    r.add_argument("--animations", default="gif", help="animation formats for the race: gif, mp4, both or none")
    r.add_argument("--theme", choices=("normal", "presenter"), default="normal")
    r.add_argument("--frames", type=int, default=100, help="at most this many animation frames (default 100)")
    r.add_argument("--scale", type=float, default=3.0, help="PNG pixels per chart pixel (default 3, for print)")
    r.add_argument(
        "--animation-scale",
        type=float,
        default=1.0,
        help="GIF and MP4 pixels per chart pixel (default 1: 620x660 for a race; 2 for a full-screen slide)",
    )
    w = sub.add_parser("warm", help="compile the app's programs into the persistent cache (once per JAX and code)")
    w.add_argument("--force", action="store_true", help="prime again even if the cache's stamp is current")
    w.add_argument("--check", action="store_true", help="only say whether the cache is primed (exit 1 if not)")
    return p


def warm(args: argparse.Namespace) -> int:
    from lab import warmup

    if args.check:
        ok = warmup.primed()
        print(f"{warmup.cache_dir()} is {'primed' if ok else 'not primed'} for this code and JAX.", flush=True)
        return 0 if ok else 1
    warmup.prime(lambda line: print(line, flush=True), force=args.force)
    return 0


def _split(text: str, allowed: tuple[str, ...], what: str) -> list[str]:
    items = [t for t in text.replace(" ", "").split(",") if t and t != "none"]
    bad = [t for t in items if t not in allowed]
    if bad:
        raise SystemExit(f"unknown {what}: {', '.join(bad)} (choose from {', '.join(allowed)})")
    return items


def _presets(paths: list[Path]):
    from lab.pages import PAGES
    from links.library import read, read_folder

    pages = {name: p.path for name, p in PAGES.items()}
    out = []
    for path in paths:
        if path.is_dir():
            out += list(read_folder(path, pages).values())
        elif path.exists():
            out.append(read(path, pages))
        else:
            raise SystemExit(f"{path}: no such file or folder")
    return out


def render(args: argparse.Namespace) -> int:
    from lab.render import figures, file_names
    from lab.warmup import use_compilation_cache
    from viz import THEMES, animation, export

    use_compilation_cache()  # the programs the app (or an earlier render) compiled load instead of compiling

    formats = _split(args.formats, FORMATS, "format")
    if not 0.25 <= args.scale <= 8:
        raise SystemExit(f"--scale {args.scale:g}: use 0.25 to 8")
    if not 0.5 <= args.animation_scale <= 4:
        raise SystemExit(f"--animation-scale {args.animation_scale:g}: use 0.5 to 4")
    animations = _split(args.animations.replace("both", "gif,mp4"), ANIMATIONS, "animation format")
    try:
        presets = _presets(args.presets)
    except ValueError as e:
        raise SystemExit(str(e)) from None
    args.out.mkdir(parents=True, exist_ok=True)
    theme, written = THEMES[args.theme], 0
    for i, preset in enumerate(presets, 1):
        head = f"[{i}/{len(presets)}] {preset.name}"
        t0 = time.perf_counter()
        try:
            figs = figures(preset, theme)
        except ValueError as e:
            print(f"{head}: cannot be rendered: {e}", flush=True)
            return 2
        stems = file_names(preset, figs)
        for name, f in figs.items():
            for fmt in formats:
                path = args.out / f"{stems[name]}.{fmt}"
                path.write_bytes(export.image_bytes(f, fmt, scale=args.scale))
                written += 1
            if f.frames and animations:
                frames = animation.animation_frames(f, max_frames=args.frames, scale=args.animation_scale)
                for fmt in animations:
                    path = args.out / f"{stems[name]}.{fmt}"
                    path.write_bytes(animation.gif_bytes(frames) if fmt == "gif" else animation.mp4_bytes(frames))
                    written += 1
        print(f"{head}: {plural(len(figs), 'figure')} in {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"{plural(written, 'file')} in {args.out}/", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return warm(args) if args.command == "warm" else render(args)


if __name__ == "__main__":
    sys.exit(main())
