"""The figures of the course: plain draw functions and panels, one module per notebook.

A figure only draws what :mod:`winit_helpers.maths` returns, and returns what it
drew, so a test can compare every curve, marker and theory line with the maths.
:mod:`.base` holds the :class:`~.base.Panel` every figure is built on.
"""
from .base import DPI, LIVE_DPI, Panel, png_bytes, steady_range

__all__ = ["DPI", "LIVE_DPI", "Panel", "png_bytes", "steady_range"]
