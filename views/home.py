"""Home: what initviz is and where to start."""

import streamlit as st

from ui.pages import CHAOS, DISTRIBUTIONS, NAVIGATION, PROPAGATION, SPECTRA, TRAINING
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
SUMMARIES = {
    "views/distributions.py": "Sample weight matrices and compare them with the theoretical "
                              "density and bounds.",
    "views/propagation.py": "Watch activations and gradients vanish or explode through a deep "
                            "net.",
    "views/spectra.py": "The Jacobian's singular values (dynamical isometry) and residual nets "
                        "at depth.",
    "views/chaos.py": "The ordered and chaotic phases, the critical line, and which depths can "
                      "train.",
    "views/training.py": "Train the same small net from different initializations and compare "
                         "the curves.",
    "views/theory.py": "Formulas, gains, framework defaults and the naming traps.",
}
cards = [(script, title, icon) for script, title, icon in NAVIGATION if script in SUMMARIES]
for start in range(0, len(cards), 3):
    for col, (page, title, icon) in zip(st.columns(3), cards[start:start + 3], strict=False):
        with col, st.container(border=True):
            st.page_link(page, label=title, icon=icon)
            st.caption(SUMMARIES[page])

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
