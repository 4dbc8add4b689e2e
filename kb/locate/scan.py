"""The page-level scan: one walk over the lines outside the reference and
notes sections, finding footnotes, note markers, page-number lines and body.

Footnotes at page bottoms (PDF-extracted text)
    Numbered in sequence through the document.  A note starts with its
    number alone on a line (after a separator line of spaces/underscores, or
    right after another note) or glued to its first word ("12 Smith",
    "3\"Title", "¹ Smith") at the expected number, after a blank line, when a
    marker with that number was seen, the line before is a separator-like
    blank, or the text itself reads as a citation; or, its marker seen, at the
    foot of a page (the page's number follows within a few lines).  It ends at the next note,
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

from ..models import Document, Marker, Note
from .notes import _QUOTED_REF, _lead, _orphan_note_line
from .sections import _looks_heading
from .shapes import (BULLET, IBID, LONE_NUM, SUPERSCRIPTS, is_reference, is_separator, join_lines,
                     ref_score, starts_like_note)


@dataclass
class _Open:
    """The note being read: its number, line numbers and texts."""
    number: int
    lines: list[int]
    texts: list[str]
    first_from_number: bool
    markdown: bool = False
    blank_run: int = 0


def _scan(lines: list[str], skip: set[int], page_starts: frozenset = frozenset(),
          foot: set[int] = frozenset()):
    """Walk the lines once: footnotes, note markers, page-number lines, body
    -> (notes, markers, page_lines, body, note_lines).

    A note never runs over a page start (``page_starts``, from Document.pages);
    lines the PDF reader put in a footnote area (``foot``) are in the note zone."""
    scan = _Scanner(lines, skip, page_starts, foot)
    for i in range(1, len(lines) + 1):
        scan.step(i, lines[i - 1].translate(SUPERSCRIPTS))
    scan.close()
    scan.markdown_markers()
    scan.markers.sort(key=lambda m: (m.line, m.start))
    return scan.notes, scan.markers, scan.page_lines, scan.body, scan.note_lines


class _Scanner:
    """The scan's state; ``step`` reads one line (the first reading that
    takes it wins: markdown note, blank, separator, lone number, note start,
    note continuation, lost-number note, body)."""

    def __init__(self, lines: list[str], skip: set[int], page_starts: frozenset,
                 foot: set[int] = frozenset()):
        self.lines, self.skip, self.page_starts, self.foot = lines, skip, page_starts, foot
        self.n = len(lines)
        self.notes: dict[int, Note] = {}
        self.markers: list[Marker] = []
        self.page_lines: set[int] = set()
        self.body: set[int] = set()
        self.note_lines: set[int] = set()
        self.next_note, self.next_marker = 1, 1
        self.in_zone = False
        self.cur: _Open | None = None
        self.prev_blank = True
        self.md_labels: dict[str, int] = {}
        # numbering that restarts in each chapter: markers restart at "1" after a
        # heading; notes follow (note "1" again once its chapter's markers restarted).
        # Both are then numbered through the document: offset + printed number.
        self.m_off, self.n_off = 0, 0
        self.m_restarts: list[int] = []
        self.heading_since = False

    def step(self, i: int, line: str) -> None:
        """Read line i (``line``: its text, superscript digits made plain)."""
        if i in self.page_starts and self.cur and not self.cur.markdown:
            self.close()
            self.in_zone = False
        if i in self.skip:
            if self.cur:
                self.close()
            self.in_zone = False
            return
        if i in self.foot and not self.cur:
            self.in_zone = True
        if self.markdown_note(i, line):
            return
        if not line.strip():
            self.blank(line)
            return
        if is_separator(line):
            self.close()
            self.in_zone = True
            self.prev_blank = True
            return
        if self.lone_number(i, line) or self.note_start(i, line) or self.note_line(i, line):
            return
        self.in_zone = False
        if self.orphan_note(i, line):
            return
        self.body_line(i, line)

    def note_key(self, printed: int) -> int:
        """Document-wide number of a printed note number (restarting numbering)."""
        if printed == 1 and self.next_note - self.n_off > 2 and \
                any(r > self.n_off and r >= self.next_note - 1 for r in self.m_restarts):
            return min(r for r in self.m_restarts if r > self.n_off and r >= self.next_note - 1) + 1
        return self.n_off + printed

    def close(self) -> None:
        """End the open note (kept when it has text)."""
        cur = self.cur
        if cur and cur.texts:
            text = join_lines(cur.texts)
            self.notes[cur.number] = Note(number=cur.number, kind="footnote", line=cur.lines[0],
                                          end_line=cur.lines[-1], text=text, lines=list(cur.lines))
            self.note_lines.update(cur.lines)
        self.cur = None

    def next_text(self, i: int) -> int | None:
        """Line number of the next non-blank line within 3 lines after i."""
        for j in range(i + 1, min(self.n, i + 3) + 1):
            if self.lines[j - 1].strip():
                return j
        return None

    def markdown_note(self, i: int, line: str) -> bool:
        """A markdown footnote "[^1]: text", or a line of the open one
        (continuation lines indented)."""
        md = MD_NOTE_DEF.match(line)
        if md:
            self.close()
            num = int(md.group(1)) if md.group(1).isdigit() else self.next_note
            self.md_labels[md.group(1)] = num
            self.cur = _Open(num, [i], [md.group(2)], False, markdown=True)
            self.next_note = max(self.next_note, num + 1)
            self.prev_blank = False
            return True
        cur = self.cur
        if cur and cur.markdown:
            if line.strip() and (line[:1].isspace() or not cur.blank_run):
                cur.lines.append(i)
                cur.texts.append(line)
                cur.blank_run = 0
                return True
            if not line.strip():
                cur.blank_run += 1
                return True
            self.close()
        return False

    def blank(self, line: str) -> None:
        """A blank line: three end the open note; a long run of spaces is a separator."""
        if self.cur:
            self.cur.blank_run += 1
            if self.cur.blank_run >= 3:
                self.close()
                self.in_zone = False
        if is_separator(line) and len(line) >= 10:
            self.close()
            self.in_zone = True
        self.prev_blank = True

    def lone_number(self, i: int, line: str) -> bool:
        """A number alone on its line: a note's number (the note's text follows),
        a marker alone on its line (PDF superscript), or a page number."""
        m = LONE_NUM.match(line)
        if not m:
            return False
        num = self.note_key(int(m.group(1)))
        j = self.next_text(i)
        if ((self.in_zone or self.cur) and
                self.next_note <= num <= max(self.next_note + 2, self.next_marker - 1) and j and
                not LONE_NUM.match(self.lines[j - 1]) and starts_like_note(self.lines[j - 1])) or \
                _lone_number_note(self.lines, num, self.next_note, self.next_marker, j) or \
                (j and num == self.next_note < self.next_marker and self.at_page_foot(j)
                 and not LONE_NUM.match(self.lines[j - 1]) and starts_like_note(self.lines[j - 1])):
            self.close()
            self.n_off = num - int(m.group(1))
            self.cur = _Open(num, [], [], True)
            self.next_note = num + 1
            self.in_zone = True
            self.prev_blank = False
            return True
        if self.cur:
            self.close()
            self.in_zone = False
        num = int(m.group(1))
        if self.next_marker <= num <= self.next_marker + 4 and num < 1000:
            self.markers.append(Marker(num, i, 0, len(line), line.strip(), alone=True))
            self.next_marker = num + 1
        else:
            self.page_lines.add(i)
        self.prev_blank = False
        return True

    def note_start(self, i: int, line: str) -> bool:
        """A note's number glued to its first words ("12 Smith", "3\"Title")."""
        m = NOTE_START.match(line)
        if not m:
            return False
        key = self.note_key(int(m.group(1)))
        if not self.opens_note(i, key, m.group(2)):
            return False
        self.close()
        self.n_off = key - int(m.group(1))
        text = re.sub(r"^%d\s+" % int(m.group(1)), "", m.group(2))   # "26 26 Title": doubled
        self.cur = _Open(key, [i], [text], False)
        self.next_note = key + 1
        self.in_zone = True
        self.prev_blank = False
        return True

    def opens_note(self, i: int, key: int, text: str) -> bool:
        """Does note number ``key`` start at line i?  It is the expected number and
        the text starts like a note, in the note zone, after a blank line (a marker
        with the number seen, an indented line before, or a citation), or a
        citation whose marker was seen."""
        if not self.next_note <= key <= max(self.next_note + 2, self.next_marker - 1) or \
                not starts_like_note(text) or _numbered_heading(text):
            return False
        if self.in_zone or self.cur:
            return True
        if self.prev_blank and (key < self.next_marker or self.lines[i - 2][:1].isspace()
                                or ref_score(text) >= 2):
            return True
        return key < self.next_marker and (_reads_as_note(self.lines, i, text) or self.at_page_foot(i))

    def at_page_foot(self, i: int) -> bool:
        """Does line i stand at the foot of its page: the page ends within 12
        lines, after its page number (a footnote, even one that cites nothing)?"""
        end = next((p for p in sorted(self.page_starts) if i < p <= i + 12), None)
        if end is None:
            return False
        last = next((j for j in range(end - 1, i, -1) if self.lines[j - 1].strip()), None)
        return last is not None and bool(re.fullmatch(r"\d{1,4}", self.lines[last - 1].strip()))

    def note_line(self, i: int, line: str) -> bool:
        """A further line of the open note; an indented line (the next page's
        running text) ends it."""
        cur = self.cur
        if not cur:
            return False
        indented = line[:1].isspace()
        if cur.texts and indented and not (cur.first_from_number and len(cur.texts) == 0):
            self.close()
            self.in_zone = False
        elif not cur.texts or not indented:
            cur.lines.append(i)
            cur.texts.append(line)
            cur.blank_run = 0
            self.prev_blank = False
            return True
        else:
            self.close()
            self.in_zone = False
        return False

    def orphan_note(self, i: int, line: str) -> bool:
        """A footnote whose number was lost in extraction: a whole line that
        is one short citation, while a marker still waits for its note."""
        if self.notes and self.next_note < self.next_marker and _orphan_note_line(line):
            self.notes[self.next_note] = Note(number=self.next_note, kind="footnote", line=i,
                                              end_line=i, text=join_lines([line]), lines=[i])
            self.note_lines.add(i)
            self.next_note += 1
            return True
        return False

    def body_line(self, i: int, line: str) -> None:
        """Running text: its glued markers ("word.12"); a marker "1" after a
        heading, once markers ran past 3, starts a new chapter's numbering."""
        self.body.add(i)
        for mm in GLUED_MARKER.finditer(line):
            num = self.m_off + int(mm.group(1))
            if int(mm.group(1)) == 1 and self.heading_since and self.next_marker > 3 and \
                    not self.next_marker <= num <= self.next_marker + 4:
                self.m_off = self.next_marker - 1         # a new chapter numbers its notes from 1
                self.m_restarts.append(self.m_off)
                num = self.m_off + 1
            if self.next_marker <= num <= self.next_marker + 4:
                self.markers.append(Marker(num, i, mm.start(1), mm.end(1), mm.group(1)))
                self.next_marker = num + 1
                self.heading_since = False
        if _looks_heading(line):
            self.heading_since = True
        self.prev_blank = False
        glued = _glued_note_start(self.lines, i, line, self.next_note, self.next_marker)
        if glued:               # "…under public un1" + the note's text on the next line
            self.close()
            self.cur = _Open(glued, [], [], True)
            self.next_note, self.in_zone = glued + 1, True

    def markdown_markers(self) -> None:
        """Markdown markers "[^1]" in the body (their definitions may come after them)."""
        for ln in sorted(self.body):
            for mm in MD_MARKER.finditer(self.lines[ln - 1]):
                num = self.md_labels.get(mm.group(1))
                if num is not None:
                    self.markers.append(Marker(num, ln, mm.start(), mm.end(), mm.group(0)))


# --- footnotes that pdftotext or a PDF layout sets apart (issue 17) ---------------

def _lone_number_note(lines: list[str], num: int, next_note: int, next_marker: int,
                      j: int | None) -> bool:
    """(issue 17) A footnote whose number stands alone on its line with no
    separator before it (pdftotext of a LaTeX page): the next note number
    (or one after a note lost), its marker already seen in the text, and the text after it reads as a
    citation (first two lines together: a note often wraps before its year)."""
    if not j or not next_note <= num <= next_note + 2 or num >= next_marker \
            or LONE_NUM.match(lines[j - 1]):
        return False
    text = lines[j - 1].strip()
    if j < len(lines) and lines[j].strip() and not LONE_NUM.match(lines[j]):
        text += " " + lines[j].strip()
    return bool(IBID.match(text)) or is_reference(*_lead(text))


def _numbered_heading(text: str) -> bool:
    """The words after a number are a section heading ("2     Background" in
    layout text), not a note: a few capitalised words, no digits, no closing
    punctuation (a note ends with a period, "Ibid." included)."""
    t = text.strip()
    words = t.split()
    return 0 < len(words) <= 8 and t[:1].isupper() and not re.search(r"[\d,;]|[.:;)”\"’]$", t)


def _footnote_lines(doc: Document) -> set[int]:
    """(issue 17) The lines the PDF reader put in a page's footnote area
    (``LineLayout.area``): footnotes even inside a reference list."""
    return {i + 1 for i, lay in enumerate(doc.layout or []) if lay is not None
            and lay.area == "footnote"}


def _glued_note_start(lines: list[str], i: int, line: str, next_note: int,
                      next_marker: int) -> int | None:
    """(issue 17) pdftotext may glue a page's first footnote number to the
    last body line ("…debate un1"): the next note number, its marker seen,
    and the next text line reads as a citation."""
    m = re.search(r"[a-z\u00df-\u024f](\d{1,3})$", line.rstrip())
    if not m or int(m.group(1)) != next_note or next_note >= next_marker:
        return None
    j = i + 1
    while j <= min(len(lines), i + 2) and not lines[j - 1].strip():
        j += 1
    if j > len(lines) or LONE_NUM.match(lines[j - 1]) or NOTE_START.match(lines[j - 1]):
        return None
    return next_note if _reads_as_note(lines, j, lines[j - 1].strip()) else None


def _reads_as_note(lines: list[str], i: int, text: str) -> bool:
    """(issue 17) The text after a note number reads as a citation, on its
    line or with the next one (a note often wraps before its year)."""
    if is_reference(*_lead(text)):
        return True
    nxt = lines[i].strip() if i < len(lines) else ""
    return bool(nxt) and not NOTE_START.match(nxt) and is_reference(*_lead(text + " " + nxt))


def _notes_in_list(lines: list[str], span, notes: dict, markers: list,
                   furn: set[int] = frozenset()) -> set[int]:
    """(issue 17) Footnotes a page prints under its part of the reference
    list (text without layout): from the line that starts the next note
    number (or one after it: pdftotext may misplace a number), whose marker
    was seen, to the page number after the notes."""
    if not span or not markers:
        return set()
    first = next((l for l in lines[span[0]:span[1]] if l.strip()), "")
    if LONE_NUM.match(first) or NOTE_START.match(first) or BULLET.match(first) \
            or re.match(r"\s*\[?\d{1,4}[.\])]?(?:\s|$)", first):
        return set()            # a numbered list: its numbers are entries, not notes
    want = max(notes, default=0) + 1
    top = max((m.number for m in markers), default=0)
    out: set[int] = set()
    i, inside = span[0] + 1, False
    while i <= span[1]:
        line = lines[i - 1]
        lone = LONE_NUM.match(line)
        start = NOTE_START.match(line)
        num = int((lone or start).group(1)) if (lone or start) else None
        k = i
        while k < min(len(lines), i + 2) and not lines[k].strip():
            k += 1              # pdftotext may leave a blank after the number
        nxt = lines[k].strip() if k < len(lines) else ""
        text = nxt if lone else (start.group(2) if start else "")
        before = "" if num is None else \
            next((lines[j].strip() for j in range(i - 2, span[0] - 1, -1) if lines[j].strip()), "")
        # the next note number, its marker seen - or, markers lost (raised numbers
        # set apart in layout text), exactly the number after the notes so far
        seen = (want <= top or (notes and num == want)) and not (lone and _by_furniture(lines, i, furn))
        if num is not None and seen and want <= num <= want + 1 and text and not \
                re.search(r"[,:;(\[]$|\b(?:Issue|Volume|No|Vol)\.?$", before) and (
                IBID.match(text) or _BACKREF_NOTE.search(text) or inside or
                is_reference(*_lead(text if lone else text + " " + nxt)) or
                (num == want and starts_like_note(text) and _QUOTED_REF.match(text))):
            out.add(i)
            inside, want = True, num + 1
        elif lone or not line.strip():
            if inside and lone:
                break           # the page number after the notes
        elif inside:
            out.add(i)          # a note's next line
        i += 1
    return set(range(min(out), max(out) + 1)) if out else out     # blank lines between too


def _by_furniture(lines: list[str], i: int, furn: set[int]) -> bool:
    """Is the nearest text line above or below line i page furniture (a running
    head: then a number by it is the page number)?"""
    for step in (-1, 1):
        j = i + step
        while 1 <= j <= len(lines) and not lines[j - 1].strip():
            j += step
        if j in furn:
            return True
    return False


# --- patterns -----------------------------------------------------------------

MD_NOTE_DEF = re.compile(r"^\s{0,3}\[\^([^\]\s]{1,20})\]:\s?(.*)$")
MD_MARKER = re.compile(r"\[\^([^\]\s]{1,20})\](?!:)")
NOTE_START = re.compile(r"^\s{0,6}(\d{1,3})(?:[.)](?!\d)\s{0,3}|\s{1,5}|(?=[“\"‘«„\u3400-\u9fff]))(\S.*)$")
_BACKREF_NOTE = re.compile(r"\((?:n|nn|note|fn)\.?\s*\d{1,4}\)|\bsupra\b|\bn\.\s*\d{1,4}\b")
GLUED_MARKER = re.compile(
    r"(?<=[A-Za-z\u00C0-\u024F.,;:!?”’\"')\]])(?<!\d[.,:])(\d{1,3})(?![.,:]\d)(?=[\s,.;:)\]]|$)")
