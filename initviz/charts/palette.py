"""One colour and one short name per initializer, the same in every chart of every page.

Colours are keyed by canonical spec label (`initviz.resolve(spec).label`). Families share a hue
(Xavier blues, He oranges, LeCun greens, orthogonal reds) and differ in lightness, so that any
two presets stay apart on a projector and for colour-blind eyes (Okabe–Ito and Paul Tol colours).
"""

import hashlib
import json

import altair as alt
import numpy as np
import pandas as pd

from initviz.errors import InputError
from initviz.initializers import resolve

COLORS = {
    "zeros": "#5a5a5a",
    "ones": "#9c755f",
    "random_normal(stddev=0.01)": "#cc79a7",
    "random_normal(stddev=1)": "#222222",
    "glorot_uniform": "#56b4e9",
    "glorot_normal": "#0072b2",
    "keras_default": "#332288",
    "he_uniform": "#e69f00",
    "he_normal": "#d55e00",
    "lecun_uniform": "#117733",
    "lecun_normal": "#009e73",
    "flax_default": "#6fbf8f",
    "orthogonal": "#cc6677",
    "orthogonal(gain=1.1)": "#882255",
    "pytorch_default": "#999933",
    "sklearn_default": "#bbbbbb",
    "truncated_normal": "#44aa99",
    "random_uniform": "#ddcc77",
    "identity": "#5d3a1a",
    "lsuv": "#7570b3",
}
"""Canonical spec label -> colour, for the presets and the scenarios' specs."""
SPARE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948",
         "#ff9da7", "#bab0ac", "#1f2f5c", "#7f3c8d", "#11a579"]
"""Colours for other specs, tried in an order set by the spec's text."""
MIN_DISTANCE = 22
"""CIELAB distance a spare colour keeps from the chart's other colours when it can."""
NAMES = {
    "zeros": "Zeros", "ones": "Ones", "glorot_uniform": "Xavier uniform",
    "glorot_normal": "Xavier normal", "he_uniform": "He uniform", "he_normal": "He normal",
    "lecun_uniform": "LeCun uniform", "lecun_normal": "LeCun normal",
    "pytorch_default": "PyTorch default", "keras_default": "Keras default",
    "flax_default": "Flax default", "sklearn_default": "sklearn default", "lsuv": "LSUV",
}
"""Spec name -> display name, for specs without arguments that change the name."""
MAX_NAME = 24


def _shorten(text):
    return text if len(text) <= MAX_NAME else text[:MAX_NAME - 1] + "…"


def _scaled_normal(std, mean=0.0):
    if mean:
        return f"N({mean:g}, {std:g}²)"
    return "N(0,1)" if std == 1 else f"{std:g}·N(0,1)"


def _gain(base, gain):
    return base if gain == 1 else f"{base} ×{gain:g}"


def display_name(label):
    """Short name of a spec for legends and titles, e.g. "0.01·N(0,1)", "Orthogonal ×1.1"."""
    try:
        spec = resolve(label)
    except InputError:
        return _shorten(str(label))
    v = spec.values
    if spec.name == "random_normal":
        return _scaled_normal(v["stddev"], v["mean"])
    if spec.name == "truncated_normal":
        return "Truncated " + _scaled_normal(v["stddev"], v["mean"])
    if spec.name == "random_uniform":
        low, high = v["minval"], v["maxval"]
        return f"U(±{high:g})" if low == -high else f"U({low:g}, {high:g})"
    if spec.name == "constant":
        return f"Constant {v['value']:g}"
    if spec.name in ("orthogonal", "identity"):
        return _gain(spec.name.capitalize(), v["gain"])
    if spec.name == "sklearn_default" and v["activation"] != "relu":
        return f"sklearn default ({v['activation']})"
    if spec.name == "lsuv" and spec.given:
        return _shorten("LSUV " + ", ".join(f"{k} {v:g}" for k, v in spec.given))
    if spec.name in NAMES:
        return NAMES[spec.name]
    return _shorten(spec.label)


def display_names(labels):
    """Label -> display name for the labels of one chart; a name two labels share stays the
    full spec, so no two entries of a legend read the same."""
    names = {label: display_name(label) for label in labels}
    taken = pd.Series(names).value_counts()
    return {label: label if taken[name] > 1 else name for label, name in names.items()}


def _lab(hex_color):
    """CIELAB of an sRGB hex colour (D65)."""
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    rgb = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ rgb / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a, b):
    """CIELAB (CIE76) distance between two hex colours: ~2.3 is just noticeable."""
    return float(np.linalg.norm(_lab(a) - _lab(b)))


def _spare_order(label):
    start = int(hashlib.md5(label.encode(), usedforsecurity=False).hexdigest(), 16) % len(SPARE)
    return SPARE[start:] + SPARE[:start]


def colors(labels):
    """Label -> colour for the labels of one chart: presets keep theirs, other specs get a
    spare colour (chosen by their text) that stays clear of the chart's other colours."""
    chosen = {label: COLORS[label] for label in labels if label in COLORS}
    for label in labels:
        if label in chosen:
            continue
        used = list(chosen.values())

        def gap(color, used=used):
            return min((distance(color, u) for u in used), default=np.inf)

        options = _spare_order(label)
        chosen[label] = next((c for c in options if gap(c) >= MIN_DISTANCE),
                             max(options, key=gap))
    return {label: chosen[label] for label in labels}


def order(frame, column="initializer"):
    """The labels of `frame[column]` in order of first appearance."""
    return list(dict.fromkeys(frame[column]))


def named(frame, labels=None, column="initializer"):
    """`frame` with a `name` column: the display name of each row's initializer."""
    names = display_names(labels or order(frame, column))
    return frame.assign(name=frame[column].map(names))


def js_string(text):
    """`text` as a string literal of a Vega expression."""
    return json.dumps(text, ensure_ascii=False)


def legend_labels(labels):
    """Vega expression that shows each label's display name in a legend."""
    names = display_names(labels)
    cases = " : ".join(f"datum.label === {js_string(label)} ? {js_string(name)}"
                       for label, name in names.items())
    return f"{cases} : datum.label" if cases else "datum.label"


def color(labels, legend=None, field="initializer"):
    """Colour encoding of `field` with an explicit domain and range, so that a label has the
    same colour in every chart; `legend` is an `alt.Legend` (display names) or None."""
    palette = colors(labels)
    if legend is not None:
        legend = legend.copy()
        legend.labelExpr = legend_labels(labels)
    return alt.Color(f"{field}:N", sort=labels, legend=legend,
                     scale=alt.Scale(domain=labels, range=list(palette.values())))


TOOLTIP = [alt.Tooltip("name:N", title="initializer"), alt.Tooltip("initializer:N", title="spec")]
"""Tooltip entries of a row of `named` data: display name and full spec."""


def legend_chart(labels, title="Initializer", dashes=None):
    """A compact legend of `labels` (display names) as its own chart, width "container", for a
    row of small multiples drawn without legends; `dashes` adds line styles, name -> dash."""
    frame = pd.DataFrame({"initializer": labels})
    columns = {"expr": f"max(1, min({len(labels)}, floor(width / 150)))"}
    entries = alt.Chart(frame).mark_point(opacity=0).encode(color=color(labels, alt.Legend(
        title=title, orient="top", columns=columns, symbolType="stroke", symbolStrokeWidth=4,
        labelFontSize=13, titleFontSize=12, labelLimit=140, symbolOpacity=1)))
    layers = [entries]
    if dashes:
        styles = pd.DataFrame({"style": list(dashes)})
        layers.append(alt.Chart(styles).mark_line(opacity=0).encode(strokeDash=alt.StrokeDash(
            "style:N", title=None, sort=list(dashes),
            scale=alt.Scale(domain=list(dashes), range=list(dashes.values())),
            legend=alt.Legend(orient="top", symbolType="stroke", symbolStrokeColor="#555",
                              symbolStrokeWidth=3, symbolSize=500, labelFontSize=13))))
    return alt.layer(*layers).properties(
        width="container", height=1,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),   # grows with it
    ).configure_view(
        strokeWidth=0)
