"""Every chart a page draws is valid Vega-Lite: the pages skip Altair's validation for speed."""

import json
from pathlib import Path

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema
from streamlit.testing.v1 import AppTest

VIEWS = Path(__file__).resolve().parents[1] / "views"


@pytest.mark.parametrize(("page", "query", "count"), [
    ("distributions", {}, 2),
    ("propagation", {}, 3),
    ("propagation", {"act": "relu", "depth": "4", "width": "16"}, 3),
    ("propagation", {"act": "selu", "depth": "4", "width": "16"}, 2),   # no fraction to plot
    ("training", {"epochs": "5"}, 5),
    ("training", {"data": "iris", "epochs": "5"}, 4),                   # 4-D: no boundaries
])
def test_every_chart_is_valid_vega_lite(page, query, count):
    at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) == count
    for spec in specs:
        validate_jsonschema(spec, load_schema())   # raises on the first schema violation
