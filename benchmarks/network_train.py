"""Network training speed: 500 full-batch Adam steps of a ~1,000-parameter tanh MLP (2 -> 32 -> 28 -> 1) on 400 moons,
optim.run (every step recorded, and every 10th) against an optax loop (lax.scan over optax.adam in one jit, every
step recorded) and a NumPy loop with hand-written backpropagation.

Goal: optim.run within about 1.2x of optax, and faster than NumPy. Run from the project root:
``.venv/bin/python benchmarks/network_train.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

from benchmarks.basin_speed import best_of  # noqa: E402
from optim import run  # noqa: E402
from surfaces.datasets import make_dataset  # noqa: E402
from surfaces.networks import Model, count_params, problem  # noqa: E402

STEPS, LR, WIDTHS = 500, 0.01, (32, 28)


def optax_runner(objective, steps: int):
    """The same work with optax: one jitted lax.scan of Adam steps recording the parameters and the loss each step."""
    tx = optax.adam(jnp.float32(LR), b1=jnp.float32(0.9), b2=jnp.float32(0.999))

    @jax.jit
    def train(p):
        def step(carry, _):
            p, s = carry
            value, g = jax.value_and_grad(objective)(p)
            u, s = tx.update(g, s, p)
            p = optax.apply_updates(p, u)
            return (p, s), (p, value)

        return jax.lax.scan(step, (p, tx.init(p)), None, steps)[1]

    return train


def numpy_train(params, x, y, steps: int, lr=LR, b1=0.9, b2=0.999, eps=1e-8):
    """Adam on a tanh MLP with binary cross-entropy from logits, the backward pass written out, float32."""
    p = [{k: v.copy() for k, v in layer.items()} for layer in params]
    m = [{k: np.zeros_like(v) for k, v in layer.items()} for layer in p]
    v = [{k: np.zeros_like(v) for k, v in layer.items()} for layer in p]
    n = np.float32(len(x))
    for t in range(1, steps + 1):
        hs = [x]
        for layer in p[:-1]:
            hs.append(np.tanh(hs[-1] @ layer["w"] + layer["b"]))
        z = (hs[-1] @ p[-1]["w"] + p[-1]["b"])[:, 0]
        dz = ((1 / (1 + np.exp(-z)) - y) / n)[:, None]  # d/dz of mean(softplus(z) - y z)
        grads = [None] * len(p)
        for i in range(len(p) - 1, -1, -1):
            grads[i] = {"w": hs[i].T @ dz, "b": dz.sum(0)}
            if i:
                dz = (dz @ p[i]["w"].T) * (1 - hs[i] ** 2)
        c1, c2 = 1 - b1**t, 1 - b2**t
        for layer, g, mi, vi in zip(p, grads, m, v, strict=True):
            for k in layer:
                mi[k] = b1 * mi[k] + (1 - b1) * g[k]
                vi[k] = b2 * vi[k] + (1 - b2) * g[k] ** 2
                layer[k] -= (lr * (mi[k] / c1) / (np.sqrt(vi[k] / c2) + eps)).astype(np.float32)
    return p


def main() -> None:
    data = make_dataset("moons", n=500, noise=0.1, test_fraction=0.2)  # 400 training points
    pr = problem(data, Model(WIDTHS, "tanh"))
    p0 = pr.init("xavier", seed=0)
    jnp.zeros(1).block_until_ready()
    print(
        f"MLP 2 -> {' -> '.join(map(str, WIDTHS))} -> 1 (tanh): {count_params(p0):,} parameters, "
        f"{len(data.x_train)} points, {STEPS} full-batch Adam steps (lr {LR}), {jax.devices()[0].platform}"
    )

    optax_train = optax_runner(pr.objective, STEPS)
    calls = {
        "ours, every step": lambda: run(pr.objective, "adam", start=p0, steps=STEPS, learning_rate=LR),
        "ours, every 10th": lambda: run(pr.objective, "adam", start=p0, steps=STEPS, record_every=10, learning_rate=LR),
        "optax": lambda: jax.block_until_ready(optax_train(p0)),
    }
    first = {}
    for k, fn in calls.items():
        t0 = time.perf_counter()
        fn()
        first[k] = time.perf_counter() - t0
    print("first call (compile + run): " + ", ".join(f"{k} {t:.2f} s" for k, t in first.items()))

    best, outs = best_of(calls)
    t_np, p_np = best_of({"numpy": lambda: numpy_train(p0, data.x_train, data.y_train, STEPS)}, repeats=3)
    for k, t in {**best, **t_np}.items():
        print(f"{k:18s} {t * 1e3:8.1f} ms")
    t_optax = best["optax"]
    print(f"ours (every step) / optax = {best['ours, every step'] / t_optax:.2f}   (goal <= 1.2)")
    print(f"ours (every 10th) / optax = {best['ours, every 10th'] / t_optax:.2f}")
    print(f"numpy / ours (every step) = {t_np['numpy'] / best['ours, every step']:.1f}")

    ours = jax.tree.map(lambda a: a[-1], outs["ours, every step"].xy)
    ref = jax.tree.map(lambda a: np.asarray(a[-1]), outs["optax"][0])
    diff = max(float(np.abs(a - b).max()) for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(ref), strict=True))
    diff_np = max(
        float(np.abs(a - b).max()) for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(p_np["numpy"]), strict=True)
    )
    loss_ours, loss_optax = outs["ours, every step"].loss[-1], float(pr.objective(ref))
    print(
        f"final parameters: max |ours - optax| = {diff:.1e}, max |ours - numpy| = {diff_np:.1e}; final training "
        f"loss ours {loss_ours:.4f}, optax {loss_optax:.4f}"
    )


if __name__ == "__main__":
    main()
