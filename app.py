"""initviz: the Streamlit entry point. Run with `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="initviz", page_icon="🎲", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/distributions.py", title="Distributions", icon="📊"),
    st.Page("pages/propagation.py", title="Propagation", icon="🌊"),
    st.Page("pages/training.py", title="Training", icon="🏋️"),
    st.Page("pages/theory.py", title="Theory", icon="📐"),
]
st.navigation(pages).run()
