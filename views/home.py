"""Home: what initviz is and where to start."""

import streamlit as st

from ui.pages import CHAOS, DISTRIBUTIONS, PROPAGATION, SPECTRA, TRAINING
from ui.scenarios import for_page

st.title("initviz: see why weight initialization matters")
st.markdown(
    """
A deep network starts from random weights, and *which* random weights decides whether it learns.
Too small and the signal fades layer by layer; too large and it explodes or saturates; all zeros
and every unit learns the same thing. The right scale depends on the layer's fan-in and fan-out
and on the activation: that is what Glorot/Xavier, He/Kaiming and LeCun initialization compute.
"""
)
cards = [
    ("views/distributions.py", "Distributions", ":material/bar_chart:",
     "Sample weight matrices and compare them with the theoretical density and bounds."),
    ("views/propagation.py", "Propagation", ":material/waves:",
     "Watch activations and gradients vanish or explode through a deep net."),
    ("views/chaos.py", "Edge of chaos", ":material/blur_on:",
     "The ordered and chaotic phases, the critical line, and which depths can train."),
    ("views/training.py", "Training", ":material/model_training:",
     "Train the same small net from different initializations and compare the curves."),
    ("views/spectra.py", "Spectra", ":material/ssid_chart:",
     "The Jacobian's singular values (dynamical isometry) and residual nets at depth."),
    ("views/theory.py", "Theory", ":material/functions:",
     "Formulas, gains, framework defaults and the naming traps."),
]
for row in range(0, len(cards), 3):     # six in one row cut their titles at 1280 px
    for col, (page, title, icon, text) in zip(st.columns(3), cards[row:row + 3], strict=True):
        with col, st.container(border=True):
            st.page_link(page, label=title, icon=icon)
            st.caption(text)

st.subheader("Workshop scenarios")
st.caption(
    "Each link opens a page set up to make one point, with a note of what to notice. Copy the "
    "address from there to share it with a room."
)
for state, name in [(DISTRIBUTIONS, "Distributions"), (PROPAGATION, "Propagation"),
                    (CHAOS, "Edge of chaos"), (TRAINING, "Training"),
                    (SPECTRA, "Spectra and residual nets")]:
    st.markdown(f"**{name}**")
    cols = st.columns(3)
    for i, scenario in enumerate(for_page(state)):
        with cols[i % 3], st.container(border=True):
            st.page_link(state.script, label=scenario.title, icon=":material/play_circle:",
                         query_params=scenario.query_params())
            st.caption(scenario.teaser)
