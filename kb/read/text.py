"""Plain text: decoded bytes split on newlines, pages from form feeds or page numbers.
Two-column pages of layout-preserving text are put in reading order (kb.read.columns)."""
from __future__ import annotations

from .columns import decolumn
from .common import Parsed, decode, text_lines


def read_text(path, data: bytes) -> Parsed:
    lines, pages = text_lines(decolumn(decode(path, data)))
    return Parsed(lines=lines, pages=pages)
