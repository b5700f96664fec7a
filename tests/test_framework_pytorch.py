"""The PyTorch flavour against torch.nn.init: PyTorch's own test assertions, translated.

Upstream: pytorch/pytorch test/nn/test_init.py (TestNNInit, TestNNInitDeviceType). Shapes there
are in PyTorch's (out, in, *kernel) layout; here in the Keras layout (*kernel, in, out), which has
the same fans. KS tests use PyTorch's threshold p > 1e-4 on the same kind of sizes; stds are held
to 2 % on larger layers. The cross-checks against torch itself are skipped without torch.
"""

import math

import numpy as np
import pytest
from scipy import stats

import initviz as iv

TORCH = "pytorch"
RNG = np.random.default_rng(123)  # the random sizes and arguments of the upstream tests


def random_shape(dims, low, high):
    return tuple(int(d) for d in RNG.integers(low, high + 1, dims))


def keras_fans(shape):
    """Fans written out from the Keras layout, independently of iv.fans."""
    rf = math.prod(shape[:-2]) if len(shape) > 2 else 1
    return shape[-2] * rf, shape[-1] * rf


def is_normal(w, mean, std):
    return stats.kstest(w.ravel(), "norm", args=(mean, std)).pvalue > 1e-4


def is_uniform(w, a, b):
    return stats.kstest(w.ravel(), "uniform", args=(a, b - a)).pvalue > 1e-4


def is_trunc_normal(w, mean, std, a, b):
    z = (w.ravel() - mean) / std
    return stats.kstest(z, "truncnorm", args=((a - mean) / std, (b - mean) / std)).pvalue > 1e-4


# test_calculate_gain_linear / _nonlinear / _leaky_relu: the exact floats PyTorch asserts.
@pytest.mark.parametrize(("name", "param", "expected"), [
    ("linear", None, 1), ("conv1d", None, 1), ("conv_transpose3d", None, 1), ("sigmoid", None, 1),
    ("tanh", None, 1.6666666666666667), ("relu", None, 1.4142135623730951),
    ("leaky_relu", None, 1.4141428569978354), ("leaky_relu", 0, 1.4142135623730951),
    ("leaky_relu", 0.01, 1.4141428569978354), ("leaky_relu", 10, 0.14071950894605836),
    ("selu", None, 0.75),
])
def test_calculate_gain(name, param, expected):
    assert iv.gain(name, param) == expected


@pytest.mark.parametrize("dims", [1, 2, 4])
def test_uniform(dims):
    shape = random_shape(dims, 30, 50)
    a = RNG.uniform(-3, 3)
    b = a + RNG.uniform(1, 5)
    w = iv.sample(f"uniform(a={a!r}, b={b!r})", shape, seed=dims, flavor=TORCH)
    assert is_uniform(w, a, b) and a <= w.min() and w.max() < b
    default = iv.theory("uniform", shape, TORCH)  # uniform_'s default: U(0, 1)
    assert (default.low, default.high) == (0, 1)


@pytest.mark.parametrize("dims", [1, 2, 4])
def test_normal(dims):
    shape = random_shape(dims, 30, 50)
    mean, std = RNG.uniform(-3, 3), RNG.uniform(1, 5)
    w = iv.sample(f"normal(mean={mean!r}, std={std!r})", shape, seed=dims, flavor=TORCH)
    assert is_normal(w, mean, std)
    assert iv.theory("normal", shape, TORCH).std == 1  # normal_'s default std


@pytest.mark.parametrize("dims", [1, 2, 4])
def test_trunc_normal_all_dtypes(dims):
    shape = random_shape(dims, 30, 50)
    mean, std = RNG.uniform(-3, 3), RNG.uniform(0.01, 1)
    a, b = RNG.uniform(mean - 2 * std, mean), RNG.uniform(mean, mean + 2 * std)
    spec = f"trunc_normal(mean={mean!r}, std={std!r}, a={a!r}, b={b!r})"
    w = iv.sample(spec, shape, seed=dims, flavor=TORCH)
    assert a <= w.min() and w.max() <= b
    assert is_trunc_normal(w, mean, std, a, b)


@pytest.mark.parametrize(("a", "b"), [(2.0, 3.0), (0.0, 1.0), (-2.0, 2.0)])
def test_trunc_normal_narrow_interval_and_defaults(a, b):
    """test_trunc_normal_narrow_interval, _generator (a=0, b=1), _unique_values (the defaults)."""
    w = iv.sample(f"trunc_normal(a={a}, b={b})", (10_000,), seed=0, flavor=TORCH)
    assert a <= w.min() and w.max() <= b
    assert is_trunc_normal(w, 0, 1, a, b)
    assert np.unique(w).size > 5000 and np.isfinite(w).all()


def test_trunc_normal_no_boundary_values_small_std():
    w = iv.sample("trunc_normal(std=0.1)", (10_000,), seed=0, flavor=TORCH)
    assert (w == -2).sum() == 0 and (w == 2).sum() == 0


@pytest.mark.parametrize("spec", ["constant(value=3.7)", "ones", "zeros"])
@pytest.mark.parametrize("dims", [1, 2, 4])
def test_constant_ones_and_zeros(spec, dims):
    shape = random_shape(dims, 1, 5)
    value = {"constant(value=3.7)": 3.7, "ones": 1, "zeros": 0}[spec]
    np.testing.assert_array_equal(iv.sample(spec, shape, flavor=TORCH), np.full(shape, value))


def test_eye():
    shape = random_shape(2, 1, 5)
    w = iv.sample("eye", shape, flavor=TORCH)
    for i in range(shape[0]):
        for j in range(shape[1]):
            assert w[i, j] == (1 if i == j else 0)


@pytest.mark.parametrize(("spec", "dims", "message"), [
    ("eye", 1, "2-D"), ("eye", 3, "2-D"),
    ("dirac", 1, "3, 4 or 5"), ("dirac", 2, "3, 4 or 5"),
    ("sparse", 1, "2-D"), ("sparse", 3, "2-D"),
    ("xavier_uniform", 1, "fewer than 2 dimensions"), ("xavier_normal", 1, "fewer than 2"),
    ("kaiming_uniform", 1, "fewer than 2 dimensions"), ("kaiming_normal", 1, "fewer than 2"),
    ("kaiming_uniform(a=1)", 1, "fewer than 2"), ("xavier_normal(gain=2)", 1, "fewer than 2"),
    ("he_normal", 1, "fewer than 2"), ("glorot_uniform", 1, "fewer than 2"),
    ("orthogonal", 1, "at least 2 dimensions"),
])
def test_shapes_pytorch_refuses(spec, dims, message):
    """test_{eye,dirac,sparse}_only_works_on_..., test_{xavier,kaiming}_*_errors_on_inputs_smaller
    _than_2d (a 6-D dirac is beyond initviz's 5-D cap anyway)."""
    with pytest.raises(iv.InputError, match=message):
        iv.sample(spec, random_shape(dims, 1, 3), flavor=TORCH)


@pytest.mark.parametrize("dims", [3, 4, 5])
@pytest.mark.parametrize("groups", [1, 2, 3])
def test_dirac_properties(dims, groups):
    a, c, d, e = RNG.integers(1, 6, 4)
    b = int(RNG.integers(1, 5 * groups + 1))
    torch_shape = (a * groups, b, c, d, e)[:dims]
    shape = (*torch_shape[2:], torch_shape[1], torch_shape[0])  # Keras layout
    w = iv.sample(f"dirac(groups={groups})", shape, flavor=TORCH)
    min_d = min(torch_shape[0] // groups, torch_shape[1])
    assert np.count_nonzero(w) == min_d * groups and w.sum() == min_d * groups
    th = iv.theory(f"dirac(groups={groups})", shape, TORCH)
    assert (th.mean, th.std) == pytest.approx((w.mean(), w.std()), rel=1e-12)


def conv_valid(x, w):
    """'Valid' N-D cross-correlation of x (batch, *space, in) with w (*k, in, out)."""
    k = w.shape[:-2]
    out_space = tuple(s - kk + 1 for s, kk in zip(x.shape[1:-1], k, strict=True))
    y = np.zeros((x.shape[0], *out_space, w.shape[-1]))
    for offset in np.ndindex(*k):
        window = x[(slice(None), *(slice(o, o + s) for o, s in zip(offset, out_space,
                                                                    strict=True)))]
        y += window @ w[offset]
    return y


@pytest.mark.parametrize("space", [1, 2, 3])
@pytest.mark.parametrize("groups", [1, 3])
def test_dirac_identity(space, groups):
    """Each group's first in_c outputs are the input's interior; the other outputs are 0."""
    batch, in_c, out_c, size, kernel = 8, 3, 9, 5, 3
    eff_out = out_c // groups
    x = RNG.standard_normal((batch, *(size,) * space, in_c))
    w = iv.sample(f"dirac(groups={groups})", (*(kernel,) * space, in_c, out_c), flavor=TORCH)
    y = conv_valid(x, w)
    interior = x[(slice(None), *(slice(1, -1),) * space)]
    for g in range(groups):
        np.testing.assert_allclose(y[..., eff_out * g: eff_out * g + in_c], interior)
        assert not y[..., eff_out * g + in_c: eff_out * (g + 1)].any()


def test_dirac_needs_out_channels_divisible_by_groups():
    with pytest.raises(iv.InputError, match="groups"):
        iv.sample("dirac(groups=2)", (3, 3, 4, 5), flavor=TORCH)


@pytest.mark.parametrize("use_gain", [True, False])
@pytest.mark.parametrize("dims", [2, 4])
@pytest.mark.parametrize("kind", ["uniform", "normal"])
def test_xavier(kind, dims, use_gain):
    shape = random_shape(dims, 20, 25)
    gain = RNG.uniform(0.1, 2) if use_gain else 1
    spec = f"xavier_{kind}(gain={gain!r})" if use_gain else f"xavier_{kind}"
    w = iv.sample(spec, shape, seed=dims, flavor=TORCH)
    fan_in, fan_out = keras_fans(shape)
    expected_std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    if kind == "uniform":
        assert is_uniform(w, -expected_std * math.sqrt(3), expected_std * math.sqrt(3))
    else:
        assert is_normal(w, 0, expected_std)
    assert iv.theory(spec, shape, TORCH).std == pytest.approx(expected_std, rel=1e-12)


@pytest.mark.parametrize("use_a", [True, False])
@pytest.mark.parametrize("dims", [2, 4])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("kind", ["uniform", "normal"])
def test_kaiming(kind, mode, dims, use_a):
    shape = random_shape(dims, 20, 25)
    a = RNG.uniform(0.1, 2) if use_a else 0
    spec = f"kaiming_{kind}(a={a!r}, mode={mode})" if use_a else f"kaiming_{kind}(mode={mode})"
    w = iv.sample(spec, shape, seed=dims, flavor=TORCH)
    n = dict(zip(("fan_in", "fan_out"), keras_fans(shape), strict=True))[mode]
    expected_std = math.sqrt(2.0 / ((1 + a**2) * n))
    if kind == "uniform":
        bound = expected_std * math.sqrt(3.0)
        assert is_uniform(w, -bound, bound)
        assert iv.theory(spec, shape, TORCH).high == pytest.approx(bound, rel=1e-12)
    else:
        assert is_normal(w, 0, expected_std)
    assert iv.theory(spec, shape, TORCH).std == pytest.approx(expected_std, rel=1e-12)


@pytest.mark.parametrize(("nonlinearity", "gain"), [("relu", math.sqrt(2)), ("tanh", 5 / 3),
                                                     ("linear", 1.0), ("selu", 0.75)])
def test_kaiming_nonlinearity_uses_calculate_gain(nonlinearity, gain):
    th = iv.theory(f"kaiming_normal(nonlinearity={nonlinearity}, a=7)", (300, 200), TORCH)
    assert th.std == pytest.approx(gain / math.sqrt(300), rel=1e-12)  # a only counts for leaky


def test_kaiming_and_xavier_without_arguments_are_he_and_glorot():
    assert iv.resolve("kaiming_uniform").label == "he_uniform"
    assert iv.resolve("xavier_normal").label == "glorot_normal"
    for flavor in iv.FLAVORS:  # every flavour keeps the alias
        assert iv.theory("kaiming_normal", (30, 20), flavor) == iv.theory("he_normal", (30, 20),
                                                                          flavor)
    same, he = iv.theory("kaiming_uniform(a=0)", (30, 20), TORCH), iv.theory("he_uniform",
                                                                           (30, 20), TORCH)
    assert same.kind == he.kind and (same.std, same.high) == pytest.approx((he.std, he.high))
    with pytest.raises(iv.InputError, match="Without arguments it means he_uniform"):
        iv.sample("kaiming_uniform(a=1)", (30, 20), flavor="keras")


@pytest.mark.parametrize("use_random_std", [True, False])
def test_sparse_default_std(use_random_std):
    shape = random_shape(2, 30, 35)  # Keras layout (in, out): PyTorch's columns are our rows
    out = shape[1]
    sparsity = RNG.uniform(0.1, 0.2)
    std = RNG.uniform(0.01, 0.2) if use_random_std else 0.01
    spec = f"sparse(sparsity={sparsity!r}, std={std!r})" if use_random_std else \
        f"sparse(sparsity={sparsity!r})"
    w = iv.sample(spec, shape, seed=4, flavor=TORCH)
    assert ((w == 0).sum(axis=1) == math.ceil(sparsity * out)).all()  # PyTorch: at least
    assert is_normal(w[w != 0], 0, std)


@pytest.mark.parametrize("use_gain", [True, False])
@pytest.mark.parametrize("torch_size", [(3, 4), (4, 3), (20, 2, 3, 4), (2, 3, 4, 5)])
def test_orthogonal(torch_size, use_gain):
    """PyTorch flattens (rows = out, cols = the rest): the Keras layout's matrix transposed."""
    gain = RNG.uniform(0.1, 2) if use_gain else 1.0
    shape = (*torch_size[2:], *torch_size[:2][::-1])
    w = iv.sample(f"orthogonal(gain={gain!r})", shape, flavor=TORCH)
    flat = np.moveaxis(w, (-1, -2), (0, 1)).reshape(torch_size[0], -1)
    rows, cols = flat.shape
    gram = flat.T @ flat if rows > cols else flat @ flat.T
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)) * gain**2, atol=1e-6, rtol=0)


# Statistics against theory on a larger layer: std within 2 %, bounds exact, KS on the cdf.
LAWS = [
    ("kaiming_uniform(a=0.3, mode=fan_out, nonlinearity=leaky_relu)", "uniform"),
    ("kaiming_normal(mode=fan_out, nonlinearity=relu)", "normal"),
    ("xavier_uniform(gain=1.7)", "uniform"), ("xavier_normal(gain=0.5)", "normal"),
    ("trunc_normal(mean=0.1, std=0.3, a=-0.2, b=0.9)", "truncated_normal"),
    ("trunc_normal", "truncated_normal"), ("uniform", "uniform"), ("normal(mean=-1)", "normal"),
]


@pytest.mark.parametrize(("spec", "kind"), LAWS)
def test_statistics_against_theory(spec, kind):
    shape = (3, 3, 64, 48)
    th = iv.theory(spec, shape, TORCH)
    w = iv.sample(spec, shape, seed=11, flavor=TORCH)
    assert th.kind == kind
    assert w.std() == pytest.approx(th.std, rel=0.02)
    assert abs(w.mean() - th.mean) < 5 * th.std / math.sqrt(w.size)
    assert th.low <= w.min() and w.max() <= th.high
    if math.isfinite(th.high):
        assert w.max() > th.high - 0.01 * (th.high - th.low)  # the bound is reached
    assert stats.kstest(w.ravel()[::7], th.cdf).pvalue > 1e-3


def test_trunc_normal_theory_is_scipy_truncnorm():
    th = iv.theory("trunc_normal(mean=0.5, std=2, a=-1, b=4)", (10, 10), TORCH)
    ref = stats.truncnorm(-0.75, 1.75, loc=0.5, scale=2)
    assert (th.mean, th.std, th.low, th.high) == pytest.approx((ref.mean(), ref.std(), -1, 4))


def test_sparse_theory_is_a_mixture_with_a_point_mass():
    shape = (500, 300)
    th = iv.theory("sparse(sparsity=0.25, std=0.2)", shape, TORCH)
    share = math.ceil(0.25 * 300) / 300
    assert th.zero_mass == share and not th.continuous
    assert th.std == pytest.approx(0.2 * math.sqrt(1 - share), rel=1e-12)
    assert th.cdf(0.0) - th.cdf(-1e-12) == pytest.approx(share, abs=1e-9)  # the jump at 0
    w = iv.sample("sparse(sparsity=0.25, std=0.2)", shape, seed=2, flavor=TORCH)
    assert (w == 0).mean() == pytest.approx(share, abs=1e-12)
    assert w.std() == pytest.approx(th.std, rel=0.02)
    assert stats.kstest(w[w != 0][:20_000], th.nonzero.cdf).pvalue > 1e-3


@pytest.mark.parametrize(("spec", "message"), [
    ("uniform(a=2, b=1)", "a <= b"), ("trunc_normal(a=1, b=0)", "lower bound below"),
    ("normal(std=-1)", "std must be between 0"), ("sparse(sparsity=1.5)", "sparsity"),
    ("kaiming_uniform(mode=fan_avg)", "fan_in, fan_out"),
    ("kaiming_normal(nonlinearity=identity)", "Unknown nonlinearity"),
    ("dirac(groups=1.5)", "whole number"),
    ("normal(stddev=1)", "In pytorch: normal has no argument .stddev.; its arguments: mean, std"),
])
def test_bad_arguments_say_why(spec, message):
    with pytest.raises(iv.InputError, match=message):
        iv.sample(spec, (10, 10), flavor=TORCH)


def torch_or_skip():
    return pytest.importorskip("torch", reason="torch is not installed: cross-checks skipped")


@pytest.mark.parametrize(("spec", "call"), [
    ("kaiming_uniform(a=0.5, mode=fan_out)", lambda nn, w: nn.init.kaiming_uniform_(
        w, a=0.5, mode="fan_out")),
    ("kaiming_normal(nonlinearity=tanh)", lambda nn, w: nn.init.kaiming_normal_(
        w, nonlinearity="tanh")),
    ("xavier_uniform(gain=2)", lambda nn, w: nn.init.xavier_uniform_(w, gain=2)),
    ("xavier_normal", lambda nn, w: nn.init.xavier_normal_(w)),
    ("trunc_normal(mean=0.2, std=0.5, a=-0.3, b=1)", lambda nn, w: nn.init.trunc_normal_(
        w, mean=0.2, std=0.5, a=-0.3, b=1)),
    ("uniform", lambda nn, w: nn.init.uniform_(w)),
    ("normal", lambda nn, w: nn.init.normal_(w)),
    ("sparse(sparsity=0.3, std=0.05)", lambda nn, w: nn.init.sparse_(w, 0.3, std=0.05)),
    ("pytorch_default", lambda nn, w: nn.init.kaiming_uniform_(w, a=math.sqrt(5))),
])
def test_torch_draws_the_same_law(spec, call):
    torch = torch_or_skip()
    shape = (3, 3, 40, 24) if "sparse" not in spec else (120, 80)
    torch.manual_seed(0)
    w = torch.empty(shape[-1], shape[-2], *shape[:-2], dtype=torch.float64)
    call(torch.nn, w)
    w = w.numpy()
    th = iv.theory(spec, shape, TORCH)
    assert w.std() == pytest.approx(th.std, rel=0.03)
    assert th.low <= w.min() and w.max() <= th.high
    if th.continuous:
        assert stats.kstest(w.ravel()[::5], th.cdf).pvalue > 1e-3
    else:
        assert (w == 0).mean() == pytest.approx(th.zero_mass)


@pytest.mark.parametrize(("spec", "name", "shape"), [
    ("eye", "eye_", (7, 5)), ("dirac(groups=2)", "dirac_", (3, 3, 5, 8)),
    ("dirac", "dirac_", (3, 6, 4)),
])
def test_torch_makes_the_same_deterministic_weights(spec, name, shape):
    torch = torch_or_skip()
    w = torch.empty(shape[-1], shape[-2], *shape[:-2], dtype=torch.float64)
    groups = {"groups": 2} if "groups" in spec else {}
    getattr(torch.nn.init, name)(w, **groups)
    back = w.numpy().transpose(*range(2, len(shape)), 1, 0)  # to the Keras layout
    np.testing.assert_array_equal(back, iv.sample(spec, shape, flavor=TORCH))


@pytest.mark.parametrize("spec", ["kaiming_uniform", "xavier_normal", "he_normal", "orthogonal"])
def test_torch_refuses_1d_as_the_flavour_does(spec):
    torch = torch_or_skip()
    name = {"kaiming_uniform": "kaiming_uniform_", "xavier_normal": "xavier_normal_",
            "he_normal": "kaiming_normal_", "orthogonal": "orthogonal_"}[spec]
    with pytest.raises(ValueError):
        getattr(torch.nn.init, name)(torch.empty(5))
    with pytest.raises(iv.InputError):
        iv.sample(spec, (5,), flavor=TORCH)
