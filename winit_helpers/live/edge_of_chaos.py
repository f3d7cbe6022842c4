"""The live view of notebook 8 (the edge of chaos): sliders for sigma_w, sigma_b and depth on :class:`ChaosPanel`."""
import ipywidgets as widgets

from ..figures.edge_of_chaos import SB_RANGE, SW_RANGE, ChaosPanel
from .core import CONTROL_LAYOUT, LiveView, int_slider, register_view


def float_slider(description, value, lo, hi, step, continuous=True):
    """A float slider with a readable label (linear steps)."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               continuous_update=continuous, readout_format=".2f",
                               style={"description_width": "initial"}, layout=widgets.Layout(**CONTROL_LAYOUT))


@register_view
def explore_edge_of_chaos(seed=0, grid=None):
    """Sliders for sigma_w, sigma_b and depth; the phase diagram marks the chosen point (``grid``: from ``phase_grid()``)."""
    controls = {
        "sigma_w": float_slider("sigma_w", 1.0, *SW_RANGE, 0.01),     # two decimals: the edge at sigma_b = 1 is 1.86
        "sigma_b": float_slider("sigma_b", 0.05, *SB_RANGE, 0.05),
        "depth": int_slider("depth", 30, 1, 60),
    }
    return LiveView(ChaosPanel(grid=grid, seed=seed, legend=False), controls)
