"""Distributions: sample a layer's weights with several initializers and hold them to theory."""

import numpy as np
import streamlit as st

import initviz as iv
from initviz import codegen
from initviz import histograms as hg
from initviz.charts import distributions as charts
from initviz.limits import MAX_DIM
from ui.exports import ChartFile
from ui.pages import DISTRIBUTIONS as STATE
from ui.pages import FLAVOR_LABELS, LAYER_KINDS
from ui.scenarios import open_from_url, preset_buttons, show_note
from ui.sharing import hidden, notebook_snippet, share_link
from ui.specs import cached_spec
from ui.text import plain
from ui.turns import my_turn
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
STAT_LABELS = {
    "initializer": "initializer", "flavor": "flavour", "kind": "law", "n": "weights",
    "mean": "mean", "theory_mean": "mean (theory)", "std": "std", "theory_std": "std (theory)",
    "std_rel_error": "std rel. error", "min": "min", "max": "max",
    "theory_low": "low bound (theory)", "theory_high": "high bound (theory)",
    "ks_stat": "KS statistic", "ks_pvalue": "KS p-value",
}


@st.cache_data(max_entries=256, show_spinner=False)
def measure(spec, shape, seed, flavor):
    """One sample per (spec, shape, seed, flavour), reduced to a fine histogram and stats."""
    with my_turn():
        return hg.measure(spec, shape, seed, flavor)


@st.cache_data(max_entries=256, show_spinner=False)
def summarize(spec, shape, seed, flavor, bins):
    return hg.summarize(measure(spec, shape, seed, flavor), bins)


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
    for spec in specs:
        for flavor in flavors:
            try:
                results.append(summarize(spec, shape, seed, flavor, bins))
            except iv.InputError as error:
                st.warning(plain(f"{spec} ({FLAVOR_LABELS[flavor]}): {error}"),
                           icon=":material/warning:")
    return hg.combine(results)


def show_histograms(result, config, compare, shared_x):
    n_panels = len(result.stats)
    columns = 2 if compare or n_panels == 4 else min(n_panels, 3)
    width = {1: 520, 2: 340, 3: 230}[columns]
    chart_file.draw(cached_spec(("weight histograms", config, columns, shared_x, width),
                                lambda: charts.histogram_chart(result, columns, shared_x,
                                                               FLAVOR_LABELS, width=width)),
                    width="content")
    st.caption(
        "**What am I looking at?** Each panel is one weight matrix, drawn once. The blue bars are "
        "its weights binned as a density (bar area = share of weights); the dark curve is the "
        "density theory predicts. Orange dashed lines mark mean ± one standard deviation, red "
        "lines the hard bounds (the uniform limit, or where a truncated normal is cut). "
        + ("Pairs show the same name in Keras and PyTorch: Keras truncates its *_normal "
           "presets, PyTorch does not; the variance is the same. " if compare else "")
        + ("All panels share one x axis, so a wider panel really is a wider distribution."
           if shared_x else "Each panel has its own x axis.")
    )


def show_table(stats):
    shown = stats.replace([np.inf, -np.inf], np.nan).rename(columns=STAT_LABELS)
    number = st.column_config.NumberColumn
    config = {label: number(label, format="%.4g") for key, label in STAT_LABELS.items()
              if key not in ("initializer", "flavor", "kind", "n")}
    config[STAT_LABELS["std_rel_error"]] = number(STAT_LABELS["std_rel_error"], format="percent")
    st.dataframe(shown, hide_index=True, column_config=config)
    st.caption(
        "Empirical numbers come from the sampled weights, theory from the initializer's formula. "
        "*std rel. error* is (empirical − theory) / theory: a fraction of a percent on a large "
        "layer. The Kolmogorov–Smirnov test compares the first 20,000 weights with the theoretical "
        "distribution: a small statistic and a p-value that is not tiny (say > 0.01) mean the "
        "sample looks like the theory. Blank: no hard bound, or no density (constants, identity)."
    )
    st.download_button("Download the table as CSV", stats.to_csv(index=False),
                       file_name="initviz_distributions.csv", mime="text/csv", icon="⬇️")


def show_fan_in(fan_in, fan_out):
    chart_file.draw(cached_spec(("fan_in", fan_out, fan_in), lambda: charts.fan_in_chart(
        hg.std_vs_fan_in(fan_out, fan_in))), width="stretch")
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


st.title("Distributions: sampled weights against theory")
st.caption(
    "Draw one layer's weight matrix with several initializers and hold each against its "
    "formula: the shape of the histogram, its spread, its hard bounds, and how the spread "
    "follows the layer's fan-in."
)

open_from_url(STATE)
notes = preset_buttons(STATE)

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
show_note(STATE, notes)

fan_in, fan_out = or_stop(iv.fans, layer_shape, prefix="Layer shape: ")
if not specs:
    st.info("Pick at least one initializer in the sidebar.")
    st.stop()

flavors = COMPARED if compare else (flavor,)
share_link()
notebook_snippet(
    "from initviz.histograms import histograms\n\n"
    f"result = histograms({specs!r}, {layer_shape}, seed={seed}, flavors={flavors!r}, "
    f"bins={bins})\nresult.stats  # also .bins, .pdf, .rules: tidy DataFrames"
)
torch_shape = (layer_shape[-1], layer_shape[-2], *layer_shape[:-2])
st.markdown(
    f"Weights of shape `{layer_shape}` ({np.prod(layer_shape):,} numbers): "
    f"**fan_in = {fan_in:,}**, **fan_out = {fan_out:,}**. PyTorch stores them as `{torch_shape}`."
)

chart_file = ChartFile("Distributions")
st.subheader("Sampled weights against theory")
config = (tuple(specs), layer_shape, seed, flavors, bins)
result = compute(*config)
if not result.stats.empty:
    show_histograms(result, config, compare, shared_x)
    st.subheader("Empirical vs theoretical")
    show_table(result.stats)

st.subheader("How the std scales with fan_in")
show_fan_in(fan_in, fan_out)
chart_file.button()

if not hidden("code"):
    st.subheader("The same weights in code")
    show_code(specs, layer_shape, flavor, seed)
