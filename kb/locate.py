"""Find every reference string in a Document: the apparatus.

    >>> from kb.read import read
    >>> app = locate(read("data/corpus/004_cccc1832effdc7c2.txt"))
    >>> app.entries[0].kind, app.entries[0].note, app.entries[0].raw[:20]
    ('endnote', 1, 'Ulrich Menzel, ‘Trib')

Every rule is a general one (what a style guide or a PDF extractor does);
no document is special-cased.

Reference lists
    Found by their heading, any common form and language (Bibliography,
    References, Reference List, Works Cited, Literature, Sources,
    Literaturverzeichnis, Bibliografia, Bibliographie, Références,
    Referencias, Fuentes, Litteratur, Kilder, 参考文献, 参考资料, 文献 ...; see
    kb.text.BIB_HEADINGS), with markdown/bold markup and numbering ("#### 8.", "IV.")
    ignored.  The last such heading followed by reference-like lines wins (a
    table of contents does not).  The section ends at an Appendix/Index/
    Acknowledgements-style heading or another reference-section heading.
    Sub-headings (Primary sources, Books, Articles, Web ...), letter
    dividers ("A") and page-number lines inside the list are skipped.
    Entries are cut at bullets/numbers ("-", "•", "1.", "[1]") - a bullet
    that continues an entry ("In D. Lyon (Ed.)", lowercase, a URL tail) is
    joined to it - or, in unbulleted lists, where a line that starts like an
    entry ("Surname, Given", "Org. Title", a quoted title, a romanised name
    with its characters) follows a line that ended one (final period, quote,
    year or URL) and the entry so far already has a year or URL; "Place:
    Publisher" lines continue.  Two author-date entries run together on one
    line are split before "Surname, I. (Year"; two Chicago/MLA entries before
    "Surname, Given." after an entry's closing year or pages.
    Layouts recognised first: a list printed one entry per paragraph (blank
    lines between entries; not double-spaced PDF text, whose paragraphs end
    mid-entry) is cut at the blank lines; a numbered list ("[1]", "1.") is cut
    only at the next number in sequence ("47. Paris: ..." inside an entry is
    not one); a list set with hanging indents is cut at each flush-left
    line; in a single-spaced author-date list a new entry starts only at
    a line that opens "Author (Year" (the year may close the title on the next
    line).  Names may open with particles ("van der Berg", "du Bois", "ibn").
    "Press" / "Books" closing an entry is no sub-heading; a year alone on a
    line after "Accessed October 1," is no page number.

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

Endnotes
    Under a Notes/Endnotes heading (numbered "1.", "[1]", "1", or one per
    paragraph), or, without a heading, the run of as many paragraphs as the
    highest note marker after the last marker that looks most like notes
    ("See:", citations); such notes are numbered by order (``numbered`` is
    False) and what follows them (publication data, related links) is not
    body text.

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

Numbering that restarts in each chapter
    A marker "1" after a heading ("Chapter Two", "2 Cities") once markers
    have run past 3 starts a new chapter; markers and notes are then numbered
    through the document (chapter 2's note 1 is number N+1; ``Marker.text``
    keeps the printed "1").  In a Notes section a "1." after a heading or
    blank line, once notes ran past 3, restarts likewise.  A numbered Notes
    list keeps its numbering shape ("1." - then "14 July 2009" is no note).

Markers and body
    Note markers in the running text (glued "word.12", "system”1,", alone on
    a line, "[^1]") are collected in note order; ``body`` is every running-
    text line (no notes, reference sections, page numbers, separators,
    marker-only lines or headings).

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

import re
from dataclasses import dataclass

from .models import Apparatus, Document, Entry, Marker, Note
from .text import CASE_CITATION, END_HEADINGS, PARTICLE, YEAR, YEAR_RE, fold_markup, heading_key, heading_kind

MAX_LINE = 5000          # longer lines are cut before any regex sees them

# --- line shapes ---------------------------------------------------------------

MD_NOTE_DEF = re.compile(r"^\s{0,3}\[\^([^\]\s]{1,20})\]:\s?(.*)$")
MD_MARKER = re.compile(r"\[\^([^\]\s]{1,20})\](?!:)")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
LONE_NUM = re.compile(r"^\s{0,40}(\d{1,4})\s{0,40}$")
SEPARATOR = re.compile(r"^(?:[ \t]{10,200}|\s{0,20}[_\-–—=*·.]{5,200}\s{0,20})$")
NOTE_START = re.compile(r"^\s{0,3}(\d{1,3})(?:[.)](?!\d)\s{0,3}|\s{1,5}|(?=[“\"‘«„\u3400-\u9fff]))(\S.*)$")
BULLET = re.compile(r"^\s{0,8}(?:[-•*▪◦·–]|\d{1,3}[.)]|\[\d{1,3}\])\s+(?=\S)")
URL = re.compile(r"https?://|www\.|\bdoi:\s?10\.|\b10\.\d{4,9}/|"
                 r"\b[\w-]{2,40}\.(?:org|com|net|gov|edu|int|info|cn|de|uk|fr|it|no)\b",
                 re.IGNORECASE)
URL_STRONG = re.compile(r"https?://|www\.|\bdoi:\s?10\.|\b10\.\d{4,9}/", re.IGNORECASE)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
IBID = re.compile(r"^\W{0,3}(?:ibid|ibidem|ib\.|op\.?\s?cit|idem|id\.|ebd|ebenda|a\.a\.O)\b",
                  re.IGNORECASE)
QUOTED = re.compile(r"[“\"«„][^“”\"«»„]{2,300}[”\"»“]|‘[^‘’]{2,300}’|(?<!\w)'[^']{2,200}'(?!\w)")
PUBLISH = re.compile(r"\b(?:retrieved|accessed|available|press|publish\w*|verlag|edition|"
                     r"eds?\.|pp?\.|vol\.|no\.|isbn|university|journal|review)\b|"
                     r"\b[A-Z][a-z]{2,20}(?:,? [A-Z][A-Za-z]{1,10})?\s?:\s?[A-Z]", re.IGNORECASE)
# "Surname, Given" / "Org (Note), " / "The Economist, " at the start of a piece
# a surname may open with a particle ("du Bois", "von Weizsäcker", "ter Haar": text.PARTICLE)
NAME_START = re.compile(
    r"^(?:" + PARTICLE + r"\s){0,2}[A-Z\u00C0-\u024F][\w'’\-\.]{0,30}(?:\s{1,2}(?:and|&|et|und|y|e|van|von|de|der|da|di|"
    r"le|la|al\.?|for|of|on|the|des|du|für|ibn|bin|[A-Z\u00C0-\u024F\u3400-\u9fff][\w'’\-\.]{0,30})){0,6}(?:\s{0,2}\([^()]{1,60}\))?"
    r"\s{0,2},\s{0,3}[‘“\"'”A-Z\u00C0-\u024F\u3400-\u9fff]")
LEAD_IN = re.compile(
    r"^(?:[^.;“”\"‘]{0,160}?,?\s)?(?:see\s+also|see|cf\.|compare|vgl\.|siehe(?:\s+auch)?|voir|"
    r"véase|ver)(?:,?\s+(?:for\s+(?:instance|example)|e\.\s?g\.|especially|generally|further|"
    r"in\s+particular|z\.\s?B\.|aussi|también)\b)?\s{0,3}[:,]?\s+(?=\S)", re.IGNORECASE)
FUNCTION_WORDS = frozenset(
    "the is are was were of to and in that which this it be can will has have not "
    "by for with as on at from but or its their they he she we i my our would could "
    "should may might been being there these those what when where who how than".split())
# a piece that starts a new source inside a note: "Name(s), ‘Title" / "Name, Title"
REF_START = re.compile(
    r"[A-Z\u00C0-\u024F][\w'’\-\.]{0,30}(?:\s(?:[A-Z\u00C0-\u024F][\w'’\-\.]{0,30}|and|&|et\s+al\.)){0,6},"
    r"\s{0,2}[‘“\"A-Z]")


def _clip(line: str) -> str:
    return line[:MAX_LINE]


def is_separator(line: str) -> bool:
    """A footnote rule: a long run of spaces or of underscores/dashes alone on a line."""
    return bool(SEPARATOR.match(_clip(line))) and len(line) >= 5


def starts_like_note(text: str) -> bool:
    """Note text begins with a capital, quote, digit, CJK, or a cue word like 'ibid.'."""
    t = text.lstrip()
    if not t:
        return False
    c = t[0]
    if c.isupper() or c.isdigit() or c in "“\"‘'«„([" or CJK.match(c):
        return True
    return bool(re.match(r"(?:ibid|ibidem|id\.|op\.|cf\.|see|vgl|ebd|e\.g\.|i\.e\.|per\b)", t,
                         re.IGNORECASE))


# --- text helpers --------------------------------------------------------------

def join_lines(parts: list[str]) -> str:
    """Lines joined with single spaces, as the gold SCHEMA prints ``raw``."""
    return re.sub(r"\s+", " ", " ".join(p.strip() for p in parts if p.strip())).strip()


_URL_BREAK = re.compile(r"((?:https?://|www\.)\S{1,500}[-/_=?&#])\s(?=[a-z0-9%~/_-])")
_HYPHEN_BREAK = re.compile(r"(\b[a-zà-ÿ]{2,30})- (?=[a-zà-ÿ]{2,30}\b)")


def clean_raw(raw: str) -> str:
    """Re-join what line breaks split: "https://a.org/x- y" -> "https://a.org/x-y",
    "infor- mation" -> "information".  For the parser; ``raw`` stays as printed.

    >>> clean_raw("see https://a.org/x- y/z and infor- mation")
    'see https://a.org/x-y/z and information'
    """
    raw = raw[:20000]
    prev = None
    while prev != raw:
        prev = raw
        raw = _URL_BREAK.sub(r"\1", raw, count=1)
    return _HYPHEN_BREAK.sub(r"\1", raw)


# --- reference-likeness --------------------------------------------------------

# a book's publication facts at the end of a citation: "(Göttingen: Verso, 1977)",
# "(Éditions du Seuil, 1993)", or the continental ", Edinburgh 1960."
_PUB_FACTS = re.compile(
    r"\((?:[A-Z][^():;]{1,60}:\s)?[A-Z\u00C0-\u024F][^():;]{1,80},\s" + YEAR + r"\)[.,]?"
    r"(?:,\s\d{1,4}(?:[-–]\d{1,4})?)?\.?\s*$|"
    r",\s[A-Z\u00C0-\u024F][\w.\-]{1,30}(?:\s(?:[A-Z\u00C0-\u024F][\w.\-]{1,30}|du|de|des|am|an|a\.|der|of|&)){0,3}"
    r"\s" + YEAR + r"\.?\s*$")


def ref_score(piece: str) -> float:
    """How much a piece of note text looks like a citation (>= 2: it is one).

    Features: a URL, ibid, "Name, Title" at the start, a quoted title, a year,
    publisher/place words, a trailing page; minus running-prose function words.
    """
    p = piece.strip()[:1500]
    if not p:
        return 0.0
    if IBID.match(p) and len(p) < 60:
        return 3.0
    s = 0.0
    if URL_STRONG.search(p):
        s += 3
    elif URL.search(p):
        s += 1
    if NAME_START.match(p):
        s += 2
    outside = QUOTED.sub(" ", p)
    if outside != p:
        s += 1
        if re.match(r"^[“\"‘«„][^“”\"«»‘’]{2,300}[”\"»’]\s{0,2}[,.]\s{0,2}[A-Z\u00C0-\u024F]", p):
            s += 1      # a quoted title, then its container: “Title”, Journal
    if YEAR_RE.search(p):
        s += 1
    if PUBLISH.search(p):
        s += 1
    if re.search(r",\s(?:pp?\.\s?)?\d{1,4}(?:\s?[-–]\s?\d{1,4})?\.?\s*$", p):
        s += 1
    if _PUB_FACTS.search(p[-200:]):
        s += 1      # "(Place: Publisher, 1990)" / ", Berlin 1990." closing a book citation
    words = re.findall(r"\b[a-z]+\b", QUOTED.sub(" ", outside))
    fw = sum(1 for w in words if w in FUNCTION_WORDS)
    s -= max(0, fw - 4) * 0.5
    if len(p) > 400:
        s -= 1
    return s


def is_reference(piece: str, cued: str | bool = False) -> bool:
    """A piece of a note cites a source (``cued``: "see" after see/cf., "according")."""
    p = piece.strip()
    if len(p) < 3 or not re.search(r"\w", p):
        return False
    if cued == "see" and len(p) < 300:
        return True
    if CASE_CITATION.search(p[:300]):
        return True             # (issue 17) a law case: "Donoghue v Stevenson [1932] AC 562"
    if cued == "according":
        return ref_score(p) >= 1
    return ref_score(p) >= 2


# --- splitting notes into sources ----------------------------------------------

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


_SENTENCE = re.compile(r"(?<=[a-z\u00C0-\u024F\d)”’\"][.!?])\s+(?=[A-Z\u00C0-\u024F])")
_QUOTED_REF = re.compile(REF_START.pattern[:-len(r"\s{0,2}[‘“\"A-Z]")] + r"\s{0,2}[‘“\"”]")


_NEXT_REF = re.compile(r"(?:(?<=[a-z\d)]\.)|(?<=[”\"’]\.)|(?<=[”\"’]))\s+(?=" + _QUOTED_REF.pattern + ")")


def _prose_words(text: str) -> int:
    words = re.findall(r"\b[a-z]+\b", QUOTED.sub(" ", text))
    return sum(1 for w in words if w in FUNCTION_WORDS)


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


# --- the scan ------------------------------------------------------------------

@dataclass
class _Open:
    number: int
    lines: list[int]
    texts: list[str]
    first_from_number: bool
    markdown: bool = False
    blank_run: int = 0


GLUED_MARKER = re.compile(
    r"(?<=[A-Za-z\u00C0-\u024F.,;:!?”’\"')\]])(?<!\d[.,:])(\d{1,3})(?![.,:]\d)(?=[\s,.;:)\]]|$)")


def _find_sections(lines: list[str]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(bibliography span, notes span) from heading lines: the last heading of
    each kind that is followed by reference-like lines (a year or a URL)."""
    heads = []
    for i, line in enumerate(lines, 1):
        if 0 < len(line.strip()) <= 80:
            kind = heading_kind(line)
            if kind in ("bibliography", "notes"):
                heads.append((i, kind))
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
        if not _reference_dense(lines, start + 1, end):
            continue
        if kind == "bibliography" and bib is None:
            bib = (start, end)
        elif kind == "notes" and notes is None:
            notes = (start, end)
    return bib, notes


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


def locate(doc: Document) -> Apparatus:
    """Document -> Apparatus (entries, notes, markers, body lines, sections)."""
    lines = [_clip(l) for l in doc.lines]
    n = len(lines)
    app = Apparatus()
    bib, notes_span = _find_sections(lines)
    bib_headed = bib is not None
    app.bibliography_span = bib
    app.notes_span = notes_span
    skip = set()
    for span in (bib, notes_span):
        if span:
            skip.update(range(span[0], span[1] + 1))
    foot = _footnote_lines(doc)
    skip -= foot                # a page's footnotes printed inside the reference list

    page_starts = frozenset(p.start_line for p in doc.pages if p.start_line > 1)
    notes, markers, page_lines, body, note_line_set = _scan(lines, skip, page_starts, foot)
    more = set() if notes_span else _notes_in_list(lines, bib, notes, markers) - foot
    if more:                    # footnotes printed under the list: scan again with them
        foot |= more
        skip -= more
        notes, markers, page_lines, body, note_line_set = _scan(lines, skip, page_starts, foot)
    app.page_lines = page_lines
    app.markers = markers
    kind = "footnote"
    if notes and markers and min(nt.line for nt in notes.values()) > max(m.line for m in markers):
        kind = "endnote"
    for nt in notes.values():
        nt.kind = kind

    if notes_span:
        heads = _section_notes(lines, notes_span, page_lines,
                               max((m.number for m in markers), default=0))
        for nt in heads:
            notes.setdefault(nt.number, nt)
        kind = "endnote"
    if not notes and markers:
        tail = _unheaded_endnotes(lines, markers, bib, skip)
        for nt in tail:
            notes[nt.number] = nt
            note_line_set.update(nt.lines)
        if tail:
            kind = "endnote"
            body -= set(range(tail[0].line, tail[-1].end_line + 1))
            # what follows the notes (publication info, related links) is not body
            body -= set(range(tail[-1].end_line + 1, n + 1))
    if bib is None and notes_span is None and not (notes and kind == "endnote"):
        bib = _unheaded_bibliography(lines)
        if bib:
            span = set(range(bib[0], bib[1] + 1))
            body -= span
            app.markers = [m for m in app.markers if m.line not in span]
            for k in [k for k, nt in notes.items() if nt.line in span]:
                del notes[k]
            app.bibliography_span = bib
    app.notes = dict(sorted(notes.items()))
    app.note_kind = kind if notes else None

    entries: list[Entry] = []
    if bib:
        entries.extend(_bibliography_entries(lines, bib if bib_headed else (bib[0] - 1, bib[1]),
                                             page_lines | (foot & note_line_set)))
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
    app.entries = entries

    # headings and body
    headings = []
    for i in sorted(body):
        if _looks_heading(lines[i - 1]):
            headings.append((i, lines[i - 1].strip().lstrip("#").strip()))
    app.headings = headings
    app.body = body - {h for h, _ in headings}
    return app


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


def _orphan_note_line(line: str) -> bool:
    """A line that is nothing but a short citation: "  Name, “Title”, 12."."""
    s = line.strip()
    return (line[:1].isspace() and len(s) < 200 and bool(_QUOTED_REF.match(s))
            and bool(re.search(r"[”\"’](?:,\s?\d{1,4}(?:[-–]\d{1,4})?)?\.?$", s))
            and _prose_words(s) <= 3)


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


def _notes_in_list(lines: list[str], span, notes: dict, markers: list) -> set[int]:
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
    while i <= span[1] and (want <= top or inside):
        line = lines[i - 1]
        lone = LONE_NUM.match(line)
        start = NOTE_START.match(line)
        num = int((lone or start).group(1)) if (lone or start) else None
        k = i
        while k < min(len(lines), i + 2) and not lines[k].strip():
            k += 1              # pdftotext may leave a blank after the number
        nxt = lines[k].strip() if k < len(lines) else ""
        text = nxt if lone else (start.group(2) if start else "")
        before = next((l.strip() for l in reversed(lines[span[0]:i - 1]) if l.strip()), "")
        if num is not None and want <= num <= want + 1 and text and not \
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


_BACKREF_NOTE = re.compile(r"\((?:n|nn|note|fn)\.?\s*\d{1,4}\)|\bsupra\b|\bn\.\s*\d{1,4}\b")


def _lead(text: str) -> tuple[str, str | bool]:
    """(first piece, its cue) of a note's first line, for is_reference."""
    pieces = split_note(text)
    return (pieces[0][1], pieces[0][2]) if pieces else ("", False)


def _scan(lines: list[str], skip: set[int], page_starts: frozenset = frozenset(),
          foot: set[int] = frozenset()):
    """Walk the lines once: footnotes, note markers, page-number lines, body.

    A note never runs over a page start (``page_starts``, from Document.pages);
    lines the PDF reader put in a footnote area (``foot``) are in the note zone."""
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
        if i in foot and not cur:
            in_zone = True
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
            if ((in_zone or cur) and next_note <= num <= max(next_note + 2, next_marker - 1) and j and
                    not LONE_NUM.match(lines[j - 1]) and starts_like_note(lines[j - 1])) or \
                    _lone_number_note(lines, num, next_note, next_marker, j):
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
                    or (key < next_marker and _reads_as_note(lines, i, m.group(2)))):
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
        glued = _glued_note_start(lines, i, line, next_note, next_marker)
        if glued:               # "…under public un1" + the note's text on the next line
            close()
            cur = _Open(glued, [], [], True)
            next_note, in_zone = glued + 1, True
    close()
    # markdown markers "[^1]" (their definitions may come after them)
    for ln in sorted(body):
        for mm in MD_MARKER.finditer(lines[ln - 1]):
            num = md_labels.get(mm.group(1))
            if num is not None:
                markers.append(Marker(num, ln, mm.start(), mm.end(), mm.group(0)))
    markers.sort(key=lambda m: (m.line, m.start))
    return notes, markers, page_lines, body, note_lines


# --- endnote sections ----------------------------------------------------------

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
        lone = LONE_NUM.match(s)
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


# --- entries from notes --------------------------------------------------------

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


# --- bibliography entries -------------------------------------------------------

_CONT = re.compile(r"^(?:In[:\s]|Retrieved\b|Available\b|Accessed\b|Last accessed\b|doi\b|DOI\b|"
                   r"https?://|www\.|pp?\.\s|\(|[a-z]|\d{1,4}[-–(),:/]|&)")
_ENTRY_ORG = re.compile(r"^[A-Z\u00C0-\u024F\u3400-\u9fff][^.,\d]{0,60}?\.\s+(?=[“\"‘«A-Z\u00C0-\u024F\u3400-\u9fff])")
# "Cambridge, Mass: Press" / "New York: Routledge": the place and publisher of an entry
_PLACE = re.compile(r"^[A-Z][\w '’-]{1,30}(?:,\s?[A-Z][\w ]{1,20})?:\s")
_APA_RUN = re.compile(
    r"(?<=[./)\]])\s(?=[A-Z\u00C0-\u024F][\w'’\-]{1,30}(?:\s[A-Z\u00C0-\u024F][\w'’\-]{1,30})?,"
    r"\s(?:[A-Z]\.\s?){1,3}(?:,[^()]{0,120})?\s?\((?:" + YEAR + r"|n\.d\.))")


def _entry_start_shape(text: str) -> bool:
    """Does a line begin like a reference-list entry?"""
    t = text.strip()
    if not t:
        return False
    if re.match(PARTICLE + r"\s", t) and NAME_START.match(t):
        return True     # "van der Berg, P.", "de la Cruz, S."
    if _CONT.match(t) or _PLACE.match(t):
        return False
    if NAME_START.match(t):
        return True
    if t[0] in "“\"‘«" or CJK.match(t[0]):
        return True
    if re.match(r"^[A-Z][\w'’\- ]{1,60}[\u3400-\u9fff]", t):
        return True     # a romanised name and its characters: "Zhongguo Shehui 中国社会"
    m = _ENTRY_ORG.match(t)
    if m and len(t[:m.end()].split()) <= 8:
        return True
    return False


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
    keys = [re.sub(r"^\W+", "", BULLET.sub("", lines[i - 1]).strip())[:1].casefold()
            for i in reversed(starts)]
    ordered = sum(1 for a, b in zip(keys, keys[1:]) if a <= b)
    if ordered < 0.8 * (len(keys) - 1):
        return None
    return (first, end)


def _ends_entry(text: str) -> bool:
    """Can an entry end with this line (final period, quote, year, or a URL)?"""
    t = text.rstrip()
    return bool(re.search(r"(?:[.”\"’]|\d{4}[a-z]?|/)\s*$", t) or
                re.search(r"(?:https?://|www\.)\S{1,500}$", t[-500:]))


# an author-date entry: author (or title) then the year in brackets near the start,
# "Baker, L. & Kim, J. (2005).", "Rural Lab (1995, June 4).", "Title. (2014, October)."
_AD_HEAD = r"^(?!In[:\s])(?:[^()]|\([^()]{0,80}\)){2,160}?"     # may hold "(Ed.)", "(Org)"
_AD_START = re.compile(_AD_HEAD + r"\s?\(" + YEAR + r"[a-z]?(?:,\s?[^()]{0,30})?(?:\)|$)|" +
                       _AD_HEAD + r"\s?\(n\.\s?d\.\)")


_AD_YEAR = re.compile(r"\((?:" + YEAR + r"|n\.\s?d\.)")


def _ad_entry_start(text: str, nxt: str = "") -> bool:
    """Does a line open an author-date entry ("Surname, I. (2005)")?  A long
    title-first entry may carry its year at the start of the next line ``nxt``."""
    t = text.strip()
    if not _AD_YEAR.search(t) and nxt and not _ad_entry_start(nxt):
        joined = t + " " + nxt.strip()[:60]
        m = _AD_YEAR.search(joined)
        if m and len(t) < m.start() <= len(t) + 40 and not _CONT.match(t):
            t = joined
    if not _AD_START.match(t):
        return False
    head = t[:_AD_YEAR.search(t).start()]
    if re.match(r"^[a-z]", head) and not re.match(PARTICLE + r"\s", head):
        return False    # a continuation ("and society (2010)"), not "van der Berg, P. (2013)"
    return not re.search(r"\b(?:pp?\.|In|eds?\.|Eds?\.)\s", head) and not _CONT.match(t) \
        or bool(re.match(PARTICLE + r"\s", head))


def _hanging_indent(lines: list[str], content: list[int]) -> bool:
    """A list set with hanging indents: each entry's first line flush left, its
    other lines indented.  At least three flush lines, a fifth of the lines
    indented, and every flush line but a few starts like an entry."""
    flush = [lines[i - 1].strip() for i in content if not lines[i - 1][:1].isspace()]
    indented = len(content) - len(flush)
    if len(flush) < 3 or indented < 0.2 * len(content) or indented == 0:
        return False
    ok = sum(1 for t in flush if _entry_start_shape(t) or _ad_entry_start(t)
             or re.match(r"^[A-Z\u00C0-\u024F“\"‘]", t))
    return ok >= 0.9 * len(flush)


def _author_date_list(texts: list[str]) -> bool:
    """Do most entry-like lines of a list open "Author (Year)"?  Then a new
    entry starts only at such a line."""
    starts = [t for t in texts if _entry_start_shape(t) or _ad_entry_start(t)]
    ad = sum(1 for t in starts if _ad_entry_start(t))
    return ad >= 3 and ad >= 0.6 * len(starts)


def _bullet_number(line: str) -> int | None:
    """The number of a numbered-list bullet ("12.", "12)", "[12]"), else None."""
    m = re.match(r"^\s{0,8}(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s", line)
    return int(m.group(1) or m.group(2)) if m else None


def _numbered_list(texts: list[str]) -> bool:
    """Is the list numbered 1, 2, 3 ...?  Its number bullets mostly run in sequence."""
    nums = [n for n in (_bullet_number(t) for t in texts) if n is not None]
    if len(nums) < 2:
        return False
    hits, last = 0, None            # numbers that continue the sequence (strays skipped)
    for n in nums:
        if last is None or last < n <= last + 2:
            hits += 1
            last = n
    return hits >= 2 and hits >= 0.6 * len(nums)


def _blank_between(lines: list[str], a: int, b: int) -> bool:
    """Is there a blank line between lines a and b (1-based, a < b)?"""
    return any(not lines[j - 1].strip() for j in range(a + 1, b))


def _ends_paragraph_entry(text: str) -> bool:
    """Does the last line of a paragraph end the way a reference ends
    (period, quote, bracket, a year or page number, a URL)?"""
    t = text.rstrip()
    return bool(re.search(r"[.”\"’)\]/]$|\d$", t) or re.search(r"(?:https?://|www\.)\S{1,500}$", t))


def _paragraph_layout(lines: list[str], content: list[int]) -> bool:
    """A reference list printed one entry per paragraph (blank lines between
    entries): at least three paragraphs, some of more than one line, and
    nearly every paragraph starts like an entry, carries a year or URL and
    ends like one.  Double-spaced PDF text (a blank after every line, so
    paragraphs that end mid-entry) is not such a list."""
    paras: list[list[int]] = []
    for k, i in enumerate(content):
        if k == 0 or _blank_between(lines, content[k - 1], i):
            paras.append([i])
        else:
            paras[-1].append(i)
    if len(paras) < 3 or not any(len(p) > 1 for p in paras):
        return False
    if sorted(len(p) for p in paras)[len(paras) // 2] > 6:
        return False
    ok = 0
    for p in paras:
        text = join_lines([lines[i - 1] for i in p])
        first = lines[p[0] - 1].strip()
        if (YEAR_RE.search(text) or URL.search(text) or "n.d." in text) and \
                _ends_paragraph_entry(lines[p[-1] - 1]) and \
                (not _CONT.match(first) or _entry_start_shape(first)):
            ok += 1
    return ok >= 0.9 * len(paras)


# Chicago/MLA entries run together on one line: after an entry's closing
# "1990." / "pp. 12-40." / "press." comes "Surname, Given." or "Surname, Given, and"
_CHI_NEXT = re.compile(
    r"(?<=[\d”’\w)][.])\s(?=" + r"(?:" + PARTICLE + r"\s){0,2}[A-Z\u00C0-\u024F][\w'’\-]{1,30}"
    r"(?:\s[A-Z\u00C0-\u024F][\w'’\-]{1,30})?,\s[A-Z\u00C0-\u024F][\w'’\-]{1,30}"
    r"(?:\s(?:[A-Z]\.|[A-Z\u00C0-\u024F][\w'’\-]{1,30})){0,2}(?:\.\s|,\s(?:and|&)\s|\s(?:and|&)\s))")


# the list's entries open "Surname, Given" with a full given name (Chicago, MLA),
# not "Surname, I." (author-date: "(2006). Tradition, Welfare, and ..." is a title)
_CHI_FIRST = re.compile(r"^(?:" + PARTICLE + r"\s){0,2}[A-Z\u00C0-\u024F][\w'’\-]{1,30}"
                        r"(?:\s[A-Z\u00C0-\u024F][\w'’\-]{1,30})?,\s[A-Z\u00C0-\u024F][a-z\u00E0-\u024F]")


def _split_chicago_run(raw: str) -> list[str]:
    """Split "Smith, John. Title. London: Verso, 2001. Jones, Mary. Title. 2003."
    into its entries: a cut where a complete entry (it has a year) is followed
    by "Surname, Given." and the rest has a year of its own.

    >>> _split_chicago_run("Smith, John. Power. London: Verso, 2001. Jones, Mary. Trust. Oslo: Polity, 2003.")
    ['Smith, John. Power. London: Verso, 2001.', 'Jones, Mary. Trust. Oslo: Polity, 2003.']
    """
    out, last = [], 0
    for m in _CHI_NEXT.finditer(raw):
        before, after = raw[last:m.start()], raw[m.end():]
        if len(before) >= 30 and (YEAR_RE.search(before) or "n.d." in before) and \
                _CHI_FIRST.match(raw[:200]) and not re.search(r"\)\.?$", before.rstrip()) and \
                YEAR_RE.search(after) and not re.search(r"\b(?:[Ee]d(?:s|ited)?|[Tt]rans(?:lated)?|by|In)\.?$",
                                                     before.rstrip(". ")):
            out.append(before.strip())
            last = m.end()
    out.append(raw[last:].strip())
    return [p for p in out if p]


def _sub_heading_at(lines: list[str], i: int, start: int) -> bool:
    """Is "Books" / "Press" at line i a sub-heading, not the tail of an entry
    ("Oxford University" / "Press.")?  A heading has no final period and
    stands after a blank line or after a line that ends an entry."""
    s = lines[i - 1].strip()
    if s.endswith((".", ",", ";")) and not re.match(r"^(?:\d{1,2}|[ivx]{1,4})\.", s):
        return False
    j = i - 1
    while j > start and not lines[j - 1].strip():
        j -= 1
    return j <= start or j < i - 1 or _ends_entry(lines[j - 1])


def _bibliography_entries(lines, span, page_lines) -> list[Entry]:
    """Cut a reference-list section into entries."""
    start, end = span
    content = []
    for i in range(start + 1, end + 1):
        s = lines[i - 1]
        if not s.strip() or i in page_lines or is_separator(s):
            continue
        if LONE_NUM.match(s) and not (content and YEAR_RE.fullmatch(s.strip()) and
                                      re.search(r"[,:;\w]$", lines[content[-1] - 1].rstrip())):
            continue        # a page number, not the year closing "Accessed October 1,"
        if (heading_kind(s) == "sub" and _sub_heading_at(lines, i, start)) or \
                re.match(r"^#{1,6}\s", s.strip()) or \
                re.fullmatch(r"\s*[A-Z]\.?\s*", s):      # sub-heading, "#", letter divider
            continue
        content.append(i)
    bullets = sum(1 for i in content if BULLET.match(lines[i - 1]))
    bulleted = bullets >= max(2, len(content) // 3)
    numbered = bulleted and _numbered_list([lines[i - 1] for i in content])
    paragraphs = not bulleted and _paragraph_layout(lines, content)
    hanging = not bulleted and not paragraphs and _hanging_indent(lines, content)
    author_date = not bulleted and not paragraphs and not hanging and \
        _author_date_list([lines[i - 1].strip() for i in content])
    expect = None                # the next number of a numbered list
    groups: list[list[tuple[int, str]]] = []
    labels: dict[int, str] = {}  # line -> list number printed before it ("[12]", "12.")
    dated: list[bool] = []
    for k, i in enumerate(content):
        raw_line = lines[i - 1]
        b = BULLET.match(raw_line)
        num = _bullet_number(raw_line) if b else None
        if numbered and num is not None and expect is not None and \
                not expect <= num <= expect + 1:
            b = None             # "47. Paris: ..." inside an entry: not the next number
        text = raw_line[b.end():] if b else raw_line
        t = text.strip()
        if b and num is not None:
            expect = num + 1
            labels[i] = b.group(0).strip()
        if not groups:
            groups.append([(i, t)])
            dated.append(bool(YEAR_RE.search(t) or URL.search(t) or "n.d." in t))
            continue
        prev = groups[-1][-1][1]
        if numbered:
            new = b is not None and num is not None
        elif bulleted and b:
            new = not _CONT.match(t) or bool(re.match(r"^[A-Z]", t) and not re.match(r"^In[:\s]", t))
            if re.match(r"^In[:\s]", t) or re.match(r"^[a-z]", t) or t.startswith(("http", "www.")):
                new = False
        elif paragraphs:
            new = _blank_between(lines, content[k - 1], i)
        elif hanging:
            new = not raw_line[:1].isspace()
        elif author_date:
            nxt = lines[content[k + 1] - 1] if k + 1 < len(content) else ""
            new = _ends_entry(prev) and _ad_entry_start(t, nxt) and dated[-1]
        else:
            new = _ends_entry(prev) and _entry_start_shape(t) and dated[-1]

        if new:
            groups.append([(i, t)])
            dated.append(False)
        else:
            groups[-1].append((i, t))
        # an entry may end only once it has a year or a URL
        dated[-1] = dated[-1] or bool(YEAR_RE.search(t) or URL.search(t) or "n.d." in t)
    out = []
    for g in groups:
        raw = join_lines([t for _, t in g])
        # author-date entries run together on one line
        pieces = [q for p in _APA_RUN.split(raw) for q in _split_chicago_run(p)]
        offs = 0
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            at = raw.find(piece, offs)
            offs = at + len(piece)
            line = g[0][0]
            pos = 0
            for ln, t in g:
                if pos <= at:
                    line = ln
                pos += len(re.sub(r"\s+", " ", t.strip())) + 1
            if len(piece) >= 8 and re.search(r"[A-Za-z\u3400-\u9fff]{2}", piece):
                out.append(Entry(kind="bibliography", raw=piece, line=line,
                                 label=labels.get(line) if at == 0 else None))
    if len(out) > 1 and _trailing_text(out[-1].raw):
        out.pop()   # a closing remark after the list, not an entry
    return out


def _trailing_text(raw: str) -> bool:
    """A last "entry" that is plain prose: no date, no URL, nothing a
    reference has ("n.d." stands for a missing date in every style)."""
    return not (YEAR_RE.search(raw) or URL.search(raw) or "n.d." in raw) and ref_score(raw) < 2
