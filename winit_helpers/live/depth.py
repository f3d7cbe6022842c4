"""The live view of notebook 2 (02_exploding_and_vanishing): sliders for depth, width and the weight scale."""
from ..figures.depth import DepthPanel
from .core import LiveView, int_slider, log_slider, register_view


@register_view
def explore_depth(seed=0):
    """Sliders for depth, width and the weight scale of a deep linear network."""
    controls = {
        "depth": int_slider("depth", 100, 1, 1000),
        "width": int_slider("width", 100, 2, 1000, continuous=False),
        "scale": log_slider("weight scale", 1.0, 0.001, 10.0),
    }
    return LiveView(DepthPanel(), controls, fixed={"seed": seed})
