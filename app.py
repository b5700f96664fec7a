"""initviz: the Streamlit entry point. Run with `streamlit run app.py`."""

import logging

import streamlit as st

from ui.sharing import apply_instructor_mode
from ui.urlcheck import initial_params, report_ignored
from ui.widgets import FAILURE_MESSAGE

st.set_page_config(page_title="initviz", page_icon=":material/casino:", layout="wide")

pages = [
    st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("views/distributions.py", title="Distributions", icon=":material/bar_chart:"),
    st.Page("views/propagation.py", title="Propagation", icon=":material/waves:"),
    st.Page("views/training.py", title="Training", icon=":material/model_training:"),
    st.Page("views/theory.py", title="Theory", icon=":material/functions:"),
]
apply_instructor_mode()
url_params = initial_params()
try:
    st.navigation(pages).run()
except Exception:  # a public demo shows a friendly message, never a traceback
    logging.getLogger("initviz").exception("A page failed")
    st.error(FAILURE_MESSAGE, icon=":material/error:")
report_ignored(url_params)
