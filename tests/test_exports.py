"""Charts for slides: SVG, PNG and a zip per page, rendered on the server, fit to open offline."""

import io
import json
import re
import socket
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import initviz as iv
from initviz.charts import propagation as prop_charts
from initviz.charts import training as train_charts
from initviz.results import curves, divergences
from ui.exports import (
    PNG_SCALE,
    chart_png,
    chart_svg,
    chart_title,
    charts_zip,
    file_stem,
)
from ui.specs import to_spec

ROOT = Path(__file__).resolve().parents[1]
URL = re.compile(rb"https?://[^\s\"'<>)]+")
W3C_NAMESPACES = (b"http://www.w3.org/2000/svg", b"http://www.w3.org/1999/xlink")
"""The one exception to "no http reference": SVG's XML namespace names. They are identifiers
that no SVG viewer fetches, not links to a host."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection from Python fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("an export tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def specs():
    """Charts as the Propagation and Training pages draw them (legend, small multiples)."""
    table = iv.propagate(["glorot_normal", "he_normal"], "tanh", depth=6, width=32, n_samples=64)
    result = iv.train("moons", ["glorot_uniform", "he_normal"], seeds=[0, 1], epochs=5,
                      hidden=(8,))
    charts = [prop_charts.legend_chart(table), *prop_charts.std_chart(table),
              *train_charts.curve_chart(curves(result.history), divergences(result.history))]
    return [to_spec(chart) for chart in charts]


def _remote_references(data):
    return [url for url in URL.findall(data) if url not in W3C_NAMESPACES]


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_each_chart_is_an_svg_with_its_title(specs):
    titles = [chart_title(spec) for spec in specs]
    assert titles == ["legend", "Forward: std of the activations",
                      "Backward: std of the gradient ∂L/∂z", "Training set", "Validation set"]
    for spec, title in zip(specs[1:], titles[1:], strict=True):
        svg = chart_svg(spec, width=600)
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert title in ["".join(node.itertext()) for node in root.iter()]
        assert float(root.get("width")) == pytest.approx(600, abs=1)   # container -> 600 px


def test_each_chart_is_a_png_at_slide_scale(specs):
    width, height = _png_size(chart_png(specs[1], width=500))
    assert width == pytest.approx(PNG_SCALE * 500, abs=2) and height > 300


def test_the_zip_holds_svg_png_and_data_of_every_chart(specs):
    archive = zipfile.ZipFile(io.BytesIO(charts_zip(specs, [900, 450, 450, 450, 450])))
    names = archive.namelist()
    stems = [file_stem(spec, i) for i, spec in enumerate(specs)]
    assert stems[:3] == ["01_legend", "02_forward-std-of-the-activations",
                         "03_backward-std-of-the-gradient-l-z"]
    for stem in stems:
        assert {f"{stem}.svg", f"{stem}.png"} <= set(names)
        assert any(name.startswith(stem) and name.endswith(".csv") for name in names)
    assert _png_size(archive.read(f"{stems[1]}.png"))[0] == pytest.approx(900, abs=2)
    data = pd.read_csv(archive.open(f"{stems[1]}_data.csv"))
    assert {"initializer", "layer", "value"} <= set(data.columns)
    for name in names:
        assert not _remote_references(archive.read(name)), name


def test_nothing_exported_names_a_remote_host(specs):
    for spec in specs:
        assert not _remote_references(chart_svg(spec).encode())
        assert not _remote_references(chart_png(spec))


def test_a_spec_cannot_make_the_renderer_fetch_data():
    spec = {"data": {"url": "https://example.com/data.csv"}, "mark": "point",
            "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    with pytest.raises(ValueError, match="not allowed"):
        chart_svg(spec)


def test_a_title_cannot_escape_the_file_name():
    spec = {"title": {"text": "../../etc/passwd <b>"}, "mark": "point"}
    assert file_stem(spec, 11) == "12_etc-passwd-b"


def test_the_menu_offers_every_chart_of_the_page_even_those_drawn_after_it():
    at = AppTest.from_file(str(ROOT / "views" / "training.py"), default_timeout=120)
    at.query_params["train.epochs"] = "5"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    drawn = [f"{number}. {chart_title(json.loads(chart.proto.spec))}"
             for number, chart in enumerate(at.get("vega_lite_chart"), 1)]
    picker = at.selectbox(key="slides.training")
    assert picker.options == drawn
    # the boundaries and the gradients come after the menu's place, under the results table
    assert "7. epoch 5" in drawn and "weight layer" in drawn[-1]
    picker.select(len(drawn) - 1).run()
    assert at.selectbox(key="slides.training").value == len(drawn) - 1 and not at.exception
    one_chart = [b for b in at.get("download_button") if b.proto.label in ("SVG", "PNG")]
    assert len(one_chart) == 2 and all(b.proto.deferred_file_id for b in one_chart)
    zipped = [b for b in at.get("download_button") if b.proto.label.startswith("All charts")]
    assert zipped[0].proto.deferred_file_id   # rendered on click, not while the page draws


def test_drawing_a_page_does_not_load_the_renderer():
    code = ("import sys\nfrom streamlit.testing.v1 import AppTest\n"
            "at = AppTest.from_file('views/propagation.py', default_timeout=120)\n"
            "at.run()\nassert not at.exception\nprint('vl_convert' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True).stdout.split()[-1]
    assert loaded == "False"

