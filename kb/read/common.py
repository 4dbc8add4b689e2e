"""Shared by every reader: limits, ReadError, decoding bytes, lines and pages,
language detection, and the ``Parsed`` record a format reader returns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..models import LineLayout, Page

MAX_BYTES = 64 * 1024 * 1024       # larger files are refused, not half-read
# text is processed at roughly 15 s/MB by the later stages: above this a text
# file is refused with a clear error instead of holding the build for minutes
MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_PDF_PAGES = 5000
MAX_PAGE_CHARS = 2_000_000          # a page holding more is a decompression bomb
MAX_PAGE_STREAM = 16 * 1024 * 1024  # bytes of page content after inflating (bomb check)
FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
           ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf"}


class ReadError(Exception):
    """A file that cannot be read: ``str(err)`` names the file and the reason."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass
class Parsed:
    """What one format reader gives back; read() makes the Document from it."""
    lines: list[str]
    pages: list[Page] = field(default_factory=list)
    layout: list[LineLayout | None] = field(default_factory=list)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- decoding ---------------------------------------------------------------

def decode(path, data: bytes) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), else the detected encoding.

    Mojibake (UTF-8 read as cp1252 somewhere upstream) is repaired with ftfy.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(path, "invalid UTF-16") from None
    head = data[:8192]
    if head.count(b"\x00") > len(head) // 100 + 1:
        raise ReadError(path, "binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _detect_decode(path, data)
    import ftfy
    fixed = ftfy.fix_encoding(text)
    if fixed.count("\n") == text.count("\n"):  # never move a line
        text = fixed
    return text


def _detect_decode(path, data: bytes) -> str:
    """Decode bytes that are not valid UTF-8.

    Mostly-UTF-8 with a few stray bytes stays UTF-8 (the stray bytes become
    U+FFFD); otherwise charset-normalizer picks the encoding, preferring
    cp1252 when it fits as well as its first pick (Western text is far more
    often cp1252/latin-1 than cp1250, which the detector often ties with).
    """
    text = _mostly_utf8(data)
    if text is not None:
        return text
    from charset_normalizer import from_bytes
    results = from_bytes(data[:1_000_000])
    best = results.best()
    if best is None or best.encoding is None:
        raise ReadError(path, "undecodable text (no character encoding fits)")
    encoding = best.encoding
    ties = [m.encoding for m in results
            if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01]
    if encoding != "cp1252" and "cp1252" in ties:
        encoding = "cp1252"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        raise ReadError(path, f"unknown encoding {encoding}") from None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few invalid bytes (repaired as U+FFFD), else None."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    wide = len(text) - len(text.encode("ascii", "ignore")) - bad  # valid multi-byte chars
    return text if wide >= 4 * bad and wide > 0 else None


# --- lines and pages ----------------------------------------------------------

PAGE_NUMBER = re.compile(r"^\s{0,40}(?:page\s{1,3}|p\.\s?|[-–—]\s?)?(\d{1,4})(?:\s?[-–—])?\s{0,40}$",
                         re.IGNORECASE)


def text_lines(text: str) -> tuple[list[str], list[Page]]:
    """Split on newlines; pages from form feeds, else from page-number lines."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    breaks = []  # line numbers that start a new page
    lines = []
    for i, line in enumerate(raw, 1):
        if "\f" in line:
            before = line.split("\f")[0]
            breaks.append(i if not before.strip() else i + 1)
            line = line.replace("\f", "")
        lines.append(line)
    if breaks:
        return lines, _pages_from_breaks(breaks, len(lines), first=1)
    return lines, pages_from_numbers(lines)


def _pages_from_breaks(starts: list[int], n_lines: int, first: int) -> list[Page]:
    starts = sorted({1, *[s for s in starts if 1 < s <= n_lines]})
    ends = [s - 1 for s in starts[1:]] + [n_lines]
    return [Page(first + i, s, e) for i, (s, e) in enumerate(zip(starts, ends))]


def page_number_lines(lines: list[str], min_gap: int = 10) -> list[tuple[int, int]]:
    """(line, number) of lines that print a page number.

    A candidate is a line holding only a number (or "Page 12", "- 12 -")
    with a blank line on both sides (a footnote number runs into its text,
    a note marker follows its sentence); the page numbers are the longest
    chain of candidates counting up by one, each at least ``min_gap`` lines
    after the last, at least three long and of page-like length.
    """
    cands = []
    for i, line in enumerate(lines, 1):
        m = PAGE_NUMBER.match(line)
        if (m and (i == len(lines) or not lines[i].strip())
                and (i == 1 or not lines[i - 2].strip())):
            cands.append((i, int(m.group(1))))
    best: list[tuple[int, int]] = []
    chains: dict[int, list[tuple[int, int]]] = {}  # next expected number -> chain
    for ln, num in cands:
        chain = chains.pop(num, None)
        if chain and ln - chain[-1][0] >= min_gap:
            chain = chain + [(ln, num)]
        else:
            if chain:
                chains[num] = chain
            chain = [(ln, num)]
        chains[num + 1] = max(chains.get(num + 1, []), chain, key=len)
        if len(chain) > len(best):
            best = chain
    if len(best) < 3 or (best[-1][0] - best[0][0]) / (len(best) - 1) > 400:
        return []
    return best


def pages_from_numbers(lines: list[str]) -> list[Page]:
    """Pages from printed page numbers, taken as footers (the page ends there)."""
    marks = page_number_lines(lines)
    if not marks:
        return []
    gaps = sorted(b[0] - a[0] for a, b in zip(marks, marks[1:]))
    # before the first printed number, only one page's worth of lines is known
    pages, start = [], max(1, marks[0][0] - gaps[len(gaps) // 2] + 1)
    for ln, num in marks:
        pages.append(Page(num, start, ln))
        start = ln + 1
    if start <= len(lines):
        pages.append(Page(marks[-1][1] + 1, start, len(lines)))
    return pages


# --- language -------------------------------------------------------------------

def detect_language(lines: list[str], sample_chars: int = 20000) -> str | None:
    """ISO 639-1 code of the main language, by py3langid over a text sample.

    The sample skips reference-list-like lines poorly, so it takes the first
    ``sample_chars`` characters of running text.
    """
    text = " ".join(l.strip() for l in lines if len(l.strip()) > 30)[:sample_chars]
    if len(text) < 20:
        text = " ".join(lines)[:sample_chars]
    if not text.strip():
        return None
    lang, _ = language_identifier().classify(text)
    return {"nb": "no", "nn": "no"}.get(lang, lang)


_IDENTIFIER = None


def language_identifier():
    """py3langid's identifier, loaded once per process.

    Decoding its LZMA model takes about 0.5 s, paid by every process that
    reads a document (each build worker, each one-document rebuild), so the
    decoded identifier is kept as a pickle in the user's cache directory
    (``$KB_CACHE``, else ``$XDG_CACHE_HOME/kb``, else ``~/.cache/kb``), named
    after the package version and model file; loading it takes about 0.1 s.
    Without a writable cache it loads the model as py3langid does.
    """
    global _IDENTIFIER
    if _IDENTIFIER is None:
        _IDENTIFIER = _cached_identifier()
    return _IDENTIFIER


def _cached_identifier():
    import os
    import pickle
    from importlib.metadata import version

    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    model = Path(MODEL_DIR) / MODEL_FILE
    cache = Path(os.environ.get("KB_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb")
    try:
        st = model.stat()
        path = cache / f"langid-{version('py3langid')}-{st.st_size}-{st.st_mtime_ns}.pickle"
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # no cache yet, or an unreadable one: decode the model
        pass
    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(ident, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)   # whole or absent, even with several workers
    except Exception:  # read-only home, disk full: work without the cache
        pass
    return ident
