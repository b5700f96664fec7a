"""Jacobian spectra and residual nets: singular-value ridges, spread over depth, residual scale.

Every function returns charts of width "container" without a colour legend; a page draws
`legend_chart` (initializers) or `net_legend_chart` (plain and residual nets) once above them.
"""

import altair as alt
import numpy as np
import pandas as pd

from initviz.charts import palette
from initviz.charts.propagation import (
    LOG_LABELS,
    SOURCES,
    decades,
    ridge_rows,
    ridges,
    std_chart,
)
from initviz.residual import NAMES

DEPTH_X = alt.X("depth:Q", title="depth (layers)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~g", labelOverlap=True))
NET_TITLE = "Net"


def legend_chart(frame):
    """The initializers of `frame` (the depth charts' dashes are told in their caption)."""
    return palette.legend_chart(palette.order(frame))


def spectrum_chart(hist, summary, row_height=46):
    """A ridgeline of the singular values at the full depth: a row per initializer, one log
    x axis, each row's histogram scaled to the row; the row label gives the share ≈ 0."""
    order = palette.order(hist)
    last = summary[summary["depth"] == summary["depth"].max()].set_index("initializer")
    names = palette.display_names(order)
    rows = [f"{names[label]} ({last.loc[label, 'zero_frac']:.0%} ≈ 0)" for label in order]
    data = ridges(hist.assign(layer=0)).drop(columns="layer")
    edges = np.concatenate([hist["bin_start"], hist["bin_end"]])
    return alt.Chart(data, width="container", height=row_height * len(order)).mark_rect(
        strokeWidth=1).encode(
        x=alt.X("bin_start:Q", title="singular value of J (log scale)",
                scale=alt.Scale(type="log", domain=[float(edges.min()), float(edges.max())],
                                nice=False),
                axis=alt.Axis(values=decades(edges), labelExpr=LOG_LABELS, labelOverlap=True)),
        x2="bin_end:Q",
        y=ridge_rows(rows, 190),
        y2="top:Q", color=palette.color(order), stroke=palette.color(order),
        tooltip=[*palette.TOOLTIP, alt.Tooltip("bin_start:Q", title="from", format=".3g"),
                 alt.Tooltip("bin_end:Q", title="to", format=".3g"),
                 alt.Tooltip("fraction:Q", title="share of singular values", format=".1%")],
    ).properties(title="Singular values of the input–output Jacobian")


def depth_charts(summary, height=230):
    """[spread, mean square] over depth, a line per initializer: the decades between the
    median and the largest singular value, and the mean of s² with its mean-field prediction
    (dashed) on a log axis."""
    order = palette.order(summary)
    named = palette.named(summary, order)
    points = alt.OverlayMarkDef(filled=True, size=40)
    spread = alt.Chart(named, width="container", height=height,
                       title="Spread: decades from the median to the largest").mark_line(
        point=points).encode(
        x=DEPTH_X, color=palette.color(order),
        y=alt.Y("spread:Q", title="log10(s_max / s_median)", scale=alt.Scale(domain=[0, 12])),
        tooltip=[*palette.TOOLTIP, "depth:Q", alt.Tooltip("spread:Q", format=".2f"),
                 alt.Tooltip("zero_frac:Q", title="share ≈ 0", format=".0%")],
    )
    long = pd.concat([
        named.assign(source=source, value=named[column])
        for source, column in (("measured", "mean_sq"), ("mean-field theory", "theory_mean_sq"))
    ], ignore_index=True)
    long = long[np.isfinite(long["value"]) & (long["value"] > 0)]
    dash = alt.StrokeDash("source:N", sort=list(SOURCES), legend=None, scale=alt.Scale(
        domain=list(SOURCES), range=list(SOURCES.values())))
    base = alt.Chart(long, width="container", height=height,
                     title="Mean squared singular value").encode(
        x=DEPTH_X, color=palette.color(order),
        y=alt.Y("value:Q", title="mean of s² (log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(values=decades(long["value"]), labelExpr=LOG_LABELS)),
        tooltip=[*palette.TOOLTIP, "depth:Q", "source:N", alt.Tooltip("value:Q", format=".4g")],
    )
    mean_sq = alt.layer(
        base.transform_filter(alt.datum.source != "measured").mark_line(
            strokeWidth=5, opacity=0.35).encode(strokeDash=dash),
        base.transform_filter(alt.datum.source == "measured").mark_line(point=points),
    )
    return [spread, mean_sq]


def net_table(tables):
    """One table of `iv.propagate` results per net, {residual scaling or None: table}, as one
    table whose ``initializer`` column names the net (`initviz.residual.NAMES`), for
    `std_chart` and `net_legend_chart`."""
    return pd.concat([table.assign(initializer=NAMES[scaling])
                      for scaling, table in tables.items()], ignore_index=True)


def net_legend_chart(table):
    """The nets of a `net_table`, with measured vs theory line styles."""
    return palette.legend_chart(palette.order(table), title=NET_TITLE, dashes=SOURCES)


def residual_charts(table, height=250):
    """[forward, backward] std per layer or block of the nets of a `net_table`, on log axes."""
    forward, backward = std_chart(table, height)
    return [forward.properties(title="Forward: std of the signal (residual: the stream x_l)"),
            backward.properties(title="Backward: std of the gradient (residual: ∂L/∂x_l)")]
