"""Note markers: superscript note numbers in the running text (see the
package docstring for the forms), chosen as the longest run in note order."""
from __future__ import annotations

import bisect
import re

from ..models import NOTE_KINDS, Apparatus, Document, Ref
from ..text import YEAR
from .marks import Context, Extractor, Mark
from .shortforms import note_pinpoint
from .stream import Stream

EXTRA_NOTES = 300        # note numbers past the last located note still accepted


class NoteMarkers(Extractor):
    """Note markers: among the candidates (numbers in the text, locate's
    markers, lone number lines) the increasing run of note numbers; each
    cites every ref of its note."""

    def wanted(self, ctx: Context) -> bool:
        return bool(ctx.notes)

    def find(self, ctx: Context) -> list[Mark]:
        app, refs, st = ctx.apparatus, ctx.refs, ctx.stream
        footnotes = is_footnote_doc(ctx.doc, app, refs, ctx.notes, ctx.body)
        cands = note_candidates(st) + given_markers(st, app) + \
            lone_number_lines(st, ctx.doc, ctx.body, ctx.notes)
        chosen = choose_note_markers(_dedup(cands), ctx.notes, footnotes,
                                     known=known_notes(app, refs),
                                     ends={n.number: n.end_line for n in app.notes.values()})
        by_note: dict[int, list[int]] = {}
        for i, r in enumerate(refs):
            if r.kind in NOTE_KINDS and r.note is not None:
                by_note.setdefault(r.note, []).append(i)
        for mk in chosen:
            mk.targets = [(i, note_pinpoint(refs[i])) for i in by_note.get(mk.note, [])]
        return chosen


def known_notes(apparatus: Apparatus, refs: list[Ref]) -> dict[int, int]:
    """note number -> line, only for notes actually located."""
    out: dict[int, int] = {}
    for n in apparatus.notes.values():
        out.setdefault(n.number, n.line)
    for r in refs:
        if r.kind in NOTE_KINDS and r.note is not None and r.note not in out:
            out[r.note] = r.line
    return out


def notes_map(apparatus: Apparatus, refs: list[Ref], n_lines: int = 10 ** 9) -> dict[int, int]:
    """note number -> line of the note text (apparatus notes, else note refs)."""
    out = known_notes(apparatus, refs)
    if out:
        # numbers between known notes are notes too (comment-only ones, or
        # notes whose text the extraction lost), and so may be a run after
        # the last one
        lines = sorted(out.items())
        for (a, la), (b, lb) in zip(lines, lines[1:]):
            for k in range(a + 1, b):
                out.setdefault(k, lb)
        top = lines[-1][0]
        for k in range(top + 1, top + EXTRA_NOTES + 1):
            out[k] = n_lines + 1
    return out


def is_footnote_doc(doc: Document, apparatus: Apparatus, refs: list[Ref],
                    notes: dict[int, int], body: list[int]) -> bool:
    """Footnotes (markers stand before their note's page foot) or endnotes?"""
    if apparatus.note_kind in NOTE_KINDS:
        return apparatus.note_kind == "footnote"
    kinds = [r.kind for r in refs if r.kind in NOTE_KINDS]
    kinds += [n.kind for n in apparatus.notes.values() if n.kind in NOTE_KINDS]
    if kinds:
        return kinds.count("footnote") >= kinds.count("endnote")
    if doc.citation_style in ("footnotes", "notes-bibliography"):
        return True
    if notes and body:
        return min(notes.values()) < max(body)
    return False


def note_candidates(st: Stream) -> list[Mark]:
    """Every number in the stream that could be a note marker (one per
    position: the first form in ``_CANDIDATE_FORMS`` that finds it)."""
    out = [mk for form in _CANDIDATE_FORMS for mk in form(st)]
    out.sort(key=lambda k: k.start)
    dedup, seen = [], set()
    for mk in out:
        if mk.start not in seen:
            seen.add(mk.start)
            dedup.append(mk)
    return dedup


def _alone(st: Stream) -> list[Mark]:
    """A stream piece (line) that is only a number."""
    out = []
    text = st.text
    for i, start in enumerate(st.starts):
        end = st.starts[i + 1] if i + 1 < len(st.starts) else len(text)
        piece = text[start:end].strip()
        if piece.isascii() and piece.isdigit() and len(piece) <= 3:
            prev = text[max(0, start - 3):start].rstrip()
            out.append(Mark(start, start + len(piece), piece, "note", note=int(piece),
                            after_sentence=bool(re.search(r"[.!?:;”\"’')]$", prev)),
                            line=st.lines[i]))
    return out


def _glued(st: Stream) -> list[Mark]:
    """A number glued to a word or punctuation: ``inch83.``, ``contacts.16``."""
    out = []
    text = st.text
    for m in _GLUED.finditer(text):
        g = next(x for x in m.groups() if x)
        s = m.start(m.lastindex)
        before = text[max(0, s - 6):s]
        if re.search(r"\b(?:pp?|para|no|nr|vol|art|ch)\.\s*$", before, re.I):
            continue
        if re.search(r"\d[.,]$", before):
            continue            # 1.4, 3,5
        if re.search(r"[A-Z]{1,3}$", before) and not re.search(r"[a-z]", before[-4:]):
            continue            # G20, COVID19, CO2
        out.append(Mark(s, s + len(g), g, "note", note=int(g), line=st.line_at(s),
                        after_sentence=bool(re.search(r"[.!?;:][”\"’')\]]?$", before))))
    return out


def _weak(st: Stream) -> list[Mark]:
    """The weaker forms (``_WEAK``), marked ``weak``."""
    out = []
    text = st.text
    for rx in _WEAK:
        for m in rx.finditer(text):
            s = m.start(1)
            before = text[max(0, s - 6):s]
            if re.search(r"\b(?:pp?|para|no|nr|vol|art|ch|fig|table)\.?\s*$", before, re.I):
                continue
            out.append(Mark(s, m.end(1), m.group(1), "note", note=int(m.group(1)),
                            line=st.line_at(s), weak=True,
                            after_sentence=bool(re.search(r"[.!?;:][”\"’')\]]?\s*$", before))))
    return out


def _superscript(st: Stream) -> list[Mark]:
    """Unicode superscripts and ``<sup>n</sup>``."""
    out = []
    text = st.text
    for m in _SUP.finditer(text):
        g = m.group(1) or "".join(_SUPERS[c] for c in m.group(2))
        out.append(Mark(m.start(), m.end(), g, "note", note=int(g), line=st.line_at(m.start()),
                        after_sentence=bool(re.search(r"[.!?;:][”\"’')]?$",
                                                      text[max(0, m.start() - 3):m.start()]))))
    return out


def choose_note_markers(cands: list[Mark], notes: dict[int, int], footnotes: bool,
                        window: int = 250, known: dict[int, int] | None = None,
                        ends: dict[int, int] | None = None) -> list[Mark]:
    """The increasing run of note numbers that best explains the candidates.

    ``notes`` maps note number -> the line its text starts.  Each accepted
    candidate scores 1 (a number alone on a line or after punctuation a
    little more), each note number skipped costs 0.3.  A candidate must stand
    before its note, and for footnotes within ``window`` lines of it.
    """
    bounds = _block_bounds(known if known is not None else notes, ends) if footnotes else {}
    max_known = max(known or notes) if (known or notes) else 0
    ok = []
    for c in cands:
        nl = notes.get(c.note)
        if nl is None or c.line is None:
            continue
        if c.line >= nl:
            continue
        lo, hi = bounds.get(c.note, (0, nl))
        located = known is None or c.note in known
        if c.note > max_known and c.weak:
            continue                # past the last located note: clear forms only
        if footnotes and ((located and nl - c.line > window) or not lo < c.line < hi):
            continue
        ok.append(c)
    if not ok:
        return []
    order = sorted(notes)
    rank = {n: i for i, n in enumerate(order)}
    w = [(0.6 if c.weak else 1.0) + (0.05 if c.after_sentence else 0.0)
         - (0.003 * (notes[c.note] - c.line)
            if footnotes and (known is None or c.note in known) else 0.0) for c in ok]
    # best[j] = w[j] - 0.3*(r_j - 1) + max over earlier i with r_i < r_j of
    # (best[i] + 0.3*r_i): a prefix maximum over ranks (Fenwick tree), so
    # O(n log n) however many numbers a table throws in
    size = len(order)
    tree_v = [float("-inf")] * (size + 1)
    tree_i = [-1] * (size + 1)

    def query(r: int) -> tuple[float, int]:      # max over ranks < r
        v, i = float("-inf"), -1
        while r > 0:
            if tree_v[r] > v:
                v, i = tree_v[r], tree_i[r]
            r -= r & -r
        return v, i

    def update(r: int, v: float, i: int) -> None:  # at rank r (0-based)
        r += 1
        while r <= size:
            if v > tree_v[r]:
                tree_v[r], tree_i[r] = v, i
            r += r & -r

    best = [0.0] * len(ok)
    back = [-1] * len(ok)
    j0 = 0
    while j0 < len(ok):
        j1 = j0
        while j1 < len(ok) and ok[j1].start == ok[j0].start:
            j1 += 1
        for j in range(j0, j1):
            rj = rank[ok[j].note]
            best[j] = w[j] - 0.3 * rj
            v, i = query(rj)
            if i >= 0 and v + w[j] - 0.3 * (rj - 1) > best[j]:
                best[j], back[j] = v + w[j] - 0.3 * (rj - 1), i
        for j in range(j0, j1):
            update(rank[ok[j].note], best[j] + 0.3 * rank[ok[j].note], j)
        j0 = j1
    # notes left unused at the end cost too, up to the last located note
    last = max(rank[n] for n in (known or notes) if n in rank)
    j = max(range(len(ok)), key=lambda k: best[k] - 0.3 * max(0, last - rank[ok[k].note]))
    chain = []
    while j >= 0:
        chain.append(ok[j])
        j = back[j]
    return chain[::-1]


def given_markers(st: Stream, apparatus: Apparatus) -> list[Mark]:
    """The note markers locate found, placed in the stream."""
    out = []
    heading_lines = {ln for ln, _ in apparatus.headings}
    for m in apparatus.markers:
        if m.line in heading_lines:
            continue
        text = str(m.text or m.number)
        if m.alone or m.line not in st.lead:
            pos = st.offset_after(m.line)
            prev = st.text[max(0, pos - 4):pos].rstrip()
            out.append(Mark(pos, pos, text, "note", note=m.number, line=m.line, given=True,
                            after_sentence=bool(re.search(r"[.!?:;”\"’')]$", prev))))
            continue
        start = st.offset_of(m.line, m.start or 0)
        if start is None:
            continue
        # trust the printed text: find it near the given column
        k = st.text.find(text, max(0, start - 3), start + len(text) + 3)
        if k >= 0:
            start = k
        before = st.text[max(0, start - 3):start]
        out.append(Mark(start, start + len(text), text, "note", note=m.number, line=m.line,
                        given=True, after_sentence=bool(re.search(r"[.!?;:][”\"’')\]]?$", before))))
    return out


def lone_number_lines(st: Stream, doc: Document, body: list[int],
                      notes: dict[int, int]) -> list[Mark]:
    """Lines outside the body holding only a note number (a superscript the
    PDF put on its own line), between two body lines."""
    out = []
    if not body:
        return out
    body_set = set(body)
    note_lines = set(notes.values())
    lo, hi = body[0], body[-1]
    for n in range(lo, hi + 1):
        if n in body_set or n in note_lines:
            continue
        k = n + 1
        while k <= len(doc.lines) and not doc.line(k).strip():
            k += 1
        s = doc.line(n).strip()
        number = int(s) if s.isascii() and s.isdigit() and len(s) <= 3 else None
        if k in note_lines or (number is not None and k == notes.get(number)):
            continue                # the number printed before a note's text
        if number is None or number not in notes:
            continue
        pos = st.offset_after(n)
        prev = st.text[max(0, pos - 4):pos].rstrip()
        out.append(Mark(pos, pos, s, "note", note=int(s), line=n,
                        after_sentence=bool(re.search(r"[.!?:;”\"’')]$", prev))))
    return out


def _dedup(cands: list[Mark]) -> list[Mark]:
    """One candidate per position and number; locate's win over guesses."""
    best: dict[tuple[int, int], Mark] = {}
    for c in cands:
        key = (c.start, c.note)
        if key not in best or (best[key].weak and not c.weak):
            best[key] = c
    return sorted(best.values(), key=lambda c: (c.start, not c.given))


def _block_bounds(notes: dict[int, int],
                  ends: dict[int, int] | None = None) -> dict[int, tuple[int, int]]:
    """note -> (end of the previous footnote block, start of its own block).

    Notes whose lines follow each other closely (under 12 lines apart) form
    one block, printed at the foot of one page; a footnote's marker stands
    in the body text of that page: after the previous block, before its own.
    Numbers between located notes (comment-only notes not located) get the
    widest bounds of their neighbours.
    """
    out: dict[int, tuple[int, int]] = {}
    items = sorted(notes.items())
    blocks: list[list[tuple[int, int]]] = []
    ends = ends or {}
    for num, ln in items:
        if blocks:
            pnum, pln = blocks[-1][-1]
            pend = ends.get(pnum, pln)
            if ln - pend <= (6 if pnum in ends else 12):
                blocks[-1].append((num, ln))
                continue
        blocks.append([(num, ln)])
    prev_end = 0
    for b in blocks:
        start = b[0][1]
        for num, _ in b:
            out[num] = (prev_end, start)
        prev_end = b[-1][1]
    if items:
        nums = sorted(out)
        for num in range(items[-1][0] + 1, items[-1][0] + EXTRA_NOTES + 1):
            out[num] = (out[items[-1][0]][0], 10 ** 9)
        for num in range(items[0][0], items[-1][0] + 1):
            if num not in out:
                k = bisect.bisect_left(nums, num)
                lo = out[nums[k - 1]][0] if k > 0 else 0
                hi = out[nums[k]][1] if k < len(nums) else 10 ** 9
                out[num] = (lo, hi)
    return out


# --- patterns ---------------------------------------------------------------------

_SUPERS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
           "⁷": "7", "⁸": "8", "⁹": "9"}
_GLUED = re.compile(
    r"(?<=[^\s\d.,:;(\[/$€£%+\-–])(\d{1,3})(?=[\s.,;:!?)\]”’\"'—–]|$)"
    r"|(?<=[a-z\u00c0-\u024f)\]”’\"'][.,;:!?])(\d{1,3})(?=[\s”’\"'\])]|$)"
    r"|(?<=[.,;:!?][”’\"')\]])(\d{1,3})(?=[\s.,;:]|$)")
# weaker forms, kept only where the note sequence wants them: a number
# standing free between words or before punctuation ("NBC 32 she",
# "about” 54 ."), glued to the next word ("HBO 26declared", "2018. 22Citizens"),
# or to a year ("in 201466", "2012.13 Since")
_WEAK = (
    re.compile(r"(?<=[\w”’\".,;:)])\s{1,3}(\d{1,3})(?=\s{0,3}[.,;:]|\s+[a-zA-Z“\"(])(?!\s*(?:%|per\b|percent|"
               r"million|billion|thousand|years?|days?|months?|hours?|minutes?|people|times|st\b|nd\b|rd\b|th\b))"),
    re.compile(r"(?<=\s)(\d{1,3})(?=[a-z]{3,})(?!(?:st|nd|rd|th)\b)"),
    re.compile(r"(?<=[.!?”\"’])\s?(\d{1,3})(?=[A-Z][a-z])"),
    re.compile(r"\b" + YEAR + r"(\d{1,3})(?=[\s.,;:)]|$)"),
    re.compile(r"\b" + YEAR + r"[.,](\d{1,3})(?=\s+[A-Z])"),
)
_SUP = re.compile(r"<sup>(\d{1,3})</sup>|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})")

# the candidate forms, in the order that wins a tie at one position
_CANDIDATE_FORMS = (_alone, _glued, _weak, _superscript)
