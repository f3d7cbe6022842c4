"""The base of every figure: a :class:`Panel` draws its artists once and then only updates them.

``Panel.plot(**params)`` draws a static figure with pyplot (for a reader without
a kernel); a live view (:mod:`winit_helpers.live`) builds the panel outside pyplot
and shows :func:`png_bytes` of it in an image widget after every ``update``.
"""
import io

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import style  # noqa: F401  (WINIT_PROJECTOR=1 switches the projector style on)
from ..maths.forward import draw_network

DPI = 100            # static figures
LIVE_DPI = 80        # live figures: a little smaller, so a redraw is faster; the browser scales the image to fit

#: how every figure draws a theory line, a simulated curve and a gradient curve
THEORY = dict(color="black", linestyle="--", linewidth=1.5)
SIM_COLOR = "C0"
GRAD_COLOR = "C3"

#: the most layers a figure of a stack (notebooks 4, 5 and 7) draws
MAX_DEPTH = 50


class Panel:
    """A figure whose artists are created once and then updated in place.

    Subclasses set ``figsize`` and implement ``draw()`` (create axes and artists
    on ``self.fig``) and ``update(**params)`` (change the artists, return the result).
    Pass ``fig`` to draw into an existing figure (``plt.figure()`` for a static
    figure in a notebook); by default the panel makes its own, outside pyplot.
    """
    figsize = (10, 4)

    def __init__(self, fig=None):
        if fig is None:   # outside pyplot, so the notebook does not show it a second time
            fig = Figure(figsize=self.figsize, dpi=LIVE_DPI)
            FigureCanvasAgg(fig)
        self.fig = fig
        self.draw()

    def draw(self):
        raise NotImplementedError

    def update(self, **params):
        raise NotImplementedError

    @classmethod
    def plot(cls, **params):
        """Draw a static figure with pyplot (shown below the cell) and return what ``update`` returned."""
        panel = cls(plt.figure(figsize=cls.figsize, dpi=DPI))
        return panel.update(**params)


def png_bytes(fig):
    """The figure rendered as PNG bytes (no tight bounding box: the layout is fixed, and it is 3x faster)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


class DrawCache:
    """The unit draws of the last network asked for, reused while only the scale or scheme changes."""
    max_elements = 13_000_000     # about 100 MB of float64; bigger networks are drawn afresh every time

    def __init__(self):
        self.key, self.draws = None, None

    def get(self, widths, distribution, n_samples, seed):
        key = (tuple(widths), distribution, n_samples, seed)
        if key == self.key:
            return self.draws
        draws = draw_network(widths, distribution, n_samples=n_samples, seed=seed)
        if sum(a * b for a, b in zip(widths[:-1], widths[1:])) <= self.max_elements:
            self.key, self.draws = key, draws
        return draws
