"""Workshop scenarios: a page's complete configuration that makes one point, and what to notice.

A scenario sets every widget of its page (its own values, the page defaults for the rest), so it
looks the same whatever the session did before. Each page shows its scenarios as buttons, with the
note of the one whose configuration the widgets hold; Home links to each as ``?scenario=<slug>``.
tests/test_scenarios.py checks every scenario's point on the numbers the page computes.
"""

from dataclasses import dataclass

import streamlit as st

from ui.pages import CHAOS, DISTRIBUTIONS, PROPAGATION, SPECTRA, TRAINING, PageState
from ui.sharing import hidden
from ui.text import plain
from ui.upload import forget_upload

URL_KEY = "scenario"
"""The URL parameter that opens a page in one of its scenarios."""


@dataclass(frozen=True)
class Scenario:
    state: PageState
    slug: str
    title: str
    values: dict
    """The widgets that differ from the page's defaults."""
    teaser: str
    """Two sentences for Home: what the scenario shows."""
    note: str
    """What to notice, shown on the page while the scenario is on."""

    @property
    def page(self):
        return self.state.script

    def config(self):
        """Every widget of the page as the scenario sets it."""
        return self.state.config(self.values)

    def query_params(self):
        """URL parameters that open the page in this scenario."""
        return {URL_KEY: self.slug}


SCENARIOS = (
    Scenario(
        DISTRIBUTIONS, "too-small-too-large", "Too small / too large",
        {"init": ["random_normal(stddev=0.01)", "glorot_normal", "he_normal"]},
        "A fixed std ignores the layer's size. Glorot and He compute it from fan_in and fan_out.",
        "On one x axis: **0.01·N(0,1)** is a spike 4–5× narrower than **Xavier** "
        "(std √(2/(784+256)) = 0.044) and **He** (√(2/784) = 0.051). A layer multiplies the "
        "signal's std by about √fan_in · std(W): 0.28 for 0.01, so the signal fades by ×0.28 per "
        "layer (see the CS231n scenario on Propagation); ~1.2 and ~1.4 for Xavier and He, "
        "which the activation then brings back towards 1. (N(0,1) would be 20× wider still.)",
    ),
    Scenario(
        DISTRIBUTIONS, "truncated", "Truncated or not",
        {"init": ["glorot_normal", "he_normal"], "compare": True},
        "Keras cuts its normal initializers at ±2σ; PyTorch does not. The variance is the same.",
        "Same name, same variance, different shape: Keras (and JAX) cut glorot_normal and "
        "he_normal at ±2σ and widen σ by 1/0.88 so the variance stays right; PyTorch's "
        "xavier_normal_ and kaiming_normal_ keep the full Gaussian tails.",
    ),
    Scenario(
        DISTRIBUTIONS, "uniform-or-normal", "Uniform or normal",
        {"init": ["he_uniform", "he_normal"], "flavor": "pytorch"},
        "A box and a bell with the same std. For training, the variance is what matters.",
        "He uniform and He normal have the same std, √(2/fan_in): the uniform is a box out to "
        "√3 · std, the normal is a bell with tails. For training, the variance is what matters.",
    ),
    Scenario(
        DISTRIBUTIONS, "framework-defaults", "PyTorch default vs Keras default",
        {"init": ["pytorch_default", "keras_default", "he_uniform"]},
        "Both frameworks start a dense layer from a uniform law, of different widths. "
        "PyTorch's is narrower than Keras' for most layer shapes, and both are narrower than He.",
        "nn.Linear's default U(±1/√fan_in) has std 1/√(3·fan_in) = **0.021** here: √3 below "
        "LeCun and √6 below He. Keras' Dense starts from glorot_uniform, std "
        "√(2/(fan_in+fan_out)) = **0.044**. Fine for a shallow net; see Propagation for what a "
        "deep ReLU stack makes of them.",
    ),
    Scenario(
        PROPAGATION, "cs231n", "CS231n tanh: 0.01 / 1.0 / Xavier", {},     # the page's defaults
        "The classic 10-layer tanh experiment. Too small vanishes, too large saturates, Xavier "
        "keeps the signal alive.",
        "**0.01·N(0,1)** shrinks the signal by ×0.22 per layer: the histograms collapse onto 0 "
        "and the gradient reaching layer 1 is a millionth of the one at the top. **N(0,1)** "
        "pins ~90 % of the units at ±1, where tanh is flat; yet its gradient *grows* ×3.5 per "
        "layer towards the input: the few unsaturated units pass it through weights 22× too "
        "large (χ₁ ≈ 12, the chaotic phase), so it explodes while the signal saturates. "
        "**Xavier** keeps a healthy spread both ways.",
    ),
    Scenario(
        PROPAGATION, "he-vs-xavier", "He vs Xavier on 30-layer ReLU",
        {"init": ["glorot_normal", "he_normal"], "act": "relu", "depth": 30, "width": 256.0},
        "ReLU throws away half the signal at every layer. He doubles the variance to make up "
        "for it; Xavier does not.",
        "ReLU zeroes half of every layer, so **Xavier** (variance 1/n on square layers) halves "
        "E[a²] per layer: 2⁻³⁰ by the top. **He** doubles the variance to 2/n and the std stays "
        "near 0.83 at every depth.",
    ),
    Scenario(
        PROPAGATION, "selu", "SELU self-normalizing",
        {"init": ["lecun_normal", "he_normal", "random_normal(stddev=0.05)"], "act": "selu",
         "depth": 50, "width": 256.0},
        "SELU with LeCun normal holds mean 0 and std 1 through 50 layers. Other variances "
        "drift away.",
        "With **LeCun normal** (σ_w² = 1) SELU holds the activations at std 1 through 50 layers, "
        "and at mean 0 (act_mean in the table: |mean| < 0.05). It needs that variance: with "
        "**He** (σ_w² = 2) the std grows to ~20 and the mean to ~12; with **N(0, 0.05²)** "
        "(σ_w² = 0.64) it sinks to ~0.35.",
    ),
    Scenario(
        PROPAGATION, "orthogonal-linear", "Orthogonal deep linear",
        {"init": ["orthogonal", "glorot_normal", "orthogonal(gain=1.02)"], "act": "linear",
         "depth": 100, "width": 32.0},
        "An orthogonal matrix keeps every vector's length, so 100 linear layers keep the "
        "signal exactly. Gaussian weights of the same variance let it wander.",
        "An **orthogonal** matrix keeps every vector's length, so the std is 1 at all 100 layers, "
        "forwards and backwards. **Xavier**'s Gaussian weights have the same variance but "
        "stretch some directions and shrink others: on these 32-unit layers the std wanders "
        "and ends near 0.6. **Orthogonal ×1.02** grows by exactly 2 % a layer: 1.02¹⁰⁰ ≈ 7.2.",
    ),
    Scenario(
        PROPAGATION, "framework-defaults-relu", "Framework defaults, deep ReLU",
        {"init": ["pytorch_default", "keras_default", "he_normal"], "act": "relu", "depth": 20,
         "width": 256.0},
        "nn.Linear's default and Keras' glorot_uniform both lose signal in a deep ReLU stack, "
        "at very different rates. Only He keeps it.",
        "On square layers **PyTorch's default** has σ_w² = 1/3, so each ReLU layer keeps "
        "√(1/6) ≈ 41 % of the std: after 20 layers about 10⁻⁸ is left. **Keras' default** "
        "(glorot_uniform, σ_w² = 1) keeps 71 %, 10⁻³ after 20. **He** keeps all of it, which is "
        "why deep ReLU code calls kaiming_normal_ instead of trusting the default.",
    ),
    Scenario(
        CHAOS, "train-at-the-edge", "Train at the edge", {},     # the page's defaults
        "On the critical line a tanh net forgets its input only over thousands of layers. "
        "Forty layers still train there.",
        "σ_w² = 1.76 with σ_b² = 0.05 is tanh's critical point (Schoenholz et al. 2017): "
        "χ₁ = 1, so ξ_c runs into the thousands and the cross sits on the dashed line. Two "
        "inputs keep their correlation for many layers, and in the experiment every depth up "
        "to **40 layers** learns the circles (≈ 100 %), as 6·ξ_c promises.",
    ),
    Scenario(
        CHAOS, "too-ordered", "Too ordered", {"w": 1.0},
        "Weights a little too small put the net in the ordered phase. Inputs merge within a "
        "few layers, and deep nets cannot learn.",
        "σ_w² = 1 at σ_b² = 0.05 is ordered: χ₁ ≈ 0.76, so every pair of inputs is pulled to "
        "correlation 1 within ξ_c ≈ 3.6 layers and the top layer sees the same thing for every "
        "point. 6·ξ_c ≈ 22: in the experiment nets up to 20 layers learn, **30 and 40 layers "
        "stay at chance** (≈ 50 %).",
    ),
    Scenario(
        CHAOS, "chaotic", "Chaotic", {"w": 4.0},
        "Weights too large put the net in the chaotic phase. Nearby inputs decorrelate, and "
        "deep nets cannot learn either.",
        "σ_w² = 4 is chaotic: χ₁ ≈ 1.34 > 1, so two inputs, however alike, decorrelate to "
        "c* ≈ 0.17 within ξ_c ≈ 7 layers and the top layer sees noise. Shallow nets still "
        "learn; in the experiment **30 and 40 layers stay near chance**, a little below "
        "Schoenholz et al.'s 6·ξ_c ≈ 42 on this small problem.",
    ),
    Scenario(
        SPECTRA, "orthogonal-tanh", "Orthogonal tanh stays isometric", {},   # the page's defaults
        "Orthogonal and Gaussian weights of the same variance, 100 tanh layers. The orthogonal "
        "net keeps its Jacobian's singular values together; the Gaussian one spreads them over "
        "twelve decades.",
        "Same variance (σ_w² = 1), same tanh, 100 layers. **Orthogonal** weights keep every "
        "singular value within half a decade of the largest, none ≈ 0: a narrow spectrum, "
        "Pennington et al.'s dynamical isometry (its mean s² slowly falls, 0.006 at depth 100, "
        "as the mean-field dashes predict). **Xavier normal**'s Gaussian weights spread it: "
        "from depth ~10 the median drifts decades below the largest, and by 100 more than half "
        "of the directions are crushed below float64's resolution.",
    ),
    Scenario(
        SPECTRA, "linear-isometry", "Deep linear: orthogonal is exact",
        {"act": "linear"},
        "A product of 100 orthogonal matrices is orthogonal: every singular value is exactly 1. "
        "Gaussian matrices of the same variance multiply into a spectrum twelve decades wide.",
        "Linear layers, so J = W₁W₂⋯W₁₀₀. **Orthogonal**: a product of orthogonal matrices is "
        "orthogonal, every singular value is 1 to 1e-15 at every depth (Saxe et al. 2013). "
        "**Xavier normal** has the same mean s² in expectation (σ_w^2L = 1, the dashes) but the "
        "largest singular value grows to ~8 while the median collapses: after 100 layers 60 % "
        "of the directions are below float64's resolution.",
    ),
    Scenario(
        SPECTRA, "relu-never", "ReLU never does",
        {"act": "relu", "init": ["orthogonal(gain=1.41421)", "he_normal"], "depth": 50},
        "No weights make a ReLU net an isometry: every layer zeroes about half the directions. "
        "Orthogonal weights scaled by √2 do no better than He.",
        "A ReLU zeroes every negative unit, so each layer's D_l wipes out about half of the "
        "directions: from the first layer on, half of J's singular values are exactly 0, "
        "with **orthogonal ×√2** as with **He normal**, and the spread hits its ceiling at "
        "depth 2. The mean s² still matches σ_w² · ½ = 1 per layer, on average: the average "
        "hides that half the input never reaches the top (Pennington et al. 2017).",
    ),
    Scenario(
        SPECTRA, "residual-explodes", "Residual without scaling explodes",
        {"view": "residual"},
        "50 residual blocks with He branches: unscaled, the variance doubles per block. "
        "1/√L, GPT-2's 1/√(2L), ReZero and Fixup keep it near 1.",
        "He branches preserve the variance of their input, so with α = 1 every block adds the "
        "stream's own variance to it: the variance **doubles per block**, 2⁵⁰ ≈ 10¹⁵ (std "
        "≈ 3·10⁷) after 50 blocks, and the gradient at the input is just as large. With "
        "**α = 1/√L** each block adds only 1/L: (1 + 1/50)⁵⁰ ≈ e in variance (std ≈ 1.65); "
        "**GPT-2**'s std/√(2L) adds 1/(2L): ≈ √e. **ReZero** and **Fixup** start as the "
        "identity: std 1 everywhere. The **plain stack** of He layers holds ≈ 0.8, as on "
        "Propagation.",
    ),
    Scenario(
        TRAINING, "zeros", "Zeros fail, Xavier and He learn", {},     # the page's defaults
        "Zeros never learn: every unit stays a copy of its neighbours. Too small starts on a "
        "long plateau; Xavier and He learn at once.",
        "**Zeros** never leaves ln 2 ≈ 0.693: every unit of a layer computes the same thing and "
        "gets the same update, so the net stays as good as one unit and its boundary is empty. "
        "**Xavier** learns smoothly. **He** learns faster but bumpily: its variance 2/fan_in is "
        "made for ReLU and is too large for tanh. **N(0,1)** saturates the tanh units yet fits "
        "this tiny training set fastest; compare its validation curve and its jagged boundary.",
    ),
    Scenario(
        TRAINING, "deep-relu-circles", "Deep ReLU on circles: He vs Xavier",
        {"data": "circles", "noise": 0.1, "layers": 6, "width": 32.0, "act": "relu", "lr": 0.05,
         "init": ["random_normal(stddev=0.01)", "glorot_normal", "he_normal",
                  "random_normal(stddev=1)"]},
        "Six ReLU layers trained from four starts. He learns first, N(0,1) diverges and "
        "0.01·N(0,1) never moves.",
        "Six ReLU layers. **He** (variance 2/fan_in) keeps the signal's scale through the "
        "depth and learns first; **Xavier** loses half of it per layer and starts slower. "
        "**N(0,1)** explodes: the loss is astronomically large at once and the runs diverge "
        "(✕). **0.01·N(0,1)** never gets a gradient through.",
    ),
    Scenario(
        TRAINING, "adam", "Adam vs a too-small init",
        {"layers": 2, "opt": "adam", "lr": 0.05,
         "init": ["zeros", "random_normal(stddev=0.01)", "glorot_uniform", "he_normal"]},
        "Adam rescales every step, so a too-small init escapes its plateau. Zeros still cannot.",
        "Adam divides each step by the gradient's running scale, so **0.01·N(0,1)** escapes "
        "the plateau that holds it under SGD (every seed reaches the target, later than "
        "Xavier and He). **Zeros** still cannot: Adam rescales, but identical units still get "
        "identical updates.",
    ),
    Scenario(
        TRAINING, "residual-scaling", "Deep residual nets: scale the branches",
        {"layers": 50, "width": 32.0, "act": "relu", "lr": 0.1, "seeds": 1,
         "init": ["glorot_uniform", "he_normal"], "residual": "sqrt_depth"},
        "Fifty ReLU layers train as residual blocks whose branches are scaled by 1/√L. Without "
        "the scaling the same net explodes before it starts.",
        "Fifty ReLU layers as residual blocks x + α·F(x) with **α = 1/√L**: the stream's "
        "variance grows by only (1 + 1/L)^L ≈ e over the whole net, so **Xavier** and **He** "
        "both train to a loss below 0.1. Switch *Residual* to **α = 1** in the sidebar: each "
        "block then adds a whole branch's variance, the loss starts in the thousands and every "
        "run diverges (✕). As a *plain* stack, Xavier never leaves ln 2.",
    ),
)


def for_page(state):
    return [s for s in SCENARIOS if s.state == state]


def open_from_url(state):
    """Apply the scenario the URL names (``?scenario=slug``), once; call before the widgets."""
    if URL_KEY not in st.query_params:
        return
    slug = st.query_params[URL_KEY]
    del st.query_params[URL_KEY]
    scenario = next((s for s in for_page(state) if s.slug == slug), None)
    if scenario is None:
        st.toast(f"No scenario named {plain(slug, 40)} on this page; showing the page as it is.",
                 icon=":material/link_off:")
    else:
        forget_upload()
        state.apply(scenario.values)
        # Streamlit writes a widget value set from session state into the URL only once the
        # widget has run before; here it has not, so the link is written out now.
        st.query_params.update({state.key(name): state.url_text(name, value)
                                for name, value in scenario.values.items()})


def _apply(state, values):
    """Set the page to a scenario: its values, the defaults for the rest, no uploaded file."""
    forget_upload()
    state.apply(values)


def scenario_menu(state):
    """A menu with a button per scenario of the page (unless hidden): one line on the page."""
    if hidden("presets"):
        return
    with st.popover("Scenarios", icon=":material/play_circle:"):
        for scenario in for_page(state):
            st.button(scenario.title, on_click=_apply, args=(state, scenario.values),
                      icon=":material/play_circle:", key=f"scenario.{scenario.slug}",
                      width="stretch")
        st.caption("Each sets every control of the page; the note of the scenario that is on "
                   "appears under the first chart.")


def active(state):
    """The scenario whose configuration the page's widgets hold, or None."""
    return next((s for s in for_page(state) if state.holds(s.values)), None)


def show_note(state, where):
    """The note of the scenario the widgets are in, if any. Call after the widgets exist."""
    scenario = active(state)
    if scenario is not None:
        where.info(scenario.note, icon=":material/visibility:")
