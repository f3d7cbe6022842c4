"""The unit draws of a square stack, kept across depths: a live figure whose depth slider moves draws no weight twice.

:func:`~winit_helpers.maths.forward.draw_network` draws the inputs, then layer 1's weights, then layer 2's, ...,
from one generator. So the draws of a network ``depth`` layers deep are the first ``depth`` layers of a deeper
one with the same width, seed, form and samples. :class:`DepthDrawCache` keeps the deepest draws asked for and
the generator after them: a shallower network is a slice, a deeper one draws only its new layers. The numbers
are exactly those of ``draw_network`` for that depth.

A figure can also ask for the deeper layers ahead of time (:meth:`DepthDrawCache.prefetch`): they are drawn in a
background thread while the learner looks at the figure, so that a later move of the depth slider finds them
ready. The layers still come one after the other from the same generator, so the numbers are the same whoever
draws them and whenever. A figure that needs layers not drawn yet can also take them as they come
(``get(..., ahead=...)``): the thread draws them while the figure computes with the ones before.
"""
import threading

from .._checks import check_positive_int
from ..maths.init import check_widths, make_rng, unit_weights
from .base import DrawCache


class DepthDrawCache(DrawCache):
    """:class:`~winit_helpers.figures.base.DrawCache` for square stacks, reusing the draws across depths.

    Holds at most :attr:`max_elements` weights; other networks (not square, or too big) go to the plain cache.
    """

    def __init__(self):
        super().__init__()
        self.square_key, self.x, self.units, self.rng = None, None, [], None
        self._worker, self._stop, self._target = None, threading.Event(), 0
        self._drawn = threading.Condition()      # notified after each layer the background thread draws

    def get(self, widths, distribution, n_samples, seed, *, ahead=0):
        """``draw_network(widths, distribution, n_samples=n_samples, seed=seed)``, from the kept draws where it can.

        ``ahead``: the layers still missing are drawn in a background thread, on to layer ``ahead`` (as
        :meth:`prefetch` does), and stand in the list as :class:`PendingLayer`s, which numpy takes as their arrays
        once drawn. A caller that goes through the layers in order then computes with each one while the next ones
        are being drawn.
        """
        widths = check_widths(widths)
        n_samples = check_positive_int("n_samples", n_samples, minimum=2)
        width, depth = widths[0], len(widths) - 1
        if len(set(widths)) != 1 or depth * width * width > self.max_elements:
            self.halt()
            self.square_key, self.x, self.units, self.rng = None, None, [], None
            return super().get(widths, distribution, n_samples, seed)
        key = (width, distribution, n_samples, seed)
        if key != self.square_key:
            self.halt()
            self.key, self.draws = None, None                            # one cache's worth of memory at a time
            self.square_key, self.units = key, []
            self.rng = make_rng(seed)
            self.x = self.rng.standard_normal((n_samples, width))      # as draw_network does: inputs first
        if ahead and len(self.units) < depth:
            if self._worker is not None and self._worker.is_alive() and self._target < depth:
                self.halt()                      # drawing, but not as deep: start again with this depth
            self.prefetch(max(depth, ahead))
            if self._worker is not None and self._worker.is_alive():
                return self.x, [PendingLayer(self, k) for k in range(depth)]
        if len(self.units) < depth:
            self.halt()                          # a prefetch stops after its layer; the rest follow from here
        self._draw_up_to(depth)
        return self.x, self.units[:depth]

    def _draw_up_to(self, depth):
        width, distribution = self.square_key[:2]
        while len(self.units) < depth:                                   # each layer's weights, in order
            self.units.append(unit_weights(width, width, distribution, seed=self.rng))

    def prefetch(self, depth):
        """Draw the current square stack's layers up to ``depth`` (as many as :attr:`max_elements` allows) in a
        background thread, and return at once. :meth:`get` takes what is ready and stops the thread (after the
        layer it is drawing) when it needs more, or another stack; then it draws on from there itself."""
        if self.square_key is None or (self._worker is not None and self._worker.is_alive()):
            return
        width, distribution = self.square_key[:2]
        target = min(check_positive_int("depth", depth), self.max_elements // (width * width))
        units, rng, stop, drawn = self.units, self.rng, self._stop, self._drawn

        def draw():
            try:
                while len(units) < target and not stop.is_set():
                    layer = unit_weights(width, width, distribution, seed=rng)
                    with drawn:
                        units.append(layer)
                        drawn.notify_all()
            finally:
                with drawn:                      # a layer waited for that will not come: the waiter draws it
                    drawn.notify_all()

        if len(units) < target:
            self._target = target
            self._worker = threading.Thread(target=draw, name="winit-prefetch", daemon=True)
            self._worker.start()

    def halt(self):
        """Stop a prefetch in progress (after the layer it is drawing) and wait for it."""
        if self._worker is not None:
            self._stop.set()
            self._worker.join()
            self._worker = None
            self._stop.clear()


class PendingLayer:
    """Layer ``k`` of a :class:`DepthDrawCache`'s current stack while its background thread draws it.

    It has the layer's shape; numpy takes it as the layer's array (``np.asarray``, ``h @ layer``), waiting until
    the thread has drawn it. Should the thread have stopped first, the layer is drawn here, from the same
    generator, in order: the numbers are the same either way.
    """
    ndim = 2

    def __init__(self, cache, k):
        self.cache, self.k = cache, k
        self.units = cache.units                 # this stack's list, which the thread appends to
        width = cache.square_key[0]
        self.shape = (width, width)

    def value(self):
        units, cache = self.units, self.cache
        with cache._drawn:
            while len(units) <= self.k and cache._worker is not None and cache._worker.is_alive():
                cache._drawn.wait(0.05)
        if len(units) <= self.k:
            if units is not cache.units:
                raise RuntimeError("a pending layer of a stack the cache no longer holds")
            cache.halt()
            cache._draw_up_to(self.k + 1)
        return units[self.k]

    def __array__(self, dtype=None, copy=None):
        value = self.value()
        if dtype is not None and value.dtype != dtype:
            return value.astype(dtype)
        return value.copy() if copy else value     # the kept draws themselves only where no copy is asked for

    @property
    def T(self):
        return self.value().T
