import itertools

import pandas as pd
import pytest

from initviz.charts import distributions, palette, propagation, training
from initviz.histograms import histograms
from initviz.propagation import propagation_report

SPECS = ["random_normal(stddev=0.01)", "random_normal(stddev=1)", "he_normal"]


def color_maps(spec):
    """Every (domain -> range) colour or fill scale of initializers in a Vega-Lite dict."""
    found = []
    if isinstance(spec, dict):
        for channel in ("color", "fill"):
            enc = spec.get(channel)
            if isinstance(enc, dict) and enc.get("field") == "initializer" and "scale" in enc:
                found.append(dict(zip(enc["scale"]["domain"], enc["scale"]["range"],
                                      strict=True)))
        for value in spec.values():
            found += color_maps(value)
    elif isinstance(spec, list):
        for value in spec:
            found += color_maps(value)
    return found


@pytest.mark.parametrize(("label", "name"), [
    ("random_normal(stddev=0.01)", "0.01·N(0,1)"), ("random_normal(stddev=1)", "N(0,1)"),
    ("glorot_uniform", "Xavier uniform"), ("glorot_normal", "Xavier normal"),
    ("he_normal", "He normal"), ("he_uniform", "He uniform"), ("lecun_normal", "LeCun normal"),
    ("orthogonal", "Orthogonal"), ("orthogonal(gain=1.1)", "Orthogonal ×1.1"),
    ("pytorch_default", "PyTorch default"), ("keras_default", "Keras default"),
    ("zeros", "Zeros"), ("random_uniform", "U(±0.05)"),
])
def test_display_names(label, name):
    assert palette.display_name(label) == name


def test_an_unknown_spec_shows_itself_shortened_and_names_never_collide():
    long = "variance_scaling(scale=2, mode=fan_out, distribution=uniform)"
    assert palette.display_name(long).startswith("variance_scaling(")
    assert len(palette.display_name(long)) <= palette.MAX_NAME
    twin = long.replace("uniform)", "truncated_normal)")
    names = palette.display_names([long, twin])
    assert len(set(names.values())) == 2


def test_presets_have_their_own_clearly_different_colours():
    presets = ["zeros", "ones", "random_normal(stddev=0.01)", "random_normal(stddev=1)",
               "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
               "lecun_normal", "orthogonal", "orthogonal(gain=1.1)", "truncated_normal",
               "random_uniform", "pytorch_default", "keras_default", "sklearn_default",
               "identity"]
    assert set(presets) <= set(palette.COLORS)
    for a, b in itertools.combinations(palette.COLORS, 2):
        assert palette.distance(palette.COLORS[a], palette.COLORS[b]) > 15, (a, b)


def test_a_custom_spec_gets_a_stable_colour_unlike_the_others_of_its_chart():
    labels = [*SPECS, "random_normal(stddev=0.1)", "random_normal(stddev=0.3)"]
    colors = palette.colors(labels)
    assert colors == palette.colors(labels)
    assert len(set(colors.values())) == len(labels)
    for custom in labels[3:]:
        assert min(palette.distance(colors[custom], colors[o]) for o in labels
                   if o != custom) >= palette.MIN_DISTANCE


def test_the_same_initializer_has_the_same_colour_in_every_chart():
    table, hist = propagation_report(SPECS, "tanh", 3, 16, None, 11, 20, 0, "keras", 0.0)
    history = pd.DataFrame({"initializer": SPECS, "split": "train", "epoch": 0, "mean": 0.5,
                            "min": 0.4, "max": 0.6, "std": 0.1, "n": 1})
    grads = history.assign(layer=1, epoch=1)
    grid = pd.DataFrame({"initializer": SPECS, "x": 0.0, "y": 0.0, "probability": 0.5,
                         "predicted": 0})
    points = pd.DataFrame({"x": [0.0], "y": [0.0], "target": [0]})
    charts = [
        *propagation.std_chart(table), *propagation.histogram_chart(hist),
        propagation.fraction_chart(table, "saturated_frac"), propagation.legend_chart(table),
        *training.curve_chart(history), *training.grad_norm_chart(grads),
        training.legend_chart(history),
        *distributions.histogram_chart(histograms(SPECS, (30, 20), bins=10)),
    ]
    maps = [m for chart in charts for m in color_maps(chart.to_dict())]
    assert len(maps) >= len(charts) - 1
    for mapping in maps:
        for label, color in mapping.items():
            assert color == palette.COLORS[label]
    boundary = training.boundary_chart(grid, points, 2)
    assert [c.to_dict()["view"]["stroke"] for c in boundary] == [palette.COLORS[s]
                                                                 for s in SPECS]


def test_the_legend_shows_display_names():
    spec = palette.legend_chart(SPECS).to_dict()
    expr = spec["layer"][0]["encoding"]["color"]["legend"]["labelExpr"]
    assert '"0.01·N(0,1)"' in expr and '"N(0,1)"' in expr and spec["width"] == "container"
