"""Charts of sampled weights: histogram small multiples against theory, std vs fan_in."""

import altair as alt
import numpy as np
import pandas as pd

from initviz.charts import palette
from initviz.histograms import FAN_IN_CURVES

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
SPREAD_RATIO = 10
"""Panels whose stds differ by more than this do not share an x axis: one would be a spike."""
STD_TICKS = [10.0**k * m for k in range(-5, 2) for m in (1, 3)]
FAN_IN_TICKS = [10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000]
FAN_IN_NAMES = {"Glorot": "Xavier (Glorot)"}
"""Curve names of `std_vs_fan_in` shown otherwise in the legend."""


def panel_labels(stats, flavor_names=None):
    """Panel title per (initializer, flavor): display name, and the flavour when several."""
    names = flavor_names or {}
    several = stats["flavor"].nunique() > 1
    display = palette.display_names(palette.order(stats))
    return {
        (i, f): f"{display[i]} · {names.get(f, f)}" if several else display[i]
        for i, f in zip(stats["initializer"], stats["flavor"], strict=True)
    }


def x_groups(stats, shared_x=True, ratio=SPREAD_RATIO):
    """Group number per panel (row of `stats`): panels of one group share their x axis.

    With `shared_x`, panels share an axis as long as their stds stay within `ratio` of the
    narrowest one in the group; a wider one starts a new group. Constant weights (std 0) join
    the narrowest group. Without `shared_x`, every panel is its own group.
    """
    if not shared_x:
        return list(range(len(stats)))
    stds = stats["std"].to_numpy(dtype=float)
    groups, start, group = [0] * len(stds), None, -1
    for i in np.argsort(np.where(stds > 0, stds, np.inf), kind="stable"):
        if stds[i] > 0 and (start is None or stds[i] > ratio * start):
            start, group = stds[i], group + 1
        groups[i] = max(group, 0)
    return groups


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
    columns = ["initializer", "panel", "part", "x", "x2", "y", "count", "guide", "rule"]
    frames = [f.reindex(columns=columns) for f in (bins, pdf, rules) if not f.empty]
    return pd.concat(frames, ignore_index=True)


def _domains(data, panels, groups):
    """x domain per panel: the extent of everything drawn in its group, padded."""
    extent = {}
    for panel, group in zip(panels, groups, strict=True):
        rows = data[data["panel"] == panel]
        low, high = np.nanmin(rows[["x", "x2"]].to_numpy()), np.nanmax(rows[["x", "x2"]])
        old = extent.get(group, (np.inf, -np.inf))
        extent[group] = (min(old[0], low), max(old[1], high))
    domains = {}
    for panel, group in zip(panels, groups, strict=True):
        low, high = extent[group]
        pad = 0.04 * (high - low) or 1.0
        domains[panel] = [float(low - pad), float(high + pad)]
    return domains


def legend_chart(result):
    """The lines drawn over the bars (pdf, ±std, bounds), drawn once above the panels."""
    shown = [g for g in GUIDES if g in set(_long(result, panel_labels(result.stats))["guide"])]
    styles = pd.DataFrame({"guide": shown})
    return alt.Chart(styles).mark_line(opacity=0).encode(
        color=_guide_color(shown, alt.Legend(orient="top", title=None, labelFontSize=13,
                                              symbolStrokeWidth=2.5, labelLimit=0,
                                              columns={"expr": "width < 500 ? 2 : 4"})),
        strokeDash=_guide_dash(shown),
    ).properties(
        width="container", height=1,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),   # grows with it
    ).configure_view(strokeWidth=0)


def _guide_color(shown, legend=None):
    return alt.Color("guide:N", title=None, legend=legend,
                     scale=alt.Scale(domain=shown, range=[GUIDES[g][0] for g in shown]))


def _guide_dash(shown):
    return alt.StrokeDash("guide:N", legend=None,
                          scale=alt.Scale(domain=shown, range=[GUIDES[g][1] for g in shown]))


def histogram_chart(result, shared_x=True, flavor_names=None, height=190):
    """One chart per panel (initializer × flavour): weights as a density histogram in the
    initializer's colour, the pdf, ±std and bound rules.

    Parameters
    ----------
    result : initviz.histograms.Histograms
    shared_x : bool
        Panels share their x axis where their spreads are within SPREAD_RATIO (see
        `x_groups`), so that widths compare at a glance without squashing a narrow law.
    flavor_names : dict, optional
        Flavour -> display name, used in panel titles when several flavours are shown.
    height : int
        Height of one panel in pixels.

    Returns
    -------
    list of altair.LayerChart
        In the order of `result.stats`, each of width "container"; `legend_chart` explains
        the lines once.
    """
    labels = panel_labels(result.stats, flavor_names)
    data = _long(result, labels)
    panels = [labels[key] for key in zip(result.stats["initializer"], result.stats["flavor"],
                                         strict=True)]
    groups = x_groups(result.stats, shared_x)
    domains = _domains(data, panels, groups)
    alone = {g for g in groups if groups.count(g) == 1} if len(set(groups)) > 1 else set()
    order = palette.order(result.stats)
    shown = [g for g in GUIDES if g in set(data["guide"])]
    guide, dash = _guide_color(shown), _guide_dash(shown)
    fill = palette.color(order).to_dict() | {"legend": None}
    charts = []
    for panel, group, std in zip(panels, groups, result.stats["std"], strict=True):
        x = alt.X("x:Q", title="weight value", scale=alt.Scale(domain=domains[panel], nice=False),
                  axis=alt.Axis(format="~g", tickCount=5, labelOverlap=True))
        bars = alt.Chart().transform_filter(alt.datum.part == "bin").mark_bar(
            binSpacing=0, opacity=0.6).encode(
            x=x, x2="x2:Q", y=alt.Y("y:Q", title="density", axis=alt.Axis(format="~r")),
            y2=alt.datum(0), fill=alt.Fill(**fill),
            tooltip=[alt.Tooltip("x:Q", title="from", format=".4g"),
                     alt.Tooltip("x2:Q", title="to", format=".4g"),
                     alt.Tooltip("count:Q", title="weights"),
                     alt.Tooltip("y:Q", title="density", format=".4g")])
        pdf = alt.Chart().transform_filter(alt.datum.part == "pdf").mark_line(
            strokeWidth=2, clip=True).encode(x=x, y="y:Q", color=guide, strokeDash=dash)
        rules = alt.Chart().transform_filter(alt.datum.part == "rule").mark_rule().encode(
            strokeWidth=alt.condition(alt.datum.rule == "all weights", alt.value(4),
                                      alt.value(1.8)),
            x=x, color=guide, strokeDash=dash,
            tooltip=[alt.Tooltip("rule:N", title="rule"), alt.Tooltip("x:Q", format=".4g")])
        subtitle = f"std {std:.3g}" + (" · own x axis" if group in alone else "")
        charts.append(alt.layer(bars, pdf, rules, data=data[data["panel"] == panel]).properties(
            width="container", height=height,
            title=alt.TitleParams(panel, subtitle=subtitle, fontSize=14, anchor="start")))
    return charts


def fan_in_chart(table, height=260):
    """Log-log theoretical std against fan_in per initializer, the current fan_in marked.

    Each curve has the colour of the preset it is computed from (`FAN_IN_CURVES`).

    Parameters
    ----------
    table : pandas.DataFrame
        From `initviz.histograms.std_vs_fan_in`: initializer, fan_in, std, current.

    Returns
    -------
    altair.LayerChart
        Width "container", with its own legend.
    """
    names = list(dict.fromkeys(table["initializer"]))
    specs = [FAN_IN_CURVES[name] for name in names]
    color = palette.colors(specs)
    legend = alt.Legend(orient="right", labelFontSize=12, symbolStrokeWidth=3, title=None)
    color = alt.Color("initializer:N", title=None, sort=names, legend=legend, scale=alt.Scale(
        domain=[FAN_IN_NAMES.get(n, n) for n in names], range=[color[s] for s in specs]))
    table = table.assign(initializer=table["initializer"].replace(FAN_IN_NAMES))
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
    return alt.layer(*layers).properties(width="container", height=height)
