"""The literature's 2-D test functions, with their documented critical points, verified.

Every point below was refined by Newton's method on the gradient in float64 (and is re-checked by
tests/test_surfaces.py): published tables round, and some are wrong; the comments say where.
Lattices of points (Rastrigin, Ackley, Styblinski–Tang, Easom) are computed at import by surfaces/_points.py.
"""

from __future__ import annotations

import functools
import math
from itertools import product

import jax.numpy as jnp
import numpy as np

from surfaces._points import critical_points
from surfaces.base import Point, Surface, SurfaceParam, family
from surfaces.networks import TWO_PARAM_NET

PI, TAU, E = math.pi, 2 * math.pi, math.e
G, L = "global", "local"
SB = "Surjanovic & Bingham, Virtual Library of Simulation Experiments (sfu.ca/~ssurjano)"
JY = "Jamil & Yang, Int. J. Math. Modelling & Num. Optimisation 4:150 (2013)"
NEWTON = "other critical points found by a dense Newton search and refined in float64 here"


# -- convex quadratics: conditioning ------------------------------------------------------------------------------
def _quadratic_shape(x, y, theta):
    """½(x² + κy²) with theta = (κ,)."""
    return 0.5 * (x**2 + theta[0] * y**2)


def _valley_shape(x, y, theta):
    """½(u² + κv²), (u, v) = (x, y) rotated by theta = (angle in degrees, κ) (the values sorted by name)."""
    a = jnp.deg2rad(theta[0])
    c, s = jnp.cos(a), jnp.sin(a)
    return 0.5 * ((c * x + s * y) ** 2 + theta[1] * (c * y - s * x) ** 2)


def _quadratic(kappa: float) -> Surface:
    """½(x² + κy²): Hessian eigenvalues exactly 1 and κ."""
    return Surface(
        "quadratic",
        "Ill-conditioned quadratic",
        functools.partial(_quadratic_shape, theta=(kappa,)),
        ((-2.0, 2.0), (-2.0, 2.0)),
        shape=_quadratic_shape,
        latex=r"\tfrac12\left(x^2 + \kappa\, y^2\right)",
        lesson="Gradient descent must keep its step below 2/κ for the steep y direction, so the shallow x direction "
        "crawls: the condition number κ sets the speed (Adam's per-coordinate scaling undoes it, the valley being "
        "aligned with the axes).",
        minima=(Point(0.0, 0.0, 0.0, G),),
        starts=((-1.8, 1.2), (-1.8, 0.1), (0.2, 1.8)),
        log_color=kappa >= 100,
        source="The model problem of convergence theory (Nocedal & Wright, Numerical Optimization, 2006, §3.3)",
    )


def _narrow_valley(kappa: float, angle: float) -> Surface:
    """½(u² + κv²) in coordinates (u, v) rotated by `angle` degrees: the quadratic's valley turned off the axes."""
    return Surface(
        "narrow_valley",
        "Rotated narrow valley",
        functools.partial(_valley_shape, theta=(angle, kappa)),
        ((-2.0, 2.0), (-2.0, 2.0)),
        shape=_valley_shape,
        latex=r"\tfrac12\left(u^2 + \kappa v^2\right),\quad u = x\cos\theta + y\sin\theta,\ "
        r"v = y\cos\theta - x\sin\theta",
        lesson="Turn the ill-conditioned valley off the axes (θ = 45° by default) and Adam's per-coordinate scaling "
        "stops helping, as the steep and shallow directions now mix x and y; momentum, blind to the axes, still does.",
        minima=(Point(0.0, 0.0, 0.0, G),),
        starts=((-1.8, -1.4), (-1.6, -1.8), (1.2, 1.8)),
        log_color=kappa >= 100,
        source="The quadratic model rotated; Adam's preconditioner is diagonal (Kingma & Ba, ICLR 2015)",
    )


def _booth(x, y):
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def _matyas(x, y):
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


# -- saddles -------------------------------------------------------------------------------------------------------
def _saddle(x, y):
    return x**2 - y**2


def _monkey_saddle(x, y):
    return x**3 - 3 * x * y**2


# -- valleys and a few minima ----------------------------------------------------------------------------------------
def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _three_hump_camel(x, y):
    return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2


def _six_hump_camel(x, y):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2


def _mccormick(x, y):
    return jnp.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1


def _branin(x, y):
    return (y - 5.1 / (4 * PI**2) * x**2 + 5 / PI * x - 6) ** 2 + 10 * (1 - 1 / (8 * PI)) * jnp.cos(x) + 10


def _styblinski_tang(x, y, xp=jnp):
    return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)


def _goldstein_price(x, y):
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


# -- many minima ----------------------------------------------------------------------------------------------------
def _rastrigin(x, y, xp=jnp):
    """20 + Σ x² − 10 cos 2πx, written with 1 − cos 2πx = 2 sin² πx: no cancellation near the minima in float32."""
    return x**2 + y**2 + 20 * (xp.sin(PI * x) ** 2 + xp.sin(PI * y) ** 2)


def _cone(x, y):
    """√((x² + y²)/2), whose gradient at the tip is the subgradient 0 instead of NaN (the double-where trick)."""
    r2 = 0.5 * (x**2 + y**2)
    return jnp.where(r2 > 0, jnp.sqrt(jnp.where(r2 > 0, r2, 1.0)), 0.0)


def _ackley(x, y, xp=jnp):
    """−20e^{−0.2r} − e^{(cos 2πx + cos 2πy)/2} + e + 20, written with expm1: exactly 0 at the origin in float32."""
    r = _cone(x, y) if xp is jnp else xp.sqrt(0.5 * (x**2 + y**2))
    return -20 * xp.expm1(-0.2 * r) - E * xp.expm1(0.5 * (xp.cos(TAU * x) + xp.cos(TAU * y)) - 1)


def _levi_n13(x, y):
    """The sines are shifted by whole periods of sin² (sin² 3πx = sin² 3π(x − 1)): exactly 0 at (1, 1) in float32."""
    return (
        jnp.sin(3 * PI * (x - 1)) ** 2
        + (x - 1) ** 2 * (1 + jnp.sin(3 * PI * (y - 1)) ** 2)
        + (y - 1) ** 2 * (1 + jnp.sin(TAU * (y - 1)) ** 2)
    )


def _easom(x, y, xp=jnp):
    return -xp.cos(x) * xp.cos(y) * xp.exp(-((x - PI) ** 2) - (y - PI) ** 2)


def _lattice(f, seeds, domain, floor=None, square=False):
    return critical_points(functools.partial(f, xp=np), seeds, domain, floor, square)


# Rastrigin and Ackley: a critical point near every point of the half-integer lattice (minima near integers, maxima
# near half-integers, saddles between); Ackley's origin (the cone's tip) is not smooth and is added by hand.
_HALF = [k / 2 for k in range(-10, 11)]
_RASTRIGIN = _lattice(_rastrigin, product(_HALF, _HALF), ((-5.12, 5.12),) * 2, square=True)
_ACKLEY = _lattice(_ackley, [p for p in product(_HALF, _HALF) if p != (0, 0)], ((-5.0, 5.0),) * 2, 0.0, square=True)
# Separable: the critical points are the products of the 1-D ones (roots of 4x³ − 32x + 5).
_STYBLINSKI = _lattice(_styblinski_tang, product((-2.9, 0.16, 2.75), repeat=2), ((-5.0, 5.0), (-5.0, 5.0)))
# Easom = −g(x)g(y), g(t) = cos t·e^{−(t−π)²}: products of the roots of g' (tan t = −2(t − π)), and of g (cos t = 0).
_EASOM = _lattice(
    _easom, [*product((1.305, PI, 4.978), repeat=2), *product((PI / 2, 3 * PI / 2), repeat=2)], ((-1.0, 7.0),) * 2
)

SURFACES: dict[str, Surface] = {
    s.key: s
    for s in (
        family(_quadratic, (SurfaceParam("kappa", r"\kappa", 10, 1, 1000, log=True),)),
        family(
            _narrow_valley,
            (SurfaceParam("kappa", r"\kappa", 100, 1, 1000, log=True), SurfaceParam("angle", r"\theta", 45, 0, 90)),
        ),
        Surface(
            "booth",
            "Booth",
            _booth,
            ((-10.0, 10.0), (-10.0, 10.0)),
            latex=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
            lesson="A convex quadratic whose elliptical contours are tilted (Hessian eigenvalues 2 and 18): gradient "
            "descent gets there, zig-zagging across the valley.",
            minima=(Point(1.0, 3.0, 0.0, G),),
            starts=((-8.0, 8.0), (8.0, -8.0)),
            source=SB,
        ),
        Surface(
            "matyas",
            "Matyas",
            _matyas,
            ((-10.0, 10.0), (-10.0, 10.0)),
            latex=r"0.26\,(x^2 + y^2) - 0.48\,xy",
            lesson="Almost flat along the diagonal (Hessian eigenvalues 0.04 and 1): a "
            "small gradient does not mean the "
            "minimum is near.",
            minima=(Point(0.0, 0.0, 0.0, G),),
            starts=((-8.0, -6.0), (8.0, -4.0)),
            source=f"Matyas (1965); {SB}",
        ),
        Surface(
            "saddle",
            "Saddle",
            _saddle,
            ((-2.0, 2.0), (-2.0, 2.0)),
            latex=r"x^2 - y^2",
            lesson="A saddle point has zero gradient too: a run that starts near the "
            "x-axis is drawn in and leaves only "
            "slowly, and exactly on the axis gradient descent never leaves; there is no minimum.",
            saddles=(Point(0.0, 0.0, 0.0),),
            starts=((-1.8, 0.02), (-1.8, 0.0), (-1.0, 1.5)),
            source="The hyperbolic paraboloid",
        ),
        Surface(
            "monkey_saddle",
            "Monkey saddle",
            _monkey_saddle,
            ((-2.0, 2.0), (-2.0, 2.0)),
            latex=r"x^3 - 3xy^2",
            lesson="A degenerate saddle (the Hessian is zero there, three valleys meet): the gradient vanishes "
            "quadratically, so runs that approach it slow to a crawl before they leave down a valley.",
            saddles=(Point(0.0, 0.0, 0.0),),
            starts=((1.8, 0.06), (1.8, 0.0), (-0.5, 1.5)),
            source="Re (x + iy)³, the classic degenerate saddle",
        ),
        Surface(
            "rosenbrock",
            "Rosenbrock",
            _rosenbrock,
            ((-2.0, 2.0), (-1.0, 3.0)),
            latex=r"(1 - x)^2 + 100\,(y - x^2)^2",
            lesson="A curved, flat-bottomed banana valley: finding it is easy, following it to (1, 1) is slow without "
            "momentum.",
            minima=(Point(1.0, 1.0, 0.0, G),),
            starts=((-1.2, 1.0), (-1.5, 2.5), (1.5, -0.5)),
            log_color=True,
            source=f"Rosenbrock, Computer Journal 3:175 (1960), from whom the start (−1.2, 1) comes; {SB}",
        ),
        Surface(
            "beale",
            "Beale",
            _beale,
            ((-4.5, 4.5), (-4.5, 4.5)),
            latex=r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            lesson="Sharp ridges and long flat arms: the value spans five decades, so a step size that is safe on the "
            "ridges is tiny on the plateau.",
            minima=(Point(3.0, 0.5, 0.0, G),),
            saddles=(  # f is constant (909/64) on the line x = 0; (0, 1) exactly: ∂f/∂x = 0 there
                Point(0.10053793732415835, -2.644513585023125, 9.86451228475556),
                Point(0.0, 1.0, 14.203125),
            ),
            starts=((1.0, 1.5), (2.0, 2.0), (-1.0, 1.5)),
            log_color=True,
            source=f"Beale (1958); {SB}; saddles: {NEWTON}",
        ),
        Surface(
            "himmelblau",
            "Himmelblau",
            _himmelblau,
            ((-5.0, 5.0), (-5.0, 5.0)),
            latex=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            lesson="Four minima of equal depth: which one a run reaches depends on the start and on the optimizer's "
            "inertia, not on which is best.",
            minima=(  # published to 6 decimals (Himmelblau 1972, Wikipedia); refined here
                Point(3.0, 2.0, 0.0, G),
                Point(-2.805118086952745, 3.131312518250573, 0.0, G),
                Point(-3.779310253377747, -3.2831859912861696, 0.0, G),
                Point(3.5844283403304917, -1.8481265269644036, 0.0, G),
            ),
            saddles=(
                Point(3.385154183607021, 0.07385187983774928, 13.311926270405587),
                Point(0.08667750455539634, 2.884254701174776, 67.71915008752613),
                Point(-3.0730257507643897, -0.08135304428796751, 104.01516291755811),
                Point(-0.12796134673068005, -1.9537149802445766, 178.33723920192745),
            ),
            maxima=(Point(-0.27084459066734756, -0.9230385564799816, 181.6165215225827),),  # published 181.617
            starts=((1.0, 4.5), (-4.0, 4.0), (-0.3, -0.9)),  # from (1, 4.5) GD, momentum and Adam part ways
            source=f"Himmelblau, Applied Nonlinear Programming (1972); saddles: {NEWTON}",
        ),
        Surface(
            "three_hump_camel",
            "Three-hump camel",
            _three_hump_camel,
            ((-2.0, 2.0), (-2.0, 2.0)),
            latex=r"2x^2 - 1.05x^4 + \tfrac{x^6}{6} + xy + y^2",
            lesson="Two shallow side humps trap plain gradient descent; momentum or Adam can roll on into the global "
            "minimum at the origin.",
            # closed form: y = −x/2 and x² = 2.1 ± √0.91 (+: local minima, −: saddles)
            minima=(
                Point(0.0, 0.0, 0.0, G),
                Point(-1.7475523458302893, 0.8737761729151446, 0.2986384422368604, L),
                Point(1.7475523458302893, -0.8737761729151446, 0.2986384422368604, L),
            ),
            saddles=(
                Point(-1.0705422918236598, 0.5352711459118299, 0.8773615577631402),
                Point(1.0705422918236598, -0.5352711459118299, 0.8773615577631402),
            ),
            starts=((-1.5, -1.5), (1.9, -1.5)),
            source=f"{SB}; local minima and saddles: {NEWTON}",
        ),
        Surface(
            "six_hump_camel",
            "Six-hump camel",
            _six_hump_camel,
            ((-2.0, 2.0), (-1.0, 1.0)),
            latex=r"\left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + \left(4y^2 - 4\right)y^2",
            lesson="Six minima at three different depths (two global): the basin a run "
            "ends in depends on the optimizer, "
            "not only on the start.",
            minima=(  # published −1.0316 at (0.0898, −0.7126)
                Point(0.08984201310031806, -0.7126564030207396, -1.0316284534898774, G),
                Point(-0.08984201310031806, 0.7126564030207396, -1.0316284534898774, G),
                Point(-1.7036067149699807, 0.7960835686726252, -0.21546382438371725, L),
                Point(1.7036067149699807, -0.7960835686726252, -0.21546382438371725, L),
                Point(-1.6071047529201974, -0.5686514548841314, 2.1042503103112584, L),
                Point(1.6071047529201974, 0.5686514548841314, 2.1042503103112584, L),
            ),
            saddles=(
                Point(0.0, 0.0, 0.0),
                Point(-1.1092053368047865, 0.7682680925095398, 0.5437186009781851),
                Point(1.1092053368047865, -0.7682680925095398, 0.5437186009781851),
                Point(-1.6380679841897785, -0.22867406904439405, 2.2293571975307147),
                Point(1.6380679841897785, 0.22867406904439405, 2.2293571975307147),
                Point(-1.2960702671671092, -0.6050843880386585, 2.22947081802986),
                Point(1.2960702671671092, 0.6050843880386585, 2.22947081802986),
            ),
            maxima=(
                Point(-1.2302298765166526, -0.16233458445899496, 2.4962953510235772),
                Point(1.2302298765166526, 0.16233458445899496, 2.4962953510235772),
            ),
            starts=((-1.9, -0.2), (-1.5, -0.9), (0.0, 0.06)),
            source=f"Dixon & Szegő, Towards Global Optimisation 2 (1978); {SB}; saddles, maxima: {NEWTON}",
        ),
        Surface(
            "mccormick",
            "McCormick",
            _mccormick,
            ((-1.5, 4.0), (-3.0, 4.0)),
            latex=r"\sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1",
            lesson="The global minimum is global only inside the box: f falls without bound along x + y → −∞, so a run "
            "that overshoots the saddle with momentum can run away.",
            # separable in u = x + y, v = x − y: v = 1, cos u = −½. Published −1.9133 (Jamil & Yang); exact −√3/2 − π/3
            minima=(
                Point(0.5 - PI / 3, -0.5 - PI / 3, -math.sqrt(3) / 2 - PI / 3, G),
                Point(0.5 + 2 * PI / 3, 2 * PI / 3 - 0.5, 2 * PI / 3 - math.sqrt(3) / 2, L),
            ),
            saddles=(Point(0.5 + PI / 3, PI / 3 - 0.5, math.sqrt(3) / 2 + PI / 3),),
            starts=((3.5, 3.5), (-1.0, 3.0)),
            source=f"McCormick, Math. Programming 10:147 (1976); {JY}; {SB}",
        ),
        Surface(
            "branin",
            "Branin",
            _branin,
            ((-5.0, 10.0), (0.0, 15.0)),
            latex=r"\left(y - \tfrac{5.1}{4\pi^2}x^2 + \tfrac{5}{\pi}x - 6\right)^2 +"
            r" 10\left(1 - \tfrac{1}{8\pi}\right)"
            r"\cos x + 10",
            lesson="Three global minima strung along one curved valley: equally good answers, and the start decides "
            "which one you get.",
            # exact: on the valley floor y = 5.1x²/4π² − 5x/π + 6, at cos x = −1 (minima, 5/4π) and cos x = 1 (saddles)
            minima=(
                Point(-PI, 12.275, 5 / (4 * PI), G),
                Point(PI, 2.275, 5 / (4 * PI), G),
                Point(3 * PI, 2.475, 5 / (4 * PI), G),
            ),
            saddles=(Point(0.0, 6.0, 20 - 5 / (4 * PI)), Point(2 * PI, 1.1, 20 - 5 / (4 * PI))),
            starts=((-4.0, 3.0), (8.0, 14.0)),
            source=f"Branin, IBM J. Res. Dev. 16:504 (1972); {SB}",
        ),
        Surface(
            "styblinski_tang",
            "Styblinski–Tang",
            _styblinski_tang,
            ((-5.0, 5.0), (-5.0, 5.0)),
            latex=r"\tfrac12\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)",
            lesson="Four minima of different depths around a central maximum: the nearest "
            "minimum is often not the best.",
            # published −39.16599 per dimension (Surjanovic & Bingham); verified −39.16616570377142 (−78.33233 in 2-D)
            minima=_STYBLINSKI[0],
            saddles=_STYBLINSKI[1],
            maxima=_STYBLINSKI[2],
            starts=((4.5, 4.5), (0.0, -4.5), (0.3, 0.3)),
            source=f"Styblinski & Tang, Neural Networks 3:467 (1990); {SB}",
        ),
        Surface(
            "goldstein_price",
            "Goldstein–Price",
            _goldstein_price,
            ((-2.0, 2.0), (-2.0, 2.0)),
            latex=r"\left[1 + (x + y + 1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
            r"\left[30 + (2x - 3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]",
            lesson="Values from 3 to a million: gradients differ by orders of magnitude "
            "across the square, so no single "
            "learning rate suits plain gradient descent everywhere.",
            # all its critical points are rational; checked exactly (∇f = 0 in rational arithmetic)
            minima=(
                Point(0.0, -1.0, 3.0, G),
                Point(-0.6, -0.4, 30.0, L),
                Point(1.8, 0.2, 84.0, L),
                Point(1.2, 0.8, 840.0, L),
            ),
            saddles=(Point(-0.4, -0.6, 35.0), Point(1.2, -0.2, 99.0), Point(1.4, 0.6, 980.0), Point(0.6, 0.4, 990.0)),
            maxima=(Point(0.8, 0.2, 1155.0),),
            starts=((0.5, 0.5), (-1.5, -1.5), (1.0, 0.0)),
            log_color=True,
            source=f"Goldstein & Price, Math. Comp. 25:569 (1971); {SB}; saddles, maximum: {NEWTON}",
        ),
        Surface(
            "rastrigin",
            "Rastrigin",
            _rastrigin,
            ((-5.12, 5.12), (-5.12, 5.12)),
            latex=r"20 + x^2 - 10\cos 2\pi x + y^2 - 10\cos 2\pi y",
            lesson="A local minimum near every integer point: a gradient method settles in the nearest one unless "
            "its steps are large enough to jump the ridges.",
            minima=_RASTRIGIN[0],
            saddles=_RASTRIGIN[1],
            maxima=_RASTRIGIN[2],
            starts=((4.2, -3.8), (-2.3, 3.6), (0.6, 0.4)),
            source=f"Rastrigin (1974); {SB}; lattice of 121 minima, 220 saddles, 100 maxima computed here",
        ),
        Surface(
            "ackley",
            "Ackley",
            _ackley,
            ((-5.0, 5.0), (-5.0, 5.0)),
            latex=r"-20\,e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
            lesson="Ripples on a cone: local minima everywhere, yet the overall slope leads to the origin for a run "
            "with enough momentum; the cone's tip is not differentiable.",
            minima=((Point(0.0, 0.0, 0.0, G),) + _ACKLEY[0]),
            saddles=_ACKLEY[1],
            maxima=_ACKLEY[2],
            starts=((-3.5, 2.8), (2.3, -1.6), (4.6, 4.1)),
            source=f"Ackley, A Connectionist Machine for Genetic Hillclimbing (1987); {SB}; local minima, saddles, "
            "maxima computed here (jax.grad at the non-smooth origin gives the subgradient 0)",
        ),
        Surface(
            "levi_n13",
            "Lévi N.13",
            _levi_n13,
            ((-2.0, 4.0), (-2.0, 4.0)),
            latex=r"\sin^2 3\pi x + (x - 1)^2\left(1 + \sin^2 3\pi y\right) + (y - 1)^2\left(1 + \sin^2 2\pi y\right)",
            lesson="Ripples of two periods on a bowl: hundreds of local minima (not marked) stop gradient descent long "
            "before (1, 1), while momentum skips over some of them.",
            minima=(Point(1.0, 1.0, 0.0, G),),
            starts=((-1.5, 3.5), (-1.7, -1.7), (3.0, 3.0)),
            source=f"{SB} (Levy function N. 13); {JY}",
        ),
        Surface(
            "easom",
            "Easom",
            _easom,
            ((-1.0, 7.0), (-1.0, 7.0)),
            latex=r"-\cos x\,\cos y\;e^{-(x - \pi)^2 - (y - \pi)^2}",
            lesson="A needle in a flat plain: a few units from (π, π) the gradient is "
            "1e-5 or less and gradient descent "
            "stands still, while Adam's normalised steps still travel (to a shallow dimple, not to the needle).",
            minima=_EASOM[0],
            saddles=_EASOM[1],
            maxima=_EASOM[2],
            starts=((5.5, 5.8), (4.5, 4.0), (0.0, 6.0)),
            source=f"Easom (1990); {SB}; other critical points computed here",
        ),
        TWO_PARAM_NET,  # surfaces/networks.py: the loss of a real (if tiny) network
    )
}
