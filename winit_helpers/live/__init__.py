"""The live views of the course: controls wired to a figure, redrawn in place.

:mod:`.core` holds :class:`~.core.LiveView`, the controls and the registry of
views; each ``explore_...`` function only wires controls to a figure of
:mod:`winit_helpers.figures`.
"""
from .core import VIEWS, LiveView, all_views, dropdown, int_slider, log_slider, register_view, steps_slider

__all__ = ["VIEWS", "LiveView", "all_views", "dropdown", "int_slider", "log_slider", "register_view", "steps_slider"]
