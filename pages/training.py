"""Training: the same data and network, only the initialization differs; watch the curves."""

import streamlit as st

import initviz as iv
from initviz.activations import ACTIVATIONS
from initviz.charts import training as charts
from initviz.datasets import SOURCES, preview_frame
from initviz.limits import MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_HIDDEN_WIDTH, MAX_TRAIN_SAMPLES
from initviz.optimizers import OPTIMIZERS
from initviz.results import boundary_frame, curves, divergences, summarize
from ui.sharing import hidden, notebook_snippet, share_link
from ui.widgets import flavor_picker, initializer_picker, int_input, seed_input

BATCHES = ["full batch", "16", "32", "64", "128", "256"]
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}
DEFAULTS = {
    "data": "moons", "n": 500.0, "noise": 0.2, "layers": 3, "width": 32.0, "act": "tanh",
    "opt": "sgd", "lr": 0.5, "epochs": 300.0, "batch": "full batch", "seeds": 3,
    "init": ["zeros", "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_uniform",
             "he_normal"],
}
PRESETS = {
    "tanh: zeros, too small, too large, Xavier, He": (
        {},
        "**Zeros** never leaves ln 2 ≈ 0.693: every unit of a layer computes the same thing and "
        "gets the same update, so the net stays as good as one unit. **0.01·N(0,1)** starts on "
        "the same plateau, because the signal and the gradient shrink at every layer. "
        "**N(0,1)** saturates the tanh units yet fits the training set fastest on this tiny "
        "problem; look at its validation curve and its jagged boundary. **Xavier** and **He** "
        "learn smoothly.",
    ),
    "Deep ReLU on circles: He vs Xavier": (
        dict(data="circles", layers=6, width=32.0, act="relu", lr=0.05,
             init=["random_normal(stddev=0.01)", "glorot_normal", "he_normal",
                   "random_normal(stddev=1)"]),
        "Six ReLU layers. **He** (variance 2/fan_in) keeps the signal's scale through the "
        "depth and learns first; **Xavier** loses half of it per layer and starts slower. "
        "**N(0,1)** explodes: the loss is astronomically large at once and the runs diverge "
        "(✕). **0.01·N(0,1)** never gets a gradient through.",
    ),
    "Adam vs a too-small init": (
        dict(layers=2, opt="adam", lr=0.01),
        "Adam divides each step by the gradient's running scale, so **0.01·N(0,1)** escapes "
        "the plateau that holds it under SGD. **Zeros** still cannot: Adam rescales, but "
        "identical units still get identical updates.",
    ),
}


def _apply(values):
    """Set the widgets of a preset (the rest back to their defaults)."""
    for key, value in (DEFAULTS | values).items():
        st.session_state[key] = value


def _matches(values):
    return all(st.session_state.get(key) == value for key, value in (DEFAULTS | values).items())


@st.cache_data(max_entries=16, show_spinner=False)
def _train(data, n_samples, noise, specs, seeds, hidden_layers, activation, optimizer, lr,
           epochs, batch_size, flavor):
    bar = st.progress(0.0, text="Training…")

    def report(done, total):
        bar.progress(done / total, text=f"Training every run at once… epoch {done} of {total}")

    dataset = iv.load_dataset(data, n_samples, noise)
    result = iv.train(dataset, list(specs), list(seeds), hidden_layers, activation, optimizer,
                      lr, epochs, batch_size, flavor, on_progress=report)
    bar.empty()
    return result


def _mean_std(mean, std, digits=3):
    text = mean.map(lambda m: f"{m:.{digits}f}")
    return (text + std.map(lambda s: f" ± {s:.{digits}f}" if s == s else "")).where(
        mean.notna(), "—")


def _results_table(table, classify):
    """The summary as text for reading: mean ± std, counts."""
    shown = {"Initializer": table["initializer"],
             "Final train loss": _mean_std(table["final_train_loss_mean"],
                                           table["final_train_loss_std"]),
             "Final val loss": _mean_std(table["final_val_loss_mean"],
                                         table["final_val_loss_std"])}
    if classify:
        shown["Final val accuracy"] = _mean_std(table["final_val_accuracy_mean"],
                                                table["final_val_accuracy_std"])
    shown["Epochs to target"] = table["epochs_to_target"].map(
        lambda e: f"{e:.0f}" if e == e else "never")
    shown["Reached / runs"] = (table["reached_target"].astype(str) + " / "
                               + table["runs"].astype(str))
    shown["Diverged"] = table["diverged"]
    return shown


for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)

st.title("Training: same data, same network, different initialization")
st.caption(
    "Every initializer × seed trains the same small MLP on the same data with the same "
    "optimizer, all at once. Only the starting weights differ, so every difference between "
    "the curves comes from the initialization."
)

if not hidden("presets"):
    for column, (name, (values, _)) in zip(st.columns(len(PRESETS)), PRESETS.items(),
                                            strict=True):
        column.button(name, on_click=_apply, args=(values,), width="stretch")
    for values, note in PRESETS.values():
        if _matches(values):
            st.info(note, icon=":material/visibility:")

with st.sidebar, st.form("setup", border=False):
    st.header("Data")
    data = st.selectbox("Dataset", iv.DATASETS, key="data", bind="query-params",
                        help="\n".join(f"- **{k}**: {s.summary}" for k, s in SOURCES.items()))
    n_samples = int_input("Samples (generated datasets)", 20, MAX_TRAIN_SAMPLES, DEFAULTS["n"],
                          key="n", help="70 % train, 30 % validation. iris, wine, "
                          "breast_cancer, digits and diabetes have a fixed size.")
    noise = st.number_input("Noise", 0.0, 100.0, step=0.05, key="noise", bind="query-params",
                            help="What noise means depends on the dataset (see Dataset).")
    st.header("Network")
    layers = st.slider("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="layers", bind="query-params")
    width = int_input("Units per hidden layer", 1, MAX_HIDDEN_WIDTH, DEFAULTS["width"],
                      key="width")
    activation = st.selectbox("Activation", ACTIVATIONS, key="act", bind="query-params")
    st.header("Optimizer")
    optimizer = st.selectbox("Optimizer", OPTIMIZERS, format_func=OPTIMIZER_LABELS.get,
                             key="opt", bind="query-params")
    lr = st.number_input("Learning rate", 1e-5, 10.0, step=0.01, format="%.4g", key="lr",
                         bind="query-params")
    epochs = int_input("Epochs", 1, MAX_EPOCHS, DEFAULTS["epochs"], key="epochs")
    batch = st.selectbox("Batch size", BATCHES, key="batch", bind="query-params",
                         help="Minibatches are shuffled every epoch; each seed its own way.")
    st.header("Initialization")
    flavor = flavor_picker()
    specs = initializer_picker(DEFAULTS["init"], key="init", flavor=flavor)
    n_seeds = st.slider("Seeds per initializer", 1, 10, key="seeds", bind="query-params")
    first_seed = seed_input()
    st.form_submit_button("Train", type="primary", icon=":material/play_arrow:",
                          width="stretch")

if not specs:
    st.info("Pick at least one initializer in the sidebar, then press Train.")
    st.stop()
seeds = tuple(range(first_seed, first_seed + n_seeds))
hidden_layers = (width,) * layers
batch_size = None if batch == BATCHES[0] else int(batch)
try:
    result = _train(data, n_samples, noise, tuple(specs), seeds, hidden_layers, activation,
                    optimizer, lr, epochs, batch_size, flavor)
except iv.InputError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()

dataset = result.dataset
classify = dataset.task != "regression"
share_link()

left, right = st.columns([2, 3])
with left:
    st.subheader("The data")
    preview, axes = preview_frame(dataset)
    st.altair_chart(charts.dataset_chart(preview, regression=not classify), width="content")
    st.caption(
        f"**{dataset.name}** ({SOURCES[dataset.name].summary}): {len(dataset.X_train)} "
        f"training dots, {len(dataset.X_val)} validation triangles, standardized. Axes: {axes}."
    )
with right:
    st.subheader("Results")
    target = st.number_input("Target training loss", 0.0, 100.0, 0.2, step=0.05,
                             key="target", bind="query-params",
                             help="'Epochs to target' is the first epoch whose training loss "
                             "is at most this, averaged over the runs that got there.")
    table = summarize(result, target_loss=target)
    st.dataframe(_results_table(table, classify), hide_index=True)
    st.caption(
        f"{result.runs.shape[0]} runs: {len(specs)} initializers × {n_seeds} seeds, "
        f"{result.epochs} epochs. Means ± std across seeds, over the runs that did not diverge."
    )
    down_left, down_right = st.columns(2)
    down_left.download_button("Results (CSV)", table.to_csv(index=False), "training.csv",
                              "text/csv", icon=":material/download:")
    down_right.download_button("Every epoch (CSV)", result.history.to_csv(index=False),
                               "training_history.csv", "text/csv",
                               icon=":material/download:")

st.subheader("Loss")
log_col, band_col = st.columns(2)
log_y = log_col.toggle("Log scale", True, key="logy", bind="query-params")
band = band_col.radio("Band across seeds", charts.BANDS, horizontal=True, key="band",
                      bind="query-params")
st.altair_chart(charts.curve_chart(curves(result.history), divergences(result.history),
                                   log_y=log_y, band=band), width="content")
loss_name = {"binary": "binary cross-entropy", "multiclass": "cross-entropy",
             "regression": "mean squared error"}[dataset.task]
st.caption(
    f"**What am I looking at?** The {loss_name} after each epoch (epoch 0: before training), "
    "on the data the network learns from (left) and on held-out data (right). Each line is "
    "the mean over the seeds of one initializer and the band shows how much the seeds "
    "disagree. A flat line at the start is a plateau; ✕ marks a run whose loss became "
    "infinite or NaN (it is frozen there and left out of the mean). Click a legend entry to "
    "highlight one initializer."
)

if classify:
    st.subheader("Accuracy")
    st.altair_chart(charts.curve_chart(curves(result.history, "accuracy"),
                                       divergences(result.history, "accuracy"),
                                       metric="accuracy", band=band), width="content")
    st.caption(
        "Fraction of points classified correctly. 0.5 on two balanced classes is a coin flip."
    )

if result.boundaries is not None:
    st.subheader("Decision boundaries")
    epoch_col, seed_col = st.columns([3, 1])
    shown_epoch = epoch_col.select_slider("Epoch", result.boundaries.epochs,
                                          value=result.boundaries.epochs[-1], key="bepoch",
                                          bind="query-params")
    shown_seed = seed_col.selectbox("Seed", seeds, key="bseed", bind="query-params")
    points = preview[preview["split"] == "train"]
    st.altair_chart(charts.boundary_chart(boundary_frame(result, shown_epoch, shown_seed),
                                          points, dataset.n_classes), width="content")
    st.caption(
        "**What am I looking at?** What each network predicts everywhere in the plane at the "
        "chosen epoch (one seed), with the training points on top. Scrub the epoch to watch "
        "the boundary form: a network that has not broken symmetry draws a single straight "
        "line or nothing, a saturated one draws a jagged boundary."
    )

st.subheader("Gradients")
st.altair_chart(charts.grad_norm_chart(curves(result.grad_norms, "grad_norm",
                                              by=("initializer", "layer"))), width="content")
st.caption(
    "**What am I looking at?** The size of the gradient of each weight matrix, averaged over "
    "the epoch's steps and the seeds. Gradients that shrink towards the input layer vanish, "
    "which is why a too-small initialization learns so slowly; zero gradients cannot be "
    "drawn on a log axis and are left out."
)

notebook_snippet(
    "import initviz as iv\n\n"
    f"data = iv.load_dataset({data!r}, n_samples={n_samples}, noise={noise:g})\n"
    f"result = iv.train(data, {list(specs)!r},\n"
    f"                  seeds={list(seeds)!r}, hidden={list(hidden_layers)!r}, "
    f"activation={activation!r},\n"
    f"                  optimizer={optimizer!r}, lr={lr:g}, epochs={epochs}, "
    f"batch_size={batch_size!r}, flavor={flavor!r})\n"
    "result.history  # one row per run, epoch and split: loss, accuracy"
)
