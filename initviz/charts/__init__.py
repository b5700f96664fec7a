"""Altair charts: tidy DataFrame in, `alt.Chart` out. No Streamlit here."""
