"""The preset library: every preset reads, its link round-trips through its page's codec, and each page opens at it."""

from __future__ import annotations

import html
import json

import pytest
from pages import figures, link, ok, open_preset
from streamlit.testing.v1 import AppTest

from lab.pages import PAGES, PRESETS
from links.library import read, read_folder
from links.scene import decode

PAGE_PATHS = {name: p.path for name, p in PAGES.items()}


def test_at_least_one_preset_per_page_and_the_issues_lessons_are_there():
    assert {p.page for p in PRESETS.values()} == set(PAGES)
    titles = " ".join(p.title.lower() for p in PRESETS.values())
    for lesson in (
        "too large a learning rate",
        "momentum through a narrow valley",
        "stuck in a local minimum",
        "escaping with noise",
        "newton finds the saddle",
        "zero initialisation",
    ):
        assert lesson in titles


@pytest.mark.parametrize("preset", list(PRESETS.values()), ids=lambda p: p.name)
def test_every_preset_round_trips_link_state_link(preset):
    """The page's own decoder reads the whole link (no notice) and its encoder writes the same link back: the link
    is canonical, so a preset opened and shared again stays the same preset."""
    codec = PAGES[preset.page].link
    state, notices = codec.decode(dict(preset.link))
    assert notices == []
    assert codec.encode(state) == dict(preset.link)
    assert codec.decode(codec.encode(state))[0] == state


def test_malformed_preset_files_are_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "bad.toml"
    for text, says in (
        ('title = "t"\npage = "nowhere"\nlesson = "l"', "page 'nowhere'"),
        ('title = "t"\npage = "minima"', "needs lesson"),
        ('title = "t"\npage = "minima"\nlesson = "l"\n[link]\nsteps = 5', "as text"),
        ("title = ", "bad.toml"),
    ):
        bad.write_text(text)
        with pytest.raises(ValueError, match=says):
            read(bad, PAGE_PATHS)
    good = tmp_path / "good.toml"
    good.write_text('title = "T"\npage = "minima"\nlesson = "L"\n[link]\nsection = "escape"\n')
    bad.unlink()
    assert read_folder(tmp_path, PAGE_PATHS)["good"].url == "/minima?section=escape"


@pytest.mark.xdist_group("presets")  # one worker opens every preset: the pages' caches then hold them for the rest
@pytest.mark.parametrize("preset", list(PRESETS.values()), ids=lambda p: p.name)
def test_the_menu_opens_each_preset_on_its_page_at_its_values(preset):
    at = AppTest.from_file("../app.py", default_timeout=300)
    at.run()
    at.button(key=f"preset.{preset.name}").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    lesson = [m.value for m in at.markdown if "lll-lesson" in m.value]  # the lesson, written on its page
    assert lesson and html.escape(preset.title) in lesson[0] and html.escape(preset.lesson) in lesson[0]
    assert link(at) == dict(preset.link)  # the page's widgets hold the preset: it writes the same link back
    if preset.page == "trajectories":
        scene, _ = decode(dict(preset.link))
        assert at.multiselect(key="optimizers").value == [r.optimizer for r in scene.runs]
        assert at.slider(key="steps").value == scene.steps
        fig = figures(at)[0]
        names = json.dumps([t.get("name") for t in fig["data"]], ensure_ascii=False)
        assert all(r.spec.title in names for r in scene.runs)


@pytest.mark.xdist_group("presets")  # on the worker whose page caches hold the presets (test_presets's menu)
@pytest.mark.parametrize("preset", [p for p in PRESETS.values() if p.page == "trajectories"], ids=lambda p: p.name)
def test_a_trajectories_preset_opened_from_its_url_shows_its_race(preset):
    at = open_preset(preset)  # the query string of the address, as a student's browser sends it
    ok(at)
    assert not at.toast and link(at) == dict(preset.link)
    scene, _ = decode(dict(preset.link))
    assert at.multiselect(key="optimizers").value == [r.optimizer for r in scene.runs]
    fig = figures(at)[0]
    start = [t for t in fig["data"] if t.get("name") == "start"]
    assert start and (start[0]["x"][0], start[0]["y"][0]) == pytest.approx(scene.start_point)
