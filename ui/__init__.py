"""Streamlit helpers shared by the pages (the page layer: widgets and messages only)."""
