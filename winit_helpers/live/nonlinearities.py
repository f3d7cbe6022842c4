"""The live view of notebook 5 (05_nonlinearities_and_gains): the activation, the scheme, depth and width."""
from ..figures.base import MAX_DEPTH
from ..figures.nonlinearities import HistogramPanel
from ..maths.init import SCHEMES
from .core import LiveView, dropdown, int_slider, log_slider, register_view

#: the activations the drop-down offers
ACTIVATION_CHOICES = ["tanh", "relu", "linear", "sigmoid", "selu", "lecun_tanh"]


@register_view
def explore_activation_histograms(seed=0):
    """Sliders for the activation, the scheme, depth, width and a multiplier on the weights."""
    controls = {
        "activation": dropdown("activation", ACTIVATION_CHOICES),
        "scheme": dropdown("weights", list(SCHEMES), "lecun"),
        "multiplier": log_slider("x multiplier", 1.0, 0.01, 10.0),
        "depth": int_slider("depth", 10, 1, MAX_DEPTH, continuous=False),
        "width": int_slider("width", 500, 10, 500, step=10, continuous=False),   # 50 x 500 x 500 weights stay drawn
    }
    return LiveView(HistogramPanel(), controls, fixed={"seed": seed})
