"""Theory: the formulas, gains, framework defaults and naming traps, to read."""

import pandas as pd
import streamlit as st

import initviz as iv
from initviz.initializers import CATALOGUE

st.title("Theory")
st.caption("Why the scale of random weights decides whether a deep network can learn.")

st.header("One layer, one variance")
st.markdown(
    "For a layer $y = Wx$ with independent zero-mean weights and inputs, each output sums "
    "$n_\\text{in}$ products, so its variance is $n_\\text{in}$ times theirs. Backpropagation "
    "sums over $n_\\text{out}$ units the same way:"
)
st.latex(r"\operatorname{Var}[y] = n_\text{in}\,\operatorname{Var}[W]\,\operatorname{E}[x^2]"
         r"\qquad \operatorname{Var}\!\left[\tfrac{\partial L}{\partial x}\right]"
         r" = n_\text{out}\,\operatorname{Var}[W]\,\operatorname{Var}\!\left[\tfrac{\partial L}"
         r"{\partial y}\right]")
st.markdown(
    "Stack $L$ layers and these factors multiply: if $n\\operatorname{Var}[W]$ is a little below "
    "the right value the signal **vanishes** geometrically, a little above and it **explodes**. "
    "All-equal weights (zeros, ones) are worse still: every unit in a layer computes the same "
    "thing and receives the same gradient, so they never become different (*symmetry*)."
)

st.header("Variance scaling: Glorot, He and LeCun are one rule")
st.markdown(
    "Choose a scale $s$ and a fan $n$ (fan-in, fan-out or their mean) and draw weights with "
    "variance $s/n$. For a dense layer `(fan_in, fan_out)` the fans are its sizes; for a conv "
    "kernel `(kh, kw, in, out)` both are multiplied by the receptive field $k_h k_w$."
)
st.latex(r"\operatorname{Var}[W] = \frac{s}{n},\qquad "
         r"n \in \{n_\text{in},\; n_\text{out},\; \tfrac{n_\text{in}+n_\text{out}}{2}\}")
cols = st.columns(3)
with cols[0]:
    st.markdown("**uniform**: $U(-L, L)$")
    st.latex(r"L = \sqrt{3s/n}")
with cols[1]:
    st.markdown("**untruncated normal**")
    st.latex(r"\mathcal{N}\!\left(0,\; s/n\right)")
with cols[2]:
    st.markdown("**truncated normal** (Keras, JAX)")
    st.latex(r"\sigma = \frac{\sqrt{s/n}}{0.87962566},\quad |W| \le 2\sigma")
st.caption(
    "0.8796 is the standard deviation of a standard normal cut at ±2, so the corrected "
    "truncated normal has exactly the variance s/n, with a hard bound at 2σ ≈ 2.27·√(s/n)."
)
st.table(pd.DataFrame(
    [
        ("glorot_uniform (Xavier)", "1", "fan_avg", "√(6 / (fan_in + fan_out))", "tanh, sigmoid"),
        ("glorot_normal", "1", "fan_avg", "std √(2 / (fan_in + fan_out))", "tanh, sigmoid"),
        ("he_uniform (Kaiming)", "2", "fan_in", "√(6 / fan_in)", "ReLU family"),
        ("he_normal", "2", "fan_in", "std √(2 / fan_in)", "ReLU family"),
        ("lecun_uniform", "1", "fan_in", "√(3 / fan_in)", "SELU, linear"),
        ("lecun_normal", "1", "fan_in", "std √(1 / fan_in)", "SELU (self-normalizing)"),
    ],
    columns=["initializer", "scale s", "mode", "uniform limit L / std", "made for"],
).set_index("initializer"))

st.header("Gains")
st.markdown(
    "PyTorch folds the activation into a *gain* $g$: `kaiming_normal_` uses std $g/\\sqrt{n}$ "
    "and `xavier_*_` multiply their bound by $g$. These are the values of "
    "`torch.nn.init.calculate_gain`:"
)
gains = [("linear / conv / sigmoid", "linear", None), ("tanh", "tanh", None),
         ("relu", "relu", None), ("leaky_relu (slope 0.01)", "leaky_relu", None),
         ("leaky_relu (slope 0.2)", "leaky_relu", 0.2), ("selu", "selu", None)]
st.table(pd.DataFrame(
    [(label, f"{iv.gain(name, param):.4f}") for label, name, param in gains],
    columns=["nonlinearity", "gain"],
).set_index("nonlinearity"))
st.latex(r"g_\text{relu} = \sqrt{2},\qquad g_\text{leaky}(a) = \sqrt{\frac{2}{1+a^2}},\qquad "
         r"g_\text{tanh} = \tfrac{5}{3},\qquad g_\text{selu} = \tfrac{3}{4}")
st.caption(
    "He's √2 comes from ReLU zeroing half its inputs: E[relu(z)²] = Var[z]/2, so the weights must "
    "double the variance to keep it steady."
)

st.header("What each framework does by default")
st.table(pd.DataFrame(
    [
        ("Keras Dense / Conv", "glorot_uniform", "zeros"),
        ("PyTorch nn.Linear / ConvNd", "kaiming_uniform_(a=√5) = U(±1/√fan_in), "
         "variance 1/(3·fan_in)", "U(±1/√fan_in)"),
        ("Flax linen.Dense", "lecun_normal (truncated)", "zeros"),
        ("scikit-learn MLP", "U(±√(6/(fan_in+fan_out))); factor 2 instead of 6 for logistic",
         "same uniform as the weights"),
    ],
    columns=["layer", "weights", "bias"],
).set_index("layer"))
st.markdown(
    "PyTorch's default is a third of LeCun's variance: fine for a shallow net, but a deep ReLU "
    "stack built from default `nn.Linear` layers shrinks its signal unless you re-initialize "
    "with `kaiming_normal_`."
)

st.header("Naming traps")
st.markdown(
    """
- **`randn(n_in, n_out) * sqrt(1/n_in)` is LeCun normal** (untruncated), not Xavier, though
  many tutorials call it Xavier. Xavier/Glorot averages fan-in and fan-out.
- **Caffe's `"xavier"` filler is LeCun uniform**: U(±√(3/fan_in)).
- **Same name, different shape**: Keras and JAX `glorot_normal`, `he_normal`, `lecun_normal` draw a
  *truncated* normal (rescaled so the variance is right); PyTorch `xavier_normal_` and
  `kaiming_normal_` draw a plain normal. Same variance, different tails.
- **Keras `TruncatedNormal(stddev=σ)`** cuts at ±2σ *without* correction: its real std is 0.88σ.
- **PyTorch `trunc_normal_(t, mean, std, a, b)`** takes *absolute* bounds `a`, `b` (default
  ±2, not ±2·std): `trunc_normal_(w, std=0.02)` is not cut at all in practice.
- **JAX `variance_scaling(..., distribution="normal")`** is *untruncated*, while Keras maps
  `"normal"` to the truncated normal.
- **Keras' string `"normal"`** means `RandomNormal(stddev=0.05)`, whatever the layer size.
- **Framework default arguments differ**: Keras `RandomNormal` has stddev 0.05, JAX `normal()` 0.01,
  PyTorch `normal_` 1.0. In initviz the Keras names (`random_normal`, `random_uniform`) keep
  Keras' defaults in every flavour, while `normal` and `uniform` mean what the flavour's
  framework means: `normal` is N(0, 1) in PyTorch and N(0, 0.01²) in JAX, `uniform` is U(0, 1)
  in PyTorch and U[0, 0.01) in JAX.
- **1-D shapes**: Keras takes a vector `(n,)` as fan_in = fan_out = n; PyTorch and JAX refuse to
  compute fans for it, and all three refuse an orthogonal vector.
"""
)

st.header("Every framework's own initializers")
st.markdown(
    "PyTorch's `kaiming_*_` fold the activation into a gain and choose one fan; `xavier_*_` "
    "multiply Glorot's std by a gain. Both are variance scaling with scale $g^2$:"
)
st.latex(r"g = \texttt{calculate\_gain}(\text{nonlinearity}, a),\qquad "
         r"\sigma = \frac{g}{\sqrt{n}},\; n \in \{n_\text{in}, n_\text{out}\},\qquad "
         r"\text{uniform: } U(-\sqrt3\,\sigma, \sqrt3\,\sigma)")
st.markdown(
    "PyTorch's `trunc_normal_(mean, std, a, b)` cuts at the **absolute** values $a$, $b$; "
    "JAX's `truncated_normal(stddev, lower, upper)` cuts at `lower`·stddev and `upper`·stddev. "
    "Neither rescales, so the realized std is below `std`:"
)
st.latex(r"W \sim \mathcal N(\mu, \sigma^2) \;\big|\; a \le W \le b")
st.markdown(
    "PyTorch's `sparse_(sparsity, std)` (Martens 2010) zeroes a share of each input's weights, so "
    "its law is a **point mass at 0** beside a normal; `eye_` and `dirac_` are deterministic "
    "(`dirac_` passes each group's first channels straight through a conv kernel's centre). "
    "JAX's `delta_orthogonal` (Xiao et al. 2018) puts an orthogonal (in, out) matrix at the "
    "kernel's centre and zeros elsewhere, so a deep CNN starts as an orthogonal linear map:"
)
st.latex(r"P(W = 0) = \frac{\lceil s\, n_\text{out} \rceil}{n_\text{out}},\quad "
         r"\operatorname{Var}[W] = (1 - P(W = 0))\,\sigma^2 \qquad\qquad "
         r"W_{\text{centre}} = g\,Q,\; QQ^\top = I,\quad "
         r"\operatorname{Var}[W] = \frac{g^2}{k\, n_\text{out}}")
st.markdown(
    "JAX's `variance_scaling` adds `mode=\"fan_geo_avg\"`, $n = \\sqrt{n_\\text{in} "
    "n_\\text{out}}$, and `in_axis` / `out_axis` to say which dimensions are the input and the "
    "output (every other dimension is receptive field); its `orthogonal` takes the "
    "`column_axis` whose vectors are orthonormal."
)
st.table(pd.DataFrame(
    [
        (name, ", ".join(form.flavors),
         ", ".join(f"{k}={p.default}" for k, p in form.params.items()) or "—", form.summary)
        for name, entry in CATALOGUE.items() for form in entry.forms
    ],
    columns=["spec", "flavours", "arguments (defaults)", "law"],
).set_index("spec"))

st.header("When to use which")
st.table(pd.DataFrame(
    [
        ("tanh, sigmoid, linear", "Glorot / Xavier",
         "balances forward and backward variance for a slope-1 activation"),
        ("ReLU, leaky ReLU, GELU, swish", "He / Kaiming", "makes up for the half ReLU drops"),
        ("SELU", "LeCun normal", "with mean-0 variance-1 inputs, SELU nets self-normalize"),
        ("deep linear or RNN", "orthogonal (gain for the activation)",
         "all singular values are 1: no direction grows or shrinks"),
        ("residual nets", "He, last layer of each block scaled down or zeroed",
         "each block starts near identity"),
    ],
    columns=["activation", "initializer", "why"],
).set_index("activation"))
st.markdown(
    """
**Biases** usually start at zero: they do not break symmetry, but the random weights already do.
A small positive constant (e.g. 0.01) before a ReLU keeps units alive at the start; zero-mean
random biases mostly add noise. The forget-gate bias of an LSTM is the classic exception (1.0).
"""
)

st.header("Orthogonal, identity and mean field")
st.latex(r"W = g\,Q,\quad Q^\top Q = I \;(\text{tall}),\qquad "
         r"q^{l+1} = \sigma_w^2\,\operatorname{E}_{z\sim\mathcal N(0,1)}"
         r"\!\left[\phi\!\left(\sqrt{q^l}\,z\right)^2\right] + \sigma_b^2")
st.markdown(
    "Orthogonal matrices preserve the norm of every vector, so a deep *linear* net trained from "
    "them learns as fast as a shallow one (Saxe et al.). Identity does the same for square layers "
    "and residual-style starts. The recursion on the right is the mean-field prediction of the "
    "pre-activation variance $q^l$ drawn on the Propagation page; gradients are stable when "
    "$\\chi_1 = \\sigma_w^2\\,\\operatorname{E}[\\phi'(\\sqrt{q^*} z)^2] = 1$: for ReLU at "
    "$\\sigma_w^2 = 2$ (He), for tanh with no bias at $\\sigma_w^2 = 1$."
)

st.header("Dynamical isometry and residual branches")
st.latex(r"J = \frac{\partial x_L}{\partial x_0} = \prod_{l=1}^{L} W_l D_l,\quad "
         r"D_l = \operatorname{diag}\phi'(z_l),\qquad "
         r"\tfrac1n\operatorname{E}\operatorname{tr} JJ^\top = \prod_{l=1}^{L}"
         r"\sigma_w^2\,\operatorname{E}[\phi'(z_l)^2]")
st.markdown(
    "A variance of 1 per layer is only the *mean* of the Jacobian's squared singular values. "
    "Dynamical isometry asks that *all* of them stay near 1. Deep linear nets with orthogonal "
    "weights are exact isometries (Saxe et al. 2013); Gaussian weights of the same variance "
    "spread the spectrum more with every layer; tanh with orthogonal weights near criticality "
    "keeps it narrow, while ReLU cannot, since each $D_l$ zeroes about half the directions "
    "(Pennington, Schoenholz & Ganguli 2017; for convolutions, delta-orthogonal kernels, Xiao et "
    "al. 2018). See the Spectra page."
)
st.latex(r"x_l = x_{l-1} + \alpha\,F_l(x_{l-1}):\quad "
         r"\operatorname{Var}[x_l] = \operatorname{Var}[x_{l-1}] + \alpha^2"
         r"\operatorname{Var}[F_l] \;\Rightarrow\; 2^L \;(\alpha = 1,\ \text{He}),\quad "
         r"(1 + \tfrac1L)^L \approx e \;(\alpha = 1/\sqrt L)")
st.markdown(
    "Skip connections (He et al. 2016, *Deep Residual Learning* and *Identity Mappings*) add "
    "each branch to the stream, so variance-preserving branches *double* the variance per "
    "block. The remedies scale the branch: GPT-2 divides the std of the residual projections "
    "by $\\sqrt{N}$, $N$ the number of residual layers (Radford et al. 2019); Fixup "
    "zero-initializes each branch's last layer and rescales the others (Zhang, Dauphin & Ma "
    "2019); SkipInit multiplies each branch by a scalar initialized at 0 (De & Smith 2020, who "
    "also show that a normalized branch makes the variance grow only ∝ L); ReZero gates it by "
    "a learned α = 0 (Bachlechner et al. 2020). With a zero gate or a zero last layer the net "
    "starts as the identity map. LSUV instead rescales an orthonormal start layer by layer on a "
    "batch until each output has variance 1 (Mishkin & Matas 2016)."
)

st.header("References")
st.markdown(
    """
- Y. LeCun, L. Bottou, G. Orr, K.-R. Müller. *Efficient BackProp*. 1998.
- X. Glorot, Y. Bengio. *Understanding the difficulty of training deep feedforward neural
  networks*. AISTATS 2010.
- A. Saxe, J. McClelland, S. Ganguli. *Exact solutions to the nonlinear dynamics of learning in
  deep linear neural networks*. 2013.
- K. He, X. Zhang, S. Ren, J. Sun. *Delving Deep into Rectifiers*. ICCV 2015.
- D. Mishkin, J. Matas. *All you need is a good init* (LSUV). 2015.
- G. Klambauer, T. Unterthiner, A. Mayr, S. Hochreiter. *Self-Normalizing Neural Networks*.
  NeurIPS 2017.
- J. Martens. *Deep learning via Hessian-free optimization*. ICML 2010 (sparse
  initialization).
- L. Xiao, Y. Bahri, J. Sohl-Dickstein, S. Schoenholz, J. Pennington. *Dynamical Isometry and a
  Mean Field Theory of CNNs: How to Train 10,000-Layer Vanilla Convolutional Neural Networks*.
  ICML 2018 (delta orthogonal).
- B. Poole et al. *Exponential expressivity in deep neural networks through transient chaos*.
  NeurIPS 2016; S. Schoenholz et al. *Deep Information Propagation*. ICLR 2017.
- J. Pennington, S. Schoenholz, S. Ganguli. *Resurrecting the sigmoid in deep learning through
  dynamical isometry: theory and practice*. NeurIPS 2017.
- K. He, X. Zhang, S. Ren, J. Sun. *Deep Residual Learning for Image Recognition*. CVPR 2016;
  *Identity Mappings in Deep Residual Networks*. ECCV 2016.
- A. Radford, J. Wu, R. Child, D. Luan, D. Amodei, I. Sutskever. *Language Models are
  Unsupervised Multitask Learners* (GPT-2). 2019.
- H. Zhang, Y. Dauphin, T. Ma. *Fixup Initialization: Residual Learning Without
  Normalization*. ICLR 2019.
- S. De, S. Smith. *Batch Normalization Biases Residual Blocks Towards the Identity Function in
  Deep Networks* (SkipInit). NeurIPS 2020.
- T. Bachlechner, B. P. Majumder, H. Mao, G. Cottrell, J. McAuley. *ReZero is All You Need:
  Fast Convergence at Large Depth*. 2020.
- CS231n, *Neural Networks Part 2: Setting up the Data and the Loss* (the 10-layer tanh
  experiment).
"""
)
