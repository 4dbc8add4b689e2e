"""Bibliography keys: what an in-text marker is matched against (folded
names, year and suffix, printed list number, title words), and the matching
of author names, author-date and author-page citations to one entry."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..models import Ref
from ..text import YEAR, title_words, words


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
    initial: str = ""         # the first author's given-name initial, folded ("a")


def bib_keys(refs: list[Ref]) -> list[BibKey]:
    """One BibKey per bibliography ref, in order."""
    keys = []
    for i, r in enumerate(refs):
        if r.kind == "bibliography":
            keys.append(bib_key(i, r, len(keys) + 1))
    return keys


def bib_key(i: int, r: Ref, pos: int) -> BibKey:
    """The BibKey of bibliography ref ``i``, the ``pos``-th entry of the list."""
    names = []
    for a in (r.authors or []) or (r.editors or []):
        if not isinstance(a, dict):
            continue
        n = a.get("family") or a.get("literal") or ""
        if n:
            names.append(" ".join(words(n)))
    raw = r.raw or ""
    lead = raw[:200]
    ym = re.search(r"\b(" + YEAR + r")([a-z]?)\b", lead)
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
    # the list number: printed in the raw text, or before it (read by locate)
    lm = _LABEL.match(raw)
    if lm is None and r.label:
        lm = _LABEL.match(r.label + " ")
    label = int(lm.group(1) or lm.group(2)) if lm else pos
    title = title_words(r.title or "")
    if not title and not r.authors and not r.editors:
        title = title_words(head)      # no author: the entry starts with its title
    return BibKey(i, names, year, suffix, label, title, printed=lm is not None, firsts=firsts,
                  initial=_initial(r))


def _initial(r: Ref) -> str:
    """The first author's given-name initial: parsed, else "Family, Given" printed."""
    a = (r.authors or [{}])[0]
    given = a.get("given") if isinstance(a, dict) else None
    if not given:
        m = re.match(r"\s*[^\W\d_][\w'’\-]+,\s+([^\W\d_])", r.raw or "")
        given = m.group(1) if m else ""
    ws = words(given or "")
    return ws[0][0] if ws else ""


def name_score(marker_names: list[str], key_names: list[str]) -> float:
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
    mnames, etal = name_list(names)
    if not mnames:
        return None
    ym = re.match(r"(\d{4})([a-z]?)", year or "")
    y, suf = (int(ym.group(1)), ym.group(2) or None) if ym else (None, None)
    scored = []
    for k in keys:
        ns = name_score(mnames, k.names)
        if ns > 0 and k.names and not any(name_score(mnames[:1], [f]) > 0
                                          for f in (k.firsts or k.names[:1])):
            ns = 0.0                # the first author cited must be the entry's first
        ns = max(ns, title_score(names, k.title))
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
        exact = [t for t in scored if t[2].year != y and name_score(mnames, t[2].names) >= len(mnames)]
        if len(exact) == 1 and y is not None:
            return exact[0][2].index
        return None
    return best[2].index


def title_score(marker: str, title: list[str]) -> float:
    """A citation naming a work by its title's first words (no author:
    ``("Capitalism, Water," 2024)``, ``(Cairo's the Credit 2014)``): 1.0 when
    the marker's words begin the title (two words at least, or one of 5+
    letters, or the whole title), else 0."""
    mw = title_words(re.sub(r"[\"“”‘’']+(?=\s|$)|(?<=\s)[\"“”‘’']+|^[\"“”‘’']+", " ", marker))
    if not mw or not title or len(mw) > len(title):
        return 0.0
    if title[:len(mw)] != mw:
        return 0.0
    if len(mw) >= 2 or len(mw[0]) >= 5 or len(mw) == len(title):
        return 1.0
    return 0.0


def match_by_name(names: str, keys: list[BibKey]) -> int | None:
    """The one entry an author-page citation names (MLA "(Smith 45)",
    "(Smith, Short Title 45)"): every name must match an entry's names exactly;
    several works by those names need a title word to choose."""
    head, _, title = names.partition(",")
    mnames, etal = name_list(head)
    if not mnames or len(mnames) > 6:
        return None
    hits = []
    initial = ""
    first = mnames[0].split()
    if len(first) > 1 and all(len(w) == 1 for w in first[:-1]):
        initial, mnames = first[0], [first[-1]] + mnames[1:]      # "A. Okafor"
    for k in keys:
        if len(k.names) < len(mnames):
            continue
        if initial and k.initial and k.initial != initial:
            continue
        if all(any(mn == kn or kn.split()[-1:] == mn.split()[-1:] and len(mn.split()) == 1
                   for kn in k.names) for mn in mnames) and mnames[0] == k.names[0] \
                or title_score(names, k.title) and len(words(names)) >= 2:
            hits.append(k)
    tw = title_words(title) if title.strip() else []
    if tw and (len(hits) > 1 or not _names_only(names)):
        # a short title printed: it must be the entry's ("(Said, Culture 12)")
        hits = [k for k in hits if k.title[:len(tw)] == tw] or \
            [k for k in hits if set(tw) <= set(k.title)]
    if len(hits) == 1:
        return hits[0].index
    return None


def _names_only(names: str) -> bool:
    """"Smith, Jones and Lee": the part after the first comma is more names."""
    rest = names.partition(",")[2]
    return all(len(w) > 1 and w[0].isupper() for w in re.findall(r"[^\W\d_]+", rest)) and \
        len(rest.split()) <= 3


def name_list(names: str) -> tuple[list[str], bool]:
    """``"Ohlberg, Ahmed & Lang"`` -> (["ohlberg", "ahmed", "lang"], False)."""
    etal = bool(_ETAL.search(names))
    names = _ETAL.sub(" ", names)
    out = []
    for part in _NAME_SPLIT.split(names):
        ws = [w for w in words(part) if not w.isdigit()]
        if ws:
            out.append(" ".join(ws))
    return out, etal


# --- patterns ---------------------------------------------------------------------

_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bog\b|\bund\b|\bet\b(?!\s+al))\s*")
_ETAL = re.compile(r"\b[ae]t\.?\s*al\.?|\bu\.\s?a\.|\bmfl\.", re.I)
_LABEL = re.compile(r"^\s*\[(\d{1,4})\]|^\s*(\d{1,4})[.)]\s")
