"""The live view of notebook 1 (01_fan_in_variance): sliders for fan_in and the weight scale."""
from ..figures.fan_in import FanInPanel
from .core import LiveView, dropdown, log_slider, register_view

#: fan_in moves on a log scale in tenths of a decade (1, 10, 100 and 1000 sit on its grid), up to 10**3.6 = 3981
FAN_IN_STEP, FAN_IN_MAX = 0.1, 10 ** 3.6


@register_view
def explore_fan_in(seed=0):
    """Sliders for fan_in and the weight scale, and a choice of normal or uniform weights."""
    fan_in = log_slider("fan_in", 1000, 1, FAN_IN_MAX, step=FAN_IN_STEP)
    fan_in.readout_format = ".0f"         # the whole number of inputs the figure uses (it rounds the slider's value)
    controls = {
        "fan_in": fan_in,
        "scale": log_slider("weight scale", 1.0, 0.001, 10.0),
        "weights": dropdown("weights", ["normal", "uniform"]),
    }
    return LiveView(FanInPanel(), controls, fixed={"seed": seed})
