"""A signal through depth: std per layer (measured, mean field), histograms, saturation."""

import altair as alt
import numpy as np
import pandas as pd

SOURCES = {"measured": [1, 0], "mean-field theory": [6, 4]}
"""Legend entry -> stroke dash."""
PANELS = {
    "act_std": "Forward: std of the activations",
    "grad_std": "Backward: std of the gradient ∂L/∂z",
}
LOG_LABELS = ("datum.value >= 1e-3 && datum.value < 1e5 ? format(datum.value, '~g')"
              " : format(datum.value, '.0e')")
"""Plain numbers near 1, powers of ten as 1e-7 or 1e+12 beyond."""
HISTOGRAM_WIDTH = 780
"""Pixels all histogram columns share."""
FRACTIONS = {
    "saturated_frac": "Saturated units (tanh |a| > 0.99, sigmoid < 0.01 or > 0.99)",
    "dead_frac": "Dead units (ReLU output exactly 0)",
}


def _color(order, legend=True):
    """One colour per initializer, the same in every chart of the page."""
    return alt.Color("initializer:N", title="Initializer", sort=order,
                     scale=alt.Scale(domain=order, scheme="tableau10"),
                     legend=alt.Legend(orient="top", columns=3, labelLimit=240, symbolOpacity=1)
                     if legend else None)


def _order(frame):
    return list(dict.fromkeys(frame["initializer"]))


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
    return long[drawable].reset_index(drop=True)


def decades(values, most=12):
    """Powers of ten spanning `values` (positive, finite), at most about `most` of them."""
    logs = np.log10(np.asarray(values, dtype=float))
    if logs.size == 0:
        return [1.0]
    low, high = int(np.floor(logs.min())), int(np.ceil(logs.max()))
    step = max(1, -(-(high - low + 1) // most))
    return [10.0**k for k in range(low, high + 1) if k % step == 0]


def std_chart(table, width=340, height=280):
    """Per-layer std of activations and of gradients on log axes.

    Measured: thin solid lines with dots; mean-field theory: a wide pale dashed line beneath, so
    that both stay visible where they agree.
    """
    order = _order(table)
    long = std_long(table)
    dash = alt.StrokeDash(
        "source:N", title=None, sort=list(SOURCES),
        scale=alt.Scale(domain=list(SOURCES), range=list(SOURCES.values())),
        legend=alt.Legend(orient="top", symbolType="stroke", symbolStrokeColor="#555",
                          symbolStrokeWidth=3, symbolSize=600, symbolOpacity=1),
    )
    base = alt.Chart(long, width=width, height=height).encode(
        x=alt.X("layer:Q", title="layer", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("value:Q", title="standard deviation (log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(values=decades(long["value"]), labelExpr=LOG_LABELS)),
        color=_color(order),
        tooltip=["initializer:N", "layer:Q", "source:N", alt.Tooltip("value:Q", format=".4g")],
    )
    measured = base.transform_filter(alt.datum.source == "measured")
    theory = base.transform_filter(alt.datum.source != "measured")
    layers = [
        theory.mark_line(strokeWidth=5, opacity=0.4).encode(strokeDash=dash),
        measured.mark_line(strokeWidth=1.5).encode(strokeDash=dash),
        measured.mark_point(filled=True, size=30, opacity=1),
    ]
    return (
        alt.layer(*layers)
        .facet(column=alt.Column("panel:N", title=None, sort=list(PANELS.values()),
                                 header=alt.Header(labelFontSize=14, labelFontWeight="bold")))
        .resolve_scale(y="independent")
    )


def fraction_chart(table, column, height=200):
    """Fraction of saturated or dead units per layer, one line per initializer (no legend)."""
    order = _order(table)
    return alt.Chart(table, height=height, title=FRACTIONS[column]).mark_line(
        point=alt.OverlayMarkDef(filled=True, size=30)
    ).encode(
        x=alt.X("layer:Q", title="layer", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y(f"{column}:Q", title="fraction of units", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=_color(order, legend=False),
        tooltip=["initializer:N", "layer:Q", alt.Tooltip(f"{column}:Q", format=".1%")],
    )


def histogram_chart(hist, cell_height=80):
    """Small multiples: a row of layers per initializer, titled once; bins shared in a row."""
    order = _order(hist)
    cell_width = min(170, HISTOGRAM_WIDTH // hist["layer"].nunique() - 30)
    cells = alt.Chart(width=cell_width, height=cell_height).mark_bar(
        binSpacing=0, opacity=0.85
    ).encode(
        x=alt.X("bin_start:Q", title=None, bin="binned",
                axis=alt.Axis(format="~g", labelOverlap=True, tickCount=4)),
        x2="bin_end:Q",
        y=alt.Y("fraction:Q", title=None, axis=alt.Axis(format="%", tickCount=3)),
        color=_color(order, legend=False),
        tooltip=["layer:Q", alt.Tooltip("bin_start:Q", format=".3g"),
                 alt.Tooltip("bin_end:Q", format=".3g"), alt.Tooltip("fraction:Q", format=".1%")],
    )   # built once for all rows: Altair spends more time building charts than serializing them
    column = alt.Column("layer:O", title=None,
                        header=alt.Header(labelExpr="'layer ' + datum.value"))
    rows = [
        cells.facet(column=column, data=hist[hist["initializer"] == initializer],
                    title=alt.TitleParams(initializer, anchor="start", fontSize=13))
        .resolve_scale(y="independent")
        for initializer in order
    ]
    return alt.vconcat(*rows, spacing=12)
