"""Edge of chaos: the ξ_c map with its critical line and initializers, correlations, training."""

import altair as alt
import numpy as np
import pandas as pd

from . import palette

XI_RANGE = (0.5, 1000.0)
"""ξ_c shown on the log colour scale; larger (up to inf at criticality) shows as the top colour."""
SIZE = {"width": "container", "height": 250}
"""Every chart fills its column's width; the plot keeps its height (legends add to it)."""


def _edges(values):
    """Cell edges halfway between sorted grid values (the outer cells as wide as their inner)."""
    v = np.unique(values)
    if v.size == 1:
        return v - 0.5, v + 0.5
    mids = (v[1:] + v[:-1]) / 2
    return (np.concatenate([[2 * v[0] - mids[0]], mids]),
            np.concatenate([mids, [2 * v[-1] - mids[-1]]]))


def _cells(frame, x, y):
    """`frame` with x_lo/x_hi/y_lo/y_hi columns: the cell each grid row fills."""
    out = frame.copy()
    for column, name in ((x, "x"), (y, "y")):
        values = np.unique(frame[column])
        low, high = _edges(values)
        index = np.searchsorted(values, frame[column])
        out[f"{name}_lo"], out[f"{name}_hi"] = low[index], high[index]
    return out


CHOSEN = {"shape": "cross", "size": 260, "color": "#ff2d55", "stroke": "white", "strokeWidth": 1.5,
          "filled": True, "opacity": 1}
"""The chosen point's marker, on both heatmaps."""


def _chosen(x, y, title):
    """A cross at (x, y) with a tooltip."""
    spot = pd.DataFrame({"x": [x], "y": [y], "what": [title]})
    return alt.Chart(spot).mark_point(**CHOSEN).encode(
        x="x:Q", y="y:Q", tooltip=["what:N", alt.Tooltip("x:Q", format=".4g", title="σ_w²")])


def phase_chart(diagram, critical=None, points=None, chosen=None):
    """Heatmap of ξ_c (log colour) over (σ_w², σ_b²), the critical line, initializers on it.

    Parameters
    ----------
    diagram : pandas.DataFrame
        `initviz.phase_diagram` output (sigma_w2, sigma_b2, xi_c, phase, ...).
    critical : pandas.DataFrame or None
        Columns sigma_b2, sigma_w2: the critical line (`initviz.chaos.critical_line`).
    points : pandas.DataFrame or None
        Columns initializer, sigma_w2, sigma_b2: drawn as labelled points; points off the grid
        are pinned to its edge (the tooltip keeps the true σ_w²).
    chosen : (float, float) or None
        (σ_w², σ_b²) of the chosen point, drawn as a cross (pinned to the grid like the points).
    """
    cells = _cells(diagram, "sigma_w2", "sigma_b2")
    cells["xi_shown"] = cells["xi_c"].clip(*XI_RANGE)
    x = alt.X("x_lo:Q", title="σ_w² (weight variance × fan-in)",
              scale=alt.Scale(domain=[cells.x_lo.min(), cells.x_hi.max()], nice=False))
    y = alt.Y("y_lo:Q", title="σ_b² (bias variance)",
              scale=alt.Scale(domain=[cells.y_lo.min(), cells.y_hi.max()], nice=False))
    tooltip = [alt.Tooltip(c, format=".4g") for c in
               ("sigma_w2:Q", "sigma_b2:Q", "q_star:Q", "chi1:Q", "c_star:Q", "xi_c:Q")]
    base = alt.Chart(cells).encode(x=x, x2="x_hi:Q", y=y, y2="y_hi:Q")
    layers = [
        base.transform_filter("isValid(datum.xi_shown) && isFinite(datum.xi_shown)")
        .mark_rect().encode(
            color=alt.Color("xi_shown:Q", title="ξ_c (layers)",
                            scale=alt.Scale(type="log", scheme="viridis", domain=list(XI_RANGE))),
            tooltip=["phase:N", *tooltip]),
        base.transform_filter("!isValid(datum.xi_shown) || !isFinite(datum.xi_shown)")
        .mark_rect(color="#dddddd").encode(tooltip=["phase:N", *tooltip]),
    ]
    if critical is not None:
        line = critical.dropna().sort_values("sigma_b2")
        line = line[line.sigma_w2.between(cells.x_lo.min(), cells.x_hi.max())]
        layers.append(alt.Chart(line).mark_line(color="white", strokeWidth=3, strokeDash=[6, 3])
                      .encode(x="sigma_w2:Q", y="sigma_b2:Q", order="sigma_b2:Q"))
    if points is not None and len(points):
        layers += _points(points, cells)
    if chosen is not None:
        layers.append(_chosen(*np.clip(chosen, [cells.x_lo.min(), cells.y_lo.min()],
                                       [cells.x_hi.max(), cells.y_hi.max()]), "chosen point"))
    return alt.layer(*layers).resolve_scale(color="independent").properties(
        title="Depth scale ξ_c: ordered (left), chaotic (right)", **SIZE)


POINT_SIZES = (180, 60, 15)
"""Sizes of the dots of initializers that land on one spot, outermost first (Xavier and LeCun
on square layers make a two-coloured bullseye)."""


def _points(points, cells):
    """One dot per initializer, coloured as on every page, named in a legend below the map."""
    labels = palette.order(points)
    shown = palette.named(points, labels).assign(
        x=points.sigma_w2.clip(cells.x_lo.min(), cells.x_hi.max()),
        y=points.sigma_b2.clip(cells.y_lo.min(), cells.y_hi.max()))
    shown["stack"] = shown.groupby(["x", "y"]).cumcount().clip(upper=len(POINT_SIZES) - 1)
    legend = alt.Legend(title=None, orient="bottom", columns=3, labelFontSize=12,
                        symbolStrokeColor="white", labelLimit=150)
    return [alt.Chart(shown.sort_values("stack", kind="stable")).mark_point(
        filled=True, stroke="white", strokeWidth=1.5, opacity=1).encode(
        x="x:Q", y="y:Q", color=palette.color(labels, legend=legend),
        size=alt.Size("stack:O", legend=None, scale=alt.Scale(
            domain=list(range(len(POINT_SIZES))), range=list(POINT_SIZES))),
        tooltip=[*palette.TOOLTIP, alt.Tooltip("sigma_w2:Q", format=".4g"),
                 alt.Tooltip("sigma_b2:Q", format=".4g")])]


def correlation_map_chart(curves):
    """The correlation map c^{l+1} against c^l with the diagonal: fixed points where they meet.

    `curves` has columns c_in, c_out and label (one curve per label, e.g. per (σ_w², σ_b²)).
    """
    diagonal = pd.DataFrame({"c_in": [-1.0, 1.0], "c_out": [-1.0, 1.0]})
    axis = alt.Scale(domain=[curves.c_in.min(), 1])
    lines = alt.Chart(curves).mark_line(strokeWidth=2.5).encode(
        x=alt.X("c_in:Q", title="correlation at layer l", scale=axis),
        y=alt.Y("c_out:Q", title="correlation at layer l + 1", scale=axis),
        color=alt.Color("label:N", title=None, legend=alt.Legend(orient="top")),
        tooltip=["label:N", alt.Tooltip("c_in:Q", format=".3f"),
                 alt.Tooltip("c_out:Q", format=".4f")])
    ident = alt.Chart(diagonal).transform_filter(f"datum.c_in >= {curves.c_in.min()}").mark_line(
        color="#888", strokeDash=[4, 4]).encode(x="c_in:Q", y="c_out:Q")
    return alt.layer(ident, lines).properties(title="Correlation map", **SIZE)


def correlation_depth_chart(frame):
    """Correlation of two inputs over depth: columns layer, correlation, label, source.

    source is "mean field" (line) or "measured" (points), so a simulation can sit on the theory.
    """
    base = alt.Chart(frame).encode(
        x=alt.X("layer:Q", title="layer", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("correlation:Q", title="correlation of the two inputs",
                scale=alt.Scale(domain=[min(0.0, frame.correlation.min()), 1])),
        color=alt.Color("label:N", title=None, legend=alt.Legend(orient="top")),
        tooltip=["label:N", "source:N", "layer:Q", alt.Tooltip("correlation:Q", format=".4f")])
    return alt.layer(
        base.transform_filter("datum.source == 'mean field'").mark_line(strokeWidth=2.5),
        base.transform_filter("datum.source != 'mean field'").mark_point(filled=True, size=40),
    ).properties(title="Correlation over depth", **SIZE)


def trainability_chart(runs, chosen=None):
    """Accuracy after the budget over σ_w² × depth (mean over seeds), with 6·ξ_c drawn over it.

    `runs` is `initviz.trainability` output (sigma_w2, depth, seed, train_accuracy, xi_c);
    `chosen`, a σ_w² to mark with a cross at the top (pinned to the grid), or None.
    """
    mean = runs.groupby(["sigma_w2", "depth"], as_index=False).agg(
        train_accuracy=("train_accuracy", "mean"), xi_c=("xi_c", "first"))
    cells = _cells(mean, "sigma_w2", "depth")
    top = cells.y_hi.max()
    curve = mean.drop_duplicates("sigma_w2").assign(
        trainable=lambda f: (6 * f.xi_c).clip(upper=top)).sort_values("sigma_w2")
    x = alt.X("x_lo:Q", title="σ_w²",
              scale=alt.Scale(domain=[cells.x_lo.min(), cells.x_hi.max()], nice=False))
    y = alt.Y("y_lo:Q", title="depth (hidden layers)",
              scale=alt.Scale(domain=[cells.y_lo.min(), top], nice=False))
    heat = alt.Chart(cells).mark_rect().encode(
        x=x, x2="x_hi:Q", y=y, y2="y_hi:Q",
        color=alt.Color("train_accuracy:Q", title="train accuracy",
                        scale=alt.Scale(scheme="redyellowgreen", domain=[0.4, 1.0], clamp=True)),
        tooltip=[alt.Tooltip("sigma_w2:Q", format=".3g"), "depth:Q",
                 alt.Tooltip("train_accuracy:Q", format=".1%"),
                 alt.Tooltip("xi_c:Q", format=".3g")])
    line = alt.Chart(curve).mark_line(color="black", strokeWidth=2.5, point=True).encode(
        x="sigma_w2:Q", y="trainable:Q",
        tooltip=[alt.Tooltip("sigma_w2:Q", format=".3g"), alt.Tooltip("xi_c:Q", format=".3g")])
    layers = [heat, line]
    if chosen is not None:
        layers.append(_chosen(float(np.clip(chosen, cells.x_lo.min(), cells.x_hi.max())), top,
                              "chosen σ_w²"))
    return alt.layer(*layers).properties(title="Which depths train (line: 6·ξ_c)", **SIZE)
