"""Collisions in a drawn figure, found from its artists' boxes in display coordinates (pixels), not by eye.

:func:`layout_problems` draws the figure and returns a list of sentences, one per problem:

* two texts overlap (titles, axis labels, tick labels, texts inside axes, legend entries), which includes tick
  labels running into each other ("0.00090.00100.0011");
* a text or a legend inside an axes sticks out of it (clipped, or hanging over the next panel);
* a text or a legend inside an axes covers a data curve: a line drawn in data coordinates (``ax.plot``), with
  the segments between its points, not the reference lines drawn across a whole axes (``axhline``, ``axvline``);
* a tick label lies outside the figure.

Every view can use it: ``assert not layout_problems(panel.fig)``.
"""
import numpy as np
from matplotlib.legend import Legend
from matplotlib.text import Text

#: pixels two boxes may share before they count as overlapping (anti-aliasing, a touching edge)
SLACK = 1.0


def _box(artist, renderer):
    b = artist.get_window_extent(renderer)
    return np.array([b.x0, b.y0, b.x1, b.y1])


def _overlap(a, b, slack=SLACK):
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def _shown(text):
    return text.get_visible() and text.get_text().strip() != "" and (text.axes is None or text.axes.get_visible())


def data_points(line, per_segment=20):
    """A data line's points in display coordinates, with ``per_segment`` points along each segment between them."""
    xy = np.column_stack([line.get_xdata(orig=False), line.get_ydata(orig=False)]).astype(float)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) == 0:
        return np.zeros((0, 2))
    points = line.get_transform().transform(xy)
    if len(points) > 1 and line.get_linestyle() not in ("None", "", " "):
        t = np.linspace(0, 1, per_segment, endpoint=False)[:, None, None]
        points = np.concatenate([(points[:-1] + t * (points[1:] - points[:-1])).reshape(-1, 2), points[-1:]])
    return points


def data_lines(ax):
    """The curves of an axes: visible lines drawn in its data coordinates (not axhline/axvline, not legends)."""
    return [line for line in ax.get_lines()
            if line.get_visible() and line.get_transform() == ax.transData and len(line.get_xdata()) > 0]


def _axes_texts(ax):
    return [t for t in ax.texts if _shown(t)]


def _named(artist):
    if isinstance(artist, Legend):
        return "the legend (" + ", ".join(t.get_text() for t in artist.get_texts()) + ")"
    return repr(artist.get_text())


def layout_problems(fig, where=""):
    """Every collision in ``fig`` after a full draw, as sentences (an empty list: none)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fig_box = np.array([0, 0, *fig.canvas.get_width_height(physical=True)], dtype=float)
    problems = []
    texts = []                                   # (owner, text) for every shown text of the figure
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            if _shown(title):
                texts.append(("title", title))
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            if _shown(axis.label):
                texts.append(("axis label", axis.label))
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    if _shown(label) and lo - 1e-9 * (hi - lo) <= tick.get_loc() <= hi + 1e-9 * (hi - lo):
                        texts.append(("tick label", label))
                        if not _inside(_box(label, renderer), fig_box):
                            problems.append(f"{where}tick label {label.get_text()!r} lies outside the figure")
        for text in _axes_texts(ax):
            texts.append(("text", text))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            texts += [("legend entry", t) for t in legend.get_texts() if _shown(t)]
    texts += [("figure text", t) for t in fig.texts if _shown(t)]

    boxes = [_box(t, renderer) for _, t in texts]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if _overlap(boxes[i], boxes[j]):
                problems.append(f"{where}{texts[i][0]} {texts[i][1].get_text()!r} overlaps "
                                f"{texts[j][0]} {texts[j][1].get_text()!r}")

    for ax in fig.axes:
        if not ax.get_visible():
            continue
        ax_box = _box(ax, renderer)
        curves = [data_points(line) for line in data_lines(ax)]
        points = np.concatenate(curves) if curves else np.zeros((0, 2))
        points = points[_within(points, ax_box)]         # what the axes clip away is not drawn
        covering = _axes_texts(ax)
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            covering.append(legend)
        for artist in covering:
            box = _box(artist, renderer)
            if not _inside(box, ax_box):
                problems.append(f"{where}{_named(artist)} sticks out of its axes")
            inner = box + np.array([SLACK, SLACK, -SLACK, -SLACK])
            if _within(points, inner).any():
                problems.append(f"{where}{_named(artist)} covers a curve")
    return problems


def _inside(box, outer, slack=SLACK):
    return (box[0] >= outer[0] - slack and box[1] >= outer[1] - slack and box[2] <= outer[2] + slack
            and box[3] <= outer[3] + slack)


def _within(points, box):
    return ((points[:, 0] >= box[0]) & (points[:, 0] <= box[2]) & (points[:, 1] >= box[1])
            & (points[:, 1] <= box[3]))


def legend_labels(ax):
    """The texts of an axes' legend ([] without one)."""
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []
