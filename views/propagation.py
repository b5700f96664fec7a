"""Propagation: activations and gradients through a deep net, measured and predicted."""

import time

import streamlit as st

from initviz import meanfield
from initviz.activations import ACTIVATIONS, get_activation
from initviz.charts import propagation as charts
from initviz.limits import MAX_DEPTH, MAX_HISTOGRAM_LAYERS, MAX_WIDTH
from initviz.propagation import default_layers, propagation_report
from ui.exports import ChartFile
from ui.pages import PROPAGATION as STATE
from ui.pages import SAMPLE_CHOICES
from ui.scenarios import open_from_url, preset_buttons, show_note
from ui.sharing import notebook_snippet, share_link
from ui.specs import cached_spec
from ui.turns import my_turn
from ui.widgets import flavor_picker, initializer_picker, int_input, or_stop, seed_input

FRACTION_COLUMNS = {"relu": "dead_frac", "tanh": "saturated_frac", "sigmoid": "saturated_frac"}


def _reset_layers():
    st.session_state[STATE.key("layers")] = default_layers(st.session_state[STATE.key("depth")])


@st.cache_data(max_entries=64, show_spinner=False)
def _report(specs, activation, depth, width, layers, n_samples, seed, flavor, bias_std):
    with my_turn():
        return propagation_report(list(specs), activation, depth, width, list(layers),
                                  n_samples=n_samples, seed=seed, flavor=flavor,
                                  bias_std=bias_std)


@st.cache_data(max_entries=64, show_spinner=False)
def _criticality(specs, activation, width, flavor, bias_std):
    return meanfield.criticality(list(specs), activation, width, flavor, bias_std)


def show_scale(chart_file, spec, n_samples, width, elapsed):
    chart_file.draw(spec, width="content")
    st.caption(
        "**What am I looking at?** Each colour is one network. Left: the std of the activations "
        "at each layer as the input travels up; right: the std of the gradient with respect to "
        "each layer's pre-activations as a unit-Gaussian gradient from the top travels down (read "
        "it right to left). Dots and solid lines are measured on "
        f"{n_samples:,} × {width:,} values per layer; dashed lines are the mean-field prediction "
        "from the weights' variance alone. On this log axis a straight falling or rising line is "
        "geometric vanishing or explosion. Zeros, inf and NaN cannot be drawn here; see the table. "
        f"Computed in {elapsed:.2f} s."
    )


def show_fractions(chart_file, config, table, activation):
    name = get_activation(activation).name
    column = FRACTION_COLUMNS.get(name)
    if not column:
        st.caption(f"{name} neither saturates nor dies, so there is no fraction to plot.")
        return
    chart_file.draw(cached_spec(("fraction", config),
                                lambda: charts.fraction_chart(table, column)), width="stretch")
    st.caption(
        "Saturated units pass almost no gradient (φ′ ≈ 0); dead ReLUs pass none for this "
        "input. A rising curve means the layers above learn from fewer and fewer units."
    )


def show_criticality(specs, activation, width, flavor, bias_std):
    st.markdown("**Where each initializer puts a wide net**")
    st.dataframe(_criticality(tuple(specs), activation, width, flavor, bias_std), hide_index=True,
                 column_config={"sigma_w2": st.column_config.NumberColumn("σ_w²", format="%.4g"),
                                "q_star": st.column_config.NumberColumn("q*", format="%.4g"),
                                "chi1": st.column_config.NumberColumn("χ₁", format="%.4g")})
    st.caption(
        "σ_w² = width · Var(W). q*: the pre-activation variance the layers settle at; χ₁: the "
        "factor by which a gradient's mean square grows per layer there. χ₁ < 1 vanishes, > 1 "
        "explodes, = 1 is the *edge of chaos* (He for ReLU, σ_w² = 1 for tanh). Empty for "
        "weights with nonzero mean, where mean-field theory does not apply."
    )


st.title("Propagation: signals and gradients through depth")
st.caption(
    "A unit-Gaussian batch goes up a stack of square layers z = h·W + b, h′ = φ(z); a "
    "unit-Gaussian gradient comes back down. Each layer multiplies the scale of both by a "
    "factor set by the weights' variance and the activation; over many layers that factor "
    "decides whether anything arrives."
)

open_from_url(STATE)
notes = preset_buttons(STATE)

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

if not specs:
    st.info("Pick at least one initializer in the sidebar.")
    st.stop()
share_link()
notebook_snippet(
    "import initviz as iv\n\n"
    f"table = iv.propagate({list(specs)!r}, {activation!r}, depth={depth}, width={width},\n"
    f"                     n_samples={n_samples}, seed={seed}, flavor={flavor!r}, "
    f"bias_std={bias_std:g})"
)

st.subheader("Scale per layer: measured and predicted")
scale_area = st.container()   # filled once the layers below are picked: one pass computes all
st.subheader("Activations layer by layer")
layers = st.multiselect(
    "Layers to show", list(range(1, depth + 1)), default=default_layers(depth),
    max_selections=MAX_HISTOGRAM_LAYERS, key=STATE.key("layers"), bind="query-params",
)
show_note(STATE, notes)
config = (tuple(specs), activation, depth, width, tuple(sorted(layers)) or (depth,), n_samples,
          seed, flavor, bias_std)
with scale_area:
    started = time.perf_counter()
    table, hist = or_stop(_report, *config)
    elapsed = time.perf_counter() - started
    chart_file = ChartFile("Propagation")
    show_scale(chart_file, cached_spec(("std", config), lambda: charts.std_chart(table)),
               n_samples, width, elapsed)
    left, right = st.columns([3, 2])
    with left:
        show_fractions(chart_file, config, table, activation)
    with right:
        show_criticality(specs, activation, width, flavor, bias_std)

if not layers:
    st.info("Pick at least one layer to see its histogram.")
else:
    chart_file.draw(cached_spec(("activation histograms", config),
                                lambda: charts.histogram_chart(hist)), width="content")
    st.caption(
        "**What am I looking at?** The distribution of all activation values of a layer, one "
        "row per initializer, with the same bins in a whole row (the figures of CS231n and "
        "Glorot & Bengio 2010); x: activation value, y: share of the values. A spike at 0 is a "
        "vanished signal; mass piled at ±1 is a "
        "saturated tanh; a spike at 0 for ReLU is dead units."
    )

with st.expander("Table and download"):
    st.dataframe(table, hide_index=True)
    st.download_button("Download CSV", lambda: table.to_csv(index=False), "propagation.csv",
                       "text/csv", icon=":material/download:")
    chart_file.button()
