"""The live view of notebook 3 (03_the_fix): sliders for depth, width and a multiplier on the rule 1/sqrt(width)."""
from ..figures.fix import FixPanel
from .core import LiveView, int_slider, log_slider, register_view


@register_view
def explore_fix(seed=0, n_seeds=5):
    """Sliders for depth, width and a multiplier around the rule scale = 1/sqrt(width)."""
    controls = {
        "depth": int_slider("depth", 100, 1, 1000),
        "width": int_slider("width", 100, 2, 1000, continuous=False),
        "multiplier": log_slider("scale x sqrt(width)", 1.0, 0.5, 2.0),
    }
    return LiveView(FixPanel(), controls, fixed={"seed": seed, "n_seeds": n_seeds})
