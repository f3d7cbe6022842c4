"""The projector style: larger text and lines, Okabe-Ito colours, and a clean way back."""
import os
import subprocess
import sys

import matplotlib as mpl
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from winit_helpers import style
from winit_helpers.figures.fan_in import FanInPanel

OKABE_ITO_HEX = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


@pytest.fixture(autouse=True)
def back_to_default():
    style.use_default_style()
    yield
    style.use_default_style()


def sizes(fig_factory):
    """Font sizes and line width of a small figure drawn with rcParams defaults."""
    fig = fig_factory()
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1], label="a line")
    ax.set_title("title")
    ax.set_xlabel("x label")
    legend = ax.legend()
    fig.canvas.draw()
    result = {"title": ax.title.get_fontsize(), "label": ax.xaxis.label.get_fontsize(),
              "tick": ax.get_xticklabels()[0].get_fontsize(), "legend": legend.get_texts()[0].get_fontsize(),
              "line": line.get_linewidth(), "color": mcolors.to_hex(line.get_color()).upper()}
    plt.close(fig) if fig_factory is plt.figure else None
    return result


def live_figure():
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def test_switching_back_restores_every_rcparam():
    before = dict(mpl.rcParams)
    style.use_projector_style()
    assert dict(mpl.rcParams) != before
    style.use_projector_style()            # twice in a row must not lose the saved defaults
    style.use_default_style()
    assert dict(mpl.rcParams) == before


@pytest.mark.parametrize("factory", [live_figure, plt.figure], ids=["live Figure", "pyplot figure"])
def test_projector_style_enlarges_text_and_lines(factory):
    default = sizes(factory)
    style.use_projector_style()
    projector = sizes(factory)
    for key in ("title", "label", "tick", "legend", "line"):
        assert projector[key] >= 1.3 * default[key], key
    assert projector["tick"] >= 13          # readable from the back: at least 13 pt (default 10)
    assert default["color"] == "#1F77B4" and projector["color"] == "#0072B2"


def palette():
    """The colours of the current colour cycle ("C0", "C1", ...) as hex strings."""
    return [mcolors.to_hex(color) for color in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]


def test_default_style_is_matplotlibs():
    assert palette()[0] == "#1f77b4"
    assert style.font_size(8) == 8


def test_palette_is_okabe_ito():
    style.use_projector_style()
    colors = [c.upper() for c in palette()]
    assert set(colors) == OKABE_ITO_HEX and len(colors) == 8
    # the first five keep the meaning of matplotlib's C0..C4: blue, orange, green, red, purple
    assert colors[:5] == ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7"]
    assert mcolors.to_hex("C3").upper() == "#D55E00" and colors[7] == "#000000"    # grey (C7) turns black
    scale = style.PROJECTOR_SCALE
    assert style.font_size(8) == pytest.approx(8 * scale)


def test_a_course_panel_follows_the_style():
    default = FanInPanel().ax_law.get_yticklabels()[0].get_fontsize()
    style.use_projector_style()
    projector = FanInPanel().ax_law.get_yticklabels()[0].get_fontsize()
    assert projector == pytest.approx(style.PROJECTOR_SCALE * default)


def test_bad_scale_says_what_to_do():
    with pytest.raises(ValueError, match="scale must be a number >= 1"):
        style.use_projector_style(scale=0.5)


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("0", False), ("", False)])
def test_environment_variable(value, expected):
    assert style.projector_requested({"WINIT_PROJECTOR": value}) is expected


def test_environment_variable_switches_it_on_at_import():
    env = {**os.environ, "WINIT_PROJECTOR": "1", "MPLBACKEND": "Agg"}
    code = "import matplotlib as mpl, winit_helpers.style; print(mpl.rcParams['font.size'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert float(out.stdout) == pytest.approx(10 * style.PROJECTOR_SCALE)


def test_grown_margins_are_the_given_ones_in_the_default_style_and_grow_with_the_text():
    from winit_helpers.figures.base import grown_margins

    def margins(**extra):
        fig = Figure(figsize=(10, 4))
        grown_margins(fig, left=0.07, bottom=0.13, top=0.88, wspace=0.25, hspace=0.4, **extra)
        p = fig.subplotpars
        return p.left, p.bottom, p.top, p.wspace, p.hspace, p.right

    assert margins(extra_top_lines=2, extra_bottom_lines=1, extra_left_lines=1) == (0.07, 0.13, 0.88, 0.25, 0.4, 0.98)
    style.use_projector_style()
    g = style.PROJECTOR_SCALE
    line = 1.25 * 11 * g / 72                                   # a line of 11-point text, grown, in inches
    assert margins() == pytest.approx((0.07 * g, 0.13 * g, 1 - 0.12 * g, 0.25 * g, 0.4 * g, 0.98))
    assert margins(extra_top_lines=2, extra_bottom_lines=1, extra_left_lines=1) == pytest.approx(
        (0.07 * g + line / 10, 0.13 * g + line / 4, 1 - 0.12 * g - 2 * line / 4, 0.25 * g, 0.4 * g, 0.98))


#: the smallest text a live figure may show in the projector style: a default-style 7 points, grown with it
SMALLEST_PROJECTED = 7 * style.PROJECTOR_SCALE


def _view_names():
    from winit_helpers.live.core import all_views
    return list(all_views())


@pytest.mark.parametrize("name", _view_names())
def test_no_text_of_a_live_figure_is_small_in_the_projector_style(name):
    """Readable from the back of a room: every text a live figure shows on a slide (titles, labels, ticks, legends,
    notes) is at least 7 points of the default style, grown by the projector's scale (9.45 points)."""
    from matplotlib.text import Text

    from winit_helpers.live.core import all_views
    style.use_projector_style()
    view = all_views()[name]()
    texts = [t for t in view.panel.fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    small = [(t.get_text()[:40], round(t.get_fontsize(), 2)) for t in texts
             if t.get_fontsize() < SMALLEST_PROJECTED - 1e-9]
    assert texts and not small, f"{name}: text smaller than {SMALLEST_PROJECTED:.2f} pt: {small}"
