"""The Distributions page in AppTest: charts, table against theory, flavours, bad inputs."""

import json
import math
from pathlib import Path

import pyarrow as pa
import pytest
from rendered import rendered
from streamlit.testing.v1 import AppTest

from initviz.histograms import histogram
from ui.pages import DISTRIBUTIONS

KEY = DISTRIBUTIONS.key

PAGE = str(Path(__file__).resolve().parents[1] / "views" / "distributions.py")
TRUNC = 0.87962566103423978


def run(**query):
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in query.items():
        at.query_params[KEY(key)] = value
    return at.run()


def table(at):
    return at.dataframe[0].value


def charts(at):
    return at.get("vega_lite_chart")


def chart_rows(chart):
    """Rows of data the browser receives for `chart` (Streamlit sends them as Arrow)."""
    return sum(pa.ipc.open_stream(d.data.data).read_all().num_rows for d in chart.proto.datasets)


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]


def assert_std_matches_theory(at, rel=0.02):
    for _, row in table(at).iterrows():
        assert row["std"] == pytest.approx(row["std (theory)"], rel=rel, abs=1e-12), row


def test_defaults_show_charts_table_and_code():
    at = run()
    assert_clean(at)
    hist, fan_in = charts(at)
    assert "facet" in json.loads(hist.proto.spec)
    assert chart_rows(hist) < 2_000  # binned: 4 panels of a 200,704-weight layer
    shown = table(at)
    assert list(shown["initializer"]) == ["glorot_uniform", "glorot_normal", "he_uniform",
                                          "he_normal"]
    closed_form = {"glorot_uniform": math.sqrt(2 / (784 + 256)),
                   "glorot_normal": math.sqrt(2 / (784 + 256)),
                   "he_uniform": math.sqrt(2 / 784), "he_normal": math.sqrt(2 / 784)}
    for _, row in shown.iterrows():
        assert row["std (theory)"] == pytest.approx(closed_form[row["initializer"]])
        assert row["std"] == pytest.approx(closed_form[row["initializer"]], rel=0.01)
        assert row["KS p-value"] > 1e-3
    assert at.get("download_button")
    tabs = [rendered(t.label) for t in at.tabs]
    assert [t for t in tabs if t in closed_form] == list(shown["initializer"])
    assert [t.label for t in at.tabs[1:5]] == ["Keras", "PyTorch", "JAX", "NumPy"]
    assert "fan_in = 784" in " ".join(m.value for m in at.markdown)


def test_conv_layer_with_several_initializers():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.sidebar.radio(key=KEY("layer")).set_value("conv").run()
    at.sidebar.multiselect(key=KEY("init")).set_value(
        ["random_normal(stddev=0.01)", "orthogonal", "zeros", "he_normal", "lecun_uniform"]).run()
    assert_clean(at)
    shown = table(at).set_index("initializer")
    fan_in = 3 * 3 * 64
    assert shown.loc["he_normal", "std (theory)"] == pytest.approx(math.sqrt(2 / fan_in))
    assert shown.loc["lecun_uniform", "std (theory)"] == pytest.approx(math.sqrt(1 / fan_in))
    assert shown.loc["orthogonal", "std (theory)"] == pytest.approx(1 / math.sqrt(fan_in))
    assert shown.loc["zeros", "std"] == 0 and math.isnan(shown.loc["zeros", "KS statistic"])
    assert (shown["weights"] == 3 * 3 * 64 * 128).all()
    assert_std_matches_theory(at)
    assert len(charts(at)) == 2


def test_compare_flavours_puts_keras_and_pytorch_side_by_side():
    at = run(compare="true", init=["he_normal", "lecun_normal"])
    assert_clean(at)
    shown = table(at)
    pairs = list(zip(shown["initializer"], shown["flavour"], shown["law"], strict=True))
    assert pairs == [("he_normal", "keras", "truncated_normal"), ("he_normal", "pytorch", "normal"),
                     ("lecun_normal", "keras", "truncated_normal")]
    warnings = [rendered(w.value) for w in at.warning]
    assert any("lecun_normal" in w and "not defined" in w for w in warnings)
    keras = shown.iloc[0]
    assert keras["high bound (theory)"] == pytest.approx(2 * math.sqrt(2 / 784) / TRUNC)
    assert_std_matches_theory(at)


def test_flavour_changes_the_law_and_the_code():
    at = run(flavor="PyTorch", init="he_normal")  # a radio's URL value is its label
    assert_clean(at)
    assert list(table(at)["law"]) == ["normal"]
    code = " ".join(c.value for c in at.code)
    assert "kaiming_normal_" in code and "untruncated_normal" in code


def test_bad_spec_warns_and_the_rest_still_works():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.sidebar.multiselect(key=KEY("init")).set_value(
        ["he_normal", "he_normal(scale=2)", "nonsense("]).run()
    assert_clean(at)
    warnings = " ".join(rendered(w.value) for w in at.warning)
    assert "he_normal has no argument 'scale'" in warnings and "nonsense(" in warnings
    assert list(table(at)["initializer"]) == ["he_normal"]
    assert len(charts(at)) == 2


def test_shape_over_the_cap_is_an_inline_error():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.sidebar.number_input(key=KEY("fan_in")).set_value(5000).run()
    at.sidebar.number_input(key=KEY("fan_out")).set_value(5000).run()
    assert_clean(at)
    assert any("cap" in rendered(e.value) and "25,000,000" in rendered(e.value) for e in at.error)
    assert not charts(at)


def test_preset_sets_the_view_and_explains_it():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    next(b for b in at.button if b.label == "Too small / too large").click().run()
    assert_clean(at)
    assert list(table(at)["initializer"]) == ["random_normal(stddev=0.01)",
                                              "random_normal(stddev=1)", "glorot_normal"]
    assert any("0.28" in i.value for i in at.info)
    assert_std_matches_theory(at)


def test_bins_reach_the_chart():
    at = run(bins="25", init="glorot_uniform", layer="Conv2D")
    assert_clean(at)
    assert "fan_in = 576" in " ".join(m.value for m in at.markdown)
    spec = json.loads(charts(at)[0].proto.spec)
    assert spec["facet"]["field"] == "panel"
    pdf_points = len(histogram("glorot_uniform", (3, 3, 64, 128)).pdf)
    assert chart_rows(charts(at)[0]) == 25 + pdf_points + 4  # bins, pdf, ±std and bounds
