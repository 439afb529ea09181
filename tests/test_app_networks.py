"""AppTest of the Networks page: every section at its defaults and at the extremes of its controls; each preset
opened from its link, at its values, writing back its link and drawing the export command's figures."""

from __future__ import annotations

import json

import pytest
from pages import figures, link, open_link, open_preset, widget
from streamlit.testing.v1 import AppTest

from lab.pages import PRESETS
from links import networks as pg
from links.slider_values import options
from optim import OPTIMIZERS

TIMEOUT = 300
SECTIONS = pg.SECTIONS


def networks_page(section: str = "See it whole") -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/networks.py").run()
    if section != SECTIONS[0]:
        at.segmented_control(key="networks.section").set_value(section).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_the_whole_two_parameter_network_zero_init_stalls_and_a_random_one_escapes():
    at = networks_page()
    assert len(figures(at)) == 2
    t = text(at)
    assert t.count("converged to the saddle point (0, 0) in 0 steps: not a minimum") == 3  # every racer, from zero
    assert "reached a global minimum" in t or "approaching a global minimum" in t
    at.select_slider(key="networks.w.scale").set_value(0.5)
    at.slider(key="networks.w.steps").set_value(2000).run()
    ok(at)
    at.multiselect(key="networks.w.optimizers").set_value([]).run()
    ok(at)
    assert "Choose at least one optimizer" in " ".join(i.value for i in at.info)


def test_backprop_writes_the_chain_rule_at_the_step_and_point_chosen():
    at = networks_page("Backprop")
    assert len(figures(at)) == 2  # the graph and the map
    t = text(at)
    assert "The chain rule at point 1" in t and "∂ℓ/∂w₁ = ∂ℓ/∂e · ∂e/∂ŷ · ∂ŷ/∂h · ∂h/∂z · ∂z/∂w₁" in t
    assert "The run's step 10 → 11 moved the weights by" in t
    at.slider(key="networks.b.step").set_value(0)
    at.slider(key="networks.b.point").set_value(40).run()
    ok(at)
    assert "Point 40 of 40, step 0" in figures(at)[0]["layout"]["title"]["text"]
    assert link(at) == {"section": "backprop", "step": "0", "point": "40"}
    at.radio(key="networks.b.net").set_value("xor").run()  # 4 points: the point is held to them
    ok(at)
    assert "∂ℓ/∂W₁₁" in text(at) and link(at)["point"] == "4" and link(at)["net"] == "xor"
    at.slider(key="networks.b.step").set_value(300).run()  # the run's last step: no step after it to compare
    ok(at)
    assert "moved the weights" not in text(at)
    at.radio(key="networks.b.net").set_value("tanh").run()  # 100 steps: the step is held to them
    ok(at)
    assert link(at).get("step") == "100"


def test_depth_compares_four_initialisations_layer_by_layer():
    at = networks_page("Depth")
    assert len(figures(at)) == 5  # the stds, then each initialisation's histograms
    assert "**zeros**: every activation and every gradient is exactly 0" in text(at)
    at.slider(key="networks.d.depth").set_value(20)
    at.radio(key="networks.d.activation").set_value("relu").run()
    ok(at)
    assert "at layer 20" in text(at) and link(at) == {"section": "depth", "depth": "20", "act": "relu"}
    at.toggle(key="networks.d.bn").set_value(True).run()
    ok(at)
    assert link(at)["bn"] == "1"


def test_ridge_and_lasso_draw_the_classic_picture_and_link_a_race_on_each_penalty():
    at = networks_page("Ridge & lasso")
    assert len(figures(at)) == 2
    t = text(at)
    assert "**Lasso** at λ 0.3: (0.907, 0), w₂ exactly 0 (from λ 0.216)" in t
    assert "no weight is ever exactly 0" in t and "surface=custom" in t and "abs%28x%29" in t
    at.select_slider(key="networks.r.lam").set_value(0.01).run()
    ok(at)
    assert "first 0 at λ 0.216" in text(at) and link(at) == {"section": "lasso", "lam": "0.01"}


def test_minibatch_sgd_against_full_batch_descent_by_epoch():
    at = networks_page("Minibatch")
    assert len(figures(at)) == 2
    t = text(at)
    assert "B 4: 10 steps an epoch, so 10 epochs are 100 steps of minibatch SGD against 10 steps" in t
    assert "Noise scale η/B = 0.025" in t
    at.slider(key="networks.m.step").set_value(99)
    at.slider(key="networks.m.epochs").set_value(2).run()  # 20 steps: the step shown is held to the last
    ok(at)
    assert link(at) == {"section": "minibatch", "epochs": "2", "step": "19"}
    at.select_slider(key="networks.m.batch").set_value(40).run()  # full batch: one step an epoch
    ok(at)
    assert "B 40: 1 step an epoch" in text(at) and "Noise scale η/B = 0.0025" in text(at)


def test_training_shows_fit_curves_both_landscapes_and_the_line():
    at = networks_page("Train")
    figs = figures(at)
    assert len(figs) == 5
    t = text(at)
    assert "parameters · step 500" in t and "accuracy train" in t
    assert "of the path's variance" in t and "strays up to" in t
    assert "Early stopping: the test loss was lowest at step" in t  # the default scene overfits (test_net.py)
    assert any(tr.get("name") == "lowest test loss" for tr in figs[1]["data"])  # its ★ on the curves
    pca = figs[3]
    path = next(tr for tr in pca["data"] if tr.get("mode", "").startswith("lines"))
    assert path is not None
    at.select_slider(key="networks.t.show").set_value(0).run()  # the fit at the start
    ok(at)
    assert "step 0:" in text(at)
    assert "Learning-rate range test:" not in text(at)  # on demand
    at.toggle(key="networks.t.range").set_value(True).run()
    ok(at)
    assert "Learning-rate range test: gradient descent from these initial weights" in text(at)
    assert any(a["text"] == "2/λmax at init" for a in figures(at)[2]["layout"]["annotations"])  # after fit, curves
    assert at.query_params.get("range") in ("1", ["1"])


def test_training_on_minibatches_says_its_epochs_and_draws_the_batchs_loss():
    at = networks_page("Train")
    at.select_slider(key="networks.t.batch").set_value(32).run()
    ok(at)
    assert "Each step's gradient comes from 32 of the 300 training points" in text(at)
    assert "Noise scale η/B = 0.00156" in text(at)
    assert link(at) == {"section": "train", "batch": "32"}
    pca = figures(at)[3]
    assert any(t.get("name") == "loss of step 498's batch (32 points)" for t in pca["data"])  # from the last record
    at.select_slider(key="networks.t.show").set_value(99).run()
    ok(at)
    assert any(t.get("name") == "loss of step 99's batch (32 points)" for t in figures(at)[3]["data"])


@pytest.mark.parametrize(
    "widths, message",
    [("8, 0", "at least one neuron"), ("eight", "whole numbers"), ("8,8,8,8,8", "at most 4 hidden layers")],
)
def test_bad_widths_are_told_and_nothing_is_trained(widths, message):
    at = networks_page("Train")
    at.text_input(key="networks.t.widths").set_value(widths).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert not figures(at)


@pytest.mark.parametrize("data", ["circles", "xor", "spiral", "blobs", "regression"])
def test_every_data_set_and_settings_at_their_extremes(data):
    at = networks_page("Train")
    at.selectbox(key="networks.t.data").set_value(data)
    at.select_slider(key="networks.t.noise").set_value(0.5)
    at.select_slider(key="networks.t.n").set_value(100)
    at.text_input(key="networks.t.widths").set_value("")  # a linear model
    at.selectbox(key="networks.t.activation").set_value("relu")
    at.selectbox(key="networks.t.opt").set_value("sgd").run()
    ok(at)
    at.text_input(key="networks.t.widths").set_value("64, 64")
    at.selectbox(key="networks.t.init").set_value("normal").run()
    at.select_slider(key="networks.t.init_scale").set_value(3.0)
    at.select_slider(key="networks.t.l2").set_value(0.1)
    at.select_slider(key="networks.t.l1").set_value(0.1)
    at.toggle(key="networks.t.bn").set_value(True)
    at.select_slider(key="networks.t.dropout").set_value(0.5)
    at.selectbox(key="networks.t.aug").set_value("mixup").run()
    ok(at)
    assert len(figures(at)) == 5


def test_a_learning_rate_that_blows_up_is_told():
    at = networks_page("Train")
    at.selectbox(key="networks.t.data").set_value("regression")
    at.selectbox(key="networks.t.activation").set_value("relu")
    at.selectbox(key="networks.t.opt").set_value("gd").run()
    h = OPTIMIZERS["gd"].hyper("learning_rate")
    at.select_slider(key="networks.t.gd.learning_rate").set_value(options(h.lo, h.hi, h.log, h.default)[-1]).run()
    assert not at.exception and not at.error
    assert any("too large for this network" in w.value for w in at.warning)


@pytest.mark.parametrize("what", ["L2 regularisation", "Augmentation"])
def test_train_vs_test_side_by_side(what):
    at = networks_page("Train vs test")
    at.radio(key="networks.v.what").set_value(what).run()
    ok(at)
    figs = figures(at)
    assert len(figs) == 6  # (off, on) × (train slice, test slice, curves)
    assert f"{what} off" in text(at) and f"{what} on" in text(at)
    slices = [f for f in figs if any(t.get("type") == "contour" for t in f["data"])]
    ranges = {(t.get("zmin"), t.get("zmax")) for f in slices for t in f["data"] if t.get("type") == "contour"}
    assert len(slices) == 4 and len(ranges) == 1  # one colour scale for the four
    said = {"L2 regularisation": "L2 regularisation lowered the test loss", "Augmentation": "did not lower the test"}
    assert any(said[what] in c.value for c in at.caption)  # the caption tells this run's outcome (test_lessons.py)


@pytest.mark.parametrize("what", ["Initialisation", "Batch norm", "Dropout"])
def test_switching_initialisation_batch_norm_or_dropout(what):
    at = networks_page("Init · BN · dropout")
    at.radio(key="networks.i.what").set_value(what).run()
    ok(at)
    table = at.dataframe[0].value
    assert "λmax at init" in table.columns and all(float(v.replace("−", "-")) > 0 for v in table["λmax at init"])
    if what == "Initialisation":
        units = dict(zip(table[""], table["distinct neurons, layer 1"], strict=True))
        assert units["zeros"] == units["constant 0.1"] == "1 of 16" and units["Xavier / Glorot"] == "16 of 16"
    n = len(table)
    assert len(figures(at)) == 1 + 2 * n
    if what == "Batch norm":  # the jump of λmax is explained, in the scene's numbers
        at_init = dict(zip(table[""], table["λmax at init"], strict=True))["with batch norm"]
        assert any("1/c²" in c.value and f"instead of {at_init}" in c.value for c in at.caption)


def test_sharpness_rises_to_two_over_eta():
    at = networks_page("Sharpness")
    chart, spectrum = figures(at)
    assert "2/η = 20" in json.dumps(chart["layout"]["annotations"], ensure_ascii=False)
    assert "the stability limit of gradient descent is 2/η = **20**" in text(at)
    assert [t["name"] for t in spectrum["data"]] == ["step 0", "step 670", "step 1330", "step 2000"]
    assert "The Hessian's whole spectrum (stochastic Lanczos quadrature, 1,153 parameters): step 0: λ from" in text(at)
    at.select_slider(key="networks.s.lr").set_value(1.0)
    at.slider(key="networks.s.steps").set_value(200).run()
    ok(at)


# -- the link ---------------------------------------------------------------------------------------------------------
def shown(state: pg.State) -> dict:
    """What each control must show for a State, by its key: the section switch and the page's own map
    (links/networks.py's widget_values, which the page uses to open a link)."""
    return ({} if state.section == pg.WHOLE else {"networks.section": state.section}) | pg.widget_values(state)


def trace_names(figs) -> list[list[str]]:
    return [[t.get("name") for t in f["data"]] for f in figs]


@pytest.mark.xdist_group("presets")  # the session's preset figures, and the page's cache warm from the menu's test
@pytest.mark.parametrize("preset", [p for p in PRESETS.values() if p.page == "networks"], ids=lambda p: p.name)
def test_a_preset_opens_at_its_values_writes_back_its_link_and_draws_the_exports_figures(preset, preset_figures):
    at = open_preset(preset)
    ok(at)
    state, _ = pg.decode(dict(preset.link))
    assert link(at) == dict(preset.link) and not at.toast  # nothing refused
    for key, value in shown(state).items():
        assert widget(at, key).value == value, key
    exported = preset_figures(
        preset.name
    )  # the export command's figures (charts.networks.figures of that state), in its order
    assert trace_names(figures(at)) == trace_names(f.to_plotly_json() for f in exported.values())


def test_moving_a_control_rewrites_the_link():
    at = open_link("networks", {"section": "train", "step": "30"})
    assert widget(at, "networks.t.show").value == 30 and link(at) == {"section": "train", "step": "30"}
    at.select_slider(key="networks.t.show").set_value(60).run()
    assert link(at) == {"section": "train", "step": "60"}
    at.select_slider(key="networks.t.show").set_value(500).run()  # the last step: the default, omitted
    assert link(at) == {"section": "train"}
    at.select_slider(key="networks.t.show").set_value(90).run()
    at.button(key="preset.pca-landscape").click().run()  # its link has no step: the slider goes to the end
    assert widget(at, "networks.t.show").value == 500 and link(at) == {"section": "train"}
    at.segmented_control(key="networks.section").set_value("See it whole").run()
    assert link(at) == {}
    at.slider(key="networks.w.steps").set_value(1000)
    at.multiselect(key="networks.w.optimizers").set_value(["adam", "gd"]).run()
    at.select_slider(key="networks.w.adam.learning_rate").set_value(0.1).run()
    ok(at)
    assert link(at) == {"opt": "adam,gd", "adam.learning_rate": "0.1", "steps": "1000"}
    at.button(key="preset.zero-initialisation").click().run()  # a preset's link: every control, not a part
    assert link(at) == {"steps": "2000"} and widget(at, "networks.w.optimizers").value == ["gd", "momentum", "adam"]


def test_a_bad_link_opens_the_page_tells_what_was_refused_and_writes_what_it_shows():
    at = open_link("networks", {"section": "train", "widths": "0", "noise": "abc", "opt": "lbfgs", "foo": "1"})
    ok(at)
    told = " ".join(t.value for t in at.toast)
    assert all(f"{k}=" in told for k in ("widths", "noise", "opt")) and "'foo' means nothing" in told
    assert widget(at, "networks.t.widths").value == "16, 16" and widget(at, "networks.t.opt").value == "adam"
    assert link(at) == {"section": "train"}


def test_every_network_run_is_held_to_a_work_budget_and_told_its_limit():
    """A link or the controls asking for more work than the page does in seconds (the issue's link took 166 s):
    the link's steps are cut to the most the budget allows, told with the limit; the controls say the limit in the
    page and train nothing."""
    from scenes import networks as net

    for section in (pg.TRAIN, pg.TEST, pg.VARIANTS, pg.SHARPNESS):
        state, notices = pg.decode({"section": section, "widths": "256,256,256,256", "n": "800", "steps": "2000"})
        assert state.scene.work <= net.WORK_BUDGET and any("at most 1.5e10" in n for n in notices), notices
    at = open_link("networks", {"section": "train", "widths": "128,128,128", "n": "800", "steps": "2000"})
    ok(at)
    told = " ".join(t.value for t in at.toast)
    assert "at most 150 steps" in told and widget(at, "networks.t.steps").value == 150, told
    at.text_input(key="networks.t.widths").set_value("256, 256, 256, 256").run()
    assert not at.exception and at.error and "too many even for the fewest steps" in at.error[0].value
    assert not figures(at)  # nothing trained
