"""initviz: `streamlit run app.py` serves the pages (main.py), warmed up as the server starts."""

import streamlit as st

from ui.warmup import warm_up

app = st.App("main.py", lifespan=warm_up)
