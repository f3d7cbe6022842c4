"""The live view of notebook 3 (03_the_fix): sliders for depth, width and a multiplier on the rule 1/sqrt(width)."""
import ipywidgets as widgets

from ..figures.fix import FixPanel
from .core import CONTROL_LAYOUT, LiveView, int_slider, register_view

#: the factor per layer moves in steps of 0.05 from 0.5 to 2: 0.9, 1 and 1.1 are two key presses apart
FACTOR_STEP = 0.05


def factor_slider(value=1.0, lo=0.5, hi=2.0):
    """The factor scale x sqrt(width) on a plain scale: the range spans a factor of 4, not decades."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=FACTOR_STEP, description="scale x sqrt(width)",
                               readout_format=".2f", style={"description_width": "initial"},
                               layout=widgets.Layout(**CONTROL_LAYOUT))


@register_view
def explore_fix(seed=0, n_seeds=5):
    """Sliders for depth, width and a multiplier around the rule scale = 1/sqrt(width)."""
    controls = {
        "depth": int_slider("depth", 100, 1, 1000),
        "width": int_slider("width", 100, 2, 1000, continuous=False),
        "multiplier": factor_slider(),
    }
    return LiveView(FixPanel(), controls, fixed={"seed": seed, "n_seeds": n_seeds})
