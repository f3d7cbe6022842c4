"""Argument checks that say what was wrong and what to do instead.

Every public function of ``winit_helpers`` checks its arguments here first, so a
learner who types ``depth=0`` or ``activation="tahn"`` reads one clear sentence
instead of a traceback from deep inside numpy.
"""
import math
import numbers


def check_positive_int(name, value, minimum=1):
    """Return ``value`` as an ``int`` if it is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) \
                and math.isfinite(value) and float(value).is_integer():
            value = int(value)  # 100.0 is a fine depth; 100.5 is not
        else:
            raise TypeError(
                f"{name} must be a whole number >= {minimum}, got {value!r} "
                f"({type(value).__name__}); pass for example {name}={max(minimum, 100)}"
            )
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value}")
    return int(value)


def check_positive_float(name, value):
    """Return ``value`` as a ``float`` if it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a positive number, got {value!r} ({type(value).__name__}); "
            f"pass for example {name}=1.0"
        )
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name} must be a finite number > 0, got {value}; "
            "a weight scale of 0 makes every output 0, and a negative scale is a std, which cannot be negative"
        )
    return value


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices`` (a list of strings)."""
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of: {', '.join(choices)}")
    return value


def check_nonnegative(name, value):
    """``value`` as an array of finite numbers >= 0 (a variance or a std of 0 is allowed)."""
    import numpy as np
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number >= 0 or an array of them, got {value!r}") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return arr
