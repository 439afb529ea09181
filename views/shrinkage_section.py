"""Networks → Ridge & lasso: the classic picture on a two-weight linear model (charts/shrinkage.py), the numbers it
shows, and a link that races the optimizers on each penalised loss (Trajectories, as a formula)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from charts import shrinkage as cs
from lab.pages import PAGES
from links import networks as pg
from scenes import shrinkage as sh
from scenes.text import num, point
from views import address_bar, screen
from views.common import Frame, caption, chart, chart_config, fitted
from views.widgets import choice_slider

P = pg.PREFIX[pg.SHRINK]
CONFIG = chart_config("ridge-lasso")


def controls() -> sh.ShrinkScene:
    d = sh.ShrinkScene()
    lam = choice_slider("λ, the penalty's weight", list(sh.LAMBDAS), d.lam, f"{P}lam", log=True)
    rho = choice_slider(
        "Correlation of the two features", list(sh.CORRELATIONS), d.rho, f"{P}rho", help="Of the 60 points' x₁, x₂."
    )
    seed = int(st.number_input("Seed of the data", *pg.SEEDS, d.seed, key=f"{P}seed"))
    return sh.ShrinkScene(float(lam), float(rho), seed)


def race_link(r: sh.Shrinkage, penalty: str) -> str:
    """Trajectories racing gradient descent, momentum and Adam on the penalised loss, typed in as a formula."""
    xs, ys = cs.square(r)
    q = {
        "surface": "custom",
        "f": sh.formula(r.problem, r.scene.lam, penalty),
        "domain": ",".join(f"{v:.3g}" for v in (xs[0], xs[-1], ys[0], ys[-1])),
        "opt": "gd,momentum,adam",
        "start": f"{xs[0] + 0.1 * (xs[-1] - xs[0]):.3g},{ys[-1] - 0.1 * (ys[-1] - ys[0]):.3g}",
    }
    return f"{PAGES['trajectories'].path}?{urlencode(q)}"


def words(r: sh.Shrinkage) -> str:
    lam = num(r.scene.lam)
    z1, z2 = r.paths.zeros
    zeros = sorted((v, name) for v, name in ((z1, "w₁"), (z2, "w₂")) if v is not None)
    gone = [name for v, name in zeros if v <= r.scene.lam]
    lasso_says = (
        f"{', '.join(gone)} exactly 0 (from λ {num(zeros[0][0])})" if gone else f"first 0 at λ {num(zeros[0][0])}"
    )
    return "  \n".join(
        [
            f"● **Least squares** {point(*r.ols)}.",
            f":blue[◆] **Ridge** at λ {lam}: {point(*r.ridge)}, length ‖w‖₂ {num(float((r.ridge**2).sum() ** 0.5))} "
            f"(least squares: {num(float((r.ols**2).sum() ** 0.5))}); no weight is ever exactly 0.",
            f":orange[■] **Lasso** at λ {lam}: {point(*r.lasso)}, {lasso_says}; every weight is 0 from λ "
            f"{num(r.problem.lam_max)} = max |xⱼᵀy|/N on.",
        ]
    )


def shrinkage_section(frame: Frame, theme) -> None:
    with frame.side:
        scene = controls()
    address_bar.add(pg.encode(pg.State(pg.SHRINK, whole=None, shrink=scene)))
    r = sh.shrinkage(scene)
    side, _ = fitted(1, reserve=330)
    figs = cs.figures(scene, theme, side=min(side, 620), legend=not screen.current().narrow)
    with frame.charts:
        with frame.main:  # on a phone the picture stays in view above the controls
            chart(figs["constraint"], config=CONFIG, key=f"{P}constraint")
        st.markdown(words(r))
        chart(figs["path"], config=CONFIG, key=f"{P}path")
        st.markdown(
            f"Race the optimizers on the penalised loss: [ridge's]({race_link(r, 'ridge')}) · "
            f"[lasso's]({race_link(r, 'lasso')}) (Trajectories, as a formula)."
        )
        caption(
            "The lasso's diamond has corners on the axes: the loss's contour usually touches it there, so a weight "
            "is exactly 0. The ridge's disc has none: it shrinks the weights' length and never zeroes one.",
            "Minimising the loss plus λ times a penalty is minimising the loss on a disc (L2) or diamond (L1) of the "
            "solution's own size: both are drawn, with the contour of the least-squares loss that touches each "
            "(dotted). With correlated features ridge shares the weight out: a weaker weight can grow before it "
            "shrinks. Tibshirani (1996); Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, §3.4.",
        )
