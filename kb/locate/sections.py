"""Sections and headings: where the reference list and the notes section
stand, by their headings or (a reference list) without one.

Reference-list headings take any common form and language (Bibliography,
References, Reference List, Works Cited, Literature, Sources,
Literaturverzeichnis, Bibliografia, Bibliographie, Références, Referencias,
Fuentes, Litteratur, Kilder, 参考文献, 参考资料, 文献 ...; see
kb.text.BIB_HEADINGS), with markdown/bold markup and numbering ("#### 8.",
"IV.") ignored.  The last such heading followed by reference-like lines wins
(a table of contents does not).  The section ends at an Appendix/Index/
Acknowledgements-style heading or another reference-section heading.  A list
without a heading is the run of entry-like lines, in alphabetical order or
numbered from 1 ("[1] ...", "1. ..."), that ends the document.  Notes
printed at the end of each chapter (a Notes heading per chapter) are one
section per chapter.
"""
from __future__ import annotations

import re

from ..text import END_HEADINGS, YEAR_RE, heading_key, heading_kind
from .entries import _entry_start_shape
from .labelled import _labelled_ref
from .shapes import BULLET, LONE_NUM, URL, _prose_words

# "Table 2" / "Figure 3": the line after it is a caption ("Citations"), not a heading
_CAPTION = re.compile(r"(?:table|figure|fig|tab|abbildung|tabelle) \d+$")


def _find_sections(lines: list[str]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(bibliography span, notes span) from heading lines: the last heading of
    each kind that is followed by reference-like lines (a year or a URL)."""
    heads = []
    prev = ""
    for i, line in enumerate(lines, 1):
        if 0 < len(line.strip()) <= 80:
            kind = heading_kind(line)
            if kind in ("bibliography", "notes") and not _CAPTION.match(heading_key(prev)):
                heads.append((i, kind))
        if line.strip():
            prev = line
    n = len(lines)

    def end_of(start: int) -> int:
        for j in range(start + 1, n + 1):
            s = lines[j - 1].strip()
            if not s or len(s) > 80:
                continue
            if len(s.split()) <= 8 and s[:1].isupper() and END_HEADINGS.match(heading_key(s)):
                return j - 1
            k = heading_kind(s)
            if k in ("bibliography", "notes") and j != start:
                return j - 1
        return n

    bib = notes = None
    for start, kind in reversed(heads):
        end = end_of(start)
        if not _reference_dense(lines, start + 1, end) and not _labelled_ref(lines, start, end):
            continue
        if kind == "bibliography" and bib is None:
            bib = (start, end)
        elif kind == "notes" and notes is None:
            notes = (start, end)
    return bib, notes


def _chapter_note_sections(lines: list[str]) -> list[tuple[int, int]]:
    """Notes printed at the end of each chapter: every Notes heading followed by
    reference-like lines, each section ending before the next heading that is
    no note ("Chapter 2") or the next Notes heading.  Two or more, else []."""
    heads = [i for i, line in enumerate(lines, 1)
             if 0 < len(line.strip()) <= 80 and heading_kind(line) == "notes"]
    spans = []
    for k, start in enumerate(heads):
        stop = heads[k + 1] - 1 if k + 1 < len(heads) else len(lines)
        end = start
        for j in range(start + 1, stop + 1):
            s = lines[j - 1].strip()
            if s and _looks_heading(s) and not re.match(r"^\[?\d{1,3}[.)\]]?\s+\S.{0,60}[.,;]$", s) \
                    and heading_kind(s) != "bibliography" and j > start + 1:
                break
            if s and heading_kind(s) == "bibliography":
                break
            if s:
                end = j
        if end > start and _reference_dense(lines, start + 1, end):
            spans.append((start, end))
    return spans if len(spans) >= 2 else []


def _reference_dense(lines: list[str], start: int, end: int) -> bool:
    """Do the lines of a section read as a reference/notes list, not running text?

    Half of its first 100 lines carry a year, a URL or an entry-like start, and
    at most 40% read as prose (six or more function words)."""
    ls = [l for l in lines[start - 1:end] if l.strip() and not LONE_NUM.match(l)][:100]
    if not ls:
        return False
    refs = sum(1 for l in ls if YEAR_RE.search(l) or URL.search(l)
               or _entry_start_shape(BULLET.sub("", l).strip()))
    prose = sum(1 for l in ls if _prose_words(l) >= 6)
    return refs >= 0.5 * len(ls) and prose <= 0.4 * len(ls)


def _unheaded_bibliography(lines: list[str]) -> tuple[int, int] | None:
    """A reference list without a heading: the run of entry-like lines that ends
    the document (at least three entries, in alphabetical order, no prose)."""
    n = len(lines)
    starts: list[int] = []
    first = None
    end = None
    for i in range(n, max(0, n - 3000), -1):
        raw = lines[i - 1]
        s = raw.strip()
        if not s or LONE_NUM.match(raw):
            continue
        b = BULLET.match(raw)
        t = raw[b.end():].strip() if b else s
        near = " ".join(x.strip() for x in lines[i - 1:i + 2])
        if _entry_start_shape(t) and (YEAR_RE.search(near) or URL.search(near)) and \
                _prose_words(t) < 6:
            starts.append(i)
            first = i
        elif _prose_words(t) >= 6 and len(t) > 80:
            break
        elif len(t) > 200:
            break
        if end is None:
            end = i
    if len(starts) < 3 or first is None or end is None:
        return None
    if _numbered_from_one([lines[i - 1] for i in reversed(starts)]):
        return (first, end)     # "[1] ...", "1. ...": a numbered list, in citation order
    keys = [re.sub(r"^\W+", "", BULLET.sub("", lines[i - 1]).strip())[:1].casefold()
            for i in reversed(starts)]
    ordered = sum(1 for a, b in zip(keys, keys[1:]) if a <= b)
    if ordered < 0.8 * (len(keys) - 1):
        return None
    return (first, end)


def _numbered_from_one(texts: list[str]) -> bool:
    """Are the entry lines numbered 1, 2, 3 ... ("[1]", "1.")?"""
    nums = []
    for t in texts:
        m = re.match(r"^\s{0,8}(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s", t)
        if not m:
            return False
        nums.append(int(m.group(1) or m.group(2)))
    return nums[0] == 1 and all(b == a + 1 for a, b in zip(nums, nums[1:]))


def _looks_heading(line: str) -> bool:
    """A short line that reads like a section heading (markdown #, numbered, or bare title)."""
    s = line.strip()
    if not s or len(s) > 90:
        return False
    if re.match(r"^#{1,6}\s", s):
        return True
    if re.match(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?)\s{1,3}[A-Z\u00C0-\u024F]", s) and \
            not s.endswith((".", ",", ";")) and len(s.split()) <= 12:
        return True
    if s.isupper() and len(s) > 3 and re.search(r"[A-Z]{3}", s):
        return True
    if re.match(r"^(?:chapter|part|kapitel|chapitre|capítulo|capitolo|teil)\s+"
                r"(?:\d{1,3}|[ivxlc]{1,6}|[a-z]{3,12})\b(?:[.:\s].{0,80})?$", s, re.IGNORECASE) and \
            not s.endswith((".", ",", ";")) and s[:1].isupper():
        return True     # "Chapter Two", "Part III: Cities"
    return heading_kind(s) is not None
