"""The JAX flavour against jax.nn.initializers: JAX's own test assertions, translated, and theory.

Upstream: jax-ml/jax tests/nn_test.py (INITIALIZER_RECS with ALL_SHAPES, testVarianceScalingError,
the fan_geo_avg record); the laws from jax/_src/nn/initializers.py. The cross-checks against JAX
itself are skipped when jax is not installed.
"""

import math

import numpy as np
import pytest
from scipy import stats

import initviz as iv

JAX = "jax"
ALL_SHAPES = [(2,), (2, 2), (2, 3), (3, 2), (2, 3, 4), (4, 3, 2), (2, 3, 4, 5)]


def records():
    """(spec, shapes) as nn_test.py's initializer_record(name, ..., min_dims, max_dims)."""
    recs = [("uniform", 1, 4), ("normal", 1, 4), ("he_normal", 2, 4), ("he_uniform", 2, 4),
            ("glorot_normal", 2, 4), ("glorot_uniform", 2, 4), ("lecun_normal", 2, 4),
            ("lecun_uniform", 2, 4), ("orthogonal", 2, 2), ("truncated_normal", 1, 4),
            ("delta_orthogonal", 4, 4),
            ("variance_scaling(scale=1, mode=fan_geo_avg, distribution=normal)", 2, 4)]
    fits = {"delta_orthogonal": lambda shape: shape[-1] >= shape[-2]}  # JAX refuses in > out
    return [(spec, shape) for spec, low, high in recs for shape in ALL_SHAPES
            if low <= len(shape) <= high and fits.get(spec, bool)(shape)]


@pytest.mark.parametrize(("spec", "shape"), records(), ids=str)
def test_initializer_shape_and_dtype(spec, shape):
    """testInitializer: the shape comes back, in the float dtype."""
    w = iv.sample(spec, shape, flavor=JAX)
    assert w.shape == shape and w.dtype == np.float64 and np.isfinite(w).all()


def test_variance_scaling_error():
    """testVarianceScalingError: fans of a 1-D shape are refused, saying it must be 2-D."""
    spec = "variance_scaling(scale=1, mode=fan_avg, distribution=truncated_normal)"
    with pytest.raises(iv.InputError, match="1-dimensional weights tensor: it must be at least"):
        iv.sample(spec, (5,), flavor=JAX)


@pytest.mark.parametrize("spec", ["glorot_uniform", "he_normal", "lecun_normal", "orthogonal",
                                  "delta_orthogonal"])
def test_other_1d_refusals(spec):
    with pytest.raises(iv.InputError, match="2-D|2 dimensions|3, 4 or 5"):
        iv.sample(spec, (5,), flavor=JAX)


def test_defaults_are_jax_defaults():
    """normal(stddev=1e-2), uniform(scale=1e-2) on [0, scale), truncated_normal(stddev=1e-2)."""
    normal, uniform = iv.theory("normal", (10, 10), JAX), iv.theory("uniform", (10, 10), JAX)
    cut = iv.theory("truncated_normal", (10, 10), JAX)
    assert (normal.kind, normal.mean, normal.std) == ("normal", 0, 0.01)
    assert (uniform.low, uniform.high) == (0, 0.01)
    assert (cut.low, cut.high, cut.scale) == (-0.02, 0.02, 0.01)
    assert cut.std == pytest.approx(0.01 * 0.87962566103423978, rel=1e-12)  # no correction
    w = iv.sample("uniform(scale=3)", (200, 100), flavor=JAX)
    assert w.min() >= 0 and w.max() < 3


def test_truncated_normal_bounds_are_in_units_of_stddev():
    th = iv.theory("truncated_normal(stddev=0.5, lower=-1, upper=3)", (10, 10), JAX)
    ref = stats.truncnorm(-1, 3, scale=0.5)
    assert (th.low, th.high) == (-0.5, 1.5)
    assert (th.mean, th.std) == pytest.approx((ref.mean(), ref.std()), rel=1e-12)


def fans_along(shape, in_axis, out_axis):
    """JAX's _compute_fans, written out."""
    rf = math.prod(shape) / shape[in_axis] / shape[out_axis]
    return shape[in_axis] * rf, shape[out_axis] * rf


@pytest.mark.parametrize(("mode", "n"), [
    ("fan_in", lambda i, o: i), ("fan_out", lambda i, o: o), ("fan_avg", lambda i, o: (i + o) / 2),
    ("fan_geo_avg", lambda i, o: math.sqrt(i * o)),
])
@pytest.mark.parametrize(("in_axis", "out_axis"), [(-2, -1), (0, 1), (1, 0), (-1, -3)])
@pytest.mark.parametrize("distribution", ["normal", "uniform", "truncated_normal"])
def test_variance_scaling_modes_and_axes(mode, n, in_axis, out_axis, distribution):
    shape = (6, 10, 40, 30)
    spec = (f"variance_scaling(scale=2, mode={mode}, distribution={distribution}, "
            f"in_axis={in_axis}, out_axis={out_axis})")
    th = iv.theory(spec, shape, JAX)
    expected = math.sqrt(2 / n(*fans_along(shape, in_axis, out_axis)))
    kind = {"normal": "normal", "uniform": "uniform", "truncated_normal": "truncated_normal"}
    assert th.kind == kind[distribution]  # JAX's "normal" is untruncated
    assert th.std == pytest.approx(expected, rel=1e-12)
    w = iv.sample(spec, shape, seed=5, flavor=JAX)
    assert w.std() == pytest.approx(expected, rel=0.02)
    assert th.low <= w.min() and w.max() <= th.high
    assert stats.kstest(w.ravel()[::9], th.cdf).pvalue > 1e-3


@pytest.mark.parametrize(("spec", "message"), [
    ("variance_scaling(in_axis=5)", "between"), ("variance_scaling(in_axis=2)", "does not name"),
    ("variance_scaling(in_axis=-1)", "both name"), ("orthogonal(column_axis=3)", "does not name"),
    ("variance_scaling(mode=fan_geo_avg)", "In keras"),
])
def test_bad_axes_and_modes(spec, message):
    with pytest.raises(iv.InputError, match=message):
        flavor = "keras" if "In keras" in message else JAX
        iv.sample(spec, (20, 30), flavor=flavor)


@pytest.mark.parametrize(("shape", "axis"), [((30, 20), -1), ((30, 20), 0), ((20, 30), 0),
                                             ((4, 5, 6), 1), ((4, 5, 6), -3)])
def test_orthogonal_column_axis(shape, axis):
    """The vectors along column_axis are orthonormal (or, if there are more of them than their
    length, the ones across it)."""
    w = iv.sample(f"orthogonal(gain=1.5, column_axis={axis})", shape, seed=2, flavor=JAX)
    cols = np.moveaxis(w, axis, -1).reshape(-1, shape[axis])
    gram = cols.T @ cols if cols.shape[0] >= cols.shape[1] else cols @ cols.T
    np.testing.assert_allclose(gram, 2.25 * np.eye(len(gram)), atol=1e-10)
    th = iv.theory(f"orthogonal(gain=1.5, column_axis={axis})", shape, JAX)
    rms = np.sqrt((w**2).mean())
    assert th.std == pytest.approx(rms, rel=1e-10)  # exact: the squares sum to gain²·min


@pytest.mark.parametrize("shape", [(3, 3, 16, 16), (3, 3, 8, 24), (5, 4, 10), (3, 3, 3, 4, 6)])
def test_delta_orthogonal(shape):
    """Xiao et al. (2018): zeros except an orthogonal (in, out) matrix at the centre ((k-1)//2)."""
    w = iv.sample("delta_orthogonal(scale=2)", shape, seed=1, flavor=JAX)
    centre = tuple((k - 1) // 2 for k in shape[:-2])
    c = w[centre]
    np.testing.assert_allclose(c @ c.T, 4 * np.eye(shape[-2]), atol=1e-10)
    rest = w.copy()
    rest[centre] = 0
    assert not rest.any()
    th = iv.theory("delta_orthogonal(scale=2)", shape, JAX)
    rf = math.prod(shape[:-2])
    assert th.zero_mass == pytest.approx(1 - 1 / rf)
    assert th.std == pytest.approx(np.sqrt((w**2).mean()), rel=1e-10)
    assert (th.low, th.high) == (-2, 2)


def test_delta_orthogonal_entries_follow_the_sphere_law():
    shape = (3, 3, 200, 200)
    w = iv.sample("delta_orthogonal", shape, seed=0, flavor=JAX)
    th = iv.theory("delta_orthogonal", shape, JAX)
    assert stats.kstest(w[1, 1].ravel()[::3], th.nonzero.cdf).pvalue > 1e-3


@pytest.mark.parametrize(("shape", "message"), [((3, 3, 8, 4), "in channels <= out"),
                                                ((8, 8), "3, 4 or 5")])
def test_delta_orthogonal_refusals(shape, message):
    with pytest.raises(iv.InputError, match=message):
        iv.sample("delta_orthogonal", shape, flavor=JAX)


def test_names_mean_per_flavour():
    """The same name, two meanings: PyTorch's normal(mean, std) vs JAX's normal(stddev)."""
    assert iv.theory("normal", (10, 10), "pytorch").std == 1
    assert iv.theory("normal", (10, 10), JAX).std == 0.01
    assert iv.resolve("normal(std=2)").entry.flavors == ("pytorch",)
    assert iv.resolve("normal(stddev=2)").entry.flavors == (JAX,)
    assert iv.resolve("normal").entry.flavors == ("pytorch", JAX)
    with pytest.raises(iv.InputError, match="In pytorch: .*In jax: "):
        iv.resolve("normal(sigma=1)")


def jax_or_skip():
    return pytest.importorskip("jax", reason="jax is not installed: cross-checks skipped")


@pytest.mark.parametrize(("spec", "make"), [
    ("normal", lambda init: init.normal()),
    ("uniform(scale=2)", lambda init: init.uniform(2.0)),
    ("truncated_normal(stddev=0.3, lower=-1, upper=2)",
     lambda init: init.truncated_normal(0.3, lower=-1.0, upper=2.0)),
    ("variance_scaling(scale=2, mode=fan_geo_avg, distribution=uniform, in_axis=0, out_axis=1)",
     lambda init: init.variance_scaling(2.0, "fan_geo_avg", "uniform", in_axis=0, out_axis=1)),
])
def test_jax_draws_the_same_law(spec, make):
    jax = jax_or_skip()
    shape = (3, 3, 40, 30)
    w = np.asarray(make(jax.nn.initializers)(jax.random.key(0), shape))
    th = iv.theory(spec, shape, JAX)
    assert w.std() == pytest.approx(th.std, rel=0.03)
    assert stats.kstest(w.ravel()[::5], th.cdf).pvalue > 1e-3
