"""The networks of notebook 6: gradients against finite differences, a step that lowers the loss,
clear errors, and the live training view driven without a browser."""
import asyncio

import numpy as np
import pytest

import winit_helpers.live.training  # noqa: F401  (registers explore_training)
from winit_helpers.live import VIEWS
from winit_helpers.live.core import _params_key
from winit_helpers.training import (BookNetwork, DeepReLUNetwork, Trainer, book_weights, load_digits_split,
                                    one_hot, train, trainability_grid)

RNG = np.random.default_rng(0)
X = RNG.random((7, 5))
Y = one_hot(RNG.integers(0, 3, size=7), 3)


def _numeric_gradient(net, X, Y, k, r=0, eps=1e-6):
    """Central differences of replica r's loss with respect to every entry of W[k][r]."""
    W = net.W[k]
    grad = np.zeros(W.shape[1:])
    for idx in np.ndindex(*grad.shape):
        old = W[(r,) + idx]
        W[(r,) + idx] = old + eps
        up = net.loss(X, Y)[r]
        W[(r,) + idx] = old - eps
        down = net.loss(X, Y)[r]
        W[(r,) + idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("net", [
    BookNetwork([5, 4, 3, 3], init=["book", "none"], seed=[1, 2]),
    DeepReLUNetwork(depth=3, width=4, n_in=5, n_out=3, init=["he", "lecun"], scale=[1.0, 1.5], seed=[3, 4]),
], ids=["book", "deep-relu"])
def test_gradients_match_finite_differences(net):
    _, grads = net.gradients(X, Y)
    for k in range(len(net.W)):
        for r in range(net.n_replicas):
            numeric = _numeric_gradient(net, X, Y, k, r)
            np.testing.assert_allclose(grads[k][r], numeric, rtol=1e-5, atol=1e-7)


def test_book_network_is_the_books_code():
    """Forward pass and weights equal the book's loop, written out for one network."""
    layers = [64, 32, 16, 10]
    W = book_weights(layers, seed=5)
    assert [w.shape for w in W] == [(65, 33), (33, 17), (17, 10)]
    rng = np.random.default_rng(5)
    assert np.allclose(W[0], rng.standard_normal((65, 33)) / np.sqrt(64))
    net = BookNetwork(layers, seed=5)
    x = RNG.random((4, 64))
    a = np.c_[x, np.ones(4)]
    for w in W:
        a = 1.0 / (1.0 + np.exp(-a @ w))
    assert np.allclose(net.predict(x)[0], a, rtol=1e-12, atol=1e-14)


def test_replicas_train_independently():
    """A replica trained alone and inside a stack ends with the same weights."""
    data = load_digits_split(0)
    alone = BookNetwork(init="none", seed=3)
    stack = BookNetwork(init=["book", "none"], seed=[2, 3])
    kw = dict(batch_size=64, lr=0.1)
    Trainer(alone, data.X_train, data.Y_train, **kw).run(30)
    Trainer(stack, data.X_train, data.Y_train, **kw).run(30)
    for a, s in zip(alone.W, stack.W):
        assert np.allclose(a[0], s[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("net", [BookNetwork(init=["book", "none"], scale=[1.0, 0.01], seed=0),
                                 DeepReLUNetwork(depth=5, init=["he", "lecun"], seed=0)], ids=["book", "deep"])
def test_one_step_lowers_the_loss_on_a_fixed_batch(net):
    data = load_digits_split(0)
    Xb, Yb = data.X_train[:64], data.Y_train[:64]
    before = net.loss(Xb, Yb)
    net.step(Xb, Yb, lr=0.01)
    assert np.all(net.loss(Xb, Yb) < before)


def test_a_diverging_replica_is_frozen_without_warnings():
    data = load_digits_split(0).standardized()
    net = DeepReLUNetwork(depth=20, width=16, init="he", scale=[1.0, 8.0], seed=0)
    history = Trainer(net, data.X_train, data.Y_train, lr=0.05, record_every=5).run(20)   # warnings are errors here
    assert np.isfinite(history.loss[0]).all() and np.isnan(history.loss[1, -1])
    assert all(np.isfinite(w).all() for w in net.W)


def test_training_is_deterministic():
    data = load_digits_split(0)
    a = train(BookNetwork(seed=[0, 1]), data, epochs=2, batch_size=64)
    b = train(BookNetwork(seed=[0, 1]), data, epochs=2, batch_size=64)
    assert np.array_equal(a.history.loss, b.history.loss) and np.array_equal(a.accuracy, b.accuracy)


@pytest.mark.parametrize("call, message", [
    (lambda: BookNetwork([64]), "at least two layer sizes"),
    (lambda: BookNetwork([64, 0, 10]), "layers[1]"),
    (lambda: BookNetwork(init="xavier"), "choose one of: book, none, fan_in"),
    (lambda: BookNetwork(init=["book", "none"], seed=[0, 1, 2]), "one per network"),
    (lambda: BookNetwork().forward(np.zeros((3, 63))), "64 columns"),
    (lambda: BookNetwork().forward(np.zeros(64)), "x.reshape(1, -1)"),
    (lambda: BookNetwork().loss(np.zeros((3, 64)), np.zeros((3, 9))), "10 columns"),
    (lambda: BookNetwork().loss(np.zeros((3, 64)), np.zeros((4, 10))), "3 rows"),
    (lambda: BookNetwork().accuracy(np.zeros((3, 64)), np.zeros(4)), "one label per row"),
    (lambda: DeepReLUNetwork(init="kaiming"), "choose one of: he, lecun, unscaled"),
    (lambda: DeepReLUNetwork(depth=0), "depth"),
    (lambda: DeepReLUNetwork(scale=-1.0), "scale"),
    (lambda: one_hot([0, 11]), "0 .. 9"),
    (lambda: train(BookNetwork(), load_digits_split(0)), "exactly one of"),
])
def test_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert message in str(info.value)


def test_grid_marks_diverged_and_stalled_runs():
    data = load_digits_split(0).standardized()
    grid = trainability_grid(data, depths=(8,), gains=(0.1, 1.0, 16.0), seeds=(0,), width=8, steps=20)
    assert grid.final_loss.shape == (1, 3, 1)
    assert grid.diverged[0, 2, 0] and not grid.trained[0, 2, 0]


def test_live_view_trains_synchronously_and_resets_on_a_control():
    view = VIEWS["explore_training"](steps=40)
    assert view.result.steps.tolist() == [0] and view.progress.value == 0
    view.controls["depth"].value = 4
    result = view.run(20)
    assert view.progress.value == 20 and result.steps[-1] == 20 and view.error is None
    assert result.loss[-1] < result.loss[0]
    # the status line after training names the setting it shows, as after any redraw (a page tells them apart)
    assert f"data-params='{_params_key(view.params)}'" in view.status.value and "depth=4" in view.status.value
    assert result.message in view.status.value
    view.run()                                  # the rest of the budget
    assert view.panel.finished and view.progress.value == 40
    view.controls["init"].value = "lecun"       # a new network, not trained
    assert view.result.steps.tolist() == [0] and view.progress.value == 0
    assert "text/plain" in view._repr_mimebundle_()


def test_live_view_shows_controls_hint_train_button_figure_and_status_in_that_order():
    view = VIEWS["explore_training"](steps=40)
    shown = [child for child in view.widget.children if child.layout.display != "none"]
    assert shown[1:] == [view.hint, shown[2], view.image, view.status]
    assert list(shown[2].children) == [view.button, view.progress]
    assert view.shown_px in view.widget.children and view.shown_px.layout.display == "none"


def test_a_new_width_on_the_page_keeps_the_training_run():
    """The page reports the width it shows the figure at (a sidebar opened, the slideshow started): the figure is
    drawn again at that width as it is; the run goes on from where it was."""
    view = VIEWS["explore_training"](steps=40)
    view.run(20)
    steps, losses = view.progress.value, [line.get_ydata().copy() for line in view.panel.fig.axes[0].lines]
    assert steps == 20
    view.shown_px.value = "934"
    assert view.panel.fig.canvas.get_width_height()[0] == 950
    assert view.progress.value == steps and view.error is None
    for line, before in zip(view.panel.fig.axes[0].lines, losses):
        np.testing.assert_array_equal(line.get_ydata(), before)
    view.run()                                    # and it goes on to the end
    assert view.progress.value == 40


def test_live_view_stops_when_asked():
    view = VIEWS["explore_training"](steps=200)
    view.controls["depth"].value = 3

    async def click_start_then_stop():
        view._on_click(view.button)             # Train
        assert view.running and view.button.description == "Stop"
        while view.panel.trainer.step_count < 20:
            await asyncio.sleep(0.001)
        view._on_click(view.button)             # Stop
        await view.task
        return view.panel.trainer.step_count

    steps = asyncio.run(click_start_then_stop())
    assert 20 <= steps < 200 and not view.running and view.button.description == "Train"
    assert view.progress.value == steps


def test_book_divisors_and_deep_stds_written_out():
    from winit_helpers.training import deep_std
    layers = (64, 32, 16, 10)
    raw, book, fan_in = (book_weights(layers, init, seed=5) for init in ("none", "book", "fan_in"))
    for k, n in enumerate(layers[:-1]):
        assert np.allclose(book[k] * np.sqrt(n), raw[k]) and np.allclose(fan_in[k] * np.sqrt(n + 1), raw[k])
    assert deep_std("he", 50) == pytest.approx(np.sqrt(2 / 50)) and deep_std("lecun", 50) == pytest.approx(1 / np.sqrt(50))
    assert deep_std("unscaled", 50, 0.3) == 0.3


def test_an_epoch_counts_the_last_partial_batch():
    net = DeepReLUNetwork(depth=1, width=4, n_in=5, n_out=3, seed=0)
    assert Trainer(net, X, Y, batch_size=3).steps_per_epoch == 3    # 7 samples: 3 + 3 + 1
    assert Trainer(net, X, Y, batch_size=7).steps_per_epoch == 1


@pytest.mark.parametrize("depth", [1, 2, 7])
def test_logits_are_the_last_layer_of_the_forward_pass_and_give_the_loss(depth):
    net = DeepReLUNetwork(depth=depth, width=16, n_in=64, init=["he", "unscaled"], scale=[1.0, 0.5], seed=[3, 4])
    X = np.random.default_rng(0).standard_normal((50, 64))
    Y = np.eye(10)[np.arange(50) % 10]
    H = net.forward(X)
    assert len(H) == depth + 2 and H[-1].shape == (2, 50, 10)
    np.testing.assert_array_equal(net.logits(X), H[-1])
    # the loss by hand from the forward pass: mean cross-entropy of the softmax, per replica
    z = H[-1] - H[-1].max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(net.loss(X, Y), -(Y * log_p).sum(axis=-1).mean(axis=-1), rtol=1e-12)
    np.testing.assert_allclose(net.predict(X), np.exp(log_p), rtol=1e-12)
