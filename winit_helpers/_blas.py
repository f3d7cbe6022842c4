"""One BLAS thread for the course's many small matrix products.

On a busy machine, several BLAS threads fighting over the cores made these
small products several times slower, and erratic; one thread is steady.
threadpoolctl comes with scikit-learn; without it, nothing is limited.
"""
import contextlib
import functools


@functools.lru_cache(maxsize=1)
def _controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:                # pragma: no cover
        return None
    return ThreadpoolController()


def one_blas_thread():
    """A context manager inside which numpy's BLAS uses a single thread."""
    controller = _controller()
    return controller.limit(limits=1, user_api="blas") if controller else contextlib.nullcontext()


def blas_on_one_thread():
    """From now on numpy's BLAS uses a single thread, in the whole process (not undone).

    The live figures run their independent simulations two at a time, one per core (``figures.base.POOL``);
    two BLAS threads under each of them fight over the two cores. Measured on a 2-core machine: five runs of
    100 layers at width 101 took a median of 270 ms on the pool with two BLAS threads each, 135 ms with one.
    The course's products are small (at most 1000 x 1000), where a second BLAS thread gains little anyway.
    """
    controller = _controller()
    if controller is not None:
        controller.limit(limits=1, user_api="blas")


def single_blas_thread(func):
    """Decorator: run ``func`` inside :func:`one_blas_thread`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with one_blas_thread():
            return func(*args, **kwargs)
    return wrapper
