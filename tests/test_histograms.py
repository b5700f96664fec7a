"""Histograms, pdf curves, rules and stats against closed forms; std vs fan_in."""

import math

import numpy as np
import pytest

import initviz as iv
from initviz import histograms as hg
from initviz.scaling import PRESETS, scaled_std

DENSE = (400, 300)
CONV = (3, 3, 32, 48)  # fan_in 288, fan_out 432
TRUNC = 0.87962566103423978

# (spec, flavour, std of the weights as a closed form of (fan_in, fan_out), hard bound or None)
CASES = [
    ("glorot_uniform", "keras", lambda i, o: math.sqrt(2 / (i + o)),
     lambda i, o: math.sqrt(6 / (i + o))),
    ("he_normal", "keras", lambda i, o: math.sqrt(2 / i),
     lambda i, o: 2 * math.sqrt(2 / i) / TRUNC),
    ("he_normal", "pytorch", lambda i, o: math.sqrt(2 / i), None),
    ("lecun_uniform", "jax", lambda i, o: math.sqrt(1 / i), lambda i, o: math.sqrt(3 / i)),
    ("pytorch_default", "pytorch", lambda i, o: 1 / math.sqrt(3 * i),
     lambda i, o: 1 / math.sqrt(i)),
    ("random_normal(stddev=0.02)", "keras", lambda i, o: 0.02, None),
    ("truncated_normal(stddev=0.1)", "keras", lambda i, o: 0.1 * TRUNC, lambda i, o: 0.2),
    ("orthogonal", "keras", lambda i, o: 1 / math.sqrt(max(i, o)), None),
]


def fan_pair(shape):
    rf = math.prod(shape[:-2])
    return shape[-2] * rf, shape[-1] * rf


@pytest.mark.parametrize(("spec", "flavor", "std", "bound"), CASES, ids=lambda v: str(v))
@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
def test_stats_match_closed_forms(spec, flavor, std, bound, shape):
    i, o = fan_pair(shape) if spec != "orthogonal" else (math.prod(shape[:-1]), shape[-1])
    row = hg.histogram(spec, shape, seed=1, flavor=flavor).stats.iloc[0]
    assert row["theory_std"] == pytest.approx(std(i, o), rel=1e-12)
    assert row["std"] == pytest.approx(std(i, o), rel=0.02)
    assert abs(row["std_rel_error"]) < 0.02
    assert abs(row["mean"]) < 5 * std(i, o) / math.sqrt(row["n"])
    assert row["n"] == math.prod(shape)
    assert row["ks_stat"] < 0.02 and row["ks_pvalue"] > 1e-3
    if bound is not None:
        assert row["theory_high"] == pytest.approx(bound(i, o), rel=1e-12)
        assert -bound(i, o) <= row["min"] and row["max"] <= bound(i, o)
        assert row["max"] > 0.95 * bound(i, o)  # the bound is reached, not just respected


def test_ks_rejects_a_wrong_law():
    """The KS column can fail: uniform weights tested against a normal of the same std."""
    weights = iv.sample("he_uniform", DENSE, seed=0)
    wrong = iv.theory("he_normal", DENSE, "pytorch")
    assert hg._stats(weights.reshape(-1), wrong)["ks_pvalue"] < 1e-6


@pytest.mark.parametrize("spec", ["glorot_uniform", "he_normal", "orthogonal(gain=3)",
                                  "identity(gain=2)"])
def test_bins_are_a_density_over_the_sample_range(spec):
    result = hg.histogram(spec, DENSE, seed=2, bins=37)
    bins, row = result.bins, result.stats.iloc[0]
    assert len(bins) == 37
    assert bins["count"].sum() == math.prod(DENSE)
    area = (bins["density"] * (bins["right"] - bins["left"])).sum()
    assert area == pytest.approx(1.0, rel=1e-12)
    assert bins["left"].iloc[0] <= row["min"] and row["max"] <= bins["right"].iloc[-1]


@pytest.mark.parametrize("bins", [60, 37, 400])
def test_rebinning_matches_numpy_on_the_same_sample(bins):
    weights = iv.sample("he_normal", DENSE, seed=3, flavor="pytorch").reshape(-1)
    result = hg.summarize(hg.measure("he_normal", DENSE, seed=3, flavor="pytorch"), bins).bins
    edges = np.append(result["left"], result["right"].iloc[-1])
    widths = np.diff(edges)
    even = (weights.max() - weights.min()) / bins
    assert np.allclose(widths, even, rtol=bins / hg.FINE_BINS)  # exact when bins divides it
    counts, _ = np.histogram(weights, bins=edges)
    assert np.abs(result["count"] - counts).sum() <= 2  # at most a rounding at an edge


def test_changing_bins_reuses_the_sample():
    m = hg.measure("glorot_uniform", DENSE, seed=1)
    coarse, fine = hg.summarize(m, 10), hg.summarize(m, 200)
    assert coarse.stats.equals(fine.stats)
    assert coarse.bins["count"].sum() == fine.bins["count"].sum() == math.prod(DENSE)


def test_uniform_histogram_is_flat_at_the_pdf():
    bins = hg.histogram("glorot_uniform", (1000, 1000), seed=0, bins=20).bins
    limit = math.sqrt(6 / 2000)
    assert np.allclose(bins["density"], 1 / (2 * limit), rtol=0.03)


def test_normal_histogram_follows_the_pdf():
    result = hg.histogram("he_normal", (1000, 1000), seed=0, flavor="pytorch", bins=40)
    centers = (result.bins["left"] + result.bins["right"]) / 2
    std = math.sqrt(2 / 1000)
    gauss = np.exp(-(centers**2) / (2 * std**2)) / (std * math.sqrt(2 * math.pi))
    middle = np.abs(centers) < 2 * std
    assert np.allclose(result.bins["density"][middle], gauss[middle], rtol=0.05)


@pytest.mark.parametrize(("spec", "flavor"), [("he_normal", "pytorch"), ("glorot_uniform", "keras"),
                                              ("lecun_normal", "keras"), ("orthogonal", "keras")])
def test_pdf_curve_integrates_to_one(spec, flavor):
    pdf = hg.histogram(spec, DENSE, flavor=flavor).pdf
    assert np.trapezoid(pdf["pdf"], pdf["x"]) == pytest.approx(1.0, abs=2e-3)


def test_uniform_pdf_jumps_at_the_bounds():
    pdf = hg.histogram("he_uniform", DENSE).pdf
    limit = math.sqrt(6 / 400)
    inside = pdf[pdf["x"].abs() < limit * (1 - 1e-12)]
    outside = pdf[pdf["x"].abs() > limit * (1 + 1e-12)]
    assert np.allclose(inside["pdf"], 1 / (2 * limit)) and (outside["pdf"] == 0).all()
    assert len(outside) > 0


def test_rules_mark_std_and_only_hard_bounds():
    keras = hg.histogram("he_normal", DENSE).rules.set_index("rule")["x"]
    sigma = math.sqrt(2 / 400) / TRUNC
    assert keras["upper bound"] == pytest.approx(2 * sigma)
    assert keras["mean + std"] == pytest.approx(math.sqrt(2 / 400))
    torch = hg.histogram("he_normal", DENSE, flavor="pytorch").rules
    assert set(torch["rule"]) == {"mean − std", "mean + std"}
    assert hg.histogram("orthogonal", DENSE).rules["rule"].str.contains("bound").sum() == 0


@pytest.mark.parametrize("spec", ["constant(value=0.5)", "random_normal(mean=0.5, stddev=0)"])
def test_a_point_mass_is_a_rule_not_bins_and_has_no_ks(spec):
    result = hg.histogram(spec, DENSE, bins=10)
    row = result.stats.iloc[0]
    assert result.bins.empty
    assert list(result.rules.itertuples(index=False)) == [(row["initializer"], "keras",
                                                          "all weights", 0.5)]
    assert row["std"] == 0 and row["min"] == row["max"] == 0.5
    assert math.isnan(row["ks_stat"]) and math.isnan(row["std_rel_error"])
    assert result.pdf.empty


def test_identity_has_no_ks_and_exact_moments():
    row = hg.histogram("identity(gain=2)", (50, 50)).stats.iloc[0]
    assert math.isnan(row["ks_pvalue"])
    assert row["mean"] == pytest.approx(2 / 50) and row["std"] == pytest.approx(row["theory_std"])


def test_same_seed_same_result_other_seed_differs():
    a = hg.histogram("he_normal", DENSE, seed=4).stats
    assert a.equals(hg.histogram("he_normal", DENSE, seed=4).stats)
    assert a["std"].iloc[0] != hg.histogram("he_normal", DENSE, seed=5).stats["std"].iloc[0]
    assert a["std"].iloc[0] == pytest.approx(iv.sample("he_normal", DENSE, seed=4).std())


def test_histograms_combines_specs_and_flavours_in_order():
    result = hg.histograms(["glorot_normal", "he_normal"], DENSE, flavors=("keras", "pytorch"))
    pairs = list(zip(result.stats["initializer"], result.stats["flavor"], strict=True))
    assert pairs == [("glorot_normal", "keras"), ("glorot_normal", "pytorch"),
                     ("he_normal", "keras"), ("he_normal", "pytorch")]
    assert list(result.stats["kind"]) == ["truncated_normal", "normal"] * 2
    assert set(result.bins.groupby(["initializer", "flavor"]).size()) == {60}
    assert hg.combine([]).stats.empty


@pytest.mark.parametrize(("call", "message"), [
    (lambda: hg.histogram("he_normal", DENSE, bins=1), "bins"),
    (lambda: hg.histogram("he_normal", (3000, 3000)), "cap"),
    (lambda: hg.histogram("he_normal(", DENSE), "Cannot read"),
    (lambda: hg.histogram("lecun_normal", DENSE, flavor="pytorch"), "not defined"),
])
def test_bad_input_is_an_input_error(call, message):
    with pytest.raises(iv.InputError, match=message):
        call()


def test_std_vs_fan_in_closed_forms():
    table = hg.std_vs_fan_in(fan_out=256, fan_in=784)
    for name, formula in {
        "Glorot": lambda n: math.sqrt(2 / (n + 256)),
        "He": lambda n: math.sqrt(2 / n),
        "LeCun": lambda n: math.sqrt(1 / n),
        "PyTorch default": lambda n: 1 / math.sqrt(3 * n),
    }.items():
        curve = table[table["initializer"] == name]
        assert np.allclose(curve["std"], [formula(n) for n in curve["fan_in"]], rtol=1e-12)
        assert curve["fan_in"].min() == 10 and curve["fan_in"].max() == 4096
        assert list(curve.loc[curve["current"], "fan_in"]) == [784]
    he = table[table["initializer"] == "He"]
    slope = np.polyfit(np.log(he["fan_in"]), np.log(he["std"]), 1)[0]
    assert slope == pytest.approx(-0.5)


def test_std_vs_fan_in_widens_to_the_current_fan_in():
    table = hg.std_vs_fan_in(fan_out=10, fan_in=9 * 512)
    assert table["fan_in"].max() == 4608
    assert table["current"].sum() == 4


@pytest.mark.parametrize("name", sorted(PRESETS))
@pytest.mark.parametrize("flavor", iv.FLAVORS)
def test_scaling_table_agrees_with_the_catalogue(name, flavor):
    if flavor not in iv.resolve(name).entry.flavors:
        pytest.skip(f"{name} is not defined in {flavor}")
    scale, mode = PRESETS[name]
    assert scaled_std(scale, mode, *fan_pair(CONV)) == pytest.approx(
        iv.theory(name, CONV, flavor).std, rel=1e-12)
