"""A chart's data as the browser receives it: the same values as the page's frame, fewer bytes."""

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from ui.specs import to_spec


def _sent(frame):
    """The one dataset of a chart drawn from `frame`: (its bytes, the frame read back)."""
    spec = to_spec(alt.Chart(frame).mark_point().encode(x="epoch:Q", y="loss:Q"))
    (payload,) = spec["datasets"].values()
    return payload, pa.ipc.open_stream(payload).read_all().to_pandas()


def _plain_bytes(frame):
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().size


def test_a_chart_receives_its_frame_unchanged_in_fewer_bytes():
    rng = np.random.default_rng(0)
    epochs = 300
    frame = pd.DataFrame({
        "initializer": np.repeat(["glorot_uniform", "he_normal", "zeros", None], epochs),
        "epoch": np.tile(np.arange(epochs), 4),
        "runs": np.full(4 * epochs, 5),
        "seed": np.full(4 * epochs, 2**40),          # too large for 32 bits: kept in 64
        "loss": rng.lognormal(size=4 * epochs),
    })
    frame.loc[7, "loss"] = np.nan
    payload, received = _sent(frame)
    assert len(payload) < 0.7 * _plain_bytes(frame)
    assert received["initializer"].astype(object).tolist() == frame["initializer"].tolist()
    for column in ("epoch", "runs", "seed"):
        assert received[column].tolist() == frame[column].tolist()
    np.testing.assert_array_equal(received["loss"], frame["loss"])   # floats are not rounded


def test_a_column_of_many_distinct_labels_keeps_them_all():
    frame = pd.DataFrame({"label": [f"point {i}" for i in range(40_000)],
                          "epoch": range(40_000), "loss": 1.0})
    _, received = _sent(frame)
    assert received["label"].astype(object).tolist() == frame["label"].tolist()
