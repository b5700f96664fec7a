"""Every page's widgets with their defaults: the schema a page's widgets, its URL, its scenarios
and the URL check all go through."""

from initviz.propagation import default_layers
from ui.pagestate import PageState

NAVIGATION = [
    ("views/home.py", "Home", ":material/home:"),
    ("views/distributions.py", "Distributions", ":material/bar_chart:"),
    ("views/propagation.py", "Propagation", ":material/waves:"),
    ("views/spectra.py", "Spectra", ":material/ssid_chart:"),
    ("views/chaos.py", "Edge of chaos", ":material/blur_on:"),
    ("views/training.py", "Training", ":material/model_training:"),
    ("views/theory.py", "Theory", ":material/functions:"),
]
"""The app's pages in the order of its navigation: script, title, icon."""
FLAVOR_LABELS = {"keras": "Keras", "pytorch": "PyTorch", "jax": "JAX / Flax"}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}
LAYER_KINDS = {"dense": "Dense", "conv": "Conv2D"}
BATCHES = ["full batch", "16", "32", "64", "128", "256"]
BANDS = ("min–max", "±1 std")
SAMPLE_CHOICES = [100, 250, 500, 1000, 2000]
BIAS_LABELS = {"zeros": "zeros", "framework": "as the framework does", "constant": "a constant"}
RESIDUAL_LABELS = {"plain": "plain", "none": "α = 1", "sqrt_depth": "1/√L", "gpt2": "GPT-2",
                   "rezero": "ReZero", "fixup": "Fixup"}
"""Training's net: a plain stack, or residual blocks with each branch scaling
(`initviz.residual`; "plain" is ``residual=None``)."""


def _propagation_layers(config):
    """The histogram layers follow the depth unless they are given."""
    if config["layers"] is None:
        config = config | {"layers": default_layers(config["depth"])}
    return config


DISTRIBUTIONS = PageState("dist", "views/distributions.py", {
    "layer": "dense", "fan_in": 784.0, "fan_out": 256.0, "kh": 3.0, "kw": 3.0, "in_ch": 64.0,
    "out_ch": 128.0, "flavor": "keras", "compare": False,
    "init": ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal"],
    "seed": 0.0, "bins": 60, "shared_x": True,
}, labels={"flavor": FLAVOR_LABELS, "layer": LAYER_KINDS})

PROPAGATION = PageState("prop", "views/propagation.py", {
    "flavor": "keras",
    "init": ["random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"],
    "act": "tanh", "slope": 0.01, "depth": 10, "width": 500.0, "samples": 500, "bias": 0.0,
    "seed": 0.0, "layers": None,
}, labels={"flavor": FLAVOR_LABELS}, derive=_propagation_layers)

TRAINING = PageState("train", "views/training.py", {
    "data": "moons", "n": 500.0, "noise": 0.2, "layers": 3, "width": 32.0, "act": "tanh",
    "opt": "sgd", "lr": 0.5, "epochs": 300.0, "batch": "full batch", "flavor": "keras",
    "init": ["zeros", "random_normal(stddev=1)", "glorot_uniform", "he_normal"],
    "seeds": 3, "seed": 0.0, "target": 0.2, "logy": True, "band": BANDS[0],
    "bepoch": None, "bseed": None,    # follow the result: its last epoch, its first seed
    "residual": "plain", "bias": "zeros", "bias_value": 0.01,
}, labels={"flavor": FLAVOR_LABELS, "opt": OPTIMIZER_LABELS, "residual": RESIDUAL_LABELS,
           "bias": BIAS_LABELS})

SPECTRA_VIEWS = {"spectra": "Jacobian spectra", "residual": "Residual nets"}
NETS = ["plain", "none", "sqrt_depth", "gpt2", "rezero", "fixup"]
"""The nets the Spectra page's residual view compares: a plain stack and each branch scaling."""

SPECTRA = PageState("spec", "views/spectra.py", {
    "view": "spectra", "flavor": "keras", "init": ["orthogonal", "glorot_normal"], "act": "tanh",
    "depth": 100, "width": 256.0, "inputs": 1, "seed": 0.0,
    "rinit": "he_normal", "ract": "relu", "rdepth": 50, "nets": NETS,
}, labels={"flavor": FLAVOR_LABELS, "view": SPECTRA_VIEWS})

CHAOS = PageState("chaos", "views/chaos.py", {
    "act": "tanh", "w": 1.76, "b": 0.05, "width": 32.0,
    "epochs": 300.0, "twidth": 32.0, "seeds": 1,
})
"""Edge of chaos: the chosen point (σ_w², σ_b²), the width the initializers are placed at, and
the trainability experiment's budget."""

STATES = {state.script: state for state in (DISTRIBUTIONS, PROPAGATION, TRAINING, SPECTRA,
                                             CHAOS)}
"""The state of each page script that has widgets."""
