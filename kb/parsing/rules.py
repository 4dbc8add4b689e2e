"""What rules do best: URLs, DOIs, ISBNs, access dates and pinpoints.

``extract(text)`` finds them and returns the fields plus the character spans
they occupy, so the sequence labeller only sees the rest.

    >>> f, spans = extract("Title. https://x.org/a- b/c. Last accessed 05.05.2017.")
    >>> f["url"], f["accessed"]
    ('https://x.org/a-b/c', '2017-05-05')

All regexes are linear (no nested quantifiers) and callers cap the input.
"""
from __future__ import annotations

import re

from .dates import parse_date, numeric_order

MAX_CHARS = 2000

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”‘’]+", re.I)
_CONT = re.compile(r"[^\s<>\"“”]+")
_URLISH = re.compile(r"[/=&%#_~]|\.[a-z]{2,5}\b|\d")
_DATEISH = re.compile(r"^\(?\d{1,4}[./-]\d{1,2}([./-]\d{1,4})?\W*$")
_DOI = re.compile(r"(?:\bdoi:?\s*|https?://(?:dx\.)?doi\.org/)?\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*((?:97[89][- ]?)?(?:\d[- ]?){9}[\dXx])")
_ACCESS_WORDS = (r"(?:last\s+accessed|accessed|retrieved|viewed|consulted|abgerufen|"
                 r"zugegriffen|zugriff|consulté|consultado|consultato|besøkt|hentet|lest)")
_ACCESS = re.compile(r"[\[(]?\b" + _ACCESS_WORDS + r"(?:\s+(?:on|am|le|el|il|den))?\s*:?\s*"
                     r"((?:[\dA-Za-zÀ-ÿ]{1,10}[\s./,-]{0,3}){1,4})", re.I)
_RETRIEVED_FROM = re.compile(r"\b(?:Retrieved|Available|Accessed)\s+(?:from|at|online|via)\s*:?\s*"
                             r"|\bAvailable\s*(?:online)?\s*:\s*|\[Online\]\.?\s*|\bOnline\s*:\s*"
                             r"|\bArchived from the original on\s+[\d-]+\.?|\(PDF\)|\[PDF\]", re.I)
_HERE = re.compile(r",?\s*\b(?:here|hier|ici|qui|aquí)\s*:?\s*((?:p{1,2}\.\s*)?\d+(?:\s*[-–]\s*\d+)?f{0,2}\.?)", re.I)
_PAG = re.compile(r"\bPag\.?\s+(\d+(?:[-–]\d+)?)\.?", re.I)


def join_url(text: str, m: re.Match) -> tuple[int, int, str]:
    """The URL match extended over line-break spaces ("https://x.org/a- b")."""
    start, end = m.start(), m.end()
    url = m.group(0)
    pos = end
    while pos < len(text) and text[pos] == " " and len(url) < 1000:
        nxt = _CONT.match(text, pos + 1)
        if not nxt:
            break
        tok = nxt.group(0)
        low = tok.lower()
        if low.startswith(("http", "www.", "doi", "(", "[")) or _DATEISH.match(tok):
            break
        if url[-1] in ",;)]":
            break
        if url[-1] == ".":
            if not (tok[0].islower() and tok[0].isalpha() and _URLISH.search(tok.rstrip("."))
                    or re.fullmatch(r"[a-z]{2,4}\.?,?", tok)):
                break
        elif url[-1] in "-/_=&?":
            if not (tok[0].isalnum() or tok[0] in "_-#") or (tok[0].isupper() and not _URLISH.search(tok)):
                break
        elif not _URLISH.search(tok):
            break
        url += tok
        end = nxt.end()
        pos = end
    # trailing punctuation is the sentence's, not the URL's
    trail = re.search(r"[.,;:)\]>”’'\"]+$", url)
    if trail:
        cut = trail.group(0)
        if cut.startswith(")") and "(" in url:
            cut = cut[1:]
        url = url[: len(url) - len(cut)] if cut else url
        end -= len(trail.group(0)) - len(cut) if cut else 0
        end = start + len(url) if not cut else end - 0
    return start, start + _span_len(text, start, url), url


def _span_len(text: str, start: int, url: str) -> int:
    """Length in ``text`` (with its inner spaces) covering ``url``."""
    i, j = start, 0
    while i < len(text) and j < len(url):
        if text[i] == url[j]:
            j += 1
        i += 1
    return i - start


# re.IGNORECASE matches "i" with "İ"/"ı" and "s" with "ſ", str.lower() does not
_ODD_FOLDS = ("\u0130", "\u0131", "\u017f")
# a word each pattern's match must hold (a cheap test before the pattern)
_NEEDS = {"url": ("http", "www."), "access": ("access", "retriev", "viewed", "consult", "abgerufen",
                                              "zugegriffen", "zugriff", "besøkt", "hentet", "lest"),
          "from": ("retrieved", "available", "accessed", "online", "archived", "pdf"),
          "here": ("here", "hier", "ici", "qui", "aquí"), "pag": ("pag",)}


def _needs(low: str, odd: bool, key: str) -> bool:
    return odd or any(w in low for w in _NEEDS[key])


def extract(text: str, order: str | None = None) -> tuple[dict, list[tuple[int, int]]]:
    """Rule fields (url, doi, isbn, accessed, pinpoint) and the spans they cover."""
    text = text[:MAX_CHARS]
    fields: dict = {"url": None, "doi": None, "isbn": None, "accessed": None, "pinpoint": None}
    spans: list[tuple[int, int]] = []
    order = order or numeric_order(text)
    low = text.lower()
    odd = any(c in text for c in _ODD_FOLDS)

    for m in (_DOI.finditer(text) if "10." in text else ()):
        doi = re.sub(r"[.,;:)\]]+$", "", m.group(1))
        fields["doi"] = fields["doi"] or doi
        spans.append((m.start(), m.start(1) + len(doi)))
    for m in (_URL.finditer(text) if _needs(low, odd, "url") else ()):
        if any(s <= m.start() < e for s, e in spans):
            continue
        s, e, url = join_url(text, m)
        if re.search(r"doi\.org/10\.", url, re.I):
            spans.append((s, e))
            continue
        fields["url"] = fields["url"] or url
        spans.append((s, e))
    m = _ISBN.search(text) if "ISBN" in text else None
    if m:
        fields["isbn"] = m.group(1).strip()
        spans.append((m.start(), m.end()))
    for m in (_ACCESS.finditer(text) if _needs(low, odd, "access") else ()):
        if any(s <= m.start() < e for s, e in spans):
            continue
        iso = parse_date(m.group(1), order)
        if iso and len(iso) >= 4:
            fields["accessed"] = fields["accessed"] or iso
            end = m.start(1) + _date_extent(m.group(1))
            if text[m.start()] in "[(":
                close = text.find(")" if text[m.start()] == "(" else "]", end)
                if 0 <= close - end <= 2:
                    end = close + 1
            spans.append((m.start(), end))
    for m in (_RETRIEVED_FROM.finditer(text) if _needs(low, odd, "from") else ()):
        spans.append((m.start(), m.end()))
    m = (_HERE.search(text) if _needs(low, odd, "here") else None) or \
        (_PAG.search(text) if _needs(low, odd, "pag") else None)
    if m:
        fields["pinpoint"] = re.sub(r"^p{1,2}\.\s*|\.$", "", m.group(1)).strip()
        spans.append((m.start(), m.end()))
    return fields, merge_spans(spans)


def _date_extent(s: str) -> int:
    """How much of the captured text after 'accessed' is the date."""
    m = re.match(r"\s*(?:\d{1,2}\.?\s*[A-Za-zÀ-ÿ]{3,10}\.?,?\s*\d{4}"
                 r"|[A-Za-zÀ-ÿ]{3,10}\.?\s*\d{1,2},?\s*\d{4}"
                 r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
                 r"|[A-Za-zÀ-ÿ]{3,10}\.?\s*\d{4}|\d{4})", s)
    return m.end() if m else len(s.rstrip())


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the spans blanked (same length, so offsets still hold)."""
    if not spans:
        return text
    chars = list(text)
    for s, e in spans:
        for i in range(s, min(e, len(chars))):
            chars[i] = " "
    return "".join(chars)
