"""Residual blocks and the scaling of their branches: how a deep residual net starts.

A residual net of L blocks keeps a stream x of constant width and adds a branch to it in each:

    x_l = x_{l−1} + α · F_l(x_{l−1}),        F_l(x) = φ(x) @ (c · W_l) + c_b · b_l,

a one-layer pre-activation branch (the activation comes before the weights, as in He et al.
2016's pre-activation ResNets). The scalings (`SCALINGS`) set α and the factors c, c_b:

- ``"none"``: α = 1 (He et al. 2016). With variance-preserving (He) branches each block adds the
  stream's own variance to it: the variance doubles per block, 2^L.
- ``"sqrt_depth"``: α = 1/√L. Each block multiplies the variance by (1 + 1/L): ≈ e overall.
- ``"gpt2"``: the branch's output layer drawn with its std divided by √(2L), c = 1/√(2L)
  (Radford et al. 2019, for the two residual layers per GPT-2 block): ≈ √e overall here.
- ``"rezero"``: α = 0, a gate learned in training (Bachlechner et al. 2020).
- ``"fixup"``: the branch's last (here: only) layer zero-initialized, c = c_b = 0 (Zhang et al.
  2019; SkipInit, De & Smith 2020, zeroes a gate instead). With ReZero the net is the identity
  map at initialization.

`None` means a plain stack, no skip connections.
"""

import math

import numpy as np

from . import meanfield
from .activations import get_activation
from .errors import check_choice

SCALINGS = ("none", "sqrt_depth", "gpt2", "rezero", "fixup")
NAMES = {None: "plain stack", "none": "residual, α = 1", "sqrt_depth": "residual, α = 1/√L",
         "gpt2": "GPT-2: std / √(2L)", "rezero": "ReZero: α = 0", "fixup": "Fixup: last = 0"}
"""Display name of each scaling (None: the plain stack)."""


class Branch:
    """The gate α and the factors of the branch's weights and bias for `scaling` over `depth`
    blocks (see the module doc)."""

    def __init__(self, scaling, depth):
        self.scaling = scaling
        self.alpha = {"sqrt_depth": 1 / math.sqrt(depth), "rezero": 0.0}.get(scaling, 1.0)
        self.weight = {"gpt2": 1 / math.sqrt(2 * depth), "fixup": 0.0}.get(scaling, 1.0)
        self.bias = 0.0 if scaling == "fixup" else 1.0


def check_residual(residual):
    """`residual` if it is None or one of `SCALINGS`, else InputError."""
    return None if residual is None else check_choice("residual", residual, SCALINGS)


def predict(activation, depth, sigma_w2, sigma_b2=0.0, scaling="none"):
    """Mean-field prediction for a residual net fed unit-Gaussian input, per block 1..depth.

    The stream's variance v follows ``v_l = v_{l−1} + α² (c² σ_w² E[φ(√v_{l−1} z)²] + c_b² σ_b²)``
    and the mean square of its gradient ``g_{l−1} = g_l (1 + α² c² σ_w² E[φ′(√v_{l−1} z)²])``
    from a unit-Gaussian gradient at the top.

    Returns
    -------
    dict of numpy.ndarray
        ``preact_std`` (of the branch's output α·F added to the stream), ``act_std`` (of the
        stream x_l) and ``grad_std`` (of ∂L/∂x_l), each of length `depth`; NaN for NaN σ_w².
    """
    act = get_activation(activation)
    if math.isnan(sigma_w2):
        return {name: np.full(depth, math.nan) for name in ("preact_std", "act_std", "grad_std")}
    branch = Branch(scaling, depth)
    gain2, bias2 = (branch.alpha * branch.weight) ** 2 * sigma_w2, (
        branch.alpha * branch.bias) ** 2 * sigma_b2
    v, added, slopes = np.empty(depth + 1), np.empty(depth), np.empty(depth)
    v[0] = 1.0
    with np.errstate(all="ignore"):
        for block in range(depth):
            added[block] = gain2 * meanfield.gaussian_mean(
                lambda x: act.forward(x) ** 2, v[block]) + bias2
            slopes[block] = gain2 * meanfield.gaussian_mean(
                lambda x: act.derivative(x) ** 2, meanfield.limit(v[block]))
            v[block + 1] = v[block] + added[block]
        grad2 = np.append(np.cumprod((1 + slopes[1:])[::-1])[::-1], 1.0)
        return {"preact_std": np.sqrt(added), "act_std": np.sqrt(v[1:]),
                "grad_std": np.sqrt(grad2)}
