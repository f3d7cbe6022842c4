"""What a test can read back from a drawn matplotlib axis: tick labels as numbers, and the checks on them; and
the comparison of two figures' numbers to the last bit."""
import re

import numpy as np

LABEL = re.compile(r"(?P<m>\d+(?:\.(?P<d>\d*))?)?(?:\*?10\*\*\((?P<e>-?\d+)\))?")


def label_value(text):
    """``(value, half_unit)`` a tick label states: '$\\mathdefault{2\\times10^{-1}}$' -> (0.2, 0.05), '2.8' -> (2.8, 0.05).

    ``half_unit`` is half a unit of the label's last printed digit: the label is right when its
    tick lies within that distance.  Returns None for an empty label.
    """
    s = re.sub(r"\\mathdefault\{(.*)\}", r"\1", text.replace("$", "")).replace("{", "(").replace("}", ")")
    s = s.replace("\N{MINUS SIGN}", "-").replace("\\minus", "-").replace("\\times", "*").replace("^", "**")
    s = s.replace(" ", "")
    if not s:
        return None
    sign = -1.0 if s.startswith("-") else 1.0
    match = LABEL.fullmatch(s.lstrip("-"))
    if match is None or not (match["m"] or match["e"]):
        raise AssertionError(f"tick label {text!r} is not a number")
    exponent = int(match["e"] or 0)
    if match["m"] is None:                       # a bare power of ten states its value exactly
        return sign * 10.0 ** exponent, 1e-9 * 10.0 ** exponent
    decimals = len(match["d"] or "")
    return sign * float(match["m"]) * 10.0 ** exponent, 0.5 * 10.0 ** (exponent - decimals)


def visible_tick_labels(axis):
    """``[(position, text)]`` of every labelled tick (major and minor) inside the axis' view, after a draw."""
    axis.axes.figure.canvas.draw()
    lo, hi = sorted(axis.get_view_interval())
    out = []
    for locs, ticks in ((axis.get_majorticklocs(), axis.get_major_ticks()),
                        (axis.get_minorticklocs(), axis.get_minor_ticks())):
        for loc, tick in zip(locs, ticks):
            text = tick.label1.get_text()
            if tick.label1.get_visible() and text and lo - 1e-9 * abs(lo) <= loc <= hi + 1e-9 * abs(hi):
                out.append((float(loc), text))
    return out


def assert_log_ticks_state_their_positions(axis, where=""):
    """On a log axis: at least one label, every label states its own position (to its last digit and 2 %), no repeats."""
    assert axis.get_scale() == "log", where
    labels = visible_tick_labels(axis)
    assert labels, f"{where}: no labelled tick in view {axis.get_view_interval()}"
    for loc, text in labels:
        value, half_unit = label_value(text)
        close = abs(value - loc) <= half_unit * 1.000001 and abs(value / loc - 1) < 0.02
        assert close, f"{where}: label {text!r} drawn at {loc:g}"
    texts = [t for _, t in labels]
    assert len(set(texts)) == len(texts), f"{where}: repeated labels {texts}"


def same_numbers(a, b):
    """Equal to the last bit, through dicts, lists and arrays (nan equal to nan)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_numbers(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and not isinstance(b, np.ndarray):
        return len(a) == len(b) and all(same_numbers(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    return a == b or (a != a and b != b)
