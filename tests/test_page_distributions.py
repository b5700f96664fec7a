"""The Distributions page in AppTest: charts, table against theory, flavours, bad inputs."""

import math
from pathlib import Path

import pyarrow as pa
import pytest
from rendered import rendered
from streamlit.testing.v1 import AppTest

from initviz.charts.palette import display_name
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
    """The stats table, numbers read back from their text ("—" is NaN), indexed by spec."""
    shown = at.dataframe[0].value.copy()
    for column in ("std", "std (theory)", "max |w|", "bound (theory)", "KS p"):
        shown[column] = shown[column].map(lambda t: math.nan if t == "—" else float(t))
    return shown


def named(*specs):
    """The short names the table shows for `specs`."""
    return [display_name(s) for s in specs]


def charts(at):
    return at.get("vega_lite_chart")


def panels(at):
    """The histogram panels: every chart but the guides' legend (first) and fan-in (last)."""
    return charts(at)[1:-1]


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
    hists = panels(at)
    assert len(hists) == 4                       # one panel per initializer
    assert sum(map(chart_rows, hists)) < 2_000   # binned: 4 panels of a 200,704-weight layer
    shown = table(at)
    closed_form = {"glorot_uniform": math.sqrt(2 / (784 + 256)),
                   "glorot_normal": math.sqrt(2 / (784 + 256)),
                   "he_uniform": math.sqrt(2 / 784), "he_normal": math.sqrt(2 / 784)}
    assert list(shown["initializer"]) == named(*closed_form)
    for (_, row), std in zip(shown.iterrows(), closed_form.values(), strict=True):
        assert row["std (theory)"] == pytest.approx(std, rel=1e-3)   # shown to 4 digits
        assert row["std"] == pytest.approx(std, rel=0.01)
        assert row["KS p"] > 1e-3
    assert at.get("download_button")
    tabs = [rendered(t.label) for t in at.tabs]
    assert [t for t in tabs if t in closed_form] == list(closed_form)
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
    he, lecun, orthogonal, zeros = named("he_normal", "lecun_uniform", "orthogonal", "zeros")
    assert shown.loc[he, "std (theory)"] == pytest.approx(math.sqrt(2 / fan_in), rel=1e-3)
    assert shown.loc[lecun, "std (theory)"] == pytest.approx(math.sqrt(1 / fan_in), rel=1e-3)
    assert shown.loc[orthogonal, "std (theory)"] == pytest.approx(1 / math.sqrt(fan_in),
                                                                   rel=1e-3)
    assert shown.loc[zeros, "std"] == 0 and math.isnan(shown.loc[zeros, "KS p"])
    assert_std_matches_theory(at)
    assert len(panels(at)) == 5


def test_compare_flavours_puts_keras_and_pytorch_side_by_side():
    at = run(compare="true", init=["he_normal", "lecun_normal"])
    assert_clean(at)
    shown = table(at)
    pairs = list(zip(shown["initializer"], shown["flavour"], shown["law"], strict=True))
    he, lecun = named("he_normal", "lecun_normal")
    assert pairs == [(he, "Keras", "truncated_normal"), (he, "PyTorch", "normal"),
                     (lecun, "Keras", "truncated_normal")]
    warnings = [rendered(w.value) for w in at.warning]
    assert any("lecun_normal" in w and "not" in w and "PyTorch" in w for w in warnings)
    keras, torch = shown.iloc[0], shown.iloc[1]
    assert keras["bound (theory)"] == pytest.approx(2 * math.sqrt(2 / 784) / TRUNC, rel=1e-3)
    assert keras["max |w|"] <= keras["bound (theory)"] < torch["max |w|"]
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
    assert list(table(at)["initializer"]) == named("he_normal")
    assert len(panels(at)) == 1


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
    assert list(table(at)["initializer"]) == named("random_normal(stddev=0.01)",
                                                   "glorot_normal", "he_normal")
    assert any("0.28" in i.value for i in at.info)
    assert_std_matches_theory(at)


def test_bins_reach_the_chart():
    at = run(bins="25", init="glorot_uniform", layer="Conv2D")
    assert_clean(at)
    assert "fan_in = 576" in " ".join(m.value for m in at.markdown)
    [panel] = panels(at)
    pdf_points = len(histogram("glorot_uniform", (3, 3, 64, 128)).pdf)
    assert chart_rows(panel) == 25 + pdf_points + 4  # bins, pdf, ±std and bounds
