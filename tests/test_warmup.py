"""Compiling ahead (lab/warmup.py): what the install step primes, its stamp, and what a server warms at start."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import pytest

from charts import networks as nc
from lab import warmup
from links import networks as pg
from surfaces.datasets import DATASETS
from surfaces.networks import ACTIVATIONS


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("LLL_JAX_CACHE", str(folder))
    monkeypatch.setattr(warmup, "use_compilation_cache", lambda: None)  # the test process keeps its own cache
    monkeypatch.setattr(warmup, "let_go", lambda: None)  # and the programs and results it holds in memory
    return folder


def test_the_install_step_primes_the_servers_work_then_every_move_from_the_defaults():
    served, primed = warmup.work(), warmup.prime_work()
    assert [repr(a) for _, a in primed[: len(served)]] == [repr(a) for _, a in served]
    assert len(primed) > len(served)
    assert [repr(a) for _, a in warmup.first_work()] == [repr(a) for _, a in served[: len(warmup.first_work())]]


def test_every_networks_move_that_needs_programs_of_its_own_is_primed():
    states = list(nc.reachable_states())
    assert {s.section for s in states} == set(pg.SECTIONS)
    for section, labels in pg.COMPARE.items():
        assert {s.compare for s in states if s.section == section} == set(labels.values())
    for kind in pg.ON_AUGMENTATIONS:  # Train vs test: each augmentation at each strength (flip's share is a shape)
        for strength in pg.STRENGTHS[kind]:
            assert any(dict(s.change) == {"augmentation": kind, "strength": strength} for s in states)
    train = [s.scene for s in states if s.section == pg.TRAIN]
    assert any(s.batchnorm for s in train) and any(s.dropout > 0 for s in train)
    assert {s.activation for s in train} == set(ACTIVATIONS) and {s.dataset for s in train} == set(DATASETS)
    assert {s.optimizer.optimizer for s in train} == set(pg.NET_OPTIMIZERS)
    assert {(s.augmentation, s.strength) for s in train if s.augmentation != "none"} == {
        (k, v) for k, vs in pg.STRENGTHS.items() for v in vs
    }


def test_priming_stamps_the_cache_and_a_current_stamp_skips_it(cache, monkeypatch):
    ran = []
    monkeypatch.setattr(warmup, "prime_work", lambda: [(ran.append, 1), (ran.append, 2)])
    assert not warmup.primed()
    assert warmup.prime(say=lambda _: None) == 2 and ran == [1, 2]
    assert warmup.primed() and json.loads((cache / warmup.STAMP).read_text()) == warmup.fingerprint()
    assert warmup.prime(say=lambda _: None) == 0 and ran == [1, 2]  # current: nothing to do
    assert warmup.prime(say=lambda _: None, force=True) == 2


def test_priming_records_the_programs_it_looked_up_by_their_cache_keys(cache, monkeypatch):
    program = jax.jit(lambda x: 3 * x + 1)  # a program of its own: looked up in the persistent cache when first run
    monkeypatch.setattr(warmup, "prime_work", lambda: [(program, jnp.arange(7.0))])
    assert warmup.primed_programs() is None
    warmup.prime(say=lambda _: None)
    programs = warmup.primed_programs()
    assert len(programs) == 1 and next(iter(programs.values())).startswith("jit_")
    assert warmup.primed()
    (cache / warmup.PROGRAMS).unlink()
    assert not warmup.primed()  # a cache primed before programs were recorded: primed again
    with warmup.programs_looked_up() as seen:
        program(jnp.arange(7.0))  # in memory now: nothing looked up
        jax.jit(lambda x: x - 1)(jnp.arange(7.0))
    assert len(seen) == 1 and not set(seen) & set(programs)


def test_a_new_jax_clears_the_dead_entries_and_a_code_change_primes_again(cache, monkeypatch):
    monkeypatch.setattr(warmup, "prime_work", lambda: [])
    cache.mkdir()
    (cache / "old-entry").write_text("x")
    (cache / warmup.STAMP).write_text(json.dumps({**warmup.fingerprint(), "code": "older"}))
    assert not warmup.primed()
    warmup.prime(say=lambda _: None)
    assert (cache / "old-entry").exists() and warmup.primed()  # same JAX: its entries stay valid
    (cache / warmup.STAMP).write_text(json.dumps({**warmup.fingerprint(), "jax": "0.0.1"}))
    warmup.prime(say=lambda _: None)
    assert not (cache / "old-entry").exists() and warmup.primed()


def test_a_failing_job_is_told_and_leaves_the_cache_unstamped(cache, monkeypatch):
    def boom(_):
        raise RuntimeError("no")

    monkeypatch.setattr(warmup, "prime_work", lambda: [(boom, 1)])
    said = []
    warmup.prime(say=said.append)
    assert not warmup.primed() and any("failed" in line for line in said)


def test_the_code_fingerprint_follows_the_engine_sources(tmp_path, monkeypatch):
    for folder in warmup.ENGINE:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(warmup, "ROOT", tmp_path)
    before = warmup.fingerprint()
    (tmp_path / "optim" / "a.py").write_text("x = 2\n")
    assert warmup.fingerprint()["code"] != before["code"]
    assert warmup.fingerprint()["jax"] == before["jax"]


def test_the_warm_command_says_whether_the_cache_is_primed(cache, monkeypatch, capsys):
    from lab.__main__ import main

    monkeypatch.setattr(warmup, "prime_work", lambda: [])
    assert main(["warm", "--check"]) == 1 and "not primed" in capsys.readouterr().out
    assert main(["warm"]) == 0 and "Compiling the app's programs" in capsys.readouterr().out
    assert main(["warm", "--check"]) == 0 and "is primed" in capsys.readouterr().out
    assert main(["warm"]) == 0 and "is primed for this code" in capsys.readouterr().out


def test_a_server_with_a_primed_cache_warms_each_pages_default_view(cache, monkeypatch):
    from lab.pages import PAGES

    monkeypatch.setattr(warmup, "prime_work", lambda: [])
    warmed = []
    monkeypatch.setattr(warmup, "_default_figures", warmed.append)
    monkeypatch.setattr(warmup, "work", lambda: [(warmed.append, "everything")])
    warmup._warm()
    assert warmed == ["everything"]  # not primed: the first views and the later work
    warmup.prime(say=lambda _: None)
    warmed.clear()
    assert [(fn, p) for fn, p in warmup.default_views()] == [(warmup._default_figures, p) for p in PAGES.values()]
    monkeypatch.setattr(warmup, "default_views", lambda: [(warmed.append, p) for p in PAGES.values()])
    warmup._warm()
    assert warmed == list(PAGES.values())


def test_a_pages_first_visit_warms_its_other_sections_once(monkeypatch):
    from lab.pages import PAGES

    jobs = warmup.section_views(PAGES["minima"])
    assert [state.section for _, (_, state) in jobs] == ["Escape", "Saddles"]  # each at its defaults
    assert [s.section for _, (_, s) in warmup.section_views(PAGES["networks"])] == list(pg.SECTIONS[1:])
    assert warmup.section_views(PAGES["trajectories"]) == []  # its views share one computation
    ran = []
    monkeypatch.setattr(warmup, "_section_figures", ran.append)
    monkeypatch.setattr(warmup, "_visited", set())
    monkeypatch.setenv("LLL_WARMUP", "1")
    warmup.warm_page("minima").join()
    assert [state.section for _, state in ran] == ["Escape", "Saddles"]
    assert warmup.warm_page("minima") is None  # once a process
    monkeypatch.setenv("LLL_WARMUP", "0")
    assert warmup.warm_page("networks") is None  # the tests and the benchmarks: never


def test_the_warm_up_moves_each_control_of_a_scene_one_step_from_a_sections_defaults():
    from charts.scene import control_moves
    from links import learning_rate as lp
    from links import minima as mp
    from links import trajectories as tl
    from links.controls import by_field
    from links.scene import EXAMPLE_FORMULA
    from scenes.basins import GRIDS
    from scenes.scene import CUSTOM

    states = list(control_moves(tl, {"view": "both"}, tl.CONTROLS))
    assert {s.view for s in states} == {"both"}
    scenes = [s.scene for s in states]
    assert {s.surface for s in scenes} == set(by_field(tl.CONTROLS)["surface"].options)  # the default's: other moves
    assert [s.formula[0] for s in scenes if s.surface == CUSTOM] == [EXAMPLE_FORMULA]  # what the menu's entry shows
    assert sorted({s.steps for s in scenes}) == [490, 500, 510]  # one notch of the slider either way
    default = tl.decode({})[0].scene
    scheduled = [[r.optimizer for r in s.runs if r.schedule is not None] for s in scenes]
    assert sorted(k for ks in scheduled for k in ks) == sorted(r.optimizer for r in default.runs)  # one each
    added = {s.runs[-1].optimizer for s in scenes if len(s.runs) > len(default.runs)}
    assert added == set(by_field(tl.CONTROLS)["runs"].options) - {r.optimizer for r in default.runs}
    phase = [s.scene for s in control_moves(lp, {"section": "phase"}, lp.controls("Phase diagram"))]
    assert {s.runs[0].optimizer for s in phase} == set(lp.optimizers("Phase diagram"))  # a rule box: each rule
    assert all(r.schedule is None for s in phase for r in s.runs)  # the section keeps no schedule: none primed
    grids = {s.grid for _, s in warmup.prime_work() if isinstance(s, mp.State) and s.section == "Basins"}
    assert grids >= set(GRIDS)  # each grid of the basin maps is a shape of its own
