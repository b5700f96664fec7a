"""Edge of chaos: the phase diagram of wide random nets, a chosen point's correlations, and which
depths train (Poole et al. 2016; Schoenholz et al. 2017)."""

import math

import pandas as pd
import streamlit as st

from initviz import chaos, meanfield, trainable
from initviz.activations import ACTIVATIONS
from initviz.charts import chaos as charts
from initviz.charts.palette import display_name
from ui.cache import MB, shared
from ui.exports import ChartFile
from ui.pages import CHAOS as STATE
from ui.scenarios import open_from_url, scenario_menu, show_note
from ui.sharing import notebook_snippet, share_link, toolbar
from ui.specs import cached_spec, same_view_notice
from ui.turns import my_turn, progress
from ui.urlcheck import report_ignored
from ui.widgets import int_input, or_stop

KEY = STATE.key
PLACED = ["he_normal", "glorot_normal", "lecun_normal", "random_normal(stddev=1)",
          "random_normal(stddev=0.01)"]       # the initializers drawn on the map
INPUT_CORRELATIONS = (0.2, 0.99)
CORRELATION_DEPTH = 30
DATASET = "circles"
RESULTS = shared("chaos.trainability", 8 * MB)    # a grid's result is ~10 kB


class NotRun(Exception):
    """The experiment has not run for this configuration yet."""


@st.cache_data(max_entries=16, show_spinner=False)
def _diagram(activation):
    """(phase diagram on the default grid, critical line over its σ_b²)."""
    critical = pd.DataFrame({"sigma_b2": chaos.SIGMA_B2,
                             "sigma_w2": chaos.critical_line(activation, chaos.SIGMA_B2)})
    return chaos.phase_diagram(activation), critical


@st.cache_data(max_entries=64, show_spinner=False)
def _point(activation, sigma_w2, sigma_b2):
    """(depth scales, correlation map at q*, correlation over depth) of the chosen point."""
    scales = chaos.depth_scales(activation, sigma_w2, sigma_b2)
    curve = chaos.correlation_curve(activation, sigma_w2, sigma_b2).assign(
        label=f"σ_w² = {sigma_w2:g}, σ_b² = {sigma_b2:g}")
    depth = pd.concat([pd.DataFrame({
        "layer": range(1, CORRELATION_DEPTH + 1), "label": f"inputs at c = {c:g}",
        "source": "mean field",
        "correlation": chaos.correlation_map(activation, sigma_w2, sigma_b2, c,
                                             CORRELATION_DEPTH)})
        for c in INPUT_CORRELATIONS], ignore_index=True)
    return scales, curve, depth


def _placed(width, sigma_b2):
    """Where the initializers put a square `width` layer: σ_w² = width · Var(W), at σ_b²."""
    return pd.DataFrame({"initializer": PLACED, "sigma_b2": sigma_b2,
                         "sigma_w2": [meanfield.weight_variance(s, width) for s in PLACED]})


def _experiment(config, run):
    """The trainability grid of `config`: from the cache, computed now if `run`, else None."""
    def compute():
        if not run:
            raise NotRun       # a peek: ByteCache keeps nothing when the computation fails
        activation, sigma_b2, epochs, width, seeds = config
        with my_turn("This experiment", seconds=20), progress("Training… epoch") as report:
            return trainable.trainability(DATASET, activation, sigma_b2=sigma_b2, width=width,
                                          epochs=epochs, seeds=range(seeds),
                                          on_progress=report)

    try:
        return RESULTS.get(config, compute, on_wait=same_view_notice)
    except NotRun:
        return None


def _number(value):
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def show_map(chart_file, activation, sigma_w2, sigma_b2, width):
    """Draw the ξ_c map; returns it and the initializers off it ("0.01·N(0,1) at 0.0032")."""
    diagram, critical = _diagram(activation)
    points = _placed(width, sigma_b2)
    chart_file.draw(cached_spec(
        ("phase", activation, sigma_w2, sigma_b2, width),
        lambda: charts.phase_chart(diagram, critical, points, chosen=(sigma_w2, sigma_b2))))
    off = points[~points.sigma_w2.between(diagram.sigma_w2.min(), diagram.sigma_w2.max())]
    return diagram, [f"{display_name(s)} at {w:.2g}" for s, w in zip(off.initializer,
                                                                     off.sigma_w2, strict=True)]


def show_point(chart_file, activation, sigma_w2, sigma_b2):
    scales, curve, depth = or_stop(_point, activation, sigma_w2, sigma_b2)
    if not math.isfinite(scales["q_star"]) or curve.c_out.isna().any():
        st.info("Here the variance grows without bound (no fixed point q*), so there is no "
                "correlation map to draw: pick a smaller σ_w².", icon=":material/info:")
        return scales, None
    chart_file.draw(cached_spec(("correlation map", activation, sigma_w2, sigma_b2),
                                lambda: charts.correlation_map_chart(curve)))
    return scales, depth


def show_scales(scales):
    xi = scales["xi_c"]
    phase = ("at the edge" if xi > 1e3 or math.isinf(xi) else
             "ordered" if scales["chi1"] < 1 else "chaotic")
    with st.container(horizontal=True):
        st.metric("Phase", phase, help="χ₁ < 1 ordered, > 1 chaotic, = 1 critical.")
        for name, key, help_text in (
                ("q*", "q_star", "The pre-activation variance the layers settle at."),
                ("χ₁", "chi1", "Growth of a gradient's mean square per layer at q*."),
                ("c*", "c_star", "The correlation any two inputs end up at."),
                ("ξ_c", "xi_c", "Layers over which correlations reach c*: −1/ln χ_c.")):
            st.metric(name, _number(scales[key]), help=help_text)
        st.metric("6·ξ_c", _number(6 * xi), help="Schoenholz et al.'s deepest trainable net.")


def show_experiment(chart_file, config, sigma_w2):
    activation, sigma_b2, epochs, width, seeds = config
    st.subheader("Which depths train")
    st.caption(
        f"{len(trainable.SIGMA_W2)} σ_w² × {len(trainable.DEPTHS)} depths "
        f"{', '.join(map(str, trainable.DEPTHS))} of {width}-unit {activation} layers at "
        f"σ_b² = {sigma_b2:g}, each trained {epochs} full-batch SGD epochs on the {DATASET} "
        f"toy data ({seeds} seed{'s' if seeds > 1 else ''}). About 20 s on the demo's server; "
        "once run, it is kept for everyone.")
    runs = _experiment(config, run=False)
    if runs is None:
        offer = st.empty()
        with offer.container(horizontal=True, vertical_alignment="center"):
            run = st.button("Run the experiment", type="primary", icon=":material/play_arrow:")
            st.caption("Changing any setting while it runs stops it.")
        if not run:
            return
        offer.empty()
        runs = or_stop(_experiment, config, True)
    chart_file.draw(cached_spec(("trainability", config, sigma_w2),
                                lambda: charts.trainability_chart(runs, chosen=sigma_w2)))
    st.caption(
        "**What am I looking at?** Each cell is the training accuracy after the budget, mean "
        "over seeds: green learned the two circles, red stayed at chance (50 %). The black line "
        "is 6·ξ_c, Schoenholz et al.'s prediction of the deepest net that trains (their Fig. 5); "
        "it shoots up at the critical σ_w². The cross marks the chosen σ_w².")
    st.download_button("Trainability runs (CSV)", lambda: runs.to_csv(index=False),
                       "trainability.csv", "text/csv", icon=":material/download:")


st.title("Edge of chaos")
open_from_url(STATE)
bar = toolbar()

with st.sidebar:
    st.header("The point")
    activation = st.selectbox("Activation", ACTIVATIONS, ACTIVATIONS.index(STATE.default("act")),
                              key=KEY("act"), bind="query-params")
    sigma_w2 = st.number_input("σ_w² (width · Var(W))", 0.01, 100.0, STATE.default("w"),
                               step=0.05, key=KEY("w"), bind="query-params")
    sigma_b2 = st.number_input("σ_b² (Var(b))", 0.0, 10.0, STATE.default("b"), step=0.01,
                               key=KEY("b"), bind="query-params")
    width = int_input(STATE, "width", "Width the initializers are placed at", 1, 100_000,
                      help="σ_w² = width · Var(W) on square layers: He and Xavier do not "
                      "depend on it, N(0,1) and 0.01·N(0,1) do.")
    st.header("The experiment")
    epochs = int_input(STATE, "epochs", "Epochs", 1, 2_000)
    train_width = int_input(STATE, "twidth", "Units per layer", 1, 256)
    seeds = st.slider("Seeds", 1, trainable.MAX_SEEDS, STATE.default("seeds"), key=KEY("seeds"),
                      bind="query-params")

report_ignored(STATE)
config = (activation, sigma_b2, epochs, train_width, seeds)
chart_file = ChartFile("Chaos")
with bar:
    scenario_menu(STATE)
    share_link()
    notebook_snippet(
        "import initviz as iv\n\n"
        f"diagram = iv.phase_diagram({activation!r})        # the default σ_w² × σ_b² grid\n"
        f"iv.critical_weight_variance({activation!r}, sigma_b2={sigma_b2:g})\n"
        f"iv.depth_scales({activation!r}, {sigma_w2:g}, sigma_b2={sigma_b2:g})\n"
        f"iv.correlation_map({activation!r}, {sigma_w2:g}, {sigma_b2:g}, c=0.2, "
        f"depth={CORRELATION_DEPTH})\n"
        f"runs = iv.trainability({DATASET!r}, {activation!r}, sigma_b2={sigma_b2:g}, "
        f"width={train_width}, epochs={epochs},\n"
        f"                       seeds=range({seeds}))"
    )

left, right = st.columns(2)
with left:
    diagram, off_map = show_map(chart_file, activation, sigma_w2, sigma_b2, width)
with right:
    scales, depth = show_point(chart_file, activation, sigma_w2, sigma_b2)
show_note(STATE, st.container())
edges = f" ({'; '.join(off_map)}: drawn at the map's edge)" if off_map else ""
st.caption(
    "**What am I looking at?** Left: every (σ_w², σ_b²) of a wide random net, coloured by ξ_c, "
    "the number of layers over which it forgets how two inputs differ (log colour; yellow: "
    "thousands). Left of the dashed white line (χ₁ = 1, the *edge of chaos*) the net is "
    "ordered: all inputs end up alike; right of it, chaotic: they decorrelate (Poole et al. "
    f"2016; Schoenholz et al. 2017, Fig. 1). Dots: where each initializer puts {width}-"
    f"unit square layers, σ_w² = width · Var(W), with biases of variance σ_b²{edges}; the red "
    "cross is the chosen point. Right: one layer's map of two inputs' correlation at the chosen "
    "point; where it meets the dashed diagonal, the correlation stops changing.")
left, right = st.columns([1, 2])
with left:
    show_scales(scales)
if depth is not None:
    with right:
        chart_file.draw(cached_spec(("correlation depth", activation, sigma_w2, sigma_b2),
                                    lambda: charts.correlation_depth_chart(depth)))
        st.caption(
            f"Two pairs of inputs, correlated {' and '.join(map(str, INPUT_CORRELATIONS))}, "
            f"through {CORRELATION_DEPTH} layers at the chosen point: ordered nets pull every "
            "pair to 1 (the net cannot tell them apart), chaotic ones to c* < 1, both at the "
            "pace ξ_c.")
try:
    show_experiment(chart_file, config, sigma_w2)
finally:
    chart_file.button(bar)          # in the toolbar, with every chart drawn
st.download_button("Phase diagram (CSV)", lambda: diagram.to_csv(index=False),
                   "phase_diagram.csv", "text/csv", icon=":material/download:")
