"""Readers: a file (.txt, .md, .html, .pdf) -> one in-memory Document.

    >>> doc = read("data/corpus/001_55ce07cbde726804.txt")
    >>> doc.lines[0]            # line 1 of the file
    >>> doc.page_of(120), doc.language

One module per format behind the suffix -> reader registry ``READERS``; each
returns a ``Parsed`` (lines, pages, per-line layout, metadata, warnings).
For text formats the 1-based line numbers match the source file exactly:
HTML tags are stripped inside each line and form feeds become page breaks
without moving any line.  PDFs are read with their layout (kb.read.pdf);
their lines are numbered across pages.  Anything unreadable raises
ReadError naming the file and the reason.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..models import Document
from .common import (FORMATS, MAX_BYTES, MAX_PAGE_CHARS, MAX_PAGE_STREAM, MAX_PDF_PAGES,
                     MAX_TEXT_BYTES, PAGE_NUMBER, Parsed, ReadError, _cached_identifier,
                     decode, detect_language, language_identifier, page_number_lines,
                     pages_from_numbers, text_lines)
from .html import html_title, html_to_text, read_html
from .markdown import markdown_title, read_markdown, strip_emphasis
from .pdf import pdf_lines, read_pdf
from .text import read_text

READERS = {"txt": read_text, "md": read_markdown, "html": read_html, "pdf": read_pdf}

__all__ = ["read", "ReadError", "READERS", "FORMATS", "Parsed", "decode", "text_lines",
           "page_number_lines", "pages_from_numbers", "html_to_text", "html_title",
           "markdown_title", "strip_emphasis", "pdf_lines", "detect_language",
           "language_identifier", "MAX_BYTES", "MAX_TEXT_BYTES", "MAX_PDF_PAGES",
           "MAX_PAGE_CHARS", "MAX_PAGE_STREAM", "PAGE_NUMBER", "_cached_identifier"]


def read(path: str | Path) -> Document:
    """Read one file into a Document, or raise ReadError."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ReadError(path, f"unsupported file type {path.suffix or '(none)'!r}")
    data = _load(path, fmt)
    parsed = READERS[fmt](path, data)
    lines = parsed.lines
    if not any(l.strip() for l in lines):
        raise ReadError(path, "no text found")
    doc = Document(id=path.stem, path=str(path), lines=lines,
                   sha256=hashlib.sha256(data).hexdigest(), format=fmt,
                   pages=parsed.pages, title=parsed.title, authors=list(parsed.authors),
                   layout=parsed.layout or [None] * len(lines),  # None: no layout known
                   warnings=list(parsed.warnings))
    doc.language = detect_language(lines)
    return doc


def _load(path: Path, fmt: str) -> bytes:
    """The file's bytes, size-checked; ReadError if too large, unreadable or empty."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(path, f"file too large ({size:,} bytes; limit {MAX_BYTES:,})")
        if fmt != "pdf" and size > MAX_TEXT_BYTES:
            raise ReadError(path, f"text file too large ({size:,} bytes; "
                                  f"limit {MAX_TEXT_BYTES:,})")
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(path, f"cannot open: {e.strerror or e}") from None
    if not data.strip():
        raise ReadError(path, "empty file")
    return data
