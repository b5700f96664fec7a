"""A page's current view as a ready Jupyter notebook: the initviz calls that reproduce it, the
same charts drawn with initviz.charts, and a markdown cell saying what the view shows.

One builder per page takes the page's configuration (`PageState.current()`) and returns the
notebook's JSON text. User text (specs, file names) goes into code cells as Python literals,
never into markdown. nbformat is imported when a notebook is built, on click.
"""

from functools import partial

import streamlit as st

import initviz as iv
from ui.pages import BATCHES, DISTRIBUTIONS, FLAVOR_LABELS, PROPAGATION, TRAINING
from ui.scenarios import for_page
from ui.sharing import hidden
from ui.upload import load_code

SETUP = '''import altair as alt
from IPython.display import display

import initviz as iv

alt.data_transformers.disable_max_rows()   # the data is binned or summarized, as in the app
# Charts drawn as SVG on this machine by vl-convert: no internet needed. For interactive charts
# (tooltips, highlighting) that load Vega from the web: alt.renderers.enable("default")
alt.renderers.enable("svg")


@alt.theme.register("cell_width", enable=True)
def cell_width():
    """The app's charts fill their container: here, as wide as a notebook cell."""
    return {"config": {"view": {"continuousWidth": 640}}}


def show(charts):
    """Draw a chart, or a list of charts one under the other."""
    for chart in charts if isinstance(charts, list) else [charts]:
        display(chart)'''
ABOUT = {
    "dist": "one layer's weight matrix sampled with several initializers, held against each "
            "initializer's formula: histogram and density, spread, hard bounds, and how the "
            "spread follows fan_in.",
    "prop": "a unit-Gaussian batch going up a stack of square layers and a gradient coming "
            "back down: the std per layer, measured and predicted by mean-field theory, and "
            "the activations' histograms.",
    "train": "the same small MLP trained from several initializations at once on the same "
             "data with the same optimizer, so every difference between the curves comes from "
             "the initialization.",
}
"""Page prefix -> what its view shows, when no scenario is on."""


def _scenario(state, config):
    """The scenario whose configuration `config` holds, or None."""
    session = {state.key(name): value for name, value in config.items()}
    return next((s for s in for_page(state) if state.holds(s.values, session)), None)


def _intro(state, config, title):
    scenario = _scenario(state, config)
    shows = (f"**Scenario: {scenario.title}.** {scenario.note}" if scenario else
             f"This view shows {ABOUT[state.prefix]}")
    return (f"# initviz · {title}\n\n{shows}\n\nThe cells below reproduce the page's view with "
            "the `initviz` library (same settings, same seeds, so the same numbers) and draw "
            "its charts with `initviz.charts`. Run them in the initviz repository after "
            "`pip install -r requirements.txt`.")


def _specs(texts, flavor=None):
    """The canonical labels of the specs a page keeps of `texts` (valid, in `flavor`)."""
    labels = []
    for text in texts:
        try:
            spec = iv.resolve(text)
        except iv.InputError:
            continue
        if (flavor is None or flavor in spec.entry.flavors) and spec.label not in labels:
            labels.append(spec.label)
    return labels


def _notebook(intro, cells):
    """Notebook JSON: the intro, the setup, then `cells` ("# " starts a markdown cell)."""
    import nbformat  # loaded on the first notebook, not with the page

    made = [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_code_cell(SETUP)]
    for cell in cells:
        made.append(nbformat.v4.new_markdown_cell(cell) if cell.startswith("#")
                    else nbformat.v4.new_code_cell(cell))
    notebook = nbformat.v4.new_notebook(cells=made, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.validate(notebook)
    return nbformat.writes(notebook)


def distributions_notebook(config):
    """The Distributions page's view as notebook JSON."""
    dense = config["layer"] == "dense"
    names = ("fan_in", "fan_out") if dense else ("kh", "kw", "in_ch", "out_ch")
    shape = tuple(int(config[name]) for name in names)
    flavors = ("keras", "pytorch") if config["compare"] else (config["flavor"],)
    specs = _specs(config["init"], None if config["compare"] else config["flavor"])
    return _notebook(_intro(DISTRIBUTIONS, config, "Distributions"), [
        f"specs = {specs!r}\nshape = {shape!r}\nseed = {int(config['seed'])}\n"
        f"flavors = {flavors!r}\nbins = {config['bins']}\nshared_x = {config['shared_x']!r}\n"
        f"flavor_names = {FLAVOR_LABELS!r}",
        "from initviz import histograms as hg\n"
        "from initviz.charts import distributions as charts\n\n"
        "results = []\n"
        "for spec in specs:\n"
        "    for flavor in flavors:\n"
        "        try:\n"
        "            results.append(hg.histogram(spec, shape, seed, flavor, bins))\n"
        "        except iv.InputError as error:   # not defined in this flavour: skipped\n"
        "            print(f'{spec} ({flavor_names[flavor]}): {error}')\n"
        "result = hg.combine(results)\n"
        "result.stats",
        "## Sampled weights against theory",
        "show(charts.legend_chart(result))\n"
        "show(charts.histogram_chart(result, shared_x, flavor_names))",
        "## How the std scales with fan_in",
        "fan_in, fan_out = iv.fans(shape)\n"
        "show(charts.fan_in_chart(hg.std_vs_fan_in(fan_out, fan_in)))",
    ])


def propagation_notebook(config):
    """The Propagation page's view as notebook JSON."""
    activation = (f"leaky_relu(slope={config['slope']:g})" if config["act"] == "leaky_relu"
                  else config["act"])
    layers = sorted(PROPAGATION.config(config)["layers"]) or [config["depth"]]
    return _notebook(_intro(PROPAGATION, config, "Propagation"), [
        f"specs = {_specs(config['init'], config['flavor'])!r}\nactivation = {activation!r}\n"
        f"depth = {config['depth']}\nwidth = {int(config['width'])}\n"
        f"n_samples = {config['samples']}\nbias_std = {config['bias']:g}\n"
        f"seed = {int(config['seed'])}\nflavor = {config['flavor']!r}\nlayers = {layers!r}",
        "from initviz import meanfield\n"
        "from initviz.activations import get_activation\n"
        "from initviz.charts import propagation as charts\n"
        "from initviz.propagation import fit_samples, propagation_report\n\n"
        "# The library keeps the demo's caps: a net too large for them is measured on fewer\n"
        "# samples, as on the page.\n"
        "n_samples = fit_samples(specs, activation, depth, width, n_samples, layers, seed, "
        "flavor,\n"
        "                        bias_std) or n_samples\n"
        "table, hist = propagation_report(specs, activation, depth, width, layers, "
        "n_samples=n_samples,\n"
        "                                 seed=seed, flavor=flavor, bias_std=bias_std)\n"
        "table",
        "## Scale per layer: measured and predicted",
        "show(charts.legend_chart(table))\nshow(charts.std_chart(table))",
        "## Saturated or dead units, and where each initializer puts a wide net",
        "column = {'relu': 'dead_frac', 'tanh': 'saturated_frac', 'sigmoid': 'saturated_frac'}"
        ".get(\n    get_activation(activation).name)\n"
        "if column:\n    show(charts.fraction_chart(table, column))\n"
        "meanfield.criticality(specs, activation, width, flavor, bias_std)",
        "## Activations layer by layer",
        "show(charts.histogram_chart(hist))",
    ])


def training_notebook(config, upload=None):
    """The Training page's view as notebook JSON; `upload` (ui.upload.Upload) is read from its
    file beside the notebook."""
    seed, n_seeds = int(config["seed"]), config["seeds"]
    batch = None if config["batch"] == BATCHES[0] else int(config["batch"])
    load = (f"import pandas as pd\n\n# the file you uploaded, beside this notebook\n"
            f"{load_code(upload)}" if upload else
            f"data = iv.load_dataset({config['data']!r}, n_samples={int(config['n'])}, "
            f"noise={config['noise']:g})")
    epoch = ("result.boundaries.epochs[-1]" if config["bepoch"] is None
             else repr(config["bepoch"]))
    return _notebook(_intro(TRAINING, config, "Training"), [
        f"{load}\nspecs = {_specs(config['init'], config['flavor'])!r}\n"
        f"seeds = {list(range(seed, seed + n_seeds))!r}\n"
        f"hidden = {[int(config['width'])] * config['layers']!r}\n"
        f"log_y, band = {config['logy']!r}, {config['band']!r}",
        "from initviz.charts import training as charts\n"
        "from initviz.datasets import preview_frame\n"
        "from initviz.results import boundary_frame, curves, divergences, summarize\n\n"
        f"result = iv.train(data, specs, seeds=seeds, hidden=hidden, "
        f"activation={config['act']!r},\n"
        f"                  optimizer={config['opt']!r}, lr={config['lr']:g}, "
        f"epochs={int(config['epochs'])}, batch_size={batch!r},\n"
        f"                  flavor={config['flavor']!r}"
        + ("" if config["residual"] == "plain" else f", residual={config['residual']!r}")
        + {"zeros": "", "framework": ", bias='framework'"}.get(
            config["bias"], f", bias={config['bias_value']:g}")
        + ")\n"
        f"summarize(result, target_loss={config['target']:g})",
        "## Loss per epoch",
        "show(charts.legend_chart(result.runs))\n"
        "show(charts.curve_chart(curves(result.history), divergences(result.history), "
        "log_y=log_y, band=band))",
        "## The data",
        "preview, axes = preview_frame(result.dataset)\nprint('Axes:', axes)\n"
        "show(charts.dataset_chart(preview, regression=result.dataset.task == 'regression'))",
        "## Accuracy, decision boundaries, gradients",
        "if result.dataset.task != 'regression':\n"
        "    show(charts.curve_chart(curves(result.history, 'accuracy'),\n"
        "                            divergences(result.history, 'accuracy'), "
        "metric='accuracy', band=band))\n"
        "if result.boundaries is not None:   # 2-D data only\n"
        f"    epoch, seed = {epoch}, "
        f"{config['bseed'] if config['bseed'] is not None else 'seeds[0]'}\n"
        "    points = preview[preview['split'] == 'train']\n"
        "    show(charts.epoch_marker_chart(curves(result.history), epoch, "
        "divergences(result.history)))\n"
        "    show(charts.boundary_chart(boundary_frame(result, epoch, seed), points,\n"
        "                               result.dataset.n_classes))\n"
        "show(charts.grad_norm_chart(curves(result.grad_norms, 'grad_norm', "
        "by=('initializer', 'layer')),\n"
        "                            divergences(result.history)))",
    ])


BUILDERS = {"dist": distributions_notebook, "prop": propagation_notebook,
            "train": training_notebook}
"""Page prefix -> its notebook builder."""


def notebook_button(state, upload=None):
    """Download of the page's current view as a notebook, built when clicked (hidden with the
    code in instructor mode)."""
    if hidden("code"):
        return
    build = partial(BUILDERS[state.prefix], state.current())
    if upload is not None:
        build = partial(build, upload=upload)
    name = state.script.removeprefix("views/").removesuffix(".py")
    st.download_button("Notebook", build, f"initviz_{name}.ipynb", "application/x-ipynb+json",
                       on_click="ignore", icon=":material/description:",
                       help="This view as a Jupyter notebook: the initviz calls and the charts.")
