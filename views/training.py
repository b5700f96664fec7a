"""Training: the same data and network, only the initialization differs; watch the curves."""

import pandas as pd
import pyarrow as pa
import streamlit as st

import initviz as iv
from initviz.activations import ACTIVATIONS
from initviz.charts import training as charts
from initviz.charts.palette import display_names
from initviz.datasets import SOURCES, preview_frame
from initviz.limits import MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_HIDDEN_WIDTH, MAX_TRAIN_SAMPLES
from initviz.optimizers import OPTIMIZERS
from initviz.results import boundary_frame, curves, divergences, summarize
from ui.cache import MB, shared
from ui.exports import ChartFile
from ui.notebook import notebook_button
from ui.pages import BANDS, BATCHES, BIAS_LABELS, OPTIMIZER_LABELS, RESIDUAL_LABELS
from ui.pages import TRAINING as STATE
from ui.scenarios import open_from_url, scenario_menu, show_note
from ui.sharing import notebook_snippet, share_link, toolbar
from ui.specs import cached_spec, same_view_notice
from ui.turns import my_turn, progress
from ui.upload import describe, load_code, session_cached, session_spec, uploaded_dataset
from ui.urlcheck import report_ignored
from ui.widgets import flavor_picker, initializer_picker, int_input, or_stop, seed_input

KEY = STATE.key


TRAININGS = shared("training.results", 80 * MB)
TABLES = shared("training.tables", 16 * MB)   # a result's summaries and its data's preview


def _run(dataset, specs, seeds, hidden_layers, activation, optimizer, lr, epochs, batch_size,
         flavor, residual, bias):
    """The TrainResult of a configuration on `dataset`, computed now."""
    with my_turn("Training"), progress("Training every run at once… epoch") as report:
        return iv.train(dataset, list(specs), list(seeds), hidden_layers, activation,
                        optimizer, lr, epochs, batch_size, flavor, bias=bias,
                        on_progress=report, residual=residual)


def _train(data, n_samples, noise, *setup):
    """The TrainResult of a configuration, trained once for every session; an upload's
    (`data` its key) once for this session only."""
    if upload:
        return session_cached("result", (data, n_samples, noise, *setup),
                              lambda: _run(upload.dataset, *setup))
    return TRAININGS.get((data, n_samples, noise, *setup),
                         lambda: _run(iv.load_dataset(data, n_samples, noise), *setup),
                         on_wait=same_view_notice)


def _summary(config, result, target, classify):
    """(the summary, its text for reading as an Arrow table), once per configuration and
    target: formatting them is a tenth of a cached page's run."""
    def compute():
        table = summarize(result, target_loss=target)
        shown = pd.DataFrame(_results_table(table, classify))
        return table, pa.Table.from_pandas(shown, preserve_index=False)

    return TABLES.get(("summary", config, target), compute)


def _mean_std(mean, std, digits=3):
    text = mean.map(lambda m: f"{m:.{digits}f}")
    return (text + std.map(lambda s: f" ± {s:.{digits}f}" if s == s else "")).where(
        mean.notna(), "—")


def _results_table(table, classify):
    """The summary as text for reading: mean ± std, counts."""
    names = display_names(list(table["initializer"]))
    shown = {"Initializer": table["initializer"].map(names)}
    for column, title in [("final_train_loss", "Train loss"), ("final_val_loss", "Val loss"),
                          ("final_val_accuracy", "Val accuracy")][:3 if classify else 2]:
        shown[title] = _mean_std(table[f"{column}_mean"], table[f"{column}_std"])
    reached = table["reached_target"].astype(str) + " of " + table["runs"].astype(str)
    shown["To target"] = (table["epochs_to_target"].map(lambda e: f"{e:.0f}")
                                 + " (" + reached + ")").where(table["reached_target"] > 0,
                                                               "never")
    shown["Diverged"] = table["diverged"]
    return shown


def show_data_and_results(config, result, preview, axes, n_specs, n_seeds):
    """The data beside the results table and its downloads; returns the place of the charts
    menu below them."""
    dataset = result.dataset
    classify = dataset.task != "regression"
    left, right = st.columns([1, 2])
    with left:
        st.subheader("The data")
        chart_file.draw(spec_cache(("data", config[:3]), lambda: charts.dataset_chart(
            preview, regression=not classify)))
        about = (describe(dataset) if upload else
                 f"**{dataset.name}** ({SOURCES[dataset.name].summary})")
        st.caption(
            f"{about}: {len(dataset.X_train)} "
            f"training dots, {len(dataset.X_val)} validation triangles, standardized. "
            f"Axes: {axes}."
        )
    with right:
        st.subheader("Results")
        target = st.number_input("Target training loss", 0.0, 100.0, STATE.default("target"),
                                 step=0.05, key=KEY("target"), bind="query-params",
                                 help="'To target' is the first epoch whose training loss is at "
                                 "most this, averaged over the runs that got there.")
        table, shown = _summary(config, result, target, classify)
        st.dataframe(shown, hide_index=True, width="stretch")
        st.caption(
            f"{result.runs.shape[0]} runs: {n_specs} initializers × {n_seeds} seeds, "
            f"{result.epochs} epochs. Means ± std across seeds, over the runs that did not "
            "diverge."
        )
        down_left, down_right = st.columns(2)
        down_left.download_button("Results (CSV)", lambda: table.to_csv(index=False),
                                  "training.csv", "text/csv", on_click="ignore",
                                  icon=":material/download:")
        down_right.download_button("Every epoch (CSV)", lambda: result.history.to_csv(index=False),
                                   "training_history.csv", "text/csv",
                                   icon=":material/download:")
        return st.container()        # the charts menu, filled once every chart is drawn


def curve_options():
    """Log scale and band across seeds, for the loss and accuracy charts."""
    log_y = st.toggle("Log scale", STATE.default("logy"), key=KEY("logy"), bind="query-params")
    band = st.segmented_control("Band across seeds", BANDS, default=STATE.default("band"),
                                key=KEY("band"), bind="query-params", label_visibility="collapsed",
                                required=True)
    return log_y, band


def show_loss(config, result, log_y, band):
    """Loss per epoch: mean line and band across seeds per initializer."""
    task = result.dataset.task
    chart_file.draw(spec_cache(("legend", config), lambda: charts.legend_chart(result.runs)))
    chart_file.grid(spec_cache(("loss", config, log_y, band), lambda: charts.curve_chart(
        curves(result.history), divergences(result.history), log_y=log_y, band=band)), 2)
    loss_name = {"binary": "binary cross-entropy", "multiclass": "cross-entropy",
                 "regression": "mean squared error"}[task]
    st.caption(
        f"**What am I looking at?** The {loss_name} after each epoch (epoch 0: before "
        "training), on the data the network learns from (left) and on held-out data (right). "
        "Each line is the mean over the seeds of one initializer and the band shows how much "
        "the seeds disagree. A flat line at the start is a plateau; ✕ at the top edge marks a "
        "run that diverged (its loss became infinite or NaN; it is left out of the mean and "
        "off the axis). Lines that coincide hide each other: point at one to highlight it."
    )


def show_accuracy(config, result, band):
    if result.dataset.task != "regression":
        st.subheader("Accuracy")
        chart_file.grid(spec_cache(("accuracy", config, band), lambda: charts.curve_chart(
            curves(result.history, "accuracy"), divergences(result.history, "accuracy"),
            metric="accuracy", band=band)), 2)
        st.caption("Fraction of points classified correctly. 0.5 on two balanced classes is "
                   "a coin flip. A net stuck at the loss of a coin flip (ln 2 ≈ 0.693) can still "
                   "score above 0.5: its outputs are tiny, but their sign may already split "
                   "the classes.")


# Session key of the configuration whose boundaries are playing (not a setting of the page);
# a bare string here would be drawn on the page by Streamlit's magic.
PLAYING = "_initviz_playing_boundaries"
FRAME_SECONDS = 0.45


def _toggle_play(config, epochs):
    key = KEY("bepoch")
    if st.session_state.get(PLAYING) == config:
        st.session_state[PLAYING] = None
        return
    st.session_state[PLAYING] = config
    if st.session_state.get(key, epochs[-1]) == epochs[-1]:    # from the start again
        st.session_state[key] = epochs[0]


def show_boundaries(config, result, preview, seeds):
    """What each network predicts over the plane at a chosen epoch and seed, with a player."""
    st.subheader("Decision boundaries")
    playing = st.session_state.get(PLAYING) == config
    st.fragment(_boundary_frames, run_every=FRAME_SECONDS if playing else None)(
        config, result, preview, seeds, playing)
    st.caption(
        "**What am I looking at?** What each network predicts everywhere in the plane at the "
        "chosen epoch (one seed), with the training points on top. Press play, or scrub the "
        "epoch, to watch the boundary form: a network that has not broken symmetry draws a "
        "single straight line or nothing, a saturated one draws a jagged boundary."
    )


def _next_frame(epochs):
    """Advance the player by one recorded epoch; stop it at the last."""
    key = KEY("bepoch")
    position = epochs.index(st.session_state.get(key, epochs[-1]))
    if position + 1 < len(epochs):
        st.session_state[key] = epochs[position + 1]
    else:
        st.session_state[PLAYING] = None
        st.rerun()                   # the whole page, so that the timer stops


def _boundary_frames(config, result, preview, seeds, playing):
    """The player: its controls, the loss with the epoch marked, and the boundaries.

    A fragment: while playing it reruns alone every FRAME_SECONDS, one recorded epoch further
    each time, without running the page (its frames' specs are cached after the first play)."""
    epochs = list(result.boundaries.epochs)
    if (st.session_state.get(PLAYING) == config) != playing:
        st.rerun()                   # play or pause pressed: start or stop the timer
    if playing:
        _next_frame(epochs)
    play_col, epoch_col, seed_col = st.columns([1, 4, 1], vertical_alignment="bottom")
    play_col.button("Pause" if playing else "Play", icon=":material/pause:" if playing else
                    ":material/play_arrow:", on_click=_toggle_play, args=(config, epochs),
                    key="train.play", width="stretch")
    last = {} if KEY("bepoch") in st.session_state else {"value": epochs[-1]}  # else: playing
    shown_epoch = epoch_col.select_slider("Epoch", epochs, key=KEY("bepoch"),
                                          bind="query-params", **last)
    shown_seed = seed_col.selectbox("Seed", seeds, key=KEY("bseed"), bind="query-params")
    chart_file.draw(spec_cache(("epoch marker", config, shown_epoch), lambda: (
        charts.epoch_marker_chart(curves(result.history), shown_epoch,
                                  divergences(result.history)))))
    panels = spec_cache(("boundaries", config, shown_epoch, shown_seed),
                         lambda: charts.boundary_chart(
                             boundary_frame(result, shown_epoch, shown_seed),
                             preview[preview["split"] == "train"],
                             result.dataset.n_classes))
    chart_file.grid(panels, min(4, len(panels)))


def show_gradients(config, result):
    """Gradient norm of each layer's weights over the epochs."""
    st.subheader("Gradients")
    panels = spec_cache(("gradients", config), lambda: charts.grad_norm_chart(
        curves(result.grad_norms, "grad_norm", by=("initializer", "layer")),
        divergences(result.history)))
    chart_file.grid(panels, min(4, len(panels)))
    st.caption(
        "**What am I looking at?** The size of the gradient of each weight matrix, averaged "
        "over the epoch's steps and the seeds. Gradients that shrink towards the input layer "
        "vanish, which is why a too-small initialization learns so slowly; zero gradients "
        "cannot be drawn on a log axis and are left out."
    )


st.title("Training: only the initialization differs")
st.caption(
    "Every initializer × seed trains the same small MLP on the same data with the same "
    "optimizer, all at once. Only the starting weights differ, so every difference between "
    "the curves comes from the initialization."
)
open_from_url(STATE)
bar = toolbar()

with st.sidebar, st.form("setup", border=False):
    st.header("Data")
    data = st.selectbox("Dataset", iv.DATASETS, iv.DATASETS.index(STATE.default("data")),
                        key=KEY("data"), bind="query-params",
                        help="\n".join(f"- **{k}**: {s.summary}" for k, s in SOURCES.items()))
    n_samples = int_input(STATE, "n", "Samples (generated datasets)", 20, MAX_TRAIN_SAMPLES,
                          help="70 % train, 30 % validation. iris, wine, breast_cancer, digits "
                          "and diabetes have a fixed size.")
    noise = st.number_input("Noise", 0.0, 100.0, STATE.default("noise"), step=0.05,
                            key=KEY("noise"), bind="query-params",
                            help="What noise means depends on the dataset (see Dataset).")
    upload = uploaded_dataset(STATE)
    st.header("Network")
    layers = st.slider("Hidden layers", 0, MAX_HIDDEN_LAYERS, STATE.default("layers"),
                       key=KEY("layers"), bind="query-params")
    width = int_input(STATE, "width", "Units per hidden layer", 1, MAX_HIDDEN_WIDTH)
    activation = st.selectbox("Activation", ACTIVATIONS, ACTIVATIONS.index(STATE.default("act")),
                              key=KEY("act"), bind="query-params")
    residual = st.selectbox(
        "Residual", list(RESIDUAL_LABELS), list(RESIDUAL_LABELS).index(STATE.default("residual")),
        format_func=RESIDUAL_LABELS.get, key=KEY("residual"), bind="query-params",
        help="plain: a stack of layers. Otherwise hidden layers 2.. are blocks x + α·(φ(x) W + b): "
        "α = 1, α = 1/√L, GPT-2 (branch std / √(2L)), ReZero (a learned α, 0 at first) or Fixup "
        "(the branch's layer zero). Needs 2+ hidden layers of one width.")
    st.header("Optimizer")
    optimizer = st.selectbox("Optimizer", OPTIMIZERS, OPTIMIZERS.index(STATE.default("opt")),
                             format_func=OPTIMIZER_LABELS.get, key=KEY("opt"),
                             bind="query-params")
    lr = st.number_input("Learning rate", 1e-5, 10.0, STATE.default("lr"), step=0.01,
                         format="%.4g", key=KEY("lr"), bind="query-params")
    epochs = int_input(STATE, "epochs", "Epochs", 1, MAX_EPOCHS)
    batch = st.selectbox("Batch size", BATCHES, BATCHES.index(STATE.default("batch")),
                         key=KEY("batch"), bind="query-params",
                         help="Minibatches are shuffled every epoch; each seed its own way.")
    st.header("Initialization")
    flavor = flavor_picker(STATE)
    specs = initializer_picker(STATE, flavor=flavor)
    bias_rule = st.selectbox(
        "Biases", list(BIAS_LABELS), list(BIAS_LABELS).index(STATE.default("bias")),
        format_func=BIAS_LABELS.get, key=KEY("bias"), bind="query-params",
        help="As the framework does: PyTorch's nn.Linear draws U(±1/√fan_in), scikit-learn's MLP "
        "the same uniform as its weights, Keras and Flax start from zeros.")
    bias_value = (st.number_input("Bias value", -10.0, 10.0, STATE.default("bias_value"),
                                  step=0.01, key=KEY("bias_value"), bind="query-params")
                  if bias_rule == "constant" else 0.0)
    n_seeds = st.slider("Seeds per initializer", 1, 10, STATE.default("seeds"), key=KEY("seeds"),
                        bind="query-params")
    first_seed = seed_input(STATE)
    st.form_submit_button("Train", type="primary", icon=":material/play_arrow:",
                          width="stretch")
with bar:
    scenario_menu(STATE)
    log_y, band = curve_options()
report_ignored(STATE)
if not specs:
    st.info("Pick at least one initializer in the sidebar, then press Train.")
    st.stop()
seeds = tuple(range(first_seed, first_seed + n_seeds))
hidden_layers = (width,) * layers
batch_size = None if batch == BATCHES[0] else int(batch)
scaling = None if residual == "plain" else residual
bias = "framework" if bias_rule == "framework" else bias_value
chart_file = ChartFile("Training")
spec_cache = session_spec if upload else cached_spec
config = (upload.key if upload else data, n_samples, noise, tuple(specs), seeds, hidden_layers,
          activation, optimizer, lr, epochs, batch_size, flavor, scaling, bias)
load_line = (f"import pandas as pd\n{load_code(upload)}" if upload else
             f"data = iv.load_dataset({data!r}, n_samples={n_samples}, noise={noise:g})")
with bar:
    share_link()
    notebook_snippet(
        "import initviz as iv\n\n"
        f"{load_line}\n"
        f"result = iv.train(data, {list(specs)!r},\n"
        f"                  seeds={list(seeds)!r}, hidden={list(hidden_layers)!r}, "
        f"activation={activation!r},\n"
        f"                  optimizer={optimizer!r}, lr={lr:g}, epochs={epochs}, "
        f"batch_size={batch_size!r}, flavor={flavor!r}"
        + (f", residual={scaling!r}" if scaling else "")
        + (f", bias={bias!r}" if bias else "") + ")\n"
        "result.history  # one row per run, epoch and split: loss, accuracy",
        download=lambda: notebook_button(STATE, upload),
    )
result = or_stop(_train, *config)
preview, axes = TABLES.get(("preview", config[:3]), lambda: preview_frame(result.dataset))
show_loss(config, result, log_y, band)
show_note(STATE, st.container())
menu_place = show_data_and_results(config, result, preview, axes, len(specs), n_seeds)
show_accuracy(config, result, band)
if result.boundaries is not None:
    show_boundaries(config, result, preview, seeds)
show_gradients(config, result)
chart_file.button(menu_place)
