"""Your own data on the Training page: a small CSV and its target column, this session's alone.

Nothing here goes through `st.cache_data`, which every session shares: the parsed file, the
results and the charts of an upload stay in this session's state, keyed by the file's hash.
"""

import csv
import hashlib
import io
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from initviz.datasets import Dataset, frame_dataset
from initviz.errors import InputError
from initviz.limits import MAX_FEATURES, MAX_TRAIN_SAMPLES, MAX_UPLOAD_BYTES
from ui.specs import to_spec
from ui.text import plain

FORMULA_STARTS = ("=", "@", "\t", "\r")
"""A cell starting so is a formula to a spreadsheet (CSV injection); '+' and '-' are too unless
the cell is a number."""
MAX_SESSION_SPECS = 32
"""Charts of an upload a session keeps."""
KEPT = "_upload."
"""Prefix of the session keys that hold what this session keeps of its upload."""
GENERATION = "upload.generation"
"""Session key of the uploader's generation: a new one is an empty uploader."""


@dataclass(frozen=True)
class Upload:
    dataset: Dataset
    key: tuple
    """("upload", content hash, target): stands for the data in a page's configuration."""


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _looks_like_formula(cell):
    return cell.startswith(FORMULA_STARTS) or (cell.startswith(("+", "-"))
                                               and not _is_number(cell))


def _check_cells(names, frame):
    """InputError for a formula-looking header or text cell."""
    for column, name in enumerate(names, 1):
        if _looks_like_formula(name):
            raise InputError(f"The name of column {column} starts with {name[0]!r} like a "
                             "spreadsheet formula; rename it.")
    for name in frame.select_dtypes(exclude="number").columns:
        cells = frame[name].dropna().astype(str)
        flagged = cells[cells.map(_looks_like_formula)]
        if len(flagged):
            line = flagged.index[0] + 2    # the header is line 1
            raise InputError(f"Line {line} of {name!r} starts with {flagged.iloc[0][0]!r} like "
                             "a spreadsheet formula; save the values only, without formulas.")


def _check_rows(rows):
    """The header's cells, when every row has as many values as the header names columns."""
    names = next(rows, [])
    _check_header(names)
    for line, row in enumerate(rows, 2):
        if row and len(row) != len(names):
            raise InputError(f"Line {line} has {len(row)} values; the first row names "
                             f"{len(names)} columns.")
        if line > MAX_TRAIN_SAMPLES + 1:
            raise InputError(f"The file has more than {MAX_TRAIN_SAMPLES:,} rows; at most "
                             f"{MAX_TRAIN_SAMPLES:,}.")
    return names


def _check_header(names):
    """InputError unless the first row's cells name the columns."""
    if not names or all(not n.strip() for n in names):
        raise InputError("The first row is empty; it must name the columns.")
    if sum(map(_is_number, names)) > len(names) / 2:
        raise InputError("The first row must name the columns, but it holds numbers: add a "
                         "header row (e.g. x1,x2,label).")
    unnamed = [i for i, n in enumerate(names, 1) if not n.strip()]
    if unnamed:
        raise InputError(f"Column {unnamed[0]} has no name in the first row.")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"Column names must be unique; {twice[0]!r} appears more than once.")
    if len(names) > MAX_FEATURES + 1:
        raise InputError(f"The file has {len(names):,} columns; at most {MAX_FEATURES + 1} "
                         f"({MAX_FEATURES} features and the target).")


def read_csv(data):
    """The table in a CSV file's bytes: a header row, then values separated by commas, tabs or
    semicolons (with decimal commas).

    Raises
    ------
    InputError
        Naming what is wrong and the limit: size, encoding, header, rows, columns, formulas.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"The file has {len(data) / 2**20:.1f} MB; at most "
                         f"{MAX_UPLOAD_BYTES / 2**20:g} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("The file is not text in UTF-8: save it as CSV (UTF-8).") from None
    if not text.strip():
        raise InputError("The file is empty.")
    try:
        sep = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        sep = ","
    try:
        names = _check_rows(csv.reader(io.StringIO(text), delimiter=sep))
        frame = pd.read_csv(io.StringIO(text), sep=sep, decimal="," if sep == ";" else ".")
    except (csv.Error, pd.errors.ParserError) as error:
        raise InputError(f"The file is not a table CSV can hold: {error}") from None
    _check_cells(names, frame)
    return frame


def session_cached(name, key, compute):
    """`compute()`, kept in this session's state under `name` while `key` stays the same (one
    entry per name, so memory stays bounded)."""
    slot = KEPT + name
    kept = st.session_state.get(slot)
    if kept is None or kept[0] != key:
        kept = (key, compute())
        st.session_state[slot] = kept
    return kept[1]


def session_spec(key, build):
    """As `ui.specs.cached_spec`, in this session's state: for charts of an upload."""
    store = st.session_state.setdefault(KEPT + "specs", {})
    if key not in store:
        if len(store) >= MAX_SESSION_SPECS:
            store.pop(next(iter(store)))
        built = build()
        store[key] = [to_spec(c) for c in built] if isinstance(built, list) else to_spec(built)
    return store[key]


def _parsed(data):
    """(frame, None) or (None, message): read once per file content in a session."""
    def parse():
        try:
            return read_csv(data), None
        except InputError as error:
            return None, str(error)

    return session_cached("file", hashlib.sha256(data).hexdigest(), parse)


def task_text(dataset):
    """'binary: no, yes', 'multiclass: 3 classes', 'regression'."""
    if dataset.task == "regression":
        return "regression"
    classes = ", ".join(dataset.classes) if len(dataset.classes) <= 4 else (
        f"{dataset.n_classes} classes")
    return f"{dataset.task}: {classes}"


def describe(dataset):
    """Markdown naming an uploaded dataset and what was detected, its user text escaped."""
    rows = len(dataset.X_train) + len(dataset.X_val)
    return (f"**{plain(dataset.name, 60)}** (your data: {rows:,} rows, {dataset.n_features} "
            f"features, {plain(task_text(dataset), 80)})")


def load_code(upload):
    """The notebook line that loads this upload, its file name a Python literal."""
    return (f"data = iv.load_dataset(pd.read_csv({upload.dataset.name!r}), "
            f"target={upload.key[2]!r})")


def forget_upload():
    """Empty the uploader and drop what this session kept of its file (a scenario's
    configuration has no file in it): an on_click callback."""
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    for name in [key for key in st.session_state if str(key).startswith(KEPT)]:
        del st.session_state[name]


def uploaded_dataset(state):
    """A CSV uploader and its target column, for a page's sidebar form.

    Returns
    -------
    Upload or None
        None without a file or with a bad one (its message shown in place).
    """
    file = st.file_uploader(
        "Or your own data (CSV)", type="csv", max_upload_size=1,
        key=f"{state.prefix}.upload.{st.session_state.get(GENERATION, 0)}",
        help=f"A header row, then numbers: up to {MAX_TRAIN_SAMPLES:,} rows and "
        f"{MAX_FEATURES} feature columns, 1 MB. One column is the target to predict. The file "
        "stays in your session: a shared link cannot carry it.")
    if file is None:
        return None
    data = file.getvalue()
    frame, problem = _parsed(data)
    if problem is None:
        columns = list(frame.columns)
        target = st.selectbox("Target column", columns, len(columns) - 1,
                              key=f"{state.prefix}.upload_target",
                              help="The column the network predicts; every other column is a "
                              "feature.")
        key = ("upload", hashlib.sha256(data).hexdigest(), target)
        try:
            dataset = session_cached("dataset", key, lambda: frame_dataset(
                frame, target, name=file.name))
        except InputError as error:
            problem = str(error)
    if problem is not None:
        st.error(plain(f"{file.name}: {problem}"), icon=":material/error:")
        return None
    st.caption(describe(dataset) + ". It replaces the dataset above; remove the file to go back.")
    return Upload(dataset, key)
