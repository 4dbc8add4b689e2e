"""Notes: short forms, ibid and op. cit. (``ref.short_form``, ``ref.same_as``)
and the pinpoint a note cites."""
from __future__ import annotations

import re

from ..models import NOTE_KINDS, Ref
from ..text import CASE_CITATION, YEAR, words
from .keys import name_list, name_score, bib_keys


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
    if re.search(r"\b" + YEAR + r"\b", dated) or _URLISH.search(raw):
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
    raw = (ref.raw or "").strip()
    m = _BACKREF.search(raw)
    if m:                       # "(n 5) 72", "supra note 2, at 14": the page after it
        tail = re.match(r"\s*,?\s*(?:at\s+)?((?:pp?\.\s*|S\.\s*)?\d+(?:\s*[-–]\s*\d+)?)\b",
                        raw[m.end():])
        return tail.group(1) if tail else None
    if ref.pinpoint and _PAGE_SHAPE.match(ref.pinpoint.strip()):
        return ref.pinpoint
    m = re.search(r"\bat\s+(\d+(?:\s*[-–]\s*\d+)?)\s*\.?\s*$", raw)
    if m:
        return m.group(1)
    m = re.search(r"\)\s*,?\s*(\d+(?:\s*[-–]\s*\d+)?)\s*\.?\s*$", raw)
    if m:                       # "(London: Penguin, 2017), 45.", OSCOLA "(Suhrkamp 2009) 7."
        return m.group(1)
    m = re.search(r"\b(?:here|hier)\s*:?\s*(\d+(?:\s*[-–]\s*\d+)?)", raw, re.I)
    if m:
        return m.group(1)
    if _IBID.match(raw):          # "Ibid., p. 298.": the page number
        m = re.search(r"(\d+(?:\s*[-–]\s*\d+)?)\s*\.?\s*$", raw)
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
    names, _ = name_list(head)
    title = re.sub(r",\s*[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?\s*\.?\s*$", "", title)
    if re.fullmatch(r"\s*(?:(?:pp?|s)\.\s*)?[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?\s*\.?\s*", title):
        title = ""              # "Smith, 45.": the author and a page, no title
    return names, [w for w in words(title) if len(w) > 2 or w.isdigit()]


def _title_overlap(twords: list[str], ref: Ref) -> float:
    if not twords:
        return 0.0
    vocab = set(words((ref.title or "") + " " + (ref.raw or "")))
    return sum(w in vocab for w in twords) / len(twords)


def link_short_forms(refs: list[Ref], located: set[int] | None = None,
                     texts: dict[int, str] | None = None) -> None:
    """Set ``short_form`` and ``same_as`` on note refs (in place).

    ``located``: the note numbers found in the document (with or without
    refs); an ibid whose preceding note was not found stays unresolved.
    ``texts``: note number -> the note's text, for the author a
    back-reference names before a lead-in locate dropped ("Svensson, see n. 2").
    The rules, as the style guides state them:

    * ``Ibid.``/``ibidem``/``id.``/``ebd.``: the last source of the
      preceding citation (earlier in the same note, else the preceding
      note; a comment-only note is passed over, a note not found is not);
    * ``(n. 33)``, ``see n. 3``, ``supra note 12``, ``above n 12``,
      ``(Fn. 3)``: the source of note 33 (by the author named, when that
      note has several);
    * ``op. cit.``/``loc. cit.``/``a.a.O.``/``supra``: the author's latest
      full citation, else that author's only bibliography entry;
    * ``Ders.``/``Dies.`` (the same author): the previous note's author;
    * ``Vgl.``/``See``/``Cf.`` lead-ins are read past.

    Anything else that cannot be resolved keeps ``same_as`` None.
    """
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
        printed = (r.raw or "").strip()
        raw = _LEAD_IN.sub("", printed)
        if _IBID.match(raw):
            r.short_form = True
            r.same_as = _previous_citation(refs, by_note, r.note, i, located)
            continue
        back = _BACKREF.search(printed)
        if back and (is_short_form(r) or back.group(1) or back.start() == 0):
            r.short_form = True
            head = printed[:back.start()]
            full = (texts or {}).get(r.note, "")
            if not head.strip() and _BACKREF.search(full):
                head = full[:_BACKREF.search(full).start()]
            r.same_as = _note_target(refs, by_note, int(back.group(2)), r.note, head)
            continue
        if _SAME_AUTHOR.match(raw):
            raw = _named_author(refs, _previous_citation(refs, by_note, r.note, i, located), raw)
            if raw is None:
                r.short_form, r.same_as = True, None
                continue
        names, twords = _short_parts(raw)
        if _OPCIT.search(raw):
            r.short_form = True
            r.same_as = _latest_by_author(refs, names, seen_full, bib)
            continue
        short = is_short_form(r) or bool(_AUTHOR_ONLY.match(raw))
        target = None
        if short and not twords and names:
            # Chicago 17 (14.34): "Smith, 45." repeats the preceding note's source by Smith
            target = _same_author_as_previous(refs, by_note, r, i, names, raw, located)
        if target is None and short and bib:
            target = _best_bib(names, twords, r, refs, bib, names_of)
        if target is None and short:
            target = _earlier_note(names, twords, r, refs, seen_full)
        if target is None and short:
            target = _by_title_only(raw, refs, bib + seen_full)
        r.same_as = target
        r.short_form = target is not None
        if r.same_as is None:
            seen_full.append(i)


def mark_cases(refs: list[Ref]) -> None:
    """Note refs that cite a law case ("R v Fennelley [1989] Crim LR 142",
    "Brown v. Board of Education, 347 U.S. 483 (1954)") are CSL legal_case."""
    for r in refs:
        if r.kind in NOTE_KINDS and CASE_CITATION.match((r.raw or "").strip()):
            r.type = "legal_case"


def recover_note_refs(notes: dict, refs: list[Ref]) -> None:
    """Append a ref for each note that has none but reads as a short form
    locate did not keep: "Hartmann (n 5) 72.", "Ibid 114.", "Smith, op.
    cit., 9." (a back-reference is a citation whatever its length)."""
    have = {r.note for r in refs if r.kind in NOTE_KINDS}
    for num, nt in sorted(notes.items()):
        text = (nt.text or "").strip()
        if num in have or not text or len(text) > 200:
            continue
        pieces = [p.strip() for p in text.split(";") if p.strip()]
        if pieces and all(_reads_short(p) for p in pieces):
            kind = nt.kind if nt.kind in NOTE_KINDS else "footnote"
            refs.extend(Ref(kind=kind, raw=p, line=nt.line, note=num, page=nt.page)
                        for p in pieces)


def _reads_short(text: str) -> bool:
    """Ibid, a back-reference or op. cit. near the start of a note piece."""
    body = _LEAD_IN.sub("", text)
    back = _BACKREF.search(text)
    opcit = _OPCIT.search(body)
    return bool(_IBID.match(body) or (back and back.start() < 60) or (opcit and opcit.start() < 60)
                or _AUTHOR_ONLY.match(body))


def _previous_citation(refs, by_note, note, i, located=None) -> int | None:
    """The source an ibid repeats: the ref before it in its own note, else
    the last ref of the preceding note.  With ``located`` (the note numbers
    found), a preceding note that was not found leaves it unresolved."""
    if note is None:
        return i - 1 if i > 0 and refs[i - 1].kind in NOTE_KINDS else None
    own = by_note.get(note, [])
    if i in own and own.index(i) > 0:
        return own[own.index(i) - 1]
    for n in range(note - 1, 0, -1):
        if n in by_note:
            return by_note[n][-1]
        if located is not None and n not in located:
            return None          # a note we did not read: its source is unknown
    return None


def _full_of(refs, j: int | None) -> int | None:
    """Follow ``same_as`` from ref ``j`` to its full reference (bounded: no cycles)."""
    for _ in range(20):
        if j is None or refs[j].same_as in (None, j):
            break
        j = refs[j].same_as
    return j


def _named_author(refs, prev: int | None, raw: str) -> str | None:
    """"Ders.: Title, S. 30." with the previous citation's author put in
    ("Müller, Title, S. 30."); None when that author is unknown."""
    prev = _full_of(refs, prev)
    fam = (_ref_names(refs[prev]) or _short_parts(refs[prev].raw or "")[0])[:1] \
        if prev is not None else []
    return fam[0] + ", " + raw[_SAME_AUTHOR.match(raw).end():].strip() if fam else None


def _same_author_as_previous(refs, by_note, r, i, names, raw, located) -> int | None:
    """The preceding citation's source (followed to its full reference) when
    it is by the author an author-only short form names (and, with an
    initial printed, "M. Ferreira", the given name agrees)."""
    prev = _full_of(refs, _previous_citation(refs, by_note, r.note, i, located))
    if prev is None:
        return None
    p = refs[prev]
    if name_score(names[:1], _ref_names(p) or words(p.raw)[:4]) < 0.8:
        return None
    return prev if _initial_ok(raw, p) else None


def _initial_ok(raw: str, cand: Ref) -> bool:
    """A short form printing an initial ("M. Ferreira, 224.") fits a
    reference whose author has that given-name initial."""
    ini = re.match(r"\s*([A-Z])\.\s?([A-Z][\w'’\-]+)", raw)
    if not ini:
        return True
    letter, family = ini.group(1), re.escape(ini.group(2))
    for a in cand.authors or []:
        if isinstance(a, dict) and a.get("given") and a.get("family", "") == ini.group(2):
            return a["given"][:1] == letter
    text = cand.raw or ""
    return bool(re.search(r"\b" + letter + r"[\w.]*\s+(?:[A-Z]\.\s?)?" + family + r"\b", text)
                or re.search(r"\b" + family + r",\s+" + letter, text))


def _note_target(refs, by_note, n, note, head) -> int | None:
    """The source of note ``n`` a back-reference names (the one by the
    author printed before it when the note has several); None if unknown."""
    if note is not None and n >= note:
        return None
    cands = by_note.get(n, [])
    if len(cands) == 1:
        return cands[0]
    names, _ = name_list(head)
    if names:
        hits = [j for j in cands if name_score(names[:1], _ref_names(refs[j]) or
                                               words(refs[j].raw)[:4]) >= 0.8]
        if len(hits) == 1:
            return hits[0]
    return None


def _latest_by_author(refs, names, seen_full, bib) -> int | None:
    """The author's latest full note, else the author's only bibliography entry."""
    if not names:
        return None

    def by(j):
        return name_score(names[:1], _ref_names(refs[j]) or words(refs[j].raw)[:3]) >= 0.8
    for j in reversed(seen_full):
        if by(j):
            return j
    hits = [j for j in bib if by(j)]
    return hits[0] if len(hits) == 1 else None


def _best_bib(names, twords, ref, refs, bib, names_of=None) -> int | None:
    best, best_s, tie = None, 0.0, False
    if names_of is None:
        names_of = {k.index: k.names for k in bib_keys(refs)}
    for j in bib:
        b = refs[j]
        if not _initial_ok(ref.raw or "", b):
            continue
        bnames = names_of.get(j) or _ref_names(b) or [" ".join(words(b.raw.split(",")[0]))]
        ns = name_score(names, bnames) if names else 0.0
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
        if o.kind not in NOTE_KINDS or not _initial_ok(ref.raw or "", o):
            continue
        onames = _ref_names(o) + _short_parts(o.raw)[0]
        if names and name_score(names, onames) <= 0:
            continue
        if twords and _title_overlap(twords, o) < 0.7:
            continue
        if not names and not twords:
            continue
        return j
    return None


# --- patterns ---------------------------------------------------------------------

_IBID = re.compile(r"^\W*(?:ibid\.?|ibidem|id\.|ebd\.|ebenda)(?=\W|$)", re.I)
_OPCIT = re.compile(r"\b(?:op\.?\s*cit\.?|supra|loc\.?\s*cit\.?|a\.\s?a\.\s?O\.)", re.I)
# a back-reference to an earlier note: "(n. 33)", "see n 3", "supra note 12",
# "above n 12", "(Fn. 3)", "Anm. 4"; group 1: the cue that makes it certain
_BACKREF = re.compile(r"(?:\b(supra|above|oben|see|siehe)\s*,?\s+|\(\s*|^)"
                      r"(?:notes?|nn?\.?|fn\.?|anm\.?)\s*(\d{1,4})\b\)?", re.I)
# an author-only short form: "Castellano.", "M. Ferreira, 224.", "Smith and Jones, 4–5."
_AUTHOR_ONLY = re.compile(r"^(?:[A-Z]\.\s?){0,2}[A-Z][\w'’\-]+(?:\s(?:and|&)\s[A-Z][\w'’\-]+)?"
                          r"(?:,\s*(?:pp?\.\s*)?\d{1,4}(?:\s*[-–]\s*\d{1,4})?)?\.?$")
_SAME_AUTHOR = re.compile(r"^(?:ders|dies|derselbe|dieselbe|idem|eadem)\.?\s*[,:]", re.I)
_LEAD_IN = re.compile(r"^(?:vgl\.|siehe|see(?:\s+also)?|cf\.|compare)\s+", re.I)
_PAGE_SHAPE = re.compile(r"^(?:(?:pp?|s|at|para|pag)\.?\s*)?[\divxlc]+(?:\s*[-–]\s*[\divxlc]+)?"
                         r"(?:\s*,\s*\d+)*\.?$", re.I)
_URLISH = re.compile(r"https?://|www\.|doi\.org|\bdoi:", re.I)


_YEAR_SPAN = re.compile(r"\b" + YEAR + r"\s*[-–—]\s*(?:" + YEAR + r"|\d\d)\b")
