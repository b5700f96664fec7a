"""Charts of sampled weights: histogram small multiples against theory, std vs fan_in."""

import altair as alt
import pandas as pd

GUIDES = {
    "theoretical pdf": ("#1f2937", []),
    "mean ± std": ("#e67e22", [6, 4]),
    "hard bound": ("#c0392b", []),
    "all weights equal (no density)": ("#1d4ed8", []),
}
"""Legend entry -> (colour, dash) of the lines drawn over the bars."""
RULE_GUIDE = {"mean − std": "mean ± std", "mean + std": "mean ± std",
              "lower bound": "hard bound", "upper bound": "hard bound",
              "all weights": "all weights equal (no density)"}
BAR_COLOR = "#7fa7d9"
CURVE_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
STD_TICKS = [10.0**k * m for k in range(-5, 2) for m in (1, 3)]
FAN_IN_TICKS = [10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000]


def panel_labels(stats, flavor_names=None):
    """Panel title per (initializer, flavor): the flavour is named only when several are shown."""
    names = flavor_names or {}
    several = stats["flavor"].nunique() > 1
    return {
        (i, f): f"{i} · {names.get(f, f)}" if several else i
        for i, f in zip(stats["initializer"], stats["flavor"], strict=True)
    }


def _long(result, labels):
    """One tidy frame of bars, pdf points and rules, with the panel each belongs to."""
    def panel(frame):
        return [labels[key] for key in zip(frame["initializer"], frame["flavor"], strict=True)]

    bins = result.bins.assign(part="bin", panel=panel(result.bins), x=result.bins["left"],
                              x2=result.bins["right"], y=result.bins["density"], guide=None)
    pdf = result.pdf.assign(part="pdf", panel=panel(result.pdf), y=result.pdf["pdf"],
                            guide="theoretical pdf")
    rules = result.rules.assign(part="rule", panel=panel(result.rules),
                                guide=result.rules["rule"].map(RULE_GUIDE))
    columns = ["panel", "part", "x", "x2", "y", "count", "guide", "rule"]
    frames = [f.reindex(columns=columns) for f in (bins, pdf, rules) if not f.empty]
    return pd.concat(frames, ignore_index=True)


def histogram_chart(result, columns=3, shared_x=True, flavor_names=None, width=260, height=170):
    """Small multiples: weights as a density histogram, the pdf, ±std and bound rules.

    Parameters
    ----------
    result : initviz.histograms.Histograms
    columns : int
        Panels per row.
    shared_x : bool
        One x scale for all panels, so widths compare at a glance.
    flavor_names : dict, optional
        Flavour -> display name, used in panel titles when several flavours are shown.
    width, height : int
        Size of one panel in pixels.

    Returns
    -------
    altair.FacetChart
    """
    labels = panel_labels(result.stats, flavor_names)
    data = _long(result, labels)
    shown = [g for g in GUIDES if g in set(data["guide"])]
    guide = alt.Color(
        "guide:N", title=None,
        scale=alt.Scale(domain=shown, range=[GUIDES[g][0] for g in shown]),
        legend=alt.Legend(orient="top", labelFontSize=12, symbolStrokeWidth=2.5, labelLimit=0),
    )
    dash = alt.StrokeDash(
        "guide:N", scale=alt.Scale(domain=shown, range=[GUIDES[g][1] for g in shown]),
        legend=None,
    )
    x = alt.X("x:Q", title="weight value", axis=alt.Axis(format="~g", tickCount=5))
    bars = alt.Chart().transform_filter(alt.datum.part == "bin").mark_bar(
        color=BAR_COLOR, binSpacing=0, opacity=0.85,
    ).encode(
        x=x, x2="x2:Q", y=alt.Y("y:Q", title="density", axis=alt.Axis(format="~r")),
        y2=alt.datum(0),
        tooltip=[alt.Tooltip("x:Q", title="from", format=".4g"),
                 alt.Tooltip("x2:Q", title="to", format=".4g"),
                 alt.Tooltip("count:Q", title="weights"),
                 alt.Tooltip("y:Q", title="density", format=".4g")],
    )
    pdf = alt.Chart().transform_filter(alt.datum.part == "pdf").mark_line(
        strokeWidth=2, clip=True,
    ).encode(x=x, y="y:Q", color=guide, strokeDash=dash)
    rules = alt.Chart().transform_filter(alt.datum.part == "rule").mark_rule().encode(
        strokeWidth=alt.condition(alt.datum.rule == "all weights", alt.value(4), alt.value(1.8)),
        x=x, color=guide, strokeDash=dash,
        tooltip=[alt.Tooltip("rule:N", title="rule"), alt.Tooltip("x:Q", format=".4g")],
    )
    order = list(dict.fromkeys(labels.values()))
    return alt.layer(bars, pdf, rules, data=data).properties(width=width, height=height).facet(
        facet=alt.Facet("panel:N", sort=order, title=None,
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold",
                                          labelLimit=width + 40)),
        columns=columns,
    ).resolve_scale(x="shared" if shared_x else "independent", y="independent").resolve_axis(
        x="independent",
    )


def fan_in_chart(table, height=320):
    """Log-log theoretical std against fan_in per initializer, the current fan_in marked.

    Parameters
    ----------
    table : pandas.DataFrame
        From `initviz.histograms.std_vs_fan_in`: initializer, fan_in, std, current.

    Returns
    -------
    altair.LayerChart
    """
    names = list(dict.fromkeys(table["initializer"]))
    color = alt.Color("initializer:N", title=None, sort=names,
                      scale=alt.Scale(domain=names, range=CURVE_COLORS[:len(names)]),
                      legend=alt.Legend(orient="right", labelFontSize=12, symbolStrokeWidth=3))
    x = alt.X("fan_in:Q", title="fan_in", scale=alt.Scale(type="log", nice=False),
              axis=alt.Axis(format="~s", values=FAN_IN_TICKS))
    y = alt.Y("std:Q", title="std of the weights", scale=alt.Scale(type="log", nice=False),
              axis=alt.Axis(format="~g", values=STD_TICKS))
    tooltip = ["initializer:N", "fan_in:Q", alt.Tooltip("std:Q", format=".4g")]
    base = alt.Chart(table).encode(x=x, y=y, color=color, tooltip=tooltip)
    current = table[table["current"]]
    marker = alt.Chart(current.head(1)).mark_rule(color="#6b7280", strokeDash=[4, 3]).encode(
        x="fan_in:Q")
    label = alt.Chart(current.head(1)).mark_text(
        align="left", dx=5, dy=-6, color="#374151", fontSize=12, baseline="bottom",
    ).transform_calculate(text="'this layer: fan_in ' + datum.fan_in").encode(
        x="fan_in:Q", y=alt.value(0), text="text:N")
    layers = [base.mark_line(strokeWidth=2.5), marker,
              base.transform_filter(alt.datum.current).mark_point(size=70, filled=True), label]
    return alt.layer(*layers).properties(height=height)
