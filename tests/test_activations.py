"""Activations: derivatives against central finite differences, away from kinks."""

import numpy as np
import pytest

from initviz.activations import ACTIVATIONS, get_activation
from initviz.errors import InputError

X = np.concatenate([np.linspace(-4, -0.05, 40), np.linspace(0.05, 4, 40)])


@pytest.mark.parametrize("name", [*ACTIVATIONS, "leaky_relu(slope=0.2)", "silu"])
def test_derivative_matches_finite_differences(name):
    act = get_activation(name)
    h = 1e-6
    numeric = (act.forward(X + h) - act.forward(X - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(X), numeric, atol=1e-6)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_stays_float32(name):
    act = get_activation(name)
    x = X.astype(np.float32)
    assert act.forward(x).dtype == np.float32 and act.derivative(x).dtype == np.float32


def test_known_values():
    x = np.array([-1.0, 2.0])
    np.testing.assert_allclose(get_activation("relu").forward(x), [0, 2])
    np.testing.assert_allclose(get_activation("leaky_relu(slope=0.1)").forward(x), [-0.1, 2])
    np.testing.assert_allclose(get_activation("sigmoid").forward(np.array([0.0])), [0.5])
    selu = get_activation("selu").forward(np.array([-50.0, 1.0]))
    np.testing.assert_allclose(selu, [-1.0507009873554805 * 1.6732632423543772, 1.0507009873554805])


@pytest.mark.parametrize(
    ("spec", "message"),
    [("softplus", "Unknown activation"), ("tanh(slope=2)", "no arguments"),
     ("leaky_relu(slope=5)", "between 0 and 1"), ("leaky_relu(alpha=0.1)", "only slope")],
)
def test_bad_activations_are_refused(spec, message):
    with pytest.raises(InputError, match=message):
        get_activation(spec)
