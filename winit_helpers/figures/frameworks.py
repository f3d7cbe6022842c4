"""The figure of notebook 7 (07_framework_defaults): a square stack initialised the way a framework does by default.

:class:`FrameworkPanel` is notebook 4's forward/backward figure for ``depth``
layers of ``width`` units, with the weights of one of
:data:`~winit_helpers.maths.frameworks.FRAMEWORKS`; its heading gives the
rule's fan_in * Var(w), and its message the measured variance factor per layer.
"""
from .._checks import check_positive_int
from ..maths.frameworks import framework_rule

from .base import MAX_DEPTH, counted
from .gradients import ForwardBackwardPanel
from .limits import depth_axis_end, set_limits


class FrameworkPanel(ForwardBackwardPanel):
    """The same figure for a square stack of ``depth`` layers of ``width``, initialised by a framework's default.

    As a live figure it keeps its axes steady (whole decades; the depth axis on a ladder) and its legends in a band
    above the data, so most moves redraw only the curves and the heading.
    """

    def update(self, framework="PyTorch nn.Linear", activation="relu", depth=10, width=256, *, n_samples=100,
               seed=0):
        rule = framework_rule(framework)
        depth = check_positive_int("depth", depth)
        if depth > MAX_DEPTH:
            raise ValueError(f"depth must be at most {MAX_DEPTH} for this figure, got {depth}")
        width = check_positive_int("width", width)
        result = super().update((width,) * (depth + 1), framework, activation, n_samples=n_samples, seed=seed)
        for ax in (self.ax_f, self.ax_b):     # the y axes are steady already (ForwardBackwardPanel.update)
            set_limits(ax, x=(0.5, depth_axis_end(depth)))
        var = width * rule.std(width, width) ** 2
        # normal weight, and short: the longest framework's name still fits the projector style's width
        self.heading.set_fontweight("normal")
        self.heading.set_text(f"{framework}, {counted(depth, activation + ' layer')} of {width}, "
                              f"weights only (no bias): fan_in Var(w) = {var:.3g}")
        result.drawn["heading"] = {"fan_in_var": var}
        if depth > 1:
            # the measured std ratio over depth - 1 layers, as a variance factor per layer
            per_layer = (result.stats.z_std[-1] / result.stats.z_std[0]) ** (2 / (depth - 1))
            result.drawn["message"]["per_layer"] = per_layer
            result.message = (f"{framework} with {activation}, weights only (bias left out): each layer multiplies the variance by about "
                              f"{per_layer:.3g}. " + result.message)
        return result
