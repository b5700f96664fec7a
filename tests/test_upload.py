"""Your own data: a CSV upload becomes this session's Dataset, or a message naming the problem."""

import ast

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from initviz.errors import InputError
from initviz.limits import MAX_FEATURES, MAX_TRAIN_SAMPLES
from tests.rendered import rendered
from ui.upload import read_csv


def csv_text(rows=60, header="x1,x2,label", seed=0):
    rng = np.random.default_rng(seed)
    lines = [header] + [f"{a:.3f},{b:.3f},{'yes' if a * b > 0 else 'no'}"
                        for a, b in rng.uniform(-1, 1, (rows, 2))]
    return "\n".join(lines) + "\n"


GOOD = csv_text().encode()
BAD_FILES = {
    "no header": (csv_text(header="0.5,0.25,yes"), "first row must name the columns"),
    "non-numeric feature": (csv_text().replace("\n0.", "\nabc", 1), "Features must be numbers"),
    "one class": (csv_text().replace(",no\n", ",yes\n"), "single value (yes)"),
    "missing value": (csv_text().replace(",no\n", ",\n", 1), "missing values"),
    "too many rows": (csv_text(rows=MAX_TRAIN_SAMPLES + 1),
                      f"more than {MAX_TRAIN_SAMPLES:,} rows; at most {MAX_TRAIN_SAMPLES:,}"),
    "too many columns": (",".join(f"c{i}" for i in range(MAX_FEATURES + 2)) + "\n",
                         f"{MAX_FEATURES + 2} columns; at most {MAX_FEATURES + 1}"),
    "formula": (csv_text().replace(",no\n", ',"=HYPERLINK(""http://x"",""y"")"\n', 1),
                "starts with '=' like a spreadsheet formula"),
    "ragged rows": (csv_text() + "1,2\n", "has 2 values; the first row names 3 columns"),
    "not text": ("\udcff".encode("utf-8", "surrogateescape") * 10, "not text in UTF-8"),
}


def test_a_good_file_reads_as_its_table():
    frame = read_csv(GOOD)
    assert list(frame.columns) == ["x1", "x2", "label"] and len(frame) == 60
    assert frame["x1"].dtype.kind == "f"


def test_semicolons_and_decimal_commas_read_too():
    frame = read_csv(GOOD.replace(b",", b";").replace(b".", b","))
    assert frame["x2"].dtype.kind == "f" and len(frame) == 60


@pytest.mark.parametrize("what", ["no header", "too many rows", "too many columns", "formula",
                                  "ragged rows", "not text"])
def test_a_bad_file_is_refused_by_the_reader(what):
    text, message = BAD_FILES[what]
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(text if isinstance(text, bytes) else text.encode())


def test_a_number_with_a_sign_is_not_a_formula():
    assert read_csv(b"a,b,y\n-1,+2,x\n-3,4,-y\n".replace(b",-y", b",y"))["a"].tolist() == [-1, -3]


def test_a_formula_in_the_header_is_refused():
    with pytest.raises(InputError, match="column 2 starts with '@'"):
        read_csv(b"a,@SUM(A1),y\n1,2,3\n")


def sidebar_form():
    """The Training page's use: the uploader inside its sidebar form."""
    import streamlit as st

    from ui.pages import TRAINING
    from ui.upload import forget_upload, load_code, uploaded_dataset

    st.button("A scenario", on_click=forget_upload)
    with st.sidebar, st.form("setup"):
        upload = uploaded_dataset(TRAINING)
        st.form_submit_button("Train")
    if upload is not None:
        st.write(f"trained on {upload.dataset.task} {upload.key[2]} {upload.dataset.n_features}")
        st.code(load_code(upload))


def _submit(at, name, content):
    at.file_uploader[0].set_value((name, content, "text/csv"))
    at.button[1].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app():
    at = AppTest.from_function(sidebar_form, default_timeout=60)
    return at.run()


def test_a_good_upload_gives_the_dataset_and_shows_what_was_detected(app):
    _submit(app, "moons.csv", GOOD)
    assert [m.value for m in app.markdown if m.value.startswith("trained")] == [
        "trained on binary label 2"]
    caption = rendered(app.caption[0].value)
    assert "moons.csv" in caption and "60 rows, 2 features, binary: no, yes" in caption
    app.selectbox[0].set_value("x2")            # the text column becomes a feature
    app.button[1].click().run()
    assert "'label' hold other values" in rendered(app.error[0].value)


def test_a_numeric_target_can_be_a_regression(app):
    _submit(app, "moons.csv", GOOD.replace(b",no\n", b",0\n").replace(b",yes\n", b",1\n"))
    assert "trained on binary label 2" in [m.value for m in app.markdown]
    app.selectbox[0].set_value("x1")
    app.button[1].click().run()
    assert "trained on regression x1 2" in [m.value for m in app.markdown]


@pytest.mark.parametrize("what", list(BAD_FILES))
def test_each_bad_upload_shows_its_message_and_nothing_crashes(app, what):
    text, message = BAD_FILES[what]
    _submit(app, "bad.csv", text if isinstance(text, bytes) else text.encode())
    [error] = app.error
    assert message in rendered(error.value) and rendered(error.value).startswith("bad.csv: ")
    assert not [m for m in app.markdown if m.value.startswith("trained")]


def test_the_file_name_is_shown_escaped(app):
    _submit(app, "**bold** :red[x] <b>.csv", GOOD)
    caption = app.caption[0].value
    assert "**bold**" not in caption and ":red[" not in caption
    assert "**bold** :red[x] <b>.csv" in rendered(caption)


def test_an_upload_is_kept_in_this_session_only(app):
    _submit(app, "moons.csv", GOOD)
    other = AppTest.from_function(sidebar_form, default_timeout=60).run()
    assert not [m for m in other.markdown if m.value.startswith("trained")]
    assert "_upload.dataset" in app.session_state
    assert not {"_upload.dataset", "_upload.file"} & set(other.session_state)


def test_a_scenario_empties_the_uploader_and_forgets_the_file(app):
    _submit(app, "moons.csv", GOOD)
    app.button[0].click().run()
    assert not [m for m in app.markdown if m.value.startswith("trained")]
    assert app.file_uploader[0].value is None and "_upload.dataset" not in app.session_state


def test_the_notebook_line_loads_the_same_file_and_target(app):
    _submit(app, "it's \"mine\".csv", GOOD)
    line = app.code[0].value
    assert line == "data = iv.load_dataset(pd.read_csv('it\\'s \"mine\".csv'), target='label')"
    ast.parse(line)
