"""The live view of notebook 4 (04_gradients_and_fan_out): the network's shape, the rule, the activation."""
from ..figures.gradients import INITS, SHAPES, ForwardBackwardPanel
from .core import LiveView, dropdown, log_slider, register_view


@register_view
def explore_forward_backward(seed=0):
    """Drop-downs for the network's shape, the initialisation and the activation; a multiplier slider."""
    controls = {
        "network": dropdown("network", list(SHAPES), "funnel: 784 -> 512 -> ... -> 32 -> 10"),
        "init": dropdown("weights", list(INITS), "Glorot: 2 / (fan_in + fan_out)"),
        "activation": dropdown("activation", ["linear", "tanh", "relu"]),
        "multiplier": log_slider("x multiplier", 1.0, 0.25, 4.0),
    }
    return LiveView(ForwardBackwardPanel(), controls, fixed={"seed": seed})
