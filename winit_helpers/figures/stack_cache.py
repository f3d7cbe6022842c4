"""The unit draws of a square stack, kept across depths: a live figure whose depth slider moves draws no weight twice.

:func:`~winit_helpers.maths.forward.draw_network` draws the inputs, then layer 1's weights, then layer 2's, ...,
from one generator. So the draws of a network ``depth`` layers deep are the first ``depth`` layers of a deeper
one with the same width, seed, form and samples. :class:`DepthDrawCache` keeps the deepest draws asked for and
the generator after them: a shallower network is a slice, a deeper one draws only its new layers. The numbers
are exactly those of ``draw_network`` for that depth.

A figure can also ask for the deeper layers ahead of time (:meth:`DepthDrawCache.prefetch`): they are drawn in a
background thread while the learner looks at the figure, so that a later move of the depth slider finds them
ready. The layers still come one after the other from the same generator, so the numbers are the same whoever
draws them and whenever.
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
        self._worker, self._stop = None, threading.Event()

    def get(self, widths, distribution, n_samples, seed):
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
        if len(self.units) < depth:
            self.halt()                          # a prefetch stops after its layer; the rest follow from here
        while len(self.units) < depth:                                   # then each layer's weights, in order
            self.units.append(unit_weights(width, width, distribution, seed=self.rng))
        return self.x, self.units[:depth]

    def prefetch(self, depth):
        """Draw the current square stack's layers up to ``depth`` (as many as :attr:`max_elements` allows) in a
        background thread, and return at once. :meth:`get` takes what is ready and stops the thread (after the
        layer it is drawing) when it needs more, or another stack; then it draws on from there itself."""
        if self.square_key is None or (self._worker is not None and self._worker.is_alive()):
            return
        width, distribution = self.square_key[:2]
        target = min(check_positive_int("depth", depth), self.max_elements // (width * width))
        units, rng, stop = self.units, self.rng, self._stop

        def draw():
            while len(units) < target and not stop.is_set():
                units.append(unit_weights(width, width, distribution, seed=rng))

        if len(units) < target:
            self._worker = threading.Thread(target=draw, name="winit-prefetch", daemon=True)
            self._worker.start()

    def halt(self):
        """Stop a prefetch in progress (after the layer it is drawing) and wait for it."""
        if self._worker is not None:
            self._stop.set()
            self._worker.join()
            self._worker = None
            self._stop.clear()
