"""What a reader sees of markdown that went through ui.text.plain (AppTest shows the source)."""

import re


def rendered(markdown):
    """`markdown` without the backslash escapes and zero-width breaks of ui.text.plain."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u200b", "")
