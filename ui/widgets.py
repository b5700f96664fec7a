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
            st.warning(f"Skipped `{text}`: {error}")
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


def seed_input(key="seed"):
    """Seed of the numpy Generator behind every random draw."""
    return st.number_input("Seed", 0, 2**31 - 1, 0, step=1, key=key, bind="query-params")
