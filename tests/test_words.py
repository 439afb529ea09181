"""Words as a class reads them: link notices in plain words, counts that agree, no machine noise printed as values,
short outcome lines, one meaning per symbol."""

from __future__ import annotations

import re

import pytest

from lab.pages import PAGES

# What Python says when a conversion fails: never shown to a class.
PYTHON_TEXT = re.compile(
    r"invalid literal|could not convert|base 10|int\(\)|float\(\)|NoneType|unsupported operand|not supported between"
    r"|object has no|Traceback|Error\b|argument"
)

BAD_VALUES = ("abc", "5.5", "", "1e999", "nan", "-1", "9" * 30, "1,2,3", "0x10", "∞", "true")
# the parameters each page reads, beside the Scene's (steps, seed, start, opt, surface, a racer's, a schedule's)
PAGE_KEYS = {
    "trajectories": ("view",),
    "learning_rate": ("section", "lr", "beta"),
    "minima": ("section", "grid", "anneal", "saddle", "eps"),
    "networks": (
        *("section", "widths", "noise", "n", "act", "bn", "data_seed", "step", "strength", "scale", "l2"),
        *(
            "compare",
            "aug",
            "dropout",
            "adam.learning_rate",
            "init",
            "init_scale",
            "net",
            "point",
            "depth",
            "lam",
            "rho",
        ),
    ),
}
SCENE_KEYS = (
    "steps",
    "seed",
    "start",
    "opt",
    "surface",
    "domain",
    "gd.learning_rate",
    "adam.b1",
    "s.kappa",
    "gd.schedule",
    "momentum.momentum",
)
SECTIONS = {
    "learning_rate": ("sweep", "phase"),
    "minima": ("basins", "escape", "saddles"),
    "networks": ("backprop", "minibatch", "train", "test", "lasso", "init·bn", "depth", "sharpness"),
}


def _cases():
    for page, own in PAGE_KEYS.items():
        for section in (None, *SECTIONS.get(page, ())):
            for key in (*SCENE_KEYS, *own):
                for value in BAD_VALUES:
                    q = {key: value} if section is None or key == "section" else {"section": section, key: value}
                    if key == "gd.schedule":
                        q[key] = f"cosine,decay_steps={value}"
                    if key == "s.kappa":
                        q["surface"] = "quadratic"
                    if key == "domain":
                        q |= {"surface": "custom", "f": "x^2 + y^2"}
                    yield page, q


CASES = list(_cases())


@pytest.mark.parametrize("page", list(PAGE_KEYS))
def test_link_notices_are_plain_words_never_pythons(page):
    """Every bad value of every parameter a page reads: a notice in words (what the control accepts), never Python's
    exception text such as "invalid literal for int() with base 10"."""
    link = PAGES[page].link
    seen = 0
    for _, q in (c for c in CASES if c[0] == page):
        state, notices = link.decode(q)
        for n in notices:
            assert not PYTHON_TEXT.search(n), (q, n)
            assert "could not be used together" not in n, (q, n)  # a reader caught it, not the last line of defence
        seen += len(notices)
    assert seen > 50


@pytest.mark.parametrize(
    "page, q, notice",
    [
        (
            "trajectories",
            {"steps": "abc"},
            "steps='abc' in the link: steps must be a whole number from 10 to 2000; using 500",
        ),
        ("trajectories", {"steps": "5.5"}, "steps must be a whole number from 10 to 2000; using 500"),
        (
            "trajectories",
            {"steps": "123"},
            "steps=123 in the link: steps must be one of 10, 20, … 2,000 here; using 500",
        ),
        ("trajectories", {"seed": "x"}, "seed must be a whole number from 0 to 2147483647; using 0"),
        (
            "trajectories",
            {"gd.learning_rate": "fast"},
            "gd.learning_rate must be a number from 0.0001 to 1; using 0.01",
        ),
        ("trajectories", {"start": "a,b"}, "start must be 2 finite numbers separated by commas; using the surface's"),
        (
            "trajectories",
            {"gd.schedule": "cosine,decay_steps=abc"},
            "decay_steps must be a whole number; using a constant rate",
        ),
        ("trajectories", {"surface": "nope"}, "surface must be one of quadratic,"),
        ("learning_rate", {"section": "zz"}, "this page has Sweep, Regimes, Phase diagram, Momentum; using Sweep"),
        ("minima", {"grid": "q"}, "grid must be one of 100, 200, 300, 400, 600; using 200"),
        ("networks", {"section": "train", "bn": "maybe"}, "bn must be 1 (on) or 0 (off); using 0"),
    ],
)
def test_a_refused_value_says_what_the_control_accepts_and_what_is_used(page, q, notice):
    _, notices = PAGES[page].link.decode(q)
    assert any(notice in n for n in notices), notices


def test_a_count_of_one_is_singular_in_notices():
    _, notices = PAGES["minima"].link.decode({"section": "saddles", "surface": "saddle", "saddle": "3"})
    assert any("has 1 saddle point," in n for n in notices), notices


# -- outcome lines and captions ---------------------------------------------------------------------------------------
def _race_scenes() -> dict[str, object]:
    """Each page's default Scene and each preset's (the pages whose state holds a 2-D race), and races that diverge
    and that arrive in one step."""
    from lab.pages import PRESETS
    from scenes import RunSpec, Scene

    out = {}
    for name, page in PAGES.items():
        scene = getattr(page.link.decode({})[0], "scene", None)
        if isinstance(scene, Scene):
            out[f"{name} default"] = scene
    for preset in PRESETS.values():
        scene = getattr(PAGES[preset.page].link.decode(dict(preset.link))[0], "scene", None)
        if isinstance(scene, Scene):
            out[preset.name] = scene
    out["diverging"] = Scene(
        runs=(
            RunSpec("gd", (("learning_rate", 1.0),)),
            RunSpec("momentum", (("learning_rate", 0.5), ("momentum", 0.9))),
            RunSpec("sgd", (("eta", 10.0), ("gamma", 0.55), ("learning_rate", 0.5))),
        ),
        steps=100,
    )
    out["newton in one step"] = Scene(surface="quadratic", runs=(RunSpec.default("newton"),), steps=10)
    return out


@pytest.fixture(scope="module")
def races():
    """Those races computed, and the Minima page's escape race and saddle study (from the stable direction, exactly
    and perturbed) at their defaults."""
    from charts import minima as mf
    from scenes import compute
    from scenes import saddles as sd

    out = {name: compute(scene) for name, scene in _race_scenes().items()}
    minima = PAGES["minima"].link
    out["escape race"] = compute(mf.escape_scenes(minima.decode({"section": "escape"})[0].scene).race)
    study = sd.saddle_study(mf.saddle_scene(minima.decode({"section": "saddles"})[0].scene))
    return out | {"saddle exactly": study.exact, "saddle perturbed": study.perturbed}


# an exponent below the noise floor (scenes.text.NOISE_FLOOR = 1e−12), as num writes it ("6.55e−44") or Python does
TINY_EXPONENT = re.compile(r"e[−-](1[3-9]|[2-9]\d|\d{3})\b")


def test_outcome_lines_are_at_most_twenty_words_with_details_apart(races):
    from scenes.outcome import MAX_WORDS

    kinds = set()
    for name, result in races.items():
        for r in result.runs:
            kinds.add(r.outcome.kind)
            assert len(r.outcome.text.split()) <= MAX_WORDS, (name, r.outcome.text)
            assert r.outcome.detail == "" or r.outcome.detail.endswith("."), (name, r.outcome.detail)
    assert {"reached", "diverged", "approaching", "runaway"} <= kinds  # the cases that used to run longest
    diverged = next(r for r in races["diverging"].runs if r.spec.optimizer == "gd")
    assert diverged.outcome.text == f"diverged at step {diverged.diverged_at}" and "2/η" in diverged.outcome.detail


def test_counts_agree_and_machine_noise_is_never_printed(races):
    for name, result in races.items():
        said = " ".join([result.caption, *(r.outcome.detail for r in result.runs)])
        assert not re.search(r"\b1 steps\b", said), (name, said)
        assert not TINY_EXPONENT.search(said), (name, said)
    (newton,) = races["newton in one step"].runs
    assert newton.outcome.text == "reached the global minimum (0, 0) in 1 step", newton.outcome.text
    assert "10 steps:" in races["newton in one step"].caption


def test_no_count_is_printed_beside_a_plural_noun_by_hand():
    """Counts of steps reach the page through scenes.text.plural ("1 step", "19 steps"): no f-string writes
    "{n} steps" itself. (optim/schedules.py, below scenes, keeps its own agreeing _steps; a viz error names arrays.)"""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    by_hand = re.compile(r"\{[^{}]+\} steps\b|%\{[^}]+\} steps")
    allowed = {"optim/schedules.py", "viz/net_curves.py"}
    found = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in {"tests", "benchmarks"} or rel.startswith(".") or "/." in rel or rel in allowed:
            continue
        found += [f"{rel}: {line.strip()}" for line in path.read_text().splitlines() if by_hand.search(line)]
    assert not found, found


# -- log axes ----------------------------------------------------------------------------------------------------------
def test_log_axes_stop_twelve_decades_below_the_largest_value():
    """A distance or a loss that goes on shrinking into float32's underflow (to ~1e−45) does not drag the axis to
    1e−28: the rates chart ends the curve, the training curves sit on the floor."""
    import numpy as np
    from plotly_frames import decode

    from viz import THEMES
    from viz.net_curves import curves_figure
    from viz.rates import RateCurve, rates_figure

    t = np.arange(300)
    d = (5.0 * 0.7**t).astype(np.float32)  # 5 → underflow
    fig = rates_figure((RateCurve("#000000", "GD · η 0.1", d, 0.7, "0.7"),), THEMES["normal"]).to_plotly_json()
    lo, hi = fig["layout"]["yaxis"]["range"]
    assert hi - lo <= 13 and lo >= np.log10(5.0) - 12.6
    for trace in fig["data"]:
        assert decode(trace["y"]).min() > 5.0 * 1e-12
    escape = (1e-6 * 1.1 ** t[:150]).astype(np.float32)  # an escape from a 1e−6 offset is drawn from its start
    fig = rates_figure((RateCurve("#000000", "GD", escape, 1.1, "1.1"),), THEMES["normal"]).to_plotly_json()
    assert len(decode(fig["data"][0]["y"])) == 150

    loss = np.maximum(2.0 * 0.6 ** t.astype(np.float64), 1e-40).astype(np.float32)
    fig = curves_figure(t, [("train", loss, "#000000", "solid")], THEMES["normal"]).to_plotly_json()
    y = decode(fig["data"][0]["y"])
    assert np.nanmin(y) >= 2.0 * 1e-12 * (1 - 1e-6) and np.isfinite(y).all()


def test_figures_never_send_float32_underflow_as_a_position():
    """The racer's head hovers "(x, y)" with Plotly's own formatting: what it is sent near 0 must be 0."""
    import numpy as np

    from scenes.text import NOISE_FLOOR
    from viz import paths

    assert paths.NOISE_FLOOR == NOISE_FLOOR  # one floor for the text and the figures
    xy = np.array([[1.0, 2.0], [-6.55e-44, -6.91e-44], [1e-9, 0.5]], np.float32)
    p = paths.Path("#000000", "circle", "GD", xy, np.array([3.0, 1e-40, 0.1], np.float32))
    assert p.xy.dtype == np.float32 and p.xy.tolist()[1] == [0.0, 0.0] and p.xy[2, 0] == np.float32(1e-9)
    assert p.loss[1] == 0.0


def test_critical_points_and_the_landscape_hover_never_show_float_noise():
    import numpy as np

    from viz import THEMES
    from viz.contour import marker_traces
    from viz.paths import Marker

    m = Marker(-2.8e-17, 1.0, 3e-31, "global")
    assert (m.x, m.y, m.value) == (0.0, 1.0, 0.0)
    (trace,) = marker_traces((m,), THEMES["normal"])
    assert trace["x"] == [0.0] and trace["customdata"] == [0.0]
    assert np.float32(1e-9) == Marker(1e-9, 0, 0, "saddle").x  # a real small value stays


def test_a_bad_link_opens_the_page_with_its_notices_in_words():
    """The toast a class sees: what each control accepts and what stands in, for the app's parameters too."""
    from pages import open_link

    at = open_link("trajectories", {"steps": "abc", "theme": "dark", "hide": "steps,<b>"})
    told = " ".join(t.value for t in at.toast)
    assert "steps must be a whole number from 10 to 2000; using 500" in told, told
    assert "theme must be presenter or normal; using normal" in told and "hide='\\<b\\>'" in told, told  # as text
    assert not PYTHON_TEXT.search(told), told


SECTIONS = [
    ("trajectories", {}),
    *(("learning_rate", {"section": s}) for s in ("sweep", "regimes", "phase", "momentum")),
    *(("minima", {"section": s}) for s in ("basins", "escape", "saddles")),
    ("networks", {"section": "whole"}),
    ("networks", {"section": "backprop"}),
    ("networks", {"section": "depth"}),
    ("networks", {"section": "lasso"}),
    ("networks", {"section": "minibatch"}),
    ("networks", {"section": "sharpness"}),
]


@pytest.mark.parametrize(("page", "q"), SECTIONS, ids=[f"{p}-{q.get('section', '')}" for p, q in SECTIONS])
def test_captions_are_short_and_each_technical_term_is_glossed_once_where_first_used(page, q):
    from pages import open_link

    from scenes.glossary import CAPTION_WORDS, GLOSSARY, terms_in, words

    at = open_link(page, q)
    glosses = [c.value for c in at.caption if c.value.startswith("*") and "*: " in c.value]
    captions = [c.value for c in at.caption if c.value not in glosses]
    for text in captions:
        assert words(text) <= CAPTION_WORDS, text  # the rest is behind its ⓘ
    used = {t for text in captions for t in terms_in(text)} | {t for c in at.caption for t in terms_in(c.help or "")}
    glossed = [t for line in glosses for t in GLOSSARY if line.startswith(f"*{t}*:") or f" · *{t}*:" in line]
    assert sorted(glossed) == sorted(set(glossed)), glossed  # once a page
    assert used <= set(glossed), used - set(glossed)
