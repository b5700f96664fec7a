"""Every chart a page draws is valid Vega-Lite (the pages skip Altair's validation for speed),
fills its container, and gives each initializer the same colour on every page."""

import json
from pathlib import Path

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema
from streamlit.testing.v1 import AppTest

from ui.pages import DISTRIBUTIONS, PROPAGATION, TRAINING

VIEWS = Path(__file__).resolve().parents[1] / "views"
SHARED = ["random_normal(stddev=1)", "glorot_normal", "he_normal", "zeros"]
VIEWS_TO_DRAW = [
    ("distributions", DISTRIBUTIONS, {}),
    ("distributions", DISTRIBUTIONS, {"init": SHARED, "compare": "true"}),
    ("propagation", PROPAGATION, {}),
    ("propagation", PROPAGATION, {"act": "relu", "depth": "4", "width": "16",
                                  "init": SHARED[::-1]}),     # colours do not follow the order
    ("propagation", PROPAGATION, {"act": "selu", "depth": "4", "width": "16"}),  # no fraction
    ("training", TRAINING, {"epochs": "5", "init": SHARED[1:] + SHARED[:1]}),
    ("training", TRAINING, {"data": "iris", "epochs": "5"}),                    # no boundaries
]


def page_specs(page, state, query):
    at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=120)
    at.query_params.update({state.key(k): v for k, v in query.items()})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


@pytest.fixture(scope="module")
def drawn():
    return {(page, json.dumps(query)): page_specs(page, state, query)
            for page, state, query in VIEWS_TO_DRAW}


def test_every_chart_is_valid_vega_lite_and_fills_its_place(drawn):
    for view, specs in drawn.items():
        assert len(specs) >= 2, view
        for spec in specs:
            validate_jsonschema(spec, load_schema())   # raises on the first schema violation
            assert spec.get("width") == "container", (view, spec.get("title"))


def colour_scales(node):
    """Every (domain, range) pair of an explicit colour or fill scale anywhere in a spec."""
    if isinstance(node, dict):
        for channel in ("color", "fill"):
            scale = node[channel].get("scale", {}) if isinstance(node.get(channel), dict) else {}
            if isinstance(scale.get("domain"), list) and isinstance(scale.get("range"), list):
                yield scale["domain"], scale["range"]
        for value in node.values():
            yield from colour_scales(value)
    elif isinstance(node, list):
        for value in node:
            yield from colour_scales(value)


def test_an_initializer_has_one_colour_on_every_page(drawn):
    seen = {}
    for view, specs in drawn.items():
        for spec in specs:
            for domain, colours in colour_scales(spec):
                for label, colour in zip(domain, colours, strict=False):
                    seen.setdefault(label, {}).setdefault(colour, set()).add(view[0])
    for label in SHARED:
        [pages] = seen[label].values()            # one colour, on these pages
        assert {"distributions", "propagation", "training"} <= pages, (label, pages)
