"""Distributions: sample a layer's weights with several initializers and hold them to theory."""

from contextlib import nullcontext

import numpy as np
import streamlit as st

import initviz as iv
from initviz import codegen, cost
from initviz import histograms as hg
from initviz.charts import distributions as charts
from initviz.charts.palette import display_names
from initviz.limits import MAX_DIM
from ui.cache import MB, shared
from ui.exports import ChartFile
from ui.notebook import notebook_button
from ui.pages import DISTRIBUTIONS as STATE
from ui.pages import FLAVOR_LABELS, LAYER_KINDS
from ui.scenarios import open_from_url, scenario_menu, show_note
from ui.sharing import hidden, notebook_snippet, share_link, toolbar
from ui.specs import cached_spec, same_view_notice
from ui.text import plain
from ui.turns import SLOW, my_turn, progress
from ui.urlcheck import report_ignored
from ui.widgets import flavor_picker, initializer_picker, int_input, or_stop, seed_input

COMPARED = ("keras", "pytorch")
SIZES = {  # widget -> (label, help)
    "fan_in": ("fan_in (inputs)", "Inputs of the dense layer."),
    "fan_out": ("fan_out (units)", "Units of the dense layer."),
    "kh": ("kernel height", None),
    "kw": ("kernel width", None),
    "in_ch": ("in channels", None),
    "out_ch": ("out channels", None),
}
MEASUREMENTS = shared("distributions.measurements", 30 * MB)


def measure(spec, shape, seed, flavor):
    """One sample per (spec, shape, seed, flavour), reduced to a fine histogram and stats."""
    def compute():
        with my_turn("Sampling"):
            return hg.measure(spec, shape, seed, flavor)

    return MEASUREMENTS.get((spec, shape, seed, flavor), compute, on_wait=same_view_notice)


def layer_inputs():
    """Layer kind and sizes; returns the weight shape in the Keras layout."""
    kind = st.radio("Layer", list(LAYER_KINDS), list(LAYER_KINDS).index(STATE.default("layer")),
                    format_func=LAYER_KINDS.get, horizontal=True, key=STATE.key("layer"),
                    bind="query-params")
    names = ("fan_in", "fan_out") if kind == "dense" else ("kh", "kw", "in_ch", "out_ch")
    cols, shape = st.columns(2), []
    for i, name in enumerate(names):
        label, help_text = SIZES[name]
        with cols[i % 2]:
            shape.append(int_input(STATE, name, label, 1, MAX_DIM, help=help_text))
    return tuple(shape)


def compute(specs, shape, seed, flavors, bins):
    """Histograms of every (spec, flavour) that exists; warn about the ones that do not."""
    results = []
    seconds = or_stop(cost.check_distributions, specs, shape, flavors)
    pairs = [(spec, flavor) for spec in specs for flavor in flavors]
    with progress("Sampling… weight matrix") if seconds > SLOW else nullcontext(None) as report:
        for done, (spec, flavor) in enumerate(pairs, 1):
            try:
                results.append(hg.summarize(measure(spec, shape, seed, flavor), bins))
            except iv.InputError as error:
                st.warning(plain(f"{spec} ({FLAVOR_LABELS[flavor]}): {error}"),
                           icon=":material/warning:")
            if report:
                report(done, len(pairs))
    return hg.combine(results)


def show_histograms(result, config, compare, shared_x):
    n_panels = len(result.stats)
    columns = 2 if compare or n_panels == 4 else min(n_panels, 3)
    chart_file.draw(cached_spec(("guides", config), lambda: charts.legend_chart(result)))
    chart_file.grid(cached_spec(("weight histograms", config, shared_x), lambda:
                                charts.histogram_chart(result, shared_x, FLAVOR_LABELS)), columns)
    groups = charts.x_groups(result.stats, shared_x)
    st.caption(
        "**What am I looking at?** Each panel is one weight matrix, drawn once. The bars are "
        "its weights binned as a density (bar area = share of weights); the dark curve is the "
        "density theory predicts. Orange dashed lines mark mean ± one standard deviation, red "
        "lines the hard bounds (the uniform limit, or where a truncated normal is cut). "
        + ("Pairs show the same name in Keras and PyTorch: Keras truncates its *_normal "
           "presets, PyTorch does not; the variance is the same. " if compare else "")
        + ("Each panel has its own x axis." if not shared_x else
           "All panels share one x axis, so a wider panel really is a wider distribution."
           if len(set(groups)) == 1 else
           "Panels whose spreads are within 10× of each other share an x axis; a panel marked "
           "“own x axis” is far wider and would flatten the rest.")
    )


def _shown_stats(stats, compare):
    """The table as read on a projector: the columns that make the point, numbers as text."""
    def text(values, fmt="{:.4g}"):
        return values.map(lambda v: "—" if v != v or abs(v) == np.inf else fmt.format(v))

    shown = {"initializer": stats["initializer"].map(display_names(list(stats["initializer"])))}
    if compare:
        shown["flavour"] = stats["flavor"].map(FLAVOR_LABELS)
    shown |= {
        "law": stats["kind"], "std": text(stats["std"]), "std (theory)": text(stats["theory_std"]),
        "error": text(stats["std_rel_error"], "{:+.2%}"),
        "max |w|": text(np.maximum(stats["max"], -stats["min"])),
        "bound (theory)": text(stats["theory_high"]), "KS p": text(stats["ks_pvalue"], "{:.3f}"),
    }
    return shown


def show_table(stats, compare):
    st.dataframe(_shown_stats(stats, compare), hide_index=True, width="stretch")
    st.caption(
        "Empirical numbers come from the sampled weights, theory from the initializer's formula. "
        "*error* is the std's (empirical − theory) / theory: a fraction of a percent on a large "
        "layer. *KS p*: the Kolmogorov–Smirnov test of the first 20,000 weights against the "
        "theoretical distribution; a p-value that is not tiny (say > 0.01) means the sample "
        "looks like the theory. —: no hard bound, or no density (constants, identity). The CSV "
        "has every column (means, minima, the KS statistic)."
    )
    st.download_button("Download the table as CSV", lambda: stats.to_csv(index=False),
                       file_name="initviz_distributions.csv", mime="text/csv", icon="⬇️")


def show_fan_in(fan_in, fan_out):
    chart_file.draw(cached_spec(("fan_in", fan_out, fan_in), lambda: charts.fan_in_chart(
        hg.std_vs_fan_in(fan_out, fan_in))))
    st.caption(
        f"**What am I looking at?** The std each rule picks for a layer with fan_in inputs "
        f"(fan_out held at {fan_out:,}), on log-log axes. He, LeCun and the PyTorch default are "
        "parallel lines of slope −1/2 (std ∝ 1/√fan_in): He is √2 times LeCun, the PyTorch "
        "default √3 times smaller. Glorot averages fan_in and fan_out, so it bends towards a "
        "constant when fan_in is much smaller than fan_out. The dots are this layer."
    )


def show_code(specs, shape, flavor, seed):
    st.caption(
        f"Each snippet draws weights with the same law as the **{FLAVOR_LABELS[flavor]}** flavour "
        "(set in the sidebar) for this layer. Only the NumPy one gives the very numbers above; "
        "each framework has its own random generator. PyTorch stores weights as (out, in, …)."
    )
    for tab, spec in zip(st.tabs([plain(s, 40) for s in specs]), specs, strict=True):
        with tab:
            try:
                code = codegen.snippets(spec, shape, flavor, seed)
            except iv.InputError as error:
                st.info(plain(error))
                continue
            for inner, framework in zip(st.tabs(list(code)), code, strict=True):
                inner.code(code[framework], language="python")


st.title("Distributions: weights against theory")
st.caption(
    "Draw one layer's weight matrix with several initializers and hold each against its "
    "formula: the shape of the histogram, its spread, its hard bounds, and how the spread "
    "follows the layer's fan-in."
)

open_from_url(STATE)
bar = toolbar()

with st.sidebar:
    st.header("Layer")
    layer_shape = layer_inputs()
    st.header("Initializers")
    flavor = flavor_picker(STATE)
    compare = st.toggle("Compare flavours: Keras vs PyTorch", STATE.default("compare"),
                        key=STATE.key("compare"), bind="query-params",
                        help="Show every initializer as Keras and as PyTorch draw it.")
    specs = initializer_picker(STATE, flavor=None if compare else flavor)
    st.header("Sampling")
    seed = seed_input(STATE)
    bins = st.slider("Bins", 10, 200, STATE.default("bins"), step=5, key=STATE.key("bins"),
                     bind="query-params")
    shared_x = st.toggle("Same x axis for all panels", STATE.default("shared_x"),
                         key=STATE.key("shared_x"), bind="query-params")
with bar:
    scenario_menu(STATE)
report_ignored(STATE)
fan_in, fan_out = or_stop(iv.fans, layer_shape, prefix="Layer shape: ")
if not specs:
    st.info("Pick at least one initializer in the sidebar.")
    st.stop()

flavors = COMPARED if compare else (flavor,)
with bar:
    share_link()
    notebook_snippet(
        "from initviz.histograms import histograms\n\n"
        f"result = histograms({specs!r}, {layer_shape}, seed={seed}, flavors={flavors!r}, "
        f"bins={bins})\nresult.stats  # also .bins, .pdf, .rules: tidy DataFrames",
        download=lambda: notebook_button(STATE),
    )
torch_shape = (layer_shape[-1], layer_shape[-2], *layer_shape[:-2])
chart_file = ChartFile("Distributions")
st.subheader("Sampled weights against theory")
config = (tuple(specs), layer_shape, seed, flavors, bins)
result = compute(*config)
if not result.stats.empty:
    show_histograms(result, config, compare, shared_x)
show_note(STATE, st.container())
st.markdown(
    f"Weights of shape `{layer_shape}` ({np.prod(layer_shape):,} numbers): "
    f"**fan_in = {fan_in:,}**, **fan_out = {fan_out:,}**. PyTorch stores them as `{torch_shape}`."
)
if not result.stats.empty:
    st.subheader("Empirical vs theoretical")
    show_table(result.stats, compare)

st.subheader("How the std scales with fan_in")
show_fan_in(fan_in, fan_out)
chart_file.button()

if not hidden("code"):
    st.subheader("The same weights in code")
    show_code(specs, layer_shape, flavor, seed)
