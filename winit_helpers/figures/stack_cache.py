"""The unit draws of a square stack, kept across depths: a live figure whose depth slider moves draws no weight twice.

:func:`~winit_helpers.maths.forward.draw_network` draws the inputs, then layer 1's weights, then layer 2's, ...,
from one generator. So the draws of a network ``depth`` layers deep are the first ``depth`` layers of a deeper
one with the same width, seed, form and samples. :class:`DepthDrawCache` keeps the deepest draws asked for and
the generator after them: a shallower network is a slice, a deeper one draws only its new layers. The numbers
are exactly those of ``draw_network`` for that depth.
"""
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

    def get(self, widths, distribution, n_samples, seed):
        widths = check_widths(widths)
        n_samples = check_positive_int("n_samples", n_samples, minimum=2)
        width, depth = widths[0], len(widths) - 1
        if len(set(widths)) != 1 or depth * width * width > self.max_elements:
            self.square_key, self.x, self.units, self.rng = None, None, [], None
            return super().get(widths, distribution, n_samples, seed)
        key = (width, distribution, n_samples, seed)
        if key != self.square_key:
            self.key, self.draws = None, None                            # one cache's worth of memory at a time
            self.square_key, self.units = key, []
            self.rng = make_rng(seed)
            self.x = self.rng.standard_normal((n_samples, width))      # as draw_network does: inputs first
        while len(self.units) < depth:                                   # then each layer's weights, in order
            self.units.append(unit_weights(width, width, distribution, seed=self.rng))
        return self.x, self.units[:depth]

