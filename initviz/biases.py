"""Initial bias vectors: zeros, a constant, or as the framework makes them.

As the framework does: PyTorch's ``nn.Linear``/``ConvNd`` draw their bias from U(±1/√fan_in);
scikit-learn's MLP draws it from the same uniform as its weights, U(±√(factor/(in+out)));
Keras and Flax start at zeros. A framework-default initializer (``pytorch_default``,
``sklearn_default``, ``keras_default``, ``flax_default``) names its framework; any other spec
takes the flavour's layer default.
"""

import math

import numpy as np

from . import laws
from .errors import check_choice, check_float, check_int
from .fans import check_shape, fans
from .initializers import check_flavor, resolve, theory
from .limits import MAX_SEED

BIAS_RULES = ("zeros", "constant", "framework")
FRAMEWORK_OF = {"pytorch_default": "pytorch", "keras_default": "keras", "flax_default": "jax",
                "sklearn_default": "sklearn"}
"""Default initializers -> the framework whose layer bias goes with them."""


def bias_theory(shape, rule="zeros", value=0.0, spec=None, flavor="keras"):
    """What theory says of the initial bias of a layer whose weights have `shape`.

    Parameters are those of `initial_bias`; returns a `laws.Theory`.
    """
    rule = check_choice("bias rule", rule, BIAS_RULES)
    shape = check_shape(shape)
    if rule == "zeros":
        return laws.constant(0.0)
    if rule == "constant":
        return laws.constant(check_float("bias value", value, -1e3, 1e3))
    flavor = check_flavor(flavor)
    spec = None if spec is None else resolve(spec)
    framework = FRAMEWORK_OF.get(spec and spec.name, flavor)
    if framework == "sklearn":  # intercepts_ come from the weights' own uniform
        return theory(spec, shape, flavor)
    if framework == "pytorch":  # reset_parameters: bound 1/√fan_in of the weight
        bound = 1 / math.sqrt(fans(shape)[0])
        return laws.uniform(-bound, bound)
    return laws.constant(0.0)  # Keras and Flax: bias_initializer "zeros"


def initial_bias(shape, rule="zeros", value=0.0, spec=None, flavor="keras", seed=0):
    """The initial bias (float64, length ``shape[-1]``) of a layer whose weights have `shape`.

    Parameters
    ----------
    shape : tuple of int
        The layer's weight shape in the Keras layout, ``(fan_in, fan_out)`` or a conv kernel.
    rule : {"zeros", "constant", "framework"}
        "framework": as the framework makes it (see the module docstring).
    value : float
        The bias of the "constant" rule.
    spec : str, optional
        The layer's weight initializer; a framework default names the framework.
    flavor : {"keras", "pytorch", "jax"}
        The framework when `spec` names none.
    seed : int
        Seed of the numpy Generator the bias is drawn with.
    """
    law = bias_theory(shape, rule, value, spec, flavor)
    rng = np.random.default_rng(check_int("seed", seed, 0, MAX_SEED))
    return laws.draw(law, (check_shape(shape)[-1],), rng)
