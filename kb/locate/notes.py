"""Notes: endnote sections, unheaded endnotes, and each note cut into the
sources it cites.

Endnotes
    Under a Notes/Endnotes heading (numbered "1.", "[1]", "1", or one per
    paragraph), or, without a heading, the run of as many paragraphs as the
    highest note marker after the last marker that looks most like notes
    ("See:", citations); such notes are numbered by order (``numbered`` is
    False) and what follows them (publication data, related links) is not
    body text.  In a Notes section a "1." after a heading or blank line, once
    notes ran past 3, restarts the numbering (numbered on through the
    document).  A numbered Notes list keeps its numbering shape ("1." - then
    "14 July 2009" is no note).

Two notes run together ("… (n. 33). 41Mike Rowe, …", the next number glued
to a capitalised word after a sentence's end, its marker seen) are cut apart.

Notes -> sources
    A note is cut at top-level ";" (not between authors' names "Liu, Li;
    Kuang, Lei"), before "see also", "also", "as well as" followed by
    "Name, Title", at a new sentence starting "See"/"On X, see", and between
    "Name, “Title”." citations - never inside a “quoted title”, nor between
    the names of a list of authors or editors ("Baker, L.; ter Haar, K.",
    "In Costa, H.; Kowalczyk, J. (ed.)"; the title after "(ed.)." stays).
    Lead-ins ("See:", "See, for instance", "For
    more on this see:") are dropped; comment sentences after a citation and
    prose before one ("... by Thomas Allmer in Allmer, “Title”") are trimmed.
    A piece is kept when it follows "see"/"cf.", or its citation score
    (``ref_score``: URL, ibid, "Name, Title" start, quoted title, year,
    publisher words, "Place: Publisher", final page, publication facts
    "(Place: Publisher, 1990)" / ", Berlin 1990.", minus running-prose
    function words) reaches 2 (1 after "according to").  A note that is
    otherwise no source is a short form when its comma-separated parts
    (pinpoint aside) all stand in one earlier reference ("Baker, The politics
    of food, 12." after Baker's full entry).  Comment-only notes give no
    entry but stay in ``Apparatus.notes``.
"""
from __future__ import annotations

import re

from ..models import Entry, Note
from ..text import PARTICLE, YEAR_RE, fold_markup
from .sections import _looks_heading
from .shapes import (LONE_NUM, NAME_START, QUOTED, SUPERSCRIPTS, URL, _prose_words, is_reference,
                     join_lines)


# --- a note cut into sources --------------------------------------------------

def split_note(text: str) -> list[tuple[int, str, str | bool]]:
    """Split note text into (offset, piece, cue) candidates, one per source;
    cue is "see" (after see/cf.), "according" (according to / quoted in) or False.

    >>> [p for _, p, _ in split_note("See: A, ‘T’, 2015; see also B, Title, 2016.")]
    ['A, ‘T’, 2015', 'B, Title, 2016.']
    """
    text = text[:20000]
    cuts = {0}
    last = 0
    for i in _top_level_semicolons(text):
        # "Liu, Li; Kuang, Lei (2012)": semicolons between authors' names
        # "In Costa, Hassan; Kowalczyk, Juliette (ed.)": a list of editors
        if not BARE_NAME.match(text[last:i].strip(" ;")) and \
                not _EDITOR_NEXT.match(text[i + 1:i + 400]):
            cuts.add(i)
        last = i
    for m in _SENT_CUE.finditer(text):
        cuts.add(m.start())
    for m in _CONNECTOR.finditer(text):
        cuts.add(m.start())
    for m in _NEXT_REF.finditer(text):      # "Name, “Title”. Other, “Title”, 12."
        cuts.add(m.start())
    titles = _curly_spans(text)             # never cut inside “a quoted title”
    cuts = sorted(c for c in cuts if not any(a < c < b for a, b in titles)) + [len(text)]
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        seg = text[a:b]
        # drop the separator itself (";" or a connector word)
        m = re.match(r"^[;\s]*(?:(?:as\s+well\s+as|and\s+also|also|and\s+see)\s*:?\s+)?", seg)
        off = a + m.end()
        seg = text[off:b]
        cued = False
        m = LEAD_IN.match(seg)
        if m and not QUOTED.search(seg[:m.end()]):
            off += m.end()
            seg = text[off:b]
            cued = "see"
        elif re.search(r"\baccording(?:\s+to)?\b|\bquoted in\b|\bcited in\b", seg, re.IGNORECASE):
            cued = "according"
        if not cued:
            cut = _leading_prose(seg)
            off += cut
            seg = seg[cut:]
        seg = _trailing_prose(seg).rstrip()
        if seg.strip(" .,;:"):
            pieces.append((off, seg, cued))
    return pieces


def _top_level_semicolons(text: str) -> list[int]:
    """Positions of ';' outside parentheses and double quotes."""
    out, depth, inq = [], 0, False
    for i, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]" and depth:
            depth -= 1
        elif c == "“":
            inq = True
        elif c == "”":
            inq = False
        elif c == '"':
            inq = not inq
        elif c == ";" and depth == 0 and not inq:
            out.append(i)
    return out


def _curly_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost “...” span (curly quotes nest unambiguously)."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "“":
            if depth == 0:
                start = i
            depth += 1
        elif c == "”" and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i))
    return out


def _sentences(seg: str) -> list[str]:
    """Sentences of a note piece, never cutting inside a quoted title."""
    spans = [(m.start(), m.end()) for m in QUOTED.finditer(seg)]
    parts, last = [], 0
    for m in _SENTENCE.finditer(seg):
        if any(a < m.start() < b for a, b in spans):
            continue
        parts.append(seg[last:m.start()])
        last = m.end()
    parts.append(seg[last:])
    return parts


def _trailing_prose(seg: str) -> str:
    """Drop comment sentences after a citation: "Marx, Title, 12. Another example ... ."."""
    parts = _sentences(seg)
    while len(parts) > 1:
        last = parts[-1]
        if _prose_words(last) >= 3 and not URL.search(last) and not YEAR_RE.search(last) \
                and not QUOTED.search(last) and not NAME_START.match(last) \
                and not _EDITOR_END.search(parts[-2]):
            parts.pop()
        else:
            break
    if len(parts) == len(_sentences(seg)):
        return seg
    keep = " ".join(parts)
    return seg[:seg.find(parts[-1]) + len(parts[-1])] if parts[-1] in seg else keep


def _leading_prose(seg: str) -> int:
    """Offset where a citation starts after running prose ("... by X in Allmer, “Title”")."""
    if _prose_words(seg[:200]) < 5:
        return 0
    best = 0
    titles = _curly_spans(seg)
    for m in _QUOTED_REF.finditer(seg):
        if any(a < m.start() < b for a, b in titles):
            continue            # "... the case of Istanbul,” in ...": inside a title
        before = seg[:m.start()]
        if m.start() > 0 and _prose_words(before) >= 5 and not URL.search(before) \
                and not YEAR_RE.search(before):
            best = m.start()
            break
    return best


def _lead(text: str) -> tuple[str, str | bool]:
    """(first piece, its cue) of a note's first line, for is_reference."""
    pieces = split_note(text)
    return (pieces[0][1], pieces[0][2]) if pieces else ("", False)


def _orphan_note_line(line: str) -> bool:
    """A line that is nothing but a short citation: "  Name, “Title”, 12."."""
    s = line.strip()
    return (line[:1].isspace() and len(s) < 200 and bool(_QUOTED_REF.match(s))
            and bool(re.search(r"[”\"’](?:,\s?\d{1,4}(?:[-–]\d{1,4})?)?\.?$", s))
            and _prose_words(s) <= 3)


# --- endnotes: under a heading, or the run after the last marker --------------

def _section_notes(lines, span, page_lines, expected: int = 0) -> list[Note]:
    """Notes under a Notes/Endnotes heading: numbered ("1.", "[1]", "1 ", "¹", the
    number alone on its line, markdown "[^1]:") or, failing that, one per paragraph
    (one per line when that is what makes ``expected`` notes, the highest marker)."""
    start, end = span
    out: list[Note] = []
    numbered = []
    cur = None
    expect = 1
    style = None        # "." | ")" | "" | "[" of the first numbered note
    off = 0             # notes numbered afresh in each chapter: offset + printed number
    heading_before = False
    for i in range(start + 1, end + 1):
        s = lines[i - 1].translate(SUPERSCRIPTS)
        if not s.strip() or i in page_lines:
            continue
        was_heading, heading_before = heading_before, False
        if _looks_heading(s) and not lines[i - 2].strip() and not s.rstrip().endswith((".", ",", ";")) \
                and not re.match(r"^\s{0,6}(?:\[\^?\d|\d{1,3}[.)]?\s)", s):
            heading_before = True     # "Chapter 2" / "2. Title" between the chapters' notes
            continue
        heading_before = was_heading
        lone = LONE_NUM.match(s) or _LONE_LABEL.match(s)      # "16" / "16." alone: its text follows
        if lone:
            if off + int(lone.group(1)) in (expect, expect + 1):
                num = off + int(lone.group(1))
                cur = [num, [], []]
                numbered.append(cur)
                expect = num + 1
            continue
        m = re.match(r"^\s{0,6}(?:\[\^?(\d{1,3})\]:?|(\d{1,3})([.)]?))\s+(\S.*)$", s)
        # the list keeps one numbering style: after "1." a line "14 July 2009" is no note
        shape = m and ("[" if m.group(1) else m.group(3))
        printed = int(m.group(1) or m.group(2)) if m else 0
        if m and printed == 1 and expect > 3 and shape == style and \
                (heading_before or not lines[i - 2].strip()):
            off = expect - 1        # numbering restarts in each chapter: number on
        if m and off + printed in (expect, expect + 1, expect + 2) and \
                (style is None or shape == style):
            style = shape
            num = off + printed
            cur = [num, [i], [m.group(4)]]
            numbered.append(cur)
            expect = num + 1
        elif cur:
            cur[1].append(i)
            cur[2].append(lines[i - 1])
    numbered = [c for c in numbered if c[1]]
    if len(numbered) >= 2:
        for num, ls, texts in numbered:
            out.append(Note(num, "endnote", ls[0], ls[-1], join_lines(texts), lines=ls))
        return out
    paras = _paragraphs(lines, start + 1, end, page_lines)
    n_lines = sum(len(p) for p in paras)
    if len(paras) < expected and n_lines <= expected:
        paras = [[i] for p in paras for i in p]     # one note a line (HTML list items)
    for k, p in enumerate(paras, 1):
        out.append(Note(k, "endnote", p[0], p[-1], join_lines([lines[i - 1] for i in p]),
                        lines=p, numbered=False))
    return out


def _paragraphs(lines: list[str], start: int, end: int, exclude: set[int]) -> list[list[int]]:
    """Groups of consecutive non-blank lines (line numbers) in [start, end]."""
    paras, cur = [], []
    for i in range(start, end + 1):
        s = lines[i - 1].strip()
        if not s or i in exclude:
            if cur:
                paras.append(cur)
                cur = []
            continue
        cur.append(i)
    if cur:
        paras.append(cur)
    return paras


def _note_likeness(text: str) -> float:
    t = text.strip()
    if not t:
        return 0.0
    sc = 0.0
    if re.match(r"^(?:see|cf\.|vgl\.|siehe|ibid|voir)\b", t, re.IGNORECASE):
        sc += 1.0
    if any(is_reference(p, c) for _, p, c in split_note(t)):
        sc += 1.0
    if len(t) > 700:
        sc -= 1.0
    return sc


def _unheaded_endnotes(lines, markers, bib, skip) -> list[Note]:
    """Endnotes without a heading: after the last marker, the run of as many
    paragraphs as the highest marker number that looks most like notes."""
    count = max(m.number for m in markers)
    if count < 3 or len({m.number for m in markers}) < 0.5 * count:
        return []
    last = max(m.line for m in markers)
    end = (bib[0] - 1) if bib and bib[0] > last else len(lines)
    paras = _paragraphs(lines, last + 1, end, skip)
    if len(paras) < count:
        return []
    scores = [_note_likeness(join_lines([lines[i - 1] for i in p])) for p in paras]
    best, best_at = None, 0
    run = sum(scores[:count])
    best, best_at = run, 0
    for k in range(1, len(paras) - count + 1):
        run += scores[k + count - 1] - scores[k - 1]
        if run > best:
            best, best_at = run, k
    if best < 0.6 * count:
        return []
    after = paras[best_at + count:]
    if any(_looks_heading(lines[p[0] - 1]) and re.match(r"^\s*(?:#|\d)", lines[p[0] - 1])
           for p in after):
        return []       # a numbered/markdown section follows: this is not the end matter
    out = []
    for k, p in enumerate(paras[best_at:best_at + count], 1):
        out.append(Note(k, "endnote", p[0], p[-1], join_lines([lines[i - 1] for i in p]),
                        lines=p, numbered=False))
    return out


# --- entries from notes -------------------------------------------------------

def _split_glued_notes(notes: dict[int, Note], markers) -> None:
    """Two notes extraction ran together ("… (n. 33). 41Mike Rowe, …"): note N's
    text holds the next number N+1, glued to a capitalised word after a
    sentence's end, while note N+1 is missing and its marker was seen (or
    note N+2 follows).  Note N+1 is cut out of note N, in place."""
    seen = {m.number for m in markers}
    for number in sorted(notes):
        nt, nxt = notes[number], number + 1
        while nxt not in notes and (nxt in seen or nxt + 1 in notes):
            m = re.search(r"(?<=[.)\]”’\"])\s?(%d)\s?(?=[A-Z\u00C0-\u024F“\"‘])" % nxt, nt.text)
            if not m or m.start() < 10:
                break
            rest = nt.text[m.end():].strip()
            nt.text = nt.text[:m.start()].strip()
            notes[nxt] = Note(number=nxt, kind=nt.kind, line=nt.end_line, end_line=nt.end_line,
                              text=rest, lines=[nt.end_line])
            nt, nxt = notes[nxt], nxt + 1


def _note_entries(nt: Note, lines: list[str]) -> list[Entry]:
    """One Entry per source cited in a note; comment-only notes give none."""
    # character offset of each note line inside nt.text
    starts, pos = [(0, nt.line)], 0
    for ln in nt.lines[1:]:
        t = re.sub(r"\s+", " ", lines[ln - 1].strip())[:30]
        if not t:
            continue
        at = nt.text.find(t, pos)
        if at >= 0:
            starts.append((at, ln))
            pos = at
    out = []
    for off, piece, cued in split_note(nt.text):
        if not is_reference(piece, cued):
            continue
        line = nt.line
        for p, ln in starts:
            if p <= off:
                line = ln
        out.append(Entry(kind=nt.kind, raw=piece.strip(), line=line, note=nt.number))
    return out


def _short_form_of(text: str, known: list[str]) -> bool:
    """Is a note a short form of a reference already given ("Baker, The politics
    of food, 12.")?  Without its pinpoint, it is at most four comma-separated
    parts, each found word for word in one earlier reference (a bibliography
    entry or a full note): the way a reader matches a short citation."""
    t = fold_markup(text)
    t = re.sub(r"(?:,\s(?:pp?\.\s?)?\d{1,4}(?:\s?[-–]\s?\d{1,4})?)?\.?$", "", t).strip(" ,.")
    if not 8 <= len(t) <= 160:
        return False
    parts = t.split(", ")
    if len(parts) > 8:
        return False
    for ref in known:
        if _covers(parts, ref):
            return True
    return False


def _covers(parts: list[str], ref: str, most: int = 3) -> bool:
    """Can ``parts`` be joined back (", ") into at most ``most`` runs that each
    stand word for word in ``ref``?  (A title may hold commas itself.)"""
    best = [0] + [most + 1] * len(parts)        # fewest runs covering parts[:i]
    for i in range(1, len(parts) + 1):
        for j in range(i):
            run = ", ".join(parts[j:i]).strip(" .")
            if best[j] < best[i] - 1 and len(run) >= 3 and \
                    re.search(r"(?<!\w)" + re.escape(run) + r"(?!\w)", ref):
                best[i] = best[j] + 1
    return best[-1] <= most


# --- patterns -----------------------------------------------------------------

LEAD_IN = re.compile(
    r"^(?:[^.;“”\"‘]{0,160}?,?\s)?(?:see\s+also|see|cf\.|compare|vgl\.|siehe(?:\s+auch)?|voir|"
    r"véase|ver)(?:,?\s+(?:for\s+(?:instance|example)|e\.\s?g\.|especially|generally|further|"
    r"in\s+particular|z\.\s?B\.|aussi|también)\b)?\s{0,3}[:,]?\s+(?=\S)", re.IGNORECASE)
# a piece that starts a new source inside a note: "Name(s), ‘Title" / "Name, Title"
REF_START = re.compile(
    r"[A-Z\u00C0-\u024F][\w'’\-\.]{0,30}(?:\s(?:[A-Z\u00C0-\u024F][\w'’\-\.]{0,30}|and|&|et\s+al\.)){0,6},"
    r"\s{0,2}[‘“\"A-Z]")
# name tokens end where the word ends ((?![\w'’-])), so a run of letters is never
# split into tokens in many ways (bounded matching time)
NAME_PART = (r"(?:" + PARTICLE + r"\s){0,2}[A-Z\u00C0-\u024F][\w'’\-]{0,30}(?![\w'’\-])"
             r"(?:\s[A-Z\u00C0-\u024F][\w'’\-]{0,30}(?![\w'’\-])){0,2}")
GIVEN_PART = r"(?:[A-Z\u00C0-\u024F\u3400-\u9fff][\w'’\-]{0,30}(?![\w'’\-])\.?\s?){1,3}"
# "Surname, Given" alone ("Van Dyke, Daniel", "Du, Jiayi 报据科")
BARE_NAME = re.compile(r"^" + NAME_PART + r",\s" + GIVEN_PART + r"$")
_SENT_CUE = re.compile(
    r"(?<=[.!?”’\"])\s+(?=(?:See|Cf\.|Compare|Vgl\.|Siehe|Voir|Véase|Ver)\b|"
    r"(?:On|For|About|Regarding|Concerning|In)\b[^.;]{0,160}?\b(?:see|cf\.)\b)")
_CONNECTOR = re.compile(r"\s+(?:as\s+well\s+as|see\s+also|and\s+also|also|and\s+see)\s*:?\s+(?=" +
                        REF_START.pattern + ")")
# after a ";": one more "Surname, Given" that closes a list of editors
_EDITOR_NEXT = re.compile(
    r"\s{0,2}(?:" + NAME_PART + r",\s" + GIVEN_PART + r";\s){0,6}" + NAME_PART + r",\s" + GIVEN_PART +
    r"\s?\((?:eds?|hrsg|dir|trans|comp)\.?\)")
# a sentence that ends an editor statement: the book's title follows it
_EDITOR_END = re.compile(r"\((?:eds?|hrsg|dir|comp)\.?\)\.?\s*$|\b(?:eds?|edited by)\.?\s*$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[a-z\u00C0-\u024F\d)”’\"][.!?])\s+(?=[A-Z\u00C0-\u024F])")
_QUOTED_REF = re.compile(REF_START.pattern[:-len(r"\s{0,2}[‘“\"A-Z]")] + r"\s{0,2}[‘“\"”]")
_NEXT_REF = re.compile(r"(?:(?<=[a-z\d)]\.)|(?<=[”\"’]\.)|(?<=[”\"’]))\s+(?=" + _QUOTED_REF.pattern + ")")
# a note's number alone on its line with its period ("16."): its text on the next lines
_LONE_LABEL = re.compile(r"^\s{0,6}(\d{1,3})[.)]\s*$")
