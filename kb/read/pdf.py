"""PDF: lines with their layout, else pypdf's plain text with a warning.

pypdf first checks the file (header, encryption, page count, inflated page
size: the clear errors for hostile files); then the layout reader
(kb.read.layout) builds the lines; if it fails on a PDF pypdf can read, the
plain text is used and a warning names the reason (build_errors).
"""
from __future__ import annotations

from ..models import Page
from .common import (MAX_PAGE_CHARS, MAX_PAGE_STREAM, MAX_PDF_PAGES, Parsed, ReadError)


def read_pdf(path, data: bytes) -> Parsed:
    lines, pages = pypdf_lines(path, data)
    return Parsed(lines=lines, pages=pages)


def pdf_lines(path, data: bytes) -> tuple[list[str], list[Page]]:
    """(lines, pages) of a PDF, as read() numbers them."""
    parsed = read_pdf(path, data)
    return parsed.lines, parsed.pages


def pypdf_lines(path, data: bytes) -> tuple[list[str], list[Page]]:
    """Plain text of each page through pypdf; an encrypted or broken PDF -> ReadError."""
    import io
    import logging
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.startswith(b"%PDF"):
        raise ReadError(path, "not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise ReadError(path, "encrypted PDF (password required)")
        n = len(reader.pages)
        if n > MAX_PDF_PAGES:
            raise ReadError(path, f"PDF has {n} pages (limit {MAX_PDF_PAGES})")
        lines: list[str] = []
        pages: list[Page] = []
        for i, page in enumerate(reader.pages, 1):
            _check_inflated_size(path, page, i)
            text = page.extract_text() or ""
            if len(text) > MAX_PAGE_CHARS:
                raise ReadError(path, f"page {i} expands to {len(text):,} characters "
                                      "(decompression bomb?)")
            page_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            start = len(lines) + 1
            lines.extend(page_lines)
            pages.append(Page(i, start, len(lines)))
    except ReadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, OSError, RecursionError, MemoryError, NotImplementedError) as e:
        raise ReadError(path, f"broken PDF ({type(e).__name__}: {str(e)[:200]})") from None
    if not any(l.strip() for l in lines):
        raise ReadError(path, "PDF has no extractable text (scanned images?)")
    return lines, pages


def _check_inflated_size(path, page, number: int) -> None:
    """Refuse a page whose content stream inflates past MAX_PAGE_STREAM.

    Inflating is cheap; extracting text from a huge stream is not (and pypdf
    quietly returns "" when its own limit trips), so this names the problem.
    """
    from pypdf.errors import LimitReachedError
    try:
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
    except LimitReachedError:
        size = MAX_PAGE_STREAM + 1
    if size > MAX_PAGE_STREAM:
        raise ReadError(path, f"page {number} content inflates past {MAX_PAGE_STREAM:,} "
                              "bytes (decompression bomb?)")


