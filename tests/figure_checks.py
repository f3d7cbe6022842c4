"""What a test can read back from a drawn matplotlib axis: tick labels as numbers, and the checks on them; and
the comparison of two figures' numbers to the last bit."""
import math
import re

import numpy as np

LABEL = re.compile(r"(?P<m>\d+(?:\.(?P<d>\d*))?)?(?:\*?10\*\*\((?P<e>[+-]?\d+)\))?")


#: superscript digits and minus, read back as plain ones
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def mathtext_powers(text):
    """A label written with superscripts in mathtext's spelling: '2×10⁻³' -> '2\\times10^{-3}', '10⁹⁸' -> '10^{98}'."""
    return re.sub(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", lambda m: "10^{" + m.group(1).translate(SUPERSCRIPTS) + "}",
                  text).replace("×", "\\times")


def stated_log10(text):
    """log10 of the value a log axis' tick label states: '10⁻³', '2×10⁵', '$10^{-3}$', '$2\\times10^{5}$', '0.5',
    '1e+06', and '1e-500' (below float64: read in two parts)."""
    text = mathtext_powers(text).replace("$", "").replace("\u2212", "-")
    power = re.fullmatch(r"(?:([0-9.]+)\\times)?10\^\{(-?[0-9]+)\}", text)
    if power:
        return math.log10(float(power.group(1) or 1)) + int(power.group(2))
    mantissa, _, exponent = text.partition("e")
    return math.log10(float(mantissa)) + int(exponent or 0)


def label_value(text):
    """``(value, half_unit)`` a tick label states: '$\\mathdefault{2\\times10^{-1}}$' -> (0.2, 0.05), '2×10⁻¹' too,
    '2.8' -> (2.8, 0.05), '1e-05' -> (1e-05, 5e-06).

    ``half_unit`` is half a unit of the label's last printed digit: the label is right when its
    tick lies within that distance.  Returns None for an empty label.
    """
    s = re.sub(r"\\mathdefault\{(.*)\}", r"\1", mathtext_powers(text).replace("$", "")).replace("{", "(").replace("}", ")")
    s = s.replace("\N{MINUS SIGN}", "-").replace("\\minus", "-").replace("\\times", "*").replace("^", "**")
    s = re.sub(r"(?<=\d)e([+-]?\d+)$", r"*10**(\1)", s.replace(" ", ""))      # 1e-05, 2.5e+10
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


_LINESTYLES = {"-": "solid", "--": "dashed", "-.": "dashdot", ":": "dotted", "None": "None", " ": "None", "": "None"}


def assert_legends_show_their_artists(fig, where=""):
    """Every legend entry is drawn as the artist with its label is: colour, face colour, line style and marker, and
    drawn at all where the artist is.

    A legend copies its artists' looks when it is made: a live figure that later restyles a line (another colour
    for another init, markers on a few layers) must restyle the legend's copy too.
    """
    import matplotlib.colors as mcolors
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        handles, labels = ax.get_legend_handles_labels()
        artists = dict(zip(labels, handles))
        for text, shown in zip(legend.get_texts(), legend.legend_handles):
            label = text.get_text()
            assert label in artists, f"{where}: the legend's {label!r} names no artist"
            artist = artists[label]
            # a line drawn is listed drawn: the copy keeps the visibility its artist had when the legend was made
            assert shown.get_visible() or not artist.get_visible(), \
                f"{where}: the legend lists {label!r} without its line, while the figure draws it"
            for getter in ("get_color", "get_facecolor", "get_linestyle", "get_marker"):
                if not (hasattr(shown, getter) and hasattr(artist, getter)):
                    continue
                a, b = getattr(shown, getter)(), getattr(artist, getter)()
                if getter == "get_linestyle":
                    same = _LINESTYLES.get(str(a), a) == _LINESTYLES.get(str(b), b)
                elif getter == "get_marker":
                    same = a == b
                else:
                    same = mcolors.same_color(a, b)
                assert same, f"{where}: the legend draws {label!r} with {getter[4:]} {a}, the figure with {b}"


def assert_linear_ticks_state_their_positions(axis, where=""):
    """On a linear axis labelled with numbers: every label writes its own tick's position exactly, no two alike. Axes labelled otherwise (fixed labels, an offset or a multiplier beside the axis) are not checked."""
    from matplotlib.ticker import FixedFormatter, NullFormatter, ScalarFormatter
    from winit_helpers.figures.log_axes import LogTickFormatter
    formatter = axis.get_major_formatter()
    if axis.get_scale() != "linear" or isinstance(formatter, (FixedFormatter, NullFormatter, LogTickFormatter)):
        return                  # (a LogTickFormatter writes log10 values as powers of ten: checked elsewhere)
    labels = visible_tick_labels(axis)
    if isinstance(formatter, ScalarFormatter) and formatter.get_offset():
        return
    for loc, text in labels:
        value, half_unit = label_value(text)
        # ticks on a linear axis sit on round values: the label writes its tick exactly (1.5 as 1.5, not 2)
        assert abs(value - loc) <= 1e-6 * half_unit, f"{where}: label {text!r} drawn at {loc!r}"
    texts = [t for _, t in labels]
    assert len(set(texts)) == len(texts), f"{where}: repeated labels {texts}"
