"""What a test can read back from a drawn matplotlib axis: tick labels as numbers, and the checks on them."""
import re

import numpy as np


def label_value(text):
    """The number a tick label states: '$\\mathdefault{2\\times10^{-1}}$' -> 0.2, '0.5' -> 0.5, '' -> None."""
    s = text.replace("$", "").replace("\\mathdefault", "").replace("{", "(").replace("}", ")")
    s = s.replace("\N{MINUS SIGN}", "-").replace("\\minus", "-").replace("\\times", "*").replace("^", "**")
    s = s.strip()
    if not s:
        return None
    if not re.fullmatch(r"[0-9.eE()*+\- ]+", s):
        raise AssertionError(f"tick label {text!r} is not a number")
    return float(eval(s))          # only digits, signs, *, ** and brackets reach here


def visible_tick_labels(axis):
    """``[(position, text)]`` of every labelled tick (major and minor) inside the axis' view, after a draw."""
    axis.axes.figure.canvas.draw()
    lo, hi = sorted(axis.get_view_interval())
    out = []
    for locs, ticks in ((axis.get_majorticklocs(), axis.get_major_ticks()),
                        (axis.get_minorticklocs(), axis.get_minor_ticks())):
        for loc, tick in zip(locs, ticks):
            text = tick.label1.get_text()
            if tick.label1.get_visible() and text and lo * (1 - 1e-9) <= loc <= hi * (1 + 1e-9):
                out.append((float(loc), text))
    return out


def assert_log_ticks_state_their_positions(axis, where=""):
    """On a log axis, every label states its own position (to 1 %) and no two labels repeat; at least one label."""
    assert axis.get_scale() == "log", where
    labels = visible_tick_labels(axis)
    assert labels, f"{where}: no labelled tick in view {axis.get_view_interval()}"
    for loc, text in labels:
        value = label_value(text)
        assert value is not None and abs(value / loc - 1) < 0.01, f"{where}: label {text!r} drawn at {loc:g}"
    texts = [t for _, t in labels]
    assert len(set(texts)) == len(texts), f"{where}: repeated labels {texts}"
