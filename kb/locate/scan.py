"""The page-level scan: one walk over the lines outside the reference and
notes sections, finding footnotes, note markers, page-number lines and body.

Footnotes at page bottoms (PDF-extracted text)
    Numbered in sequence through the document.  A note starts with its
    number alone on a line (after a separator line of spaces/underscores, or
    right after another note) or glued to its first word ("12 Smith",
    "3\"Title", "¹ Smith") at the expected number, after a blank line, when a
    marker with that number was seen, the line before is a separator-like
    blank, or the text itself reads as a citation.  It ends at the next note,
    a page-number line, a separator, three blank lines, or an indented line
    (the next page's running text).  A lost note number is recovered for a
    whole line that is one short citation while a marker waits for its note.
    Markdown footnotes ("[^1]: ...") are read too.

Numbering that restarts in each chapter
    A marker "1" after a heading ("Chapter Two", "2 Cities") once markers
    have run past 3 starts a new chapter; markers and notes are then numbered
    through the document (chapter 2's note 1 is number N+1; ``Marker.text``
    keeps the printed "1").

Markers and body
    Note markers in the running text (glued "word.12", "system”1,", alone on
    a line, "[^1]") are collected in note order; ``body`` is every running-
    text line (no notes, reference sections, page numbers, separators,
    marker-only lines or headings).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Marker, Note
from .notes import _lead, _orphan_note_line
from .sections import _looks_heading
from .shapes import (LONE_NUM, SUPERSCRIPTS, is_reference, is_separator, join_lines, ref_score,
                     starts_like_note)


@dataclass
class _Open:
    number: int
    lines: list[int]
    texts: list[str]
    first_from_number: bool
    markdown: bool = False
    blank_run: int = 0


def _scan(lines: list[str], skip: set[int], page_starts: frozenset = frozenset()):
    """Walk the lines once: footnotes, note markers, page-number lines, body.

    A note never runs over a page start (``page_starts``, from Document.pages)."""
    n = len(lines)
    notes: dict[int, Note] = {}
    markers: list[Marker] = []
    page_lines: set[int] = set()
    body: set[int] = set()
    note_lines: set[int] = set()
    next_note, next_marker = 1, 1
    in_zone = False
    cur: _Open | None = None
    prev_blank = True
    md_labels: dict[str, int] = {}
    # numbering that restarts in each chapter: markers restart at "1" after a
    # heading; notes follow (note "1" again once its chapter's markers restarted).
    # Both are then numbered through the document: offset + printed number.
    m_off, n_off = 0, 0
    m_restarts: list[int] = []
    heading_since = False

    def note_key(printed: int) -> int:
        """Document-wide number of a printed note number (restarting numbering)."""
        nonlocal n_off
        if printed == 1 and next_note - n_off > 2 and \
                any(r > n_off and r >= next_note - 1 for r in m_restarts):
            return min(r for r in m_restarts if r > n_off and r >= next_note - 1) + 1
        return n_off + printed

    def close():
        nonlocal cur
        if cur and cur.texts:
            text = join_lines(cur.texts)
            notes[cur.number] = Note(number=cur.number, kind="footnote", line=cur.lines[0],
                                     end_line=cur.lines[-1], text=text, lines=list(cur.lines))
            note_lines.update(cur.lines)
        cur = None

    def next_text(i: int) -> int | None:
        """Line number of the next non-blank line within 3 lines after i."""
        for j in range(i + 1, min(n, i + 3) + 1):
            if lines[j - 1].strip():
                return j
        return None

    i = 0
    while i < n:
        i += 1
        line = lines[i - 1].translate(SUPERSCRIPTS)
        if i in page_starts and cur and not cur.markdown:
            close()
            in_zone = False
        if i in skip:
            if cur:
                close()
            in_zone = False
            continue
        md = MD_NOTE_DEF.match(line)
        if md:      # markdown footnote "[^1]: text" (continuation lines indented)
            close()
            num = int(md.group(1)) if md.group(1).isdigit() else next_note
            md_labels[md.group(1)] = num
            cur = _Open(num, [i], [md.group(2)], False, markdown=True)
            next_note = max(next_note, num + 1)
            prev_blank = False
            continue
        if cur and cur.markdown:
            if line.strip() and (line[:1].isspace() or not cur.blank_run):
                cur.lines.append(i)
                cur.texts.append(line)
                cur.blank_run = 0
                continue
            if not line.strip():
                cur.blank_run += 1
                continue
            close()
        if not line.strip():
            if cur:
                cur.blank_run += 1
                if cur.blank_run >= 3:
                    close()
                    in_zone = False
            if is_separator(line) and len(line) >= 10:
                close()
                in_zone = True
            prev_blank = True
            continue
        if is_separator(line):
            close()
            in_zone = True
            prev_blank = True
            continue
        m = LONE_NUM.match(line)
        if m:
            num = note_key(int(m.group(1)))
            j = next_text(i)
            if (in_zone or cur) and next_note <= num <= max(next_note + 2, next_marker - 1) and j and \
                    not LONE_NUM.match(lines[j - 1]) and starts_like_note(lines[j - 1]):
                close()
                n_off = num - int(m.group(1))
                cur = _Open(num, [], [], True)
                next_note = num + 1
                in_zone = True
                prev_blank = False
                continue
            if cur:
                close()
                in_zone = False
            num = int(m.group(1))
            if next_marker <= num <= next_marker + 4 and num < 1000:
                markers.append(Marker(num, i, 0, len(line), line.strip(), alone=True))
                next_marker = num + 1
            else:
                page_lines.add(i)
            prev_blank = False
            continue
        m = NOTE_START.match(line)
        key = note_key(int(m.group(1))) if m else 0
        if m and next_note <= key <= max(next_note + 2, next_marker - 1) \
                and starts_like_note(m.group(2)) \
                and (in_zone or cur or (prev_blank and (
                    key < next_marker or lines[i - 2][:1].isspace()
                    or ref_score(m.group(2)) >= 2))
                    or (key < next_marker and is_reference(*_lead(m.group(2))))):
            close()
            num = key
            n_off = key - int(m.group(1))
            text = re.sub(r"^%d\s+" % int(m.group(1)), "", m.group(2))   # "26 26 Title": doubled
            cur = _Open(num, [i], [text], False)
            next_note = num + 1
            in_zone = True
            prev_blank = False
            continue
        if cur:
            indented = line[:1].isspace()
            if cur.texts and indented and not (cur.first_from_number and len(cur.texts) == 0):
                close()
                in_zone = False
            elif not cur.texts or not indented:
                cur.lines.append(i)
                cur.texts.append(line)
                cur.blank_run = 0
                prev_blank = False
                continue
            else:
                close()
                in_zone = False
        in_zone = False
        if notes and next_note < next_marker and _orphan_note_line(line):
            # a footnote whose number was lost in extraction: a whole line that
            # is one short citation, while a marker still waits for its note
            notes[next_note] = Note(number=next_note, kind="footnote", line=i, end_line=i,
                                    text=join_lines([line]), lines=[i])
            note_lines.add(i)
            next_note += 1
            continue
        body.add(i)
        for mm in GLUED_MARKER.finditer(line):
            num = m_off + int(mm.group(1))
            if int(mm.group(1)) == 1 and heading_since and next_marker > 3 and \
                    not next_marker <= num <= next_marker + 4:
                m_off = next_marker - 1         # a new chapter numbers its notes from 1
                m_restarts.append(m_off)
                num = m_off + 1
            if next_marker <= num <= next_marker + 4:
                markers.append(Marker(num, i, mm.start(1), mm.end(1), mm.group(1)))
                next_marker = num + 1
                heading_since = False
        if _looks_heading(line):
            heading_since = True
        prev_blank = False
    close()
    # markdown markers "[^1]" (their definitions may come after them)
    for ln in sorted(body):
        for mm in MD_MARKER.finditer(lines[ln - 1]):
            num = md_labels.get(mm.group(1))
            if num is not None:
                markers.append(Marker(num, ln, mm.start(), mm.end(), mm.group(0)))
    markers.sort(key=lambda m: (m.line, m.start))
    return notes, markers, page_lines, body, note_lines


# --- patterns ------------------------------------------------------------------

MD_NOTE_DEF = re.compile(r"^\s{0,3}\[\^([^\]\s]{1,20})\]:\s?(.*)$")
MD_MARKER = re.compile(r"\[\^([^\]\s]{1,20})\](?!:)")
NOTE_START = re.compile(r"^\s{0,3}(\d{1,3})(?:[.)](?!\d)\s{0,3}|\s{1,5}|(?=[“\"‘«„\u3400-\u9fff]))(\S.*)$")
GLUED_MARKER = re.compile(
    r"(?<=[A-Za-z\u00C0-\u024F.,;:!?”’\"')\]])(?<!\d[.,:])(\d{1,3})(?![.,:]\d)(?=[\s,.;:)\]]|$)")
