"""The live view of notebook 1 (01_fan_in_variance): sliders for fan_in and the weight scale."""
from ..figures.fan_in import FanInPanel
from .core import LiveView, dropdown, int_slider, log_slider, register_view


@register_view
def explore_fan_in(seed=0):
    """Sliders for fan_in and the weight scale, and a choice of normal or uniform weights."""
    controls = {
        "fan_in": int_slider("fan_in", 1000, 1, 4000),
        "scale": log_slider("weight scale", 1.0, 0.001, 10.0),
        "weights": dropdown("weights", ["normal", "uniform"]),
    }
    return LiveView(FanInPanel(), controls, fixed={"seed": seed})
