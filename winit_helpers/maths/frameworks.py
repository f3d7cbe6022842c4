"""What deep-learning frameworks do by default for a dense layer's weights (bias aside).

:data:`FRAMEWORKS` maps a label to an :class:`InitRule` (a scheme of
:mod:`winit_helpers.maths.init`, the fan it divides by, and the distribution):

* PyTorch ``nn.Linear``: ``kaiming_uniform_(w, a=sqrt(5))``, that is U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
  Var(w) = 1 / (3 fan_in);
* Keras ``Dense``: ``glorot_uniform``, Var(w) = 2 / (fan_in + fan_out);
* Flax ``nn.Dense``: ``lecun_normal``, Var(w) = 1 / fan_in (a truncated normal rescaled to that variance);
* PyTorch's ``kaiming_normal_`` (He), mode fan_in: Var(w) = 2 / fan_in.
"""
from dataclasses import dataclass

from .._checks import check_choice
from .init import check_distribution, weight_std


@dataclass(frozen=True)
class InitRule:
    """A named scheme with the fan it divides by (None: the scheme's default) and its distribution (None: default)."""
    scheme: str
    mode: str = None
    distribution: str = None

    def std(self, fan_in, fan_out):
        """The weight std this rule gives a (fan_in -> fan_out) layer."""
        return weight_std(self.scheme, fan_in, fan_out, mode=self.mode)

    @property
    def form(self):
        """'normal' or 'uniform': the distribution the weights are drawn from."""
        return check_distribution(self.scheme, self.distribution)


#: what frameworks do for a dense layer by default (bias aside)
FRAMEWORKS = {
    "PyTorch nn.Linear": InitRule("pytorch", None, "uniform"),
    "Keras Dense (glorot_uniform)": InitRule("glorot", None, "uniform"),
    "Flax Dense (lecun_normal)": InitRule("lecun", "fan_in", "normal"),
    "He (kaiming_normal_, fan_in)": InitRule("he", "fan_in", "normal"),
}


def framework_rule(name):
    """The :class:`InitRule` of framework default ``name`` (a clear error lists them)."""
    return FRAMEWORKS[check_choice("framework", name, list(FRAMEWORKS))]
