"""The view as a notebook: each page's notebook runs in a Python kernel without error and draws
the charts the page draws, titled the same."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from streamlit.testing.v1 import AppTest

from initviz.datasets import frame_dataset
from ui.exports import chart_title
from ui.notebook import BUILDERS, training_notebook
from ui.pages import DISTRIBUTIONS, PROPAGATION, TRAINING
from ui.upload import Upload, read_csv

ROOT = Path(__file__).resolve().parents[1]
VIEWS = {"dist": "distributions", "prop": "propagation", "train": "training"}


def run(notebook_json, cwd=ROOT):
    """The executed notebook (nbclient raises CellExecutionError on the first failing cell)."""
    notebook = nbformat.reads(notebook_json, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return notebook


def drawn_texts(notebook):
    """The text of each chart drawn in the notebook's outputs (SVG, drawn offline), in order."""
    svgs = [output["data"]["image/svg+xml"] for cell in notebook.cells
            if cell.cell_type == "code" for output in cell.get("outputs", [])
            if "image/svg+xml" in output.get("data", {})]
    return [["".join(node.itertext()) for node in ET.fromstring(svg).iter()] for svg in svgs]


def assert_same_charts(notebook, titles):
    """The notebook draws as many charts as `titles`, each with its title (legends have none)."""
    texts = drawn_texts(notebook)
    assert len(texts) == len(titles)
    for text, title in zip(texts, titles, strict=True):
        assert title == "legend" or title in text, (title, text[:5])


def page_titles(state, values):
    """Titles of the charts the page draws for `values` (widget name -> value)."""
    at = AppTest.from_file(str(ROOT / "views" / f"{VIEWS[state.prefix]}.py"),
                           default_timeout=120)
    at.query_params.update({state.key(k): state.url_text(k, v) for k, v in values.items()})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [chart_title(json.loads(chart.proto.spec)) for chart in at.get("vega_lite_chart")]


@pytest.mark.parametrize(("state", "values"), [
    (DISTRIBUTIONS, {}),
    (DISTRIBUTIONS, {"compare": True, "layer": "conv", "init": ["he_normal", "orthogonal"]}),
    (PROPAGATION, {}),
    (PROPAGATION, {"act": "relu", "depth": 8, "width": 64.0, "init": ["he_normal", "zeros"]}),
    (TRAINING, {"epochs": 30.0}),
], ids=["distributions", "distributions-compare-conv", "propagation", "propagation-relu",
        "training"])
def test_each_page_notebook_runs_and_draws_the_page_charts(state, values):
    notebook = run(BUILDERS[state.prefix](state.config(values)))
    assert notebook.cells[0].cell_type == "markdown"
    assert_same_charts(notebook, page_titles(state, values))


def test_a_scenario_notebook_says_what_the_scenario_shows():
    config = TRAINING.config({"data": "circles", "noise": 0.1, "layers": 6, "width": 32.0,
                              "act": "relu", "lr": 0.05, "init": [
                                  "random_normal(stddev=0.01)", "glorot_normal", "he_normal",
                                  "random_normal(stddev=1)"]})
    intro = nbformat.reads(training_notebook(config), as_version=4).cells[0].source
    assert "Scenario: Deep ReLU on circles: He vs Xavier." in intro and "explodes" in intro
    default = nbformat.reads(training_notebook(TRAINING.config({"epochs": 5.0})), as_version=4)
    assert "This view shows the same small MLP trained" in default.cells[0].source


def test_typed_specs_stay_out_of_markdown():
    config = DISTRIBUTIONS.config({"init": ["random_normal(stddev=0.02)", "not a spec <b>"]})
    notebook = nbformat.reads(BUILDERS["dist"](config), as_version=4)
    markdown = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "stddev=0.02" not in markdown and "<b>" not in markdown
    assert "specs = ['random_normal(stddev=0.02)']" in notebook.cells[2].source


def test_an_upload_notebook_reads_the_file_beside_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))     # initviz, as if installed
    data = "x1,x2,label\n" + "\n".join(f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{'ab'[i % 2]}"
                                      for i in range(60))
    (tmp_path / "my data.csv").write_text(data)
    dataset = frame_dataset(read_csv(data.encode()), "label", name="my data.csv")
    upload = Upload(dataset, ("upload", "0" * 64, "label"))
    notebook = run(training_notebook(TRAINING.config({"epochs": 5.0}), upload), cwd=tmp_path)
    assert "pd.read_csv('my data.csv')" in notebook.cells[2].source
    assert len(drawn_texts(notebook)) == 15          # as the page: the epoch marker included


def notebook_toolbar():
    from ui.notebook import notebook_button
    from ui.pages import PROPAGATION

    notebook_button(PROPAGATION)


@pytest.mark.parametrize(("hide", "shown"), [(None, 1), ("code", 0)])
def test_the_button_builds_on_click_and_hides_with_the_code(hide, shown):
    at = AppTest.from_function(notebook_toolbar)
    if hide:
        at.query_params["hide"] = hide
    at.run()
    buttons = at.get("download_button")
    assert len(buttons) == shown
    if shown:
        assert buttons[0].proto.deferred_file_id and buttons[0].proto.label == "Notebook"
