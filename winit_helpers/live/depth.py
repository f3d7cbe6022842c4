"""The live view of notebook 2 (02_exploding_and_vanishing): sliders for depth, width and the weight scale."""
from ..figures.depth import DepthPanel
from .core import LiveView, int_slider, register_view, steps_slider

#: the weight scales a learner can pick: 1, 2, 3, 5 and 7 in each decade (roughly even on a log scale), with 0.15 and
#: 0.24; they hold every scale notebook 2's questions, answers and the guide name: 1, 0.1, 0.05 (= 1/sqrt(400)),
#: 0.24 (the largest that keeps 100 float32 layers finite), 0.01 and 0.001
SCALE_STEPS = (0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.24, 0.3, 0.5, 0.7,
               1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0)


@register_view
def explore_depth(seed=0):
    """Sliders for depth, width and the weight scale of a deep linear network."""
    controls = {
        "depth": int_slider("depth", 100, 1, 1000),
        "width": int_slider("width", 100, 2, 1000, continuous=False),
        "scale": steps_slider("weight scale", SCALE_STEPS, 1.0),
    }
    return LiveView(DepthPanel(), controls, fixed={"seed": seed})
