import numpy as np
import pandas as pd
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from initviz.charts import training as charts

SPECS = ["glorot_uniform", "he_normal", "random_normal(stddev=1)"]


def _stats():
    """Two healthy initializers and N(0,1) whose runs reach 1e30 and then diverge."""
    rows = []
    for split in ("train", "val"):
        for epoch in range(5):
            rows.append(("glorot_uniform", split, epoch, 0.7 - 0.1 * epoch))
            rows.append(("he_normal", split, epoch, 0.6 - 0.1 * epoch))
            if epoch < 2:
                rows.append(("random_normal(stddev=1)", split, epoch, 1e30))
    stats = pd.DataFrame(rows, columns=["initializer", "split", "epoch", "mean"])
    stats = stats.assign(min=stats["mean"] * 0.9, max=stats["mean"] * 1.1, std=0.01, n=3)
    stops = pd.DataFrame({"initializer": "random_normal(stddev=1)", "seed": [0, 0],
                          "split": ["train", "val"], "epoch": [2, 2], "value": [1e30, 1e30]})
    return stats, stops


def _y_scale(layer_spec):
    return layer_spec["encoding"]["y"]["scale"]


def test_diverged_runs_do_not_set_the_loss_axis_and_are_marked_at_its_edge():
    stats, stops = _stats()
    for log_y in (False, True):
        train, val = (c.to_dict() for c in charts.curve_chart(stats, stops, log_y=log_y))
        for spec in (train, val):
            low, high = _y_scale(spec["layer"][1])["domain"]
            assert high < 1.0 and low < 0.3      # from the healthy curves only
            marks = spec["layer"][2]
            assert marks["mark"]["shape"] == "cross"
            data = spec["datasets"][marks["data"]["name"]]
            assert [row["shown"] for row in data] == [high]     # clamped to the top edge
            assert [row["value"] for row in data] == [1e30]     # the tooltip tells the truth


def test_curves_are_train_and_val_charts_filling_their_container():
    stats, stops = _stats()
    charts_ = [c.to_dict() for c in charts.curve_chart(stats, stops)]
    assert [c["title"] for c in charts_] == list(charts.SPLITS.values())
    assert all(c["width"] == "container" for c in charts_)
    accuracy = charts.curve_chart(stats.assign(mean=0.5, min=0.4, max=0.6), metric="accuracy")
    assert _y_scale(accuracy[0].to_dict()["layer"][1])["domain"] == [0.0, 1.0]


def test_without_any_healthy_run_the_axis_still_skips_astronomical_values():
    stats, stops = _stats()
    alone = stats[stats["initializer"] == SPECS[2]].assign(mean=[1e30, 2.0] * 2)
    alone = charts._band(alone, charts.BANDS[0])
    assert charts.y_domain(alone, stops, log_y=False)[1] < 10


def test_boundaries_and_gradients_are_one_container_chart_per_panel():
    grid = pd.DataFrame({"initializer": np.repeat(SPECS, 4), "x": [0.0, 1, 0, 1] * 3,
                         "y": [0.0, 0, 1, 1] * 3, "probability": 0.5, "predicted": 0})
    points = pd.DataFrame({"x": [0.5], "y": [0.5], "target": [1]})
    boundaries = [c.to_dict() for c in charts.boundary_chart(grid, points, 2)]
    assert [b["title"]["text"] for b in boundaries] == ["Xavier uniform", "He normal", "N(0,1)"]
    stats, stops = _stats()
    grads = pd.concat([stats.assign(layer=layer) for layer in (1, 2)])
    gradient = [c.to_dict() for c in charts.grad_norm_chart(grads, stops)]
    assert len(gradient) == 2
    domains = {tuple(g["encoding"]["y"]["scale"]["domain"]) for g in gradient}
    assert len(domains) == 1 and max(next(iter(domains))) < 10   # shared, N(0,1) left out
    preview = pd.DataFrame({"x": [0.0], "y": [1.0], "target": [0], "split": ["train"]})
    for chart in [*boundaries, *gradient, charts.dataset_chart(preview).to_dict(),
                  charts.legend_chart(stats).to_dict()]:
        assert chart["width"] == "container"
        validate_jsonschema(chart, load_schema())


def test_every_curve_chart_is_valid_vega_lite():
    stats, stops = _stats()
    for log_y in (False, True):
        for chart in charts.curve_chart(stats, stops, log_y=log_y, band=charts.BANDS[1]):
            validate_jsonschema(chart.to_dict(), load_schema())
