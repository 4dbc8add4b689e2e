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

from .dates import MONTHS
from .names import PARTICLES, ORG_WORDS, SURNAME_RANK
from . import lexicon

_TOKEN = re.compile(r"[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*\.(?:com|org|net|gov|edu|cn|de|uk|co|info|io|fr|nl|eu|int)(?!\w|\.\w)"
                    r"|\d+[A-Za-z]{0,3}|[^\W\d_]+(?:['’][^\W\d_]+)*|[^\w\s]|_", re.I)
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")
QUOTES_OPEN = set("“‘«„‚\"'”’")
QUOTES = set("“”‘’«»„‚\"'")
MAX_TOKENS = 300


@dataclass
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Word, number and single-punctuation tokens with character offsets."""
    out = []
    for m in _TOKEN.finditer(text):
        out.append(Token(m.group(0), m.start(), m.end()))
        if len(out) >= MAX_TOKENS:
            break
    return out


def shape(w: str) -> str:
    s = re.sub(r"[A-ZÀ-ÝĀ-Ž]", "X", w)
    s = re.sub(r"[a-zß-ÿā-ž]", "x", s)
    s = re.sub(r"\d", "d", s)
    s = re.sub(r"(.)\1{2,}", r"\1\1", s)
    return s


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


def features(toks: list[Token], text: str = "", kind: str | None = None) -> list[list[str]]:
    """One feature list per token (crfsuite string features)."""
    n = len(toks)
    if not n:
        return []
    quotes = _quote_states(toks, text)
    words = [t.text for t in toks]
    lows = [w.lower() for w in words]
    first_year = next((i for i, w in enumerate(words) if _is_year(w)), None)
    # paren depth and period-block index
    depth, block, comma = 0, 0, 0
    depths, blocks, commas = [], [], []
    for i, w in enumerate(words):
        if w in "([":
            depth += 1
        depths.append(min(depth, 2))
        blocks.append(min(block, 6))
        commas.append(min(comma, 8))
        if w in ")]":
            depth = max(0, depth - 1)
        if w == "." and not (i > 0 and len(words[i - 1]) <= 2 and words[i - 1][:1].isupper()):
            block += 1
        if w == ",":
            comma += 1
    lows = ["Q2" if w in "“”„«»\"" else "Q1" if w in QUOTES else w for w in lows]
    base = []
    for i, w in enumerate(words):
        lw = lows[i]
        f = ["b", "w=" + lw[:20], "sh=" + shape(w)[:8], "len=%d" % min(len(w), 8)]
        if w in QUOTES:
            f[1] = "w=" + ("Q2" if w in "“”„«»\"" else "Q1")
            f[2] = "sh=Q"
        if w[:1].isupper():
            f.append("cap")
        if w.isupper() and len(w) > 1:
            f.append("allcap")
        if w.isdigit():
            f.append("num%d" % min(len(w), 5))
        if _is_year(w):
            f.append("year")
            if len(w) > 4:
                f.append("yearsuffix")
        if lw in MONTHS and (w[:1].isupper() or len(lw) > 3):
            f.append("month")
        if len(w) == 1 and w.isalpha() and w.isupper() and i + 1 < n and words[i + 1] == ".":
            f.append("initial")
        if lw in lexicon.GIVEN:
            f.append("given")
        if lw in lexicon.SURNAMES or lw in SURNAME_RANK:
            f.append("surname")
        if lw in PARTICLES:
            f.append("particle")
        if lw in ORG_WORDS:
            f.append("orgword")
        if lw in lexicon.PUBLISHER_WORDS:
            f.append("pubword")
        if lw in lexicon.PLACES:
            f.append("place")
        if lw in lexicon.JOURNAL_WORDS:
            f.append("journalword")
        if lw in lexicon.EDITOR_WORDS:
            f.append("edword")
        if lw in lexicon.TRANS_WORDS:
            f.append("transword")
        if lw in lexicon.VOL_WORDS:
            f.append("volword")
        if lw in lexicon.ISSUE_WORDS:
            f.append("issueword")
        if lw in lexicon.PAGE_WORDS:
            f.append("pageword")
        if lw in lexicon.EDITION_WORDS:
            f.append("editionword")
        if lw in lexicon.IN_WORDS:
            f.append("inword")
        if lw in lexicon.STOP:
            f.append("stop")
        if lw in lexicon.MEDIA_WORDS:
            f.append("mediaword")
        if _CJK.search(w):
            f.append("cjk")
        if "." in w and len(w) > 3:
            f.append("domain")
        if not w[0].isalnum():
            f.append("p=" + w)
            if w in QUOTES:
                f.append("quote")
                f.remove("p=" + w)
                f.append("p=Q")
        f.append("q=%d" % quotes[i])
        f.append("par=%d" % depths[i])
        f.append("blk=%d" % blocks[i])
        f.append("cm=%d" % commas[i])
        f.append("pos=%d" % (10 * i // n))
        if i < 3:
            f.append("first%d" % i)
        if i >= n - 2:
            f.append("last%d" % (n - 1 - i))
        if first_year is not None:
            f.append("yr=" + ("b" if i < first_year else "a" if i > first_year else "y"))
        if i > 0 and toks[i - 1].end == toks[i].start:
            f.append("glued")
        if kind:
            f.append("k=" + kind[:4])
        base.append(f)
    out = []
    for i in range(n):
        f = list(base[i])
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f.append("%+d:w=%s" % (d, lows[j][:15]))
                f.append("%+d:sh=%s" % (d, shape(words[j])[:6]))
                if abs(d) == 1:
                    for tag in ("year", "month", "given", "initial", "edword", "inword", "quote",
                                "pageword", "volword", "pubword", "place", "cap"):
                        if tag in base[j]:
                            f.append("%+d:%s" % (d, tag))
                    f.append("%+d:q=%d" % (d, quotes[j]))
            else:
                f.append("%+d:BOS" % d if j < 0 else "%+d:EOS" % d)
        out.append(f)
    return out


def _is_year(w: str) -> bool:
    return bool(re.fullmatch(r"(1[5-9]\d\d|20\d\d)[a-z]?", w))
