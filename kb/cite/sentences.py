"""Sentences of the stream: where each one starts and ends (abbreviations,
initials, decimals, quotations kept whole, a citation after the period kept
with its sentence, block quotations after a colon)."""
from __future__ import annotations

import bisect
import re

from .marks import PARTICLE_NAME
from .stream import Stream


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
                PARTICLE_NAME.match(rest[nm.start(3):nm.start(3) + 30]):
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


# --- patterns ---------------------------------------------------------------------

_QUOTE_MAX = 700          # characters of a quotation kept whole, at most
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
