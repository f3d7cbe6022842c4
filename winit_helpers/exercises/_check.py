"""What every exercise self-check shares: calling the learner's code safely, and checking a formula.

A check prints a tick and what is right, or a cross and what is wrong (naming the
classic mistake it recognises), and returns True or False. It never raises on a
wrong answer, so the notebook runs on.
"""
import math


def report(ok, text):
    """Print a tick or a cross with ``text``; return ``ok``."""
    print(("\u2713 " if ok else "\u2717 ") + text)
    return ok


def try_call(func, *args):
    """Call the learner's function: ``(value as float, None)``, or ``(None, message)`` when that fails.

    An exception, a ``...`` left in place, ``None`` or a non-number becomes a message
    that says what to change.
    """
    try:
        value = func(*args)
    except Exception as exc:  # the learner's code may do anything
        return None, f"calling it with {args} raised {type(exc).__name__}: {exc}"
    if value is None or value is Ellipsis:
        return None, f"it returned {value!r} for {args}: replace the `...` with your formula"
    try:
        return float(value), None
    except (TypeError, ValueError):
        return None, f"it returned {value!r} for {args}; expected a number"


class FormulaCheck:
    """Check a learner's function against a formula on a few cases, and name the mistake it makes.

    ``name`` and ``doc`` are what ``help()`` shows; ``cases`` are argument tuples; ``formula(*args)`` is the right value; ``mistakes`` is a list
    of ``(hint, wrong_formula)``, each a classic mistake with the hint that explains it. An answer
    passes when it is within ``rel_tol`` of the formula on every case. A wrong answer is named by
    the first mistake that agrees with it on *every* case (so two mistakes that agree on one case,
    say rounding down and rounding up on a whole number, still get their own hints), or failing
    that by the first that agrees on the case where it went wrong; else ``fallback`` is the hint.
    """

    def __init__(self, name, doc, cases, formula, mistakes, success, rel_tol=1e-6,
                 fallback="Look at the derivation again."):
        self.__name__ = name
        self.__doc__ = doc
        self.cases, self.formula, self.mistakes = list(cases), formula, list(mistakes)
        self.success, self.rel_tol, self.fallback = success, rel_tol, fallback

    def _close(self, a, b):
        return math.isfinite(a) and math.isclose(a, b, rel_tol=self.rel_tol)

    def diagnose(self, values):
        """The hint of the mistake that explains ``values`` (one per case), or None."""
        expected = [self.formula(*args) for args in self.cases]
        wrong_at = [i for i, (v, e) in enumerate(zip(values, expected)) if not self._close(v, e)]
        if not wrong_at:
            return None
        candidates = [(hint, [wrong(*args) for args in self.cases]) for hint, wrong in self.mistakes]
        for hint, wrongs in candidates:
            if all(self._close(v, w) for v, w in zip(values, wrongs)):
                return hint
        first = wrong_at[0]
        for hint, wrongs in candidates:
            if self._close(values[first], wrongs[first]) and not self._close(wrongs[first], expected[first]):
                return hint
        return None

    def __call__(self, func):
        values = []
        for args in self.cases:
            value, problem = try_call(func, *args)
            if problem:
                return report(False, problem)
            values.append(value)
        for args, value in zip(self.cases, values):
            if not self._close(value, self.formula(*args)):
                hint = self.diagnose(values)
                return report(False, f"for {args} it returned {value:.4g}. " + (hint or self.fallback))
        return report(True, self.success)

    def __repr__(self):
        return f"<exercise check {self.__name__}>"
