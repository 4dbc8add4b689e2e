"""Line shapes and reference-likeness, shared by every sub-stage of locate.

A line's shape (separator, page number, bullet, note start) and how much a
piece of text reads as a citation (:func:`ref_score`), plus the joins the
stage makes (:func:`join_lines`, :func:`clean_raw`).
"""
from __future__ import annotations

import re

from ..text import CASE_CITATION, PARTICLE, YEAR, YEAR_RE

MAX_LINE = 5000          # longer lines are cut before any regex sees them


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


def join_lines(parts: list[str]) -> str:
    """Lines joined with single spaces, as the gold SCHEMA prints ``raw``."""
    return re.sub(r"\s+", " ", " ".join(p.strip() for p in parts if p.strip())).strip()


def clean_raw(raw: str) -> str:
    """Re-join what line breaks split: "https://a.org/x- y" -> "https://a.org/x-y",
    "infor- mation" -> "information".  For the parser; ``raw`` stays as printed.

    >>> clean_raw("see https://a.org/x- y/z and infor- mation")
    'see https://a.org/x-y/z and information'
    >>> clean_raw("(blog), 2008, http: //wardsix.com/x")
    '(blog), 2008, http://wardsix.com/x'
    """
    raw = _DOT_BREAK.sub(r"\1", _SCHEME_BREAK.sub(r"\1//", raw[:20000]))
    prev = None
    while prev != raw:
        prev = raw
        raw = _URL_BREAK.sub(r"\1", raw, count=1)
    return _HYPHEN_BREAK.sub(r"\1", raw)


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


def _prose_words(text: str) -> int:
    words = re.findall(r"\b[a-z]+\b", QUOTED.sub(" ", text))
    return sum(1 for w in words if w in FUNCTION_WORDS)


# --- patterns -----------------------------------------------------------------

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
LONE_NUM = re.compile(r"^\s{0,40}(\d{1,4})\s{0,40}$")
SEPARATOR = re.compile(r"^(?:[ \t]{10,200}|\s{0,20}[_\-–—=*·.]{5,200}\s{0,20})$")
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
FUNCTION_WORDS = frozenset(
    "the is are was were of to and in that which this it be can will has have not "
    "by for with as on at from but or its their they he she we i my our would could "
    "should may might been being there these those what when where who how than".split())
_SCHEME_BREAK = re.compile(r"\b(https?:) ?// ?")   # a line broken after "http:" or "http://"
# "https://ctan. org/pkg": broken after a dot, the rest a host or path part
_DOT_BREAK = re.compile(r"((?:https?://|www\.)[^\s/]{1,200}\.) (?=[a-z]{2,12}[/.:])")
_URL_BREAK = re.compile(r"((?:https?://|www\.)\S{1,500}[-/_=?&#])\s(?=[a-z0-9%~/_-])")
_HYPHEN_BREAK = re.compile(r"(\b[a-zà-ÿ]{2,30})- (?=[a-zà-ÿ]{2,30}\b)")
# a book's publication facts at the end of a citation: "(Göttingen: Verso, 1977)",
# "(Éditions du Seuil, 1993)", or the continental ", Edinburgh 1960."
_PUB_FACTS = re.compile(
    r"\((?:[A-Z][^():;]{1,60}:\s)?[A-Z\u00C0-\u024F][^():;]{1,80},\s" + YEAR + r"\)[.,]?"
    r"(?:,\s\d{1,4}(?:[-–]\d{1,4})?)?\.?\s*$|"
    r",\s[A-Z\u00C0-\u024F][\w.\-]{1,30}(?:\s(?:[A-Z\u00C0-\u024F][\w.\-]{1,30}|du|de|des|am|an|a\.|der|of|&)){0,3}"
    r"\s" + YEAR + r"\.?\s*$")
