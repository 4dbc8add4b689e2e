"""Plain text: decoded bytes split on newlines, pages from form feeds or page numbers.
Two-column pages of layout-preserving text are put in reading order (kb.read.columns);
glyph codes a PDF extractor could not map are repaired (``repair_t1``)."""
from __future__ import annotations

from .columns import decolumn
from .common import Parsed, decode, text_lines

# pdftotext of a font in TeX's T1 (Cork) encoding without a Unicode map gives the
# glyph codes: quotes, dashes and ligatures as control characters (never text)
T1_CODES = str.maketrans({"\x10": "“", "\x11": "”", "\x15": "–", "\x16": "—", "\x1b": "ff",
                          "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl"})


def repair_t1(text: str) -> str:
    """Control characters that stand for T1 glyphs made the characters they print."""
    return text.translate(T1_CODES)


def read_text(path, data: bytes) -> Parsed:
    lines, pages = text_lines(decolumn(repair_t1(decode(path, data))))
    return Parsed(lines=lines, pages=pages)
