"""initviz: the script every session runs: the pages, their navigation, the safety net.

`streamlit run app.py` serves it (app.py warms the server up first).
"""

import logging

import streamlit as st

from ui.memory import TRIM_SECONDS, release_freed_memory, script_run
from ui.pages import NAVIGATION, STATES
from ui.sharing import apply_style, hidden
from ui.urlcheck import keep_initial_params, report_ignored
from ui.widgets import FAILURE_MESSAGE

with script_run():
    instructor = hidden("sidebar")     # no sidebar at all, so it never shows before it is hidden
    st.set_page_config(page_title="initviz", page_icon=":material/casino:", layout="wide",
                       initial_sidebar_state="collapsed" if instructor else "auto")

    pages = {st.Page(script, title=title, icon=icon, default=script == NAVIGATION[0][0]): script
             for script, title, icon in NAVIGATION}
    apply_style()
    keep_initial_params()
    page = st.navigation(list(pages), position="hidden" if instructor else "sidebar")
    try:
        page.run()
    except Exception:  # a public demo shows a friendly message, never a traceback
        logging.getLogger("initviz").exception("A page failed")
        st.error(FAILURE_MESSAGE, icon=":material/error:")
    report_ignored(STATES.get(pages.get(page)))     # for pages that do not report themselves
    release_freed_memory(every=TRIM_SECONDS)    # what ended sessions left behind, under load
