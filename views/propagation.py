"""Propagation: activations and gradients through a deep net, measured and predicted."""

import time

import pandas as pd
import pyarrow as pa
import streamlit as st

from initviz import meanfield
from initviz.activations import ACTIVATIONS, get_activation
from initviz.charts import propagation as charts
from initviz.charts.palette import display_name
from initviz.limits import MAX_DEPTH, MAX_HISTOGRAM_LAYERS, MAX_WIDTH
from initviz.propagation import default_layers, fit_samples, propagation_report
from ui.cache import MB, shared
from ui.exports import ChartFile
from ui.notebook import notebook_button
from ui.pages import PROPAGATION as STATE
from ui.pages import SAMPLE_CHOICES
from ui.scenarios import open_from_url, scenario_menu, show_note
from ui.sharing import notebook_snippet, share_link, toolbar
from ui.specs import cached_spec, same_view_notice
from ui.text import plain
from ui.turns import my_turn, progress
from ui.urlcheck import report_ignored
from ui.widgets import flavor_picker, initializer_picker, int_input, or_stop, seed_input

FRACTION_COLUMNS = {"relu": "dead_frac", "tanh": "saturated_frac", "sigmoid": "saturated_frac"}


def _reset_layers():
    st.session_state[STATE.key("layers")] = default_layers(st.session_state[STATE.key("depth")])


REPORTS = shared("propagation.reports", 60 * MB)
# Per configuration, what a cached page run would otherwise redo: the number of samples the
# budget allows (a search over the cost model) and the tables as Arrow (converting a frame was a
# fifth of a cached run). A bare string here would be drawn on the page by Streamlit's magic.
DERIVED = shared("propagation.derived", 4 * MB)


def _arrow(frame):
    return pa.Table.from_pandas(pd.DataFrame(frame), preserve_index=False)


def _report(specs, activation, depth, width, layers, n_samples, seed, flavor, bias_std):
    """(table, histograms, seconds it took), computed once for every session."""
    def compute():
        with my_turn("This propagation"), progress("Propagating… layers") as report:
            started = time.perf_counter()
            table, hist = propagation_report(
                list(specs), activation, depth, width, list(layers), n_samples=n_samples,
                seed=seed, flavor=flavor, bias_std=bias_std, on_progress=report)
            return table, hist, time.perf_counter() - started

    return REPORTS.get((specs, activation, depth, width, layers, n_samples, seed, flavor,
                        bias_std), compute, on_wait=same_view_notice)


@st.cache_data(max_entries=64, show_spinner=False)
def _criticality(specs, activation, width, flavor, bias_std):
    return meanfield.criticality(list(specs), activation, width, flavor, bias_std)


def show_scale(chart_file, config, table, n_samples, width, timing):
    chart_file.draw(cached_spec(("std legend", config), lambda: charts.legend_chart(table)))
    chart_file.grid(cached_spec(("std", config), lambda: charts.std_chart(table)), 2)
    st.caption(
        "**What am I looking at?** Each colour is one network. Left: the std of the activations "
        "at each layer as the input travels up; right: the std of the gradient with respect to "
        "each layer's pre-activations as a unit-Gaussian gradient from the top travels down (read "
        "it right to left). Dots and solid lines are measured on "
        f"{n_samples:,} × {width:,} values per layer; dashed lines are the mean-field prediction "
        "from the weights' variance alone. On this log axis a straight falling or rising line is "
        "geometric vanishing or explosion. Zeros, inf and NaN cannot be drawn here; see the table. "
        f"{timing}"
    )


def show_fractions(chart_file, config, table, activation):
    name = get_activation(activation).name
    column = FRACTION_COLUMNS.get(name)
    if not column:
        st.caption(f"{plain(name)} has no flat region where units stop passing a gradient, so "
                   "there is no saturated or dead fraction to plot here.")
        return
    chart_file.draw(cached_spec(("fraction", config),
                                lambda: charts.fraction_chart(table, column)))
    if column == "dead_frac":
        st.caption(
            "A ReLU outputs 0 for every negative input, so about **half the values are 0 in any "
            "healthy ReLU net** (He included): that is ReLU working, not dying. Worry when the "
            "fraction climbs well above one half, as it does when the signal drifts negative."
        )
    else:
        st.caption(
            "Saturated units pass almost no gradient (φ′ ≈ 0). A rising curve means the layers "
            "above learn from fewer and fewer units."
        )


def show_criticality(specs, activation, width, flavor, bias_std):
    st.markdown("**Where each initializer puts a wide net**")
    def shown():
        table = _criticality(tuple(specs), activation, width, flavor, bias_std)
        columns = {"initializer": table["initializer"].map(display_name)}
        for column, title in (("sigma_w2", "σ_w²"), ("q_star", "q*"), ("chi1", "χ₁")):
            columns[title] = table[column].map(lambda v: "—" if v != v else f"{v:.3g}")
        return _arrow(columns)

    key = ("criticality", tuple(specs), activation, width, flavor, bias_std)
    st.dataframe(DERIVED.get(key, shown), hide_index=True, width="stretch")
    st.caption(
        "σ_w² = width · Var(W). q*: the pre-activation variance the layers settle at; χ₁: the "
        "factor by which a gradient's mean square grows per layer there. χ₁ < 1 vanishes, > 1 "
        "explodes, = 1 is the *edge of chaos* (He for ReLU, σ_w² = 1 for tanh). — for "
        "weights with nonzero mean, where mean-field theory does not apply."
    )


st.title("Propagation through depth")
st.caption(
    "A unit-Gaussian batch goes up a stack of square layers z = h·W + b, h′ = φ(z); a "
    "unit-Gaussian gradient comes back down. Each layer multiplies the scale of both by a "
    "factor set by the weights' variance and the activation; over many layers that factor "
    "decides whether anything arrives."
)
open_from_url(STATE)
bar = toolbar()

with st.sidebar:
    st.header("Network")
    flavor = flavor_picker(STATE)
    specs = initializer_picker(STATE, flavor=flavor)
    activation = st.selectbox("Activation", ACTIVATIONS, ACTIVATIONS.index(STATE.default("act")),
                              key=STATE.key("act"), bind="query-params")
    if activation == "leaky_relu":
        slope = st.number_input("Leaky slope", 0.0, 1.0, STATE.default("slope"), step=0.01,
                                key=STATE.key("slope"), bind="query-params")
        activation = f"leaky_relu(slope={slope:g})"
    depth = st.slider("Depth (layers)", 1, MAX_DEPTH, STATE.default("depth"),
                      key=STATE.key("depth"), on_change=_reset_layers, bind="query-params")
    width = int_input(STATE, "width", "Width (units per layer)", 1, MAX_WIDTH)
    n_samples = st.select_slider("Samples in the batch", SAMPLE_CHOICES, STATE.default("samples"),
                                 key=STATE.key("samples"), bind="query-params")
    bias_std = st.number_input("Bias std", 0.0, 10.0, STATE.default("bias"), step=0.05,
                               key=STATE.key("bias"), bind="query-params",
                               help="0: no bias. Biases are N(0, std²).")
    seed = seed_input(STATE)

with bar:
    scenario_menu(STATE)
    share_link()
    notebook_snippet(
        "import initviz as iv\n\n"
        f"table = iv.propagate({list(specs)!r}, {activation!r}, depth={depth}, width={width},\n"
        f"                     n_samples={n_samples}, seed={seed}, flavor={flavor!r}, "
        f"bias_std={bias_std:g})",
        download=lambda: notebook_button(STATE),
    )
report_ignored(STATE)
if not specs:
    st.info("Pick at least one initializer in the sidebar.")
    st.stop()

st.subheader("Scale per layer: measured and predicted")
scale_area = st.container()   # filled once the layers below are picked: one pass computes all
st.subheader("Activations layer by layer")
layers = st.multiselect(
    "Layers to show", list(range(1, depth + 1)), default=default_layers(depth),
    max_selections=MAX_HISTOGRAM_LAYERS, key=STATE.key("layers"), bind="query-params",
)
shown_layers = tuple(sorted(layers)) or (depth,)
request = (tuple(specs), activation, depth, width, n_samples, shown_layers, seed, flavor, bias_std)
allowed = or_stop(DERIVED.get, ("samples", *request), lambda: fit_samples(
    list(specs), activation, depth, width, n_samples, list(shown_layers), seed, flavor, bias_std))
config = (tuple(specs), activation, depth, width, shown_layers, allowed or n_samples, seed, flavor,
          bias_std)
with scale_area:
    if allowed is not None and allowed < n_samples:
        st.info(f"This net is too large for the demo on {n_samples:,} samples, so it is "
                f"measured on {allowed:,}: the stds are a little noisier, the picture the same.",
                icon=":material/tune:")
        n_samples = allowed
    started = time.perf_counter()
    table, hist, seconds = or_stop(_report, *config)
    fresh = time.perf_counter() - started >= seconds
    timing = (f"Computed in {seconds:.2f} s." if fresh else
              f"From the cache (computed in {seconds:.2f} s when first asked).")
    chart_file = ChartFile("Propagation")
    show_scale(chart_file, config, table, n_samples, width, timing)
    show_note(STATE, st.container())
    left, right = st.columns([3, 2])
    with left:
        show_fractions(chart_file, config, table, activation)
    with right:
        show_criticality(specs, activation, width, flavor, bias_std)

if not layers:
    st.info("Pick at least one layer to see its histogram.")
else:
    ridges = cached_spec(("activation histograms", config), lambda: charts.histogram_chart(hist))
    chart_file.grid(ridges, min(3, len(ridges)))
    st.caption(
        "**What am I looking at?** One chart per layer: the distribution of all its activation "
        "values, one row per initializer (the figures of CS231n and Glorot & Bengio 2010); x: "
        "activation value, height: share of the values in each bin. A spike at 0 is a vanished "
        "signal; mass piled at ±1 is a saturated tanh; for ReLU the spike at 0 holds the half "
        "of the values that ReLU sets to zero."
    )

with st.expander("Table and download"):
    st.dataframe(DERIVED.get(("table", config), lambda: _arrow(table)), hide_index=True)
    st.download_button("Download CSV", lambda: table.to_csv(index=False), "propagation.csv",
                       "text/csv", icon=":material/download:")
    chart_file.button()
