"""One seed's standard-normal numbers, kept and read again: a run of another width draws nothing new.

A seed's generator draws the same sequence of standard-normal numbers however they are asked for:
``standard_normal((500, 100))`` and then ``normal(0.0, s, (100, 100))`` are the sequence's first 50,000
numbers, then ``s`` times the next 10,000, to the last bit. A run of :func:`~.forward.simulate` of any width
reads its inputs and then each layer's weights from the front of that one sequence. So a figure that keeps
a seed's sequence (:class:`NormalStream`, one a seed for the process: :func:`kept_stream`) gives a run of a
new width its numbers without drawing them (:class:`StreamReader` stands for the run's generator): the same
numbers as with ``make_rng(seed)``. Drawing a normal number takes about 10 ns on a 2-core machine: at width 100
with 500 inputs, about a sixth of a run's time, and half of a run that keeps only the std (which multiplies a
100 x 100 matrix).
"""
import math
import threading

import numpy as np

from .._checks import check_positive_int
from .init import check_seed, make_rng

#: the numbers a stream draws at a time (2 MB), as far as a run reads
CHUNK = 1 << 18
#: :func:`kept_stream` keeps the numbers of this many seeds, the first asked for, at most this many numbers each
#: (8 bytes a number: 80 MB in all, for the whole process however many figures read them)
KEPT_SEEDS, KEPT_PER_SEED = 5, 2_000_000
_kept = {}
_kept_lock = threading.Lock()


def kept_stream(seed):
    """The process's one :class:`NormalStream` of ``seed`` (``KEPT_PER_SEED`` numbers), for the first
    ``KEPT_SEEDS`` seeds asked for; None for any other seed (its runs draw their own numbers)."""
    seed = check_seed(seed)
    with _kept_lock:
        if seed not in _kept and len(_kept) < KEPT_SEEDS:
            _kept[seed] = NormalStream(seed, KEPT_PER_SEED)
        return _kept.get(seed)


class NormalStream:
    """The first ``most`` standard-normal numbers of ``make_rng(seed)``, drawn as far as readers ask, and kept.

    :meth:`numbers` gives any stretch of them (further ones are drawn and kept, up to ``most``); a reader
    (:meth:`reader`) goes on past ``most`` with a generator of its own, started where the kept numbers end.
    Safe to read from several threads.
    """

    def __init__(self, seed, most):
        self.seed = check_seed(seed)
        self.most = check_positive_int("most", most)
        self._rng = make_rng(self.seed)
        self._chunks = []              # the numbers drawn so far, CHUNK at a time (the last may be shorter)
        self.drawn = 0
        self._state_at_most = None     # the generator's state after the first ``most`` numbers
        self._lock = threading.Lock()

    def numbers(self, start, count):
        """The stream's numbers ``start`` to ``start + count`` (within ``most``), as a read-only 1-D array."""
        end = start + count
        if start < 0 or count < 0 or end > self.most:
            raise ValueError(f"numbers {start} to {end} of a stream that keeps {self.most}")
        with self._lock:
            while self.drawn < end:
                size = min(CHUNK, self.most - self.drawn)
                chunk = self._rng.standard_normal(size)
                chunk.flags.writeable = False
                self._chunks.append(chunk)
                self.drawn += size
                if self.drawn == self.most:
                    self._state_at_most = self._rng.bit_generator.state
            chunks = self._chunks
        first, last = start // CHUNK, (end - 1) // CHUNK if count else start // CHUNK
        if first == last:
            offset = first * CHUNK
            return chunks[first][start - offset:end - offset] if count else np.empty(0)
        # only the pieces asked for, each chunk's part of them (not the whole chunks: 2 MB each)
        out = np.concatenate([chunks[k][max(start - k * CHUNK, 0):min(end - k * CHUNK, CHUNK)]
                              for k in range(first, last + 1)])
        out.flags.writeable = False
        return out

    def generator_after(self):
        """A generator that draws the numbers after the first ``most`` (each call: a new one)."""
        self.numbers(self.most - 1, 1)               # draws on to ``most``, if not there yet
        rng = np.random.Generator(type(self._rng.bit_generator)())
        rng.bit_generator.state = self._state_at_most
        return rng

    def reader(self):
        """A :class:`StreamReader` at the stream's first number."""
        return StreamReader(self)


class StreamReader:
    """Stands for ``make_rng(stream.seed)`` where a run asks only for ``standard_normal(size)`` and
    ``normal(0.0, scale, size)``: the same numbers, read from the stream while it keeps them, drawn by a
    generator of the reader's own after that. A number kept is returned read-only (a run only reads its weights).
    """

    def __init__(self, stream):
        self.stream, self.at, self._rng = stream, 0, None

    def standard_normal(self, size):
        size = tuple(map(int, size)) if isinstance(size, (tuple, list)) else (int(size),)
        count = math.prod(size)
        kept = max(0, min(count, self.stream.most - self.at))
        if kept == count:
            out = self.stream.numbers(self.at, count)
        else:                        # on past what the stream keeps, from the generator that follows it
            if self._rng is None:
                self._rng = self.stream.generator_after()
            out = self._rng.standard_normal(count - kept)
            if kept:
                out = np.concatenate([self.stream.numbers(self.at, kept), out])
        self.at += count
        return out.reshape(size)

    def normal(self, loc, scale, size):
        if loc != 0.0:
            raise ValueError(f"a stream reader draws normal(0.0, scale, size) only, got loc={loc}")
        z = self.standard_normal(size)
        # numpy's normal(0.0, scale) is 0.0 + scale * z: the same numbers (adding 0.0 turns only a -0.0 into 0.0)
        return z if scale == 1.0 else scale * z
