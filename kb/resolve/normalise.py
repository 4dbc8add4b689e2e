"""Normalisation for matching: titles, names and identifiers (pure functions).

    >>> norm_title("Nineteen Eighty-Four") == norm_title("1984")
    True
    >>> name_key({"family": "Galič"}), given_tokens("EJ"), norm_isbn("0-19-852663-6")
    ('galic', ('e', 'j'), '9780198526636')

Word tables and compiled patterns are at the bottom of the module.
"""
from __future__ import annotations

import functools
import json
import re

from rapidfuzz import fuzz

from ..text import fold_letters as fold
from .thresholds import GIVEN_NAME, MAX_TEXT


# --------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------
def _below_100(n: int) -> str:
    if n < 20:
        return _ONES[n]
    return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])


def spell_number(n: int) -> str:
    """English words for 0..9999; 1100-1999 read as a year ("nineteen eighty four").

    >>> spell_number(1984)
    'nineteen eighty four'
    """
    if 1100 <= n <= 1999 and n % 100 != 0:
        return f"{_below_100(n // 100)} {'oh ' if n % 100 < 10 else ''}{_below_100(n % 100)}"
    if n < 100:
        return _below_100(n)
    if n < 1000:
        rest = n % 100
        return f"{_ONES[n // 100]} hundred" + (f" {_below_100(rest)}" if rest else "")
    rest = n % 1000
    return f"{_ONES[n // 1000]} thousand" + (f" {spell_number(rest)}" if rest else "")


def _spell_ordinal(n: int) -> str:
    words = spell_number(n).split()
    last = words[-1]
    if last in _ORD:
        words[-1] = _ORD[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 16)
def norm_title(title: str | None) -> str:
    """Folded title, punctuation dropped, '&' as 'and', numbers spelled out.

    >>> norm_title("Nineteen Eighty-Four") == norm_title("1984")
    True
    """
    text = fold(title).replace("&", " and ")
    out = []
    for tok in NON_WORD.split(text):
        if not tok or tok == "_":
            continue
        m = _ORDINAL.match(tok)
        if tok.isdigit() and len(tok) <= 4:
            out.append(spell_number(int(tok)))
        elif m:
            out.append(_spell_ordinal(int(m.group(1))))
        else:
            out.append(tok)
    return " ".join(out)


def main_title(title: str | None) -> str:
    """The title before its subtitle ("Discipline and Punish: the Birth..." -> "Discipline and Punish")."""
    if not title:
        return ""
    parts = _MAIN_SPLIT.split(title[:MAX_TEXT], maxsplit=1)
    return parts[0].strip() or title


@functools.lru_cache(maxsize=1 << 16)
def title_numbers(title: str | None) -> frozenset:
    """Numbers that tell works apart: digits, and roman numerals after part/vol/...

    >>> sorted(title_numbers("Social Credit System part-II"))
    ['ii']
    """
    text = fold(title)
    nums = set(_DIGITS.findall(text))
    if _ROMAN_HINT.search(text):
        nums |= {m.group(1) for m in _ROMAN_CONTEXT.finditer(text)}
    return frozenset(n.lstrip("0") or "0" for n in nums)


def significant_tokens(norm: str) -> list[str]:
    return [t for t in norm.split() if t not in STOPWORDS and len(t) > 1]


# --------------------------------------------------------------------------
# Names


def name_list(value) -> list:
    """A names column as a list (a JSON string or a single name accepted)."""
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [{"literal": value}]
    if isinstance(value, dict):
        return [value]
    return list(value) if isinstance(value, (list, tuple)) else []


def clean_name(name: dict) -> dict | None:
    """A name dict with "et al."/"at al." stripped; None when nothing is left."""
    if not isinstance(name, dict):
        name = {"literal": str(name)}
    family = str(name.get("family") or "").strip()[:300]
    given = str(name.get("given") or "").strip()[:300]
    literal = str(name.get("literal") or name.get("name") or "").strip()[:300]
    family = _ETAL.sub("", family).strip(" ,.")
    literal = _ETAL.sub("", literal).strip(" ,.")
    if family:
        return {"family": family, "given": given or None}
    if literal:
        return {"literal": literal}
    return None


def org_gloss(name: dict) -> str:
    """Key of an organisation's bracketed gloss ("Guowuyuan (The State Council)" -> "state council")."""
    text = name.get("literal") or ""
    m = re.search(r"\(([^()]{2,200})\)\s*$", text[:500])
    if not m:
        return ""
    gloss = name_key({"literal": m.group(1)})
    return gloss if gloss and gloss.isascii() else ""


def name_key(name: dict) -> str:
    """Matching key of a family name or organisation (folded, no brackets).

    >>> name_key({"literal": "Zhima Xinyong 芝麻信用 (Zhima Credit)"})
    'zhima xinyong'
    """
    text = name.get("family") or name.get("literal") or ""
    if name.get("literal"):
        stripped = _NON_LATIN.sub(" ", PAREN.sub(" ", fold(text)))
        text = stripped if stripped.strip() else fold(text)
        text = re.sub(r"^the\s+", "", text.strip())
    else:
        text = fold(text)
    return " ".join(NON_WORD.sub(" ", text).split())


def given_tokens(given: str | None) -> tuple[str, ...]:
    """Given names as tokens; initials as single letters ("EJ" -> e, j).

    >>> given_tokens("Geremie R.")
    ('geremie', 'r')
    """
    if not given:
        return ()
    out: list[str] = []
    for tok in re.split(r"[\s.,\-‐]+", given[:200]):
        if not tok:
            continue
        if _INITIALS_ONLY.match(tok) and len(tok) > 1:
            out.extend(fold(c) for c in tok)
        else:
            t = fold(tok)
            if t:
                out.append(t)
    return tuple(out)


def given_compatible(a: tuple, b: tuple) -> bool:
    """Given names can belong to one person ("R." ~ "Rogier"; "Meng" !~ "Ming").

    >>> given_compatible(("fei", "ling"), ("feiling",))
    True
    """
    if a and b and "".join(a) == "".join(b):
        return True
    for x, y in zip(a, b):
        if len(x) == 1 or len(y) == 1:
            if x[0] != y[0]:
                return False
        elif x != y and fuzz.ratio(x, y) < GIVEN_NAME:
            return False
    return True


def display_name(name: dict) -> str:
    if name.get("literal"):
        return name["literal"]
    if name.get("given"):
        return f"{name['family']}, {name['given']}"
    return name["family"]


def ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


# --------------------------------------------------------------------------


# Identifiers
# --------------------------------------------------------------------------
def norm_doi(doi: str | None) -> str | None:
    if not doi:
        return None
    m = re.search(r"10\.\d{4,9}/\S+", doi[:500])
    return m.group(0).rstrip(".,;").lower() if m else None


def norm_isbn(isbn: str | None) -> str | None:
    """ISBN as 13 digits (ISBN-10 converted), or None."""
    if not isbn:
        return None
    digits = re.sub(r"[^0-9Xx]", "", isbn[:100]).upper()
    if len(digits) == 10:
        core = "978" + digits[:9]
    elif len(digits) == 13 and digits.isdigit():
        return digits
    else:
        return None
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core))
    return core + str((10 - total % 10) % 10)


def norm_url(url: str | None) -> str | None:
    """Scheme/www/trailing slash dropped; None for a bare domain (a site, not a work)."""
    if not url:
        return None
    u = url.strip()[:1000].lower()
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^www\d?\.", "", u)
    u = re.sub(r"[#].*$", "", u).rstrip("/.,;)")
    u = re.sub(r"/index\.(html?|php)$", "", u)
    if "/" not in u or u.split("/", 1)[1] == "":
        return None
    return u


def url_domain(url: str | None) -> str:
    if not url:
        return ""
    u = re.sub(r"^[a-z]+://", "", url.strip()[:1000].lower())
    return re.sub(r"^www\d?\.", "", u.split("/", 1)[0])


# --------------------------------------------------------------------------
# Years and scripts
# --------------------------------------------------------------------------
def int_year(v) -> int | None:
    """An int year from 2017, "2017", "2017a", "(2017)"; else None."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    m = re.search(r"\d{1,4}", str(v)[:50])
    return int(m.group(0)) if m else None


def is_pinyin(token: str) -> bool:
    """True for a one- or two-syllable pinyin word ("xiao", "qiang", "jianhua")."""
    return 0 < len(token) <= 12 and bool(_PINYIN.match(token))


# --------------------------------------------------------------------------
# Word tables and patterns
# --------------------------------------------------------------------------
NON_WORD = re.compile(r"[^\w]+")
_ORDINAL = re.compile(r"^(\d{1,4})(st|nd|rd|th)$")
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve "
         "thirteen fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth",
        "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


_MAIN_SPLIT = re.compile(r"[:;]|\?|\s[-–—]\s|\.\s")


GENERIC_TITLES = {norm_title(t) for t in """introduction; preface; foreword;
 conclusion; conclusions; editorial; afterword; epilogue; prologue; abstract;
 contents; index; review; book review; book reviews; interview; untitled;
 home; homepage; about; about us; report; annual report; overview; summary;
 appendix; notes; references; bibliography; financial report; press release;
 statement; news; letter; constitution; speech; remarks; commentary;
 discussion; response; reply; comment; faq; glossary; investors; data;
 methodology; acknowledgements; chapter; part""".split(";")}


_ROMAN_CONTEXT = re.compile(
    r"\b(?:part|vol|volume|book|no|number|chapter|series|tome|teil|band|phase|"
    r"section|issue|episode|season)[\s.-]*([ivxlc]{1,6}|\d{1,4})\b")
_DIGITS = re.compile(r"\d{1,12}")
_ROMAN_HINT = re.compile(r"part|vol|book|no|number|chapter|series|tome|teil|band|"
                         r"phase|section|issue|episode|season")


_ETAL = re.compile(r"[\s,]*\b(?:et|at)\.?\s*al(?:ii|ia)?\b\.?\s*$", re.I)
PAREN = re.compile(r"\([^()]{0,200}\)")
_NON_LATIN = re.compile(r"[^\x00-\x7f]+")
_INITIALS_ONLY = re.compile(r"^[A-Z]{1,3}$")


_PINYIN_SYL = ("(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
               "(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|an|ao|ei|en|er|"
               "ia|ie|in|iu|ou|ua|ue|ui|un|uo|a|e|i|o|u|v)")
_PINYIN = re.compile(f"^{_PINYIN_SYL}{_PINYIN_SYL}?$")

STOPWORDS = set("""a an the of and or in on for to with at by from as is are be
 was were its it this that these those into about over under between than
 s de la le les el los las des du del di da il i lo una un une und der die das
 den dem ein eine zu im am vom zur zum het en og av for til et""".split())
