"""Widgets every page uses the same way: initializer specs, flavour, seed."""

import streamlit as st

import initviz as iv
from initviz.limits import MAX_SPECS
from ui.pages import FLAVOR_LABELS
from ui.text import plain

PRESETS = [
    "zeros",
    "random_normal(stddev=0.01)",
    "random_normal(stddev=1)",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "orthogonal",
    "truncated_normal",
    "random_uniform",
    "pytorch_default",
    "sklearn_default",
    "identity",
    "ones",
    "lsuv",
]

FAILURE_MESSAGE = (
    "Something went wrong on this page. Try other settings or reload; the error has been logged."
)


def initializer_picker(state, flavor=None, label="Initializers"):
    """Multiselect of preset specs that also accepts typed specs; returns the valid labels.

    Specs that do not parse, or that `flavor` does not define, are shown as warnings and dropped.
    """
    chosen = st.multiselect(
        label,
        PRESETS,
        default=state.default("init"),
        key=state.key("init"),
        accept_new_options=True,
        max_selections=MAX_SPECS,
        bind="query-params",
        help='Pick presets or type your own spec, e.g. "variance_scaling(scale=2, mode=fan_out)".',
    )
    valid = []
    for text in chosen:
        try:
            spec = iv.resolve(text)
            if flavor is not None and flavor not in spec.entry.flavors:
                raise iv.InputError(
                    f"{spec.name} is not defined in {FLAVOR_LABELS[flavor]}; "
                    f"it is in: {', '.join(FLAVOR_LABELS[f] for f in spec.entry.flavors)}."
                )
        except iv.InputError as error:
            st.warning(f"Skipped {plain(text, 60)}: {plain(error)}", icon=":material/warning:")
            continue
        if spec.label not in valid:
            valid.append(spec.label)
    return valid


def flavor_picker(state):
    """Radio of framework flavours; returns "keras", "pytorch" or "jax"."""
    return st.radio(
        "Framework flavour",
        iv.FLAVORS,
        iv.FLAVORS.index(state.default("flavor")),
        format_func=FLAVOR_LABELS.get,
        horizontal=True,
        key=state.key("flavor"),
        bind="query-params",
        help="Same name, same variance, different shape: Keras and JAX draw *_normal from a "
        "truncated normal, PyTorch from a plain normal.",
    )


def or_stop(compute, *args, prefix=""):
    """`compute(*args)`, or, when the core refuses the input, its message and the page stops."""
    try:
        return compute(*args)
    except iv.InputError as error:
        st.error(plain(f"{prefix}{error}"), icon=":material/error:")
        st.stop()


def int_input(state, name, label, min_value, max_value, **kwargs):
    """An integer input bound to the URL, for the widget `name` of the page's `state`.

    It holds a float shown as an integer: Streamlit 1.67 validates a float from the URL
    (non-finite or out of range falls back to the default) but crashes on ``?key=inf`` for an
    int input.
    """
    number = st.number_input(
        label, float(min_value), float(max_value), float(state.default(name)), step=1.0,
        format="%.0f", key=state.key(name), bind="query-params", **kwargs,
    )
    return int(round(number))


def seed_input(state):
    """Seed of the numpy Generator behind every random draw."""
    return int_input(state, "seed", "Seed", 0, 2**31 - 1)
