"""Author-date markers: parentheticals ``(Smith, 2005, p. 3)``, narrative
``Smith (2005)``, MLA author-page ``(Smith 45)``, title-first citations,
continuations ``(p. 19)``, bare author mentions and ``Source:`` lines."""
from __future__ import annotations

import re

from ..models import Document, Ref
from ..text import PARTICLE, YEAR, fold
from .keys import BibKey, match_author_date, match_by_name
from .marks import PARTICLE_NAME, Context, Extractor, Mark, clean_pin
from .stream import MAX_LINE, Stream


class AuthorDate(Extractor):
    """Author-date parentheticals and narrative forms; pinpoint-only and
    year-only parentheticals continue the source cited just before."""

    def wanted(self, ctx: Context) -> bool:
        return bool(ctx.keys)

    def find(self, ctx: Context) -> list[Mark]:
        marks = author_date_marks(ctx.stream, ctx.keys)
        return resolve_continuations(marks, ctx.stream, {k.index: k.year for k in ctx.keys})


class BareAuthor(Extractor):
    """In documents without notes: an author cited before, named again
    without a year (runs after AuthorDate: reads its marks)."""

    def wanted(self, ctx: Context) -> bool:
        return not ctx.notes

    def find(self, ctx: Context) -> list[Mark]:
        return bare_author_marks(ctx.stream, ctx.marks, ctx.refs, ctx.keys)


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
        return Mark(start, end, text[start:end], "continue", targets=[(None, clean_pin(inner))])
    if _BARE_NUM.match(inner) and re.match(r"\s*(?:[.,;:!?]|$)", text[end:end + 2]):
        # MLA "(259)": the page of the author cited just before (checked later)
        return Mark(start, end, text[start:end], "continue", targets=[(None, inner.strip())],
                    form="page")
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
                        targets=[(idx, clean_pin(ym.group("pin")))])
        if re.match(r"\d{4}", ym.group("year")):
            return Mark(start, end, text[start:end], "continue",
                        targets=[(None, clean_pin(ym.group("pin")))],
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
                targets.append((idx, clean_pin(ym.group("pin"))))
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
                    targets.append((idx, clean_pin(pin)))
                elif keys and _looks_like_citation(names):
                    targets.append((None, clean_pin(pin)))
        if not found and keys:
            mm = _MLA_PART.match(part)
            idx = match_by_name(mm.group("names"), keys) if mm else None
            if idx is not None:
                targets.append((idx, clean_pin(mm.group("pin"))))
    if targets:
        mla = not any(_PART.search(p) for p in flat.split(";"))
        return Mark(start, end, text[start:end], "author-date", targets=targets,
                    form="mla" if mla else "")
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
        if not tail or not (tail[0].isupper() or PARTICLE_NAME.match(tail)):
            continue
        idx = match_author_date(tail, year, keys)
        if idx is not None:
            return start + c, idx
    return None


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
    if not names or not (names[0].isupper() or PARTICLE_NAME.match(names)):
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
                targets.append((idx, clean_pin(pm.group("pin"))))
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


def resolve_continuations(marks: list[Mark], st: Stream,
                           years: dict[int, int | None] | None = None) -> list[Mark]:
    """Give ``(p. 19)`` / ``(2017, p. 5)`` the source cited just before it
    (a year must be that source's year, when known)."""
    years = years or {}
    out = []
    last: list[int] | None = None
    last_para = -10
    last_mla = False
    for mk in sorted(marks, key=lambda m: m.start):
        para = st.para_at(mk.start)
        if mk.kind == "author-date":
            ids = [i for i, _ in mk.targets if i is not None]
            if not ids:
                out.append(mk)      # keeps its claim; names no entry we know
                continue
            last = ids if len(ids) == 1 else None
            last_para = para
            last_mla = mk.form == "mla"
            out.append(mk)
            continue
        if mk.form == "page" and not last_mla:
            continue                # a bare "(12)" continues only an author-page source
        if last and mk.note is not None and years.get(last[0]) not in (None, mk.note):
            continue                # "(2018)" cannot continue a 2011 source
        if last and para - last_para <= 1:
            pin = mk.targets[0][1] if mk.targets else None
            mk.kind = "author-date"
            mk.targets = [(last[0], pin)]
            out.append(mk)
            last_para = para
    return out


# --- patterns ---------------------------------------------------------------------

# a year as cited: "2017", "2003a", "n.d.", "forthcoming"
_YEAR = YEAR + r"[a-z]?|n\.\s?d\.|forthcoming|in press"
_PIN = (r"(?:pp?\.|paras?\.|ch\.|chap\.|sec\.|§|at|s\.|pag\.?|page|pages)\s*"
        r"[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?(?:\s*(?:,|and|&)\s*\d+(?:\s*[-–]\s*\d+)?)*"
        r"|para\.?")
# a page printed bare after the year: "(Smith 2005, 45)", "(Smith 2005: 45-47)"
_BARE_PAGE = r"(?!" + YEAR + r"\b)\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?![\d\w])"
# a closed parenthetical, or one the PDF cut short: "(Hawkins, 2017, para. Thus"
_PAREN = re.compile(r"\(((?:[^()]|\([^()]{0,160}\)){1,400})\)|\(([A-Z][^()]{0,80}?,\s*(?:" + _YEAR +
                    r")(?:,\s*(?:pp?|paras?)\.)?)(?=\s+[A-Z][a-z]|\s*$)")
_PART = re.compile(
    r"(?P<pre>(?:(?:see|see also|cf\.|e\.g\.,?|for example|for instance|"
    r"quoted in|cited in|as cited in|in)\s+|[^;]*?\b(?:see|cf\.)\s+)?)"
    r"(?P<names>(?:" + PARTICLE + r"\s+){0,3}"
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
    r"(?P<names>(?:" + PARTICLE + r"\s+){0,3}[A-Z\u00c0-\u024f][^;()\d]{0,100}?)"
    r"(?:,?\s+(?P<pin>(?:pp?\.\s*)?\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\s*$")
_BARE_NUM = re.compile(r"^\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?\s*$")
_PIN_ONLY = re.compile(r"^\s*(?:" + _PIN + r")\s*$", re.I)
_YEAR_PIN = re.compile(r"^\s*(?P<year>" + _YEAR + r")\s*(?:[,:]\s*(?P<pin>" + _PIN + r"|" +
                       _BARE_PAGE + r"))?\s*$")
_SOURCE_LINE = re.compile(r"^\s*(?:source|sources|kilde|quelle)s?\s*:\s*(?P<body>.{3,300})$", re.I)
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_REPORTING = (r"(?:also\s+|further\s+|then\s+)?(?:notes|argues|argued|reports|reported|claims|"
              r"claimed|writes|wrote|states|stated|suggests|suggested|finds|found|concludes|"
              r"concluded|shows|showed|explains|explained|points out|pointed out|describes|"
              r"described|believes|proposes|proposed|defines|defined|says|said|stresses|"
              r"emphasizes|emphasises|observes|observed|mentions|mentioned|adds|added)\b")
_WORKS = r"(?:research|study|studies|work|findings|analysis|survey|article|book|paper|report)\b"
_NAME_TOKEN = re.compile(
    r"(?<![\w’'])((?:(?:[A-Z\u00c0-\u024f][\w\u00c0-\u024f’'\-]+|[\u3400-\u9fff]{1,12}|" + PARTICLE + r"|et al\.?|"
    r"at al\.?|[&,]|and)(?![\w’'\-])\s*){1,8})(?:’s|'s)?\s*$")
_CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|graph|image|photo|map|"
                      r"illustration)\s*\d*[.:]?", re.I)
