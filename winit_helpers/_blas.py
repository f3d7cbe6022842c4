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


def single_blas_thread(func):
    """Decorator: run ``func`` inside :func:`one_blas_thread`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with one_blas_thread():
            return func(*args, **kwargs)
    return wrapper
