"""Training charts: curves across seeds, decision boundaries, the data, gradient norms."""

import altair as alt
import numpy as np
import pandas as pd

SPLITS = {"train": "training set", "val": "validation set"}
BANDS = ("min–max", "±1 std")
CLASS_COLORS = ["#3b78b0", "#d9622b", "#4e9a4e", "#8e5ea2", "#c9a227", "#6b6b6b",
                "#d1709e", "#2bb3b3", "#8c564b", "#1f2f5c"]


def _order(frame):
    return list(dict.fromkeys(frame["initializer"]))


def _color(order, selection=None):
    """One colour per initializer; clicking a legend entry highlights it when `selection`."""
    legend = alt.Legend(orient="top", columns=4, labelLimit=260, symbolOpacity=1,
                        title="Initializer (click to highlight)" if selection else "Initializer")
    return alt.Color("initializer:N", sort=order, legend=legend,
                     scale=alt.Scale(domain=order, scheme="tableau10"))


def _highlight(selection, on, off):
    return alt.when(selection).then(alt.value(on)).otherwise(alt.value(off))


def curve_chart(stats, stops=None, metric="loss", log_y=False, band=BANDS[0], width=380,
                height=280):
    """Mean across seeds per initializer, with a band, for training and validation side by side.

    Parameters
    ----------
    stats : pandas.DataFrame
        From `initviz.results.curves`: initializer, split, epoch, mean, min, max, std, n.
    stops : pandas.DataFrame or None
        From `initviz.results.divergences`: drawn as ✕ where a run diverged.
    metric : str
        "loss" or "accuracy", for the axis title.
    log_y : bool
        Logarithmic y axis (values ≤ 0 are left out).
    band : str
        One of BANDS: the range across seeds or the mean ± one standard deviation.
    """
    order = _order(stats)
    frame = stats.assign(kind="curve")
    if band == BANDS[1]:
        frame["low"], frame["high"] = frame["mean"] - frame["std"], frame["mean"] + frame["std"]
    else:
        frame["low"], frame["high"] = frame["min"], frame["max"]
    frame["low"] = frame["low"].fillna(frame["mean"])
    frame["high"] = frame["high"].fillna(frame["mean"])
    if stops is not None and len(stops):
        frame = pd.concat([frame, stops.rename(columns={"value": "mean"}).assign(kind="stop")])
    if log_y:
        frame = frame[frame["mean"] > 0]
        frame["low"] = frame["low"].where(frame["low"] > 0, frame["mean"])
        scale = alt.Scale(type="log")
    else:
        top = float(np.nanquantile(frame["high"], 0.95)) * 1.2 if frame["high"].notna().any() else 1
        frame["mean"] = frame["mean"].clip(upper=top)
        scale = alt.Scale(domain=[0, top], clamp=True, zero=True)
    frame["split"] = frame["split"].map(SPLITS)
    selection = alt.selection_point(fields=["initializer"], bind="legend")
    y_title = f"{metric} (mean across seeds{', log scale' if log_y else ''})"
    base = alt.Chart(width=width, height=height).encode(
        x=alt.X("epoch:Q", title="epoch"), color=_color(order, selection))
    curve = alt.datum.kind == "curve"
    area = base.transform_filter(curve).mark_area(clip=True).encode(
        y=alt.Y("low:Q", scale=scale), y2="high:Q", opacity=_highlight(selection, 0.2, 0.03))
    line = base.transform_filter(curve).mark_line(clip=True, strokeWidth=2).encode(
        y=alt.Y("mean:Q", title=y_title, scale=scale), opacity=_highlight(selection, 1, 0.12),
        tooltip=["initializer:N", "split:N", "epoch:Q", alt.Tooltip("mean:Q", format=".4g"),
                 alt.Tooltip("min:Q", format=".4g"), alt.Tooltip("max:Q", format=".4g"),
                 alt.Tooltip("n:Q", title="runs not diverged")],
    ).add_params(selection)
    stop = base.transform_filter(alt.datum.kind == "stop").mark_point(
        shape="cross", size=120, filled=True, clip=True).encode(
        y=alt.Y("mean:Q", scale=scale), opacity=_highlight(selection, 1, 0.12),
        tooltip=["initializer:N", "seed:Q", alt.Tooltip("epoch:Q", title="diverged at epoch")])
    return alt.layer(area, line, stop, data=frame).facet(
        column=alt.Column("split:N", title=None, sort=list(SPLITS.values()),
                          header=alt.Header(labelFontSize=14, labelFontWeight="bold")))


def _cells(frame):
    """Rectangles around regular grid points: x1, x2, y1, y2, probability, predicted.

    Compact types (float32, int8, no coordinates twice): the browser receives every cell.
    """
    dx = np.diff(np.unique(frame["x"]))[:1].sum() / 2
    dy = np.diff(np.unique(frame["y"]))[:1].sum() / 2
    x, y = frame["x"].astype("float32"), frame["y"].astype("float32")
    return pd.DataFrame({
        "initializer": frame["initializer"], "x1": x - dx, "x2": x + dx, "y1": y - dy,
        "y2": y + dy, "probability": frame["probability"].astype("float32"),
        "predicted": frame["predicted"].astype("int8"),
    })


def boundary_chart(grid, points, n_classes, columns=4, size=165):
    """Decision regions of each initializer (one panel each) with the data on top.

    Parameters
    ----------
    grid : pandas.DataFrame
        From `initviz.results.boundary_frame`: initializer, x, y, probability, predicted.
    points : pandas.DataFrame
        x, y, target (class index) of the points to draw.
    n_classes : int
        2 colours P(class 1) from blue to orange; more colour the predicted class.
    """
    cells = _cells(grid)
    classes = alt.Scale(domain=list(range(n_classes)), range=CLASS_COLORS[:n_classes])
    if n_classes == 2:
        color = alt.Color("probability:Q", title="P(class 1)", scale=alt.Scale(
            domain=[0, 0.5, 1], range=[CLASS_COLORS[0], "#f4f4f4", CLASS_COLORS[1]]))
        opacity = alt.value(0.85)
    else:
        color = alt.Color("predicted:N", title="predicted class", scale=classes)
        opacity = alt.Opacity("probability:Q", title="confidence",
                              scale=alt.Scale(domain=[1 / n_classes, 1], range=[0.1, 0.9]))
    x_scale = alt.Scale(domain=[cells["x1"].min(), cells["x2"].max()], nice=False)
    y_scale = alt.Scale(domain=[cells["y1"].min(), cells["y2"].max()], nice=False)
    dots = alt.Chart(points).mark_circle(size=16, stroke="#222", strokeWidth=0.6).encode(
        x=alt.X("x:Q", scale=x_scale, axis=None), y=alt.Y("y:Q", scale=y_scale, axis=None),
        fill=alt.Fill("target:N", title="class", scale=classes), opacity=alt.value(0.9))
    panels = [
        alt.layer(
            alt.Chart(cells[cells["initializer"] == name].drop(columns="initializer"))
            .mark_rect().encode(
                x=alt.X("x1:Q", scale=x_scale, axis=None), x2="x2:Q",
                y=alt.Y("y1:Q", scale=y_scale, axis=None), y2="y2:Q",
                color=color, opacity=opacity,
                tooltip=[alt.Tooltip("probability:Q", format=".3f"), "predicted:N"]),
            dots,
        ).properties(title=name, width=size, height=size)
        for name in _order(grid)
    ]
    return alt.concat(*panels, columns=columns).configure_view(strokeWidth=0)


def dataset_chart(frame, regression=False, width=250, height=250):
    """The data: x, y coloured by class (or target value), training dots, validation triangles."""
    color = (alt.Color("target:Q", title="target", scale=alt.Scale(scheme="viridis"))
             if regression else alt.Color("target:N", title="class", scale=alt.Scale(
                 domain=sorted(frame["target"].unique()), range=CLASS_COLORS)))
    return alt.Chart(frame, width=width, height=height).mark_point(filled=True, size=22).encode(
        x=alt.X("x:Q", title=None), y=alt.Y("y:Q", title=None), color=color,
        shape=alt.Shape("split:N", title=None, sort=["train", "val"],
                        scale=alt.Scale(range=["circle", "triangle-up"])),
        opacity=alt.value(0.75),
        tooltip=["split:N", alt.Tooltip("target", format=".3g" if regression else "d")],
    )


def grad_norm_chart(stats, width=170, height=200):
    """Mean gradient norm of each layer's weights over epochs, log scale, one panel per layer."""
    order = _order(stats)
    drawable = stats[stats["mean"] > 0]
    return alt.Chart(drawable, width=width, height=height).mark_line(strokeWidth=2).encode(
        x=alt.X("epoch:Q"),
        y=alt.Y("mean:Q", title="‖∂L/∂W‖ (mean across seeds, log scale)",
                scale=alt.Scale(type="log"), axis=alt.Axis(format="~g")),
        color=_color(order),
        tooltip=["initializer:N", "layer:Q", "epoch:Q", alt.Tooltip("mean:Q", format=".3g")],
    ).facet(column=alt.Column("layer:O", title="weight layer (1 = next to the input)"))
