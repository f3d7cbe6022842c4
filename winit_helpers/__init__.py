"""winit_helpers: the maths, the training and the live figures of the winit course.

* :mod:`winit_helpers.maths`: numpy only, one concept a file (activations, gaussian, init,
  forward, theory, meanfield, isometry).
* :mod:`winit_helpers.training`: the networks that learn on the digits.
* :mod:`winit_helpers.figures`: one module per notebook; figures that draw what the maths returns.
* :mod:`winit_helpers.live`: the sliders, wired to those figures.
* :mod:`winit_helpers.exercises`: the exercises' self-checks.

The core is :func:`simulate` (data through a deep stack of random layers) and
:func:`fan_in_outputs` (one layer of neurons), importable from here.
"""
from .maths.forward import Simulation, fan_in_outputs, pow10_str, simulate
from .maths.theory import predicted_log10_std, predicted_output_std

__all__ = ["Simulation", "fan_in_outputs", "pow10_str", "predicted_log10_std", "predicted_output_std", "simulate"]
