"""The live views the other layout tests do not cover, or not in both styles (notebooks 4, 5, 7 and 10): no collisions at any slider's
minimum, default and maximum, at the settings the questions and answers name (:data:`NAMED`), nor at any
drop-down option, in the default and the projector style. And every view of the course in the projector style,
switched on while the session runs, at every slider's ends.

A collision is what ``layout_checks.layout_problems`` finds from the artists' boxes in display coordinates:
a legend over drawn data or out of its axes, text over text, merged tick labels, text out of the figure.
"""
import pytest

from layout_checks import layout_problems, problems_while_moving
from winit_helpers.live import all_views
from winit_helpers.style import use_default_style, use_projector_style

#: what matplotlib draws, pixel by pixel: run at the pinned versions, not by `make test-floors` (see its comment)
pytestmark = pytest.mark.drawing

VIEWS = all_views()
CHECKED = ["explore_forward_backward", "explore_activation_histograms", "explore_framework_defaults",
           "explore_attention", "explore_normalisation", "explore_residual_stream"]


#: collisions this test has found and the figures do not yet avoid (a strict xfail: fixing one makes it fail, so
#: the entry must then be removed)
KNOWN = {}


def cases():
    for name in CHECKED:
        for style in ("default", "projector"):
            reason = KNOWN.get((name, style))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(name, style, marks=marks, id=f"{name}-{style}")


#: the settings notebook 5's questions and answers name (notebook 4's name only drop-down options; notebook 10's
#: are checked in test_figures_modern.py), each with the other controls where they stand
NAMED = {
    "explore_activation_histograms": {
        "multiplier": [0.01, 0.0302, 0.0447, 0.0741, 0.2, 1.29, 1.41, 1.51, 1.66],
        "depth": [10, 30, 50],
        "width": [10, 500],
    },
}


def positions(control, named=()):
    """The minimum, default and maximum of a slider (every option of a drop-down), then the named settings."""
    return _ends(control) + [v for v in named if v not in _ends(control)]


def _ends(control):
    if hasattr(control, "options"):
        return [o if not isinstance(o, tuple) else o[1] for o in control.options]
    if hasattr(control, "base"):
        return [control.base ** control.min, control.value, control.base ** control.max]
    return [control.min, control.value, control.max]


@pytest.mark.parametrize("name, style", list(cases()))
def test_no_collisions_at_any_slider_end(name, style):
    (use_projector_style if style == "projector" else use_default_style)()
    try:
        view = VIEWS[name]()
        problems = []
        for cname, control in view.controls.items():
            start = control.value
            for value in positions(control, NAMED.get(name, {}).get(cname, ())):
                control.value = value
                assert view.error is None, view.error
                problems += layout_problems(view.panel.fig, f"{name} ({style}) at {cname} = {value}")
            control.value = start
        assert not problems, "\n".join(problems)
    finally:
        use_default_style()


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_no_view_collides_in_the_projector_style_at_any_slider_end(name):
    # every registered view, the projector style switched on while the session runs (docs/teaching.md: "re-run a
    # figure's cell after switching"), at the start and at every slider's ends and drop-down option
    use_projector_style()
    try:
        view = VIEWS[name]()
        moves = [(cname, value) for cname, control in view.controls.items() for value in _ends(control)]
        problems = (layout_problems(view.panel.fig, f"{name} (projector) at the start")
                    + problems_while_moving(view, moves, f"{name} (projector)"))
        assert not problems, "\n".join(problems[:20])
    finally:
        use_default_style()
