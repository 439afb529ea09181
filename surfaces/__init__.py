"""What is descended: 2-D test surfaces (pure JAX, no plotting)."""

from surfaces.base import Point, Surface, SurfaceParam
from surfaces.classic import SURFACES

__all__ = ["SURFACES", "Point", "Surface", "SurfaceParam"]
