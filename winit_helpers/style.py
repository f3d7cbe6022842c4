"""Figure styles: the default one, and a projector style for a lecture room.

    from winit_helpers.style import use_projector_style
    use_projector_style()        # every figure drawn from now on: large fonts and lines, colour-blind-safe colours

or start JupyterLab with the environment variable ``WINIT_PROJECTOR=1`` (read when
this module is first imported). ``use_default_style()`` switches back.

Both work through ``matplotlib.rcParams``, so they reach every figure created
afterwards: the static ones drawn with pyplot and the live ones built on
``matplotlib.figure.Figure``. Colours given as ``"C0"``, ``"C1"``, ... follow the
style's colour cycle; font sizes given through :func:`font_size` follow its scale
(in the default style it returns its argument unchanged).
"""
import os

import matplotlib as mpl
from cycler import cycler

#: Okabe & Ito's eight colours, distinguishable with every common form of colour blindness
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}

#: the projector's colour cycle, ordered like matplotlib's default one so that "C0" stays blue, "C1" orange,
#: "C2" green, "C3" red, "C4" purple and "C7" (grey) turns black; yellow, hard to see on a projector,
#: takes "C6" (pink), which the course's figures do not use
PROJECTOR_COLORS = [OKABE_ITO[name] for name in
                    ("blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "yellow", "black")]

#: how much larger the projector style draws text, lines and markers
PROJECTOR_SCALE = 1.35

_BASE_FONT_SIZE = 10.0      # matplotlib's default font.size, the reference for font_size()
_BASE_LINE_WIDTH = 1.5      # matplotlib's default lines.linewidth


def projector_rc(scale=PROJECTOR_SCALE):
    """The rcParams of the projector style: every size ``scale`` times the default, Okabe-Ito colours."""
    if not scale >= 1:
        raise ValueError(f"scale must be a number >= 1 (1 keeps the default sizes), got {scale!r}")
    return {
        "font.size": _BASE_FONT_SIZE * scale,          # titles, labels, ticks and legends are relative to it
        "axes.linewidth": 0.8 * scale,
        "lines.linewidth": _BASE_LINE_WIDTH * scale,
        "lines.markersize": 6.0 * scale,
        "lines.markeredgewidth": 1.0 * scale,
        "patch.linewidth": 1.0 * scale,
        "xtick.major.width": 0.8 * scale, "ytick.major.width": 0.8 * scale,
        "xtick.major.size": 3.5 * scale, "ytick.major.size": 3.5 * scale,
        "xtick.minor.width": 0.6 * scale, "ytick.minor.width": 0.6 * scale,
        "grid.linewidth": 0.8 * scale,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=PROJECTOR_COLORS),
        "image.cmap": "cividis",                        # colour-blind safe and readable in grey
        "savefig.bbox": "tight",                        # larger labels must not be cut at the figure's edge
    }


_saved = {}   # the rcParams the projector style replaced, restored by use_default_style()


def use_projector_style(scale=PROJECTOR_SCALE):
    """Large fonts and lines and a colour-blind-safe palette for every figure drawn from now on.

    Returns the rcParams it set. Call it at the top of a notebook, before the figures are drawn
    (a live view already on screen keeps its old style until its cell runs again).
    """
    rc = projector_rc(scale)
    for key in rc:
        _saved.setdefault(key, mpl.rcParams[key])
    mpl.rcParams.update(rc)
    return rc


def use_default_style():
    """Undo :func:`use_projector_style`: every rcParam it changed goes back to its earlier value."""
    mpl.rcParams.update(_saved)
    _saved.clear()


def font_size(points):
    """A font size given in points for the default style, scaled to the current one."""
    return points * mpl.rcParams["font.size"] / _BASE_FONT_SIZE


def projector_requested(environ=None):
    """True when the environment variable WINIT_PROJECTOR asks for the projector style (1, true, yes, on)."""
    value = (os.environ if environ is None else environ).get("WINIT_PROJECTOR", "")
    return value.strip().lower() in ("1", "true", "yes", "on")


if projector_requested():
    use_projector_style()
