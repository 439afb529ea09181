"""How long does a person wait in a real browser after moving a slider, against the least any Streamlit page can do?

Two `streamlit run` servers: the app and a floor page (benchmarks/floor_page.py: one select slider, one 200×200
contour with a 300-step NumPy gradient-descent path). One headless Chromium (Debian's, through Playwright), 1280×800.
Every slider move of an app page is measured right after one of the floor page (floor, app, floor, app, …) so that
whatever else the machine does hits both alike, and every ratio is against the floor measured in the same run.
Times are taken in the page (performance.now()): from the key press (or the click) to

- picture changed: the chart's drawn SVG (its .main-svg, hashed) differs from before the press (on Trajectories the
  live drag's preview, drawn in the browser, counts: it is what the class sees);
- page idle: the picture changed, the server's new figure has arrived and Streamlit's script state (the stApp
  element's data-test-script-state, what the browser tests wait for) is back at notRunning.

Bytes per move: the websocket frames the page received from the press until idle (Chrome DevTools Protocol).
Also: section switches (Learning rate, Minima), the 3D switch on Trajectories and its slider in the 3D view, and the
first view of each page (from navigation start to the first chart drawn, in a second new browser page once the
server is warm).
This is a measurement, not a test: nothing here asserts a time.

    .venv/bin/python benchmarks/browser_latency.py [--presses 10] [--pages trajectories,minima]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("LLL_WARMUP", "0")  # as the tests run the app: no background compiling during the measurement

from browser import CHROMIUM, FLAGS, key_class, streamlit_server  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from lab.pages import PAGES  # noqa: E402
from links import learning_rate as lp  # noqa: E402
from links import minima as mp  # noqa: E402

FLOOR = Path(__file__).resolve().parent / "floor_page.py"
VIEWPORT = {"width": 1280, "height": 800}
# two pages (tabs) at once: neither may be throttled as a background tab
BENCH_FLAGS = [
    *FLAGS,
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
TIMEOUT = 180.0  # seconds for one move before it counts as lost


@dataclass(frozen=True)
class Slider:
    widget: str  # its widget key
    chart: str  # the chart whose picture it changes (its key)
    label: str  # what the table calls it
    key: str = "ArrowRight"  # the arrow pressed (a learning rate goes down: the runs stay stable)


# Each page's most-used slider: the one a lesson moves first.
SLIDERS = {
    "trajectories": Slider("gd.learning_rate", "contour", "Trajectories: gd.learning_rate", "ArrowLeft"),
    "learning_rate": Slider(  # the Sweep's "Learning rate to animate" (the sweep itself varies the rate)
        lp.lr_key(lp.default_scene("Sweep")),
        "learning_rate.sweep_run",
        f"Learning rate, Sweep: {lp.lr_key(lp.default_scene('Sweep'))}",
        "ArrowLeft",
    ),
    "minima": Slider("minima.gd.learning_rate", "minima.map0", "Minima, Basins: minima.gd.learning_rate", "ArrowLeft"),
    "networks": Slider("networks.w.steps", "networks.w.Smal", "Networks, See it whole: networks.w.steps"),
}
ARROWS = {"ArrowRight": "→", "ArrowLeft": "←"}  # the key pressed, as the table shows it
FLOOR_SLIDER = Slider("lr", "chart", "Floor: lr (select_slider, 60 rates)")
SECTIONS = {  # the section switch of a page and its labels as the control shows them
    "learning_rate": ("learning_rate.section", [lp.SHORT.get(s, s) for s in lp.SECTIONS]),
    "minima": ("minima.section", [mp.SHORT.get(s, s) for s in mp.SECTIONS]),
}
VIEW_3D, VIEW_CONTOUR = "3D surface", "Contour · animation"

# Installed in every document before its scripts: the first chart's time, and arm(chart, kind) for one measurement.
PROBE = """(() => {
  const B = window.__bench = {first: null, firstIdle: null, m: null};
  const hash = s => { let h = 2166136261; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i);
                      h = Math.imul(h, 16777619); } return (h >>> 0).toString(16) + ':' + s.length; };
  const state = () => { const a = document.querySelector('[data-testid=stApp]');
                        return a ? a.getAttribute('data-test-script-state') : null; };
  const charts = () => [...document.querySelectorAll('.js-plotly-plot')];
  const allDrawn = () => { const c = charts(); return c.length > 0 && c.every(g => g.querySelector('.main-svg')); };
  let ran = false;
  const first = new MutationObserver(() => {
    const s = state();
    if (s && s !== 'notRunning') ran = true;
    if (B.first === null && document.querySelector('.js-plotly-plot .main-svg')) B.first = performance.now();
    if (B.first !== null && ran && s === 'notRunning' && allDrawn()) {
      B.firstIdle = performance.now(); first.disconnect(); }
  });
  first.observe(document, {subtree: true, childList: true, attributes: true});

  // kind "svg": the chart's drawn SVG must change; "gl": the chart's WebGL scene must be drawn (two frames after
  // plotly.js built it); "glmove": the chart handed a new figure and drawn (two frames after); "any": every chart on
  // the page drawn. Then idle: the script ran and is notRunning.
  B.arm = (sel, kind) => {
    const m = B.m = {t0: null, changed: null, idle: null, ran: false, newData: null};
    const svg = () => { const c = document.querySelector(sel);
                        return c ? hash([...c.querySelectorAll('.main-svg')].map(e => e.outerHTML).join('')) : null; };
    const before = kind === 'svg' ? svg() : null, charts0 = charts();
    // a run so quick that React shows running and notRunning in one render leaves no trace in the attribute: a new
    // figure from the server or new chart elements also prove that the script ran (a new picture alone does not: the
    // live drag redraws the chart in the browser before the server answers)
    const plot = () => { const c = document.querySelector(sel); return c && c.querySelector('.js-plotly-plot'); };
    const data0 = plot() && plot().data;  // plotly.js replaces it when it is handed a new figure (restyle does not)
    const ran = () => m.ran || (kind === 'svg' && (plot() && plot().data) !== data0)
      || charts().length !== charts0.length || charts().some((g, i) => g !== charts0[i]);
    let dirty = false, waiting = false;
    const check = () => {
      if (m.t0 === null || m.idle !== null) return;
      const s = state(), now = performance.now();
      if (s !== 'notRunning') m.ran = true;
      if (m.changed === null) {
        if (kind === 'svg' && dirty) { dirty = false; const h = svg(); if (h !== null && h !== before) {
          m.changed = now; m.newData = (plot() && plot().data) !== data0; } }
        if (kind === 'gl' && !waiting) {
          const c = document.querySelector(sel), g = c && c.querySelector('.js-plotly-plot');
          const sc = g && g._fullLayout && g._fullLayout.scene && g._fullLayout.scene._scene;
          const canvas = c && c.querySelector('canvas');
          if (sc && sc.glplot && canvas && canvas.width > 0) {
            waiting = true;
            requestAnimationFrame(() => requestAnimationFrame(() => { m.changed = performance.now(); check(); }));
          }
        }
        if (kind === 'glmove' && !waiting && plot() && plot().data !== data0) {  // a new figure in the 3D scene
          waiting = true;
          requestAnimationFrame(() => requestAnimationFrame(() => { m.changed = performance.now(); check(); }));
        }
        if (kind === 'any' && ran() && s === 'notRunning' && allDrawn()) m.changed = now;
      }
      if (m.changed !== null && ran() && s === 'notRunning') { m.idle = Math.max(now, m.changed); stop(); }
    };
    const watch = new MutationObserver(records => {
      const c = document.querySelector(sel);
      if (c && records.some(r => c.contains(r.target))) dirty = true;
      check();
    });
    watch.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
    const timer = setInterval(check, 50);
    const stop = () => { watch.disconnect(); clearInterval(timer); };
    const start = () => { if (m.t0 === null) m.t0 = performance.now(); };
    window.addEventListener('keydown', start, {capture: true, once: true});
    window.addEventListener('pointerdown', start, {capture: true, once: true});
  };
})();"""


@dataclass
class Sample:
    picture: float | None  # seconds from the press to the new picture; None: it never came
    idle: float | None
    bytes: int
    suspect: bool = False  # the SVG changed while plotly.js still held the old figure (a resize, not the new picture)


@dataclass
class Series:
    label: str
    app: list[Sample] = field(default_factory=list)
    floor: list[Sample] = field(default_factory=list)  # the floor moves interleaved with these


# -- servers and pages --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def servers(*scripts: Path, timeout: float = 120.0):
    """`streamlit run` of each script on a free local port (tests/browser.py's server); their URLs once all answer."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(streamlit_server(timeout, script)) for script in scripts]


class Tab:
    """A browser page with the probe installed and a count of the websocket bytes it receives."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport=VIEWPORT)
        self.page.add_init_script(PROBE)
        self.received = 0
        cdp = self.page.context.new_cdp_session(self.page)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")
        t = time.perf_counter()
        self.page.goto(url, wait_until="commit")
        self.page.wait_for_function("window.__bench && window.__bench.firstIdle !== null", timeout=TIMEOUT * 1000)
        self.first, self.first_idle = (v / 1000 for v in self.page.evaluate("[__bench.first, __bench.firstIdle]"))
        self.wall = time.perf_counter() - t

    def _frame(self, event: dict) -> None:
        r = event["response"]
        self.received += len(base64.b64decode(r["payloadData"])) if r["opcode"] == 2 else len(r["payloadData"])

    def measure(self, selector: str, kind: str, act) -> Sample:
        """Arm the probe, act (a key press or a click), wait until idle; a Sample (None times if it never came)."""
        self.page.bring_to_front()
        self.page.evaluate("([s, k]) => __bench.arm(s, k)", [selector, kind])
        self.received = 0
        act()
        try:
            self.page.wait_for_function("__bench.m.idle !== null", polling=100, timeout=TIMEOUT * 1000)
        except PlaywrightTimeout:
            m = self.page.evaluate("__bench.m")
            print(f"  lost: {selector} {kind} {m}", flush=True)
            return Sample(None, None, self.received)
        self.page.wait_for_timeout(150)  # the DevTools events of the last frames
        m = self.page.evaluate("__bench.m")
        t0 = m["t0"]
        return Sample((m["changed"] - t0) / 1000, (m["idle"] - t0) / 1000, self.received, m["newData"] is False)

    def thumb(self, widget: str):
        """The slider's thumb, its expander opened if it is in a closed one."""
        box = self.page.locator(f".st-key-{key_class(widget)}")
        box.wait_for(state="attached", timeout=TIMEOUT * 1000)
        if not box.is_visible():
            box.locator("xpath=ancestor::details[1]/summary").click()
            box.wait_for(state="visible")
        return box.locator("input[type=range], [role=slider]").first

    def move(self, s: Slider, chart: str | None = None, kind: str = "svg") -> Sample:
        """One press of the slider's arrow (the other one at the end of its range); until its chart (or ``chart``)
        shows the new picture, and idle."""
        thumb = self.thumb(s.widget)
        now, lo, hi = thumb.evaluate("e => [e.value, e.min, e.max].map(Number)")
        key = s.key
        if now == (hi if key == "ArrowRight" else lo):
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        thumb.focus()
        return self.measure(f".st-key-{key_class(chart or s.chart)}", kind, lambda: self.page.keyboard.press(key))

    def choose(self, widget: str, option: str, kind: str = "any", selector: str = "body") -> Sample:
        """Click an option of a segmented control; until every chart (or the one of `selector`) is drawn and idle."""
        button = self.page.locator(f".st-key-{key_class(widget)}").get_by_role("radio", name=option, exact=True)
        return self.measure(selector, kind, button.click)

    def close(self) -> None:
        self.page.close()


def first_view(browser, url: str) -> tuple[float, float]:
    """A new browser page at url: seconds from navigation start to the first chart drawn, and to idle."""
    tab = Tab(browser, url)
    tab.close()
    return tab.first, tab.first_idle


# -- the run ------------------------------------------------------------------------------------------------------
def run(browser, app_url: str, floor_url: str, pages: list[str], presses: int) -> dict:
    out: dict = {"series": [], "sections": {}, "3d": [], "3d_moves": [], "first": {}}
    floor = Tab(browser, floor_url)
    out["first"]["floor"] = [(floor.first, floor.first_idle)]
    for _ in range(2):
        floor.move(FLOOR_SLIDER)
    for name in pages:
        page, s = PAGES[name], SLIDERS[name]
        print(f"{name}: {s.label} {ARROWS[s.key]}", flush=True)
        tab = Tab(browser, app_url + page.path)
        out["first"][name] = [(tab.first, tab.first_idle)]
        for _ in range(2):
            tab.move(s)
        series = Series(f"{s.label} {ARROWS[s.key]}")
        for _ in range(presses):
            series.floor.append(floor.move(FLOOR_SLIDER))
            series.app.append(tab.move(s))
        out["series"].append(series)
        if name in SECTIONS:
            widget, labels = SECTIONS[name]
            out["sections"][name] = [(label, tab.choose(widget, label).idle) for label in [*labels[1:], labels[0]]]
        if name == "trajectories":
            for _ in range(3):
                out["3d"].append(tab.choose("view", VIEW_3D, "gl", ".st-key-chart3d"))
                if not out["3d_moves"]:  # the same slider in the 3D view: its scene redrawn with the new race
                    out["3d_moves"] = [tab.move(s, "chart3d", "glmove") for _ in range(max(3, presses // 2))]
                tab.choose("view", VIEW_CONTOUR)
        tab.close()
        out["first"][name].append(first_view(browser, app_url + page.path))
    out["first"]["floor"].append(first_view(browser, floor_url))
    floor.close()
    return out


# -- the table ----------------------------------------------------------------------------------------------------
def ms(v: float | None) -> str:
    return "   lost" if v is None else f"{v * 1000:7.0f}"


def x(v: float | None, base: float | None) -> str:
    return "     " if v is None or not base else f"{v / base:5.1f}"


def stats(samples: list[Sample], what: str) -> tuple[float | None, float | None, int]:
    """Median and worst of the measured ones (a lost one counts as worst), and how many were lost."""
    vals = [getattr(s, what) for s in samples if getattr(s, what) is not None]
    lost = len(samples) - len(vals)
    if not vals:
        return None, None, lost
    return statistics.median(vals), (None if lost else max(vals)), lost


def report(out: dict, presses: int) -> None:
    floors = [f for s in out["series"] for f in s.floor]
    floor_idle = stats(floors, "idle")[0]
    print()
    print(f"Browser latency: headless Chromium {VIEWPORT['width']}x{VIEWPORT['height']}, {presses} presses per slider,")
    print("floor and app moves interleaved. ms; x = / the floor's median of the same measure (the floor moves")
    print("interleaved with that slider). Worst 'lost' = no new picture within the timeout.")
    print(f"load average before: {out['load'][0]:.2f}, after: {os.getloadavg()[0]:.2f}")
    print()
    head = f"{'page, section: slider key, arrow pressed':56} {'picture changed':^27} {'page idle':^27} {'kB/move':>7}"
    sub = f"{'':56} {'median':>7} {'x':>5} {'worst':>7} {'x':>5} {'median':>7} {'x':>5} {'worst':>7} {'x':>5}"
    print(head)
    print(sub)
    rows = [(f"{FLOOR_SLIDER.label} {ARROWS[FLOOR_SLIDER.key]} (all floor moves)", floors, floors)]
    rows += [(s.label, s.app, s.floor) for s in out["series"]]
    for label, samples, base in rows:
        cells = []
        for what in ("picture", "idle"):
            med, worst, lost = stats(samples, what)
            b = stats(base, what)[0]
            cells.append(f"{ms(med)} {x(med, b)} {ms(worst)} {x(worst, b)}")
        kb = statistics.median(s.bytes for s in samples) / 1000
        lost, suspect = sum(s.idle is None for s in samples), sum(s.suspect for s in samples)
        notes = [f"{lost} lost"] * bool(lost) + [f"{suspect} changed without a new figure"] * bool(suspect)
        print(f"{label:56} {cells[0]} {cells[1]} {kb:7.1f}" + (f"  ({', '.join(notes)})" if notes else ""))
    print()
    print(
        "Section switches (click until every chart is drawn and idle; "
        f"x = / floor move idle {ms(floor_idle).strip()} ms):"
    )
    for name, switches in out["sections"].items():
        done = [t for _, t in switches if t is not None]
        each = ", ".join(f"{label} {ms(t).strip()}" for label, t in switches)
        med = statistics.median(done) if done else None
        print(f"  {PAGES[name].title}: {each}; median {ms(med).strip()} ms = {x(med, floor_idle).strip()} x floor")
    if out["3d"]:
        times = [s.idle for s in out["3d"]]
        done = [t for t in times if t is not None]
        med = statistics.median(done) if done else None
        each = ", ".join("lost" if t is None else f"{t:.2f} s" for t in times)
        print(
            f"3D switch (Trajectories, '{VIEW_3D}' until its WebGL scene is drawn and idle): {each}; "
            f"median {med:.2f} s = {x(med, floor_idle).strip()} x floor move"
            if med
            else f"3D switch: {each}"
        )
    if out["3d_moves"]:
        done = [t.idle for t in out["3d_moves"] if t.idle is not None]
        each = ", ".join("lost" if t.idle is None else f"{t.idle:.2f} s" for t in out["3d_moves"])
        med = statistics.median(done) if done else None
        print(
            f"The same slider in the 3D view (until its scene is drawn anew and idle): {each}"
            + (f"; median {med:.2f} s = {x(med, floor_idle).strip()} x floor move" if med else "")
        )
    print()
    fwarm = out["first"]["floor"][1][0]
    print("First view (navigation start to the first chart drawn / to idle, s; x = / the floor's, warm):")
    for name, ((c1, ci), (w1, wi)) in out["first"].items():
        title = "Floor" if name == "floor" else PAGES[name].title
        print(
            f"  {title:26} first server visit {c1:6.2f} / {ci:6.2f}   warm (new browser page) {w1:6.2f} / {wi:6.2f}"
            f"   chart {x(w1, fwarm).strip()} x"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presses", type=int, default=10, help="measured presses per slider and page (default 10)")
    ap.add_argument("--pages", default=",".join(SLIDERS), help=f"comma-separated, of {', '.join(SLIDERS)}")
    args = ap.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if unknown := [p for p in pages if p not in SLIDERS]:
        ap.error(f"unknown pages {unknown}: choose from {', '.join(SLIDERS)}")
    t = time.perf_counter()
    load = os.getloadavg()
    with servers(ROOT / "app.py", FLOOR) as (app_url, floor_url), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BENCH_FLAGS)
        try:
            out = run(browser, app_url, floor_url, pages, args.presses)
        finally:
            browser.close()
    out["load"] = load
    report(out, args.presses)
    print(f"\n(whole run {time.perf_counter() - t:.0f} s)")


if __name__ == "__main__":
    main()
