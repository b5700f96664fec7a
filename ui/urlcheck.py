"""Tell the user which URL parameters were not used as given (a link can say anything)."""

import streamlit as st

from .widgets import shorten

_NOT_WIDGETS = {"hide", "embed", "embed_options"}
_CHECKED = "_initviz_url_checked"


def initial_params():
    """The URL's parameters on the first run of a session, else an empty dict."""
    if st.session_state.get(_CHECKED):
        return {}
    st.session_state[_CHECKED] = True
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _taken(values, current):
    """Whether the widget's value `current` is what the URL `values` asked for."""
    if isinstance(current, list):
        return set(values) <= {str(v) for v in current}
    text = values[-1] if values else ""
    if isinstance(current, bool):
        return text.lower() == str(current).lower()
    if isinstance(current, int | float):
        try:
            return float(text) == float(current)
        except ValueError:
            return False
    return text == str(current)


def report_ignored(params):
    """Show a notice for each parameter in `params` that no widget took as given."""
    for key, values in params.items():
        if key in _NOT_WIDGETS:
            continue
        shown = shorten(f"{key}={','.join(values)}", 80)
        if key not in st.session_state:
            st.toast(f"Ignored the unknown URL parameter `{shown}`.", icon=":material/link_off:")
        elif not _taken(values, st.session_state[key]):
            st.toast(
                f"Ignored the URL parameter `{shown}`: not a valid value here, so the default is "
                "used.", icon=":material/link_off:",
            )
