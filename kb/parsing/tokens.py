"""Tokens and CRF features (after AnyStyle/GROBID: shape, punctuation,
position, dictionaries of given names, publishers, places, journal words and
month names in several languages).

    >>> toks = tokenize("Smith, J. (2017). “A Title”. Journal 3(2): 1–9.")
    >>> [t.text for t in toks][:6]
    ['Smith', ',', 'J', '.', '(', '2017']
    >>> feats = features(toks)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .dates import MONTHS
from .names import PARTICLES, ORG_WORDS, SURNAME_RANK
from . import lexicon
from ..text import YEAR

_TOKEN = re.compile(r"[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*\.(?:com|org|net|gov|edu|cn|de|uk|co|info|io|fr|nl|eu|int)(?!\w|\.\w)"
                    r"|\d+[A-Za-z]{0,3}|[^\W\d_]+(?:['’][^\W\d_]+)*|[^\w\s]|_", re.I)
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")
QUOTES = set("“”‘’«»„‚\"'")
MAX_TOKENS = 300


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Word, number and single-punctuation tokens with character offsets."""
    return [Token(m.group(), *m.span()) for m in islice(_TOKEN.finditer(text), MAX_TOKENS)]


_RUN3 = re.compile(r"(.)\1{2,}")
_YEAR_RE = re.compile("(" + YEAR + ")[a-z]?")


@lru_cache(maxsize=65536)
def shape(w: str) -> str:
    """Word shape: "Smith" -> "Xxx", "2017" -> "dd", "J." -> "X." (runs capped at 2)."""
    out = []
    for ch in w:
        if ch.isdigit():
            out.append("d")
        elif ch.isalpha():
            out.append("X" if ch.isupper() else "x")
        else:
            out.append(ch)
    return _RUN3.sub(r"\1\1", "".join(out))


DOUBLE_OPEN = set("“„«\"")
DOUBLE_CLOSE = set("”»\"“")
SINGLE_OPEN = set("‘‚'")
SINGLE_CLOSE = set("’'‘")


def _quote_states(toks: list[Token], text: str) -> list[int]:
    """Per token: 3 opening quote, 2 closing quote, 1 inside quotes, 0 outside.
    Single quotes inside a double-quoted span (and apostrophes) do not toggle."""
    out = []
    outer = None  # "d" or "s"
    depth = 0
    n = len(toks)
    for i, t in enumerate(toks):
        c = t.text
        if c not in QUOTES:
            out.append(1 if outer else 0)
            continue
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[i + 1] if i + 1 < n else None
        glued_prev = prev is not None and prev.end == t.start and prev.text[-1:].isalnum()
        glued_next = nxt is not None and nxt.start == t.end and nxt.text[:1].isalnum()
        if outer is None:
            if c in DOUBLE_OPEN or c == "”":
                if c == "”" and not glued_next:
                    out.append(0)
                    continue
                if nxt is not None and not (glued_prev and c == '"' and not glued_next):
                    outer = "d"
                    out.append(3)
                    continue
            elif c in SINGLE_OPEN and not glued_prev and glued_next:
                # an opening single quote needs a matching closer before the end
                if any(x.text in SINGLE_CLOSE and not (k + 1 < n and toks[k + 1].start == x.end and toks[k + 1].text[:1].isalnum())
                       for k, x in enumerate(toks[i + 1:i + 60], start=i + 1)):
                    outer = "s"
                    out.append(3)
                    continue
            out.append(0)
            continue
        if outer == "d" and (c in DOUBLE_CLOSE or c in DOUBLE_OPEN):
            if glued_next and not glued_prev:
                depth += 1  # a nested quotation opens
                out.append(1)
                continue
            if depth:
                depth -= 1
                out.append(1)
                continue
            outer = None
            out.append(2)
            continue
        if outer == "s" and c in SINGLE_CLOSE and not glued_next:
            outer = None
            out.append(2)
            continue
        out.append(1)
    return out


_CTX_TAGS = ("year", "month", "given", "initial", "edword", "inword", "quote", "pageword",
             "volword", "pubword", "place", "cap")


def _build_dict() -> dict[str, tuple[str, ...]]:
    """word -> names of the dictionaries holding it (one lookup per word)."""
    out: dict[str, list[str]] = {}
    for name, vocab in (("given", lexicon.GIVEN), ("particle", PARTICLES), ("orgword", ORG_WORDS),
                        ("pubword", lexicon.PUBLISHER_WORDS), ("place", lexicon.PLACES),
                        ("journalword", lexicon.JOURNAL_WORDS), ("edword", lexicon.EDITOR_WORDS),
                        ("transword", lexicon.TRANS_WORDS), ("volword", lexicon.VOL_WORDS),
                        ("issueword", lexicon.ISSUE_WORDS), ("pageword", lexicon.PAGE_WORDS),
                        ("editionword", lexicon.EDITION_WORDS), ("inword", lexicon.IN_WORDS),
                        ("stop", lexicon.STOP), ("mediaword", lexicon.MEDIA_WORDS),
                        ("surname", lexicon.SURNAMES | set(SURNAME_RANK))):
        for w in vocab:
            out.setdefault(w, []).append(name)
    return {w: tuple(v) for w, v in out.items()}


_DICT = _build_dict()


@lru_cache(maxsize=65536)
def word_features(w: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Position-free features of a word (cached) and the tags its neighbours see."""
    lw = w.lower()
    if w in QUOTES:
        lw = "Q2" if w in "“”„«»\"" else "Q1"
    sh = shape(w) if w not in QUOTES else "Q"
    f = ["b", "w=" + lw[:20], "sh=" + sh[:8], "len=%d" % min(len(w), 8)]
    tags = []
    if w[:1].isupper():
        f.append("cap"); tags.append("cap")
    if w.isupper() and len(w) > 1:
        f.append("allcap")
    if w.isdigit():
        f.append("num%d" % min(len(w), 5))
    if _is_year(w):
        f.append("year"); tags.append("year")
        if len(w) > 4:
            f.append("yearsuffix")
    if lw in MONTHS and (w[:1].isupper() or len(lw) > 3):
        f.append("month"); tags.append("month")
    for name in _DICT.get(lw, ()):
        f.append(name)
        if name in _CTX_TAGS:
            tags.append(name)
    if _CJK.search(w):
        f.append("cjk")
    if "." in w and len(w) > 3:
        f.append("domain")
    if not w[0].isalnum():
        if w in QUOTES:
            f.append("quote"); f.append("p=Q"); tags.append("quote")
        else:
            f.append("p=" + w)
    lw15, sh6 = f[1][2:17], f[2][3:9]
    ctx = {}
    for d in (-2, -1, 1, 2):
        c = ["%+d:w=%s" % (d, lw15), "%+d:sh=%s" % (d, sh6)]
        if d in (-1, 1):
            c.extend("%+d:%s" % (d, t) for t in tags)
        ctx[d] = tuple(c)
    return tuple(f), ctx


_EDGE = {d: ("%+d:BOS" % d,) if d < 0 else ("%+d:EOS" % d,) for d in (-2, -1, 1, 2)}
_Q = {d: tuple(("%+d:q=%d" % (d, k),) for k in range(4)) for d in (-1, 1)}
# position features as ready strings (one lookup per token, no formatting)
_QF = tuple("q=%d" % k for k in range(4))
_PAR = tuple("par=%d" % k for k in range(3))
_BLK = tuple("blk=%d" % k for k in range(7))
_CM = tuple("cm=%d" % k for k in range(9))
_POS = tuple("pos=%d" % k for k in range(10))
_FIRST = ("first0", "first1", "first2")
_LAST = ("last1", "last0")


def _context(wf, quotes: list[int], n: int) -> list[tuple[str, ...]]:
    """Per token: its neighbours' features (-2, -1 with quote state, +1 with
    quote state, +2), or sequence-edge markers."""
    out = []
    for i in range(n):
        c = (wf[i - 2][1][-2] if i >= 2 else _EDGE[-2])
        c += (wf[i - 1][1][-1] + _Q[-1][quotes[i - 1]]) if i >= 1 else _EDGE[-1]
        c += (wf[i + 1][1][1] + _Q[1][quotes[i + 1]]) if i + 1 < n else _EDGE[1]
        c += wf[i + 2][1][2] if i + 2 < n else _EDGE[2]
        out.append(c)
    return out


def features(toks: list[Token], text: str = "", kind: str | None = None,
             quotes: list[int] | None = None) -> list[list[str]]:
    """One feature list per token (crfsuite string features; ``quotes``: the
    tokens' quote states when already known)."""
    n = len(toks)
    if not n:
        return []
    if quotes is None:
        quotes = _quote_states(toks, text)
    words = [t.text for t in toks]
    wf = [word_features(w) for w in words]
    first_year = next((i for i, w in enumerate(words) if _is_year(w)), None)
    initial = [len(w) == 1 and w.isalpha() and w.isupper() and i + 1 < n and words[i + 1] == "."
               for i, w in enumerate(words)]
    # "Nat. Rev. Neurosci.": a short word glued to its full stop
    abbrev = [1 < len(w) <= 5 and w.isalpha() and i + 1 < n and words[i + 1] == "." and toks[i + 1].start == toks[i].end
              for i, w in enumerate(words)]
    # Vancouver "Anderson RM," / "Cloud GC:": a capitalised word, then its initials
    vinit = [1 <= len(w) <= 3 and w.isalpha() and w.isupper() and i > 0 and words[i - 1][:1].isupper()
             and words[i - 1][1:2].islower() and (i + 1 == n or words[i + 1] in ",.:;")
             and (len(w) > 1 or i < 2 or words[i - 2] in ",;")  # "…, Alderman H."
             for i, w in enumerate(words)]
    vinit = [v or (i + 1 < n and vinit[i + 1]) for i, v in enumerate(vinit)]  # the family name too
    # after an "In"/"In:" cue the words are a container's, not the title's
    in_at = next((i for i in range(1, n - 1) if words[i] in ("In", "in", "Dans", "dans") and words[i - 1] in ".,”\"'"
                  and (words[i + 1] == ":" or words[i + 1][:1].isupper())), None)
    if first_year is None:
        yr = [None] * n
    else:
        yr = ["yr=b"] * first_year + ["yr=y"] + ["yr=a"] * (n - first_year - 1)
    ctx = _context(wf, quotes, n)
    depth, block, comma = 0, 0, 0
    kindf = "k=" + kind[:4] if kind else None
    out = []
    for i, w in enumerate(words):
        if w in "([":
            depth += 1
        f = list(wf[i][0])
        if initial[i]:
            f.append("initial")
        if i > 0 and initial[i - 1]:
            f.append("-1:initial")
        if i + 1 < n and initial[i + 1]:
            f.append("+1:initial")
        f += (_QF[quotes[i]], _PAR[depth if depth < 2 else 2], _BLK[block if block < 6 else 6],
              _CM[comma if comma < 8 else 8], _POS[10 * i // n])
        if i < 3:
            f.append(_FIRST[i])
        if i >= n - 2:
            f.append(_LAST[i - n + 2])
        if yr[i]:
            f.append(yr[i])
        if i > 0 and toks[i - 1].end == toks[i].start:
            f.append("glued")
        if abbrev[i]:
            f.append("abbr")
        if vinit[i]:
            f.append("vinit")
        if in_at is not None and i > in_at:
            f.append("after_in")
        if kindf:
            f.append(kindf)
        f += ctx[i]
        out.append(f)
        if w in ")]":
            depth = max(0, depth - 1)
        if w == "." and not (i > 0 and len(words[i - 1]) <= 2 and words[i - 1][:1].isupper()):
            block += 1
        elif w == ",":
            comma += 1
    return out


def _is_year(w: str) -> bool:
    return w[:1].isdigit() and _YEAR_RE.fullmatch(w) is not None
