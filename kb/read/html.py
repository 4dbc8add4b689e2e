"""HTML: markup stripped inside each line, so line numbers match the file.

A minified file (almost no newlines, block elements inside its lines) is
split into lines at block tags (p, div, li, h1-h6, br, tr, blockquote,
section, article, footer, aside); emphasis and other inline tags are text.
"""
from __future__ import annotations

import html
import re

from .common import Parsed, decode, text_lines


def read_html(path, data: bytes) -> Parsed:
    lines, pages = text_lines(html_to_text(decode(path, data)))
    return Parsed(lines=lines, pages=pages, title=html_title(data))


def html_to_text(text: str) -> str:
    """Strip markup but keep every newline, so line numbers match the file.

    A minified file (under 3 newlines, block tags between text on a line)
    is split at block tags instead.
    """
    def blank(m):
        return "\n" * m.group(0).count("\n")
    text = _drop_blocks(text)
    # tests/test_fuzz.py pins the rule: with 3+ newlines, lines never move
    if text.count("\n") < 3 and _inner_blocks(text):
        text = _BLOCK_RUN.sub(lambda m: "\n" if m.start() and text[m.start() - 1] != "\n"
                              else "", text)
    text = _TAG.sub(blank, text)
    return html.unescape(text)


def _inner_blocks(text: str) -> int:
    """Block-tag runs with text on both sides on the same line (minified HTML)."""
    n = len(text)
    return sum(1 for m in _BLOCK_RUN.finditer(text)
               if 0 < m.start() and m.end() < n and text[m.start() - 1] != "\n"
               and text[m.end()] != "\n")


def _drop_blocks(text: str) -> str:
    """Blank out script/style/noscript/template blocks and comments (newlines kept).

    Linear time: an unclosed block runs to the end of the text, as in a browser.
    """
    out, pos = [], 0
    while True:
        m = _DROP_OPEN.search(text, pos)
        if not m:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:m.start()])
        if m.group(1):
            close = _DROP_CLOSE[m.group(1).lower()].search(text, m.end())
            end = close.end() if close else len(text)
        else:
            close = text.find("-->", m.end())
            end = close + 3 if close >= 0 else len(text)
        out.append("\n" * text.count("\n", m.start(), end))
        pos = end


def html_title(data: bytes) -> str | None:
    m = _TITLE.search(data[:200_000])
    if not m:
        return None
    return html.unescape(m.group(1).decode("utf-8", "replace")).strip() or None


# --- patterns -------------------------------------------------------------------
# Opening of a dropped block; its end is found with str.find / one search, so
# unclosed openings cost linear time, not quadratic (kb fault handling).
_DROP_OPEN = re.compile(r"<(script|style|noscript|template)\b[^<>]*>|<!--", re.IGNORECASE)
_DROP_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
               for name in ("script", "style", "noscript", "template")}
_BLOCKS = r"(?:p|div|li|h[1-6]|tr|blockquote|section|article|footer|aside|ul|ol|table|header|dd|dt)"
# a run of block tags (with the space between them) -> one line end; a match
# starts at a "<", so runs of spaces are never rescanned (linear time)
_ONE_BLOCK = rf"(?:</?{_BLOCKS}\b[^<>]*>|<br\b[^<>]*>)"
_BLOCK_RUN = re.compile(rf"{_ONE_BLOCK}(?:[ \t]*{_ONE_BLOCK})*[ \t]*", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")  # [^<>]: a stray "<" never scans to the end
_TITLE = re.compile(rb"<title[^<>]*>([^<]{1,500})</title>", re.IGNORECASE)
