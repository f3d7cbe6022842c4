"""Collisions a reader would see in a drawn figure, found from the artists' boxes in display coordinates.

:func:`layout_problems` draws a figure once and returns a list of sentences, one per problem (empty when the
figure is clean):

* a legend that sticks out of its axes (when anchored to them) or covers drawn data (a line's points or segments, a marker, a bar, a scatter point of its axes);
* a text that overlaps another text (titles, axis labels, tick labels, texts, legend entries, the suptitle);
* a text that sticks out of the figure, or an axes' own text that is clipped by its axes;
* tick labels of one axis that merge (overlap or touch).

Generic: it knows nothing of any one figure, so every panel's test can use it.
"""
import numpy as np
from matplotlib.collections import Collection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

#: pixels of slack: boxes that overlap by less than this do not count (anti-aliasing, rounding)
SLACK = 1.0


def _visible_text(t):
    return isinstance(t, Text) and t.get_visible() and t.get_text().strip() != ""


def _tick_labels(axis):
    """The tick labels the axis draws (the ticks matplotlib keeps inside its view), after a draw."""
    out = []
    for tick in axis._update_ticks():          # what Axis.draw draws: the ticks inside the view interval
        for label in (tick.label1, tick.label2):
            if _visible_text(label):
                out.append(label)
    return out


def _overlap(a, b, slack=SLACK):
    """Whether two display boxes overlap by more than ``slack`` pixels each way."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > slack) and (min(a.y1, b.y1) - max(a.y0, b.y0) > slack)


def _inside(inner, outer, slack=SLACK):
    return (inner.x0 >= outer.x0 - slack and inner.x1 <= outer.x1 + slack
            and inner.y0 >= outer.y0 - slack and inner.y1 <= outer.y1 + slack)


def _data_points(ax, exclude=()):
    """Display coordinates of what the axes draws as data: line vertices (densified), markers, bars, scatter points.

    Only points inside the axes' box count (what is clipped is not seen). Segments between a line's vertices are
    sampled every few pixels, so a line that crosses a legend without a vertex inside it is caught too.
    """
    points = []
    for line in ax.get_lines():
        if line in exclude or not line.get_visible():
            continue
        xy = np.asarray(line.get_xydata(), float)
        if xy.size == 0:
            continue
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) == 0:
            continue
        pix = line.get_transform().transform(xy)
        if line.get_linestyle() not in ("None", "", " ", "none") and len(pix) > 1:
            dense = [pix[:1]]
            for a, b in zip(pix[:-1], pix[1:]):
                n = int(min(np.hypot(*(b - a)) / 3.0, 2000)) + 1
                t = np.linspace(0, 1, n + 1)[1:, None]
                dense.append(a + t * (b - a))
            pix = np.concatenate(dense)
        points.append(pix)
    for patch in ax.patches:
        if patch in exclude or not patch.get_visible() or not isinstance(patch, Rectangle):
            continue
        box = patch.get_window_extent()
        if box.width > 0 and box.height > 0:
            xs = np.linspace(box.x0, box.x1, 5)
            ys = np.linspace(box.y0, box.y1, 9)
            points.append(np.array([(x, y) for x in xs for y in ys]))
    for coll in ax.collections:
        if coll in exclude or not coll.get_visible() or not isinstance(coll, Collection):
            continue
        offsets = coll.get_offsets()
        if offsets is not None and len(offsets) and not np.ma.is_masked(offsets):
            pix = coll.get_offset_transform().transform(np.asarray(offsets, float))
            points.append(pix)
        for path in coll.get_paths():
            verts = path.vertices
            if len(verts):
                points.append(coll.get_transform().transform(verts))
    if not points:
        return np.empty((0, 2))
    pts = np.concatenate(points)
    box = ax.get_window_extent()
    keep = ((pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1))
    return pts[keep]


def _all_texts(fig):
    """``[(name, text, axes or None)]`` of every visible text the figure draws."""
    out = [(f"figure text {t.get_text()!r}", t, None) for t in fig.texts
           if _visible_text(t) and t is not fig._suptitle]
    if fig._suptitle is not None and _visible_text(fig._suptitle):
        out.append((f"suptitle {fig._suptitle.get_text()!r}", fig._suptitle, None))
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        where = f"axes {i}"
        for title in (ax.title, ax._left_title, ax._right_title):
            if _visible_text(title):
                out.append((f"{where} title {title.get_text()!r}", title, None))
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if not axis.get_visible() or not ax.axison:
                continue
            if _visible_text(axis.label):
                out.append((f"{where} {name} label {axis.label.get_text()!r}", axis.label, None))
            if _visible_text(axis.offsetText):
                out.append((f"{where} {name} offset {axis.offsetText.get_text()!r}", axis.offsetText, None))
            for t in _tick_labels(axis):
                out.append((f"{where} {name} tick {t.get_text()!r}", t, None))
        for t in ax.texts:
            if _visible_text(t):
                out.append((f"{where} text {t.get_text()!r}", t, ax))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            title = legend.get_title()
            for t in list(legend.get_texts()) + ([title] if _visible_text(title) else []):
                if _visible_text(t):
                    out.append((f"{where} legend {t.get_text()!r}", t, None))
    for legend in fig.legends:
        for t in legend.get_texts():
            if _visible_text(t):
                out.append((f"figure legend {t.get_text()!r}", t, None))
    return out


def layout_problems(fig, where=""):
    """Every collision in ``fig`` after a full draw, as sentences (an empty list: the figure is clean)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = []
    prefix = f"{where}: " if where else ""
    fig_box = fig.bbox
    texts = [(name, t, ax, t.get_window_extent(renderer)) for name, t, ax in _all_texts(fig)]
    for name, t, ax, box in texts:
        if not _inside(box, fig_box):
            problems.append(f"{prefix}{name} sticks out of the figure")
        if ax is not None and t.get_clip_on() and not _inside(box, ax.get_window_extent(renderer)):
            problems.append(f"{prefix}{name} is clipped by its axes")
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            (n1, _, _, b1), (n2, _, _, b2) = texts[i], texts[j]
            tick_pair = " tick " in n1 and " tick " in n2
            if _overlap(b1, b2, slack=0.0 if tick_pair else SLACK):
                problems.append(f"{prefix}{n1} overlaps {n2}" + (" (tick labels merge)" if tick_pair else ""))
    for i, ax in enumerate(fig.axes):
        legend = ax.get_legend()
        if legend is None or not legend.get_visible() or not ax.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        if not _inside(box, fig_box):
            problems.append(f"{prefix}axes {i}'s legend sticks out of the figure")
        elif legend.get_bbox_to_anchor() == ax.bbox and not _inside(box, ax.get_window_extent(renderer)):
            problems.append(f"{prefix}axes {i}'s legend sticks out of its axes")
        own = set(getattr(legend, "legend_handles", None) or [])
        pts = _data_points(ax, exclude=own)
        inside = ((pts[:, 0] > box.x0 + SLACK) & (pts[:, 0] < box.x1 - SLACK)
                  & (pts[:, 1] > box.y0 + SLACK) & (pts[:, 1] < box.y1 - SLACK))
        if inside.any():
            problems.append(f"{prefix}axes {i}'s legend covers {int(inside.sum())} drawn data point(s) "
                            f"(first at {np.round(pts[inside][0], 1).tolist()})")
    return problems


def problems_while_moving(view, moves, where=""):
    """:func:`layout_problems` of a live view's figure after each move, ``(control name, value)``, each control put
    back where it was after its move; the view must draw every one without an error."""
    problems = []
    for name, value in moves:
        control = view.controls[name]
        start = control.value
        control.value = value
        assert view.error is None, f"{where} at {name} = {value}: {view.error}"
        problems += layout_problems(view.panel.fig, f"{where} at {name} = {value}")
        control.value = start
    return problems


def assert_clean_layout(fig, where=""):
    problems = layout_problems(fig, where)
    assert not problems, "\n".join(problems)


def legend_labels(ax):
    """The legend's entries as text (empty list when the axes has no legend)."""
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def lines_drawn(ax):
    """How many visible lines with at least one finite point the axes draws."""
    n = 0
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), float)
        if line.get_visible() and xy.size and np.isfinite(xy).all(axis=1).any():
            n += 1
    return n
