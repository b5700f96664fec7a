"""Sharing a view: the link that reproduces it, instructor mode, the notebook snippet."""

from urllib.parse import urlencode

import streamlit as st

HIDEABLE = ("sidebar", "code", "presets")
"""Parts an instructor can hide with ``?hide=sidebar,code,presets``."""


def hidden(part):
    """Whether the URL's ``hide`` parameter asks to hide `part` (one of HIDEABLE)."""
    words = {w.strip().lower() for v in st.query_params.get_all("hide") for w in v.split(",")}
    return part in words


STYLE = """<style>
[data-testid='stMainBlockContainer'] {padding-top: 2.5rem; padding-bottom: 3rem}
[data-testid='stMultiSelectTagsContainer'] [data-tag] {max-width: 100% !important; height: auto}
[data-testid='stMultiSelectTagsContainer'] [data-tag] span[title] {max-width: none !important;
  white-space: normal; overflow-wrap: anywhere; text-overflow: clip}
</style>"""
"""Charts start near the top of a projector's screen; an initializer chip shows its whole spec."""
INSTRUCTOR_STYLE = """<style>
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],
[data-testid='stExpandSidebarButton'] {display: none}
</style>"""


def apply_style():
    """The app's few CSS rules; without the sidebar when the URL says ``hide=sidebar``."""
    st.html(STYLE + (INSTRUCTOR_STYLE if hidden("sidebar") else ""))


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
            "`presets` to hide the scenarios (e.g. `&hide=sidebar,code`)."
        )


def notebook_snippet(code, download=None):
    """A popover with Python code that reproduces the current view with the initviz library,
    and `download()`'s button (the view as a whole notebook) under it."""
    if hidden("code"):
        return
    with st.popover("Reproduce in a notebook", icon=":material/code:"):
        st.code(code, language="python")
        if download is not None:
            download()


def toolbar():
    """One row above a page's charts for its scenarios, sharing and code; fill it later."""
    return st.container(horizontal=True, vertical_alignment="center")
