"""The live views of notebook 9: dynamical isometry, LSUV and residual networks, each wiring controls to a panel of
:mod:`winit_helpers.figures.isometry`."""
from ..figures.isometry import LSUVPanel, ResidualPanel, SpectrumPanel
from ..maths.theory import RESIDUAL_RULES
import ipywidgets as widgets

from .core import CONTROL_LAYOUT, LiveView, dropdown, int_slider, register_view

#: the q* a learner can pick: roughly evenly spaced on a log scale from 0.001 to 4, holding exactly every value the
#: notebook's questions name (0.1 the default, 1.5, 1.9 and 2 around where orthogonal weights stop helping)
Q_STAR_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 1.9, 2.0, 3.0, 4.0)


def q_star_slider(value=0.1):
    """A slider over :data:`Q_STAR_STEPS` (log-like steps; arrow keys move one step), redrawn on release."""
    return widgets.SelectionSlider(options=list(Q_STAR_STEPS), value=value, description="tanh's q*",
                                   continuous_update=False, style={"description_width": "initial"},
                                   layout=widgets.Layout(**CONTROL_LAYOUT))


@register_view
def explore_isometry(seed=0):
    """Depth, width, activation and q* of a critical network; orthogonal and Gaussian weights drawn side by side."""
    controls = {
        "depth": int_slider("depth", 16, 1, SpectrumPanel.max_depth),
        "width": int_slider("width", 100, 25, 250, step=25, continuous=False),
        "activation": dropdown("activation", ["tanh", "relu", "linear"]),
        "q_star": q_star_slider(0.1),
    }
    q_star = controls["q_star"]

    def q_star_only_for_tanh(change):      # ReLU and linear layers have one critical setting: q* changes nothing
        q_star.disabled = change["new"] != "tanh"

    controls["activation"].observe(q_star_only_for_tanh, names="value")
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
