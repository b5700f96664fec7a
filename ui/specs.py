"""Altair charts as Vega-Lite specs with their data as Arrow bytes, as Streamlit sends them.

Altair's own ``to_dict`` turns every DataFrame into a list of dicts and validates the whole spec
against the Vega-Lite schema, both slower than building the chart. Here the data goes to Arrow
once, which `st.vega_lite_chart` passes through untouched and a cache holds compactly;
tests/test_chart_specs.py validates every chart the pages draw instead.
"""

import hashlib
import threading

import altair as alt
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from ui.cache import MB, ByteCache

_ALTAIR_SETTINGS = threading.Lock()   # theme and data transformer are global to all threads


def _compact_column(column):
    """`column` in fewer bytes, the same values: text as indices into its distinct strings,
    integers in 32 bits when they fit."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        encoded = column.dictionary_encode().combine_chunks()
        distinct = len(encoded.dictionary)
        indices = pa.int8() if distinct < 2**7 else pa.int16() if distinct < 2**15 else pa.int32()
        return encoded.cast(pa.dictionary(indices, pa.string()))
    if pa.types.is_int64(column.type):
        low, high = pc.min_max(column).values()
        if (low.as_py() or 0) >= -2**31 and (high.as_py() or 0) < 2**31:
            return column.cast(pa.int32())
    return column


def compact_table(frame):
    """`frame` as an Arrow table for a chart: compact columns and no pandas metadata (a chart
    reads none of it). A third to half the bytes of the plain conversion, so the page sends
    less and Streamlit hashes and serializes less on each run."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return pa.table([_compact_column(column) for column in table.columns],
                    names=table.column_names)


def _to_arrow(data, datasets):
    """Altair data transformer: the frame as Arrow IPC bytes in `datasets`, named by content."""
    table = compact_table(data)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    payload = sink.getvalue().to_pybytes()
    name = "initviz-" + hashlib.md5(payload, usedforsecurity=False).hexdigest()
    datasets[name] = payload
    return {"name": name}


alt.data_transformers.register("initviz_arrow", _to_arrow)


def to_spec(chart):
    """Vega-Lite dict of `chart`: no Altair theme (as Streamlit draws Altair charts), every
    dataset as Arrow bytes under ``datasets``, no row limit (the pages' data is binned or
    summarized, never raw samples)."""
    datasets = {}
    with (_ALTAIR_SETTINGS, alt.theme.enable("none"),
          alt.data_transformers.enable("initviz_arrow", datasets=datasets)):
        spec = chart.to_dict(validate=False)
    spec["datasets"] = spec.get("datasets", {}) | datasets
    if spec.get("width") == "container":    # Streamlit would fit the height too, squashing it
        spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return spec


def inline(spec):
    """`spec` with its Arrow datasets as lists of records, for Vega outside Streamlit."""
    datasets = {name: pa.ipc.open_stream(data).read_all().to_pylist()
                if isinstance(data, bytes) else data
                for name, data in spec.get("datasets", {}).items()}
    return spec | {"datasets": datasets} if datasets else spec


SPECS = ByteCache(32 * MB)


def cached_spec(key, build):
    """`to_spec(build())` (a list of specs when it builds a list of charts), built once per
    `key`: the chart's name and what it is drawn from, hashable. One cache for every page."""
    def compute():
        built = build()
        return [to_spec(c) for c in built] if isinstance(built, list) else to_spec(built)

    return SPECS.get(key, compute)


def same_view_notice():
    """Told to a session that waits for the very result another session is computing."""
    st.toast("Another participant asked for this very view a moment ago; it appears here as "
             "soon as it is ready.", icon=":material/group:")
