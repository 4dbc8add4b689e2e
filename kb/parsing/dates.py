"""Dates as printed in references -> ISO strings.

    >>> parse_date("5 November 2012")
    '2012-11-05'
    >>> parse_date("01.24.2017")          # a component > 12 decides the order
    '2017-01-24'
    >>> parse_date("2019, June 14")
    '2019-06-14'
    >>> parse_date("Jan. 2017")
    '2017-01'
"""
from __future__ import annotations

import re
from ..text import YEAR

# Month names and abbreviations in English, German, French, Spanish, Italian,
# Dutch, Portuguese, Norwegian/Danish/Swedish (lower case).
_MONTHS = [
    ("january jan januar janvier enero gennaio januari janeiro jänner janv ene gen jan.", 1),
    ("february feb februar février fevrier febrero febbraio februari fevereiro febr fév fev", 2),
    ("march mar märz maerz mars marzo maart março mrz mär", 3),
    ("april apr avril abril aprile", 4),
    ("may mai mayo maggio mei maio", 5),
    ("june jun juni juin junio giugno junho", 6),
    ("july jul juli juillet julio luglio julho juil", 7),
    ("august aug août aout agosto augustus ago", 8),
    ("september sep sept septembre septiembre settembre setembro set", 9),
    ("october oct oktober octobre octubre ottobre outubro okt ott out", 10),
    ("november nov novembre noviembre novembro", 11),
    ("december dec dezember décembre decembre diciembre dicembre desember dezembro dez déc dic", 12),
]
MONTHS: dict[str, int] = {}
for _names, _n in _MONTHS:
    for _w in _names.split():
        MONTHS.setdefault(_w.rstrip("."), _n)
MONTHS.update({"desember": 12, "mai": 5, "oktober": 10, "januar": 1, "februar": 2})
_EN = ["january", "february", "march", "april", "may", "june", "july",
       "august", "september", "october", "november", "december"]


def month_number(word: str) -> int | None:
    """Month number of a month word (any listed language; misspelt English
    names are recognised by their first three letters when long enough).

    >>> month_number("Sept."), month_number("März"), month_number("Septmeber")
    (9, 3, 9)
    """
    w = word.lower().strip(".,")
    if w in MONTHS:
        return MONTHS[w]
    if len(w) >= 5 and w.isalpha():
        for i, name in enumerate(_EN):
            if w[:3] == name[:3] and abs(len(w) - len(name)) <= 2:
                return i + 1
    return None


MONTH_RE = r"[A-Za-zÀ-ÿ]{3,10}\.?"
_Y = "(" + YEAR + ")"

_ISO = re.compile(r"\b" + _Y + r"[-./](\d{1,2})(?:[-./](\d{1,2}))?\b")
_NUM3 = re.compile(r"\b(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b")
_D_M_Y = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+(" + MONTH_RE + r")\s*,?\s*" + _Y + r"\b")
_M_D_Y = re.compile(r"\b(" + MONTH_RE + r")\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*" + _Y + r"\b")
_Y_M_D = re.compile(r"\b" + _Y + r"[a-z]?,?\s+(" + MONTH_RE + r")\s+(\d{1,2})\b")
_M_Y = re.compile(r"\b(" + MONTH_RE + r")\s*,?\s+" + _Y + r"\b")
_Y_M = re.compile(r"\b" + _Y + r"[a-z]?,\s+(" + MONTH_RE + r")(?!\w)")
_YEAR = re.compile(r"(?<![\d/.-])" + _Y + r"(?![\d])")


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    if not 1 <= d <= 31:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def numeric_order(text: str) -> str | None:
    """'dm' or 'md' when some all-numeric date in ``text`` proves the order
    (a component > 12), else None."""
    for m in _NUM3.finditer(text[:2000]):
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 >= b:
            return "dm"
        if b > 12 >= a:
            return "md"
    return None


def parse_date(text: str, order: str | None = None) -> str | None:
    """The first date in ``text`` as ISO (YYYY, YYYY-MM or YYYY-MM-DD), or None.

    ``order`` ('dm' or 'md') decides ambiguous all-numeric dates; default:
    slashes are month-first (US), dots and dashes day-first (European)."""
    text = text[:400]
    best = None  # (start, iso)

    def consider(start, iso):
        nonlocal best
        if iso and (best is None or start < best[0]):
            best = (start, iso)

    m = _ISO.search(text)
    if m:
        d = int(m.group(3)) if m.group(3) else None
        consider(m.start(), _iso(int(m.group(1)), int(m.group(2)), d))
    m = _NUM3.search(text)
    if m:
        a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        y = int(y) if len(y) == 4 else (2000 + int(y) if int(y) < 50 else 1900 + int(y))
        o = order or ("md" if sep == "/" else "dm")
        if a > 12 >= b:
            o = "dm"
        elif b > 12 >= a:
            o = "md"
        d, mo = (a, b) if o == "dm" else (b, a)
        consider(m.start(), _iso(y, mo, d))
    for rx, kind in ((_D_M_Y, "dmy"), (_M_D_Y, "mdy"), (_Y_M_D, "ymd"),
                     (_M_Y, "my"), (_Y_M, "ym")):
        for m in rx.finditer(text):
            if kind == "dmy":
                mo = month_number(m.group(2)); iso = mo and _iso(int(m.group(3)), mo, int(m.group(1)))
            elif kind == "mdy":
                mo = month_number(m.group(1)); iso = mo and _iso(int(m.group(3)), mo, int(m.group(2)))
            elif kind == "ymd":
                mo = month_number(m.group(2)); iso = mo and _iso(int(m.group(1)), mo, int(m.group(3)))
            elif kind == "my":
                mo = month_number(m.group(1)); iso = mo and _iso(int(m.group(2)), mo)
            else:
                mo = month_number(m.group(2)); iso = mo and _iso(int(m.group(1)), mo)
            if iso:
                consider(m.start(), iso)
                break
    if best:
        return best[1]
    m = _YEAR.search(text)
    return m.group(1) if m else None


def find_year(text: str) -> tuple[int, str | None] | None:
    """The publication year in ``text`` and its suffix ("2003a" -> (2003, "a"))."""
    m = re.search(r"(?<![\d])(" + YEAR + r")([a-z])?(?![\d\w])", text[:2000])
    if not m:
        return None
    return int(m.group(1)), m.group(2)
