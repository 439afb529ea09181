"""How it descends: update rules as (init, update) pairs, their registry, and batched trajectories. Pure JAX."""

from optim.registry import OPTIMIZERS
from optim.run import run
from optim.spec import Hyper, Optimizer, Trajectory

__all__ = ["OPTIMIZERS", "Hyper", "Optimizer", "Trajectory", "run"]
