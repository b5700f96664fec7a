"""Tell the user, in one notice, which URL parameters were not used as given (a link can say
anything)."""

import streamlit as st

from ui.scenarios import URL_KEY
from ui.text import plain

NOT_WIDGETS = {"hide", "embed", "embed_options", URL_KEY}
_CHECKED = "_initviz_url_checked"
_PENDING = "_initviz_url_to_report"
SHOWN = 5
"""Parameters named in the notice (those that are no setting of the page first); the rest are
counted."""
UNKNOWN = " (not a setting of this page)"


def keep_initial_params():
    """Keep the URL's parameters on the first run of a session, for `report_ignored`."""
    if not st.session_state.get(_CHECKED):
        st.session_state[_CHECKED] = True
        st.session_state[_PENDING] = {key: st.query_params.get_all(key)
                                      for key in st.query_params}


def _same(text, value_text):
    if text == value_text:
        return True
    try:
        return float(text) == float(value_text)
    except ValueError:
        return False


def problems(params, state):
    """What happened to each parameter of `params` that the page did not take as given."""
    owned = state.names() if state else {}
    found = []
    for key, values in params.items():
        if key in NOT_WIDGETS:
            continue
        if key not in owned:
            found.append(f"{key}{UNKNOWN}")
        elif key not in st.session_state:
            continue                       # the widget did not run, e.g. the page stopped first
        else:
            shown = state.url_text(owned[key], st.session_state[key])
            if isinstance(shown, list):
                kept = [v for v in values if v in shown]
                if len(kept) < len(values):
                    found.append(f"{key}: kept {len(kept)} of {len(values)} values")
            elif not _same(values[-1] if values else "", shown):
                found.append(f"{key} (not a valid value here: kept {shown})")
    return found


def report_ignored(state=None):
    """One notice listing the first URL's parameters that the page `state` did not take.

    A page calls it once its widgets exist, before anything can stop it (nothing shows after
    st.stop); main.py calls it after pages that did not.
    """
    params = st.session_state.pop(_PENDING, None)
    if not params:
        return
    found = sorted(problems(params, state), key=lambda p: not p.endswith(UNKNOWN))
    if not found:
        return
    listed = "; ".join(plain(item, 80) for item in found[:SHOWN])
    more = f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    st.toast(f"This link had {len(found)} setting(s) this page could not use as given: "
             f"{listed}{more}.", icon=":material/link_off:", duration="long")
