"""What is descended: 2-D test surfaces (pure JAX, no plotting)."""

from surfaces.base import Point, Surface, SurfaceParam
from surfaces.classic import SURFACES
from surfaces.formula import FormulaError, from_formula

__all__ = ["SURFACES", "FormulaError", "Point", "Surface", "SurfaceParam", "from_formula"]
