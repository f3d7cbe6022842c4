"""Notebook 8's figures: every curve, marker, theory line, title number and log-axis label they draw.

Theory lines are compared with an independent mean-field computation written here (Gauss-Hermite
quadrature, not the course's own); simulated curves with :mod:`winit_helpers.meanfield` run on the
same draws; the named points with their formulas typed out.
"""
import matplotlib
import numpy as np
import pytest
from scipy.integrate import quad

from figure_checks import assert_log_ticks_state_their_positions
from winit_helpers.maths import meanfield as mf
from winit_helpers.figures.edge_of_chaos import NAMED_POINTS, ChaosPanel, draw_phase_diagram, phase_grid

matplotlib.use("Agg")

Z, WZ = np.polynomial.hermite_e.hermegauss(200)
WZ = WZ / WZ.sum()                                 # E[g(z1, z2)] = sum(W2 * g(Z1, Z2)), z ~ N(0, 1): the pair map
Z1, Z2 = np.meshgrid(Z, Z)
W2 = np.outer(WZ, WZ)


def expect(g):
    """E[g(z)], z ~ N(0, 1), by scipy's adaptive quadrature (the course uses its own nodes)."""
    return quad(lambda z: g(z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi), -np.inf, np.inf, epsabs=1e-14)[0]


def q_map(q, sw, sb):
    return sw ** 2 * expect(lambda z: np.tanh(np.sqrt(q) * z) ** 2) + sb ** 2


def c_map(q, c, sw, sb):
    u1 = np.sqrt(q) * Z1
    u2 = np.sqrt(q) * (c * Z1 + np.sqrt(1 - c * c) * Z2)
    return (sw ** 2 * np.sum(W2 * np.tanh(u1) * np.tanh(u2)) + sb ** 2) / q_map(q, sw, sb)


def q_star(sw, sb):
    """The fixed point of the variance map, iterated from q = 1 (sb > 0: it converges geometrically)."""
    q = 1.0
    for _ in range(2000):
        q, old = q_map(q, sw, sb), q
        if abs(q - old) < 1e-14:
            break
    return q


def chi1(sw, sb, q=None):
    q = q_star(sw, sb) if q is None else q
    return sw ** 2 * expect(lambda z: (1 - np.tanh(np.sqrt(q) * z) ** 2) ** 2)


POINTS = [(2.5, 0.5, 30), (1.0, 0.05, 30), (0.5, 1.0, 12), (1.8, 0.2, 45), (1.0, 0.05, 2)]   # (sigma_w, sigma_b, depth)


@pytest.fixture(scope="module")
def grid():
    return phase_grid(n_w=30, n_b=20)


@pytest.fixture(scope="module")
def panel(grid):
    return ChaosPanel(grid=grid)


@pytest.mark.parametrize("sw, sb, depth", POINTS)
def test_theory_lines_and_fixed_points_match_an_independent_mean_field(panel, sw, sb, depth):
    result = panel.update(sigma_w=sw, sigma_b=sb, depth=depth)
    q = [1.0]
    c = [np.array(panel.c0)]
    for _ in range(depth):
        c.append(np.array([c_map(q[-1], ck, sw, sb) for ck in c[-1]]))
        q.append(q_map(q[-1], sw, sb))
    q, c = np.array(q), np.array(c)
    layers = np.arange(depth + 1)
    np.testing.assert_allclose(panel.q_theory.get_xdata(), layers)
    np.testing.assert_allclose(panel.q_theory.get_ydata(), q, rtol=1e-6)
    for k in range(len(panel.c0)):
        np.testing.assert_allclose(panel.c_theory[k].get_ydata(), c[:, k], atol=1e-6)
    distance = np.sqrt(2 * q * (1 - c[:, 2]))
    np.testing.assert_allclose(panel.d_theory.get_ydata(), distance, rtol=1e-4, atol=1e-9)
    qs = q_star(sw, sb)
    assert panel.q_star.get_ydata()[0] == pytest.approx(qs, rel=1e-6)
    assert result.drawn["q_star"] == pytest.approx(qs, rel=1e-6)
    assert result.drawn["chi1"] == pytest.approx(chi1(sw, sb), rel=1e-6)
    # the titles print the numbers drawn
    assert f"q* = {qs:.4g}" == panel.ax_q.get_title()
    assert f"χ₁ = {chi1(sw, sb):.3f}" in panel.ax_phase.get_title()
    assert tuple(panel.point.get_xdata()) == (sw,) and tuple(panel.point.get_ydata()) == (sb,)


def test_the_chaotic_correlation_fixed_point_is_a_fixed_point_of_the_map(panel):
    sw, sb = 2.5, 0.5
    panel.update(sigma_w=sw, sigma_b=sb, depth=30)
    c_star = panel.c_star.get_ydata()[0]
    assert c_star < 1
    assert c_map(q_star(sw, sb), c_star, sw, sb) == pytest.approx(c_star, abs=1e-6)
    assert f"c* = {c_star:.3f}" in panel.ax_c.get_title()


def test_the_ordered_phase_pulls_correlations_to_one(panel):
    result = panel.update(sigma_w=0.5, sigma_b=1.0, depth=12)
    assert panel.c_star.get_ydata()[0] == 1.0 and result.drawn["phase"] == "ordered"


@pytest.mark.parametrize("sw, sb, depth", POINTS)
def test_simulated_curves_are_the_maths_modules_run_on_the_same_draws(panel, sw, sb, depth):
    result = panel.update(sigma_w=sw, sigma_b=sb, depth=depth)
    noise = mf.draw_noise(panel.max_depth, panel.width, panel.seed, dtype=np.float32)
    run = mf.run_tanh_network(sw, sb, (noise[0][:depth], noise[1][:depth]), q0=1.0, c0=panel.c0, seed=panel.seed + 1)
    np.testing.assert_allclose(panel.q_sim.get_ydata(), run.q)
    for k in range(len(panel.c0)):
        np.testing.assert_allclose(panel.c_sim[k].get_ydata(), run.c[:, k])
    np.testing.assert_allclose(panel.d_sim.get_ydata(), run.distance[:, 2])
    measured = run.chi[depth // 3:].mean()
    assert result.drawn["chi1_measured"] == pytest.approx(measured)
    first = depth // 3 + 1 if depth >= 3 else 1
    span = f"layer {depth}" if first == depth else f"layers {first} to {depth}"
    assert f"(measured over {span}: {measured:.3f}" in result.message
    assert f"(measured at layer {depth}: {run.q[-1]:.3g})" in result.message


def test_every_point_of_the_drawn_edge_has_chi1_equal_to_one(grid):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    drawn = draw_phase_diagram(ax, grid)
    w, b = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    np.testing.assert_array_equal(w, drawn["edge"][0])
    assert len(w) > 50 and b.max() > 2.5
    assert w[0] == pytest.approx(1.0, abs=1e-12) and b[0] == 0.0   # q* = 0: the slope of tanh at 0 is 1
    for k in np.flatnonzero(b > 0.2)[::15]:         # small sigma_b: q* is tiny and the iteration crawls
        assert chi1(w[k], b[k]) == pytest.approx(1.0, abs=1e-6), (w[k], b[k])
    # the colours are log10 chi_1 of the grid; one grid point checked independently
    sw, sb, _ = grid
    assert drawn["log10_chi1"][5, 7] == pytest.approx(np.log10(chi1(sw[7], sb[5])), abs=1e-6)
    plt.close(fig)


def test_every_named_point_sits_where_its_label_says():
    expected = {
        "1/sqrt(fan_in) = Xavier (n x n)": 1.0,            # std 1/sqrt(fan_in): sigma_w = 1
        "LeCun's 1.7159 tanh(2x/3)": 1.7159 * 2 / 3,        # 1.7159 tanh(2h/3) = tanh network with sigma_w = 1.7159 * 2/3
        "He, sqrt(2)/sqrt(fan_in)": 2 ** 0.5,
        "PyTorch tanh gain 5/3": 5 / 3,
    }
    assert set(NAMED_POINTS) == set(expected)
    for name, (sw, sb) in NAMED_POINTS.items():
        assert sw == pytest.approx(expected[name], rel=1e-12) and sb == 0.0, name
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    draw_phase_diagram(ax, phase_grid(4, 3))
    for line in ax.lines[1:]:
        sw, sb = NAMED_POINTS[line.get_label()]
        assert (line.get_xdata()[0], line.get_ydata()[0]) == (sw, sb)
    plt.close(fig)


def test_the_static_figure_draws_with_pyplot(grid):
    import matplotlib.pyplot as plt
    result = ChaosPanel.plot(sigma_w=2.5, sigma_b=0.5, depth=30, grid=grid)
    assert "chaotic" in result.message
    plt.close("all")


def test_log_axis_labels_at_every_slider_end_and_default(grid):
    from winit_helpers.live.edge_of_chaos import explore_edge_of_chaos
    view = explore_edge_of_chaos(grid=grid)
    for name, control in view.controls.items():
        start = control.value
        for value in (control.min, start, control.max):
            control.value = value
            assert view.error is None, view.error
            for ax in (view.panel.ax_q, view.panel.ax_d):
                assert_log_ticks_state_their_positions(ax.yaxis, f"{name} = {value}")
        control.value = start


def test_the_figure_after_any_moves_is_the_figure_drawn_fresh(grid):
    """The panel keeps runs and deepens the theory on a depth move: what it draws must not depend on the path."""
    panel = ChaosPanel(grid=grid)
    moves = [(4.0, 3.0, 30), (4.0, 3.0, 60), (4.0, 3.0, 7), (4.0, 3.0, 45), (1.0, 0.05, 30), (1.0, 0.05, 60),
             (4.0, 3.0, 60), (2.5, 0.5, 1), (2.5, 0.5, 33)]
    for sw, sb, depth in moves:
        drawn = panel.update(sigma_w=sw, sigma_b=sb, depth=depth).drawn
        fresh = ChaosPanel(grid=grid).update(sigma_w=sw, sigma_b=sb, depth=depth).drawn
        assert drawn.keys() == fresh.keys()
        for key in drawn:
            np.testing.assert_array_equal(np.asarray(drawn[key]), np.asarray(fresh[key]), err_msg=f"{key} {sw, sb, depth}")
        assert len(panel.q_theory.get_ydata()) == depth + 1


def iterate(sw, sb, depth, c0=(0.2, 0.6, 0.99)):
    """``(q, c)`` through layers 0 .. depth from q = 1 and the start correlations ``c0``, all by Gauss-Hermite.

    One rule for both maps, so that c_l keeps every digit when q_l is tiny (scipy's quad stops at an absolute
    1e-14, far above q = 1e-20).
    """
    q, c = [1.0], [np.array(c0)]
    for _ in range(depth):
        s = np.sqrt(q[-1])
        q_next = sw ** 2 * np.sum(WZ * np.tanh(s * Z) ** 2) + sb ** 2
        pair = [np.sum(W2 * np.tanh(s * Z1) * np.tanh(s * (ck * Z1 + np.sqrt(1 - ck * ck) * Z2))) for ck in c[-1]]
        c.append((sw ** 2 * np.array(pair) + sb ** 2) / q_next)
        q.append(q_next)
    return np.array(q), np.array(c)


def legend_lines_drawn(ax):
    """Whether every entry of ``ax``'s legend names a line drawn (visible) in ``ax``."""
    shown = {line.get_label() for line in ax.get_lines() if line.get_visible()}
    return all(t.get_text() in shown for t in ax.get_legend().get_texts())


@pytest.mark.parametrize("sw, depth", [(0.8, 60), (0.5, 30), (1.0, 60), (0.25, 60)])
def test_without_bias_and_sigma_w_at_most_one_the_signal_fades_and_correlations_freeze(panel, sw, depth):
    """sigma_b = 0, sigma_w <= 1: q* = 0, and c_l is not pulled to 1: it drifts down a little and stops."""
    # independently: the variance map lies below the diagonal (no q* but 0) ...
    qs = np.geomspace(1e-8, 10, 40)
    assert all(sw ** 2 * np.sum(WZ * np.tanh(np.sqrt(q) * Z) ** 2) < q for q in qs)
    # ... and the correlations only fall, a little, then stop, far from 1
    q, c = iterate(sw, 0.0, depth)
    assert q[-1] < 1e-2 and np.all(np.diff(c, axis=0) <= 1e-12)
    assert np.all(c[0] - c[-1] < 0.07) and c[-1, 0] < 0.2
    assert np.abs(c[-1] - c[-11]).max() < 1e-3
    result = panel.update(sigma_w=sw, sigma_b=0.0, depth=depth)
    for k in range(len(panel.c0)):
        np.testing.assert_allclose(panel.c_theory[k].get_ydata(), c[:, k], atol=1e-6)
    # what the figure says: q* = 0 exactly, no c*, no pull to c = 1, no fixed-point line listed
    assert panel.ax_q.get_title() == "q* = 0" and result.drawn["q_star"] == 0.0
    assert "no c*" in panel.ax_c.get_title() and "c* =" not in panel.ax_c.get_title()
    assert "c -> 1" not in result.message and "pulled together" not in result.message
    assert "q* = 0 " in result.message and "freezes" in result.message
    assert not panel.q_star.get_visible() and not panel.c_star.get_visible()
    assert legend_lines_drawn(panel.ax_q) and legend_lines_drawn(panel.ax_c)


@pytest.mark.parametrize("sw, sb", [(0.8, 0.05), (0.5, 0.05), (1.0, 0.05)])
def test_a_small_bias_gives_a_positive_q_star_and_pulls_correlations_to_one(panel, sw, sb):
    """sigma_b > 0 (here the slider's smallest): q* > 0, c = 1 attracts, and the figure says so."""
    assert q_star(sw, sb) > 1e-3 and chi1(sw, sb) < 1
    q, c = iterate(sw, sb, 300)
    assert np.all(c[-1] > 1 - 1e-4)
    result = panel.update(sigma_w=sw, sigma_b=sb, depth=60)
    assert panel.ax_c.get_title().startswith("c* = 1.000, depth scale")
    assert "ordered" in result.message and "(c -> 1)" in result.message
    assert panel.c_star.get_visible() and panel.c_star.get_ydata()[0] == 1.0
    assert panel.q_star.get_visible() and panel.ax_q.get_title() == f"q* = {q_star(sw, sb):.4g}"
    assert "fixed point q*" in [t.get_text() for t in panel.ax_q.get_legend().get_texts()]
    assert "fixed point c*" in [t.get_text() for t in panel.ax_c.get_legend().get_texts()]


@pytest.mark.parametrize("sw, sb, depth", [(0.8, 0.0, 60), (0.5, 0.0, 30), (2.5, 0.5, 30), (4.0, 0.0, 60),
                                           (1.05, 0.0, 60), (1.0, 0.05, 30), (0.25, 0.0, 60)])
def test_every_correlation_drawn_is_inside_the_axes_and_every_legend_entry_is_drawn(panel, sw, sb, depth):
    result = panel.update(sigma_w=sw, sigma_b=sb, depth=depth)
    lo, hi = panel.ax_c.get_ylim()
    band_bottom = 1.05                       # the legend's band starts above the top of the data
    for line in panel.c_theory + panel.c_sim:
        y = line.get_ydata()
        assert np.all((y >= lo) & (y <= band_bottom)), (line.get_label(), y.min(), lo)
    assert lo < np.min(result.drawn["c_sim"]) and hi > band_bottom
    assert min(panel.ax_c.get_yticks()) >= lo and max(panel.ax_c.get_yticks()) == 1.0
    assert legend_lines_drawn(panel.ax_q) and legend_lines_drawn(panel.ax_c)
    assert "-0.000" not in panel.ax_c.get_title()            # sigma_b = 0, chaotic: c* = 0 (tanh is odd)


def test_where_two_inputs_agree_to_float64s_precision_their_distance_is_not_drawn(panel):
    """Deep in the ordered phase 1 - c falls below float64's resolution within a few layers: from there the distance
    reads 0 or rounding noise. Near c = 1 the squared distance is multiplied by sigma_w^2 E[tanh'(u)^2] at q_l per
    layer (the correlation map's slope): the layer where that prediction crosses sqrt(2 q 64 eps) is the first not
    drawn, and the message names it."""
    sw, sb, depth = 0.25, 3.0, 30
    result = panel.update(sigma_w=sw, sigma_b=sb, depth=depth)
    q, d = [1.0], [np.sqrt(2 * (1 - panel.c0[2]))]
    for _ in range(depth):
        d.append(d[-1] * np.sqrt(sw ** 2 * expect(lambda z: (1 - np.tanh(np.sqrt(q[-1]) * z) ** 2) ** 2)))
        q.append(q_map(q[-1], sw, sb))
    q, d = np.array(q), np.array(d)
    cut = int(np.flatnonzero(d < np.sqrt(2 * q * 64 * np.finfo(float).eps))[0])
    assert 2 <= cut < depth
    drawn = panel.d_theory.get_ydata()
    np.testing.assert_allclose(drawn[:cut], d[:cut], rtol=0.05)
    assert np.all(np.isnan(drawn[cut:])) and np.all(np.isnan(panel.d_sim.get_ydata()[cut:]))
    assert np.all(np.isfinite(panel.d_sim.get_ydata()[:cut]))
    assert f"From layer {cut} on the two inputs agree to float64's precision" in result.message
    assert panel.ax_d.get_ylim()[0] <= d[cut - 1]
    result = panel.update(sigma_w=2.5, sigma_b=0.5, depth=30)       # chaotic: c* < 1, every layer drawn
    assert np.all(np.isfinite(panel.d_theory.get_ydata())) and "float64's precision" not in result.message
