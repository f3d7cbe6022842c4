"""The live view of notebook 1 (01_fan_in_variance): sliders for fan_in and the weight scale."""
import ipywidgets as widgets

from ..figures.fan_in import FanInPanel
from .core import CONTROL_LAYOUT, LiveView, dropdown, log_slider, register_view

#: the fan_in a learner can pick: distinct whole numbers, roughly evenly spaced on a log scale (1, 2, 3, 5 in each
#: decade), so that every arrow-key press changes the figure; they hold every value notebook 1 and the guide name
#: (1, 10, 100, 1000) and the figure's grid of points
FAN_IN_STEPS = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 4000)


def steps_slider(description, steps, value, continuous=True):
    """A slider over a list of values (arrow keys move one step, and every step changes the value)."""
    if value not in steps:
        raise ValueError(f"{description}: the start value {value!r} must be one of the steps {list(steps)}")
    return widgets.SelectionSlider(options=list(steps), value=value, description=description,
                                   continuous_update=continuous, style={"description_width": "initial"},
                                   layout=widgets.Layout(**CONTROL_LAYOUT))


@register_view
def explore_fan_in(seed=0):
    """Sliders for fan_in and the weight scale, and a choice of normal or uniform weights."""
    controls = {
        "fan_in": steps_slider("fan_in", FAN_IN_STEPS, 1000),
        "scale": log_slider("weight scale", 1.0, 0.001, 10.0),
        "weights": dropdown("weights", ["normal", "uniform"]),
    }
    return LiveView(FanInPanel(), controls, fixed={"seed": seed})
