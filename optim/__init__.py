"""How it descends: update rules as (init, update) pairs, their registry, learning-rate schedules and batched
trajectories. Pure JAX."""

from optim.registry import OPTIMIZERS
from optim.run import run
from optim.schedules import Schedule
from optim.spec import Hyper, Optimizer, Trajectory

__all__ = ["OPTIMIZERS", "Hyper", "Optimizer", "Schedule", "Trajectory", "run"]
