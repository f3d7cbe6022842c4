"""The live view of notebook 1 (01_fan_in_variance): sliders for fan_in and the weight scale."""
from ..figures.fan_in import FanInPanel
from .core import LiveView, dropdown, log_slider, register_view, steps_slider

#: the fan_in a learner can pick: distinct whole numbers, roughly evenly spaced on a log scale (1, 2, 3, 5 in each
#: decade), so that every arrow-key press changes the figure; they hold every value notebook 1 and the guide name
#: (1, 10, 100, 1000) and the figure's grid of points
FAN_IN_STEPS = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 4000)


@register_view
def explore_fan_in(seed=0):
    """Sliders for fan_in and the weight scale, and a choice of normal or uniform weights."""
    controls = {
        "fan_in": steps_slider("fan_in", FAN_IN_STEPS, 1000),
        "scale": log_slider("weight scale", 1.0, 0.001, 10.0),
        "weights": dropdown("weights", ["normal", "uniform"]),
    }
    return LiveView(FanInPanel(), controls, fixed={"seed": seed})
