"""Axis limits for live panels that stay put while a slider moves a little (the cached background is kept: see
:meth:`~winit_helpers.figures.base.Panel.frame`), with room above the data for a legend that then covers nothing."""
import numpy as np

from .base import recent_ranges, remember, steady_range


FLOOR = 1e-300          # a log axis cannot show 0: values below are drawn at this floor
#: the right end of the depth axes (plus half a layer): the smallest that holds the depth, so the axes stay put
#: while the depth slider moves within one step of this ladder
DEPTH_LADDER = (2, 5, 10, 15, 20, 25, 35, 45, 60, 80, 100)
#: the share of each curve panel's height kept free above the data for its legend
LEGEND_BAND = 0.24


def depth_axis_end(depth, current=None):
    """The right end of a depth axis showing layers 0 .. ``depth``: the next rung of :data:`DEPTH_LADDER`.

    Given the ``current`` end, it is kept while it is that rung's end or the one after (so a depth slider moved
    back and forth across a rung keeps the axis, and the cached background, where it is).
    """
    rung = next((d for d in DEPTH_LADDER if d >= depth), depth)
    if current is not None:
        above = next((d for d in DEPTH_LADDER if d > rung), rung)
        if rung + 0.5 <= current <= above + 0.5 and float(current - 0.5).is_integer():
            return current
    return rung + 0.5


def log_limits_with_band(ax, values, band=LEGEND_BAND, fill=0.3):
    """Steady log-axis limits for the positive ones of ``values`` (floored at :data:`FLOOR`), with ``band`` of the height free
    at the top for a legend, for the log y axis of ``ax`` (its current limits count once :func:`set_limits` set them).

    The limits are whole decades; they stay put while they hold the data and either the data span at least ``fill``
    of them or they are at most a decade wider than fresh limits for these data would be (data that span a decade or
    less would otherwise get fresh limits whenever their ends cross a decade), so a small slider move keeps the cached background (see
    :meth:`Panel.frame`). When the current limits cannot stay, the most recent limits this axis had that would stay are
    taken again before fresh ones (see :func:`~winit_helpers.figures.base.steady_range`).
    """
    values = np.asarray(values, float)
    values = values[values > 0]           # a value of exactly 0 is drawn at the floor, below the axes: not seen
    logs = np.log10(np.maximum(values, FLOOR)) if values.size else np.zeros(1)
    lo, hi = float(logs.min()), float(logs.max())
    a = max(np.floor(lo - 0.2), np.log10(FLOOR) - 5)
    b = max(np.ceil(hi + 0.2), a + 1)

    def keeps(limits):                # undo the band to compare with the data's own range
        c_lo, c_hi = np.log10(limits)
        c_hi = c_lo + (c_hi - c_lo) * (1 - band)
        return c_lo <= lo and hi <= c_hi + 1e-9 and ((hi - lo) >= fill * (c_hi - c_lo) or c_hi - c_lo <= b - a + 1 + 1e-9)

    # the current limits, else the most recent this axis had that would be kept (a slider moved back comes back to
    # the limits, and the background, it had there), else fresh ones
    current, recent = getattr(ax, "_steady_ylim", None), recent_ranges(ax, "log y")
    out = next((tuple(limits) for limits in ([current] if current is not None else []) + recent if keeps(limits)),
               None) or (10.0 ** a, 10.0 ** (a + (b - a) / (1 - band)))
    remember(recent, out)
    return out


def set_limits(ax, x=None, y=None):
    """Set ``ax``'s limits only where they changed (any setter call, even with the same values, forces a full redraw)."""
    if x is not None and tuple(ax.get_xlim()) != tuple(x):
        ax.set_xlim(*x)
    if y is not None:
        if tuple(ax.get_ylim()) != tuple(y):
            ax.set_ylim(*y)
        ax._steady_ylim = tuple(ax.get_ylim())


def limits_with_band(ax, lo, hi, band=LEGEND_BAND, fill=0.5, floor=None):
    """Steady linear y limits for data spanning [lo, hi] (:func:`~winit_helpers.figures.base.steady_range`), with
    ``band`` of the height free at the top for a legend; the current limits count once :func:`set_limits` set them."""
    current = getattr(ax, "_steady_ylim", None)
    data_part = None
    if current is not None:
        c_lo, c_hi = current
        data_part = (c_lo, c_lo + (c_hi - c_lo) * (1 - band))
    a, b = steady_range(data_part, lo, hi, fill=fill, floor=floor, recent=recent_ranges(ax, "y below the band"))
    if data_part is not None and (a, b) == data_part:
        return tuple(current)
    return a, a + (b - a) / (1 - band)
