"""Markdown: text lines (numbered as in the file) with emphasis markers removed.

``*Journal*``, ``_x_``, ``**b**``, ``***b***``, ``__b__`` keep their text;
list bullets ("* item") and underscores inside words (snake_case, URLs) stay.
"""
from __future__ import annotations

import re

from .. import text
from .common import Parsed, decode, text_lines


def read_markdown(path, data: bytes) -> Parsed:
    lines, pages = text_lines(decode(path, data))
    lines = [strip_emphasis(l) for l in lines]
    return Parsed(lines=lines, pages=pages, title=markdown_title(lines))


def strip_emphasis(line: str) -> str:
    """The line with emphasis pairs unwrapped (nested pairs too)."""
    if "*" not in line and "_" not in line:
        return line
    for _ in range(3):   # **a *b* c** needs two passes
        new = _STAR_PAIR.sub(r"\2", line)
        new = _UNDER_PAIR.sub(r"\2", new)
        if new == line:
            break
        line = new
    return line


def markdown_title(lines: list[str]) -> str | None:
    """The document's ``# Title`` (kb.text.markdown_title), or None."""
    return text.markdown_title(lines)[0]


# --- patterns -------------------------------------------------------------------
# Linear: the text of a pair cannot hold its marker character, so each scan
# from an opening marker stops at the next marker of that kind.
_STAR_PAIR = re.compile(r"(?<![\w*\\])(\*{1,3})(?=[^\s*])([^*\n]*[^\s*])\1(?![\w*])")
_UNDER_PAIR = re.compile(r"(?<![\w\\])(_{1,3})(?=[^\s_])([^_\n]*[^\s_])\1(?![\w_])")
