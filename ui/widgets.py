"""Widgets every page uses the same way: initializer specs, flavour, seed."""

import streamlit as st

import initviz as iv
from initviz.limits import MAX_SPECS

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
]

FLAVOR_LABELS = {"keras": "Keras", "pytorch": "PyTorch", "jax": "JAX / Flax"}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}
FAILURE_MESSAGE = (
    "Something went wrong on this page. Try other settings or reload; the error has been logged."
)


def initializer_picker(default, key="init", flavor=None, label="Initializers"):
    """Multiselect of preset specs that also accepts typed specs; returns the valid labels.

    Specs that do not parse, or that `flavor` does not define, are shown as warnings and dropped.
    """
    chosen = st.multiselect(
        label,
        PRESETS,
        default=default,
        key=key,
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
            st.warning(f"Skipped `{shorten(text)}`: {error}")
            continue
        if spec.label not in valid:
            valid.append(spec.label)
    return valid


def flavor_picker(key="flavor"):
    """Radio of framework flavours; returns "keras", "pytorch" or "jax"."""
    return st.radio(
        "Framework flavour",
        iv.FLAVORS,
        format_func=FLAVOR_LABELS.get,
        horizontal=True,
        key=key,
        bind="query-params",
        help="Same name, same variance, different shape: Keras and JAX draw *_normal from a "
        "truncated normal, PyTorch from a plain normal.",
    )


def or_stop(compute, *args, prefix=""):
    """`compute(*args)`, or, when the core refuses the input, its message and the page stops."""
    try:
        return compute(*args)
    except iv.InputError as error:
        st.error(f"{prefix}{error}", icon=":material/error:")
        st.stop()


def shorten(text, limit=60):
    """`text` cut to `limit` characters, for echoing user input back in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def int_input(label, min_value, max_value, value, key, **kwargs):
    """An integer input bound to the URL.

    It holds a float shown as an integer: Streamlit 1.67 validates a float from the URL
    (non-finite or out of range falls back to the default) but crashes on ``?key=inf`` for an
    int input.
    """
    number = st.number_input(
        label, float(min_value), float(max_value), float(value), step=1.0, format="%.0f",
        key=key, bind="query-params", **kwargs,
    )
    return int(round(number))


def seed_input(key="seed"):
    """Seed of the numpy Generator behind every random draw."""
    return int_input("Seed", 0, 2**31 - 1, 0, key=key)
