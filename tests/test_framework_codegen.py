"""Code and histograms for the framework-specific entries.

The NumPy snippet reproduces iv.sample number for number; each framework's call implies the
law theory gives (read back with the frameworks' documented formulas, written out here); the
Distributions page's histogram path handles point masses and mixtures.
"""

import ast
import math
import re

import numpy as np
import pytest

import initviz as iv
from initviz import histograms as hg
from initviz.codegen import FRAMEWORKS, snippets

CASES = [
    ("kaiming_uniform(a=0.2, mode=fan_out, nonlinearity=leaky_relu)", "pytorch", (30, 20)),
    ("kaiming_normal(nonlinearity=tanh)", "pytorch", (3, 3, 4, 5)),
    ("xavier_uniform(gain=2)", "pytorch", (30, 20)),
    ("xavier_normal(gain=0.5)", "pytorch", (30, 20)),
    ("trunc_normal(mean=0.5, std=2, a=-1, b=3)", "pytorch", (30, 20)),
    ("trunc_normal(a=3, b=5)", "pytorch", (3, 3, 4, 5)), ("trunc_normal", "pytorch", (30, 20)),
    ("uniform(a=-1, b=2)", "pytorch", (30, 20)), ("normal(mean=1, std=2)", "pytorch", (30, 20)),
    ("eye", "pytorch", (30, 20)), ("dirac(groups=2)", "pytorch", (3, 3, 4, 6)),
    ("dirac", "pytorch", (5, 7, 3)), ("sparse(sparsity=0.3, std=0.1)", "pytorch", (30, 20)),
    ("normal", "jax", (30, 20)), ("uniform(scale=2)", "jax", (30, 20)),
    ("truncated_normal(stddev=0.1, lower=-1, upper=3)", "jax", (30, 20)),
    ("truncated_normal", "jax", (3, 3, 4, 5)),
    ("variance_scaling(scale=2, mode=fan_geo_avg, distribution=uniform)", "jax", (3, 3, 4, 5)),
    ("variance_scaling(mode=fan_avg, in_axis=0, out_axis=1, distribution=normal)", "jax",
     (3, 3, 4, 5)),
    ("orthogonal(gain=2, column_axis=0)", "jax", (3, 4, 5)), ("orthogonal", "jax", (20, 30)),
    ("delta_orthogonal(scale=2)", "jax", (3, 3, 4, 6)), ("delta_orthogonal", "jax", (3, 4, 4)),
]
IDS = [f"{s}-{f}" for s, f, _ in CASES]


@pytest.mark.parametrize(("spec", "flavor", "shape"), CASES, ids=IDS)
def test_numpy_snippet_makes_the_same_weights(spec, flavor, shape):
    scope = {}
    exec(snippets(spec, shape, flavor, seed=5)["NumPy"], scope)
    np.testing.assert_array_equal(scope["w"], iv.sample(spec, shape, seed=5, flavor=flavor))


@pytest.mark.parametrize(("spec", "flavor", "shape"), CASES, ids=IDS)
def test_snippets_are_valid_python_naming_the_shape(spec, flavor, shape):
    code = snippets(spec, shape, flavor, seed=5)
    assert set(code) == set(FRAMEWORKS)
    for text in code.values():
        ast.parse(text)
        assert all(len(line) <= 100 for line in text.splitlines()), text
    assert f"torch.empty{(shape[-1], shape[-2], *shape[:-2])}" in code["PyTorch"]
    assert f"{shape}" in code["Keras"] and f"{shape}" in code["JAX"]


@pytest.mark.parametrize(("spec", "flavor", "shape"), CASES, ids=IDS)
def test_the_framework_of_the_flavour_uses_its_own_function(spec, flavor, shape):
    name = iv.resolve(spec).name
    framework, call = (("PyTorch", f"nn.init.{name}_(w") if flavor == "pytorch"
                       else ("JAX", f"jax.nn.initializers.{name}("))
    text = snippets(spec, shape, flavor)[framework]
    assert call in text and "No " not in text and "has no function" not in text


def kaiming_law(call, fan_in, fan_out):
    """(kind, std) of a printed nn.init.kaiming_*_ call, from PyTorch's documented formula."""
    a = float(re.search(r"a=([-\d.e]+)", call).group(1))
    mode = re.search(r'mode="(\w+)"', call).group(1)
    nonlinearity = re.search(r'nonlinearity="(\w+)"', call).group(1)
    gain = {"leaky_relu": math.sqrt(2 / (1 + a**2)), "tanh": 5 / 3, "relu": math.sqrt(2)}
    std = gain[nonlinearity] / math.sqrt(fan_in if mode == "fan_in" else fan_out)
    return ("uniform" if "uniform_" in call else "normal"), std


@pytest.mark.parametrize(("spec", "shape"), [(s, sh) for s, _, sh in CASES if "kaiming" in s])
def test_kaiming_calls_imply_the_theory(spec, shape):
    call = next(ln for ln in snippets(spec, shape, "pytorch")["PyTorch"].splitlines()
                if ln.startswith("nn.init."))
    rf = math.prod(shape[:-2])
    kind, std = kaiming_law(call, shape[-2] * rf, shape[-1] * rf)
    law = iv.theory(spec, shape, "pytorch")
    assert (kind, std) == (law.kind, pytest.approx(law.std, rel=1e-12))


def test_keras_and_jax_spell_kaiming_as_variance_scaling_with_gain_squared():
    code = snippets("kaiming_uniform(a=1, mode=fan_out)", (30, 20), "pytorch")
    assert 'scale=1, mode="fan_out", distribution="uniform"' in code["Keras"]
    assert 'variance_scaling(1, "fan_out", "uniform")' in code["JAX"]  # gain² = 2/(1+1) = 1


def test_keras_gets_the_same_variance_for_fan_geo_avg():
    spec, shape = "variance_scaling(scale=2, mode=fan_geo_avg)", (30, 20)
    code = snippets(spec, shape, "jax")["Keras"]
    scale = float(re.search(r"VarianceScaling\(\s*scale=([\d.e-]+)", code).group(1))
    assert 'mode="fan_in"' in code
    assert math.sqrt(scale / 30) == pytest.approx(iv.theory(spec, shape, "jax").std, rel=1e-12)


def test_pytorch_trunc_normal_absolute_bounds_for_jax_truncation():
    code = snippets("truncated_normal(stddev=0.1, lower=-1, upper=3)", (30, 20), "jax")
    args = re.search(r"nn.init.trunc_normal_\(w, mean=(.*), std=(.*), a=(.*), b=(.*)\)",
                     code["PyTorch"]).groups()
    assert [float(x) for x in args] == pytest.approx([0, 0.1, -0.1, 0.3], rel=1e-12)


MIXTURES = [("sparse(sparsity=0.3)", "pytorch", (400, 300)),
            ("delta_orthogonal", "jax", (3, 3, 64, 96))]


@pytest.mark.parametrize(("spec", "flavor", "shape"), MIXTURES)
def test_histogram_of_a_mixture_bins_the_nonzero_weights_against_the_pdf(spec, flavor, shape):
    result = hg.histogram(spec, shape, seed=1, flavor=flavor, bins=40)
    row = result.stats.iloc[0]
    law = iv.theory(spec, shape, flavor)
    area = (result.bins["density"] * (result.bins["right"] - result.bins["left"])).sum()
    assert area == pytest.approx(1 - law.zero_mass, rel=1e-12)
    assert np.trapezoid(result.pdf["pdf"], result.pdf["x"]) == pytest.approx(1 - law.zero_mass,
                                                                            rel=2e-3)
    assert "point mass at 0" in set(result.rules["rule"])
    assert abs(row["std_rel_error"]) < 0.02 and row["ks_pvalue"] > 1e-3


@pytest.mark.parametrize(("spec", "flavor", "shape"), [("dirac(groups=2)", "pytorch",
                                                        (3, 3, 8, 8)), ("eye", "pytorch", (9, 5))])
def test_histogram_of_a_deterministic_law_has_exact_moments_and_no_ks(spec, flavor, shape):
    row = hg.histogram(spec, shape, flavor=flavor).stats.iloc[0]
    assert row["std"] == pytest.approx(row["theory_std"], rel=1e-12)
    assert row["mean"] == pytest.approx(row["theory_mean"], rel=1e-12)
    assert math.isnan(row["ks_pvalue"])


def test_histogram_of_a_cut_normal_has_its_absolute_bounds():
    result = hg.histogram("trunc_normal(mean=0.2, std=1, a=-0.5, b=2)", (400, 300),
                          flavor="pytorch")
    rules = result.rules.set_index("rule")["x"]
    assert (rules["lower bound"], rules["upper bound"]) == (-0.5, 2)
    assert result.stats.iloc[0]["ks_pvalue"] > 1e-3
