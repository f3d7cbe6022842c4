"""Notebook 10's figures, read back from what they drew and compared with formulas and loops typed out here."""
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import special, stats

from figure_checks import assert_log_ticks_state_their_positions
from winit_helpers.figures.modern import AttentionPanel, NormPanel, StreamPanel, plot_lr_sweep
from winit_helpers.maths import attention as att
from winit_helpers.maths import width_scaling as ws
from winit_helpers.maths.normalisation import norm_stack
from winit_helpers.maths.residual_stream import STREAM_RULES, prenorm_stream

matplotlib.use("Agg")


# --------------------------------------------------------------------------- attention
@pytest.fixture(scope="module")
def attention():
    return AttentionPanel()


@pytest.mark.parametrize("d_k, seq_len", [(1, 64), (64, 16), (1024, 64), (8, 2)])
def test_attention_panel_draws_the_rows_and_the_curves(attention, d_k, seq_len):
    result = attention.update(d_k=d_k, seq_len=seq_len, seed=5)
    q, k = att.attention_draws(d_k, seq_len, n_rows=attention.n_rows, seed=5)
    first = np.array([q[:, 0] @ k[:, j] for j in range(seq_len)])          # the first row's scores, one by one
    for scaled in (True, False):
        p = special.softmax(first / (math.sqrt(d_k) if scaled else 1.0))
        np.testing.assert_allclose(attention.row_lines[scaled].get_ydata(), np.sort(p)[::-1], rtol=1e-10)
        np.testing.assert_array_equal(attention.row_lines[scaled].get_xdata(), np.arange(1, seq_len + 1))
        # each point of the curves against d_k is that d_k's own measurement
        for i, d in enumerate(AttentionPanel.d_ks):
            one = att.attention_row_stats(int(d), seq_len, scaled=scaled, n_rows=attention.n_rows, seed=5)
            assert attention.h_lines[scaled].get_ydata()[i] == pytest.approx(one.entropy, rel=1e-9)
            assert attention.max_lines[scaled].get_ydata()[i] == pytest.approx(one.max_weight, rel=1e-9)
        qq = q.T @ k / (math.sqrt(d_k) if scaled else 1.0)
        probs = special.softmax(qq, axis=1)
        assert attention.h_marks[scaled].get_ydata()[0] == pytest.approx(stats.entropy(probs, axis=1).mean(), rel=1e-9)
        assert attention.max_marks[scaled].get_ydata()[0] == pytest.approx(probs.max(axis=1).mean(), rel=1e-9)
        assert attention.h_marks[scaled].get_xdata()[0] == d_k
    np.testing.assert_allclose(attention.h_theory.get_ydata(), math.log(seq_len) - 0.5 if seq_len > 2 else np.nan)
    np.testing.assert_allclose(attention.h_uniform.get_ydata(), math.log(seq_len))
    np.testing.assert_allclose(attention.max_uniform.get_ydata(), 1 / seq_len)
    stats_ = result.values["stats"]
    assert f"{stats_[True].entropy:.2f} scaled, {stats_[False].entropy:.2f} unscaled" in attention.ax_h.get_title()
    assert f"score variance {stats_[False].score_var:.3g} unscaled (theory {d_k})" in result.message
    assert_log_ticks_state_their_positions(attention.ax_h.xaxis, f"attention d_k={d_k}")


# --------------------------------------------------------------------------- normalisation
@pytest.fixture(scope="module")
def norm_panel():
    return NormPanel()


def test_the_normalisation_view_draws_each_scale_it_reaches():
    """At the slider's values (which may differ from the powers of two in their last bits), at a typed value, after
    moves of the depth and the norm, and back at settings seen before (their runs are kept)."""
    from winit_helpers.live.modern import explore_normalisation
    view = explore_normalisation(seed=4)
    for depth, norm, scale in ((50, "layer", 10 ** (3 * np.log10(2))), (50, "layer", 0.3), (7, "batch", 0.125),
                               (7, "none", 2 ** -0.5), (50, "layer", 4.0), (50, "batch", 4.0), (50, "layer", 0.3),
                               (7, "batch", 0.125), (51, "batch", 0.125), (50, "layer", 8.0)):
        view.controls["depth"].value, view.controls["norm"].value, view.controls["scale"].value = depth, norm, scale
        assert view.error is None, view.error
        run = norm_stack(depth, NormPanel.width, scale, norm, n_samples=NormPanel.n_samples, seed=4)
        np.testing.assert_allclose(view.panel.f_line.get_ydata(), run.out_std, rtol=1e-9)
        np.testing.assert_allclose(view.panel.g_line.get_ydata(), run.grad_norm, rtol=1e-9)
        ref = norm_stack(depth, NormPanel.width, 1.0, norm, n_samples=NormPanel.n_samples, seed=4)
        np.testing.assert_allclose(view.panel.f_ref.get_ydata(), ref.out_std, rtol=1e-9)
        np.testing.assert_allclose(view.panel.g_ref.get_ydata(), ref.grad_norm, rtol=1e-9)
        assert f"weight std = {scale:.3g}/sqrt" in view.panel.ax_f.get_title()
    with pytest.raises(ValueError, match="scale must be a finite number > 0"):
        view.panel.update(scale=0.0, norm="layer", depth=5)


@pytest.mark.parametrize("norm", ["layer", "batch", "none"])
@pytest.mark.parametrize("scale", [0.1, 1.0, 3.0])
def test_norm_panel_draws_the_stack_and_the_one_over_scale_law(norm_panel, norm, scale):
    result = norm_panel.update(scale=scale, norm=norm, depth=20, seed=2)
    run = norm_stack(20, NormPanel.width, scale, norm, n_samples=NormPanel.n_samples, seed=2)
    ref = norm_stack(20, NormPanel.width, 1.0, norm, n_samples=NormPanel.n_samples, seed=2)
    layers = np.arange(1, 21)
    np.testing.assert_array_equal(norm_panel.f_line.get_xdata(), layers)
    np.testing.assert_allclose(norm_panel.f_line.get_ydata(), run.out_std, rtol=1e-12)
    np.testing.assert_allclose(norm_panel.f_ref.get_ydata(), ref.out_std, rtol=1e-12)
    np.testing.assert_allclose(norm_panel.g_line.get_ydata(), run.grad_norm, rtol=1e-12)
    ratio = np.median(run.grad_norm / ref.grad_norm)
    assert f"gradients: {ratio:.3g} × those at scale 1" in norm_panel.ax_g.get_title()
    if norm == "none":
        assert not norm_panel.g_theory.get_visible()
        assert f"scale^depth = {scale ** 20:.3g}" in result.message
    else:
        assert norm_panel.g_theory.get_visible()
        np.testing.assert_allclose(norm_panel.g_theory.get_ydata(), ref.grad_norm / scale, rtol=1e-12)
        assert f"(theory 1/scale = {1 / scale:.3g})" in norm_panel.ax_g.get_title()
    for ax in (norm_panel.ax_f, norm_panel.ax_g):
        lo, hi = ax.get_ylim()
        drawn = np.concatenate([line.get_ydata() for line in ax.get_lines() if line.get_visible() and len(line.get_ydata())])
        assert lo <= drawn.min() and drawn.max() <= hi
        assert_log_ticks_state_their_positions(ax.yaxis, f"norm {norm} scale {scale}")


# --------------------------------------------------------------------------- residual streams
def alpha_of(rule, n):
    return {"a = 1 (no scaling)": 1.0, "a = 1/sqrt(N) (GPT-2)": n ** -0.5, "a = 0 (zero-initialised branch)": 0.0}[rule]


@pytest.fixture(scope="module")
def stream_panel():
    return StreamPanel()


@pytest.mark.parametrize("rule", list(STREAM_RULES))
@pytest.mark.parametrize("n", [1, 32, 1024])
def test_stream_panel_draws_the_stream_and_its_theory(stream_panel, rule, n):
    result = stream_panel.update(n_branches=n, rule=rule, seed=0)
    a = alpha_of(rule, n)
    ms = prenorm_stream(n, StreamPanel.width, a, n_samples=StreamPanel.n_samples, seed=0)     # drawn afresh here
    np.testing.assert_allclose(stream_panel.sim.get_ydata(), ms[1:], rtol=1e-12)
    np.testing.assert_array_equal(stream_panel.sim.get_xdata(), np.arange(1, n + 1))
    np.testing.assert_allclose(stream_panel.theory.get_ydata(), ms[0] + np.arange(1, n + 1) * a ** 2, rtol=1e-12)
    assert stream_panel.marker.get_xdata()[0] == n
    assert stream_panel.marker.get_ydata()[0] == pytest.approx(ms[-1] / ms[0])
    assert f"growth after N = {n}:\nmeasured {ms[-1] / ms[0]:.3g} (star), theory {(ms[0] + n * a ** 2) / ms[0]:.3g}" in stream_panel.ax_n.get_title()
    assert f"mean square is {ms[-1]:.3g}" in result.message
    lo, hi = stream_panel.ax_l.get_ylim()
    assert lo <= ms.min() and ms.max() <= hi
    assert_log_ticks_state_their_positions(stream_panel.ax_l.xaxis, f"stream {rule} {n}")
    assert_log_ticks_state_their_positions(stream_panel.ax_l.yaxis, f"stream {rule} {n}")


def test_stream_panel_draws_each_rules_growth_and_notebook_9s(stream_panel):
    n = np.arange(1, StreamPanel.max_branches + 1)
    for rule, line in stream_panel.rule_lines.items():
        np.testing.assert_allclose(line.get_ydata(), 1 + n * np.array([alpha_of(rule, k) for k in n]) ** 2, rtol=1e-12)
    np.testing.assert_allclose(stream_panel.nb9_sqrt.get_ydata(), (1 + 1 / n) ** n, rtol=1e-12)
    assert np.all(stream_panel.nb9_sqrt.get_ydata() < math.e)
    shown = n <= 60                                     # 2^N is drawn until it is far off the chart (top 1e4)
    np.testing.assert_allclose(stream_panel.nb9_one.get_ydata()[shown], 2.0 ** n[shown])
    assert np.all(stream_panel.nb9_one.get_ydata()[~shown] > StreamPanel.top)
    assert_log_ticks_state_their_positions(stream_panel.ax_n.xaxis, "stream N axis")
    assert_log_ticks_state_their_positions(stream_panel.ax_n.yaxis, "stream growth axis")


def test_stream_panel_says_how_deep_it_goes(stream_panel):
    with pytest.raises(ValueError, match="n_branches must be at most 1024"):
        stream_panel.update(n_branches=2048)


# --------------------------------------------------------------------------- width scaling
def test_lr_sweep_figure_draws_the_mean_losses_and_the_best_rates():
    task = ws.toy_task(n_samples=16)
    lrs = 2.0 ** np.arange(-4, 3)
    sweeps = [ws.lr_sweep([32, 64], lrs, p, seeds=(0, 1), steps=10, task=task) for p in ws.PARAMETRISATIONS]
    fig = plt.figure()
    drawn = plot_lr_sweep(sweeps, fig)
    for ax, sweep in zip(fig.axes, sweeps):
        lines = [l for l in ax.get_lines() if l.get_marker() == "o"]
        stars = [l for l in ax.get_lines() if l.get_marker() == "*"]
        for i, width in enumerate([32, 64]):
            losses = np.mean([ws.train_losses(width, lrs, sweep.parametrisation, steps=10, seed=s, task=task)
                              for s in (0, 1)], axis=0)
            ok = np.isfinite(losses)
            np.testing.assert_allclose(lines[i].get_xdata(), lrs[ok])
            np.testing.assert_allclose(lines[i].get_ydata(), losses[ok], rtol=1e-12)
            best = int(np.argmin(losses))
            assert stars[i].get_xdata()[0] == lrs[best] and stars[i].get_ydata()[0] == pytest.approx(losses[best])
            assert drawn[sweep.parametrisation]["best"][width] == (lrs[best], pytest.approx(losses[best]))
        assert ", ".join(f"{lr:g}" for lr in sweep.best_lr) in ax.get_title()
        assert_log_ticks_state_their_positions(ax.xaxis, "lr axis")
    plt.close(fig)


# --------------------------------------------------------------------------- layout at the settings the notebook names
#: the settings notebook 10's questions and the lecturer's guide name, beyond each slider's ends and default
#: (tests/test_layout_views_c.py checks those), as a sequence of control moves from the view's start
QUESTION_MOVES = {
    "explore_attention": [{"d_k": d} for d in (1, 2, 4, 8, 16, 32, 1024)]
                         + [{"seq_len": n} for n in (128, 256, 512, 1024)],
    "explore_normalisation": [{"norm": "none", "scale": 0.5}, {"scale": 2.0}, {"scale": 8.0}, {"norm": "layer"},
                              {"scale": 0.125}, {"norm": "batch"}],
    "explore_residual_stream": [{"rule": rule, "n_branches": n} for rule in STREAM_RULES for n in (32, 1024)],
}


@pytest.mark.parametrize("style", ["default", "projector"])
@pytest.mark.parametrize("name", list(QUESTION_MOVES))
def test_no_collisions_at_the_settings_the_questions_name(name, style):
    from layout_checks import layout_problems
    from winit_helpers.live import all_views
    from winit_helpers.style import use_default_style, use_projector_style
    (use_projector_style if style == "projector" else use_default_style)()
    try:
        view = all_views()[name]()
        problems = []
        for move in QUESTION_MOVES[name]:
            for control, value in move.items():
                view.controls[control].value = value
            assert view.error is None, view.error
            problems += layout_problems(view.panel.fig, f"{name} ({style}) after {move}")
            # the legend is the figure's, in a band below every axes, so it covers no data (layout_problems checks
            # that its texts meet no other text)
            fig = view.panel.fig
            legend = view.panel.legend.get_window_extent(fig.canvas.get_renderer())
            for ax in fig.axes:
                assert legend.y1 < ax.get_window_extent().y0, f"{name} ({style}): the legend reaches into an axes"
        assert not problems, "\n".join(problems)
    finally:
        use_default_style()


def test_the_legends_name_what_is_drawn():
    fig_att = AttentionPanel()
    labels = [t.get_text() for t in fig_att.legend.get_texts()]
    assert labels == ["scaled: q·k / sqrt(d_k)", "unscaled: q·k", "theory for N(0, 1) scores: log n − 1/2",
                      "uniform row: log n, 1/n", "star: the d_k of the left panel"]
    # every handle is an artist the panel draws (or the star's key)
    assert fig_att.legend.legend_handles[2].get_linestyle() == fig_att.h_theory.get_linestyle()
    stream = StreamPanel()
    assert [t.get_text() for t in stream.legend.get_texts()] == [
        "pre-norm, a = 1: 1 + N", "pre-norm, a = 1/sqrt(N) (GPT-2): 2", "pre-norm, a = 0 (zero start): 1",
        "no norm, a = 1: 2^N (notebook 9)", "no norm, a = 1/sqrt(N): (1 + 1/N)^N", "star: this stack, measured"]
    norm = NormPanel()
    assert [t.get_text() for t in norm.legend.get_texts()] == [
        "the same network at scale 1", "outputs at this scale", "gradients at this scale",
        "theory: gradient at scale 1 / scale"]


@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_norm_panel_keeps_its_axes_while_the_scale_moves(norm):
    """With a norm, every scale the slider offers fits the first axes: a move redraws only the curves."""
    panel = NormPanel()
    panel.update(scale=1.0, norm=norm, depth=50, seed=0)
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in (panel.ax_f, panel.ax_g)]
    for scale in 2.0 ** np.arange(-3, 4):
        panel.update(scale=scale, norm=norm, depth=50, seed=0)
        assert [(ax.get_xlim(), ax.get_ylim()) for ax in (panel.ax_f, panel.ax_g)] == limits
        lo, hi = panel.ax_g.get_ylim()
        assert lo <= panel.g_line.get_ydata().min() and panel.g_line.get_ydata().max() <= hi
    panel.update(scale=1.0, norm="none", depth=50, seed=0)            # switching the norm at scale 1 keeps them too
    assert panel.ax_g.get_ylim() == limits[1][1]


def test_norm_panel_draws_each_seeds_own_network():
    """The panel keeps its draws between moves; a new seed or depth must draw a new network."""
    panel = NormPanel()
    for seed, depth in ((0, 20), (1, 20), (1, 30)):
        panel.update(scale=2.0, norm="layer", depth=depth, seed=seed)
        run = norm_stack(depth, NormPanel.width, 2.0, "layer", n_samples=NormPanel.n_samples, seed=seed)
        ref = norm_stack(depth, NormPanel.width, 1.0, "layer", n_samples=NormPanel.n_samples, seed=seed)
        np.testing.assert_allclose(panel.g_line.get_ydata(), run.grad_norm, rtol=1e-12)
        np.testing.assert_allclose(panel.g_ref.get_ydata(), ref.grad_norm, rtol=1e-12)


# --------------------------------------------------------------------------- legends at every end of every control
def control_ends(widget):
    """A control's settings to try: a drop-down's every option, a slider's two ends (a log slider's in its units)."""
    if hasattr(widget, "options"):
        return [o[1] if isinstance(o, tuple) else o for o in widget.options]
    if hasattr(widget, "base"):
        return [widget.base ** widget.min, widget.base ** widget.max]
    return [widget.min, widget.max]


def draws_in_view(line):
    """Whether a line is visible and draws inside its axes: a finite point there (two for a line without markers,
    whose one point alone draws nothing)."""
    x, y = (np.asarray(d, dtype=float) for d in line.get_data())
    if not line.get_visible() or line.axes is None or x.shape != y.shape:
        return False
    (x0, x1), (y0, y1) = sorted(line.axes.get_xlim()), sorted(line.axes.get_ylim())
    inside = np.isfinite(x) & np.isfinite(y) & (x0 <= x) & (x <= x1) & (y0 <= y) & (y <= y1)
    return inside.sum() >= (1 if line.get_marker() not in (None, "", " ", "None", "none") else 2)


def legend_problems(fig, where):
    """Legend entries that name nothing drawn, and labelled lines drawn but left out of every legend."""
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    problems, named = [], set()
    for legend in legends:
        for text, key in zip(legend.get_texts(), legend.legend_handles):
            label = text.get_text()
            named.add(label)
            artists = [line for line in lines if line.get_label() == label]
            if artists:
                problems += [f"{where}: '{label}' names a line that draws nothing in view"
                             for line in artists if not draws_in_view(line)]
                # the legend's key is a copy made with the legend: it must still look like the line
                problems += [f"{where}: '{label}' is keyed with marker {key.get_marker()}, drawn with {line.get_marker()}"
                             for line in artists[:1] if key.get_marker() != line.get_marker()]
            # a key drawn for the legend alone (a star) stands for the unlabelled lines drawn with its marker
            elif not any(draws_in_view(line) for line in lines
                         if line.get_label().startswith("_") and line.get_marker() == key.get_marker()):
                problems.append(f"{where}: '{label}' names nothing drawn")
    problems += [f"{where}: '{line.get_label()}' is drawn but in no legend" for line in lines
                 if not line.get_label().startswith("_") and draws_in_view(line) and line.get_label() not in named]
    return problems


def modern_views():
    """The names of the live views built on this module's panels."""
    from winit_helpers.live import modern
    return sorted(name for name, f in vars(modern).items() if name.startswith("explore_") and callable(f))


@pytest.mark.parametrize("name", modern_views())
def test_every_legend_entry_names_a_drawn_line_at_every_end_of_every_control(name):
    """At each combination of the controls' ends and options, and back (a legend left from the setting before)."""
    import itertools
    from winit_helpers.live import all_views
    view = all_views()[name]()
    problems = []
    for setting in itertools.product(*(control_ends(w) for w in view.controls.values())):
        for control, value in zip(view.controls, setting):
            view.controls[control].value = value
        assert view.error is None, view.error
        problems += legend_problems(view.panel.fig, f"{name} at {dict(zip(view.controls, setting))}")
    assert not problems, "\n".join(problems)


def test_the_figures_say_where_there_is_no_theory():
    """log n - 1/2 needs 16 keys or more; the 1/scale law needs a norm: the titles and messages say so."""
    attention = AttentionPanel()
    for n in (2, 4, 8):
        result = attention.update(d_k=8, seq_len=n, seed=0)
        assert f"no theory: n = {n} keys are too few" in attention.ax_h.get_title()
        assert "No theory line: log n − 1/2" in result.message and "0.14 at 8 keys" in result.message
        assert not attention.h_theory.get_visible()
    result = attention.update(d_k=8, seq_len=16, seed=0)
    assert attention.h_theory.get_visible()
    assert "no theory" not in attention.ax_h.get_title() and "No theory" not in result.message
    assert "theory for N(0, 1) scores: log n − 1/2" in [t.get_text() for t in attention.legend.get_texts()]
    norm = NormPanel()
    result = norm.update(scale=2.0, norm="none", depth=10, seed=0)
    assert "no 1/scale law without a norm" in norm.ax_g.get_title()
    assert "the 1/scale law holds only with a norm" in result.message
    assert len(norm.legend.get_texts()) == 3
