"""The live views of notebook 9: dynamical isometry, LSUV and residual networks, each wiring controls to a panel of
:mod:`winit_helpers.figures.isometry`."""
from ..figures.isometry import LSUVPanel, ResidualPanel, SpectrumPanel
from ..maths.theory import RESIDUAL_RULES
from .core import LiveView, dropdown, int_slider, log_slider, register_view


@register_view
def explore_isometry(seed=0):
    """Depth, width, activation and q* of a critical network; orthogonal and Gaussian weights drawn side by side."""
    controls = {
        "depth": int_slider("depth", 16, 1, SpectrumPanel.max_depth),
        "width": int_slider("width", 100, 25, 250, step=25, continuous=False),
        "activation": dropdown("activation", ["tanh", "relu", "linear"]),
        "q_star": log_slider("tanh's q*", 0.1, 0.001, 4.0, continuous=False),
    }
    return LiveView(SpectrumPanel(), controls, fixed={"seed": seed})


@register_view
def explore_lsuv(seed=0):
    """Depth, width, activation, where LSUV measures, and the start (orthogonal as in the paper, or Gaussian)."""
    controls = {
        "depth": int_slider("depth", 10, 2, 30),
        "width": int_slider("width", 100, 20, 200, step=20, continuous=False),
        "activation": dropdown("activation", ["tanh", "relu"]),
        "measure": dropdown("measure", ["pre", "post"]),
        "start": dropdown("start", ["orthogonal", "gaussian"]),
    }
    return LiveView(LSUVPanel(), controls, fixed={"seed": seed})


@register_view
def explore_residual(seed=0):
    """Depth, width and the rule for the branch scale a."""
    controls = {
        "depth": int_slider("depth", 50, 1, ResidualPanel.max_depth, continuous=False),
        "width": int_slider("width", 100, 20, 200, step=20, continuous=False),
        "rule": dropdown("branch scale", list(RESIDUAL_RULES)),
    }
    return LiveView(ResidualPanel(), controls, fixed={"seed": seed})
