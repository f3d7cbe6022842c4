"""Log axes whose every tick label states its own position, and no two labels alike.

Two kinds of axis use them:

* a real log axis (``ax.set_yscale("log")``) holding positive values: :func:`log_axis`;
* a linear axis holding log10 values (layer stds far beyond float64's range,
  1e-1000 to 1e+1000, are drawn as their log10): :func:`log10_axis`, labelled
  as powers of ten.

Over many decades the ticks sit on whole decades (every 1, 2, 5, 10, ... decades);
over a decade or two on 1-2-5 steps (0.5, 1, 2, 5); over less on finer steps,
so a narrow range never shows the same rounded label three times.
"""
import math

import numpy as np
from matplotlib.ticker import Formatter, Locator, MaxNLocator, NullLocator

from .base import recent_ranges, steady_range

MAX_TICKS = 8
#: mantissas tried, in this order, when the axis spans less than WHOLE_DECADES decades
MANTISSAS = ((1.0, 2.0, 5.0), (1.0, 2.0, 3.0, 5.0), (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0))
WHOLE_DECADES = 2.5


def log10_ticks(lo, hi, max_ticks=MAX_TICKS):
    """Tick positions, as log10 values, for an axis from 10**lo to 10**hi (at least two, at most ``max_ticks``)."""
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    span = hi - lo
    if span >= WHOLE_DECADES:
        stride = next(s * 10 ** k for k in range(0, 400) for s in (1, 2, 5) if span / (s * 10 ** k) <= max_ticks - 1)
        first = math.ceil(lo / stride - 1e-9)
        return np.arange(first, math.floor(hi / stride + 1e-9) + 1) * float(stride)
    for subs in MANTISSAS:
        ticks = [e + math.log10(m) for e in range(math.floor(lo) - 1, math.ceil(hi) + 1) for m in subs]
        ticks = np.array([t for t in ticks if lo - 1e-9 <= t <= hi + 1e-9])
        if 3 <= ticks.size <= max_ticks:
            return ticks
    # less than a fraction of a decade: evenly spaced round values of the mantissa
    e = math.floor(lo)
    values = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(10 ** (lo - e), 10 ** (hi - e))
    values = values[(values > 0) & (values >= 10 ** (lo - e) * (1 - 1e-9)) & (values <= 10 ** (hi - e) * (1 + 1e-9))]
    return np.log10(values) + e


def _mantissa_exponent(log10_value, digits):
    """(mantissa rounded to ``digits`` significant digits, exponent) of 10**log10_value, mantissa in [1, 10)."""
    e = math.floor(log10_value + 1e-9)
    m = float(f"{10 ** (log10_value - e):.{digits}g}")
    if m >= 10:      # 9.996 rounds to 10: carry into the exponent
        m, e = m / 10, e + 1
    return m, e


def _fixed(m, e, digits):
    """m * 10**e in fixed-point notation, with the decimals that ``digits`` significant digits need: 0.0002, 20."""
    return f"{m * 10.0 ** e:.{max(0, digits - 1 - e)}f}"


#: digits and minus sign as superscripts (DejaVu Sans, matplotlib's font, has them all)
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(e):
    """10 to the ``e``, written with a superscript: 10⁻³, 10⁹⁸. Plain text, not mathtext: matplotlib
    lays out a new mathtext label in 10 to 40 ms (its parser), a new plain one in well under a millisecond."""
    return "10" + str(e).translate(SUPERSCRIPT)


def _label(log10_value, digits, superscripts, powers=True):
    """10**log10_value written with ``digits`` significant digits: 1e-05, 0.5, 20, 10⁹⁸, 2×10⁹⁸.

    ``powers=False``: with superscripts, 0.01 to 100 in fixed point even where the mantissa is 1 (1.0, not 10⁰), for
    an axis whose other labels are written that way too."""
    m, e = _mantissa_exponent(log10_value, digits)
    if superscripts:
        if m == 1 and (powers or not -2 <= e <= 2):
            return power_of_ten(e)
        if -2 <= e <= 2:
            return _fixed(m, e, digits)
        return f"{m:.{digits}g}×{power_of_ten(e)}"
    if -4 <= e <= 4:
        return _fixed(m, e, digits)
    return f"{m:.{digits}g}e{e:+03d}"


def tick_labels(log10_values, superscripts=False):
    """Labels for ticks at 10**log10_values: the fewest digits (up to 6) that tell every tick apart.

    Each label is 10**value rounded to that many significant digits (within 0.5%), so it states its own position.
    With superscripts, an axis of whole powers of ten reads 10⁻², 10⁰, 10²; any other writes its ticks from 0.01 to
    100 in fixed point, 1 included (0.60, 0.80, 1.0, 1.5, not 0.80, 10⁰, 1.5).
    """
    values = [float(v) for v in log10_values]
    for digits in range(1, 7):
        powers = all(_mantissa_exponent(v, digits)[0] == 1 for v in values)
        labels = [_label(v, digits, superscripts, powers) for v in values]
        close = all(abs(math.log10(m) + e - v) < 2e-3 for v in values for m, e in [_mantissa_exponent(v, digits)])
        if close and len(set(labels)) == len(labels):
            break
    return labels


class LogTickLocator(Locator):
    """Ticks from :func:`log10_ticks`; ``log10_data`` says whether the axis holds log10 values or the values."""

    def __init__(self, log10_data):
        self.log10_data = log10_data

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        if self.log10_data:
            return log10_ticks(vmin, vmax)
        vmin, vmax = max(vmin, 1e-300), max(vmax, 1e-300)
        return 10.0 ** log10_ticks(math.log10(vmin), math.log10(vmax))


class LogTickFormatter(Formatter):
    """Labels from :func:`tick_labels`, chosen for all the axis' ticks at once so that none repeats."""

    def __init__(self, log10_data, superscripts):
        self.log10_data, self.superscripts = log10_data, superscripts

    def _log10(self, values):
        values = np.asarray(values, dtype=float)
        return values if self.log10_data else np.log10(np.maximum(values, 1e-300))

    def format_ticks(self, values):
        return tick_labels(self._log10(values), self.superscripts)

    def __call__(self, x, pos=None):
        return tick_labels(self._log10([x]), self.superscripts)[0]


def log10_axis(axis):
    """An axis (``ax.yaxis``) that holds log10 values, labelled as powers of ten (10⁹⁸, 0.5, 2)."""
    axis.set_major_locator(LogTickLocator(log10_data=True))
    axis.set_major_formatter(LogTickFormatter(log10_data=True, superscripts=True))
    axis.set_minor_locator(NullLocator())


def log_axis(ax, which="y"):
    """A log axis with plain labels (0.01, 0.5, 1, 2, 1e+06), no minor ticks: easy to read, fast to draw."""
    (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(LogTickLocator(log10_data=False))
    axis.set_major_formatter(LogTickFormatter(log10_data=False, superscripts=False))
    axis.set_minor_locator(NullLocator())           # no minor ticks: far fewer artists to draw


def steady_log_limits(ax, *arrays, floor_decades=1.0):
    """A log y-range showing every finite positive value of ``arrays``, at least ``floor_decades`` high, padded
    by 8% of the span on each side, that stays put while the values move a little (see ``steady_range``)."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        values = np.array([1.0])
    lo, hi = np.log10(values.min()), np.log10(values.max())
    pad = max(floor_decades / 2, 0.08 * (hi - lo))
    current = np.array(ax.get_ylim(), dtype=float)
    current = np.log10(current) if np.all(current > 0) and np.all(np.isfinite(current)) else None
    a, b = steady_range(current, lo - pad, hi + pad, fill=0.6, margin=0.0, recent=recent_ranges(ax, "y"))
    ax.set_ylim(10.0 ** a, 10.0 ** b)
