"""Notes: short forms, ibid and op. cit. (``ref.short_form``, ``ref.same_as``)
and the pinpoint a note cites."""
from __future__ import annotations

import re

from ..models import NOTE_KINDS, Ref
from ..text import YEAR, words
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
        if name_score(names[:1], _ref_names(refs[j]) or words(refs[j].raw)[:3]) >= 0.8:
            return j
    return None


def _best_bib(names, twords, ref, refs, bib, names_of=None) -> int | None:
    best, best_s, tie = None, 0.0, False
    if names_of is None:
        names_of = {k.index: k.names for k in bib_keys(refs)}
    for j in bib:
        b = refs[j]
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
        if o.kind not in NOTE_KINDS:
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
_OPCIT = re.compile(r"\b(?:op\.?\s*cit\.?|supra|loc\.?\s*cit\.?|a\.a\.O\.)", re.I)
_URLISH = re.compile(r"https?://|www\.|doi\.org|\bdoi:", re.I)


_YEAR_SPAN = re.compile(r"\b" + YEAR + r"\s*[-–—]\s*(?:" + YEAR + r"|\d\d)\b")
