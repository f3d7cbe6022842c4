"""The base of every figure: a :class:`Panel` draws its artists once and then only updates them.

``Panel.plot(**params)`` draws a static figure with pyplot (for a reader without
a kernel); a live view (:mod:`winit_helpers.live`) builds the panel outside pyplot
and shows :meth:`Panel.frame` of it in an image widget after every ``update``.

A live frame redraws only what moves. Drawing a whole figure costs 100 to 250 ms,
almost all of it in text (tick labels, axis labels); the lines, bars, markers,
titles and legends that a slider changes cost a few ms. So :meth:`Panel.frame`
keeps the rest (axes, ticks, tick labels, axis labels) as a cached background
and draws the moving artists over it (matplotlib's blitting). The background is
drawn again only when :meth:`Panel.layout_key` changes: an axes' limits, scale
or position, an axis label, a fixed tick. Panels keep their limits steady while
a slider moves a little (:func:`steady_range`), so most moves reuse it.
"""
import io
import math
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axis import Axis
from matplotlib.collections import Collection, LineCollection
from matplotlib.image import AxesImage
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from matplotlib.spines import Spine
from matplotlib.ticker import FixedFormatter, FixedLocator
from PIL import Image

from .._blas import blas_on_one_thread
from .. import style  # noqa: F401  (WINIT_PROJECTOR=1 switches the projector style on)
from ..style import font_size
from ..maths.forward import draw_network

DPI = 100            # static figures
#: live figures are drawn at the largest size they are shown: a 10-inch figure is 1600 pixels wide, the
#: width of a live figure on a 1920-pixel projector; the browser only ever shrinks it (sharp on a laptop too)
LIVE_DPI = 160
#: ... until the page says how wide it shows the figure, in the screen's pixels (see :meth:`Panel.show_at`): then
#: the figure is drawn that wide, rounded up to a multiple of SHOWN_STEP_PX, never narrower than SHOWN_MIN_PX nor
#: wider than SHOWN_MAX_PX (each frame's cost grows with its pixels); and it stays as drawn while it is shown at most
#: SHOWN_SLACK times narrower (a window resized a little, a status line a line longer on a slide draw nothing again)
SHOWN_STEP_PX, SHOWN_MIN_PX, SHOWN_MAX_PX, SHOWN_SLACK = 50, 400, 2400, 1.15
#: a live frame is sent as JPEG: 5 to 6 times faster to encode than PNG at this size; at this quality, with
#: full colour resolution (no chroma subsampling), lines and text stay crisp
JPEG_QUALITY = 92

#: how every figure draws a theory line, a simulated curve and a gradient curve
THEORY = dict(color="black", linestyle="--", linewidth=1.5)
SIM_COLOR = "C0"
GRAD_COLOR = "C3"

#: how many backgrounds (one per layout: axis limits, ticks, labels) a live figure keeps, 4 to 8 MB each at 1600
#: pixels wide, under 3 MB at a laptop's 950, up to 15 MB at SHOWN_MAX_PX (2400)
KEPT_BACKGROUNDS = 16

#: the most layers a figure of a stack (notebooks 4, 5 and 7) draws
MAX_DEPTH = 50

#: independent runs of a figure (one per seed or per scheme) go two at a time: numpy's products, factorisations
#: and random draws release the GIL, so a second core nearly halves the wait (each run has its own generator:
#: the numbers do not depend on the order)
POOL_THREADS, POOL_NAME = 2, "winit-runs"
POOL = ThreadPoolExecutor(max_workers=POOL_THREADS, thread_name_prefix=POOL_NAME)
# ... each on one BLAS thread: two more BLAS threads under each run would fight over the cores (see _blas)
blas_on_one_thread()


#: how many rasterised texts :class:`LiveRenderer` keeps (a tick label is a few kB)
KEPT_TEXTS = 4096


class LiveRenderer(RendererAgg):
    """matplotlib's Agg renderer, keeping every text it has rasterised.

    A full redraw spends about a fifth of its time turning the same tick labels into pixels again. Agg
    rasterises a text unrotated, at the origin, from the font, its size, the resolution and the hinting
    settings alone, and then places (and rotates) that image. So the image, kept under exactly those
    inputs, is the same image: the canvas is the same byte for byte (``tests/test_render.py``).
    """
    _texts = OrderedDict()       # shared by every live figure: the key holds all the image depends on

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return self.draw_mathtext(gc, x, y, s, prop, angle)
        antialiased = gc.get_antialiased()
        rc = mpl.rcParams
        key = (s, tuple(fontManager._find_fonts_by_props(prop)), prop.get_size_in_points(), self.dpi,
               antialiased, rc["text.hinting"], rc["text.hinting_factor"], rc["text.kerning_factor"])
        kept = self._texts.get(key)
        if kept is None:
            # as RendererAgg.draw_text does, keeping the image and its offsets
            font = self._prepare_font(prop)
            font.set_text(s, 0, flags=get_hinting_flag())
            font.draw_glyphs_to_bitmap(antialiased=antialiased)
            xo, yo = font.get_bitmap_offset()
            kept = (np.array(font), font.get_descent() / 64.0, xo / 64.0, yo / 64.0)
            self._texts[key] = kept
            while len(self._texts) > KEPT_TEXTS:
                self._texts.popitem(last=False)
        else:
            self._texts.move_to_end(key)
        image, descent, xo, yo = kept
        x = round(x + xo + descent * math.sin(math.radians(angle)))
        y = round(y + yo + descent * math.cos(math.radians(angle)))
        self._renderer.draw_text_image(image, x, y + 1, angle, gc)


#: how many text layouts the live figures keep (a few numbers each)
KEPT_LAYOUTS = 4096
_plain_layout = Text._get_layout


def _kept_layout(text, renderer):
    """``Text._get_layout``, kept for texts drawn by a :class:`LiveRenderer`.

    A full redraw lays out every tick label two or three times (to draw it, and to place the axis labels and the
    background's boxes around it): a fifth of the redraw. The layout (the text's box and its lines' offsets,
    relative to its anchor) depends only on the string, the font, the line spacing, the rotation, the alignments,
    the resolution and the hinting settings, not on where the text stands; so the layout kept under exactly those
    is the same layout, and the canvas the same byte for byte (``tests/test_render.py``). Other renderers (the
    static figures, a PDF), wrapped texts and TeX lay out as matplotlib does, every time.
    """
    if type(renderer) is not LiveRenderer or text.get_wrap() or text.get_usetex():
        return _plain_layout(text, renderer)
    # FontProperties compare by their hash (matplotlib's own text-metrics cache keys on them the same way)
    key = (text.get_text(), hash(text.get_fontproperties()), text._linespacing, text.get_rotation(),
           text._get_multialignment(), text.get_horizontalalignment(), text.get_verticalalignment(),
           text.get_rotation_mode(), text.get_parse_math(), renderer.dpi, mpl.rcParams["text.hinting"],
           mpl.rcParams["text.hinting_factor"], mpl.rcParams["text.kerning_factor"])
    kept = _LAYOUTS.get(key)
    if kept is None:
        kept = _LAYOUTS[key] = _plain_layout(text, renderer)
        while len(_LAYOUTS) > KEPT_LAYOUTS:
            _LAYOUTS.popitem(last=False)
    else:
        _LAYOUTS.move_to_end(key)
    bbox, lines, descent = kept
    return bbox.frozen(), list(lines), descent       # copies: a caller may change what it gets


_LAYOUTS = OrderedDict()
Text._get_layout = _kept_layout


class LiveCanvas(FigureCanvasAgg):
    """The canvas of a live figure: an Agg canvas that draws with a :class:`LiveRenderer`."""

    def get_renderer(self):
        w, h = self.figure.bbox.size
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = LiveRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def grown_margins(fig, *, left, bottom, top, wspace, hspace=None, right=0.98, extra_top_lines=0,
                  extra_bottom_lines=0, extra_left_lines=0):
    """``fig.subplots_adjust`` with the room for text grown as the style's text grows: ``left``, ``bottom``, the
    room above the axes (``1 - top``) and the gaps times ``font_size(1.0)``, which is 1 in the default style (these
    numbers as they are) and 1.35 in the projector style. In a larger style, ``extra_top_lines`` more lines of
    text above the axes (titles that it wraps onto two lines), ``extra_bottom_lines`` below, ``extra_left_lines``
    left of them. Read when a figure is drawn, so a style switched on later is followed."""
    grow = font_size(1.0)
    line = 1.25 * font_size(11) / 72 if grow > 1 else 0.0          # a line of text, in inches
    height, width = fig.get_figheight(), fig.get_figwidth()
    fig.subplots_adjust(left=left * grow + extra_left_lines * line / width, right=right,
                        bottom=bottom * grow + extra_bottom_lines * line / height,
                        top=1 - (1 - top) * grow - extra_top_lines * line / height, wspace=wspace * grow,
                        hspace=None if hspace is None else hspace * grow)


def counted(n, noun, plural=None):
    """``n`` and the noun, plural unless ``n`` is 1: ``counted(1, "layer")`` is "1 layer", ``counted(3, "branch",
    "branches")`` is "3 branches" (a slider's end is often 1)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def legend_of(legend, handles, make):
    """``legend`` while it shows ``handles`` as they are drawn, else ``make(handles=handles)`` in its place. A legend
    copies its handles' looks when it is made: it is made again when the entries or their markers change, and only
    then (a new legend costs a redraw of the figure)."""
    if legend is not None:
        shown = [(text.get_text(), key.get_marker()) for text, key in zip(legend.get_texts(), legend.legend_handles)]
        if shown == [(h.get_label(), h.get_marker()) for h in handles]:
            return legend
        legend.remove()
    return make(handles=handles)


def legend_entry(legend, artist):
    """The legend's own copy of ``artist`` (found by its label): restyle it with the artist, or the legend shows the
    artist as it was when the legend was made."""
    return next(key for key, text in zip(legend.legend_handles, legend.get_texts())
                if text.get_text() == artist.get_label())


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
            LiveCanvas(fig)
        self.fig = fig
        self._background, self._layout, self._boxes = None, None, []
        self._baked, self._last_prints, self._restless, self._seen = set(), {}, set(), set()
        #: backgrounds drawn before, by layout, most recent last: a slider moved back to a setting seen
        #: before finds its axes already drawn (see :meth:`frame`)
        self._backgrounds = OrderedDict()
        self._results = OrderedDict()       # see :meth:`computed`
        #: how many frames needed the whole figure drawn again (the rest redrew only what moved) ...
        self.full_redraws = 0
        #: ... and how many drew again only the axes whose limits or ticks changed
        self.axes_redraws = 0
        # titles sit at the top of their axes (no ticks or offset text there): placing them by measuring
        # every tick label, as matplotlib does by default, costs a third of a full redraw
        with mpl.rc_context({"axes.titley": 1.0}):
            self.draw()

    def draw(self):
        raise NotImplementedError

    def update(self, **params):
        raise NotImplementedError

    #: how many costly results :meth:`computed` keeps (each a few arrays of a layer's or a width's length)
    kept_results = 64

    def computed(self, key, compute):
        """``compute()``, kept by ``key`` (everything it depends on) for the :attr:`kept_results` most recently
        used keys. ``update`` gets its costly numbers through this, and so does ``prepare``, which a live view
        calls for the settings one slider step away while the learner looks (:meth:`LiveView.look_ahead`):
        the same function, so the same numbers, whoever computed them first."""
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]
        value = compute()
        self._results[key] = value
        while len(self._results) > self.kept_results:
            self._results.popitem(last=False)
        return value

    @classmethod
    def plot(cls, **params):
        """Draw a static figure with pyplot (shown below the cell) and return what ``update`` returned."""
        panel = cls(plt.figure(figsize=cls.figsize, dpi=DPI))
        return panel.update(**params)


    # --- live frames: redraw only what moved -------------------------------------------------------

    def show_at(self, shown_px):
        """Draw the live figure for a page that shows it ``shown_px`` screen pixels wide; True if its size changed.

        A figure drawn wider than it is shown costs more to draw, encode, send and decode, and the browser then
        shrinks it; one drawn narrower is stretched, and soft. So the figure is drawn ``shown_px`` wide, rounded
        up to a multiple of :data:`SHOWN_STEP_PX`, between :data:`SHOWN_MIN_PX` and :data:`SHOWN_MAX_PX`: the
        same figure (sizes in inches and points) at another resolution. The next :meth:`frame` draws it whole.
        It stays as it is while it is not stretched (at least as wide as shown, up to the cap) and at most
        :data:`SHOWN_SLACK` times that rounded width: a width that changes a little changes nothing.
        """
        if isinstance(shown_px, bool) or not isinstance(shown_px, (int, float)) or not math.isfinite(shown_px) \
                or shown_px <= 0:
            raise ValueError(f"shown_px must be a positive number of pixels, got {shown_px!r}")
        pixels = min(SHOWN_MAX_PX, max(SHOWN_MIN_PX, SHOWN_STEP_PX * math.ceil(shown_px / SHOWN_STEP_PX)))
        drawn = self.fig.canvas.get_width_height()[0]
        if min(shown_px, SHOWN_MAX_PX) <= drawn <= SHOWN_SLACK * pixels:
            return False
        dpi = (pixels + 1e-6) / self.fig.get_size_inches()[0]     # a hair over: the canvas rounds its size down
        self.fig.set_dpi(dpi)
        # every text's place on the canvas moved with the resolution: that is no sign that it moves with the sliders
        self._last_prints = {}
        return True

    def layout_key(self):
        """Everything the cached background shows: when it changes, :meth:`frame` draws the whole figure.

        Per axes: visibility, position, limits, scales, axis labels and fixed tick positions and labels.
        A panel whose static parts depend on something else extends this.
        """
        key = [tuple(self.fig.get_size_inches()), self.fig.dpi]
        for ax in self.fig.axes:
            key.append((ax.get_visible(), ax.axison, tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(),
                        ax.get_xscale(), ax.get_yscale(), _axis_key(ax.xaxis), _axis_key(ax.yaxis)))
        return tuple(key)

    def moving_artists(self):
        """Every artist a slider may change, in draw order: drawn afresh on a frame unless baked.

        Inside each axes: every line, patch, collection, image and text, the titles and the legend, with
        the spines in their place in the order (so data never covers them). Then the figure's own texts.
        """
        out = []
        for ax in self.fig.axes:
            if not ax.get_visible():
                continue
            children = [a for a in ax.get_children()
                        if a is not ax.patch and not isinstance(a, Axis) and a not in ax.child_axes]
            children.sort(key=lambda a: a.get_zorder())          # stable, as in Axes.draw
            out += children
        return out + list(self.fig.texts) + list(self.fig.legends)

    def frame(self):
        """The figure as JPEG bytes, redrawing only what moved since the cached background was drawn.

        An artist that has not changed since the background was drawn is *baked* into it; one that has
        changed once (a curve, a title with the slider's value) is drawn on every frame from then on.
        A text or a legend has changed when what it shows has (see :func:`_text_print`); any other
        artist when matplotlib marked it stale. The whole figure is drawn again only when the layout
        changed or a baked artist did. Nothing is baked above a moving image or filled area that could
        cover it, nor a line above a moving line (see :meth:`_bakeable`). The last :data:`KEPT_BACKGROUNDS`
        backgrounds are kept by layout: a slider moved back to where it was finds its axes drawn already,
        unless an artist baked into them has changed since.
        """
        canvas = self.fig.canvas
        moving = self.moving_artists()
        prints, keys = {}, set()
        for artist in moving:
            key = _key(artist)
            keys.add(key)
            if isinstance(artist, _TEXTLIKE):
                prints[key] = _text_print(artist)
                changed = key in self._last_prints and self._last_prints[key] != prints[key]
            else:
                changed = key in self._seen and artist.stale
            if changed:
                self._restless.add(key)                     # it moves with the sliders: never bake it
        self._last_prints, self._seen = prints, keys
        layout = self.layout_key()

        def usable(baked):
            # every artist it holds is still there and has not changed since
            return all(key in keys and key not in self._restless for key in baked)

        if self._background is None or layout != self._layout or not usable(self._baked):
            kept = self._backgrounds.get(layout)
            if kept is not None and usable(kept[1]):        # drawn before, at this very layout
                (self._background, self._baked, self._boxes), self._layout = kept, layout
                self._backgrounds.move_to_end(layout)
                canvas.restore_region(self._background)
            elif self._redraw_changed_axes(layout, moving, usable):
                self.axes_redraws += 1
            else:
                self._baked = self._bakeable(moving)
                live = [a for a in moving if not isinstance(a, Spine) and _key(a) not in self._baked]
                for artist in live:
                    artist.set_animated(True)               # the background leaves them out
                try:
                    canvas.draw()
                finally:
                    for artist in live:
                        artist.set_animated(False)
                self._keep_background()
                self.full_redraws += 1
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        drawn = [a for a in moving if _key(a) not in self._baked and a.get_visible()]
        # a spine is in the background; it is drawn again only where something drawn over it could cover it
        busy = {id(a.axes) for a in drawn if not isinstance(a, Spine)}
        for artist in drawn:
            if not isinstance(artist, Spine) or id(artist.axes) in busy:
                artist.draw(renderer)
        return jpeg_bytes(canvas)

    def _keep_background(self):
        """Copy the canvas as the current background and keep it under the layout it shows."""
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._layout = self.layout_key()            # drawing may settle a limit: key what was drawn
        renderer = self.fig.canvas.get_renderer()
        # where each axes drew (ticks, labels, title), piece by piece: what a redraw of only those axes must clear
        self._boxes = [_drawn_boxes(ax, renderer) if ax.get_visible() else None for ax in self.fig.axes]
        self._backgrounds[self._layout] = (self._background, self._baked, self._boxes)
        self._backgrounds.move_to_end(self._layout)
        while len(self._backgrounds) > KEPT_BACKGROUNDS:
            self._backgrounds.popitem(last=False)

    def _redraw_changed_axes(self, layout, moving, usable):
        """Draw again only the axes whose layout changed, over the current background; False if not safe.

        Safe when the figure and every axes' place are as before, the other axes' baked artists are
        unchanged, and the pieces of area the changed axes drew in (frame, tick labels, labels, titles, legend:
        :func:`_drawn_boxes`) touch nothing else drawn in the background. Those pieces are cleared to the
        figure's colour and those axes are drawn again, leaving out their moving artists as a full redraw
        does. If they now reach beyond those pieces into something else, the caller draws the whole figure
        instead. A full redraw of a two-panel figure costs about twice as much.
        """
        old, axes = self._layout, self.fig.axes
        if (self._background is None or old is None or len(old) != len(layout) or old[:2] != layout[:2]
                or len(layout) - 2 != len(axes) or len(self._boxes) != len(axes)):
            return False
        changed = [k for k, (a, b) in enumerate(zip(old[2:], layout[2:])) if a != b]
        if (not changed or len(changed) == len(axes) or any(old[2 + k][:3] != layout[2 + k][:3] for k in changed)
                or any(self._boxes[k] is None for k in changed)):       # shown, axis on, position; drawn before
            return False
        face = np.asarray(self.fig.get_facecolor())
        if face[3] < 1:
            return False
        inside = [a for a in moving if a.axes in [axes[k] for k in changed]]
        ids = {_key(a) for a in inside}
        if not usable(self._baked - ids):
            return False
        canvas = self.fig.canvas
        renderer = canvas.get_renderer()
        others = [box for k, boxes in enumerate(self._boxes) if k not in changed and boxes is not None
                  for box in boxes]
        others += [a.get_window_extent(renderer) for a in list(self.fig.texts) + list(self.fig.legends)
                   if a.get_visible() and _key(a) in self._baked]

        def clear_of_others(boxes):
            return not any(box.x0 < o.x1 and o.x0 < box.x1 and box.y0 < o.y1 and o.y0 < box.y1
                           for box in boxes for o in others)

        if not all(clear_of_others(self._boxes[k]) for k in changed):
            return False
        canvas.restore_region(self._background)
        buffer = np.asarray(canvas.buffer_rgba())
        height, width = buffer.shape[:2]
        # one RGBA pixel as one 32-bit number: filling with it is 50x faster than with four bytes
        pixels = buffer.view(np.uint32)[..., 0]
        color = np.round(face * 255).astype(np.uint8).view(np.uint32)[0]
        for box in (box for k in changed for box in self._boxes[k]):   # clear where they drew: the figure's colour
            x0, x1 = max(0, math.floor(box.x0)), min(width, math.ceil(box.x1))
            y0, y1 = max(0, height - math.ceil(box.y1)), min(height, height - math.floor(box.y0))
            pixels[y0:y1, x0:x1] = color
        baked = self._bakeable(inside)
        live = [a for a in inside if not isinstance(a, Spine) and _key(a) not in baked]
        for artist in live:
            artist.set_animated(True)
        try:
            for k in changed:
                axes[k].draw(renderer)
        finally:
            for artist in live:
                artist.set_animated(False)
        if not all(clear_of_others(_drawn_boxes(axes[k], renderer)) for k in changed):
            return False                            # they grew into another axes: draw the whole figure
        self._baked = (self._baked - ids) | baked
        self._keep_background()
        return True

    def _bakeable(self, moving):
        """The keys of the artists the next background holds: quiet ones that nothing moving is drawn over.

        Above a moving image or filled area nothing in its axes is baked (it could cover it); above a moving
        stroke (a line, its markers, an outline) no stroke is (a reference line drawn over the curves in a full
        redraw stays over them), nor above a spine (drawn again where a moving artist could cover it).
        Texts and legends above a moving line are baked: a curve may then cross over a label it would pass
        under in a full redraw, a few pixels.
        """
        baked, covered, crossed = set(), {}, {}
        for artist in moving:
            key, ax = _key(artist), artist.axes
            if isinstance(artist, Spine):
                crossed[id(ax)] = True                     # a frame may draw it again: the strokes above it too
                continue
            title = ax is not None and artist in (ax.title, ax._left_title, ax._right_title)
            drawn_line = isinstance(artist, (Line2D, LineCollection, Patch)) and not _covers(artist)   # a stroke
            if key not in self._restless and (title or not (covered.get(id(ax))
                                                            or (drawn_line and crossed.get(id(ax))))):
                baked.add(key)
                continue
            if _covers(artist):
                covered[id(ax)] = True                     # whatever is drawn above it in this axes moves too
            if drawn_line:
                crossed[id(ax)] = True                     # the lines drawn above it in this axes move too
        return baked


def _drawn_boxes(ax, renderer):
    """Where an axes draws, piece by piece: its frame and tick marks; each axis' tick labels; each axis label,
    title and text; its legend. A long title over a neighbour's corner then overlaps none of that neighbour's
    pieces (one box around it all would, and force a full redraw).

    Measured from the texts as they stand, without laying the ticks out again (which costs about as much
    as drawing them): only the ticks inside the view count. The frame is padded by the longest tick mark and two
    pixels, every other piece by two pixels (a glyph's antialiased edge can reach a pixel or two past its text's box).
    """
    boxes, texts, marks = [ax.bbox], [ax.title, ax._left_title, ax._right_title, *ax.texts], [0.0]
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        texts += [axis.label, axis.offsetText]
        labels = []
        for tick in axis.majorTicks + axis.minorTicks:
            loc = tick.get_loc()
            if loc is not None and lo <= loc <= hi:
                labels += [tick.label1, tick.label2]
                marks.append(tick.tick1line.get_markersize())
        labels = [t.get_window_extent(renderer) for t in labels if t.get_visible() and t.get_text()]
        if labels:
            boxes.append(Bbox.union(labels))                # a row or a column of labels: one piece
    boxes += [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        boxes.append(legend.get_window_extent(renderer))
    return [boxes[0].padded(renderer.points_to_pixels(max(marks)) + 2)] + [box.padded(2) for box in boxes[1:]]


def _covers(artist):
    """Whether an artist paints areas (an image, a filled patch or collection), not just lines."""
    if isinstance(artist, (AxesImage, Collection)):
        return not isinstance(artist, LineCollection)
    if isinstance(artist, Patch):
        return artist.get_fill()
    return False


def _key(artist):
    """A legend is known by its place (panels often make a new legend on every update); the rest by itself."""
    if isinstance(artist, Legend):
        return ("legend", id(artist.axes if artist.axes is not None else artist.figure))
    return id(artist)


_TEXTLIKE = (Text, Legend)


#: what a legend handle's look depends on, beyond its label (the getters a handle has: a line's, a patch's)
_HANDLE_LOOKS = ("get_color", "get_facecolor", "get_edgecolor", "get_hatch", "get_linestyle", "get_linewidth",
                 "get_marker", "get_markersize", "get_markerfacecolor", "get_markeredgecolor", "get_markeredgewidth",
                 "get_alpha")


def _text_print(artist):
    """Everything that decides how a text or a legend looks on the canvas."""
    if isinstance(artist, Legend):
        # each handle's label, colours, line and marker: a handle whose marker alone changes (notebook 9's star
        # turning into a triangle) is a changed legend
        handles = tuple((type(h).__name__, str(h.get_label()), h.get_visible(),
                         *(repr(getattr(h, name, lambda: None)()) for name in _HANDLE_LOOKS))
                        for h in artist.legend_handles if h is not None)
        return (artist.get_visible(), tuple(t.get_text() for t in artist.get_texts()), repr(artist._loc),
                tuple(artist.get_bbox_to_anchor().bounds), handles, artist.get_frame_on())
    position = tuple(np.round(artist.get_transform().transform(artist.get_unitless_position()), 2))
    return (artist.get_visible(), artist.get_text(), position, repr(artist.get_color()), artist.get_fontsize(),
            artist.get_rotation(), artist.get_ha(), artist.get_va(), artist.get_weight(), artist.get_alpha(),
            artist.get_bbox_patch() is not None, artist.get_clip_on(), artist.get_zorder())


def _axis_key(axis):
    """What the tick machinery of ``axis`` draws, beyond the limits: the label and any fixed ticks."""
    locator, formatter = axis.get_major_locator(), axis.get_major_formatter()
    if isinstance(formatter, FixedFormatter):
        labels = tuple(formatter.seq)
    elif isinstance(locator, FixedLocator):       # e.g. set_xticks(ticks, labels): a function of fixed ticks
        labels = (type(formatter).__name__, tuple(formatter.format_ticks(list(locator.locs))))
    else:
        labels = type(formatter).__name__
    return (axis.get_label_text(), axis.get_visible(), axis.get_label_position(),
            tuple(locator.locs) if isinstance(locator, FixedLocator) else type(locator).__name__,
            labels, type(axis.get_minor_locator()).__name__)


def jpeg_bytes(canvas):
    """The canvas's pixels as JPEG bytes (quality :data:`JPEG_QUALITY`, full colour resolution)."""
    width, height = canvas.get_width_height(physical=True)
    # read as RGBX: the encoder skips the fourth byte, which saves converting the buffer to RGB first
    # (the figure is opaque, so the JPEG is the same byte for byte)
    image = Image.frombuffer("RGBX", (width, height), canvas.buffer_rgba(), "raw", "RGBX", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="jpeg", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()


#: how many ranges an axis remembers (see :func:`steady_range`): as many as the backgrounds a figure keeps
KEPT_RANGES = KEPT_BACKGROUNDS


def steady_range(current, lo, hi, *, fill=0.6, margin=0.1, floor=None, recent=None):
    """Axis limits for data spanning [lo, hi] that stay put while the data move a little.

    Returns ``current`` while it still contains [lo, hi] and the data fill at least ``fill`` of it
    (a live figure then reuses its cached background: see :meth:`Panel.frame`). Otherwise returns a
    fresh range: [lo, hi] widened by ``margin`` of its span on each side and rounded outwards to a
    round step (1, 2 or 5 times a power of ten, a tenth of the span or finer), never below ``floor``.
    For a log axis, pass log10 values and take 10** of the result.

    ``recent`` (from :func:`recent_ranges`) is the axis' memory of the ranges it had: before a fresh range,
    the most recent of them that would be kept is taken again, so a slider moved back and forth comes back
    to the limits, and the backgrounds, it had there, whatever way it came.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"the data range must be finite, got [{lo}, {hi}]")
    lo, hi = float(min(lo, hi)), float(max(lo, hi))

    def keeps(limits):
        c_lo, c_hi = float(min(limits)), float(max(limits))
        return c_lo <= lo and hi <= c_hi and (hi - lo) >= fill * (c_hi - c_lo)

    if current is not None and keeps(current):
        out = (float(min(current)), float(max(current)))
    else:
        out = next((limits for limits in recent or () if keeps(limits)), None) or _fresh_range(lo, hi, margin, floor)
    if recent is not None:
        remember(recent, out)
    return out


def remember(recent, limits):
    """Put ``limits`` first in an axis' memory of its ranges (see :func:`recent_ranges`), keeping the most recent few."""
    if limits in recent:
        recent.remove(limits)
    recent.insert(0, limits)
    del recent[KEPT_RANGES:]


def _fresh_range(lo, hi, margin, floor):
    span = hi - lo if hi > lo else max(abs(hi), 1.0) * 0.1
    a, b = lo - margin * span, hi + margin * span
    if floor is not None:
        a = max(a, floor)
    exponent = math.floor(math.log10((b - a) / 10))
    step = next(m * 10.0 ** exponent for m in (1, 2, 5, 10) if (b - a) / (m * 10.0 ** exponent) <= 10)
    a, b = math.floor(a / step + 1e-9) * step, math.ceil(b / step - 1e-9) * step
    if floor is not None:
        a = max(a, floor)
    return (a, b)


def recent_ranges(ax, which):
    """The memory of the ranges axis ``which`` (``"x"``, ``"y"``, or any name) of ``ax`` had, most recent first: pass it
    to :func:`steady_range` as ``recent``. A static figure never needs it."""
    return ax.__dict__.setdefault("_winit_recent_ranges", {}).setdefault(which, [])


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
