"""The live view of notebook 7 (07_framework_defaults): a framework's default, the activation, depth and width."""
from ..figures.base import MAX_DEPTH
from ..figures.frameworks import FrameworkPanel
from ..maths.frameworks import FRAMEWORKS
from .core import LiveView, dropdown, int_slider, register_view


@register_view
def explore_framework_defaults(seed=0):
    """Drop-downs for a framework's default and the activation; sliders for depth and width."""
    controls = {
        "framework": dropdown("default of", list(FRAMEWORKS)),
        "activation": dropdown("activation", ["relu", "linear", "tanh"]),
        "depth": int_slider("depth", 10, 1, MAX_DEPTH, continuous=False),
        "width": int_slider("width", 256, 10, 500, step=2, continuous=False),   # 50 x 500 x 500 weights stay drawn
    }
    return LiveView(FrameworkPanel(), controls, fixed={"seed": seed})
