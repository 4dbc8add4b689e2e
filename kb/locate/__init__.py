"""Find every reference string in a Document: the apparatus.

    >>> from kb.read import read
    >>> app = locate(read("data/corpus/004_cccc1832effdc7c2.txt"))
    >>> app.entries[0].kind, app.entries[0].note, app.entries[0].raw[:20]
    ('endnote', 1, 'Ulrich Menzel, ‘Trib')

Every rule is a general one (what a style guide or a PDF extractor does);
no document is special-cased.  One module per sub-stage, each describing
its rules:

    sections.py   the reference-list and notes sections (by heading or none), headings
    scan.py       the page-level scan: footnotes, note markers, page numbers, body
    furniture.py  running heads and feet, publisher lines repeated on every page
    notes.py      endnote sections, unheaded endnotes, notes cut into sources
    entries.py    a reference list cut into entries (layouts, runs on one line)
    labelled.py   fallbacks that use the trained line labeller (kb/lines.py)
    shapes.py     line shapes and reference-likeness (ref_score), shared

``raw`` is the text as printed with its lines joined by single spaces (as
the gold SCHEMA says); :func:`clean_raw` re-joins URLs and words broken over
lines when a caller wants that (kb.parse re-joins URLs itself).

Not found here: sources named only in running prose (kind ``inline``; kb/cite
adds them for documents without an apparatus), author-date citations (kb/cite).
Known limits: in a single-spaced list without hanging indents, an entry that
opens with its title (no author, no "(Year)") after a complete entry is read as
a continuation; markers alone on their own line (PDF superscripts) do not
restart their numbering.
"""
from __future__ import annotations

from ..models import Apparatus, Document, Entry, Marker, Note
from ..text import fold_markup, heading_kind
from .entries import _bibliography_entries, _split_chicago_run
from .furniture import furniture
from .labelled import _labelled_notes, _prefer_labelled
from .notes import (_note_entries, _section_notes, _short_form_of, _split_glued_notes, _unheaded_endnotes,
                    split_note)
from .scan import _footnote_lines, _notes_in_list, _scan
from .sections import _chapter_note_sections, _find_sections, _looks_heading, _unheaded_bibliography
from .shapes import (MAX_LINE, _clip, clean_raw, is_reference, is_separator, join_lines, ref_score,
                     starts_like_note)

# what other modules, scripts and tests import from kb.locate (heading_kind:
# kb.lines; MAX_LINE: kb.build; _split_chicago_run: tests)
__all__ = ["locate", "MAX_LINE", "clean_raw", "heading_kind", "is_reference", "is_separator",
           "join_lines", "ref_score", "split_note", "starts_like_note", "_split_chicago_run"]


def locate(doc: Document) -> Apparatus:
    """Document -> Apparatus (entries, notes, markers, body lines, sections)."""
    lines = [_clip(l) for l in doc.lines]
    for i, lay in enumerate(doc.layout or []):
        if lay is not None and lay.area == "furniture":
            lines[i] = ""     # running heads and page numbers are never text
    app = Apparatus()
    bib, notes_span = _find_sections(lines)
    bib_headed = bib is not None
    app.bibliography_span = bib
    app.notes_span = notes_span
    chapters = _chapter_note_sections(lines)     # notes at the end of each chapter
    skip = set()
    for span in (bib, notes_span, *chapters):
        if span:
            skip.update(range(span[0], span[1] + 1))

    foot = _footnote_lines(doc)
    skip -= foot                # a page's footnotes printed inside the reference list
    furn = furniture(lines, doc.pages)
    skip |= furniture(lines, doc.pages, heads=False)    # repeated on every page: no note, no body
    page_starts = frozenset(p.start_line for p in doc.pages if p.start_line > 1)
    notes, markers, page_lines, body, note_lines = _scan(lines, skip, page_starts, foot)
    more = set() if notes_span else _notes_in_list(lines, bib, notes, markers, furn) - foot
    if more:                    # footnotes printed under the list: scan again with them
        foot |= more
        skip -= more
        notes, markers, page_lines, body, note_lines = _scan(lines, skip, page_starts, foot)
    app.page_lines = page_lines
    app.markers = markers
    kind = _scanned_kind(notes, markers)
    if chapters:
        _add_chapter_notes(lines, chapters, page_lines | furn, notes)
        kind = "endnote"
    elif notes_span:
        heads = _section_notes(lines, notes_span, page_lines | furn,
                               max((m.number for m in markers), default=0))
        for nt in heads:
            notes.setdefault(nt.number, nt)
        kind = "endnote"
    if not notes and markers and _add_unheaded_endnotes(lines, notes, markers, bib, skip, body):
        kind = "endnote"
    if bib is None and notes_span is None and not (notes and kind == "endnote"):
        bib = _take_unheaded_bibliography(lines, app, notes, body)
    if notes_span is None and (not notes or kind == "footnote"):
        _add_labelled_notes(lines, notes, bib, body)
        kind = "footnote"
    _split_glued_notes(notes, app.markers)
    app.notes = dict(sorted(notes.items()))
    app.note_kind = kind if notes else None

    span = None
    if bib:
        span = bib if bib_headed else (bib[0] - 1, bib[1])
    app.entries = _entries(doc, lines, app, span, (foot & note_lines) | furn)
    app.headings, app.body = _headings(lines, body)
    return app


def _scanned_kind(notes: dict[int, Note], markers: list[Marker]) -> str:
    """The kind of the scan's notes: endnotes when they all follow the last
    marker, else footnotes (each note's ``kind`` is set)."""
    kind = "footnote"
    if notes and markers and min(nt.line for nt in notes.values()) > max(m.line for m in markers):
        kind = "endnote"
    for nt in notes.values():
        nt.kind = kind
    return kind


def _add_chapter_notes(lines, chapters, page_lines, notes: dict[int, Note]) -> None:
    """The notes of each chapter's Notes section, numbered on through the
    document (chapter 2's note 1 follows chapter 1's last), into ``notes``."""
    off = 0
    for span in chapters:
        found = _section_notes(lines, span, page_lines)
        for nt in found:
            nt.number += off
            notes.setdefault(nt.number, nt)
        off = max([off] + [nt.number for nt in found])


def _add_unheaded_endnotes(lines, notes, markers, bib, skip, body) -> bool:
    """Endnotes without a heading into ``notes``; they and what follows them
    (publication info, related links) leave ``body``.  True if any were found."""
    tail = _unheaded_endnotes(lines, markers, bib, skip)
    for nt in tail:
        notes[nt.number] = nt
    if tail:
        body -= set(range(tail[0].line, tail[-1].end_line + 1))
        # what follows the notes (publication info, related links) is not body
        body -= set(range(tail[-1].end_line + 1, len(lines) + 1))
    return bool(tail)


def _take_unheaded_bibliography(lines, app: Apparatus, notes, body) -> tuple[int, int] | None:
    """A reference list without a heading: its lines leave the body, the
    markers and the notes, and it becomes the bibliography span."""
    bib = _unheaded_bibliography(lines)
    if bib:
        span = set(range(bib[0], bib[1] + 1))
        body -= span
        app.markers = [m for m in app.markers if m.line not in span]
        for k in [k for k, nt in notes.items() if nt.line in span]:
            del notes[k]
        app.bibliography_span = bib
    return bib


def _add_labelled_notes(lines, notes, bib, body) -> None:
    """Notes the rules missed (the first on a page, numbers glued to the
    text), from the line labeller, into ``notes``; their lines leave ``body``."""
    taken = set(range(bib[0], bib[1] + 1)) if bib else set()
    for nt in notes.values():
        taken.update(nt.lines, (nt.line,))
    found, groups = _labelled_notes(lines, taken)
    if not notes and (len(found) < 2 or len(found) < 0.6 * groups):
        found = []
    numbers = set(notes) | {nt.number for nt in found}
    for nt in found:
        # a new number must run in sequence with a neighbour (not a stray "243")
        if nt.number not in notes and (nt.number - 1 in numbers or nt.number + 1 in numbers):
            notes[nt.number] = nt
            body -= set(nt.lines) | {nt.line}


def _entries(doc: Document, lines, app: Apparatus, span, listed_notes: set[int]) -> list[Entry]:
    """Bibliography entries (of ``span``; footnotes printed inside it left
    out), then each note's sources, with pages."""
    entries: list[Entry] = []
    if span:
        skip = app.page_lines | listed_notes
        entries.extend(_prefer_labelled(lines, span, _bibliography_entries(lines, span, skip),
                                        doc.layout if any(doc.layout or []) else None))
    known = [fold_markup(e.raw) for e in entries]       # bibliography entries, then full notes
    for nt in app.notes.values():
        nt.page = doc.page_of(nt.line)
        found = _note_entries(nt, lines)
        if not found and _short_form_of(nt.text, known):
            # "Author, Short Title, 12." whose words all stand in one earlier reference
            found = [Entry(kind=nt.kind, raw=nt.text.strip(), line=nt.line, note=nt.number)]
        known.extend(fold_markup(e.raw) for e in found)
        entries.extend(found)
    for e in entries:
        e.page = doc.page_of(e.line)
    return entries


def _headings(lines, body: set[int]) -> tuple[list[tuple[int, str]], set[int]]:
    """(headings, body without them): the body lines that read as headings."""
    headings = []
    for i in sorted(body):
        if _looks_heading(lines[i - 1]):
            headings.append((i, lines[i - 1].strip().lstrip("#").strip()))
    return headings, body - {h for h, _ in headings}
