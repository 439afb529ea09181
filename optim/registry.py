r"""OPTIMIZERS: key -> Optimizer, the one table the widgets, the URL codec, the figures and the tests read.

Each row also carries the rule's look: one colour and marker per optimizer, the same on every page and in every
export, from Okabe & Ito's (2008) colour-blind-safe palette extended with Paul Tol's muted colours. Yellow is left
out: it vanishes on the light landscape.

Names and defaults of the hyperparameters are optax's (``inspect.signature(optax.adam)`` and friends); where optax
has no default (``learning_rate``; ``momentum``, which is ``None`` there) the default is chosen for an instructive
race on Himmelblau from (-4, 4) in 300 steps: none diverges and they visibly differ.
"""

from __future__ import annotations

from optim import rules
from optim.spec import Hyper, Optimizer


def _lr(default: float, lo: float = 1e-4, hi: float = 1.0) -> Hyper:
    return Hyper(
        "learning_rate",
        r"\eta",
        default,
        lo,
        hi,
        log=True,
        help="Step size: how far each update moves.",
        title="learning rate",
    )


_MOMENTUM = Hyper(
    "momentum",
    r"\beta",
    0.9,
    0.0,
    0.999,
    help="Fraction of the previous velocity kept each step (0: plain GD).",
    title="momentum",
)
_B1 = Hyper(
    "b1",
    r"\beta_1",
    0.9,
    0.0,
    0.999,
    help="Decay of the running mean of gradients (momentum).",
    title="first-moment decay",
)
_B2 = Hyper(
    "b2",
    r"\beta_2",
    0.999,
    0.0,
    0.9999,
    help="Decay of the running mean of squared gradients.",
    title="second-moment decay",
)
_ADAM_EPS = (
    Hyper(
        "eps",
        r"\epsilon",
        1e-8,
        0.0,
        1e-2,
        help="Added to the denominator for stability.",
        slider=False,
        title="stability constant",
    ),
    Hyper(
        "eps_root",
        r"\epsilon_{root}",
        0.0,
        0.0,
        1e-2,
        help="Added inside the square root.",
        slider=False,
        title="stability constant in the root",
    ),
)


def _weight_decay(default: float) -> Hyper:
    return Hyper(
        "weight_decay",
        r"\lambda",
        default,
        1e-5,
        1.0,
        log=True,
        help="Pull of each step towards the origin.",
        title="weight decay",
    )


# Kingma & Ba (2015): ε outside the root. optax's eps_root (inside the root) is 0 by default, and here: the same rule.
_ADAM_LATEX = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
\hat m_t &= \frac{m_t}{1-\beta_1^t}, \quad \hat v_t = \frac{v_t}{1-\beta_2^t} \\
\theta_{t+1} &= \theta_t - \eta\, %s
\end{aligned}"""
_ADAM_STEP = r"\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
_ADAM_NOTE = "optax.%s also adds ε_root inside the square root, √(v̂ₜ + ε_root): 0 by default, and here."

_OPTIMIZERS = (
    Optimizer(
        key="gd",
        title="Gradient descent",
        latex=r"\theta_{t+1} = \theta_t - \eta\, \nabla f(\theta_t)",
        summary="Steps straight downhill; too small a step crawls, too large a step oscillates or diverges.",
        init=rules.gd_init,
        update=rules.gd_update,
        hypers=(_lr(0.01),),
        color="#0072B2",  # Okabe & Ito blue
        symbol="circle",
    ),
    Optimizer(
        key="sgd",
        title="SGD (gradient noise)",
        latex=r"""\begin{aligned}
\theta_{t+1} &= \theta_t - \eta\, \left(\nabla f(\theta_t) + \xi_t\right) \\
\xi_t &\sim \mathcal{N}\!\left(0,\ \frac{\sigma_0^2}{(1+t)^{\gamma}}\right)
\end{aligned}""",
        summary="Gradient descent with annealed Gaussian noise: the jitter of minibatches, able to hop out of shallow "
        "minima.",
        note="As optax.noisy_sgd(learning_rate, eta, gamma): its eta is the noise variance σ₀², not a learning rate.",
        init=rules.sgd_init,
        update=rules.sgd_update,
        hypers=(
            _lr(0.01),
            # optax's default eta is 0.01: invisible on these surfaces (SGD would draw GD's path). At 100 (σ₀ = 10) the
            # mean distance between SGD's and GD's paths at η = 0.01 over the opening race's 500 steps is 3.5% of the
            # domain on its quadratic and 2.4% in the median over the catalogue (10 gave 1.1% and 1.1%: a line over
            # GD's); tests/test_lessons.py keeps it visible
            Hyper(
                "eta",
                r"\sigma_0^2",
                100.0,
                1e-4,
                1e3,
                log=True,
                help="Variance of the noise at the first step.",
                title="noise variance",
            ),
            Hyper(
                "gamma",
                r"\gamma",
                0.55,
                0.0,
                2.0,
                help="How fast the noise variance anneals: 0 keeps it constant.",
                title="noise annealing",
            ),
        ),
        color="#009E73",  # Okabe & Ito bluish green
        symbol="square",
        stochastic=True,
    ),
    Optimizer(
        key="momentum",
        title="Momentum (heavy ball)",
        latex=r"""\begin{aligned}
v_{t+1} &= \beta\, v_t - \eta\, \nabla f(\theta_t) \\
\theta_{t+1} &= \theta_t + v_{t+1}
\end{aligned}""",
        summary="A heavy ball that remembers its velocity: faster along valleys, overshoots and rolls through small "
        "bumps.",
        note="optax.sgd(momentum=β) sums gradients instead, mₜ = ∇f(θₜ) + βmₜ₋₁, θₜ₊₁ = θₜ − ηmₜ: the same steps "
        "at a constant η.",
        init=rules.momentum_init,
        update=rules.momentum_update,
        hypers=(_lr(0.002), _MOMENTUM),
        color="#D55E00",  # Okabe & Ito vermillion
        symbol="diamond",
        momentum_hyper="momentum",
    ),
    Optimizer(
        key="nesterov",
        title="Nesterov momentum",
        latex=r"""\begin{aligned}
v_{t+1} &= \beta\, v_t - \eta\, \nabla f(\theta_t + \beta\, v_t) \\
\theta_{t+1} &= \theta_t + v_{t+1}
\end{aligned}""",
        summary="Momentum that looks one step ahead, so it brakes before overshooting.",
        note="optax.sgd(nesterov=True), drawn here, tracks the look-ahead point θₜ + βvₜ instead: mₜ = ∇f(θₜ) + βmₜ₋₁, "
        "θₜ₊₁ = θₜ − η(∇f(θₜ) + βmₜ).",
        init=rules.momentum_init,
        update=rules.nesterov_update,
        hypers=(_lr(0.002), _MOMENTUM),
        color="#E69F00",  # Okabe & Ito orange
        symbol="triangle-up",
        momentum_hyper="momentum",
    ),
    Optimizer(
        key="adagrad",
        title="AdaGrad",
        latex=r"""\begin{aligned}
G_t &= \textstyle\sum_{s \le t} g_s^2 \\
\theta_{t+1} &= \theta_t - \eta\, \frac{g_t}{\sqrt{G_t} + \epsilon}
\end{aligned}""",
        note="optax.adagrad starts the sum at G₀ (initial_accumulator_value, 0.1) and puts ε inside the root: "
        "gₜ / √(G₀ + Gₜ + ε).",
        summary="Divides each coordinate's step by its accumulated gradient size: steep directions slow down, and "
        "all steps shrink over time.",
        init=rules.adagrad_init,
        update=rules.adagrad_update,
        hypers=(
            _lr(0.5, hi=2.0),
            Hyper(
                "initial_accumulator_value",
                "G_0",
                0.1,
                0.0,
                1.0,
                help="Starting sum of squares.",
                slider=False,
                title="initial sum of squares",
            ),
            Hyper(
                "eps",
                r"\epsilon",
                1e-7,
                0.0,
                1e-2,
                help="Added inside the root for stability.",
                slider=False,
                title="stability constant",
            ),
        ),
        color="#56B4E9",  # Okabe & Ito sky blue
        symbol="triangle-down",
    ),
    Optimizer(
        key="rmsprop",
        title="RMSProp",
        latex=r"""\begin{aligned}
v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2 \\
\theta_{t+1} &= \theta_t - \eta\, \frac{g_t}{\sqrt{v_t} + \epsilon}
\end{aligned}""",
        note="optax.rmsprop puts ε inside the root: gₜ / √(vₜ + ε).",
        summary="AdaGrad with a forgetting average of squared gradients: steps stay sign-like instead of fading away.",
        init=rules.rmsprop_init,
        update=rules.rmsprop_update,
        hypers=(
            _lr(0.01),
            Hyper(
                "decay", r"\rho", 0.9, 0.0, 0.999, help="Decay of the running mean of squared gradients.", title="decay"
            ),
            Hyper(
                "eps",
                r"\epsilon",
                1e-8,
                0.0,
                1e-2,
                help="Added inside the root for stability.",
                slider=False,
                title="stability constant",
            ),
        ),
        color="#CC79A7",  # Okabe & Ito reddish purple
        symbol="pentagon",
    ),
    Optimizer(
        key="adam",
        title="Adam",
        latex=_ADAM_LATEX % _ADAM_STEP,
        note=_ADAM_NOTE % "adam",
        summary="Momentum plus per-coordinate step sizes with bias correction: steps of about η whatever the "
        "gradient's scale.",
        init=rules.adam_init,
        update=rules.adam_update,
        hypers=(_lr(0.05), _B1, _B2, *_ADAM_EPS),
        color="#000000",  # Okabe & Ito black
        symbol="hexagon",
        momentum_hyper="b1",
    ),
    Optimizer(
        key="adamw",
        title="AdamW",
        latex=_ADAM_LATEX % (r"\left(" + _ADAM_STEP + r" + \lambda\, \theta_t\right)"),
        note=_ADAM_NOTE % "adamw",
        summary="Adam with decoupled weight decay: a steady pull towards the origin, independent of the gradient's "
        "scale.",
        init=rules.adam_init,
        update=rules.adamw_update,
        hypers=(
            _lr(0.05),
            _B1,
            _B2,
            *_ADAM_EPS,
            _weight_decay(1e-4),
        ),
        color="#882255",  # Paul Tol's wine
        symbol="star-square",
        momentum_hyper="b1",
    ),
    Optimizer(
        key="lion",
        title="Lion",
        latex=r"""\begin{aligned}
c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
\theta_{t+1} &= \theta_t - \eta\, \left(\operatorname{sign}(c_t) + \lambda\, \theta_t\right) \\
m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t
\end{aligned}""",
        summary="Moves every coordinate by exactly η in the sign of a blend of momentum and gradient: even strides on "
        "flat and steep ground alike, then a jitter of size η around the minimum.",
        init=rules.lion_init,
        update=rules.lion_update,
        hypers=(
            # Lion never settles: with optax's b2 = 0.99 its momentum first overshoots in long orbits, then it
            # jitters round the minimum in steps of η (the loss swinging between ~0 and ~0.02 here). At 0.016 the
            # orbits are over by step ~200 and the race ends below 1e-2 (as do ~70% of starts within 0.05 of
            # (-4, 4): where the jitter is at step 300 is luck); smaller steps still orbit at step 300, larger ones
            # jitter higher.
            _lr(0.016),
            Hyper(
                "b1",
                r"\beta_1",
                0.9,
                0.0,
                0.999,
                help="Weight of the momentum against the new gradient inside the sign (0: plain sign descent).",
                title="momentum weight",
            ),
            Hyper(
                "b2",
                r"\beta_2",
                0.99,
                0.0,
                0.999,
                help="Decay of the running mean of gradients that the momentum keeps.",
                title="momentum decay",
            ),
            _weight_decay(1e-3),
        ),
        color="#332288",  # Paul Tol's indigo
        symbol="bowtie",
        momentum_hyper="b1",
    ),
    Optimizer(
        key="newton",
        title="Newton (damped)",
        # δ, not λ, for the damping: λ is an eigenvalue on every page (λmax, λ₋, λ₊)
        latex=r"\theta_{t+1} = \theta_t - \eta\, \left(\nabla^2 f(\theta_t) + \delta I\right)^{-1} \nabla f(\theta_t)",
        summary="Jumps to the critical point of the local quadratic model: very fast near a minimum, and just as "
        "happily attracted to a saddle or a maximum.",
        init=rules.gd_init,
        update=rules.newton_update,
        hypers=(
            _lr(1.0, lo=1e-2, hi=1.0),
            Hyper(
                "damping",
                r"\delta",
                1e-3,
                1e-4,
                1e2,
                log=True,
                help="Added to the Hessian's diagonal.",
                title="damping",
            ),
        ),
        color="#999933",  # Paul Tol's olive
        symbol="cross",
        needs_hessian=True,
    ),
)

OPTIMIZERS: dict[str, Optimizer] = {o.key: o for o in _OPTIMIZERS}
