"""The live views of notebook 10: attention's scaling, normalisation layers and pre-norm residual streams, each
wiring controls to a panel of :mod:`winit_helpers.figures.modern`.

d_k, the sequence length, the weight scale and the number of branches move in powers of two (one key press doubles them), so every
setting the notebook's questions name is a few key presses away.
"""
import math

from ..figures.modern import AttentionPanel, NormPanel, StreamPanel
from ..maths.normalisation import NORMS
from ..maths.residual_stream import STREAM_RULES
from .core import LiveView, dropdown, int_slider, log_slider, register_view

DOUBLING = math.log10(2)      # a log slider's step of one doubling


@register_view
def explore_attention(seed=0):
    """d_k (1 to 1024) and the number of keys in a row (2 to 1024), both in powers of two."""
    controls = {
        "d_k": log_slider("d_k", 64, 1, 1024, digits=4, step=DOUBLING),
        "seq_len": log_slider("keys per row n", 64, 2, 1024, digits=4, step=DOUBLING, continuous=False),
    }
    return LiveView(AttentionPanel(), controls, fixed={"seed": seed})


@register_view
def explore_normalisation(seed=0):
    """The weight scale (1/8 to 8, in powers of two), the normalisation and the depth."""
    controls = {
        "scale": log_slider("weight scale", 1.0, 1 / NormPanel.scale_span, NormPanel.scale_span, step=DOUBLING),
        "norm": dropdown("normalisation", list(NORMS)),
        "depth": int_slider("depth", 50, 1, 100, continuous=False),
    }
    return LiveView(NormPanel(), controls, fixed={"seed": seed})


@register_view
def explore_residual_stream(seed=0):
    """The number of residual branches N (1 to 1024, in powers of two) and the rule for the branch scale."""
    controls = {
        "n_branches": log_slider("branches N", 32, 1, StreamPanel.max_branches, digits=4, step=DOUBLING),
        "rule": dropdown("branch scale", list(STREAM_RULES)),
    }
    return LiveView(StreamPanel(), controls, fixed={"seed": seed})
