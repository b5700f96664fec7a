"""Spectra and residual nets: the Jacobian's singular values, and skip connections at depth."""

import time

import pandas as pd
import streamlit as st

from initviz import jacobian
from initviz.activations import ACTIVATIONS
from initviz.charts import spectra as charts
from initviz.charts.palette import display_name
from initviz.limits import MAX_DEPTH, MAX_JACOBIAN_INPUTS, MAX_WIDTH
from initviz.propagation import propagate
from initviz.residual import NAMES
from ui.exports import ChartFile
from ui.pages import NETS, SPECTRA_VIEWS
from ui.pages import SPECTRA as STATE
from ui.scenarios import open_from_url, scenario_menu, show_note
from ui.sharing import notebook_snippet, share_link, toolbar
from ui.specs import cached_spec
from ui.turns import my_turn, progress
from ui.urlcheck import report_ignored
from ui.widgets import flavor_picker, initializer_picker, int_input, or_stop, seed_input

KEY = STATE.key
SAMPLES = 500       # rows of the batch the residual nets propagate
JACOBIAN_ACTIVATIONS = ["linear", "tanh", "relu", "sigmoid", "selu", "gelu"]
BRANCH_SPECS = ["he_normal", "glorot_normal", "orthogonal", "pytorch_default"]


@st.cache_data(max_entries=32, show_spinner=False)
def _spectra(specs, activation, depth, width, n_inputs, seed, flavor):
    """(spectrum histogram, summary, seconds it took)."""
    with my_turn(), progress("Multiplying the layers' Jacobians… layer") as report:
        started = time.perf_counter()
        spectrum, summary = jacobian.jacobian_report(list(specs), activation, depth, width,
                                                     n_inputs, seed, flavor,
                                                     on_progress=report)
        return jacobian.histogram(spectrum), summary, time.perf_counter() - started


@st.cache_data(max_entries=32, show_spinner=False)
def _residual(spec, activation, depth, width, nets, seed, flavor):
    """{net: propagate table} for the plain stack and each residual scaling in `nets`."""
    with my_turn(), progress("Propagating through the blocks… net") as report:
        tables = {}
        for i, net in enumerate(nets):
            report(i, len(nets))
            tables[None if net == "plain" else net] = propagate(
                [spec], activation, depth, width, SAMPLES, seed, flavor,
                residual=None if net == "plain" else net)
        return tables


def _number(value):
    return "—" if value != value else f"{value:.3g}"


def show_spectra(chart_file, specs, activation, depth, width, n_inputs, seed, flavor):
    config = (tuple(specs), activation, depth, width, n_inputs, seed, flavor)
    hist, summary, seconds = or_stop(_spectra, *config)
    chart_file.draw(cached_spec(("spectra legend", config), lambda: charts.legend_chart(hist)))
    chart_file.draw(cached_spec(("spectrum", config),
                                lambda: charts.spectrum_chart(hist, summary)))
    st.caption(
        "**What am I looking at?** Each row is one network's input–output Jacobian "
        f"J = ∂h_{depth}/∂x (how a small change of the input moves the last layer), taken at "
        f"{n_inputs} unit-Gaussian input{'s' if n_inputs > 1 else ''}: the histogram of its "
        f"{width} singular values on a log axis. A single spike at 1 is an *isometry*: every "
        "direction passes unchanged, so gradients neither vanish nor explode in any direction. "
        "A wide histogram means some directions are amplified and others crushed. Values "
        "below 10⁻¹² × the largest are beneath float64's resolution and counted as ≈ 0 "
        f"(ReLU's are exactly 0). Computed in {seconds:.2f} s."
    )
    show_note(STATE, st.container())
    chart_file.grid(cached_spec(("spectra depth", config), lambda: charts.depth_charts(summary)),
                    2)
    st.caption(
        "**Over depth.** Left: how many decades separate the median singular value from the "
        "largest (0 for an isometry, 12 when half of them are lost); right: the mean of s², "
        "which mean-field theory predicts (dashed) as the product over layers of "
        "σ_w² · E[φ′(z)²]. The mean can match theory while the spread explodes: the average "
        "hides that a few directions carry everything."
    )
    last = summary[summary["depth"] == depth]
    shown = {"initializer": last["initializer"].map(display_name)}
    for column, title in (("mean_sq", "mean s²"), ("theory_mean_sq", "theory"),
                          ("s_max", "largest"), ("s_median", "median"), ("spread", "spread"),
                          ("zero_frac", "share ≈ 0")):
        shown[title] = last[column].map(_number)
    st.dataframe(pd.DataFrame(shown), hide_index=True, width="stretch")
    st.download_button("Summary per depth (CSV)", lambda: summary.to_csv(index=False),
                       "jacobian_summary.csv", "text/csv", icon=":material/download:")


def show_residual(chart_file, spec, activation, depth, width, nets, seed, flavor):
    config = (spec, activation, depth, width, tuple(nets), seed, flavor)
    tables = or_stop(_residual, *config)
    table = charts.net_table(tables)
    chart_file.draw(cached_spec(("nets legend", config), lambda: charts.net_legend_chart(table)))
    chart_file.grid(cached_spec(("nets", config), lambda: charts.residual_charts(table)), 2)
    st.caption(
        f"**What am I looking at?** The same {display_name(spec)} weights, {depth} layers of "
        f"{width} units, as a plain stack h_l = φ(h_(l−1)·W_l) and as residual nets "
        "x_l = x_(l−1) + α·φ(x_(l−1))·W_l with the branch scaled in each way. Left: the std of "
        "the signal (for residual nets, the stream x_l) at each layer; right: the std of the "
        "gradient coming back from a unit-Gaussian gradient at the top (read right to left). "
        "Dashed: the mean-field prediction."
    )
    show_note(STATE, st.container())
    st.dataframe(table, hide_index=True)
    st.download_button("Residual table (CSV)", lambda: table.to_csv(index=False),
                       "residual.csv", "text/csv", icon=":material/download:")


st.title("Spectra and residual nets")
st.caption(
    "The variance of the signal is only the average story. The singular values of the "
    "input–output Jacobian tell whether *every* direction survives depth (dynamical "
    "isometry), and skip connections change what depth does to the variance."
)
open_from_url(STATE)
bar = toolbar()

with st.sidebar:
    view = st.segmented_control("Show", list(SPECTRA_VIEWS), format_func=SPECTRA_VIEWS.get,
                                default=STATE.default("view"), key=KEY("view"),
                                bind="query-params", required=True)
    flavor = flavor_picker(STATE)
    seed = seed_input(STATE)
    st.header("Jacobian spectra")
    specs = initializer_picker(STATE, flavor=flavor)
    activation = st.selectbox("Activation", JACOBIAN_ACTIVATIONS,
                              JACOBIAN_ACTIVATIONS.index(STATE.default("act")), key=KEY("act"),
                              bind="query-params")
    depth = st.slider("Depth (layers)", 1, MAX_DEPTH, STATE.default("depth"), key=KEY("depth"),
                      bind="query-params")
    width = int_input(STATE, "width", "Width (units per layer)", 1, MAX_WIDTH)
    n_inputs = st.slider("Inputs", 1, MAX_JACOBIAN_INPUTS, STATE.default("inputs"),
                         key=KEY("inputs"), bind="query-params",
                         help="J depends on the input through φ′; each input adds a Jacobian.")
    st.header("Residual nets")
    residual_spec = st.selectbox("Branch weights", BRANCH_SPECS,
                                 BRANCH_SPECS.index(STATE.default("rinit")),
                                 format_func=display_name, key=KEY("rinit"), bind="query-params")
    residual_act = st.selectbox("Branch activation", ACTIVATIONS,
                                ACTIVATIONS.index(STATE.default("ract")), key=KEY("ract"),
                                bind="query-params")
    residual_depth = st.slider("Blocks", 1, MAX_DEPTH, STATE.default("rdepth"),
                               key=KEY("rdepth"), bind="query-params")
    nets = st.multiselect("Nets", NETS, default=STATE.default("nets"),
                          format_func=lambda n: NAMES[None if n == "plain" else n],
                          key=KEY("nets"), bind="query-params")

residual_width = int(STATE.default("width"))
with bar:
    scenario_menu(STATE)
    share_link()
    notebook_snippet(
        "import initviz as iv\n\n"
        f"spectrum, summary = iv.jacobian_report({list(specs)!r}, {activation!r}, "
        f"depth={depth}, width={width},\n"
        f"                                       n_inputs={n_inputs}, seed={seed}, "
        f"flavor={flavor!r})\n"
        f"table = iv.propagate([{residual_spec!r}], {residual_act!r}, depth={residual_depth}, "
        f"width={residual_width}, n_samples={SAMPLES},\n"
        f"                     seed={seed}, flavor={flavor!r}, residual=\"sqrt_depth\")"
    )

report_ignored(STATE)
chart_file = ChartFile("Spectra")
if view == "spectra":
    if not specs:
        st.info("Pick at least one initializer in the sidebar.")
        st.stop()
    show_spectra(chart_file, specs, activation, depth, width, n_inputs, seed, flavor)
elif not nets:
    st.info("Pick at least one net in the sidebar.")
    st.stop()
else:
    show_residual(chart_file, residual_spec, residual_act, residual_depth, residual_width, nets,
                  seed, flavor)
chart_file.button()
