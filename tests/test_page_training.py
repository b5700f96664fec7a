from pathlib import Path

import pytest
from rendered import rendered
from streamlit.testing.v1 import AppTest

from initviz.charts.palette import display_name
from ui.pages import TRAINING

KEY = TRAINING.key

PAGE = str(Path(__file__).resolve().parents[1] / "views" / "training.py")


def _run(**state):
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in state.items():
        at.session_state[KEY(key)] = value
    return at.run()


def _charts(at):
    return at.get("vega_lite_chart")


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_default_view_trains_and_shows_every_chart_and_the_table():
    at = _run()
    _ok(at)
    # legend, loss (train, val), data, accuracy (train, val), the epoch marker, 4 boundaries,
    # 4 gradient layers
    assert len(_charts(at)) == 1 + 2 + 1 + 2 + 1 + 4 + 4
    table = at.dataframe[0].value
    specs = ["zeros", "random_normal(stddev=1)", "glorot_uniform", "he_normal"]
    assert list(table["Initializer"]) == [display_name(s) for s in specs]
    zeros = table.set_index("Initializer").loc[display_name("zeros")]
    assert zeros["Train loss"].startswith("0.693") and zeros["To target"] == "never"
    assert "Zeros" in at.info[0].value        # the default is the first preset, explained


def test_a_preset_button_loads_its_configuration():
    at = _run(epochs=15.0)
    next(b for b in at.button if b.label == "Adam vs a too-small init").click().run()
    _ok(at)
    assert at.session_state[KEY("opt")] == "adam" and at.session_state[KEY("layers")] == 2
    assert "Adam divides" in at.info[0].value


def test_regression_has_no_accuracy_or_boundary_and_says_so_in_the_table():
    at = _run(data="diabetes", epochs=10.0, seeds=2, init=["he_normal", "zeros"])
    _ok(at)
    assert [s.value for s in at.subheader] == ["The data", "Results", "Gradients"]
    assert "Val accuracy" not in at.dataframe[0].value.columns


def test_multiclass_boundaries_scrub_over_epochs():
    at = _run(data="blobs", epochs=20.0, seeds=1, init=["he_normal"])
    _ok(at)
    slider = at.select_slider(key=KEY("bepoch"))
    assert slider.options[0] == "0" and slider.value == 20
    slider.set_value(0).run()
    _ok(at)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"layers": 6, "width": 256.0, "epochs": 2000.0, "seeds": 10, "n": 5000.0},
         "at most"),
        ({"batch": "16", "epochs": 2000.0, "n": 2000.0, "seeds": 1, "init": ["he_normal"]},
         "optimizer steps"),
    ],
)
def test_oversized_requests_show_an_inline_error(state, message):
    at = _run(**state)
    assert not at.exception
    assert message in rendered(at.error[0].value)


def test_no_initializer_asks_for_one():
    at = _run(init=[])
    assert not at.exception and "Pick at least one initializer" in at.info[0].value


def test_biases_as_the_framework_does_reach_the_training_and_its_code():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({KEY("bias"): "as the framework does", KEY("flavor"): "PyTorch",
                            KEY("epochs"): "5", KEY("init"): "pytorch_default"})
    at.run()
    _ok(at)
    assert at.selectbox(key=KEY("bias")).value == "framework"
    assert any("bias='framework'" in code.value for code in at.code)
