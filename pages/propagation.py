"""Propagation page (being built)."""

import streamlit as st

st.title("Propagation")
st.info("This page is being built.")
