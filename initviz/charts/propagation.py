"""A signal through depth: std per layer (measured, mean field), histograms, saturation.

Every function returns charts of width "container" without a colour legend; a page draws
`legend_chart` once above them.
"""

import altair as alt
import numpy as np
import pandas as pd

from initviz.charts import palette

SOURCES = {"measured": [1, 0], "mean-field theory": [6, 4]}
"""Legend entry -> stroke dash."""
PANELS = {
    "act_std": "Forward: std of the activations",
    "grad_std": "Backward: std of the gradient ∂L/∂z",
}
LOG_LABELS = ("datum.value >= 1e-3 && datum.value < 1e5 ? format(datum.value, '~g')"
              " : format(datum.value, '.0e')")
"""Plain numbers near 1, powers of ten as 1e-7 or 1e+12 beyond."""
FRACTIONS = {
    "saturated_frac": "Saturated units (tanh |a| > 0.99, sigmoid < 0.01 or > 0.99)",
    "dead_frac": "Dead units (ReLU output exactly 0)",
}
RIDGE = 0.9
"""Height of the tallest bar of a ridge, in rows: a little gap to the row above."""
MAX_DOTS = 30
"""Deeper nets get lines without dots, which would merge into a band."""
LAYER_X = alt.X("layer:Q", title="layer", axis=alt.Axis(tickMinStep=1, format="d"))


def legend_chart(table):
    """The initializers of `table` (and measured vs theory line styles), drawn once per page."""
    return palette.legend_chart(palette.order(table), dashes=SOURCES)


def std_long(table):
    """Tidy rows for `std_chart`: one per (initializer, layer, panel, source) drawable on log axes.

    Zero, negative, infinite and NaN values are left out: a log axis cannot show them.
    """
    frames = []
    for column, panel in PANELS.items():
        for source, prefix in (("measured", ""), ("mean-field theory", "theory_")):
            frames.append(pd.DataFrame({
                "initializer": table["initializer"], "layer": table["layer"], "panel": panel,
                "source": source, "value": table[prefix + column],
            }))
    long = pd.concat(frames, ignore_index=True)
    drawable = np.isfinite(long["value"]) & (long["value"] > 0)
    return palette.named(long[drawable].reset_index(drop=True), palette.order(table))


def decades(values, most=12):
    """Powers of ten spanning `values` (positive, finite), at most about `most` of them."""
    logs = np.log10(np.asarray(values, dtype=float))
    if logs.size == 0:
        return [1.0]
    low, high = int(np.floor(logs.min())), int(np.ceil(logs.max()))
    step = max(1, -(-(high - low + 1) // most))
    return [10.0**k for k in range(low, high + 1) if k % step == 0]


def std_chart(table, height=250):
    """Per-layer std of activations and of gradients on log axes: [forward, backward] charts.

    Measured: solid lines with dots, one dot shape per initializer so that lines that meet
    stay apart; mean-field theory: a wide pale dashed line beneath, so that both stay visible
    where they agree.
    """
    order = palette.order(table)
    long = std_long(table)
    dots = table["layer"].nunique() <= MAX_DOTS
    return [_std_panel(steadiest_last(long[long["panel"] == panel]), order, height, dots)
            .properties(title=panel) for panel in PANELS.values()]


def steadiest_last(rows):
    """`rows` with the initializers whose measured std varies least drawn last, on top: a flat
    line (orthogonal at 1) stays visible over one that wanders around it."""
    spread = np.log(rows["value"]).groupby(rows["initializer"]).agg(np.ptp)
    return rows.assign(_spread=rows["initializer"].map(spread)).sort_values(
        "_spread", ascending=False, kind="stable").drop(columns="_spread")


def _std_panel(rows, order, height, dots):
    dash = alt.StrokeDash("source:N", sort=list(SOURCES), legend=None, scale=alt.Scale(
        domain=list(SOURCES), range=list(SOURCES.values())))
    base = alt.Chart(rows.drop(columns="panel"), width="container", height=height).encode(
        x=LAYER_X, color=palette.color(order),
        y=alt.Y("value:Q", title="std (log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(values=decades(rows["value"]), labelExpr=LOG_LABELS)),
        tooltip=[*palette.TOOLTIP, "layer:Q", "source:N", alt.Tooltip("value:Q", format=".4g")],
    )
    measured = base.transform_filter(alt.datum.source == "measured")
    layers = [base.transform_filter(alt.datum.source != "measured").mark_line(
                  strokeWidth=5, opacity=0.35).encode(strokeDash=dash),
              measured.mark_line(strokeWidth=2)]
    if dots:
        layers.append(measured.mark_point(filled=True, size=40, opacity=1).encode(
            shape=alt.Shape("initializer:N", sort=order, legend=None,
                            scale=alt.Scale(domain=order))))
    return alt.layer(*layers)


def fraction_chart(table, column, height=220):
    """Fraction of saturated or dead units per layer, one line per initializer (no legend)."""
    order = palette.order(table)
    return alt.Chart(palette.named(table, order), width="container", height=height,
                     title=FRACTIONS[column]).mark_line(
        point=alt.OverlayMarkDef(filled=True, size=30)
    ).encode(
        x=LAYER_X, color=palette.color(order),
        y=alt.Y(f"{column}:Q", title="fraction of units", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[*palette.TOOLTIP, "layer:Q", alt.Tooltip(f"{column}:Q", format=".1%")],
    )


def _ridge_peak(fractions):
    """The fraction drawn at full ridge height: a lone spike (ReLU's zeros) is cut at up to 5×
    its ridge so the rest of the histogram stays visible."""
    top, second = np.sort(fractions.to_numpy())[[-1, -2]] if len(fractions) > 1 else (
        fractions.max(), 0.0)
    return min(top, max(2 * second, top / 5))


def ridges(hist):
    """`hist` as ridges: `row` (the first initializer on top) and bars from `row` to `top`, the
    tallest of each (initializer, layer) reaching RIDGE (see `_ridge_peak`); empty bins are
    left out."""
    order = palette.order(hist)
    row = hist["initializer"].map({label: len(order) - 1 - i for i, label in enumerate(order)})
    peak = hist.groupby(["initializer", "layer"])["fraction"].transform(_ridge_peak)
    scaled = (hist["fraction"] / peak.where(peak > 0)).clip(upper=1).fillna(0.0)
    ridge = hist.assign(row=row, top=row + RIDGE * scaled)
    return palette.named(ridge[ridge["fraction"] > 0], order)


def ridge_rows(names, label_limit):
    """The y channel of a ridgeline: one band per row of `names` (the first on top), labelled
    with its name, no ticks or grid; the rows' marks span [row, top]."""
    rows = {len(names) - 1 - i: name for i, name in enumerate(names)}
    label = " : ".join(f"datum.value === {r + 0.4} ? {palette.js_string(n)}"
                       for r, n in rows.items())
    return alt.Y("row:Q", title=None, scale=alt.Scale(domain=[0, len(names)], nice=False),
                 axis=alt.Axis(values=[r + 0.4 for r in rows], labelExpr=f"{label} : ''",
                               ticks=False, domain=False, grid=False, labelFontSize=12,
                               labelLimit=label_limit))


def histogram_chart(hist, row_height=42):
    """One ridgeline chart per layer: a row per initializer, each row its histogram of the
    layer's activations scaled to the row, on one x axis, so a collapse to 0 or a pile-up at
    ±1 reads at a glance.

    Returns
    -------
    list of altair.Chart
        In layer order, each of width "container".
    """
    order = palette.order(hist)
    data = ridges(hist)
    names = palette.display_names(order)
    base = alt.Chart(width="container", height=row_height * len(order)).mark_rect(
        strokeWidth=1).encode(   # the stroke keeps a bin narrower than a pixel visible
        x=alt.X("bin_start:Q", title="activation value", scale=alt.Scale(zero=False),
                axis=alt.Axis(format="~g", labelOverlap=True, tickCount=5)),
        x2="bin_end:Q",
        y=ridge_rows([names[label] for label in order], 110),
        y2="top:Q", color=palette.color(order), stroke=palette.color(order),
        tooltip=[*palette.TOOLTIP, "layer:Q", alt.Tooltip("bin_start:Q", format=".3g"),
                 alt.Tooltip("bin_end:Q", format=".3g"),
                 alt.Tooltip("fraction:Q", title="share of values", format=".1%")],
    )   # built once for all layers: Altair spends more time building charts than serializing
    return [base.properties(data=frame, title=f"layer {layer}")
            for layer, frame in data.groupby("layer", sort=True)]
