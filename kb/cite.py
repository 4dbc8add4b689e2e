"""Claims and citations: from every citing sentence to its sources and back.

    >>> claims, citations = cite(doc, apparatus, refs)
    >>> claims[citations[0].claim].text, refs[citations[0].ref].raw

``cite`` reads the running text (``apparatus.body`` when the locate stage
gives it, else every line not taken by a note or a bibliography entry),
finds the in-text markers, cuts out the sentence each one supports (the
claim) and links the marker to the refs it names.  It also marks short
forms and ibid in notes (``ref.short_form``, ``ref.same_as``).

What is found
-------------
* Note markers: superscript note numbers that PDF extraction glued to a word
  or punctuation (``inch83.``, ``contacts.16``, ``system”1,``), numbers alone
  on a line (the corpus' PDFs put them on the line after the sentence),
  Unicode superscripts and ``<sup>n</sup>``.  A number is a candidate only
  when it is a known note number; among the candidates the longest run in
  increasing note order wins (markers come in note order), which weeds out
  years, quantities, page numbers and list numbering.  A footnote marker
  must stand after the previous footnote block and before its own (on the
  note's page), and the nearer one wins a tie.  Weaker forms count only
  where the sequence needs them: a number standing free (``NBC 32 she``,
  ``about” 54 .``), glued to the next word (``HBO 26declared``) or to a year
  (``in 201466``, ``in 2012.13 Since``).  Locate's markers
  (``apparatus.markers``) join the candidates.
* Author-date parentheticals ``(Botsman, 2017; Dirnhuber, 2019)``,
  ``(Ohlberg et al., 2017, p. 10)``, ``(State Council, 2014, para. 10)``,
  ``(see Koetse, 2018a)``, prefixes such as "see", "for example", a
  date before the year (``Campbell, 16 jan 2019``), a parenthetical the PDF
  cut short (``(Hawkins, 2017, para. Thus``); narrative forms ``Kostka (2019)``, ``Chen & Cheung
  (2017)``, ``Kostka's (2019)``, ``David Lyon (2003a)``; pinpoint-only
  ``(p. 19)`` / ``(para. 40)`` and year-only ``(2017, p. 377)``
  parentheticals continue the source cited just before (in the same
  paragraph or the one before); ``Source: Meissner, 2017, p. 3`` lines under
  a figure cite for the figure caption.  In documents without notes, an
  author already cited and named again without a year as the subject of a
  reporting verb ("Yan also reports…") or with a possessive before
  research/study/work ("Kostka's research") cites that author's last-cited
  work.
  Other author-date forms: Harvard ``(Smith 2005: 45)`` / ``Smith (2005:
  45)``, Chicago ``(Smith 2005, 45)``, several years of one author
  ``(Lyon 2003a, b, 2007)``, lowercase particles ``(de la Cruz & Reed, 1967)``
  / ``van Dijk (2005)``, an organisation with its gloss ``Xinhua Wang (Xinhua
  Net) (2019)`` / ``(Guojia … (National Development…), 2018)``, and works
  without an author cited by the first words of their title
  (``("Capitalism, Water," 2024)``, ``Capitalism, Water, and the Moral
  Democracy (2024)``).  MLA author-page ``(Said 45)``, ``(Gilroy and Hall
  12-15)``, ``(Said, Culture 12)``: names (and a short title) that pick out
  exactly one entry.  A year-only ``(2018)`` continues the source cited just
  before only when that source has that year.
* Numeric markers ``[12]``, ``[3–5]``, ``[1, 4]``, ``[1; 4]``, IEEE ``[2, p.
  7]`` -> the numbered bibliography entry (its printed number, also read from
  the document line when the entry's raw text left it out, else its
  position).  In documents without notes whose list prints its numbers:
  Vancouver superscripts ``¹``, ``²⁻⁴``, ``<sup>1,2</sup>`` and ``(1, 3)``
  standing before punctuation (not ``(1) first…`` enumerations).
* Linking author-date markers: family names (diacritics folded, "et al." /
  "at al." dropped, fuzzy for typos), year and letter suffix; when no entry
  has the year, the one entry whose names match exactly (a year typo).
* Notes: a note marker cites every ref of that note (comment-only notes keep
  their claim but make no Citation).  The pinpoint is the ref's own
  ``pinpoint`` or the page printed at the end of a short form
  (``…, 160-180.``), after ``here:``, ``p.``/``pp.``/``Pag``/``para.``.
* Short forms: a note ref with no publication details (no year, publisher,
  URL…) is a short form; it points (``same_as``) at the bibliography entry
  with the same author names and most of its title words, else at the
  earlier full note; an author-only short form ``Smith, 45.`` at that
  author's only entry (none when there are several).  ``Ibid.``, ``ibidem``, ``id.`` point at the previous
  note's (first) ref; ``op. cit.``/``supra`` at the earlier ref by the same
  author, else the previous note's.  A full note repeated in full (with its
  publication details) is left alone: it is a full reference of its own,
  and resolve puts both in one work.
* Claims: the sentence holding the marker (or, for a marker standing right
  after the sentence end, the sentence before it), whole across wrapped
  lines and page breaks: hyphenation is undone, note blocks and page-number
  lines are skipped, footnote text left in the body (``<sup>2</sup> …``) is
  read after the running text so it does not split the sentence around it,
  a quotation is kept whole, a citation parenthetical after a closing quote
  stays with its sentence, a colon ending its line before a capitalised line
  starts a block quotation (the quotation is the claim), a line ending in
  punctuation plus a note number is never a heading; note numbers are removed (author-date markers
  stay: they are part of the sentence as printed).  Its line is the marker's,
  its page ``doc.page_of(line)``, its section the last heading above it.

Prose-only documents (no notes, no bibliography, no author-date marker)
-----------------------------------------------------------------------
Sources named in prose become ``kind="inline"`` refs appended to ``refs``
(unless the locate stage already gave inline refs: then those are linked by
line).  The rules, one per source kind, in English and Norwegian/Danish/
Swedish/German wording:

* legislation: ``<Name> Constitution|Act|Law|Code…, Article|Section|§ N``
  (pinpoint ``Article N``);
* interview: the verb "interviewed"/"intervjuet"/"interviewte" followed by
  whom (a capitalised name, else the noun phrase); the noun use ("the
  interview with…") is not a source;
* broadcast: "podcast(en)" / "episode of" followed by a quoted title;
* thesis: "<Name> … wrote/has written a master's/thesis/dissertation"
  ("har skrevet master…");
* report/article/book: "report|article|book titled/called “X”".

Not found: sources named without such a cue word (a bare "according to
Reuters"), anonymous mentions ("a study showed"), bare author mentions
without a year ("Kostka's research"), and in note-style documents body
sentences that name a source without a marker.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .models import Citation, Claim, Document, Ref

MAX_LINE = 5000          # characters of one line looked at (bounds every regex)
NOTE_KINDS = ("footnote", "endnote")

# --- small text helpers --------------------------------------------------------

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@functools.lru_cache(maxsize=1 << 14)   # a reference's text is folded again per citation
def fold(s: str) -> str:
    """Lowercase, strip diacritics and apostrophes: ``"Božovič" -> "bozovic"``."""
    s = s or ""
    if s.isascii():
        return s.replace("'", "").lower()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("’", "").replace("'", "").lower()


def words(s: str) -> list[str]:
    """Folded word tokens of ``s``."""
    return list(_words(s))


@functools.lru_cache(maxsize=1 << 14)
def _words(s: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(s)))


def _notes_of(apparatus) -> list:
    """The apparatus' notes as a list (a dict number -> Note, or a list)."""
    notes = _attr(apparatus, "notes", None) or []
    return list(notes.values()) if isinstance(notes, dict) else list(notes)


def _attr(obj, name, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


# --- the running text as one stream -----------------------------------------


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


_FOOTNOTE_LINE = re.compile(
    r"^\s*(?:<sup>&</sup>)?(?:&lt;|<|lt;)sup>\d{1,3}</sup>\s*|^\s*\$_\{[^}]{0,20}\}\$\s*|"
    r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,3}\s+")
_HEADING_NUM = re.compile(r"^(?:#{1,6}\s+|(?:chapter|part|section)\s+\w+\b|"
                          r"\d{1,2}(?:\.\d{1,2}){0,4}\.?\s+\S)", re.I)
_TERMINAL = re.compile(r"[.!?:;,]['\"”’)\]]*\s*$")
_NOTE_END = re.compile(r"[a-z\u00df-\u024f)][.!?;:,]['\"”’)\]]*\d{1,3}$")
_PAGE_NUM = re.compile(r"^(?:page\s+)?\d{1,4}$|^[ivxlc]{1,7}$", re.I)
_CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|graph|image|photo|map|"
                      r"illustration)\s*\d*[.:]?", re.I)


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
    if nxt is not None and re.match(r"\s*\([^()]{0,120}\b(?:1[5-9]|20)\d\d", nxt):
        return False            # the sentence goes on with its citation "(Smith, 2003)."
    if not s[0].isupper() or len(s.split()) > 12:
        return False
    prev_ok = prev is None or bool(re.search(r"[.!?:\"”’)]\s*\d{0,3}\s*$", prev.strip())) \
        or prev.strip().isdigit()
    next_ok = nxt is not None and bool(re.match(r"\s*[\"“‘'(]?[A-Z0-9]", nxt))
    return prev_ok and next_ok


def _as_line_numbers(body, n_lines: int) -> list[int]:
    out = []
    for item in body or []:
        if isinstance(item, int):
            out.append(item)
        elif isinstance(item, (tuple, list)) and item and isinstance(item[0], int):
            out.append(item[0])
        else:
            ln = _attr(item, "line")
            if isinstance(ln, int):
                out.append(ln)
    return sorted({n for n in out if 1 <= n <= n_lines})


def _covered_lines(doc: Document, start: int, text: str) -> list[int]:
    """Lines from ``start`` whose words all (or nearly) occur in ``text``."""
    vocab = set(words(text))
    if not vocab:
        return [start]
    out, n = [], max(start, 1)
    budget = 0
    while n <= len(doc.lines):
        ws = words(doc.line(n)[:MAX_LINE])
        if not ws:
            if budget > 1:
                break
            budget += 1
            n += 1
            continue
        if n == start and ws[0].isdigit():
            ws = ws[1:]           # the note number printed before the text
        if ws and sum(w in vocab for w in ws) / len(ws) < 0.8:
            break
        if ws:
            out.append(n)
            budget = 0
        n += 1
    return out or [start]


def body_lines(doc: Document, apparatus, refs: list[Ref]) -> list[int]:
    """1-based line numbers of the running text.

    Uses ``apparatus.body`` when given; else drops the lines covered by each
    note's text and each bibliography entry, the note-number lines, and
    everything after a "Bibliography"/"References" heading.
    """
    n = len(doc.lines)
    given = _as_line_numbers(_attr(apparatus, "body"), n)
    guessed = _guess_body(doc, apparatus, refs)
    if not given:
        return guessed
    # add prose lines locate left out though no note or entry holds them
    skip = set(_attr(apparatus, "page_lines", None) or ())
    heads = [(h[0], h[1]) for h in _attr(apparatus, "headings", None) or []
             if isinstance(h, (tuple, list))]
    skip |= {ln for ln, txt in heads if good_heading(str(txt))}
    extra = [i for i in guessed if i not in skip and (
        len(doc.line(i).strip()) >= 60 and re.search(r"[a-z]{3,}\s+[a-z]{2,}", doc.line(i))
        or i in {ln for ln, _ in heads})]
    return sorted(set(given) | set(extra))


_HEAD_STOP = {"and", "or", "of", "the", "to", "in", "for", "with", "a", "an", "on", "by",
              "from", "that", "which", "as", "at", "is", "are", "og", "und", "der", "die"}


def good_heading(text: str) -> bool:
    """Does a line locate calls a heading read like one (not a list item or a
    sentence fragment such as "laws." or "…transformed into information and")?"""
    t = re.sub(r"^#+\s*|\*+", "", text).strip()
    if not t or len(t) > 100:
        return False
    first = re.search(r"[^\W\d_]", t)
    if not first or not first.group(0).isupper():
        return False
    last = re.findall(r"[^\W\d_]+", t)
    if t.endswith((",", ";")) or (last and last[-1].lower() in _HEAD_STOP):
        return False
    return not re.search(r",\s+[a-z]+\s+[a-z]+", t) or bool(re.match(r"[A-Z\d]", t))


def _guess_body(doc: Document, apparatus, refs: list[Ref]) -> list[int]:
    """Every line not taken by a note, an entry or the bibliography section."""
    n = len(doc.lines)
    taken: set[int] = set()
    for note in _notes_of(apparatus):
        ln, text = _attr(note, "line"), _attr(note, "text") or ""
        if _attr(note, "lines"):
            taken.update(_attr(note, "lines"))
            taken.add(ln)
            end = _attr(note, "end_line")
            if isinstance(end, int):
                taken.update(range(ln, end + 1))
            continue
        if isinstance(ln, int):
            taken.update(_covered_lines(doc, ln, text))
            if ln > 1 and doc.line(ln - 1).strip() == str(_attr(note, "number")):
                taken.add(ln - 1)
    for ref in refs:
        if ref.kind in ("bibliography",) + NOTE_KINDS and ref.line:
            taken.update(_covered_lines(doc, ref.line, ref.raw))
    bib_start = _bibliography_start(doc, refs)
    return [i for i in range(1, n + 1) if i not in taken and i < bib_start]


_BIB_HEAD = re.compile(r"^\W*(?:\d+\.?\s*)?(?:bibliography|references|reference list|"
                       r"works cited|literature|sources|litteratur|kilder|"
                       r"literaturverzeichnis)\W*$", re.I)


def _bibliography_start(doc: Document, refs: list[Ref]) -> int:
    bib_lines = [r.line for r in refs if r.kind == "bibliography" and r.line]
    if not bib_lines:
        return len(doc.lines) + 1
    first = min(min(bib_lines), len(doc.lines))
    for i in range(first, max(first - 30, 0), -1):
        if _BIB_HEAD.match(doc.line(i).strip()):
            return i
    return first


def build_stream(doc: Document, lines: list[int],
                 given_headings: list | None = None) -> tuple[Stream, dict[int, str]]:
    """Join body lines into a Stream; also return the headings by line.

    ``given_headings`` ((line, text) pairs from locate) are used as section
    breaks; without them headings are guessed with ``is_heading``.
    """
    st = Stream()
    parts: list[str] = []
    pos = 0
    headings: dict[int, str] = {}
    for h in given_headings or []:
        ln, txt = (h[0], h[1]) if isinstance(h, (tuple, list)) else (_attr(h, "line"), _attr(h, "text"))
        if isinstance(ln, int) and txt and good_heading(str(txt)):
            headings[ln] = re.sub(r"^#+\s*|\*+", "", str(txt)).strip()
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
            headings[n] = re.sub(r"^#+\s*|\*+", "", s).strip()
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


# --- sentences -----------------------------------------------------------------

_ABBREV = {
    "e.g", "i.e", "cf", "etc", "vs", "al", "p", "pp", "para", "paras", "ch",
    "chap", "vol", "no", "nr", "ed", "eds", "mr", "mrs", "ms", "dr", "prof",
    "st", "jr", "sr", "fig", "figs", "approx", "ca", "c", "inc", "ltd", "co",
    "u.s", "u.k", "op", "cit", "ibid", "art", "sec", "dept", "univ", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "pag", "trans", "repr", "rev", "f", "ff", "bzw", "z.b", "bl.a",
    "mv", "osv", "ev",
}
# abbreviations that are also words: before a capitalised word they end a sentence
_WORD_ABBREV = {"art", "no", "mar", "dec", "rev", "sept", "sec"}
_SENT_END = re.compile(r"[.!?…]+[\"”’')\]]*(?:\d{1,3}(?=[\s\"”’]|$))?(?=\s|$)|:(?=\s*$)")


_TRAILING_CITE = re.compile(r"\s*(?:\([^()]{1,200}\)\s*){1,3}(?:[.!?]|$)")


def sentence_spans(st: Stream, blank: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence in the stream.

    ``blank``: spans (note markers) read as spaces, so "in 2012.13 Since"
    ends a sentence after "2012.".
    """
    text = st.text
    if blank:
        chars = list(text)
        for a, b in blank:
            for k in range(max(a, 0), min(b, len(chars))):
                chars[k] = " "
        text = "".join(chars)
    cuts = {0, len(text)}
    cuts.update(b for b in st.breaks if 0 < b < len(text))
    for m in _SENT_END.finditer(text):
        end = m.end()
        punct = m.group(0)
        if punct.startswith(".") and not _real_period(text, m.start()):
            continue
        # the next sentence must start with a capital, digit, quote or bracket
        rest = text[end:end + 300]
        if _TRAILING_CITE.match(rest):
            continue
        nm = re.match(r"\s*(\d{1,3}\s+)?([\"“‘'(\[]?)(\S)", rest)
        if not nm:
            cuts.add(end)
            continue
        ch = nm.group(3)
        if ch.isupper() or ch.isdigit() or nm.group(2) or not ch.isalpha() or \
                _PARTICLE.match(rest[nm.start(3):nm.start(3) + 30]):
            cuts.add(end)
    # a colon ending its line before a capitalised line introduces a block
    # quotation ("a famous sentence is:" / "We live in…"): the quote is its own
    line_starts = set(st.starts)
    for m in re.finditer(r":\s+(?=[\"“‘]?[A-Z])", text):
        ahead = text[max(0, m.start() - 200):m.start()]
        if m.end() in line_starts and ahead.rfind("(") <= ahead.rfind(")"):
            cuts.add(m.end())
    # a note marker followed by a capitalised word ends its sentence even
    # when the extraction lost the period ("…big data 184 As he said")
    for a, b in blank:
        if re.match(r"\s*[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]", text[b:b + 4]) and \
                not re.search(r"\b(?:[A-Z][a-z]*\.|[,;:(\-–])\s*$", text[max(0, a - 12):a]):
            cuts.add(b)
    quoted = _quoted_ranges(text)
    if quoted:
        qs = [a for a, _ in quoted]
        keep = set()
        for c in cuts:
            k = bisect.bisect_right(qs, c) - 1
            if k >= 0 and quoted[k][0] < c < quoted[k][1] and c not in st.breaks:
                continue
            keep.add(c)
        cuts = keep | {0, len(text)}
    points = sorted(cuts)
    spans = []
    for a, b in zip(points, points[1:]):
        if text[a:b].strip():
            spans.append((a, b))
    return spans


_QUOTE_MAX = 700


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of quotations (“…” or "…"), at most 700 chars long."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "“" or (ch == '"' and (i == 0 or not text[i - 1].isalnum())):
            close = "”" if ch == "“" else '"'
            j = text.find(close, i + 1, min(n, i + _QUOTE_MAX))
            if ch == "“":
                k = text.find("“", i + 1, j if j > 0 else min(n, i + _QUOTE_MAX))
                if k != -1:
                    j = -1          # another opening first: unbalanced, skip
            if j != -1:
                out.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return out


def _real_period(text: str, i: int) -> bool:
    """Is the ``.`` at ``i`` a sentence end (not an abbreviation/initial/decimal)?"""
    m = re.search(r"([\w.]+)$", text[max(0, i - 30):i])
    token = (m.group(1) if m else "").lower()
    if not token:
        return True
    if token in _WORD_ABBREV and text[i - len(token):i] == token and \
            re.match(r"\s+[A-Z][a-z]", text[i + 1:i + 4]):
        pass                    # "…everyday art. Jung (2018)…": the word, then a sentence
    elif token in _ABBREV or token.rstrip(".") in _ABBREV:
        return False
    if re.fullmatch(r"[a-z]", token, re.I) and text[i - 1].isupper():
        # an initial ("J. Smith", "Rachel J. Smith"), not "from AAA to D."
        pm = re.search(r"(\S+)\s+\S$", text[max(0, i - 40):i])
        if not pm or pm.group(1)[:1].isupper() or pm.group(1).endswith("."):
            return False
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", token, re.I):
        return False            # "U.S." style
    if i + 1 < len(text) and text[i + 1].isdigit() and text[i - 1].isdigit():
        return False            # a decimal
    return True


# --- markers --------------------------------------------------------------------


@dataclass
class Mark:
    start: int
    end: int
    marker: str
    kind: str                           # note | author-date | numeric | source | inline
    targets: list = field(default_factory=list)   # [(ref index, pinpoint)]
    after_sentence: bool = False        # stands after the end of its sentence
    note: int | None = None
    caption: str | None = None          # for figure sources: the caption line
    line: int | None = None
    given: bool = False                 # found by locate
    weak: bool = False                  # a weaker marker form


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
    re.compile(r"\b(?:1[5-9]|20)\d\d(\d{1,3})(?=[\s.,;:)]|$)"),
    re.compile(r"\b(?:1[5-9]|20)\d\d[.,](\d{1,3})(?=\s+[A-Z])"),
)
_SUP = re.compile(r"<sup>(\d{1,3})</sup>|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})")


def note_candidates(st: Stream) -> list[Mark]:
    """Every number in the stream that could be a note marker."""
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
    for rx in _WEAK:
        for m in rx.finditer(text):
            s = m.start(1)
            before = text[max(0, s - 6):s]
            if re.search(r"\b(?:pp?|para|no|nr|vol|art|ch|fig|table)\.?\s*$", before, re.I):
                continue
            out.append(Mark(s, m.end(1), m.group(1), "note", note=int(m.group(1)),
                            line=st.line_at(s), weak=True,
                            after_sentence=bool(re.search(r"[.!?;:][”\"’')\]]?\s*$", before))))
    for m in _SUP.finditer(text):
        g = m.group(1) or "".join(_SUPERS[c] for c in m.group(2))
        out.append(Mark(m.start(), m.end(), g, "note", note=int(g), line=st.line_at(m.start()),
                        after_sentence=bool(re.search(r"[.!?;:][”\"’')]?$",
                                                      text[max(0, m.start() - 3):m.start()]))))
    out.sort(key=lambda k: k.start)
    dedup, seen = [], set()
    for mk in out:
        if mk.start not in seen:
            seen.add(mk.start)
            dedup.append(mk)
    return dedup


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


def given_markers(st: Stream, doc: Document, apparatus) -> list[Mark]:
    """The note markers locate found, placed in the stream."""
    out = []
    heading_lines = {h[0] if isinstance(h, (tuple, list)) else _attr(h, "line")
                     for h in _attr(apparatus, "headings", None) or []}
    for m in _attr(apparatus, "markers", None) or []:
        num, ln = _attr(m, "number"), _attr(m, "line")
        if not isinstance(num, int) or not isinstance(ln, int):
            continue
        text = str(_attr(m, "text") or num)
        if ln in heading_lines:
            continue
        alone = _attr(m, "alone", False) or ln not in st.lead
        if alone:
            pos = st.offset_after(ln)
            prev = st.text[max(0, pos - 4):pos].rstrip()
            out.append(Mark(pos, pos, text, "note", note=num, line=ln, given=True,
                            after_sentence=bool(re.search(r"[.!?:;”\"’')]$", prev))))
            continue
        start = st.offset_of(ln, _attr(m, "start", 0) or 0)
        if start is None:
            continue
        # trust the printed text: find it near the given column
        k = st.text.find(text, max(0, start - 3), start + len(text) + 3)
        if k >= 0:
            start = k
        before = st.text[max(0, start - 3):start]
        out.append(Mark(start, start + len(text), text, "note", note=num, line=ln, given=True,
                        after_sentence=bool(re.search(r"[.!?;:][”\"’')\]]?$", before))))
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


# author-date ------------------------------------------------------------------

_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?|n\.\s?d\.|forthcoming|in press"
_PIN = (r"(?:pp?\.|paras?\.|ch\.|chap\.|sec\.|§|at|s\.|pag\.?|page|pages)\s*"
        r"[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?(?:\s*(?:,|and|&)\s*\d+(?:\s*[-–]\s*\d+)?)*"
        r"|para\.?")
_PIN_RE = re.compile(_PIN, re.I)
# lowercase name particles ("de la Cruz", "van Dijk", "di Stefano")
_PARTICLES = r"de|van|von|der|den|la|le|du|da|di|ter|ten|del|dos|das|al|el|bin|ibn"
# a page printed bare after the year: "(Smith 2005, 45)", "(Smith 2005: 45-47)"
_BARE_PAGE = r"(?!(?:1[5-9]|20)\d\d\b)\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?![\d\w])"
# a closed parenthetical, or one the PDF cut short: "(Hawkins, 2017, para. Thus"
_PAREN = re.compile(r"\(((?:[^()]|\([^()]{0,160}\)){1,400})\)|\(([A-Z][^()]{0,80}?,\s*(?:" + _YEAR +
                    r")(?:,\s*(?:pp?|paras?)\.)?)(?=\s+[A-Z][a-z]|\s*$)")
_PART = re.compile(
    r"(?P<pre>(?:(?:see|see also|cf\.|e\.g\.,?|for example|for instance|"
    r"quoted in|cited in|as cited in|in)\s+|[^;]*?\b(?:see|cf\.)\s+)?)"
    r"(?P<names>(?:(?:" + _PARTICLES + r")\s+){0,3}"
    r"[A-Z\u00c0-\u024f\"“‘][^;()]{0,120}?)"
    r",?\s+(?:\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+)?"
    r"(?P<year>" + _YEAR + r")"
    r"(?:\s*[,:]\s*(?P<pin>" + _PIN + r"|" + _BARE_PAGE + r"))?")
# more years (or letters) of the same authors: "(Smith 2003, 2005a, b)"
_MORE_YEARS = re.compile(r"\s*(?:,|&|and)\s*(?P<year>" + _YEAR + r"|[a-z](?![\w.]))"
                         r"(?:\s*[,:]\s*(?P<pin>" + _PIN + r"|" + _BARE_PAGE + r"))?")
# MLA: author and page, no year: "(Smith 45)", "(Smith and Jones 12-15)",
# "(Smith, Short Title 45)"
_MLA_PART = re.compile(
    r"^\s*(?:(?:see also|see|cf\.|qtd\. in|quoted in)\s+)?"
    r"(?P<names>(?:(?:" + _PARTICLES + r")\s+){0,3}[A-Z\u00c0-\u024f][^;()\d]{0,100}?)"
    r"(?:,?\s+(?P<pin>(?:pp?\.\s*)?\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\s*$")
_PIN_ONLY = re.compile(r"^\s*(?:" + _PIN + r")\s*$", re.I)
_YEAR_PIN = re.compile(r"^\s*(?P<year>" + _YEAR + r")\s*(?:[,:]\s*(?P<pin>" + _PIN + r"|" +
                       _BARE_PAGE + r"))?\s*$")
_NARR = re.compile(r"(?:’s|'s)?\s*\((?P<year>" + _YEAR + r")(?:\s*,\s*(?P<pin>" + _PIN +
                   r"))?\)")
_SOURCE_LINE = re.compile(r"^\s*(?:source|sources|kilde|quelle)s?\s*:\s*(?P<body>.{3,300})$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bog\b|\bund\b|\bet\b(?!\s+al))\s*")
_ETAL = re.compile(r"\b[ae]t\.?\s*al\.?|\bu\.\s?a\.|\bmfl\.", re.I)


def _name_list(names: str) -> tuple[list[str], bool]:
    """``"Ohlberg, Ahmed & Lang"`` -> (["ohlberg", "ahmed", "lang"], False)."""
    etal = bool(_ETAL.search(names))
    names = _ETAL.sub(" ", names)
    out = []
    for part in _NAME_SPLIT.split(names):
        ws = [w for w in words(part) if not w.isdigit()]
        if ws:
            out.append(" ".join(ws))
    return out, etal


@dataclass
class BibKey:
    """What an author-date marker can be matched against."""
    index: int
    names: list[str]          # folded family names / literal names, in order
    year: int | None
    suffix: str | None
    label: int | None         # a printed number "[12]" / "12."
    title: list[str] = field(default_factory=list)   # folded title words (no leading article)
    printed: bool = False     # the label is printed before the entry ("[3]", "3.")
    firsts: list[str] = field(default_factory=list)  # who may be first: parsed, printed


_ARTICLES = {"the", "a", "an", "le", "la", "les", "l", "der", "die", "das", "el", "los", "las"}


def _title_words(s: str) -> list[str]:
    """Folded words of a title, a leading article dropped: ``"The Moral Economy"``
    -> ``["moral", "economy"]``."""
    ws = words(s)
    return ws[1:] if len(ws) > 1 and ws[0] in _ARTICLES else ws


_LABEL = re.compile(r"^\s*\[(\d{1,4})\]|^\s*(\d{1,4})[.)]\s")


def bib_keys(refs: list[Ref], doc: Document | None = None) -> list[BibKey]:
    """One BibKey per bibliography ref; ``doc`` (optional) shows the number
    printed before an entry whose raw text left it out."""
    keys = []
    pos = 0
    for i, r in enumerate(refs):
        if r.kind != "bibliography":
            continue
        pos += 1
        names = []
        for a in (r.authors or []) or (r.editors or []):
            if not isinstance(a, dict):
                continue
            n = a.get("family") or a.get("literal") or ""
            if n:
                names.append(" ".join(words(n)))
        raw = r.raw or ""
        lead = raw[:200]
        ym = re.search(r"\b(1[5-9]\d\d|20\d\d)([a-z]?)\b", lead)
        head = lead[:ym.start()] if ym else lead.split(".")[0]
        head = re.sub(r"^\s*\[?\d{1,4}[\].)]\s*", "", head)
        head = re.sub(r"\((?:eds?|hrsg|red)\.?\)", " ", head, flags=re.I)
        firsts = names[:1]
        for part in re.split(r",|&|\band\b|\(", head):
            ws = [w for w in words(part) if len(w) > 1 or part.strip().endswith(".") is False]
            ws = [w for w in ws if len(w) > 1]
            if ws and len(firsts) < 2:
                firsts.append(" ".join(ws))     # the name printed first
            if ws and " ".join(ws) not in names:
                names.append(" ".join(ws))
        year = r.year if isinstance(r.year, int) else (int(ym.group(1)) if ym else None)
        suffix = r.year_suffix
        if suffix is None:
            sm = re.search(r"\b%s([a-z])\b" % (year or "0000"), raw)
            suffix = sm.group(1) if sm else None
        lm = _LABEL.match(raw)
        if lm is None and doc is not None and isinstance(r.line, int) and \
                1 <= r.line <= len(doc.lines):
            lm = _LABEL.match(doc.line(r.line)[:40])
        label = int(lm.group(1) or lm.group(2)) if lm else pos
        title = _title_words(r.title or "")
        if not title and not r.authors and not r.editors:
            title = _title_words(head)      # no author: the entry starts with its title
        keys.append(BibKey(i, names, year, suffix, label, title, printed=lm is not None,
                           firsts=firsts))
    return keys


def _name_score(marker_names: list[str], key_names: list[str]) -> float:
    """How well the marker's names fit an entry's names (0 = not at all)."""
    if not marker_names or not key_names:
        return 0.0
    score = 0.0
    for k, mn in enumerate(marker_names):
        best = 0.0
        if not mn.split():
            continue
        for kn in key_names:
            if not kn.split():
                continue
            if mn == kn or mn.split()[-1] == kn.split()[-1] or kn.endswith(" " + mn):
                best = 1.0
                break
            if len(mn) >= 8 and len(mn.split()) >= 2 and kn.startswith(mn + " "):
                best = max(best, 0.9)          # an organisation's name without its gloss
            r = fuzz.ratio(mn, kn)
            if r >= 84 and min(len(mn), len(kn)) >= 4:
                best = max(best, 0.8)
            elif len(mn.split()) > 1 and kn in mn.split():
                best = max(best, 0.9)          # "samantha hoffman" ~ "hoffman"
        if k == 0 and best == 0.0:
            return 0.0                          # the first name must match
        score += best if best else -0.5
    return score


def match_author_date(names: str, year: str, keys: list[BibKey]) -> int | None:
    """The bibliography ref an author-date citation names, or None."""
    mnames, etal = _name_list(names)
    if not mnames:
        return None
    ym = re.match(r"(\d{4})([a-z]?)", year or "")
    y, suf = (int(ym.group(1)), ym.group(2) or None) if ym else (None, None)
    scored = []
    for k in keys:
        ns = _name_score(mnames, k.names)
        if ns > 0 and k.names and not any(_name_score(mnames[:1], [f]) > 0
                                          for f in (k.firsts or k.names[:1])):
            ns = 0.0                # the first author cited must be the entry's first
        ns = max(ns, _title_score(names, k.title))
        if ns <= 0:
            continue
        # a multi-word name must match a whole entry name, not one word of it
        s = ns
        if etal and len(k.names) >= 2:
            s += 0.3
        if not etal:
            s -= 0.25 * max(0, len(k.names) - len(mnames)) if len(mnames) > 1 else 0
        if y is not None and k.year == y:
            s += 2
            if suf and k.suffix == suf:
                s += 1
            elif suf and k.suffix and k.suffix != suf:
                s -= 3
        elif y is not None and k.year is not None:
            s -= 2.5
        scored.append((s, -k.index, k))
    if not scored:
        return None
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    best = scored[0]
    if best[0] < 1.0:
        # no entry with the year: accept a unique exact-name match (year typo)
        exact = [t for t in scored if t[2].year != y and _name_score(mnames, t[2].names) >= len(mnames)]
        if len(exact) == 1 and y is not None:
            return exact[0][2].index
        return None
    return best[2].index


def _title_score(marker: str, title: list[str]) -> float:
    """A citation naming a work by its title's first words (no author:
    ``("Capitalism, Water," 2024)``, ``(Cairo's the Credit 2014)``): 1.0 when
    the marker's words begin the title (two words at least, or one of 5+
    letters, or the whole title), else 0."""
    mw = _title_words(re.sub(r"[\"“”‘’']+(?=\s|$)|(?<=\s)[\"“”‘’']+|^[\"“”‘’']+", " ", marker))
    if not mw or not title or len(mw) > len(title):
        return 0.0
    if title[:len(mw)] != mw:
        return 0.0
    if len(mw) >= 2 or len(mw[0]) >= 5 or len(mw) == len(title):
        return 1.0
    return 0.0


def _clean_pin(p: str | None) -> str | None:
    if not p:
        return None
    p = p.strip().rstrip(".,;")
    return p if re.search(r"\d", p) else None


def author_date_marks(st: Stream, keys: list[BibKey]) -> list[Mark]:
    """Parenthetical, narrative and pinpoint-only author-date markers."""
    out: list[Mark] = []
    text = st.text
    for m in _PAREN.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        mk = _paren_mark(text, m.start(), m.end(), inner, keys)
        if mk is None and "(" in inner:
            # a parenthetical inside a longer aside: "(as shown (Smith, 2005))"
            for m2 in _PAREN.finditer(text, m.start() + 1, m.end() - 1):
                mk2 = _paren_mark(text, m2.start(), m2.end(), m2.group(1) or m2.group(2) or "",
                                  keys)
                if mk2 is not None:
                    out.append(mk2)
        if mk is not None:
            out.append(mk)
    return out


def _paren_mark(text: str, start: int, end: int, inner: str, keys: list[BibKey]) -> Mark | None:
    """The marker one parenthetical ``text[start:end]`` makes, or None."""
    if _PIN_ONLY.match(inner):
        return Mark(start, end, text[start:end], "continue", targets=[(None, _clean_pin(inner))])
    ym = _YEAR_PIN.match(inner)
    if ym:
        # year only: narrative if names stand right before, else continuation
        nm = _narrative_names(text, start)
        hit = _narrative_match(nm, ym.group("year"), keys) if nm and keys else None
        th = _narrative_title(text, start, ym.group("year"), keys) if keys else None
        if th and (not hit or th[0] < hit[0]):
            hit = th
        if hit:
            s0, idx = hit
            return Mark(s0, end, text[s0:end], "author-date",
                        targets=[(idx, _clean_pin(ym.group("pin")))])
        if re.match(r"\d{4}", ym.group("year")):
            return Mark(start, end, text[start:end], "continue",
                        targets=[(None, _clean_pin(ym.group("pin")))],
                        note=int(ym.group("year")[:4]))
        return None
    # a gloss inside the names ("Guowuyuan (State Council), 2014") is read as words
    flat = re.sub(r"\(([^()]{0,160})\)", r" \1 ", inner)
    targets = []
    targets_year = ""
    last_names = None
    for part in flat.split(";"):
        found = False
        ym = _YEAR_PIN.match(part) if last_names else None
        if ym and keys:
            # "(Smith, 2005a; 2005b)": a year alone keeps the names before it
            idx = match_author_date(last_names, ym.group("year"), keys)
            if idx is not None:
                targets.append((idx, _clean_pin(ym.group("pin"))))
            continue
        for pm in _PART.finditer(part):
            found = True
            names = last_names = pm.group("names")
            for year, pin in [(pm.group("year"), pm.group("pin"))] + _more_years(part, pm.end()):
                if len(year) == 1:            # "2005a, b": the letter of the year before
                    year = re.sub(r"[a-z]$", "", targets_year) + year
                targets_year = year
                idx = match_author_date(names, year, keys) if keys else None
                if idx is not None:
                    targets.append((idx, _clean_pin(pin)))
                elif keys and _looks_like_citation(names):
                    targets.append((None, _clean_pin(pin)))
        if not found and keys:
            mm = _MLA_PART.match(part)
            idx = match_by_name(mm.group("names"), keys) if mm else None
            if idx is not None:
                targets.append((idx, _clean_pin(mm.group("pin"))))
    if targets:
        return Mark(start, end, text[start:end], "author-date", targets=targets)
    return None


def _more_years(part: str, pos: int) -> list[tuple[str, str | None]]:
    """The further years after one author-year citation: "…2003, 2005a, b"."""
    out = []
    while True:
        m = _MORE_YEARS.match(part, pos)
        if not m:
            return out
        out.append((m.group("year"), m.group("pin")))
        pos = m.end()


def match_by_name(names: str, keys: list[BibKey]) -> int | None:
    """The one entry an author-page citation names (MLA "(Smith 45)",
    "(Smith, Short Title 45)"): every name must match an entry's names exactly;
    several works by those names need a title word to choose."""
    head, _, title = names.partition(",")
    mnames, etal = _name_list(head)
    if not mnames or len(mnames) > 6:
        return None
    hits = []
    for k in keys:
        if len(k.names) < len(mnames):
            continue
        if all(any(mn == kn or kn.split()[-1:] == mn.split()[-1:] and len(mn.split()) == 1
                   for kn in k.names) for mn in mnames) and mnames[0] == k.names[0] \
                or _title_score(names, k.title) and len(words(names)) >= 2:
            hits.append(k)
    if len(hits) > 1 and title.strip():
        tw = _title_words(title)
        hits = [k for k in hits if tw and k.title[:len(tw)] == tw] or \
            [k for k in hits if tw and set(tw) <= set(k.title)]
    if len(hits) == 1:
        return hits[0].index
    return None


_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _narrative_title(text: str, paren_start: int, year: str, keys: list[BibKey]):
    """(start, ref index) when the words right before ``(2024)`` begin the
    title of an entry of that year ("Capitalism, Water, and the Moral
    Democracy (2024) argues…"): the title-first narrative form."""
    ym = re.match(r"(\d{4})", year or "")
    if not ym:
        return None
    y = int(ym.group(1))
    before = text[max(0, paren_start - 160):paren_start]
    toks = list(_TOKEN.finditer(before))[-12:]
    folded = [fold(t.group(0)) for t in toks]
    best = None
    for key in keys:
        tw = key.title
        if key.year != y or not tw:
            continue
        for k in range(min(len(tw), len(toks)), 0, -1):
            if folded[len(folded) - k:] == tw[:k] and (k >= 2 or len(tw[0]) >= 5 or k == len(tw)):
                gap = before[toks[-1].end():]
                if re.fullmatch(r"[\s\"”’'*_,:]*", gap):
                    pos = paren_start - len(before) + toks[len(toks) - k].start()
                    if best is None or pos < best[0]:
                        best = (pos, key.index)
                break
    return best


def _narrative_match(nm: tuple[int, str], year: str, keys: list[BibKey]):
    """(start, ref index) for the longest tail of ``nm``'s names that matches."""
    start, names = nm
    names = re.sub(r"(?:’s|'s)\b", "", names)
    cuts = [0] + [m.end() for m in re.finditer(r"[\s,&]+", names)]
    for c in cuts:
        tail = names[c:].strip(" ,&")
        if not tail or not (tail[0].isupper() or _PARTICLE.match(tail)):
            continue
        idx = match_author_date(tail, year, keys)
        if idx is not None:
            return start + c, idx
    return None


_REPORTING = (r"(?:also\s+|further\s+|then\s+)?(?:notes|argues|argued|reports|reported|claims|"
              r"claimed|writes|wrote|states|stated|suggests|suggested|finds|found|concludes|"
              r"concluded|shows|showed|explains|explained|points out|pointed out|describes|"
              r"described|believes|proposes|proposed|defines|defined|says|said|stresses|"
              r"emphasizes|emphasises|observes|observed|mentions|mentioned|adds|added)\b")
_WORKS = r"(?:research|study|studies|work|findings|analysis|survey|article|book|paper|report)\b"


def bare_author_marks(st: Stream, ad: list[Mark], refs: list[Ref],
                      keys: list[BibKey]) -> list[Mark]:
    """An author already cited, named again without a year ("Yan also
    reports…", "Kostka's research…"), cites the work last cited by that author.

    Only as the subject of a reporting verb or with a possessive before
    "research/study/work…"; only in documents without notes.
    """
    by_index = {k.index: k for k in keys}
    cited = sorted(((m.start, i) for m in ad if m.kind == "author-date"
                    for i, _ in m.targets if i is not None), key=lambda t: t[0])
    if not cited:
        return []
    firsts: dict[str, list[tuple[int, int]]] = {}
    for pos, i in cited:
        k = by_index.get(i)
        if k and k.names and len(k.names[0]) >= 3:
            firsts.setdefault(k.names[0], []).append((pos, i))
    taken = [(m.start, m.end) for m in ad]
    out = []
    text = st.text
    for name, occ in firsts.items():
        for m in re.finditer(r"\b([A-Z][\w\u00c0-\u024f’'\-]+?)(’s|'s)?\s+(?:(" + _REPORTING +
                             r")|(" + _WORKS + r"))", text):
            if fold(m.group(1)) != name:
                continue
            if m.group(4) and not m.group(2):
                continue            # "Kostka research" is not the form
            if any(a <= m.start() < b for a, b in taken):
                continue
            before = [i for pos, i in occ if pos < m.start()]
            if not before:
                continue
            out.append(Mark(m.start(), m.end(1) + len(m.group(2) or "") +
                            (len(" " + m.group(4)) if m.group(4) else 0),
                            m.group(0) if m.group(4) else m.group(1), "author-date",
                            targets=[(before[-1], None)]))
    return out


def _looks_like_citation(names: str) -> bool:
    """A name part that reads like an author (for unmatched citations)."""
    ws = names.split()
    return 0 < len(ws) <= 6 and names[:1].isupper()


_NAME_TOKEN = re.compile(
    r"(?<![\w’'])((?:(?:[A-Z\u00c0-\u024f][\w\u00c0-\u024f’'\-]+|[\u3400-\u9fff]{1,12}|" + _PARTICLES + r"|et al\.?|"
    r"at al\.?|[&,]|and)(?![\w’'\-])\s*){1,8})(?:’s|'s)?\s*$")


_PARTICLE = re.compile(r"(?:" + _PARTICLES + r")\s+(?:(?:" + _PARTICLES + r")\s+){0,2}[A-Z]")


def _narrative_names(text: str, paren_start: int) -> tuple[int, str] | None:
    """The author names standing right before ``(2017)``: (start, names)."""
    before = text[max(0, paren_start - 120):paren_start]
    base = paren_start - len(before)
    gloss = re.search(r"\s*\((?=[^()]*[^\W\d_])[^()\d]{1,100}\)\s*$", before)
    if gloss:
        before = before[:gloss.start()]     # "Xinhua Wang (Xinhua Net) (2019)"
    m = _NAME_TOKEN.search(before)
    if not m:
        return None
    names = m.group(1).strip()
    names = re.sub(r"^(?:[&,]|and)\s*", "", names).strip()
    if not names or not (names[0].isupper() or _PARTICLE.match(names)):
        return None
    start = base + m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
    start = text.find(names, start)
    return (start, names) if start >= 0 else None


def source_line_marks(doc: Document, body: list[int], keys: list[BibKey]) -> list[tuple]:
    """``Source: Kostka, 2019, p. 11`` lines: (line, marker, targets, caption)."""
    out = []
    body_set = set(body)
    for n in body:
        m = _SOURCE_LINE.match(doc.line(n)[:MAX_LINE].strip())
        if not m:
            continue
        targets = []
        for part in m.group("body").split(";"):
            pm = _PART.match(part.strip())
            if pm:
                idx = match_author_date(pm.group("names"), pm.group("year"), keys)
                targets.append((idx, _clean_pin(pm.group("pin"))))
        if not targets:
            continue
        caption = None
        k = n - 1
        while k >= 1 and not doc.line(k).strip():
            k -= 1
        if k >= 1 and k in body_set and _CAPTION.match(doc.line(k).strip()):
            caption = doc.line(k).strip()
        out.append((n, m.group("body").strip(), targets, caption))
    return out


# "[12]", "[3–5]", "[1, 4]", "[1; 4]", IEEE "[2, p. 7]" / "[2, pp. 4–5]"
_NUMERIC = re.compile(r"\[(\d{1,4}(?:\s*[-–,;]\s*\d{1,4}){0,12})"
                      r"(?:\s*,\s*((?:pp?|paras?|ch|sec)\.\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\]")


_NUMERIC_SPAN = re.compile(r"\[(\d{1,4})\]\s?[-–]\s?\[(\d{1,4})\]")
# Vancouver without brackets: superscript numbers, or numbers in parentheses
# before punctuation ("…in adults (1, 3)."), only where the list is numbered
_SUP_NUM = re.compile(r"<sup>(\d{1,4}(?:\s*[-–,]\s*\d{1,4}){0,12})</sup>|"
                      r"([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}(?:[⁻,‒–-][⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}){0,12})")
_PAREN_NUM = re.compile(r"(?<=[^\W\d_]|[”’\"'])\s?\((\d{1,4}(?:\s*[-–,;]\s*\d{1,4}){0,12})\)"
                        r"(?=\s*[.,;:!?]|\s*$)")
_SUP_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _label_numbers(spec: str) -> list[int]:
    """``"3–5, 8"`` -> [3, 4, 5, 8] (empty when a range is implausible)."""
    nums: list[int] = []
    for part in re.split(r"[,;]", spec):
        r = re.match(r"\s*(\d+)\s*(?:[-–‒]\s*(\d+))?\s*$", part)
        if not r:
            return []
        a = int(r.group(1))
        b = int(r.group(2)) if r.group(2) else a
        if b < a or b - a > 50:
            return []
        nums.extend(range(a, b + 1))
    return nums


def numeric_marks(st: Stream, keys: list[BibKey], bare: bool = False) -> list[Mark]:
    """``[12]``, ``[3–5]``, ``[1, 4]``, ``[2, p. 7]`` -> numbered bibliography
    entries; with ``bare`` (a document without notes whose list prints its
    numbers) also superscripts ``³`` / ``<sup>1,2</sup>`` and ``(1, 3)`` before
    punctuation."""
    by_label = {k.label: k.index for k in keys if k.label is not None}
    if not by_label:
        return []
    out = []
    spans = []
    for m in _NUMERIC_SPAN.finditer(st.text):      # "[1]–[3]"
        nums = _label_numbers(m.group(1) + "-" + m.group(2))
        if nums and all(n in by_label for n in nums):
            spans.append((m.start(), m.end()))
            out.append(Mark(m.start(), m.end(), m.group(0), "numeric",
                            targets=[(by_label[n], None) for n in nums]))
    for m in _NUMERIC.finditer(st.text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        nums = _label_numbers(m.group(1))
        if nums and all(n in by_label for n in nums):
            pin = _clean_pin(m.group(2)) if len(nums) == 1 else None
            out.append(Mark(m.start(), m.end(), m.group(0), "numeric",
                            targets=[(by_label[n], pin) for n in nums]))
    if not bare or not any(k.printed for k in keys):
        return out
    for rx in (_SUP_NUM, _PAREN_NUM):
        for m in rx.finditer(st.text):
            spec = next(g for g in m.groups() if g).translate(_SUP_DIGITS)
            nums = _label_numbers(spec)
            if nums and all(n in by_label for n in nums):
                out.append(Mark(m.start(), m.end(), m.group(0).strip(), "numeric",
                                targets=[(by_label[n], None) for n in nums]))
    return out


# --- notes: short forms, ibid, pinpoints --------------------------------------

_IBID = re.compile(r"^\W*(?:ibid\.?|ibidem|id\.|ebd\.|ebenda)(?=\W|$)", re.I)
_OPCIT = re.compile(r"\b(?:op\.?\s*cit\.?|supra|loc\.?\s*cit\.?|a\.a\.O\.)", re.I)
_URLISH = re.compile(r"https?://|www\.|doi\.org|\bdoi:", re.I)


_YEAR_SPAN = re.compile(r"\b(?:1[5-9]|20)\d\d\s*[-–—]\s*(?:(?:1[5-9]|20)\d\d|\d\d)\b")


def is_short_form(ref: Ref) -> bool:
    """A note ref printing author and title but no publication details."""
    raw = ref.raw or ""
    if _IBID.match(raw) or _OPCIT.search(raw):
        return True
    # judged on the printed text (parsed fields of a short note are noisy)
    if ref.url or ref.doi or ref.isbn:
        return False
    # a span of years belongs to a title ("Gesellschaft (1994–2031)"), not a date
    dated = _YEAR_SPAN.sub(" ", raw)
    if re.search(r"\b(?:1[5-9]\d\d|20\d\d)\b", dated) or _URLISH.search(raw):
        return False
    if re.search(r"\b(?:retrieved|accessed|press|verlag|publishers?|edition|vol\.|"
                 r"no\.|eds?\.)(?!\w)", raw, re.I):
        return False
    if re.search(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?:\s+[A-Z][\w&]+", raw) and \
            re.search(r"[.)]\s+[A-Z][a-z]+(?: [A-Z][a-z]+)?:\s", raw):
        return False            # "London: Routledge"
    return len(words(raw)) >= 2


def note_pinpoint(ref: Ref) -> str | None:
    """The page a note cites: ``ref.pinpoint`` or the one printed in the note."""
    if ref.pinpoint:
        return ref.pinpoint
    raw = (ref.raw or "").strip()
    m = re.search(r"\b(?:here|hier)\s*:?\s*(\d+(?:\s*[-–]\s*\d+)?)", raw, re.I)
    if m:
        return m.group(1)
    m = re.search(r"(?:^|[\s,(])((?:pp?\.|pag\.?|para\.|s\.)\s*\d+(?:\s*[-–]\s*\d+)?)\s*\.?\s*$",
                  raw, re.I)
    if m:
        return m.group(1)
    if is_short_form(ref) and not _IBID.match(raw):
        m = re.search(r",\s*([\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?)\s*\.?\s*$", raw, re.I)
        if m and re.search(r"\d|^[ivxlc]+", m.group(1)):
            return m.group(1)
    if _IBID.match(raw):
        m = re.search(r"(\d+(?:\s*[-–]\s*\d+)?)\s*\.?\s*$", raw)
        if m:
            return m.group(1)
    return None


def _ref_names(ref: Ref) -> list[str]:
    out = []
    for a in (ref.authors or []) or (ref.editors or []):
        if isinstance(a, dict):
            n = a.get("family") or a.get("literal") or ""
            if n:
                out.append(" ".join(words(n)))
    return out


def _short_parts(raw: str) -> tuple[list[str], list[str]]:
    """A short form's (author names, title words)."""
    raw = re.sub(r"\([^)]*\)", " ", raw)
    q = re.search(r"[“\"”‘]", raw)
    if q and q.start() > 0 and raw[:q.start()].rstrip().endswith((",", ":")):
        head, title = raw[:q.start()], raw[q.start():]
    else:
        head, _, title = raw.partition(",")
    names, _ = _name_list(head)
    title = re.sub(r",\s*[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?\s*\.?\s*$", "", title)
    if re.fullmatch(r"\s*(?:(?:pp?|s)\.\s*)?[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?\s*\.?\s*", title):
        title = ""              # "Smith, 45.": the author and a page, no title
    return names, [w for w in words(title) if len(w) > 2 or w.isdigit()]


def _title_overlap(twords: list[str], ref: Ref) -> float:
    if not twords:
        return 0.0
    vocab = set(words((ref.title or "") + " " + (ref.raw or "")))
    return sum(w in vocab for w in twords) / len(twords)


def link_short_forms(refs: list[Ref]) -> None:
    """Set ``short_form`` and ``same_as`` on note refs (in place)."""
    bib = [i for i, r in enumerate(refs) if r.kind == "bibliography"]
    notes = [i for i, r in enumerate(refs) if r.kind in NOTE_KINDS]
    by_note: dict[int, list[int]] = {}
    for i in notes:
        if refs[i].note is not None:
            by_note.setdefault(refs[i].note, []).append(i)
    seen_full: list[int] = []
    names_of = {k.index: k.names for k in bib_keys(refs)} if bib else {}
    for i in notes:
        r = refs[i]
        raw = (r.raw or "").strip()
        if _IBID.match(raw):
            prev = _previous_note_ref(refs, by_note, r.note, i)
            r.short_form = True
            r.same_as = prev
            continue
        names, twords = _short_parts(raw)
        if _OPCIT.search(raw):
            r.short_form = True
            j = _latest_by_author(refs, names, seen_full, bib)
            r.same_as = j if j is not None else _previous_note_ref(refs, by_note, r.note, i)
            continue
        short = is_short_form(r)
        target = None
        if short and bib:
            target = _best_bib(names, twords, r, refs, bib, names_of)
        if target is None and short:
            target = _earlier_note(names, twords, r, refs, seen_full)
        if target is None and short:
            target = _by_title_only(raw, refs, bib + seen_full)
        r.same_as = target
        r.short_form = target is not None
        if r.same_as is None:
            seen_full.append(i)


def _previous_note_ref(refs, by_note, note, i) -> int | None:
    """The (first) ref of the nearest earlier note that has refs."""
    if note is None:
        return i - 1 if i > 0 and refs[i - 1].kind in NOTE_KINDS else None
    earlier = [n for n in by_note if n < note]
    for n in sorted(earlier, reverse=True):
        return by_note[n][0]
    return None


def _latest_by_author(refs, names, seen_full, bib) -> int | None:
    if not names:
        return None
    for j in reversed(seen_full + bib):
        if _name_score(names[:1], _ref_names(refs[j]) or words(refs[j].raw)[:3]) >= 0.8:
            return j
    return None


def _best_bib(names, twords, ref, refs, bib, names_of=None) -> int | None:
    best, best_s, tie = None, 0.0, False
    if names_of is None:
        names_of = {k.index: k.names for k in bib_keys(refs)}
    for j in bib:
        b = refs[j]
        bnames = names_of.get(j) or _ref_names(b) or [" ".join(words(b.raw.split(",")[0]))]
        ns = _name_score(names, bnames) if names else 0.0
        if names and ns <= 0:
            # literal names ("The Economist") may be folded into the title
            if not (names and " ".join(names) in " ".join(words(b.raw)[:8])):
                continue
            ns = 0.8
        to = _title_overlap(twords, b)
        if twords and to < 0.6:
            continue
        s = ns + 2 * to
        if not twords:
            # author only ("Smith, 45."): the entry with just those authors
            s -= 0.3 * abs(len(_ref_names(b) or bnames) - len(names))
            if s == best_s:
                tie = True
        if s > best_s:
            best, best_s, tie = j, s, False
    if not twords and tie:
        return None             # two works by that author and no title to choose
    return best


def _by_title_only(raw, refs, candidates) -> int | None:
    """The one full reference printing a short form's title words (three at
    least) in a row, when the names did not match: the full reference may
    print no author, or spell the name otherwise."""
    head, _, title = re.sub(r"\([^)]*\)", " ", raw).partition(",")
    title = re.sub(r",\s*[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?\s*\.?\s*$", "", title)
    tw = [w for w in words(title) if not w.isdigit()]
    if len(tw) < 3:
        return None
    needle = " " + " ".join(tw) + " "
    hits = [j for j in candidates if needle in " " + " ".join(words(refs[j].raw or "")) + " "]
    return hits[0] if len(hits) == 1 else None


def _earlier_note(names, twords, ref, refs, seen_full) -> int | None:
    for j in seen_full:
        o = refs[j]
        if o.kind not in NOTE_KINDS:
            continue
        onames = _ref_names(o) + _short_parts(o.raw)[0]
        if names and _name_score(names, onames) <= 0:
            continue
        if twords and _title_overlap(twords, o) < 0.7:
            continue
        if not names and not twords:
            continue
        return j
    return None


# --- prose-only sources ---------------------------------------------------------

_LEGIS = re.compile(
    r"(?P<title>(?:(?:[A-Z][\w’'.-]*|its|the|their|of|the)\s+){0,5}"
    r"(?:Constitution|Grunnlov\w*|Grundgesetz|Verfassung|Act|Law|Code|Charter|Treaty|"
    r"Convention|Directive|Regulation|Ordinance|Statute))"
    r",?\s+(?P<pin>(?:Article|Art\.|Section|Sec\.|§|artikkel|paragraf|Artikel)\s*\d+[a-z]?)")
_INTERVIEW = re.compile(
    r"\b(?P<verb>interviewed|intervjuet|intervjua|intervjuade|interviewte|interviewede)\s+"
    r"(?P<obj>(?:(?:vi|we|jeg|I|han|hun|de|sie|wir)\s+)?[^.,;:!?]{3,80})")
_PODCAST = re.compile(
    r"(?P<pre>(?:\w+\s+){0,3})\b(?:podcast(?:en|s)?|episode\s+of|episoden?\s+av|radio\s+show)"
    r"\s+[\"“«„](?P<title>[^\"”»“]{2,120})[\"”»“]", re.I)
_THESIS = re.compile(
    r"(?P<name>(?-i:[A-Z][\w\u00c0-\u024f-]+(?:\s+[A-Z][\w\u00c0-\u024f-]+){1,3})),?\s+"
    r"(?:[^.!?]{0,40}?\b)?(?:has written|wrote|who wrote|har skrevet|skrev|hat geschrieben)\s+"
    r"(?:a\s+|an\s+|his\s+|her\s+|en\s+|sin\s+|seine\s+|ihre\s+)?"
    r"(?P<what>master(?:'s)?(?:oppgave|arbeit)?(?:\s+thesis)?|(?:doctoral\s+|phd\s+)?thesis|"
    r"dissertation|avhandling|doktorgrad\w*|Masterarbeit|Doktorarbeit)"
    r"(?P<rest>\s+(?:om|on|about|über)\s+[^.,;!?]{1,60})?", re.I)
_NAMED = re.compile(
    r"\b(?:report|article|book|study|paper|rapport(?:en)?|artikkel(?:en)?|boka|boken)\s+"
    r"(?:titled|entitled|called|kalt|med tittelen|namens)\s+[\"“«„](?P<title>[^\"”»“]{2,160})[\"”»“]",
    re.I)
# capitalised sentence openers that are not an interviewer's name
_SENTENCE_WORDS = {"i", "we", "vi", "jeg", "he", "she", "they", "han", "hun", "de", "also",
                   "then", "later", "so", "og", "and", "in", "der", "die", "wir", "er", "sie"}
_TYPES = {"report": "report", "rapport": "report", "article": "article-journal",
          "artikkel": "article-journal", "book": "book", "bok": "book",
          "study": "report", "paper": "article-journal"}


def inline_sources(st: Stream) -> list[tuple[Mark, Ref]]:
    """Sources named in running prose, by the rules in the module docstring."""
    out = []
    text = st.text
    for m in _LEGIS.finditer(text):
        title = re.sub(r"^(?:its|the|their|of)\s+", "", m.group("title").strip())
        pin = m.group("pin")
        ref = Ref(kind="inline", raw=m.group(0), line=st.line_at(m.start()),
                  type="legislation", title=title)
        out.append((Mark(m.start("pin"), m.end("pin"), pin, "inline",
                         targets=[(None, pin)]), ref))
    for m in _INTERVIEW.finditer(text):
        before = text[max(0, m.start() - 12):m.start()].lower()
        if re.search(r"\b(?:the|an|a|this|that|hele|det|dette|i|in)\s*$", before):
            continue                    # the noun, not the verb
        obj = m.group("obj").strip()
        if re.match(r"(?:med|with|mit)\b", obj, re.I):
            continue
        nm = re.match(r"(?:(?:vi|we|jeg|I|han|hun|de|sie|wir)\s+)?"
                      r"((?:professor\s+|prof\.\s+|dr\.\s+)?)"
                      r"([A-Z][\w-]+)\s+([A-Z][\w-]+)", obj)
        authors = [{"family": nm.group(2), "given": nm.group(3)}] if nm else []
        marker = (m.group("verb") + " " + (obj if not nm else nm.group(0))).strip()
        start, end = m.start(), m.end()
        if nm:
            # a named interview: who interviewed whom, the interviewee's
            # description and the topic, to the end of the clause
            who = re.search(r"\b([A-Z][\w-]+)\s+$", text[max(0, start - 40):start])
            if who and who.group(1).lower() not in _SENTENCE_WORDS:
                start -= len(who.group(0))
            stop = re.search(r"[.!?;](?:\s|$)", text[end:end + 300])
            end = end + stop.start() if stop else end
        ref = Ref(kind="inline", raw=text[start:end].strip(), line=st.line_at(start),
                  type="interview", authors=authors)
        out.append((Mark(m.start(), m.start() + len(marker), marker, "inline",
                         targets=[(None, None)]), ref))
    for m in _PODCAST.finditer(text):
        ref = Ref(kind="inline", raw=m.group(0).strip(), line=st.line_at(m.start()),
                  type="broadcast", container_title=m.group("title").strip())
        out.append((Mark(m.start(), m.end(), m.group(0).strip(), "inline",
                         targets=[(None, None)]), ref))
    for m in _THESIS.finditer(text):
        parts = m.group("name").split()
        ref = Ref(kind="inline", raw=m.group(0).strip(), line=st.line_at(m.start()),
                  type="thesis", authors=[{"family": parts[-1],
                                           "given": " ".join(parts[:-1])}])
        out.append((Mark(m.start(), m.end(), m.group(0).strip(), "inline",
                         targets=[(None, None)]), ref))
    for m in _NAMED.finditer(text):
        word = re.match(r"\w+", m.group(0)).group(0).lower()
        kind = next((v for k, v in _TYPES.items() if word.startswith(k)), "report")
        ref = Ref(kind="inline", raw=m.group(0), line=st.line_at(m.start()),
                  type=kind, title=m.group("title").strip())
        out.append((Mark(m.start(), m.end(), m.group(0), "inline",
                         targets=[(None, None)]), ref))
    out.sort(key=lambda t: t[0].start)
    return out


# --- claims -------------------------------------------------------------------------


def _sentence_for(spans: list[tuple[int, int]], mk: Mark, text: str) -> tuple[int, int]:
    starts = [a for a, _ in spans]
    k = bisect.bisect_right(starts, mk.start) - 1
    k = max(k, 0)
    a, b = spans[k]
    if mk.kind == "note" and k > 0 and not text[a:mk.start].strip():
        return spans[k - 1]
    if mk.kind == "note" and k > 0 and re.fullmatch(r"\s*[\"”’')\]]*\s*", text[a:mk.start]):
        return spans[k - 1]
    return a, b


def claim_text(text: str, a: int, b: int, drop: list[tuple[int, int]]) -> str:
    """The sentence ``text[a:b]`` without the note markers in ``drop``."""
    pieces, pos = [], a
    for s, e in sorted(drop):
        if e <= a or s >= b:
            continue
        pieces.append(text[pos:max(s, pos)])
        pos = max(pos, e)
    pieces.append(text[pos:b])
    out = "".join(pieces)
    out = re.sub(r"<sup>\d+</sup>", "", out)
    out = re.sub(r"\s+", " ", out).strip()
    out = re.sub(r"\s+([.,;:])", r"\1", out)
    return out


def _section_of(headings: dict[int, str], line: int) -> str | None:
    keys = [n for n in headings if n <= line]
    return headings[max(keys)] if keys else None


# --- the stage --------------------------------------------------------------------------


def _known_notes(apparatus, refs: list[Ref]) -> dict[int, int]:
    """note number -> line, only for notes actually located."""
    out: dict[int, int] = {}
    for n in _notes_of(apparatus):
        num, ln = _attr(n, "number"), _attr(n, "line")
        if isinstance(num, int) and isinstance(ln, int) and num not in out:
            out[num] = ln
    for r in refs:
        if r.kind in NOTE_KINDS and r.note is not None and r.note not in out:
            out[r.note] = r.line
    return out


EXTRA_NOTES = 300


def _notes_map(apparatus, refs: list[Ref], n_lines: int = 10 ** 9) -> dict[int, int]:
    """note number -> line of the note text (apparatus notes, else note refs)."""
    out = _known_notes(apparatus, refs)
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


def _is_footnote_doc(doc: Document, apparatus, refs: list[Ref], notes: dict[int, int],
                     body: list[int]) -> bool:
    kinds = [r.kind for r in refs if r.kind in NOTE_KINDS]
    if _attr(apparatus, "note_kind") in NOTE_KINDS:
        return _attr(apparatus, "note_kind") == "footnote"
    kinds += [_attr(n, "kind") for n in _notes_of(apparatus)
              if _attr(n, "kind") in NOTE_KINDS]
    if kinds:
        return kinds.count("footnote") >= kinds.count("endnote")
    if doc.citation_style in ("footnotes", "notes-bibliography"):
        return True
    if notes and body:
        return min(notes.values()) < max(body)
    return False


def cite(doc: Document, apparatus, refs: list[Ref]) -> tuple[list[Claim], list[Citation]]:
    """Claims and citations of one document; marks short forms in ``refs``.

    May append ``kind="inline"`` refs for prose-only documents.
    """
    body = body_lines(doc, apparatus, refs)
    st, headings = build_stream(doc, body, _attr(apparatus, "headings"))
    if not st.text:
        link_short_forms(refs)
        return [], []
    link_short_forms(refs)
    keys = bib_keys(refs, doc)
    notes = _notes_map(apparatus, refs, len(doc.lines))
    refs_by_note: dict[int, list[int]] = {}
    for i, r in enumerate(refs):
        if r.kind in NOTE_KINDS and r.note is not None:
            refs_by_note.setdefault(r.note, []).append(i)

    marks: list[Mark] = []
    if notes:
        footnotes = _is_footnote_doc(doc, apparatus, refs, notes, body)
        cands = note_candidates(st) + given_markers(st, doc, apparatus) + \
            lone_number_lines(st, doc, body, notes)
        chosen = choose_note_markers(_dedup(cands), notes, footnotes,
                                     known=_known_notes(apparatus, refs),
                                     ends={_attr(n, "number"): _attr(n, "end_line")
                                           for n in _notes_of(apparatus)
                                           if isinstance(_attr(n, "end_line"), int)})
        for mk in chosen:
            mk.targets = [(i, note_pinpoint(refs[i])) for i in refs_by_note.get(mk.note, [])]
        marks.extend(chosen)
    ad = author_date_marks(st, keys) if keys else []
    ad = _resolve_continuations(ad, st, {k.index: k.year for k in keys})
    marks.extend(ad)
    if not notes:
        marks.extend(bare_author_marks(st, ad, refs, keys))
    marks.extend(numeric_marks(st, keys, bare=not notes) if keys else [])

    inline_refs: list[tuple[Mark, Ref]] = []
    given_inline = [i for i, r in enumerate(refs) if r.kind == "inline"]
    if not keys and not notes and not any(m.kind == "author-date" for m in marks):
        inline_refs = inline_sources(st)
    marks.sort(key=lambda m: m.start)

    note_spans = [(m.start, m.end) for m in marks if m.kind == "note"]
    spans = sentence_spans(st, note_spans)
    claims: list[Claim] = []
    citations: list[Citation] = []
    claim_at: dict[tuple[int, int], int] = {}

    def add_claim(text: str, line: int, key) -> int:
        if key in claim_at:
            return claim_at[key]
        claims.append(Claim(text=text, line=line, page=doc.page_of(line),
                            section=_section_of(headings, line)))
        claim_at[key] = len(claims) - 1
        return claim_at[key]

    for mk in marks:
        line = mk.line or st.line_at(mk.start)
        a, b = _sentence_for(spans, mk, st.text)
        text = claim_text(st.text, a, b, note_spans)
        if not text:
            continue
        ci = add_claim(text, line, (a, b))
        for idx, pin in mk.targets:
            if idx is None:
                continue
            citations.append(Citation(claim=ci, ref=idx, marker=mk.marker, pinpoint=pin))

    for n, marker, targets, caption in source_line_marks(doc, body, keys):
        text = caption or doc.line(n).strip()
        ci = add_claim(text, n, ("source", n))
        for idx, pin in targets:
            if idx is not None:
                citations.append(Citation(claim=ci, ref=idx, marker=marker, pinpoint=pin))

    for mk, ref in inline_refs:
        a, b = _sentence_for(spans, mk, st.text)
        text = claim_text(st.text, a, b, [])
        line = st.line_at(mk.start)
        ci = add_claim(text, line, (a, b))
        idx = _existing_inline(refs, given_inline, ref)
        if idx is None:
            refs.append(ref)
            idx = len(refs) - 1
        citations.append(Citation(claim=ci, ref=idx, marker=mk.marker,
                                  pinpoint=mk.targets[0][1] if mk.targets else None))
    cited = {c.ref for c in citations}
    rest = [i for i in given_inline if i not in cited]
    if rest:
        _link_given_inline(doc, st, spans, refs, rest, claims, citations, add_claim)
    _order(claims, citations)
    return claims, citations


def _existing_inline(refs, given, ref) -> int | None:
    for i in given:
        if refs[i].line == ref.line:
            return i
    return None


def _link_given_inline(doc, st, spans, refs, given, claims, citations, add_claim) -> None:
    """Inline refs found by locate: cite them from the sentence on their line."""
    for i in given:
        r = refs[i]
        try:
            k = st.lines.index(r.line)
        except ValueError:
            continue
        pos = st.starts[k]
        raw_at = st.text.find((r.raw or "")[:30], pos)
        if raw_at >= 0:
            pos = raw_at
        mk = Mark(pos, pos + 1, r.raw[:60], "inline")
        a, b = _sentence_for(spans, mk, st.text)
        ci = add_claim(claim_text(st.text, a, b, []), r.line, (a, b))
        citations.append(Citation(claim=ci, ref=i, marker=(r.raw or "")[:60]))


def _resolve_continuations(marks: list[Mark], st: Stream,
                           years: dict[int, int | None] | None = None) -> list[Mark]:
    """Give ``(p. 19)`` / ``(2017, p. 5)`` the source cited just before it
    (a year must be that source's year, when known)."""
    years = years or {}
    out = []
    last: list[int] | None = None
    last_para = -10
    for mk in sorted(marks, key=lambda m: m.start):
        para = st.para_at(mk.start)
        if mk.kind == "author-date":
            ids = [i for i, _ in mk.targets if i is not None]
            if not ids:
                out.append(mk)      # keeps its claim; names no entry we know
                continue
            last = ids if len(ids) == 1 else None
            last_para = para
            out.append(mk)
            continue
        if last and mk.note is not None and years.get(last[0]) not in (None, mk.note):
            continue                # "(2018)" cannot continue a 2011 source
        if last and para - last_para <= 1:
            pin = mk.targets[0][1] if mk.targets else None
            mk.kind = "author-date"
            mk.targets = [(last[0], pin)]
            out.append(mk)
            last_para = para
    return out


def _order(claims: list[Claim], citations: list[Citation]) -> None:
    """Put claims in reading order (line), renumbering citations."""
    order = sorted(range(len(claims)), key=lambda i: (claims[i].line, i))
    new_of = {old: new for new, old in enumerate(order)}
    claims[:] = [claims[i] for i in order]
    for c in citations:
        c.claim = new_of[c.claim]
    citations.sort(key=lambda c: (c.claim,))
