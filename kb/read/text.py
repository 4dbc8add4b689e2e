"""Plain text: decoded bytes split on newlines, pages from form feeds or page numbers."""
from __future__ import annotations

from .common import Parsed, decode, text_lines


def read_text(path, data: bytes) -> Parsed:
    lines, pages = text_lines(decode(path, data))
    return Parsed(lines=lines, pages=pages)
