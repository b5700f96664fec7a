"""User text shown in Streamlit's markdown: always literally, never as markup.

Every message, notice, toast, caption or tab label that repeats text from a user (URL values,
typed specs, error messages quoting them) goes through `plain`.
"""

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
"""Every ASCII punctuation character: CommonMark lets each be escaped with a backslash."""
_BREAK = "\u200b"
"""A zero-width space before every ':', '.' and '@': no :emoji:, :material/icon:, :red[colour]
directive, https://, www. or e-mail autolink can form from the escaped text (backslash escapes
alone do not stop Streamlit's autolinks, as tests/browser/test_browser_injection.py found)."""


def plain(text, limit=None):
    """`text` as literal markdown: one line, markup escaped, cut to `limit` characters."""
    text = " ".join(str(text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    escaped = _PUNCTUATION.sub(r"\\\1", text)
    for mark in (r"\:", r"\.", r"\@"):
        escaped = escaped.replace(mark, _BREAK + mark)
    return escaped
