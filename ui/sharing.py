"""Sharing a view: the link that reproduces it, instructor mode, the notebook snippet."""

from urllib.parse import urlencode

import streamlit as st

HIDEABLE = ("sidebar", "code", "presets")
"""Parts an instructor can hide with ``?hide=sidebar,code,presets``."""


def hidden(part):
    """Whether the URL's ``hide`` parameter asks to hide `part` (one of HIDEABLE)."""
    words = {w.strip().lower() for v in st.query_params.get_all("hide") for w in v.split(",")}
    return part in words


def apply_instructor_mode():
    """Hide the sidebar (navigation and controls) when the URL says ``hide=sidebar``."""
    if hidden("sidebar"):
        st.html(
            "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],"
            " [data-testid='stExpandSidebarButton'] {display: none;}</style>"
        )


def view_url():
    """The address of this page with every parameter of the current view."""
    pairs = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    base = st.context.url or ""
    return f"{base}?{urlencode(pairs)}" if pairs else base


def share_link():
    """A popover with the link to this exact view, ready to copy."""
    with st.popover("Share this view", icon=":material/link:"):
        st.caption("Anyone who opens this link sees the same settings and the same numbers.")
        st.code(view_url(), language=None, wrap_lines=True)
        st.caption(
            "Instructor mode: add `&hide=sidebar` to hide the controls, `code` to hide code, "
            "`presets` to hide the preset buttons (e.g. `&hide=sidebar,code`)."
        )


def notebook_snippet(code):
    """An expander with Python code that reproduces the current view with the initviz library."""
    if hidden("code"):
        return
    with st.expander("Reproduce in a notebook", icon=":material/code:"):
        st.code(code, language="python")
