"""Generated code: NumPy reproduces iv.sample; framework calls imply the same law as theory.

The frameworks are not installed here, so their calls are read back with the frameworks'
documented formulas (written out below) and compared with `iv.theory`.
"""

import ast
import math
import re

import numpy as np
import pytest

import initviz as iv
from initviz.codegen import FRAMEWORKS, PLAIN_LAWS, num, snippets

DENSE = (300, 200)
CONV = (3, 3, 16, 24)
SPECS = [
    "zeros", "ones", "constant(value=0.3)", "random_normal(stddev=0.02, mean=0.1)",
    "random_uniform(minval=-0.2, maxval=0.1)", "truncated_normal(mean=0.1, stddev=0.1)",
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
    "lecun_normal", "variance_scaling(scale=3, mode=fan_out, distribution=uniform)",
    "variance_scaling(distribution=normal)", "orthogonal(gain=2)", "pytorch_default",
    "sklearn_default(activation=logistic)", "flax_default", "keras_default",
]
CASES = [
    (spec, flavor, shape)
    for spec in SPECS
    for flavor in iv.FLAVORS
    for shape in (DENSE, CONV)
    if flavor in iv.resolve(spec).entry.flavors
] + [("identity(gain=0.5)", "keras", (40, 30)), ("orthogonal", "pytorch", (20, 50))]
IDS = [f"{s}-{f}-{len(sh)}d" for s, f, sh in CASES]


def fan_pair(shape):
    rf = math.prod(shape[:-2])
    return shape[-2] * rf, shape[-1] * rf


@pytest.mark.parametrize(("spec", "flavor", "shape"), CASES, ids=IDS)
def test_numpy_snippet_makes_the_same_weights(spec, flavor, shape):
    scope = {}
    exec(snippets(spec, shape, flavor, seed=7)["NumPy"], scope)
    np.testing.assert_array_equal(scope["w"], iv.sample(spec, shape, seed=7, flavor=flavor))


@pytest.mark.parametrize(("spec", "flavor", "shape"), CASES, ids=IDS)
def test_every_snippet_is_valid_python_with_the_layout(spec, flavor, shape):
    code = snippets(spec, shape, flavor, seed=7)
    assert set(code) == set(FRAMEWORKS)
    for text in code.values():
        ast.parse(text)
        assert all(len(line) <= 100 for line in text.splitlines()), text
    torch_shape = (shape[-1], shape[-2], *shape[:-2])
    assert f"torch.empty{torch_shape}" in code["PyTorch"]
    assert f"{shape}" in code["Keras"] and f"{shape}" in code["JAX"]


# What each framework's own call draws, from its documentation: (scale, mode, kind).
KERAS = {
    "GlorotUniform": (1, "fan_avg", "uniform"), "GlorotNormal": (1, "fan_avg", "truncated_normal"),
    "HeUniform": (2, "fan_in", "uniform"), "HeNormal": (2, "fan_in", "truncated_normal"),
    "LecunUniform": (1, "fan_in", "uniform"), "LecunNormal": (1, "fan_in", "truncated_normal"),
}
JAX = {f"jax.nn.initializers.{k}": v for k, v in {
    "glorot_uniform": KERAS["GlorotUniform"], "glorot_normal": KERAS["GlorotNormal"],
    "he_uniform": KERAS["HeUniform"], "he_normal": KERAS["HeNormal"],
    "lecun_uniform": KERAS["LecunUniform"], "lecun_normal": KERAS["LecunNormal"],
}.items()}
DISTRIBUTIONS = {"uniform": "uniform", "untruncated_normal": "normal", "normal": "normal",
                 "truncated_normal": "truncated_normal"}


def law_std(scale, mode, shape):
    fan_in, fan_out = fan_pair(shape)
    return math.sqrt(scale / {"fan_in": fan_in, "fan_out": fan_out,
                              "fan_avg": (fan_in + fan_out) / 2}[mode])


def variance_scaling_call(text):
    """(scale, mode, kind) of a Keras/JAX variance-scaling call in `text`, or None."""
    for name, law in [*KERAS.items(), *JAX.items()]:
        if re.search(rf"\b{re.escape(name)}\(", text):
            return law
    keras = re.search(r'VarianceScaling\(\s*scale=([\d.e-]+), mode="(\w+)", '
                      r'distribution="(\w+)"', text)
    jax = re.search(r'variance_scaling\(([\d.e-]+), "(\w+)", "(\w+)"\)', text)
    match = keras or jax
    if match is None:
        return None
    scale, mode, dist = match.groups()
    return float(scale), mode, DISTRIBUTIONS[dist]


@pytest.mark.parametrize("framework", ["Keras", "JAX"])
@pytest.mark.parametrize(("spec", "flavor", "shape"), CASES, ids=IDS)
def test_keras_and_jax_variance_scaling_calls_imply_the_theory(framework, spec, flavor, shape):
    law = iv.theory(spec, shape, flavor)
    implied = variance_scaling_call(snippets(spec, shape, flavor)[framework])
    if implied is None:  # only laws that are not variance scaling are spelled out
        assert iv.resolve(spec).name in PLAIN_LAWS
        return
    scale, mode, kind = implied
    assert kind == law.kind
    assert law_std(scale, mode, shape) == pytest.approx(law.std, rel=1e-12)


def torch_law(call, shape):
    """(kind, std) that a PyTorch nn.init call draws, from the PyTorch docs."""
    fan_in, fan_out = fan_pair(shape)
    gains = {"relu": math.sqrt(2), "linear": 1.0}
    if call.startswith("nn.init.xavier_"):
        std = math.sqrt(2 / (fan_in + fan_out))
    elif "a=math.sqrt(5)" in call:  # leaky_relu gain with slope √5
        std = math.sqrt(2 / (1 + 5)) / math.sqrt(fan_in)
    elif call.startswith("nn.init.kaiming_"):
        mode = re.search(r'mode="(\w+)"', call).group(1)
        gain = gains[re.search(r'nonlinearity="(\w+)"', call).group(1)]
        std = gain / math.sqrt(fan_in if mode == "fan_in" else fan_out)
    else:
        return None
    return ("uniform" if "uniform_" in call else "normal"), std


@pytest.mark.parametrize(("spec", "flavor", "shape"), CASES, ids=IDS)
def test_pytorch_named_calls_imply_the_theory(spec, flavor, shape):
    law = iv.theory(spec, shape, flavor)
    calls = [ln for ln in snippets(spec, shape, flavor)["PyTorch"].splitlines()
             if ln.startswith("nn.init.")]
    assert len(calls) == 1
    implied = torch_law(calls[0], shape)
    if implied is not None:
        assert implied[0] == law.kind
        assert implied[1] == pytest.approx(law.std, rel=1e-12)


def test_he_normal_flavours_pick_the_right_functions():
    keras = snippets("he_normal", DENSE, "keras")
    torch = snippets("he_normal", DENSE, "pytorch")
    assert "keras.initializers.HeNormal(" in keras["Keras"]
    assert "jax.nn.initializers.he_normal()" in keras["JAX"]
    assert "kaiming_normal_" not in keras["PyTorch"] and "trunc_normal_" in keras["PyTorch"]
    assert "nn.init.kaiming_normal_(w" in torch["PyTorch"]
    assert 'distribution="untruncated_normal"' in torch["Keras"]
    assert '"normal")' in torch["JAX"]  # JAX's "normal" is untruncated


def test_pytorch_trunc_normal_gets_absolute_bounds():
    code = snippets("lecun_normal", DENSE, "keras")["PyTorch"]
    scope = {}
    exec(re.search(r"^mean, std = .*$", code, re.M).group(0), scope)
    law = iv.theory("lecun_normal", DENSE, "keras")
    assert scope["std"] == law.scale and scope["mean"] == 0
    assert "a=mean - 2 * std, b=mean + 2 * std" in code
    assert scope["mean"] - 2 * scope["std"] == law.low
    assert "No PyTorch function draws exactly this law" in code


def test_conv_layout_and_transposition():
    code = snippets("he_uniform", CONV, "pytorch")["PyTorch"]
    assert "torch.empty(24, 16, 3, 3)" in code and "w.permute(2, 3, 1, 0)" in code
    assert "w.T has the Keras layout" in snippets("he_uniform", DENSE)["PyTorch"]


def test_plain_laws_carry_no_missing_function_comment():
    code = snippets("random_normal(stddev=0.01)", DENSE, "pytorch")
    assert not any("No " in text for text in code.values())


@pytest.mark.parametrize("x", [0.0, 1.0, -0.05, 1 / 3, math.sqrt(2 / 784), 1e-12, 12345.678])
def test_num_round_trips(x):
    assert float(num(x)) == x


def test_bad_spec_is_an_input_error():
    with pytest.raises(iv.InputError):
        snippets("he_normal(scale=2)", DENSE)
