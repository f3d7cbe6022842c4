"""Notebook 6's figures: what the static figures and the live training panel draw, read back from the artists.

The static figures are fed made-up results (so every drawn number is known); the live panel's
step-0 gradients are compared with :mod:`winit_helpers.training`, and every init of its drop-down
with the weight std its label names, typed out here.
"""
import math
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from figure_checks import assert_log_ticks_state_their_positions, label_value, visible_tick_labels
from winit_helpers.figures.training import TrainingPanel, plot_book_runs, plot_deep_runs, plot_grid
from winit_helpers.live.training import explore_training
from winit_helpers.training import DeepReLUNetwork, Grid, load_digits_split

matplotlib.use("Agg")


def fake_result(n_runs, n_points, spread, seed=0, n_layers=4):
    """A result with losses and gradients spanning ``spread`` decades, one NaN (a run that overflowed)."""
    rng = np.random.default_rng(seed)
    loss = 10 ** rng.uniform(0, spread, size=(n_runs, n_points))
    loss[1, -1] = np.nan
    history = SimpleNamespace(epochs=np.arange(n_points), steps=np.arange(n_points) * 10, loss=loss)
    return SimpleNamespace(history=history, accuracy=rng.uniform(0.9, 1.0, n_runs),
                           grad_norms=10 ** rng.uniform(-3, -3 + spread, size=(n_runs, n_layers)))


GROUPS = {"book: randn / sqrt(n)": ("book", np.arange(0, 3)), "tiny": ("tiny", np.arange(3, 6))}


def nan_median(curves):
    """Median over the runs that have a finite value, written out."""
    return np.array([np.median(col[np.isfinite(col)]) for col in curves.T])


@pytest.mark.parametrize("spread", [0.3, 1.0, 6.0])
def test_book_runs_draw_the_median_loss_and_every_seeds_accuracy(spread):
    result = fake_result(6, 12, spread)
    drawn = plot_book_runs(result, GROUPS)
    ax, ax_acc, ax_grad = drawn["figure"].axes
    for line, (label, (_, idx)) in zip(ax.lines, GROUPS.items()):
        np.testing.assert_allclose(line.get_ydata(), nan_median(result.history.loss[idx]))
        np.testing.assert_allclose(drawn["loss"][label][0], np.nanmin(result.history.loss[idx], axis=0))
    for k, (_, idx) in enumerate(GROUPS.values()):
        np.testing.assert_array_equal(ax_acc.lines[k].get_ydata(), result.accuracy[idx])
        np.testing.assert_array_equal(ax_grad.lines[k].get_ydata(), result.grad_norms[idx, 0])
        assert np.all(np.abs(ax_acc.lines[k].get_xdata() - k) <= 0.12 + 1e-12)
    assert [t.get_text() for t in ax_acc.get_xticklabels()] == ["book", "tiny"]
    assert_log_ticks_state_their_positions(ax.yaxis, f"book loss, {spread} decades")
    assert_log_ticks_state_their_positions(ax_grad.yaxis, f"book gradients, {spread} decades")
    plt.close("all")


def test_deep_runs_draw_median_loss_and_log10_of_every_layers_gradient():
    result = fake_result(6, 15, 2.0, n_layers=7)
    drawn = plot_deep_runs(result, GROUPS)
    ax, ax_grad = drawn["figure"].axes
    for k, (_, idx) in enumerate(GROUPS.values()):
        np.testing.assert_allclose(ax.lines[k].get_ydata(), nan_median(result.history.loss[idx]))
        np.testing.assert_array_equal(ax.lines[k].get_xdata(), result.history.steps)
        np.testing.assert_allclose(ax_grad.lines[k].get_ydata(), np.median(np.log10(result.grad_norms[idx]), axis=0))
        np.testing.assert_array_equal(ax_grad.lines[k].get_xdata(), np.arange(1, 8))
    chance = [line for line in ax.lines if line.get_linestyle() == "--"][0]
    assert chance.get_ydata()[0] == pytest.approx(math.log(10))
    plt.close("all")


def test_the_grid_counts_the_seeds_that_trained_and_marks_lecun_and_he():
    gains = (2 ** -0.5, 1.0, 2 ** 0.5, 2.0, 2 ** 1.5)
    final = np.full((2, 5, 3), 2.3)
    final[0, 1:3, :] = 0.5                  # depth 2: LeCun's and He's gains train, all 3 seeds
    final[1, 2, 0] = 1.0                    # depth 10: one seed of He's
    final[1, 4, :] = np.nan                 # depth 10, gain 2.8: every seed overflowed
    grid = Grid((2, 10), gains, (0, 1, 2), 32, 300, final, 0.0)
    drawn = plot_grid(grid)
    ax = drawn["figure"].axes[0]
    texts = {(round(t.get_position()[0], 6), t.get_position()[1]): t.get_text() for t in ax.texts}
    assert texts[round(1.0, 6), 0.5] == "3/3" and texts[round(2 ** 0.5, 6), 1.5] == "1/3"
    assert texts[round(2 ** 1.5, 6), 1.5] == "0/3\ndiverged" and texts[round(2.0, 6), 0.5] == "0/3"
    vlines = [line.get_xdata()[0] for line in ax.lines]
    assert vlines == pytest.approx([1.0, 2 ** 0.5])             # LeCun: std 1/sqrt(fan_in); He: sqrt(2/fan_in)
    np.testing.assert_allclose(drawn["fraction"], [[0, 1, 1, 0, 0], [0, 0, 1 / 3, 0, 0]])
    edges = drawn["x_edges"]
    assert np.all((edges[:-1] < np.array(gains)) & (np.array(gains) < edges[1:]))    # each cell around its gain
    assert_log_ticks_state_their_positions(ax.xaxis, "grid gains")
    assert [loc for loc, _ in visible_tick_labels(ax.xaxis)] == pytest.approx(list(gains))
    plt.close("all")


# --------------------------------------------------------------------------- the live training panel
@pytest.fixture(scope="module")
def view():
    return explore_training(steps=20)


def expected_std(init, scale, fan_in):
    return {"he": math.sqrt(2 / fan_in), "lecun": math.sqrt(1 / fan_in), "unscaled": 1.0}[init] * scale


def test_every_init_option_draws_the_network_its_label_names(view):
    control = view.controls["init"]
    assert set(control.options) == {"he", "lecun", "unscaled"}
    for init in control.options:
        for scale in (0.25, 1.0, 4.0):
            view.controls["scale"].value = scale
            control.value = init
            result = view.result
            # 64 x 64 hidden weights: the sample std is within 5 % of the true one (its own sd is 1.1 %)
            assert result.weight_std == pytest.approx(expected_std(init, scale, 64), rel=0.05), (init, scale)
            assert f"{result.init} x {scale:.3g}" in view.panel.ax.get_title()
    view.controls["scale"].value = 1.0
    control.value = "he"


@pytest.mark.parametrize("init, depth, scale", [("he", 30, 1.0), ("lecun", 5, 2.0), ("unscaled", 2, 0.25)])
def test_gradient_lines_are_the_networks_gradients_at_step_0(init, depth, scale):
    panel = TrainingPanel(steps=10)
    result = panel.update(init=init, depth=depth, scale=scale, seed=4)
    data = load_digits_split(0).standardized()

    def norms(i, s):
        net = DeepReLUNetwork(depth=depth, width=64, n_in=64, init=i, scale=s, seed=4)
        return net.gradient_norms(data.X_train[:256], data.Y_train[:256])[0]

    np.testing.assert_allclose(panel.grads.get_ydata(), norms(init, scale))
    np.testing.assert_allclose(panel.he_grads.get_ydata(), norms("he", 1.0))
    np.testing.assert_array_equal(panel.grads.get_xdata(), np.arange(1, depth + 2))
    g = norms(init, scale)
    assert panel.ax_grad.get_title() == f"first layer {g[0]:.1e}, last {g[-1]:.1e}"
    assert f"first layer's gradient at step 0: {g[0]:.2g}" in result.message
    np.testing.assert_array_equal(panel.curve.get_ydata(), result.loss)


@pytest.mark.parametrize("init, depth, scale", [("he", 30, 1.0), ("lecun", 5, 2.0), ("unscaled", 2, 0.25),
                                               ("unscaled", 50, 1e7)])
def test_the_loss_curve_starts_at_the_networks_loss_on_the_whole_training_set(init, depth, scale):
    import warnings
    panel = TrainingPanel(steps=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # an overflowing network says so in its verdict, not in a warning
        result = panel.update(init=init, depth=depth, scale=scale, seed=4)
    data = load_digits_split(0).standardized()
    net = DeepReLUNetwork(depth=depth, width=64, n_in=64, init=init, scale=scale, seed=4)
    with np.errstate(all="ignore"):
        want = net.loss(data.X_train, data.Y_train)[0]
    assert result.loss[0] == pytest.approx(want, rel=1e-12, nan_ok=True)
    assert len(result.loss) == 1 and list(result.steps) == [0]


def test_gradient_axis_labels_at_every_slider_end_and_default(view):
    for name in ("depth", "scale", "init"):
        control = view.controls[name]
        start = control.value
        values = control.options if name == "init" else (control.min, start, control.max)
        if name == "scale":
            values = (control.base ** control.min, start, control.base ** control.max)
        for value in values:
            control.value = value
            assert view.error is None, view.error
            assert_log_ticks_state_their_positions(view.panel.ax_grad.yaxis, f"{name} = {value}")
        control.value = start


def test_label_value_reads_what_matplotlib_writes():
    assert label_value("$\\mathdefault{2\\times10^{-1}}$") == (0.2, pytest.approx(0.05))
    assert label_value("$\\mathdefault{10^{3}}$")[0] == 1000.0
    assert label_value("2×10⁻¹") == (0.2, pytest.approx(0.05))       # the course's own powers of ten
    assert label_value("10⁹⁸")[0] == 1e98 and label_value("10⁻³")[0] == 1e-3
    assert label_value("0.71") == (0.71, pytest.approx(0.005))


def test_the_legend_shows_each_line_in_the_colour_it_is_drawn(view):
    """The legend draws its own copies of the lines: after a change of init they must take its colour too."""
    control = view.controls["init"]
    start = control.value
    legend = view.panel.ax_grad.get_legend()
    for init in list(control.options) + [start]:
        control.value = init
        assert view.error is None, view.error
        by_label = {text.get_text(): handle for text, handle in zip(legend.get_texts(), legend.legend_handles)}
        assert set(by_label) == {view.panel.grads.get_label(), view.panel.he_grads.get_label()}
        for line in (view.panel.grads, view.panel.he_grads):
            assert matplotlib.colors.same_color(by_label[line.get_label()].get_color(), line.get_color()), init
        assert not matplotlib.colors.same_color(view.panel.grads.get_color(), view.panel.he_grads.get_color())


def test_label_value_reads_plain_scientific_labels():
    assert label_value("1e-05") == (1e-05, pytest.approx(5e-06))
    assert label_value("1e+20")[0] == 1e20
    assert label_value("2.5e+10") == (2.5e10, pytest.approx(0.05e10))
    assert label_value("-3e-02")[0] == -0.03


@pytest.mark.parametrize("init, depth, scale, above", [("unscaled", 30, 1.0, True), ("he", 30, 1.0, False),
                                                       ("he", 30, 4.0, True), ("lecun", 30, 0.25, False),
                                                       ("he", 2, 2.0, True), ("he", 2, 1.782, False)])
def test_the_title_says_where_a_loss_above_the_chart_is(init, depth, scale, above):
    # the loss axis stops at 20 (3, 5, 10 below that): a larger loss is not drawn, and the title must say so
    # (depth 2 at 2.0 starts at a loss of 20.9, just above; at 1.782, 14.8)
    panel = TrainingPanel(steps=10)
    result = panel.update(init=init, depth=depth, scale=scale, seed=4)
    top, last = panel.ax.get_ylim()[1], result.loss[-1]
    assert (last > top) == above
    assert ("above the chart" in panel.ax.get_title()) == above
    if above:
        assert f"loss {last:.3g}, above the chart" in panel.ax.get_title()


@pytest.mark.parametrize("loss, step, words", [
    (float("nan"), 10, "it diverged"), (2.0, 0, "press Train"), (6e185, 10, "the loss is blowing up"),
    (1.2, 10, "it is learning"), (0.3, 300, "it has learned"),
    (2.31, 10, "so far it is no better than a uniform guess (2.30)"), (2.302, 300, "it is stuck at a uniform guess"),
    (44.9, 10, "so far it is worse than a uniform guess"), (44.9, 300, "it ended worse than a uniform guess"),
    (2.2, 10, "so far it is a little below a uniform guess (2.30), not yet under 2.15"),
    (2.2, 300, "it ended a little below a uniform guess (2.30), not under 2.15")])
def test_the_verdict_says_only_what_the_loss_at_that_step_shows(loss, step, words):
    """A run at 44.9 after 10 steps is not 'stuck near a uniform guess': it may still learn (the unscaled network of
    depth 1 ends at 0.15); only a finished run at 2.30 is stuck there."""
    from winit_helpers.figures.training import training_verdict
    assert training_verdict(loss, step, 300).startswith(words)


def test_a_run_that_learns_later_is_not_called_stuck_after_its_first_chunk():
    panel = TrainingPanel(steps=300)
    panel.update(init="unscaled", depth=1, scale=1.0, seed=0)
    first = panel.train_chunk(10)
    assert first.loss[-1] > 3 and "so far it is worse than a uniform guess (2.30)" in first.message
    while not panel.finished:
        last = panel.train_chunk(50)
    assert last.loss[-1] < 0.5 and "it has learned" in last.message
