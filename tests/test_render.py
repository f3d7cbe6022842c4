"""A live frame (only what moved, drawn over a cached background) shows what a full redraw shows.

`Panel.frame()` keeps everything that does not move as a cached background and draws the moving
artists over it, baking into the background the texts that have not changed. If it missed a change
(a limit, a tick, a text it baked and should not have), its frame would show a stale picture. So,
for every registered view, each control is moved (a step, its maximum, its minimum, back) and after
every move the fast frame is compared with a full redraw of the same figure, tile by tile.
"""
import io

import matplotlib as mpl
import numpy as np
import pytest
from PIL import Image

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from winit_helpers import style
from winit_helpers.figures.base import (_LAYOUTS, JPEG_QUALITY, KEPT_BACKGROUNDS, KEPT_LAYOUTS, KEPT_TEXTS, LIVE_DPI, SHOWN_MAX_PX,
                                        SHOWN_MIN_PX, SHOWN_SLACK, SHOWN_STEP_PX, LiveCanvas, LiveRenderer, Panel,
                                        steady_range)
from winit_helpers.live import all_views

#: what matplotlib draws, pixel by pixel: run at the pinned versions, not by `make test-floors` (see its comment)
pytestmark = pytest.mark.drawing

VIEWS = all_views()
TILE = 32
#: a tile may differ in this share of its pixels where a moving line crosses a baked text or legend (drawn over it
#: rather than under: 2% in the small panels below; in the course's views no pixel may differ clearly, see
#: test_every_fast_frame_shows_what_a_full_redraw_shows). A stale text,
#: tick label, legend marker or curve, or a line drawn over a line it should pass under, makes more of a tile
#: differ (a legend's star left in place of a triangle: 18%; a curve over a dashed reference line: 7%)
TILE_LIMIT = 0.05


def full_redraw_pixels(panel):
    """Draw the whole figure (nothing cached, nothing left out) and return its pixels; keeps the cache intact."""
    canvas = panel.fig.canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def fast_pixels(panel):
    panel.frame()
    return np.asarray(panel.fig.canvas.buffer_rgba())[..., :3].astype(int).copy()


def worst_tile(a, b):
    """The largest share of clearly different pixels in any TILE x TILE tile."""
    differ = (np.abs(a - b).max(axis=-1) > 60).astype(float)
    h, w = differ.shape
    differ = differ[: h // TILE * TILE, : w // TILE * TILE].reshape(h // TILE, TILE, w // TILE, TILE)
    return float(differ.mean(axis=(1, 3)).max())


def differing_pixels(a, b):
    """How many pixels clearly differ."""
    return int((np.abs(a - b).max(axis=-1) > 60).sum())


def moves(control):
    """A step up, the maximum, and back to where it started (test_views.py visits every minimum)."""
    start = control.value
    if hasattr(control, "options"):
        return [o for o in control.options if o != start][:2] + [start]
    if type(control).__name__ == "FloatLogSlider":
        hi = control.base ** control.max
        return [min(hi, start * control.base ** control.step), hi, start]
    return [min(control.max, start + (control.step or 1)), control.max, start]


@pytest.mark.parametrize("shown, projector", [(None, False), (934, False), (None, True)],
                         ids=["as built", "shown 934 px wide", "projector style"])
@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_fast_frame_shows_what_a_full_redraw_shows(name, shown, projector):
    # the projector style's larger texts come closer to the neighbouring axes: redrawing only the axes that
    # changed must clear their old tick labels and titles without touching the neighbour's
    (style.use_projector_style if projector else style.use_default_style)()
    try:
        view = VIEWS[name]()
        panel = view.panel
        if shown:              # as on a laptop: the page reports the width, the figure is drawn anew that wide
            view.shown_px.value = str(shown)
            assert panel.fig.canvas.get_width_height()[0] == 950
        for control_name, control in view.controls.items():
            for value in moves(control):
                control.value = value
                assert view.error is None, f"{name}: {control_name} = {value}: {view.error}"
                fast = fast_pixels(panel)
                full = full_redraw_pixels(panel)
                assert fast.shape == full.shape
                differ = differing_pixels(fast, full)      # none: what moves is drawn in its place in the order
                assert differ == 0, (f"{name}: after {control_name} = {value}, {differ} pixels of the fast frame "
                                     f"differ from a full redraw (the worst {TILE}-pixel tile in "
                                     f"{worst_tile(fast, full):.0%} of its pixels)")
    finally:
        style.use_default_style()


def plain_agg_pixels(fig):
    """The figure drawn by matplotlib's own Agg canvas (no kept texts); the figure keeps its live canvas."""
    live = fig.canvas
    plain = FigureCanvasAgg(fig)
    try:
        plain.draw()
        return bytes(plain.buffer_rgba())
    finally:
        fig.set_canvas(live)


@pytest.mark.parametrize("projector", [False, True], ids=["default style", "projector style"])
def test_a_live_canvas_draws_every_view_as_plain_agg_does_byte_for_byte(projector):
    (style.use_projector_style if projector else style.use_default_style)()
    try:
        for name, build in VIEWS.items():
            fig = build().panel.fig
            assert isinstance(fig.canvas, LiveCanvas)
            for _ in range(2):                  # the second time, every text comes from what the renderer kept
                fig.canvas.draw()
                assert bytes(fig.canvas.buffer_rgba()) == plain_agg_pixels(fig), name
    finally:
        style.use_default_style()


def test_a_kept_text_is_found_again_only_for_the_same_font_size_resolution_and_hinting():
    specs = [(10, "normal", "sans-serif", 0), (11, "normal", "sans-serif", 0), (10, "bold", "sans-serif", 0),
             (10, "normal", "monospace", 0), (10, "normal", "sans-serif", 90), (10, "normal", "serif", 33)]

    def same_texts(dpi, antialiased=True):
        # a new figure each time: matplotlib keeps a renderer's text metrics, whatever the hinting
        fig = Figure(figsize=(4, 3), dpi=dpi)
        LiveCanvas(fig)
        for k, (size, weight, family, angle) in enumerate(specs):
            fig.text(0.5, 0.1 + 0.12 * k, "1e+98 AVAWTo", size=size, weight=weight, family=family, rotation=angle,
                     antialiased=antialiased, ha="center")        # centred: the kept layout's width shows too
        for _ in range(2):              # the second time, from what the renderer kept
            fig.canvas.draw()
            assert bytes(fig.canvas.buffer_rgba()) == plain_agg_pixels(fig)

    same_texts(LIVE_DPI)
    same_texts(LIVE_DPI / 2)            # the same texts at another resolution: other pixels
    same_texts(LIVE_DPI, antialiased=False)
    with mpl.rc_context({"text.hinting": "none"}):
        same_texts(LIVE_DPI)
    with mpl.rc_context({"text.hinting_factor": 1}):
        same_texts(LIVE_DPI)
    with mpl.rc_context({"text.kerning_factor": 6}):
        same_texts(LIVE_DPI)


def test_a_kept_layout_is_found_again_only_for_the_same_text_font_alignment_rotation_and_resolution():
    """Every input of a text's layout, changed one at a time on texts already laid out: the live canvas still
    draws what plain Agg draws."""
    fig = Figure(figsize=(5, 4), dpi=LIVE_DPI)
    LiveCanvas(fig)
    # centred and turned a little: a layout's every number shows in the pixels
    texts = [fig.text(0.15 + 0.23 * (k % 4), 0.15 + 0.3 * (k // 4), "10$^{5}$ AVA\nsecond line", size=9, ha="center",
                      rotation=20) for k in range(12)]
    changes = [("text", "other text\nlonger second line"), ("fontsize", 12), ("fontweight", "bold"),
               ("fontfamily", "monospace"), ("rotation", 30), ("ha", "right"), ("va", "top"),
               ("multialignment", "right"), ("linespacing", 2.0), ("rotation_mode", "anchor"), ("parse_math", False)]
    for _ in range(2):                          # laid out once, then found again
        fig.canvas.draw()
        assert bytes(fig.canvas.buffer_rgba()) == plain_agg_pixels(fig)
    for text, (prop, value) in zip(texts, changes):
        text.set(**{prop: value})
        fig.canvas.draw()
        assert bytes(fig.canvas.buffer_rgba()) == plain_agg_pixels(fig), prop
    fig.set_dpi(LIVE_DPI / 2)                   # every text at another resolution
    fig.canvas.draw()
    assert bytes(fig.canvas.buffer_rgba()) == plain_agg_pixels(fig)


@pytest.mark.parametrize("name", ["explore_depth", "explore_training", "explore_edge_of_chaos", "explore_attention"])
def test_a_live_canvas_draws_a_view_at_its_slider_ends_as_plain_agg_does(name):
    view = VIEWS[name]()
    fig = view.panel.fig
    for control_name, control in view.controls.items():
        for value in list(moves(control))[:3]:
            control.value = value
            fig.canvas.draw()
            assert bytes(fig.canvas.buffer_rgba()) == plain_agg_pixels(fig), f"{name}: {control_name} = {value}"


def test_the_renderer_keeps_only_the_most_recent_texts():
    fig = Figure(figsize=(2, 1), dpi=50)
    LiveCanvas(fig)
    text = fig.text(0.1, 0.5, "")
    for k in range(KEPT_TEXTS + 10):
        text.set_text(f"t{k}")
        fig.canvas.draw()
    kept = LiveRenderer._texts
    assert len(kept) == KEPT_TEXTS
    assert any(key[0] == f"t{KEPT_TEXTS + 9}" for key in kept)
    assert not any(key[0] == "t0" for key in kept)
    assert KEPT_LAYOUTS <= KEPT_TEXTS and len(_LAYOUTS) == KEPT_LAYOUTS       # the layouts too
    assert any(key[0] == f"t{KEPT_TEXTS + 9}" for key in _LAYOUTS)
    assert not any(key[0] == "t0" for key in _LAYOUTS)


def test_a_frame_is_a_sharp_jpeg_of_the_figure_at_its_live_size():
    view = VIEWS["explore_depth"]()
    data = bytes(view.image.value)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    width, height = (round(s * LIVE_DPI) for s in view.panel.fig.get_size_inches())
    assert image.size == (width, height)
    # the widget never shows it wider than its own pixels
    assert view.image.layout.max_width == f"{width}px"
    # quality and full colour resolution: the decoded frame is close to the canvas everywhere
    canvas = np.asarray(view.panel.fig.canvas.buffer_rgba())[..., :3].astype(int)
    assert np.abs(np.asarray(image.convert("RGB")).astype(int) - canvas).mean() < 2.0
    assert JPEG_QUALITY >= 90


@pytest.mark.parametrize("shown, drawn", [(934, 950), (934.4, 950), (950, 950), (951, 1000), (1600, 1600),
                                          (1868, 1900), (100, 400), (0.5, 400), (99999, 2400)])
def test_a_figure_is_drawn_as_wide_as_the_page_shows_it(shown, drawn):
    """Rounded up to a multiple of SHOWN_STEP_PX (never stretched), within SHOWN_MIN_PX and SHOWN_MAX_PX."""
    assert (SHOWN_STEP_PX, SHOWN_MIN_PX, SHOWN_MAX_PX) == (50, 400, 2400)
    view = VIEWS["explore_depth"]()
    view.shown_px.value = str(shown)
    assert view.error is None
    image = Image.open(io.BytesIO(bytes(view.image.value)))
    inches = view.panel.fig.get_size_inches()
    assert image.size == (drawn, int(round(inches[1] / inches[0] * drawn, 6)))
    assert view.panel.fig.canvas.get_width_height() == image.size
    # the same figure at another resolution: sizes in inches and points are as built
    assert tuple(inches) == tuple(VIEWS["explore_depth"]().panel.fig.get_size_inches())


def test_every_view_is_drawn_exactly_as_wide_as_asked_at_every_step():
    """The canvas rounds its size down: a figure 11 inches wide at 850 / 11 dpi would be 849 pixels wide."""
    for name, build in VIEWS.items():
        panel = build().panel
        for pixels in range(SHOWN_MIN_PX, SHOWN_MAX_PX + 1, SHOWN_STEP_PX):
            panel.show_at(pixels)
            assert panel.fig.canvas.get_width_height()[0] == pixels, (name, pixels)


def test_a_figure_shown_at_its_drawn_width_again_is_not_drawn_again():
    view = VIEWS["explore_depth"]()
    frame, before = view.image.value, view.panel.full_redraws
    view.shown_px.value = "1600"                 # the width it was drawn at: nothing to draw
    assert view.image.value is frame and view.panel.full_redraws == before
    view.shown_px.value = "934"
    frame, before = view.image.value, view.panel.full_redraws
    view.shown_px.value = "940"                  # the same multiple of 50: nothing to draw
    assert view.image.value is frame and view.panel.full_redraws == before


@pytest.mark.parametrize("shown, drawn", [(934, 950), (850, 950), (826, 950), (825, 950), (824, 950), (800, 800),
                                          (951, 1000), (1200, 1200)])
def test_a_figure_stays_as_drawn_while_it_is_shown_a_little_narrower_and_never_stretched(shown, drawn):
    """Drawn 950 wide: kept down to 950 / SHOWN_SLACK (a status line a line longer on a slide, a window narrowed a
    little); drawn again when much narrower, and as soon as it would be stretched."""
    assert SHOWN_SLACK == 1.15
    view = VIEWS["explore_depth"]()
    view.shown_px.value = "934"
    view.shown_px.value = str(shown)
    assert view.panel.fig.canvas.get_width_height()[0] == drawn
    assert Image.open(io.BytesIO(bytes(view.image.value))).size[0] == drawn


@pytest.mark.parametrize("bad", [True, float("nan"), float("inf"), 0, -3, "934", None])
def test_show_at_says_what_a_width_must_be(bad):
    panel = VIEWS["explore_depth"]().panel
    with pytest.raises(ValueError, match="shown_px must be a positive number of pixels"):
        panel.show_at(bad)


@pytest.mark.parametrize("garbled", ["", "abc", "-5", "nan", "0"])
def test_a_width_the_page_could_not_measure_leaves_the_figure_as_it_was(garbled):
    view = VIEWS["explore_depth"]()
    frame = view.image.value
    view.shown_px.value = garbled
    assert view.error is None and view.image.value is frame
    assert view.panel.fig.canvas.get_width_height()[0] == round(10 * LIVE_DPI)


def test_a_new_width_waits_for_the_redraw_already_on_its_way():
    """A move from the page is drawn a moment later (LiveView._pending): that redraw draws the new width too."""
    view = VIEWS["explore_depth"]()
    frame = view.image.value
    view._pending = True
    view.shown_px.value = "934"
    assert view.image.value is frame                             # not drawn twice
    assert view.panel.fig.canvas.get_width_height()[0] == 950     # the redraw on its way draws it 950 wide
    view._pending = False
    view.refresh()
    assert Image.open(io.BytesIO(bytes(view.image.value))).size[0] == 950


def test_a_frame_that_fails_at_a_new_width_keeps_the_last_figure_and_says_so(monkeypatch, capsys):
    view = VIEWS["explore_depth"]()
    frame = view.image.value

    def broken():
        raise RuntimeError("no canvas")
    monkeypatch.setattr(view.panel, "frame", broken)
    view.shown_px.value = "934"
    assert view.image.value is frame
    assert view.error == "RuntimeError: no canvas" and "Could not redraw: RuntimeError: no canvas" in view.status.value
    assert "RuntimeError: no canvas" in capsys.readouterr().err


def test_a_new_width_is_no_sign_that_a_text_moves_with_the_sliders():
    """Every text's place in pixels moves with the resolution; a frame must not take that for a text that moves
    with a slider (it would never bake it into the background again, and draw it on every frame)."""
    view = VIEWS["explore_depth"]()
    depth = view.controls["depth"]
    for value in (101, 102, 101, 100):           # the texts that do move with the depth (its title) show up
        depth.value = value
    moving = set(view.panel._restless)
    view.shown_px.value = "934"
    for value in (101, 102, 101, 100):
        depth.value = value
    assert view.panel._restless == moving
    before = view.panel.full_redraws
    depth.value = 101                            # a small move: the background drawn at this width serves
    assert view.panel.full_redraws == before


def test_a_frame_after_a_small_move_reuses_the_background():
    view = VIEWS["explore_depth"]()
    view.controls["depth"].value = 101                     # discovers the title that changes with the depth
    view.controls["depth"].value = 102
    before = view.panel.full_redraws
    view.controls["depth"].value = 101
    assert view.panel.full_redraws == before


def redraws(panel):
    """Frames that drew their background again: the whole figure, or only the axes that changed."""
    return panel.full_redraws + panel.axes_redraws


def test_a_changed_baked_text_forces_a_redraw():
    view = VIEWS["explore_depth"]()
    panel = view.panel
    panel.frame()
    before = redraws(panel)
    panel.ax.set_xlabel("another label")           # part of the background
    fast = fast_pixels(panel)
    assert redraws(panel) == before + 1
    assert worst_tile(fast, full_redraw_pixels(panel)) < TILE_LIMIT
    text = panel.limits["float32", "max"][1]
    text.set_text(" changed")                        # a baked text
    fast = fast_pixels(panel)
    assert redraws(panel) == before + 2
    assert worst_tile(fast, full_redraw_pixels(panel)) < TILE_LIMIT


class TwoAxes(Panel):
    """Two panels side by side; the right one's y range follows a slider."""
    figsize = (8, 3)

    def draw(self):
        self.fig.subplots_adjust(wspace=0.4)
        self.left, self.right = self.fig.subplots(1, 2)
        self.left.plot([0, 1], [0, 1])
        self.left.set_title("left")
        self.left.set_ylabel("left's label")
        self.line, = self.right.plot([0, 1], [0, 1])
        self.right.set_ylabel("right's label")

    def update(self, top, title="right"):
        self.line.set_data([0, 1], [0, top])
        self.right.set_ylim(0, top)
        self.right.set_title(title)


@pytest.mark.parametrize("moves", [[(1, "right")], [(123456, "right"), (1, "right")],
                                   [(1e-3, "a longer title, still over its own axes"), (2e5, "short"), (1, "")]])
def test_a_change_in_one_axes_draws_only_those_axes_and_shows_what_a_full_redraw_shows(moves):
    # tick labels and titles that grow and shrink: where the old ones were is cleared too
    panel = TwoAxes()
    panel.update(5)
    panel.frame()
    full = panel.full_redraws
    for k, (top, title) in enumerate(moves, 1):
        panel.update(top, title)
        fast = fast_pixels(panel)
        assert (panel.full_redraws, panel.axes_redraws) == (full, k)
        assert differing_pixels(fast, full_redraw_pixels(panel)) <= 20   # nothing crosses here: the same picture


def test_axes_whose_area_reaches_another_axes_are_not_drawn_alone():
    panel = TwoAxes()
    panel.update(5)
    panel.frame()
    full = panel.full_redraws
    # a title longer than its axes, over the left panel: drawing the right axes alone would wipe part of it
    panel.update(7, title="a very long title over both panels " * 3)
    panel.update(9, title="a very long title over both panels " * 3)
    fast = fast_pixels(panel)
    assert panel.full_redraws == full + 1 and panel.axes_redraws == 0
    assert differing_pixels(fast, full_redraw_pixels(panel)) <= 20


def test_a_long_title_beside_a_neighbours_tick_labels_still_lets_one_axes_be_drawn_alone():
    """In the projector style notebook 3's title runs on above the right panel's top tick label: one box around
    each axes' drawing would overlap the neighbour's and force a full redraw; the pieces (title, tick labels, frame)
    do not, and the frame is still the full redraw's picture."""
    style.use_projector_style()
    try:
        view = VIEWS["explore_fix"]()
        panel, multiplier = view.panel, view.controls["multiplier"]
        multiplier.value = 1.1
        multiplier.value = 1.2
        # the title's room above the axes is the projector style's, although the figure's module was imported
        # (by VIEWS) in the default style
        for ax in panel.fig.axes:
            assert ax.titleOffsetTrans.get_matrix()[1, 2] == pytest.approx(style.font_size(9) / 72 * panel.fig.dpi)
        assert style.font_size(9) > 9
        full, axes = panel.full_redraws, panel.axes_redraws
        multiplier.value = 1.3                   # only the left panel's range grows
        assert (panel.full_redraws, panel.axes_redraws) == (full, axes + 1)
        left_title = panel.ax.title.get_window_extent()
        right_labels = [t.get_window_extent() for t in panel.fig.axes[1].get_yticklabels() if t.get_text()]
        assert left_title.x1 > min(b.x0 for b in right_labels)   # the case this test is about: they share columns
        fast = np.asarray(panel.fig.canvas.buffer_rgba())[..., :3].astype(int).copy()
        assert differing_pixels(fast, full_redraw_pixels(panel)) <= 20
    finally:
        style.use_default_style()


def test_a_legend_whose_marker_alone_changes_is_drawn_again():
    """Notebook 9's residual figure marks the measured growth with a star, or with a triangle at the top when it is
    off the chart, and its legend's handle follows: only the marker changes, no text, and the frame must show it."""
    view = VIEWS["explore_residual"]()
    panel = view.panel
    view.controls["depth"].value = 5
    fast_pixels(panel)
    assert panel.marker.get_marker() == "*"
    view.controls["depth"].value = 50                   # a = 1 at depth 50: off the chart
    assert panel.marker.get_marker() == "^"
    assert differing_pixels(fast_pixels(panel), full_redraw_pixels(panel)) == 0
    view.controls["depth"].value = 5
    assert panel.marker.get_marker() == "*"
    assert differing_pixels(fast_pixels(panel), full_redraw_pixels(panel)) == 0


def test_new_tick_labels_on_fixed_ticks_force_a_full_redraw():
    class Ticks(Panel):
        figsize = (4, 2)

        def draw(self):
            self.ax = self.fig.add_subplot()
            self.line, = self.ax.plot([0, 1, 2], [0, 1, 0])

        def update(self, names):
            self.ax.set_xticks([0, 1, 2], names)        # a formatter of fixed ticks, not a FixedFormatter

    panel = Ticks()
    panel.update(["a", "b", "c"])
    panel.frame()
    before = panel.full_redraws
    panel.update(["10", "20", "30"])                     # same ticks, new labels: the background is stale
    fast = fast_pixels(panel)
    assert panel.full_redraws == before + 1
    assert worst_tile(fast, full_redraw_pixels(panel)) < TILE_LIMIT


class Limits(Panel):
    """A line whose x range follows a slider: each range is a layout of its own."""
    figsize = (4, 2)

    def draw(self):
        self.ax = self.fig.add_subplot()
        self.line, = self.ax.plot([0, 1], [0, 1])
        self.note = self.ax.text(0.1, 0.5, "a note that never moves", transform=self.ax.transAxes)

    def update(self, hi):
        self.line.set_data([0, hi], [0, 1])
        self.ax.set_xlim(0, hi)


def test_a_layout_seen_before_reuses_its_background_and_shows_what_a_full_redraw_shows():
    panel = Limits()
    # the first background holds the line too (nothing has moved yet); from the second on, the line is known
    # to move and is drawn over each background
    for hi in (1, 2, 3, 1):
        panel.update(hi)
        panel.frame()
    assert panel.full_redraws == 4
    for hi in (2, 3, 1, 2):                              # back to each range: nothing drawn in full
        panel.update(hi)
        fast = fast_pixels(panel)
        assert panel.full_redraws == 4, f"x range 0..{hi} was drawn before"
        assert worst_tile(fast, full_redraw_pixels(panel)) < TILE_LIMIT


def test_a_kept_background_is_not_used_once_something_baked_into_it_has_changed():
    panel = Limits()
    for hi in (1, 2, 1):
        panel.update(hi)
        panel.frame()
    panel.update(2)
    panel.frame()
    before = panel.full_redraws
    panel.note.set_text("the note changed")              # baked into both backgrounds
    panel.update(1)
    fast = fast_pixels(panel)
    assert panel.full_redraws == before + 1
    assert worst_tile(fast, full_redraw_pixels(panel)) < TILE_LIMIT


def test_only_the_most_recent_backgrounds_are_kept():
    panel = Limits()
    for hi in [1] + list(range(1, KEPT_BACKGROUNDS + 2)):    # one more layout than are kept
        panel.update(hi)
        panel.frame()
    assert len(panel._backgrounds) == KEPT_BACKGROUNDS
    before = panel.full_redraws
    panel.update(KEPT_BACKGROUNDS + 1)                   # the newest is kept...
    panel.frame()
    panel.update(2)                                      # ... and so is the second
    panel.frame()
    assert panel.full_redraws == before
    panel.update(1)                                      # the oldest was dropped
    panel.frame()
    assert panel.full_redraws == before + 1


@pytest.mark.parametrize("current, lo, hi, expected", [
    ((0, 110), 0, 101, (0, 110)),        # still inside and filled: kept
    ((0, 110), 0, 111, None),            # the data outgrew it: fresh
    ((0, 1000), 0, 101, None),           # the data fill a tenth of it: fresh
])
def test_steady_range_keeps_limits_while_the_data_fit(current, lo, hi, expected):
    out = steady_range(current, lo, hi, floor=0)
    if expected is not None:
        assert out == expected
    else:
        assert out != current and out[0] <= lo and out[1] >= hi
        assert (hi - lo) / (out[1] - out[0]) > 0.6


@pytest.mark.parametrize("lo, hi", [(0, 1), (3.2, 3.3), (-250, 17), (1e-6, 2e-6), (5, 5), (-3, -3)])
def test_steady_range_fresh_limits_are_round_and_contain_the_data(lo, hi):
    a, b = steady_range(None, lo, hi)
    assert a <= lo and b >= hi and b > a
    step = (b - a)
    # round: both ends are whole multiples of a 1-2-5 step no coarser than a tenth of the span... and fill well
    assert (hi - lo) == 0 or (hi - lo) / step >= 0.6


def test_steady_range_refuses_nan():
    with pytest.raises(ValueError, match="finite"):
        steady_range(None, 0, float("nan"))


def test_steady_range_comes_back_to_a_remembered_range_before_a_fresh_one():
    recent = []
    first = steady_range(None, 0, 100, floor=0, recent=recent)
    wide = steady_range(first, 0, 1000, floor=0, recent=recent)      # the data grew ten-fold: fresh
    assert wide != first and recent[:2] == [wide, first]
    back = steady_range(wide, 0, 75, floor=0, recent=recent)         # ... and shrank again: the old limits
    assert back == first and recent[:2] == [first, wide]
    # without the memory the same move gets fresh limits of its own
    assert steady_range(wide, 0, 75, floor=0) != first


def test_steady_range_takes_a_remembered_range_only_if_it_would_be_kept():
    recent = []
    first = steady_range(None, 0, 100, floor=0, recent=recent)
    steady_range(first, 0, 1000, floor=0, recent=recent)
    out = steady_range(None, 0, 30, floor=0, recent=recent)          # fills under 0.6 of every remembered range
    assert out not in ((first,) + tuple(recent[1:]))
    assert out[0] <= 0 and out[1] >= 30 and 30 / (out[1] - out[0]) >= 0.6
    out = steady_range(None, 0, 150, floor=0, recent=recent)         # outgrows the first range
    assert not (out[1] < 150)


def test_steady_range_remembers_only_the_most_recent_ranges():
    from winit_helpers.figures.base import KEPT_RANGES
    recent, current = [], None
    for k in range(KEPT_RANGES + 5):
        current = steady_range(current, 0, 10.0 ** k, floor=0, recent=recent)
    assert len(recent) == KEPT_RANGES and len(set(recent)) == KEPT_RANGES and recent[0] == current
