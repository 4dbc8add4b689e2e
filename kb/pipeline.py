"""One document, start to finish: read -> locate -> parse -> cite.

    >>> from kb.pipeline import process
    >>> result = process("data/corpus/004_cccc1832effdc7c2.txt")
    >>> result.document.citation_style, len(result.refs), result.refs[0].title

``process`` is a module-level function of a path so a process pool (or a
Dask worker) can run it; everything it returns is plain dataclasses.

Besides the refs, claims and citations it fills the document fields the
reader cannot know:

- ``citation_style`` from what was found: a bibliography plus notes ->
  ``notes-bibliography``; a bibliography alone -> ``author-date``; notes
  alone -> ``footnotes`` or ``endnotes``; nothing -> ``none``.
- ``title`` where clear: the markdown ``# title``, else a first line that
  reads as a title (short, no final period, not a section heading).
- ``authors``: a name line right under the title ("## Jane Doe1"), else a
  "By Jane Doe" / "© Jane Doe" line near the start or the end.
- ``year``: a "Published <date>" / "© <year>" line near the start or end.
"""
from __future__ import annotations

import re
from pathlib import Path

from .cite import cite
from .locate import locate
from .models import REF_PARSED, Apparatus, DocResult, Document, Entry, Ref
from .parse import parse
from .read import read
from .text import FRONT_HEADINGS, YEAR_FIRST, heading_key, markdown_title


def process(path: str | Path) -> DocResult:
    """Read, locate, parse and cite one file -> DocResult (ReadError if unreadable)."""
    doc = read(path)
    app = locate(doc)
    refs = [to_ref(e) for e in app.entries]
    repeat_authors(refs)
    doc.citation_style = citation_style(app)
    fill_metadata(doc)
    claims, citations = cite(doc, app, refs)
    return DocResult(document=doc, refs=refs, claims=claims, citations=citations)


def to_ref(entry: Entry) -> Ref:
    """An Entry parsed into a Ref (raw, kind, line, note, page, label kept as located)."""
    fields = parse(entry.raw, entry.kind)
    ref = Ref(kind=entry.kind, raw=entry.raw, line=entry.line, note=entry.note,
              page=entry.page, label=entry.label)
    for k in REF_PARSED:
        if k in fields and fields[k] is not None:
            setattr(ref, k, fields[k])
    return ref


def repeat_authors(refs: list[Ref]) -> None:
    """A reference-list entry that opens with a dash ("———.", "— and Smith",
    "—, —") or with its year ("(1999b)") names the authors of the entry
    above (Chicago 13.72, MLA, econ styles): a dash alone stands for all of
    them; dashes before other names each stand for the author in their place."""
    prev = None
    for ref in refs:
        if ref.kind != "bibliography":
            continue
        head = ref.raw.lstrip()
        if prev and prev.authors and (_DASH_START.match(head) or YEAR_FIRST.match(head)):
            ref.authors = _repeated(head, prev.authors, ref.kind)
        prev = ref


def _repeated(head: str, above: list[dict], kind: str) -> list[dict]:
    dashes = _DASH_RUN.match(head)
    rest = head[dashes.end():] if dashes else ""
    if not dashes or not _MORE_NAMES.match(rest):
        return [dict(a) for a in above]
    named = parse(_MORE_NAMES.sub("", rest, count=1), kind).get("authors") or []
    return [dict(a) for a in above[:dashes.group(0).count(",") + 1]] + named


# a dash, or what text extraction left of it (". 1990b. Title", ", ed. 1987.")
_DASH_START = re.compile(r"^(?:[—–―‒_-]{2,}|[—―](?=[\s.,])|[.,]\s)")
# the leading dashes, one per repeated author: "—, — and"
_DASH_RUN = re.compile(r"^(?:[—–―‒_-]+)(?:\s?,\s?(?:[—–―‒_-]+))*")
_MORE_NAMES = re.compile(r"^\s?,?\s?(?:(?:and|&|und|et)\s)?(?=\w)")


def citation_style(app: Apparatus) -> str:
    """author-date | notes-bibliography | footnotes | endnotes | none, from the apparatus."""
    kinds = {e.kind for e in app.entries}
    notes = kinds & {"footnote", "endnote"}
    if "bibliography" in kinds:
        return "notes-bibliography" if notes else "author-date"
    if "footnote" in notes:
        return "footnotes"
    if "endnote" in notes:
        return "endnotes"
    return "none"


# --- document metadata -------------------------------------------------------------

_NAME = re.compile(r"^(?:[A-Z\u00C0-\u024F][\w'’\-]{1,30}\.?\s){1,3}[A-Z\u00C0-\u024F][\w'’\-]{1,30}$")
# the year of a publication line (1900-2099: this document, not a source it cites)
_PUBLISHED = re.compile(r"^(?:published|first published|publicado|veröffentlicht|publié|"
                        r"pubblicato|publisert|publicerad)\b[^\n]{0,40}?\b((?:19|20)\d\d)\b",
                        re.IGNORECASE)


def _clean_name(s: str) -> str:
    s = re.sub(r"^#{1,6}\s*|[*_]", "", s.strip())
    s = re.sub(r"(?<=[a-zà-ÿ])\d{1,2}$|[\u00b9\u00b2\u00b3\u2070-\u2079]+$", "", s)  # note marker
    return s.strip(" ,;")


def guess_title(lines: list[str]) -> tuple[str | None, int | None]:
    """(title, line) where the document clearly opens with one, else (None, None)."""
    title, at = markdown_title(lines)
    if at is not None:
        return title, at
    for i, line in enumerate(lines[:10], 1):
        s = line.strip()
        if not s:
            continue
        key = heading_key(s)
        if key in FRONT_HEADINGS or len(s) > 150 or len(s.split()) > 20:
            return None, None
        if s.endswith((".", ",", ";", ":")) or not s[0].isupper():
            return None, None
        return s, i
    return None, None


def guess_authors(lines: list[str], title_line: int | None) -> list[str]:
    """A personal name right under the title, else "By X" / "© X" near either end."""
    if title_line:
        seen = 0
        for line in lines[title_line:title_line + 4]:
            if not line.strip():
                continue
            seen += 1
            name = _clean_name(line)
            if _NAME.match(name):
                return [name]
            if seen >= 2:
                break
    edge = lines[:30] + lines[-40:]
    name = r"((?:[A-Z\u00C0-\u024F][\w'’\-]{1,30}\s){1,3}[A-Z\u00C0-\u024F][\w'’\-]{1,30})(?=\s*(?:/|,|$|\|))"
    # a copyright line first, then a byline ("By Jane Doe"; not "Translated by")
    for pattern in (r"(?:^|\s)(?:©|\(c\))\s*" + name, r"^(?:By|BY|by)\s+" + name):
        for line in edge:
            m = re.search(pattern, line.strip()[:300])
            if m and not re.search(r"\d", m.group(1)):
                return [m.group(1).strip()]
    return []


def guess_year(lines: list[str]) -> int | None:
    """Year of a "Published 10 August 2018" line near the start or end."""
    for line in lines[:30] + lines[-40:]:
        m = _PUBLISHED.match(line.strip()[:200])
        if m:
            return int(m.group(1))
    return None


def readable_name(doc: Document, words: int = 8) -> str:
    """A name to show for a document without a title: its first heading that is
    not front matter, else the opening words of its first sentence, else its
    file stem."""
    for line in doc.lines[:200]:
        s = _clean_name(line)
        if not s or heading_key(s) in FRONT_HEADINGS or len(s) < 12:
            continue
        if _CAPTION.search(s):
            continue
        if _CJK.match(s):
            return s[:words * 3] + ("…" if len(s) > words * 3 else "")
        cut = s.split()
        if len(cut) >= 3:
            return " ".join(cut[:words]) + ("…" if len(cut) > words else "")
    return doc.id


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CAPTION = re.compile(r"^(?:figure|fig\.|table|photo|image|source|kilde|quelle)\b|\bphoto\.?$",
                      re.IGNORECASE)


def fill_metadata(doc: Document) -> None:
    """Set title, authors and year where the text states them clearly (never overwrite)."""
    title, at = guess_title(doc.lines)
    if not doc.title and title:
        doc.title = title
    if not doc.authors:
        doc.authors = guess_authors(doc.lines, at if title else None)
    if doc.year is None:
        doc.year = guess_year(doc.lines)
    doc.label = doc.title or readable_name(doc)
