"""The figure of notebook 3 (03_the_fix): the depth figure with the scale set by the rule multiplier / sqrt(width).

With that scale each layer multiplies the std by ``multiplier`` (1 keeps it flat);
the figure is :class:`~winit_helpers.figures.depth.DepthPanel`'s, and the title
says the rule.
"""
from .._checks import check_positive_int
from ..maths.theory import rule_scale
from ..style import font_size
from .depth import DepthPanel, title_pad


class FixPanel(DepthPanel):
    """The same figure, with the scale set by the rule: scale = multiplier / sqrt(width)."""

    def update(self, depth=100, width=100, multiplier=1.0, *, n_seeds=5, n_samples=500, seed=0):
        width = check_positive_int("width", width)
        result = super().update(depth, width, float(rule_scale(width, multiplier)), n_seeds=n_seeds,
                                n_samples=n_samples, seed=seed)
        self.ax.set_title(f"depth {depth}, width {width}, scale {multiplier:.3g} / sqrt(width): "
                          f"theory std x {result.drawn['title']['growth']:.3g} per layer", fontsize=font_size(10),
                          pad=title_pad())
        result.drawn["title"]["multiplier"] = multiplier
        return result

    def prepare(self, stop, depth=100, width=100, multiplier=1.0, *, n_seeds=5, n_samples=500, seed=0):
        """:meth:`DepthPanel.prepare` for these settings (the runs at unit scale do not depend on the multiplier;
        how deep the first seed's largest |activation| is needed does)."""
        try:
            scale = float(rule_scale(check_positive_int("width", width), multiplier))
        except (TypeError, ValueError):
            return                      # update will say what is wrong, if the learner goes there
        super().prepare(stop, depth, width, scale, n_seeds=n_seeds, n_samples=n_samples, seed=seed)
