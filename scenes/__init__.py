"""The state of a figure (Scene) and the one road from it to what is drawn: compute(scene) -> Result."""

from scenes.compute import Landscape, Result, RunResult, compute, landscape
from scenes.scene import MAX_RUNS, STEP_RANGE, RunSpec, Scene

__all__ = ["MAX_RUNS", "STEP_RANGE", "Landscape", "Result", "RunResult", "RunSpec", "Scene", "compute", "landscape"]
