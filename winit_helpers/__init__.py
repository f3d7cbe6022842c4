"""winit_helpers: the simulation core and the live figures of the winit course.

The core is :func:`simulate` (data through a deep stack of random layers) and
:func:`fan_in_outputs` (one layer of neurons); the figures and sliders live in
:mod:`winit_helpers.views` and its siblings.
"""
from .simulate import (Simulation, fan_in_outputs, pow10_str, predicted_log10_std, predicted_output_std,
                       simulate)

__all__ = ["Simulation", "fan_in_outputs", "pow10_str", "predicted_log10_std", "predicted_output_std", "simulate"]
