r"""run(): trajectories of an update rule, many starts and hyperparameters at once, with exact, cheap divergence.

One compiled program per (objective, optimizer, shapes, which hyperparameters are swept, the number of records
rounded up to a bucket, schedule or not): starts, hyperparameter values, the seed, the steps recorded and a
learning-rate schedule (its kind and parameters, :mod:`optim.schedules`) are array arguments of fixed dtype and
shape, so a slider never recompiles, the steps slider included within a bucket (a network's run keeps at most 201
records: one program for every number of steps from 150 on). A schedule
multiplies the learning rate inside the loop, :math:`\eta_t = \eta\, m(t)` at update t (0-based, as optax counts);
without one the program has no schedule code at all.

A run is written unbatched (:func:`_one_run`: ``lax`` loops over steps) and ``jax.vmap`` over the named axis
``RUNS`` makes the batch; what does not depend on the run (Adam's :math:`\beta^t` for a shared :math:`\beta`, the
schedule's multiplier) stays a scalar, as in optax. Divergence is found in blocks:

* up to ``BLOCK`` steps run with no test. A bad iterate is made to stay bad instead: a point outside the safe box
  becomes NaN, a non-finite gradient is kept, and NaN propagates through every rule;
* at the block end (and at every recorded step) a ``psum`` over ``RUNS`` gives one unbatched scalar: did a run that
  was not yet frozen go bad? Only then is the block replayed from its start, one step at a time with a test and a
  freeze, so ``diverged_at`` is the exact first bad step and a frozen run repeats its last good point. A test and a
  freeze at every step cost about 40% on the basin benchmark (DESIGN.md); this stays within about 10% of optax.

A non-finite gradient where the loss is finite (a kink: Ackley's cone tip) is replaced by zero, a valid subgradient.

The one thing the block test can miss: a loss that is not finite at a finite point inside the box while its
gradient is finite (``log`` of a negative number), for a stretch of steps that ends before the block does; likewise
a non-finite gradient once the batch has met a kink. Making that stick too costs 30-70% (measured: the loss must
then be evaluated at every step), so it is not done. With ``record_every=1`` every step is tested: exact always.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.flatten_util import ravel_pytree

from optim.registry import OPTIMIZERS
from optim.schedules import Schedule, multiplier
from optim.spec import Optimizer, Trajectory
from surfaces.base import PROGRAM_CACHES
from surfaces.bound import split

BLOCK = 100  # steps between divergence tests on the fast path
DATA_SALT = 0x5EED  # a train objective's keys are folded from the run's key with this, apart from the rule's noise
PYTREE_BOX = 1e6  # a pytree objective's default safe box: |param| <= 1e6 elementwise


def run(
    objective: Any,
    optimizer: str | Optimizer,
    start: Any,
    steps: int,
    *,
    record_every: int = 1,
    seed: int = 0,
    safe_box: tuple[Any, Any] | None = None,
    batched: bool | None = None,
    schedule: Schedule | None = None,
    train_objective: Callable[[Any, jax.Array], Any] | None = None,
    **hyper: Any,
) -> Trajectory:
    r"""Descend ``objective`` from ``start`` for ``steps`` steps of ``optimizer`` and record the path.

    objective: a Surface (parameters are points of shape (2,)) or a differentiable scalar function of a pytree.
    start: a Surface's (2,) point or (M, 2) points; a pytree's parameters, with a leading batch axis M on every
        leaf when ``batched=True`` (for a Surface, ``batched`` is read off the shape).
    steps, record_every: records are taken at steps 0, k, 2k, ... and always at the last step.
    seed: the noise of stochastic rules; run i of a batch draws from ``fold_in(key(seed), i)``.
    safe_box: (lo, hi), each a scalar, an array broadcasting to one run's parameters, or a pytree like them; leaving it
        is divergence. Default: a Surface's ``safe_box()`` (its domain enlarged 10x), else |param| <= 1e6.
    schedule: a learning-rate schedule shared by every run: the rule sees ``learning_rate * m(t)`` at update t
        (``optax.<rule>(schedule.to_optax(learning_rate))``); a swept ``learning_rate`` sweeps the peak.
    train_objective: for a pytree objective only, ``(params, key) -> scalar``, a noisy version of it (dropout): its
        gradient drives the updates, with a fresh PRNG key every step (per run, from ``seed``), while ``objective`` is
        what is recorded and tested for divergence. Pass the same function object to reuse the compiled program.
        Either function may be a ``jax.tree_util.Partial(f, *data)``: then its data are traced arguments and new
        data of the same shapes do not recompile (:mod:`surfaces.bound`).
    hyper: the rule's hyperparameters by optax's names; missing ones take their defaults. Each is a scalar or a 1-D
        array of one value per run: M values with M starts, or M values sweeping one start.

    Returns a Trajectory of float32 NumPy arrays; a batch (several starts, or any 1-D hyperparameter) gets a leading
    axis M and ``diverged_at`` as an int array with -1 for runs that never diverged. A start that is itself bad
    (outside the safe box, or where the loss is not finite) diverges at step 0 and stays put. Between sparse records
    one rare case can go unnoticed (a NaN loss with a finite gradient that recovers, see the module docstring).

    A new objective function, optimizer or shape compiles (pass the same function object, not a fresh lambda, to
    reuse the program), and so do the first schedule after none and a number of records (``steps`` and
    ``record_every``) in another bucket (:func:`record_bucket`); new values of the starts, hyperparameters, seed,
    schedule (kind and parameters) and steps within a bucket do not.
    """
    opt = _optimizer(optimizer)
    if int(steps) != steps or steps < 0 or int(record_every) != record_every or record_every < 1:
        raise ValueError(f"steps must be an int >= 0 and record_every an int >= 1, got {steps!r}, {record_every!r}")
    values = _hyper_values(opt, hyper)
    if schedule is not None and not isinstance(schedule, Schedule):
        raise ValueError(f"schedule must be an optim.schedules.Schedule or None, got {type(schedule).__name__}")
    loss, theta, params, single, box = _problem(objective, start, batched, safe_box)
    if train_objective is not None and (_is_surface(objective) or not callable(train_objective)):
        raise ValueError("train_objective is a function (params, key) -> scalar, for a pytree objective only")
    if not all(np.isfinite(a).all() for a in jax.tree.leaves(params)):
        raise ValueError("start must be finite")

    params, hyper_m, single = _batch(params, values, single)
    lo, hi = (_box_like(b, params) for b in box)

    records = _record_steps(int(steps), int(record_every))
    train, train_args = (None, ()) if train_objective is None else split(train_objective)
    xy, losses, diverged = _trajectory(
        _segments(records),
        params,
        hyper_m,
        np.uint32(seed % 2**32),
        lo,
        hi,
        None if schedule is None else schedule.data(),
        theta,
        train_args,
        loss=loss,
        opt=opt,
        train=train,
    )
    kept = len(records)  # the bucket's padding records repeat the last one
    xy = jax.tree.map(lambda a: np.array(np.asarray(a)[0, :kept] if single else np.asarray(a)[:, :kept]), xy)
    losses = np.array(np.asarray(losses)[0, :kept] if single else np.asarray(losses)[:, :kept])
    diverged = np.array(diverged)
    if single:
        diverged = None if diverged[0] < 0 else int(diverged[0])
    return Trajectory(xy=xy, loss=losses, diverged_at=diverged, steps=records)


# -- arguments ---------------------------------------------------------------------------------------------------
def _optimizer(optimizer: str | Optimizer) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        return optimizer
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; known: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[optimizer]


def _hyper_values(opt: Optimizer, given: dict[str, Any]) -> dict[str, np.ndarray]:
    names = [h.name for h in opt.hypers]
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise ValueError(f"{opt.title} has no hyperparameter {', '.join(map(repr, unknown))}; it takes {names}")
    values = {**opt.defaults(), **given}
    out = {k: np.asarray(values[k], np.float32) for k in names}
    for k, v in out.items():
        if v.ndim > 1:
            raise ValueError(f"hyperparameter {k!r} must be a scalar or a 1-D array, got shape {v.shape}")
    return out


def _batch(params: Any, values: dict[str, np.ndarray], single: bool) -> tuple[Any, dict[str, np.ndarray], bool]:
    """(params with the batch's M on the leading axis, the hyperparameters as the program takes them, single?).

    M is the number of starts, or of the values a 1-D hyperparameter sweeps from one start (then the start is
    repeated and the run is no longer single)."""
    m = jax.tree.leaves(params)[0].shape[0]
    lengths = {v.shape[0] for v in values.values() if v.ndim == 1}
    if len(lengths) > 1 or (lengths and not single and lengths != {m} and lengths != {1}):
        raise ValueError(f"hyperparameter arrays must all have the batch's length {m}, got lengths {sorted(lengths)}")
    if single and lengths:  # one start swept over M hyperparameter values
        m, single = lengths.pop(), False
        params = jax.tree.map(lambda p: np.repeat(p, m, axis=0), params)
    # a shared value stays a scalar (so what depends on it alone, like Adam's beta^t, is computed once per step, not
    # once per run); a swept one is (M,). Shapes and dtypes are fixed either way: new values never recompile.
    return params, {k: np.array(np.broadcast_to(v, (m,))) if v.ndim else v for k, v in values.items()}, single


def _is_surface(objective: Any) -> bool:
    return all(hasattr(objective, a) for a in ("loss", "domain", "safe_box"))


def _problem(objective: Any, start: Any, batched: bool | None, safe_box: Any) -> tuple[Callable, Any, Any, bool, Any]:
    """(loss(params, theta) of one run's params, theta, params as a pytree with a leading batch axis, single?,
    (lo, hi)). theta is passed as data: a surface family's parameter values, a Partial objective's bound data, or
    empty."""
    if _is_surface(objective):
        p = np.asarray(start, np.float32)
        if p.ndim not in (1, 2) or p.shape[-1] != 2 or (batched is not None and batched != (p.ndim == 2)):
            raise ValueError(f"a surface's start is a point (2,) or points (M, 2), got shape {p.shape}")
        single = p.ndim == 1
        box = objective.safe_box() if safe_box is None else safe_box
        loss, theta = objective.traced()
        return loss, theta, p[None] if single else p, single, box
    if not callable(objective):
        raise ValueError(f"objective must be a Surface or a scalar function of a pytree, got {type(objective)}")
    params = jax.tree.map(lambda a: np.asarray(a, np.float32), start)
    leaves = jax.tree.leaves(params)
    if not leaves:
        raise ValueError("start has no parameters")
    single = not batched
    if single:
        params = jax.tree.map(lambda a: a[None], params)
    elif len({a.shape[:1] for a in leaves}) != 1 or leaves[0].ndim == 0:
        raise ValueError(f"batched=True needs one leading batch axis on every leaf, got {[a.shape for a in leaves]}")
    box = (-PYTREE_BOX, PYTREE_BOX) if safe_box is None else safe_box
    fn, args = split(objective)  # a Partial's data ride along as theta: new data, same program
    return _pytree_loss(fn), args, params, single, box


@functools.cache
def _pytree_loss(fn: Callable) -> Callable:
    def loss(params, theta):
        return fn(*theta, params)

    return loss


PROGRAM_CACHES.append(_pytree_loss)  # surfaces.base.forget_programs clears it with JAX's own


def _box_like(bound: Any, params: Any) -> Any:
    """A bound as a pytree like one run's params, each leaf a float32 array of that leaf's shape (fixed for jit)."""
    treedef = jax.tree.structure(params)
    leaves = treedef.flatten_up_to(bound) if jax.tree.structure(bound) == treedef else [bound] * treedef.num_leaves
    shapes = [a.shape[1:] for a in jax.tree.leaves(params)]
    return treedef.unflatten(
        [np.array(np.broadcast_to(np.asarray(b, np.float32), s)) for b, s in zip(leaves, shapes, strict=True)]
    )


def _record_steps(steps: int, every: int) -> np.ndarray:
    return np.unique(np.append(np.arange(0, steps + 1, every), steps)).astype(np.int32)


def record_bucket(records: int) -> int:
    """How many records a run of ``records`` records computes (the rest repeat its last): 2^k + 1, at least 17, so
    that the steps slider is data within a bucket and a program serves every run of up to twice as few records."""
    bucket = 17
    while bucket < records:
        bucket = 2 * bucket - 1
    return bucket


def _segments(records: np.ndarray) -> np.ndarray:
    """(B - 1, 2) int32: the steps each record's loop runs from and to, B = record_bucket(R); the padding ones run
    from the last step to itself (no step: a record of the last point again)."""
    ends = np.full(record_bucket(len(records)), records[-1], np.int32)
    ends[: len(records)] = records
    return np.stack([ends[:-1], ends[1:]], axis=1)


# -- the compiled program ----------------------------------------------------------------------------------------------
RUNS = "runs"  # the vmapped axis of runs; a psum over it gives the unbatched "did any run go bad" of a block


@functools.partial(jax.jit, static_argnames=("train", "loss", "opt"))
def _trajectory(
    segments,
    params,
    hyper,
    seed,
    lo,
    hi,
    schedule,
    theta,
    train_args,
    *,
    loss: Callable,
    opt: Optimizer,
    train: Callable | None,
):
    """Recorded params (M, R, ...), losses (M, R), diverged_at (M,) with -1 = never, R = len(segments) + 1 (each
    segment: the steps from one record to the next). ``schedule``: None or the
    schedule's data (shared by the runs: the multiplier is one unbatched scalar per step). ``theta``: the surface
    family's parameter values, data like the rest (a κ slider does not recompile)."""
    one = functools.partial(
        _one_run,
        seed=seed,
        lo=lo,
        hi=hi,
        schedule=schedule,
        loss=lambda p: loss(p, theta),
        segments=segments,
        opt=opt,
        train=None if train is None else lambda p, key: train(*train_args, p, key),
    )
    hyper_axes = {k: 0 if v.ndim else None for k, v in hyper.items()}
    return jax.vmap(one, in_axes=(0, hyper_axes), axis_name=RUNS)(params, hyper)


class _Progress(NamedTuple):
    """What one run carries from a record to the next (the scan's carry). Shapes are one run's: vmap adds the batch."""

    carry: tuple[Any, Any]  # (params, like one run's start; the rule's state, like its init(params))
    frozen: jax.Array  # () bool: the run went bad and keeps its last good point
    diverged: jax.Array  # () int32: its first bad step, -1 while there is none
    kinked: jax.Array  # () bool, one for the batch: a run was bad only for a kink (the fast mode now zeroes them)


class _Loop(NamedTuple):
    """The while loop's state between two records: blocks of steps, each taken fast (no test) or replayed one step at
    a time. ``t``, ``end``, ``replay_end`` and ``kinked`` are one for the batch (unbatched under vmap: lax control
    flow stays real), the others one per run."""

    t: jax.Array  # () int32, one for the batch: the next step to take
    end: jax.Array  # () int32, one for the batch: the record the loop runs to
    carry: tuple[Any, Any]  # (params, the rule's state), as in _Progress
    frozen: jax.Array  # () bool, as in _Progress
    diverged: jax.Array  # () int32, as in _Progress
    replay_end: jax.Array  # () int32, one for the batch: steps t < replay_end are replayed with a test and a freeze
    suspects: jax.Array  # () bool: the run was bad at the end of the last fast block
    kinked: jax.Array  # () bool, one for the batch, as in _Progress


def _one_run(
    params,
    hyper,
    *,
    seed,
    lo,
    hi,
    schedule,
    loss: Callable,
    segments,
    opt: Optimizer,
    train: Callable | None,
):
    """One run, written unbatched; vmap over RUNS makes the batch (only the block test looks across runs).

    A scan over the records; between two records a while loop of :func:`_advance` (blocks of steps, a replay where
    a run went bad); the record is the params and their loss."""
    step = _stepper(hyper, seed, lo, hi, schedule, loss, opt, train)
    ok = functools.partial(_ok, loss=loss, lo=lo, hi=hi)
    advance = functools.partial(_advance, step=step, ok=ok)

    def segment(c: _Progress, bounds) -> tuple[_Progress, tuple[Any, jax.Array]]:
        s = _Loop(bounds[0], bounds[1], c.carry, c.frozen, c.diverged, bounds[0], c.frozen, c.kinked)
        s = lax.while_loop(lambda s: s.t < s.end, advance, s)
        p = s.carry[0]
        return _Progress(s.carry, s.frozen, s.diverged, s.kinked), (p, loss(p))

    bad0 = ~ok(params)
    c = _Progress((params, opt.init(params)), bad0, jnp.where(bad0, 0, -1), jnp.bool_(False))
    c, (xs, values) = lax.scan(segment, c, segments)
    xs = jax.tree.map(lambda x0, x: jnp.concatenate([x0[None], x]), params, xs)
    return xs, jnp.concatenate([loss(params)[None], values]), c.diverged


def _stepper(hyper, seed, lo, hi, schedule, loss: Callable, opt: Optimizer, train: Callable | None) -> Callable:
    """``step(t, (params, state), fix) -> (params, state)``: update t of one run (vmapped over RUNS)."""
    run_key = jax.random.fold_in(jax.random.key(seed), lax.axis_index(RUNS))
    data_key = jax.random.fold_in(run_key, DATA_SALT)  # a train objective's noise (dropout), apart from the rule's

    def gradient(p, fix, t):
        """The gradient (of the train objective at step t, if any); where ``fix``, zero where it is not finite (a
        kink: the loss there is finite, see :func:`_advance`)."""
        grad = jax.grad(loss)(p) if train is None else jax.grad(train)(p, jax.random.fold_in(data_key, t))
        return jax.tree.map(lambda g: jnp.where(fix & ~jnp.isfinite(g), 0.0, g), grad)

    def step(t, carry, fix):
        p, state = carry
        if schedule is None:
            hyper_t = hyper
        else:  # the multiplier depends on t and the shared schedule only: an unbatched scalar
            hyper_t = {**hyper, "learning_rate": hyper["learning_rate"] * multiplier(t, schedule)}
        extra = {}
        if opt.stochastic:
            extra["key"] = jax.random.fold_in(run_key, t)
        if opt.needs_hessian:
            flat, unravel = ravel_pytree(p)
            h = jax.hessian(lambda q: loss(unravel(q)))(flat)
            extra["hessian"] = jnp.where(fix & ~jnp.isfinite(h), 0.0, h)
        updates, state = opt.update(gradient(p, fix, t), state, p, hyper_t, **extra)
        return jax.tree.map(_move, p, updates, lo, hi), state

    return step


def train_key(seed: int, t: int, run: int = 0) -> jax.Array:
    """The PRNG key ``run`` hands a train objective at update ``t`` (0-based, from the t-th point to the next) of run
    ``run`` of a batch (0: a single run) started with ``seed``: which minibatch, which dropout mask it drew."""
    run_key = jax.random.fold_in(jax.random.key(np.uint32(seed % 2**32)), run)
    return jax.random.fold_in(jax.random.fold_in(run_key, DATA_SALT), t)


def _move(x, u, a, b):
    """The one place updates are applied; a point outside the safe box [a, b] becomes NaN, so it stays bad."""
    y = x + u
    return jnp.where((y >= a) & (y <= b), y, jnp.nan)


def _ok(p, *, loss: Callable, lo, hi) -> jax.Array:
    """Finite loss and every parameter inside the safe box (NaN fails the comparisons)."""
    inside = jax.tree.map(lambda x, a, b: jnp.all((x >= a) & (x <= b)), p, lo, hi)
    return functools.reduce(jnp.logical_and, jax.tree.leaves(inside), jnp.isfinite(loss(p)))


def _freeze(frozen, old, new):
    """A frozen run keeps its point. Its optimizer state runs on, unused: selecting it per run would make
    batch-invariant state (Adam's beta^t) per run, which measured 1.6x slower on the basin benchmark."""
    return jax.tree.map(lambda x, y: jnp.where(frozen, x, y), old[0], new[0]), new[1]


def _any_run(flags) -> jax.Array:
    """True if any run of the batch has its flag: an unbatched scalar, so lax control flow stays real."""
    return lax.psum(flags.astype(jnp.int32), RUNS) > 0


def _advance(s: _Loop, *, step: Callable, ok: Callable) -> _Loop:
    """One block of steps with no test, or while replaying (t < replay_end) one step with a test and a freeze.

    A block that leaves a not-yet-frozen run bad is not taken: the loop stays at its start and replays it step by
    step. Both modes run the one loop below, so ``step`` is compiled once. The fast mode keeps non-finite
    gradients (NaN stays NaN, so the block-end test sees it); the replay, which freezes a run as soon as its
    loss is not finite, zeroes them: there they are kinks. Once a run of the batch was bad only for a kink
    (``kinked``), the fast mode zeroes them too. Both switches are unbatched scalars: a per-run switch measured
    2x slower.
    """
    replaying = s.t < s.replay_end
    n = jnp.where(replaying, 1, jnp.minimum(BLOCK, s.end - s.t))
    new = lax.fori_loop(s.t, s.t + n, lambda i, c: step(i, c, replaying | s.kinked), s.carry)
    bad = ~s.frozen & ~ok(new[0])
    rewind = ~replaying & _any_run(bad)
    newly = replaying & bad
    frozen = s.frozen | newly
    carry = jax.tree.map(lambda a, b: jnp.where(rewind, a, b), s.carry, _freeze(frozen, s.carry, new))
    t_next = jnp.where(rewind, s.t, s.t + n)
    suspects = jnp.where(rewind, bad, s.suspects)  # bad at the end of the fast block
    kinked = s.kinked | (replaying & (t_next == s.replay_end) & _any_run(suspects & ~frozen))
    diverged = jnp.where(newly, s.t + 1, s.diverged)
    replay_end = jnp.where(rewind, s.t + n, s.replay_end)
    return _Loop(t_next, s.end, carry, frozen, diverged, replay_end, suspects, kinked)
