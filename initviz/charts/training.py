"""Training charts: curves across seeds, decision boundaries, the data, gradient norms."""

import altair as alt
import numpy as np
import pandas as pd

from initviz.charts import palette
from initviz.charts.propagation import LOG_LABELS, decades

SPLITS = {"train": "Training set", "val": "Validation set"}
BANDS = ("min–max", "±1 std")
CLASS_COLORS = ["#3b78b0", "#d9622b", "#4e9a4e", "#8e5ea2", "#c9a227", "#6b6b6b",
                "#d1709e", "#2bb3b3", "#8c564b", "#1f2f5c"]
OVERLAP = 1.03
"""Cells overlap a little, so no white seams show between them."""
EPOCH = alt.X("epoch:Q", title="epoch", scale=alt.Scale(nice=False))
ASTRONOMICAL = 1e10
"""A loss this large never sets an axis: the run is on its way to inf."""


def legend_chart(frame):
    """The initializers of `frame`, drawn once above a page's training charts."""
    return palette.legend_chart(palette.order(frame))


def _band(stats, band):
    low, high = ((stats["mean"] - stats["std"], stats["mean"] + stats["std"]) if band == BANDS[1]
                 else (stats["min"], stats["max"]))
    return stats.assign(low=low.fillna(stats["mean"]), high=high.fillna(stats["mean"]))


def y_domain(frame, stops, log_y):
    """Loss axis from the initializers none of whose runs diverged (all of them when every one
    did), never from astronomically large values; padded a little."""
    diverged = set() if stops is None else set(stops["initializer"])
    kept = frame[~frame["initializer"].isin(diverged)]
    kept = kept if kept["mean"].notna().any() else frame
    values = pd.concat([kept["low"], kept["high"], kept["mean"]])
    values = values[np.isfinite(values) & (values < ASTRONOMICAL) & (values > 0 if log_y else True)]
    if values.empty:
        return [1e-3, 1.0] if log_y else [0.0, 1.0]
    if log_y:
        return [float(values.min()) / 1.2, float(values.max()) * 1.2]
    return [0.0, float(values.max()) * 1.05 or 1.0]


def _edge_marks(stops, domain):
    """Stops with `shown`: the value clamped to the plot, and whether it is off the axis."""
    shown = stops["value"].fillna(np.inf).clip(*domain)
    return stops.assign(shown=shown, off_axis=shown != stops["value"])


def curve_chart(stats, stops=None, metric="loss", log_y=False, band=BANDS[0], height=250):
    """Mean across seeds per initializer with a band: [training chart, validation chart].

    The y axis comes from the runs that did not diverge (see `y_domain`), the same in both
    charts; ✕ marks where a run diverged, clamped to the plot's edge when its last value is
    off the axis. Pointing at a curve highlights its initializer.

    Parameters
    ----------
    stats : pandas.DataFrame
        From `initviz.results.curves`: initializer, split, epoch, mean, min, max, std, n.
    stops : pandas.DataFrame or None
        From `initviz.results.divergences`: initializer, seed, split, epoch, value.
    metric : str
        "loss" or "accuracy" (accuracy keeps the axis at 0–1).
    log_y : bool
        Logarithmic y axis (values ≤ 0 are left out).
    band : str
        One of BANDS: the range across seeds or the mean ± one standard deviation.

    Returns
    -------
    list of altair.LayerChart
        Two charts of width "container", training split first.
    """
    order = palette.order(stats)
    stops = stops if stops is not None and len(stops) else None
    frame = _band(stats, band)
    if log_y:
        frame = frame[frame["mean"] > 0]
        frame = frame.assign(low=frame["low"].where(frame["low"] > 0, frame["mean"]))
    domain = [0.0, 1.0] if metric == "accuracy" else y_domain(frame, stops, log_y)
    scale = alt.Scale(type="log" if log_y else "linear", domain=domain, nice=False,
                      zero=not log_y)
    frame = palette.named(frame, order)
    highlight = alt.selection_point(fields=["initializer"], on="pointerover", nearest=True,
                                    clear="pointerout")
    x = EPOCH
    y_title = f"{metric} (mean across seeds{', log scale' if log_y else ''})"
    color = palette.color(order)
    base = alt.Chart(width="container", height=height).encode(x=x, color=color)
    layers = [
        base.mark_area(clip=True).encode(
            y=alt.Y("low:Q", scale=scale, title=y_title), y2="high:Q",
            opacity=_highlight(highlight, 0.2, 0.04)),
        base.mark_line(clip=True, strokeWidth=2.5).encode(
            y=alt.Y("mean:Q", scale=scale), opacity=_highlight(highlight, 1, 0.15),
            tooltip=[*palette.TOOLTIP, "epoch:Q", alt.Tooltip("mean:Q", format=".4g"),
                     alt.Tooltip("min:Q", format=".4g"), alt.Tooltip("max:Q", format=".4g"),
                     alt.Tooltip("n:Q", title="runs not diverged")],
        ).add_params(highlight),
    ]
    marks = None if stops is None else palette.named(_edge_marks(stops, domain), order)
    charts = []
    for split, title in SPLITS.items():
        parts = [layer.properties(data=frame[frame["split"] == split]) for layer in layers]
        if marks is not None and (marks["split"] == split).any():
            parts.append(_stop_marks(marks[marks["split"] == split], x, scale, color))
        charts.append(alt.layer(*parts).properties(title=title))
    return charts


def _stop_marks(marks, x, scale, color):
    """✕ where runs diverged, on the plot's edge when off the axis."""
    return alt.Chart(marks).mark_point(shape="cross", size=140, filled=True, opacity=1).encode(
        x=x, y=alt.Y("shown:Q", scale=scale), color=color,
        tooltip=[*palette.TOOLTIP, "seed:Q", alt.Tooltip("epoch:Q", title="diverged at epoch"),
                 alt.Tooltip("value:Q", title="last finite value", format=".3g"),
                 alt.Tooltip("off_axis:N", title="beyond the axis")])


def _highlight(selection, on, off):
    return alt.when(selection).then(alt.value(on)).otherwise(alt.value(off))


def _cells(frame):
    """Rectangles around regular grid points: x1, x2, y1, y2, probability, predicted.

    Compact types (float32, int8, no coordinates twice): the browser receives every cell.
    """
    dx = np.diff(np.unique(frame["x"]))[:1].sum() * OVERLAP / 2
    dy = np.diff(np.unique(frame["y"]))[:1].sum() * OVERLAP / 2
    x, y = frame["x"].astype("float32"), frame["y"].astype("float32")
    return pd.DataFrame({
        "initializer": frame["initializer"], "x1": x - dx, "x2": x + dx, "y1": y - dy,
        "y2": y + dy, "probability": frame["probability"].astype("float32"),
        "predicted": frame["predicted"].astype("int8"),
    })


def boundary_chart(grid, points, n_classes, height=220):
    """Decision regions of each initializer with the data on top: one chart per initializer.

    Parameters
    ----------
    grid : pandas.DataFrame
        From `initviz.results.boundary_frame`: initializer, x, y, probability, predicted.
    points : pandas.DataFrame
        x, y, target (class index) of the points to draw.
    n_classes : int
        2 colours P(class 1) from blue to orange; more colour the predicted class.

    Returns
    -------
    list of altair.LayerChart
        Width "container", no legends (`dataset_chart` has the classes), each framed in its
        initializer's colour and titled with its display name.
    """
    cells = _cells(grid)
    classes = alt.Scale(domain=list(range(n_classes)), range=CLASS_COLORS[:n_classes])
    if n_classes == 2:
        color = alt.Color("probability:Q", legend=None, scale=alt.Scale(
            domain=[0, 0.5, 1], range=[CLASS_COLORS[0], "#f4f4f4", CLASS_COLORS[1]]))
        opacity = alt.value(0.85)
    else:
        color = alt.Color("predicted:N", legend=None, scale=classes)
        opacity = alt.Opacity("probability:Q", legend=None,
                              scale=alt.Scale(domain=[1 / n_classes, 1], range=[0.1, 0.9]))
    x = alt.X("x1:Q", axis=None, scale=alt.Scale(domain=[cells["x1"].min(), cells["x2"].max()],
                                                 nice=False))
    y = alt.Y("y1:Q", axis=None, scale=alt.Scale(domain=[cells["y1"].min(), cells["y2"].max()],
                                                 nice=False))
    regions = alt.Chart().mark_rect().encode(
        x=x, x2="x2:Q", y=y, y2="y2:Q", color=color, opacity=opacity,
        tooltip=[alt.Tooltip("probability:Q", format=".3f"), "predicted:N"])
    dots = alt.Chart(points.rename(columns={"x": "x1", "y": "y1"})).mark_circle(
        size=16, stroke="#222", strokeWidth=0.6).encode(
        x=x, y=y, fill=alt.Fill("target:N", legend=None, scale=classes), opacity=alt.value(0.9))
    order = palette.order(grid)
    names, colors = palette.display_names(order), palette.colors(order)
    return [
        alt.layer(regions.properties(data=cells[cells["initializer"] == label].drop(
            columns="initializer")), dots).properties(
            title=alt.TitleParams(names[label], color=colors[label]), width="container",
            height=height, view=alt.ViewBackground(stroke=colors[label], strokeWidth=3))
        for label in order
    ]


def dataset_chart(frame, regression=False, height=250):
    """The data: x, y coloured by class (or target value), training dots, validation triangles."""
    color = (alt.Color("target:Q", title="target", scale=alt.Scale(scheme="viridis"))
             if regression else alt.Color("target:N", title="class", scale=alt.Scale(
                 domain=sorted(frame["target"].unique()), range=CLASS_COLORS)))
    return alt.Chart(frame, width="container", height=height).mark_point(
        filled=True, size=22).encode(
        x=alt.X("x:Q", title=None), y=alt.Y("y:Q", title=None), color=color,
        shape=alt.Shape("split:N", title=None, sort=["train", "val"],
                        scale=alt.Scale(range=["circle", "triangle-up"])),
        opacity=alt.value(0.75),
        tooltip=["split:N", alt.Tooltip("target", format=".3g" if regression else "d")],
    )


def grad_norm_chart(stats, stops=None, height=200):
    """Mean gradient norm of each layer's weights over epochs: one chart per weight layer.

    One log y axis for all layers, from the initializers that did not diverge (`stops`, from
    `initviz.results.divergences`), so that a gradient shrinking towards the input is seen
    shrinking from chart to chart; exploding runs leave through the top.

    Returns
    -------
    list of altair.Chart
        In layer order (1 = next to the input), each of width "container".
    """
    order = palette.order(stats)
    drawable = stats[(stats["mean"] > 0) & np.isfinite(stats["mean"])]
    drawable = palette.named(drawable.assign(low=drawable["mean"], high=drawable["mean"]), order)
    domain = y_domain(drawable, stops, log_y=True)
    base = alt.Chart(width="container", height=height).mark_line(strokeWidth=2, clip=True).encode(
        x=EPOCH, color=palette.color(order),
        y=alt.Y("mean:Q", title="‖∂L/∂W‖ (log scale)",
                scale=alt.Scale(type="log", domain=domain, nice=False),
                axis=alt.Axis(values=decades(domain, most=6), labelExpr=LOG_LABELS)),
        tooltip=[*palette.TOOLTIP, "layer:Q", "epoch:Q", alt.Tooltip("mean:Q", format=".3g")],
    )   # built once for all layers
    last = stats["layer"].max()
    return [base.properties(data=frame.drop(columns=["low", "high"]),
                            title=f"weight layer {layer}" + (" (next to the input)" if layer == 1
                                                             else " (output)" if layer == last
                                                             else ""))
            for layer, frame in drawable.groupby("layer", sort=True)]


def epoch_marker_chart(stats, epoch, stops=None, height=170):
    """The training loss (mean across seeds, log scale) up to now, with a rule at `epoch`: the
    clock of the decision boundaries while they play."""
    frame = stats[(stats["split"] == "train") & (stats["mean"] > 0)]
    order = palette.order(stats)
    domain = y_domain(_band(frame, BANDS[0]), stops, log_y=True)
    scale = alt.Scale(type="log", domain=domain, clamp=True)
    lines = alt.Chart(palette.named(frame, order)).mark_line(strokeWidth=2, clip=True).encode(
        x=EPOCH, y=alt.Y("mean:Q", title="training loss (log)", scale=scale,
                         axis=alt.Axis(values=decades(domain), labelExpr=LOG_LABELS)),
        color=palette.color(order), opacity=alt.condition(alt.datum.epoch <= epoch,
                                                          alt.value(1), alt.value(0.25)),
        tooltip=[*palette.TOOLTIP, "epoch:Q", alt.Tooltip("mean:Q", format=".4g")])
    rule = alt.Chart(pd.DataFrame({"epoch": [epoch]})).mark_rule(
        color="#111", strokeWidth=2).encode(x="epoch:Q")
    return alt.layer(lines, rule).properties(width="container", height=height,
                                             title=f"epoch {epoch}")
