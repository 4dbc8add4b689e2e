"""Fallbacks that use the trained line labeller (kb/lines.py) where the rules
fail: a headed section the labeller reads as references, a reference list the
rules glued together, footnotes the rules missed.  Without a model file they
change nothing (rules only).  The labeller's entry starts are corrected by
rules a style guide states: a "———." line opens an entry by the same author,
and in a PDF's hanging-indent list entries start at the left edge only.
"""
from __future__ import annotations

import re

from ..models import Entry, Note
from ..text import YEAR_RE
from .shapes import URL, _prose_words, join_lines


def _labelled_ref(lines: list[str], start: int, end: int) -> bool:
    """Does the line labeller (kb/lines.py) read most of a headed section as
    reference or note lines? For lists whose entries wrap over several lines
    (narrow columns), where fewer than half the lines carry a year."""
    from .. import lines as line_labeller
    part = lines[start - 1:min(end, start + 400)]
    try:
        labels = line_labeller.label(part)
    except (OSError, ValueError):          # no model file: rules only
        return False
    body = [(lab, line) for lab, line in zip(labels[1:], part[1:]) if line.strip()]
    refs = sum(lab.startswith(("ref", "note")) for lab, _ in body)
    prose = sum(_prose_words(line) >= 6 for _, line in body)
    return refs >= 3 and refs >= 0.6 * len(body) and prose <= 0.4 * len(body)


def _prefer_labelled(lines: list[str], span: tuple[int, int], found: list[Entry],
                     layout: list | None = None) -> list[Entry]:
    """The line labeller's entries of a reference section when the rules glued
    them (fewer than half as many entries: "[1]" alone on its line, labels in a
    column of their own), and always for a PDF read with its layout (indents,
    gaps and sizes tell entries apart better than the text's shape)."""
    if (len(found) >= 40 and not layout) or _numbered_in_sequence(found):
        return found
    labelled = _labelled_entries(lines, span, layout)
    if len(labelled) >= 3 and (layout or len(found) < 0.5 * len(labelled)):
        return labelled
    return found


def _numbered_in_sequence(found: list[Entry]) -> bool:
    """Every entry the rules cut opens with its number, 1, 2, 3 ... in turn
    ("[1]", "2."): a numbered list, cut where it says."""
    numbers = [_label_number(e.label) for e in found]
    return len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


def _label_number(label: str | None) -> int | None:
    m = re.fullmatch(r"\[?(\d{1,4})[.\])]?", (label or "").strip())
    return int(m.group(1)) if m else None


def _labelled_entries(lines: list[str], span: tuple[int, int],
                      layout: list | None = None) -> list[Entry]:
    """Entries from the labeller's ref-B / ref-I lines of a section (with the
    PDF reader's layout of those lines when there is one)."""
    from .. import lines as line_labeller
    start, end = span
    stop = min(end, start + 2000)
    part = lines[start - 1:stop]
    part_layout = layout[start - 1:stop] if layout and any(layout[start - 1:stop]) else None
    try:
        labels = line_labeller.label(part, part_layout)
    except (OSError, ValueError):          # no model file: rules only
        return []
    labels = _entry_starts(labels, part, part_layout)
    groups: list[list[tuple[int, str]]] = []
    open_entry = False
    for k, (lab, line) in enumerate(zip(labels, part)):
        if lab in ("blank", "meta") or not line.strip():
            continue
        if lab == "ref-B" or (lab == "ref-I" and not open_entry):
            groups.append([])
            open_entry = True
        elif lab != "ref-I":
            open_entry = False
            continue
        groups[-1].append((start + k, line))
    out = []
    for g in groups:
        raw = _ENTRY_LABEL.sub("", join_lines([t for _, t in g]))
        if raw and (YEAR_RE.search(raw) or URL.search(raw)):
            out.append(Entry(kind="bibliography", raw=raw, line=g[0][0]))
    return out


def _entry_starts(labels: list[str], part: list[str], layout: list | None) -> list[str]:
    """Starts the labeller missed, by rules a style guide states: a "———." line
    opens an entry by the same author; in a list set with hanging indents
    (PDF layout) every line at the left edge opens an entry."""
    labels = list(labels)
    flush, indented = _flush_lines(labels, layout) if layout else (set(), set())
    if sum(1 for k in flush if _LIST_LABEL.match(part[k].strip())) >= 0.3 * max(len(flush), 1):
        flush, indented = set(), set()      # a numbered or labelled list: its labels cut it
    labelled_list = sum(1 for line in part if _LIST_LABEL.match(line.strip())) >= 3
    spaced = bool(layout) and not labelled_list and _spaced_entries(labels, layout)
    for k, (lab, line) in enumerate(zip(labels, part)):
        if lab == "ref-I" and (_DITTO.match(line.strip()) or k in flush):
            labels[k] = "ref-B"
        elif lab == "ref-B" and k in indented and not _DITTO.match(line.strip()) \
                and not _LIST_LABEL.match(line.strip()):
            labels[k] = "ref-I"         # a hanging list's entry never starts indented
        elif lab == "text" and k in flush and k + 1 < len(labels) and k + 1 in indented \
                and re.search(r",\s|\.$", line.strip()):      # names: "Surname, Given" / "Org."
            labels[k] = "ref-B"         # its first line read as text, the rest as reference
    if spaced:          # entries set apart by space: a gap opens one ("(1991b)" too)
        for k, lab in enumerate(labels):
            if not lab.startswith("ref") or k >= len(layout) or layout[k] is None:
                continue
            if layout[k].gap >= 0.2:
                labels[k] = "ref-B"
            elif not flush and k and labels[k - 1].startswith("ref"):   # no gap atop a page
                labels[k] = "ref-I"
    return labels


def _spaced_entries(labels: list[str], layout: list) -> bool:
    """A list whose entries are set apart by space above them ("4 pt between
    references"): nearly every start has a gap over it, no other line has."""
    refs = [(lab, layout[k].gap) for k, lab in enumerate(labels)
            if lab.startswith("ref") and k < len(layout) and layout[k] is not None]
    starts = [g for lab, g in refs if lab == "ref-B"]
    inner = [g for lab, g in refs if lab == "ref-I"]
    if len(starts) < 3 or len(inner) < 3:
        return False
    return (sum(g >= 0.2 for g in starts) >= 0.7 * len(starts)
            and sum(g >= 0.2 for g in inner) <= 0.05 * len(inner))


def _flush_lines(labels: list[str], layout: list) -> tuple[set[int], set[int]]:
    """(flush, indented): the reference (and text) lines at the left edge of a
    hanging-indent list and those indented (an indented line has a flush one
    1-7% of the page width to its left; the right column of two has its own
    edge); empty when the list is not so set."""
    refs = [k for k, lab in enumerate(labels) if lab.startswith("ref") or lab == "text"
            if k < len(layout) and layout[k] is not None and layout[k].area != "footnote"]
    inds = [round(layout[k].indent, 3) for k in refs]
    levels = sorted(set(inds))          # few distinct indents: linear in the list's length
    deep = {x for x in levels if any(x - 0.07 <= y <= x - 0.01 for y in levels)}
    indented = {k for k, x in zip(refs, inds) if x in deep}
    flush = set(refs) - indented
    n_refs = sum(labels[k].startswith("ref") for k in refs)
    if len(flush) < 3 or len(indented) < 0.2 * n_refs:
        return set(), set()
    return flush, indented


def _labelled_notes(lines: list[str], taken: set[int]) -> tuple[list[Note], int]:
    """Numbered notes from the line labeller's note-B / note-I lines outside
    ``taken``, in rising order, and how many note groups it saw. For notes the
    rules miss (PDF text: the number alone on its line or glued to the text,
    the first note on a page)."""
    from .. import lines as line_labeller
    if len(lines) > 20000:
        return [], 0
    try:
        labels = line_labeller.label(lines)
    except (OSError, ValueError):          # no model file: rules only
        return [], 0
    groups: list[list[int]] = []
    for i, lab in enumerate(labels, 1):
        if i in taken or lab in ("blank", "meta"):
            continue
        if lab == "note-B":
            groups.append([i])
        elif groups and groups[-1][-1] >= i - 3 and (
                lab == "note-I" or lab.startswith("ref") and not _NOTE_NUM.match(lines[i - 1])):
            groups[-1].append(i)           # a note's source lines read as a reference
    notes: list[Note] = []
    for g in groups:
        m = _NOTE_NUM.match(lines[g[0] - 1])
        if not m:
            continue
        first = lines[g[0] - 1][m.end():]
        text = join_lines([first] + [lines[i - 1] for i in g[1:]])
        number = int(m.group(1))
        if text and (not notes or number > notes[-1].number):
            notes.append(Note(number=number, kind="footnote", line=g[0], end_line=g[-1],
                              text=text, lines=[i for i in g if i != g[0] or first.strip()]))
    return notes, len(groups)


# --- patterns -----------------------------------------------------------------

# "———.", "— “Title”": the same author; ". 1982." once extraction dropped the dash (a rule)
_DITTO = re.compile(r"^(?:[-–—―_]{2,}|[—―](?=\s))\s?[.,]?|^([^\w\s.,;:()\[\]“”\"‘’'])\1{2,}\s?[.,]|^[.,]\s(?:1[5-9]\d\d|20\d\d|[“\"‘A-Z])")
_LIST_LABEL = re.compile(r"^(?:\[[\w+\-]{1,12}\]|\d{1,3}\.)\s")      # "[12] ", "12. " (not "1992. ")
_ENTRY_LABEL = re.compile(r"^(?:\[\d{1,4}\]|\d{1,4}\.|\[[A-Z][\w+\-]{1,10}\d{2}[a-z]?\])\s+")
_NOTE_NUM = re.compile(r"^\s{0,40}(\d{1,3})(?:[.)]?\s+(?=\S)|(?=[A-Z\u00C0-\u024F“\"‘])|\s*$)")
