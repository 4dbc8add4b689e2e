"""The running text as one stream: body lines joined into a string (hyphens
undone, headings and page numbers out, footnote text left in the body read
after it), with a map back to lines and paragraphs."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..models import Apparatus, Document
from ..text import YEAR

MAX_LINE = 5000          # characters of one line looked at (bounds every regex)


@dataclass
class Stream:
    """The body text joined into one string, with a map back to lines."""
    text: str = ""
    starts: list[int] = field(default_factory=list)   # char offset of each piece
    lines: list[int] = field(default_factory=list)    # its 1-based line
    breaks: set[int] = field(default_factory=set)     # offsets of hard breaks
    para: list[int] = field(default_factory=list)     # paragraph number per piece
    lead: dict = field(default_factory=dict)          # line -> (offset, stripped chars)
    tail: set = field(default_factory=set)            # footnote lines read after the text

    def offset_of(self, line: int, col: int) -> int | None:
        """Stream offset of character ``col`` of body ``line`` (None if not body)."""
        if line not in self.lead:
            return None
        pos, lead = self.lead[line]
        return pos + max(col - lead, 0)

    def offset_after(self, line: int) -> int:
        """Where a line that is not in the stream would stand."""
        pairs = self._sorted()
        i = bisect.bisect_left(pairs[0], line)
        return pairs[1][i] if i < len(pairs[1]) else len(self.text)

    def _sorted(self):
        if getattr(self, "_cache", None) is None or self._cache[2] != len(self.lines):
            order = sorted((k for k in range(len(self.lines)) if self.lines[k] not in self.tail),
                           key=lambda k: self.lines[k])
            self._cache = ([self.lines[k] for k in order], [self.starts[k] for k in order],
                           len(self.lines))
        return self._cache

    def line_at(self, pos: int) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.lines[max(i, 0)] if self.lines else 0

    def para_at(self, pos: int) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.para[max(i, 0)] if self.para else 0


def body_lines(doc: Document, apparatus: Apparatus) -> list[int]:
    """1-based line numbers of the running text: locate's ``body``, plus the
    lines it took for headings that do not read like one (``good_heading``:
    "laws.", "…transformed into information and"): sentence text."""
    bad = {ln for ln, txt in apparatus.headings if not good_heading(txt)}
    return sorted(n for n in apparatus.body | bad if 1 <= n <= len(doc.lines))


def good_heading(text: str) -> bool:
    """Does a line locate calls a heading read like one (not a list item or a
    sentence fragment such as "laws." or "…transformed into information and")?"""
    t = _HEAD_MARKUP.sub("", text).strip()
    if not t or len(t) > 100:
        return False
    first = re.search(r"[^\W\d_]", t)
    if not first or not first.group(0).isupper():
        return False
    last = re.findall(r"[^\W\d_]+", t)
    if t.endswith((",", ";")) or (last and last[-1].lower() in _HEAD_STOP):
        return False
    return not re.search(r",\s+[a-z]+\s+[a-z]+", t) or bool(re.match(r"[A-Z\d]", t))


def is_heading(line: str, prev: str | None, nxt: str | None) -> bool:
    """A section heading: markdown ``#``, a numbered title, or a short title line.

    A short unnumbered line counts only when it ends without punctuation,
    follows the end of a sentence and is followed by a capitalised line.
    """
    s = line.strip()
    if not s or len(s) > 120:
        return False
    if s.startswith("#"):
        return True
    if _HEADING_NUM.match(s) and len(s) < 90 and not s.endswith((",", ";")) \
            and not re.search(r"[.!?]\s+\S", s) and not s.endswith("?"):
        return bool(re.search(r"[A-Za-z]", s))
    if _TERMINAL.search(s) or s.endswith("-") or len(s) > 80:
        return False
    if _NOTE_END.search(s):
        return False            # a sentence ending in its note number ("…comparison.27")
    if nxt is not None and (re.match(r"\s*\([^()]{0,120}\b" + YEAR, nxt) or
                            re.match(r"\s*\([^()]{1,120}\)\s*[.,;:]", nxt)):
        return False            # the sentence goes on with its citation "(Smith, 2003)."
    if not s[0].isupper() or len(s.split()) > 12:
        return False
    prev_ok = prev is None or bool(re.search(r"[.!?:\"”’)]\s*\d{0,3}\s*$", prev.strip())) \
        or prev.strip().isdigit()
    next_ok = nxt is not None and bool(re.match(r"\s*[\"“‘'(]?[A-Z0-9]", nxt))
    return prev_ok and next_ok


def build_stream(doc: Document, lines: list[int],
                 given_headings: list[tuple[int, str]] | None = None) -> tuple[Stream, dict[int, str]]:
    """Join body lines into a Stream; also return the headings by line.

    ``given_headings`` ((line, text) pairs from locate) are used as section
    breaks; without them headings are guessed with ``is_heading``.
    """
    st = Stream()
    parts: list[str] = []
    pos = 0
    headings: dict[int, str] = {}
    for ln, txt in given_headings or []:
        if txt and good_heading(txt):
            headings[ln] = _HEAD_MARKUP.sub("", txt).strip()
    guess = not headings
    texts = [(n, doc.line(n)[:MAX_LINE].rstrip()) for n in lines]
    nonblank = [(n, t) for n, t in texts if t.strip()]
    long_lines = _long_line_layout([t for _, t in nonblank])
    # footnote text left in the body ("<sup>2</sup> It should…") interrupts
    # the sentence around it: read it after the running text, on its own
    main = [(n, t) for n, t in nonblank if not _FOOTNOTE_LINE.match(t)]
    tail = [(n, t) for n, t in nonblank if _FOOTNOTE_LINE.match(t)]
    nonblank = main + tail
    tail_lines = {n for n, _ in tail}
    st.tail = tail_lines
    para = 0
    prev_line = None
    st.lead = {}
    head_lines = sorted(headings)
    for i, (n, t) in enumerate(nonblank):
        s = t.strip()
        prev = nonblank[i - 1][1] if i else None
        nxt = nonblank[i + 1][1] if i + 1 < len(nonblank) else None
        gap = prev_line is not None and n - prev_line > 1
        if n in tail_lines:
            st.breaks.add(pos + (1 if parts else 0))
            para += 1
            prev_line = None
        crossed = prev_line is not None and any(
            prev_line < h < n for h in head_lines[bisect.bisect_left(head_lines, prev_line):][:3])
        prev_line = n
        lead = len(t) - len(t.lstrip())
        fm = _FOOTNOTE_LINE.match(t)
        if fm:
            lead = fm.end()
            s = t[fm.end():].strip()
        if n in headings or (guess and is_heading(s, prev, nxt) and not s.isdigit()):
            headings[n] = _HEAD_MARKUP.sub("", s).strip()
            st.breaks.add(pos)
            para += 1
            continue
        if crossed:
            st.breaks.add(pos)
            para += 1
        if _PAGE_NUM.match(s) and not s.isdigit():
            continue
        sep = " "
        if parts:
            last = parts[-1]
            if last.endswith(("-", "¬")) and re.match(r"[a-zà-ÿ]", s) \
                    and re.search(r"[a-zà-ÿ]{2}[-¬]$", last):
                parts[-1] = last[:-1]
                pos -= 1
                sep = ""
            elif long_lines and gap and _ends_paragraph(last, s):
                st.breaks.add(pos)
                para += 1
        if parts:
            parts.append(sep)
            pos += len(sep)
        st.starts.append(pos)
        st.lines.append(n)
        st.para.append(para)
        st.lead[n] = (pos, lead)
        parts.append(s)
        pos += len(s)
    st.text = "".join(parts)
    return st, headings


def _long_line_layout(texts: list[str]) -> bool:
    """True when each line is a paragraph (HTML/markdown/web text)."""
    if not texts:
        return False
    lens = sorted(len(t) for t in texts)
    return lens[len(lens) // 2] > 160 or lens[int(len(lens) * 0.9)] > 400


def _ends_paragraph(last: str, nxt: str) -> bool:
    """In paragraph-per-line text: does ``last`` end its paragraph?"""
    if re.search(r"[.!?:][\"”’')\]]*\s*\d{0,3}\s*$", last):
        return True
    return bool(re.match(r"[\"“‘(]?[A-Z0-9]", nxt)) and not last.endswith(",")


# --- patterns ---------------------------------------------------------------------

_FOOTNOTE_LINE = re.compile(
    r"^\s*(?:<sup>&</sup>)?(?:&lt;|<|lt;)sup>\d{1,3}</sup>\s*|^\s*\$_\{[^}]{0,20}\}\$\s*|"
    r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3}\s+")
_HEADING_NUM = re.compile(r"^(?:#{1,6}\s+|(?:chapter|part|section)\s+\w+\b|"
                          r"\d{1,2}(?:\.\d{1,2}){0,4}\.?\s+\S)", re.I)
_TERMINAL = re.compile(r"[.!?:;,]['\"”’)\]]*\s*$")
_NOTE_END = re.compile(r"[a-z\u00df-\u024f)][.!?;:,]['\"”’)\]]*\d{1,3}$")
_PAGE_NUM = re.compile(r"^(?:page\s+)?\d{1,4}$|^[ivxlc]{1,7}$", re.I)
_HEAD_STOP = {"and", "or", "of", "the", "to", "in", "for", "with", "a", "an", "on", "by",
              "from", "that", "which", "as", "at", "is", "are", "og", "und", "der", "die"}
_HEAD_MARKUP = re.compile(r"^#+\s*|\*+")
