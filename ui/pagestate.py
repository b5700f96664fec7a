"""A page's state: its widgets' keys, defaults and URL text, owned by that page alone.

Every widget of a page takes its key from the page's `PageState`: ``prop.depth`` on Propagation,
``train.depth`` would be Training's. Widget keys are also URL parameter names
(``bind="query-params"``), so no page can read, change or carry over another page's values.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st


@dataclass(frozen=True)
class PageState:
    prefix: str
    script: str
    defaults: dict
    """Widget name -> default value, of the type the widget holds."""
    labels: dict = field(default_factory=dict)
    """Widget name -> {value: label}, for widgets that show (and put in the URL) a label."""
    derive: Callable | None = None
    """config -> config: fills in values that depend on others (e.g. layers on depth)."""

    def key(self, name):
        """The widget key and URL parameter of `name`."""
        if name not in self.defaults:
            raise KeyError(f"{self.script} has no widget {name!r}")
        return f"{self.prefix}.{name}"

    def default(self, name):
        return self.config()[name]

    def config(self, values=None):
        """The complete configuration: `values` (widget name -> value) over the defaults."""
        values = dict(values or {})
        unknown = set(values) - set(self.defaults)
        if unknown:
            raise KeyError(f"{self.script} has no widgets {sorted(unknown)}")
        config = self.defaults | {name: _like(self.defaults[name], value)
                                  for name, value in values.items()}
        return self.derive(config) if self.derive else config

    def apply(self, values=None):
        """Set every widget of the page: `values`, and the defaults for the rest."""
        for name, value in self.config(values).items():
            if value is None:       # the widget picks its own default from what it shows
                st.session_state.pop(self.key(name), None)
            else:
                st.session_state[self.key(name)] = value

    def current(self, session=None):
        """Widget name -> the value it holds now in `session` (default: this session's state),
        its default before it first ran."""
        session = st.session_state if session is None else session
        config = self.config()
        return {name: session[self.key(name)] if self.key(name) in session else config[name]
                for name in config}

    def holds(self, values=None, session=None):
        """Whether the widgets hold the configuration `values` over the defaults (widgets whose
        default follows the result, None, hold anything)."""
        current = self.current(session)
        return all(current[k] == v for k, v in self.config(values).items() if v is not None)

    def url_text(self, name, value):
        """How `value` of widget `name` reads in a URL: a string, or a list for multiselects."""
        labels = self.labels.get(name, {})
        if isinstance(value, list | tuple):
            return [str(labels.get(v, v)) for v in value]
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(labels.get(value, value))

    def names(self):
        """Widget name of every URL parameter this page owns, by parameter."""
        return {self.key(name): name for name in self.defaults}


def _like(default, value):
    """`value` as the widget type of `default` holds it (int inputs hold floats)."""
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(default, list) and isinstance(value, tuple):
        return list(value)
    return value
