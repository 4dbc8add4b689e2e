"""PDF: lines with their layout, else pypdf's plain text with a warning.

pypdf first checks the file (header, encryption, page count, inflated page
size: the clear errors for hostile files).  Then pypdfium2 (chosen over
pdfminer.six/pdfplumber for speed at equal text quality, see
scripts/bench_read.py) gives every character with its box, font size and
font, and kb.read.layout rebuilds words, lines and areas.  If that fails on
a PDF pypdf can read, pypdf's plain text is used and a warning names the
reason (the build records it in build_errors): never a lost document.
"""
from __future__ import annotations

import ctypes
import io
import logging
import re
import threading

from ..models import Page
from . import layout as lay
from .common import MAX_PAGE_CHARS, MAX_PAGE_STREAM, MAX_PDF_PAGES, Parsed, ReadError

_PDFIUM = threading.Lock()   # pdfium is not thread-safe


def read_pdf(path, data: bytes) -> Parsed:
    reader = open_checked(path, data)
    try:
        with _PDFIUM:
            parsed = layout_read(path, data)
    except ReadError:
        raise
    except Exception as e:  # the layout reader failed: plain text, with a warning
        lines, pages = pypdf_text(path, reader)
        return Parsed(lines=lines, pages=pages, warnings=[
            f"PDF layout not read ({type(e).__name__}: {str(e)[:200]}); plain text used"])
    if not any(l.strip() for l in parsed.lines):
        lines, pages = pypdf_text(path, reader)   # nothing from pdfium: pypdf's view
        if any(l.strip() for l in lines):
            return Parsed(lines=lines, pages=pages,
                          warnings=["PDF layout reader found no text; plain text used"])
        raise ReadError(path, "PDF has no extractable text (scanned images?)")
    title, authors = _metadata(reader)
    parsed.title, parsed.authors = title, authors
    return parsed


def pdf_lines(path, data: bytes) -> tuple[list[str], list[Page]]:
    """(lines, pages) of a PDF, as read() numbers them."""
    parsed = read_pdf(path, data)
    return parsed.lines, parsed.pages


# --- layout reader (pypdfium2) ------------------------------------------------------

def layout_read(path, data: bytes) -> Parsed:
    """Characters of every page -> lines with LineLayout, pages, areas."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            try:
                pages.append((page_chars(path, page, i + 1), page.get_width(), page.get_height()))
            finally:
                page.close()
    finally:
        doc.close()
    return finish(pages)


def finish(pages: list[tuple[list[lay.Char], float, float]]) -> Parsed:
    """Lines of all pages -> areas, markers, hyphens repaired -> Parsed."""
    lines, counts = lay.build_lines(pages)
    body = lay.body_size(lines)
    lay.mark_furniture(lines, counts, body)
    lay.mark_footnotes(lines, counts, body)
    for line in lines:
        lay.format_markers(line)
    lay.repair_hyphens([l for l in lines if l.area == "body"])
    lay.repair_hyphens([l for l in lines if l.area == "footnote"])
    leading = lay.body_leading(lines, body)
    left = lay.page_left(lines)
    out_lines, layout, page_list = [], [], []
    prev = None
    for line in lines:
        out_lines.append(line.text.rstrip())
        layout.append(lay.to_layout(line, body, left.get(line.page, 0.0), leading, prev))
        prev = line
    i = 0
    for number, n in enumerate(counts, 1):
        if n:
            page_list.append(Page(number, i + 1, i + n))
        i += n
    return Parsed(lines=out_lines, pages=page_list, layout=layout)


def page_chars(path, page, number: int) -> list[lay.Char]:
    """Every character of one page, in content-stream order, spaces folded
    into ``space_before`` of the next character."""
    import pypdfium2.raw as raw
    tp = page.get_textpage()
    try:
        n = raw.FPDFText_CountChars(tp)
        if n > MAX_PAGE_CHARS:
            raise ReadError(path, f"page {number} holds {n:,} characters (decompression bomb?)")
        if n <= 0:
            return []
        buf = (ctypes.c_ushort * (n + 1))()
        raw.FPDFText_GetText(tp, 0, n, buf)
        text = bytes(buf)[:2 * n].decode("utf-16-le", "replace")
        if len(text) != n:   # characters outside the BMP: one call per character
            text = "".join(chr(raw.FPDFText_GetUnicode(tp, k) or 32) for k in range(n))
        return _chars(tp, text, raw)
    finally:
        tp.close()


def _chars(tp, text: str, raw) -> list[lay.Char]:
    """Box and size of every character; the font (bold, italic) is looked up
    at each word start and size change only (one call fewer per character)."""
    rect, flags = raw.FS_RECTF(), ctypes.c_int()
    name = ctypes.create_string_buffer(128)
    box, font_size, font_info = (raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize,
                                 raw.FPDFText_GetFontInfo)
    fonts: dict[tuple[bytes, int], tuple[bool, bool]] = {}
    out: list[lay.Char] = []
    new = lay.Char
    angle = raw.FPDFText_GetCharAngle
    space, style, last_size, rotated = True, (False, False), -1.0, False
    for k, c in enumerate(text):
        if c in SPACES:
            space = True
            continue
        box(tp, k, rect)
        size = font_size(tp, k)
        if space or size != last_size:
            font_info(tp, k, name, 128, ctypes.byref(flags))
            key = (name.value, flags.value)
            style = fonts.get(key) or fonts.setdefault(key, _style(*key))
            last_size = size
            turn = angle(tp, k)
            rotated = 0.05 < turn < 6.23     # radians: margin text set sideways
        if size <= 1.5:    # a font scaled by its matrix reports size 1
            size = max(size, (rect.top - rect.bottom) / 1.2)
        out.append(new(LIGATURES.get(c, c), rect.left, rect.right, rect.bottom,
                       rect.top, size, style[0], style[1], space, rotated))
        space = False
    return out


def _style(font: bytes, flags: int) -> tuple[bool, bool]:
    """(bold, italic) from a font's name and descriptor flags."""
    name = font.decode("latin-1")
    bold = bool(BOLD_NAME.search(name)) or bool(flags & (1 << 18))
    italic = bool(ITALIC_NAME.search(name)) or bool(flags & (1 << 6))
    return bold, italic


def _metadata(reader) -> tuple[str | None, list[str]]:
    """Title and authors from the PDF's document information, when usable."""
    try:
        info = reader.metadata or {}
        title = str(info.get("/Title") or "").strip()
        author = str(info.get("/Author") or "").strip()
    except Exception:  # broken info dictionary: no metadata
        return None, []
    if not title or len(title) > 300 or JUNK_TITLE.search(title):
        title = None
    authors = []
    if author and len(author) < 300:
        authors = [a.strip() for a in AUTHOR_SPLIT.split(author) if a.strip()]
    return title, authors


# --- checks and the plain-text fallback (pypdf) ------------------------------------------

def open_checked(path, data: bytes):
    """pypdf's reader once the file passed the checks; else ReadError."""
    from pypdf import PdfReader
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
        for i, page in enumerate(reader.pages, 1):
            _check_inflated_size(path, page, i)
    except ReadError:
        raise
    except BROKEN as e:
        raise ReadError(path, f"broken PDF ({type(e).__name__}: {str(e)[:200]})") from None
    return reader


def pypdf_text(path, reader) -> tuple[list[str], list[Page]]:
    """Plain text of each page through pypdf (the fallback)."""
    lines: list[str] = []
    pages: list[Page] = []
    try:
        for i, page in enumerate(reader.pages, 1):
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
    except BROKEN as e:
        raise ReadError(path, f"broken PDF ({type(e).__name__}: {str(e)[:200]})") from None
    if not any(l.strip() for l in lines):
        raise ReadError(path, "PDF has no extractable text (scanned images?)")
    return lines, pages


def pypdf_lines(path, data: bytes) -> tuple[list[str], list[Page]]:
    """Plain text of each page through pypdf; an encrypted or broken PDF -> ReadError."""
    return pypdf_text(path, open_checked(path, data))


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


# --- vocabulary and patterns ------------------------------------------------------

def _broken():
    from pypdf.errors import PyPdfError
    return (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError, RecursionError, MemoryError, NotImplementedError)


BROKEN = _broken()
SPACES = frozenset(" \t\r\n\x00\xa0\u2000\u2001\u2002\u2003\u2009\u200a\u202f\u3000")
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
             "\ufffe": "-", "\u00ad": "-", "\u2010": "-", "\u2011": "-"}
BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|cmbx|cmb\d|[-,]b\b", re.I)
ITALIC_NAME = re.compile(r"italic|oblique|cmti|cmsl|cmmi|[-,]it?\b|ital|slant", re.I)
JUNK_TITLE = re.compile(r"^(?:untitled|microsoft word|document\d*\b)|\.(?:docx?|pdf|tex|dvi|indd|rtf)\b",
                        re.I)
AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|&|\bund\b)\s*")
