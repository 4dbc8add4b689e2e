"""Cross-document resolution: refs -> works and authors.

One cited work is one ``works`` row however many documents cite it and in
whatever form; one person or organisation is one ``authors`` row.

    >>> from kb.store import open_db
    >>> from kb.resolve import resolve_store
    >>> db = open_db("data/kb.db")
    >>> summary = resolve_store(db)        # rewrites works, authors, ... atomically

The pure core works on plain ref dicts (rows of the ``refs`` table, JSON
columns decoded) and is testable alone:

    >>> res = resolve(refs, previous_keys={})
    >>> res.ref_work[ref_id]               # -> work id (1-based)

How refs are joined (each join is recorded in ``merges`` with its reason):

1. ``same_as``: short forms and ibid take the work of the full ref they
   point at (chains followed, cycles broken).
2. ``doi`` / ``isbn`` / ``url``: equal normalised identifiers.  A URL joins
   only when it has a path (a bare homepage names a site, not a work); an
   ISBN never joins a chapter (a chapter shares its book's ISBN).
3. ``title+author+year``: candidate pairs come from blocking (normalised
   first-author family name, translators/editors too; first two significant
   title words; for refs the parser split badly, the first words of the raw
   text); blocks up to BLOCK_ALL_PAIRS refs are compared all-pairs, bigger
   ones by a sorted-neighbourhood window, so the work is near-linear in the
   number of refs (never all-pairs).  Each pair is scored with rapidfuzz on
   the normalised title (diacritics folded, numbers spelled out, subtitle or
   truncation allowed), authors and year (thresholds below, with the
   calibration figures); where one ref lacks a title or authors, the other's
   title is looked up in its raw text.  Strongest pairs are joined first.

Constraints that no join may break (checked on whole clusters, so a chain of
joins cannot break them either): two bibliography entries of one document are
two works (a bibliography lists a work once); refs with different year
suffixes in one document (2003a, 2003b) are two works.  Vetoes on a pair:
chapter vs book (a chapter and the book holding it), different part/volume
numbers or years in the titles (part I vs part II), different DOIs; a year
gap over one only for types with editions (book, chapter, article, thesis).
Editions and reprints are one work (refs keep their ``edition``); a
translation under another title is its own work unless its raw text names
the original ("Originaltitel: ...", "translated from ...").

Authors (``cluster_authors``): one row per person or organisation; family
names folded for matching only (display keeps diacritics), given names must
be compatible ("R." ~ "Rogier", "Jin, Meng" != "Jin, Ming"), organisations
kept whole, bare family names in short forms take the person of their work.

Keys (``assign_keys``): ``chen2017transparent``, unique and stable through
``work_keys`` (ref fingerprints -> key of the last build).

Source categories (``source_category``): CSL type plus evidence (publisher,
container, organisation authors, URL domain), one of ``SOURCE_TYPES``.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz import fuzz

# --------------------------------------------------------------------------
# Thresholds (rapidfuzz scores 0..100), calibrated on the gold corpus:
# ``python scripts/eval_resolve.py --calibrate`` prints the blocked candidate
# pairs closest to them.  On the gold (344 full refs, 357 candidate pairs):
# same-work pairs with agreeing authors score >= 94 on the title ("Could" vs
# "Might" 94, "Upgrading" vs "Updating" 97.6, subtitle dropped 96); different
# works with agreeing authors score <= 65; different works with near-equal
# titles (96: "Chilling Effects" by PEN America vs by Penney, "Surveillance
# Studies" by Marx vs Lyon) are told apart by their authors.
# --------------------------------------------------------------------------
#: normalised-title score needed when the first authors agree (gap 65..94).
TITLE_WITH_AUTHOR = 90
#: title score when only one side names an author (news items cited by
#: title, an organisation author printed in one style only): stricter, and
#: the title must be distinctive (MIN_SIG_TOKENS_NO_AUTHOR significant words),
#: since the author check that separates the 96-scoring pairs above is absent.
TITLE_ONE_AUTHOR = 95
#: title score when neither side names an author.
TITLE_NO_AUTHOR = 96
MIN_SIG_TOKENS_NO_AUTHOR = 3
#: family names agree at this ratio ("Bossewith" ~ "Bossewitch" 95,
#: "Marwich" ~ "Marwick" 86); different surnames of one block score <= 71.
AUTHOR_FAMILY = 85
#: organisation names: token-set ratio ("Chinese State Council" ~ "State
#: Council" 100), for matching works.
AUTHOR_ORG = 90
#: one organisation (authors table): long names this close are typos
#: ("Zhonghua Renming Gongheguo ..." ~ "Zhonghua Renmin Gongheguo ..." 99).
ORG_TYPO = 95
#: two full given names agree at this ratio ("Marjorje" ~ "Marjorie" 87.5);
#: "Meng" vs "Ming" (75) is a conflict.
GIVEN_NAME = 85
#: main-title match (one ref omits the subtitle, or prints only the first
#: words): the shorter title needs MIN_SIG_TOKENS_MAIN significant words
#: (1 for a short form in its own document) and this ratio.
MAIN_TITLE = 95
MIN_SIG_TOKENS_MAIN = 2
#: a whole title found verbatim in another ref's raw text, with no author
#: evidence, needs this many significant words (domain phrases such as
#: "China's social credit system" have 4 and occur in many titles).
MIN_SIG_TOKENS_IN_RAW = 6
#: blocks up to this size are compared all-pairs; bigger blocks by a window
#: of WINDOW neighbours after sorting by title.
BLOCK_ALL_PAIRS = 25
WINDOW = 10
#: year distance allowed beyond 1 only for types that have editions/reprints.
EDITION_TYPES = {"book", "chapter", "article-journal", "thesis", None}
#: types published again each year under one title: years must be equal.
SERIAL_TYPES = {"report", "dataset"}
#: longest raw text hashed for fingerprints / compared.
MAX_TEXT = 2000

SOURCE_TYPES = [
    ("scholarly", "Scholarly",
     "Journal articles, chapters, theses, conference papers, academic reports"),
    ("book", "Book", "Books, monographs, edited volumes, encyclopedias"),
    ("news media", "News media",
     "Newspapers, magazines, news agencies and news sites"),
    ("government", "Government",
     "Laws, regulations, policy documents and publications of state bodies"),
    ("NGO or think tank", "NGO or think tank",
     "Reports and pages of NGOs, think tanks, institutes, foundations"),
    ("web", "Web", "Web pages, blog posts and other online sources"),
    ("audiovisual", "Audiovisual",
     "Films, broadcasts, videos, podcasts"),
    ("interview or personal", "Interview or personal",
     "Interviews, personal communications, speeches"),
]


@dataclass
class Resolution:
    """What ``resolve`` computes; each list is rows for the table of that name.

    ``ref_work`` maps every ref id to its work id; ``ref_authors`` lists
    (ref_id, role, position, author_id) for every name printed in a ref, the
    author clustering over all occurrences (used by the evaluation).
    """
    works: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    work_authors: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)
    source_types: list[dict] = field(default_factory=list)
    work_keys: dict[str, str] = field(default_factory=dict)
    ref_work: dict[int, int] = field(default_factory=dict)
    ref_authors: list[tuple] = field(default_factory=list)
    #: rows of ``ref_blocks``: (key, sort text, ref id) of every full ref
    blocks: list[tuple] = field(default_factory=list)


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------
_SPECIAL = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
                          "Œ": "OE", "ß": "ss", "đ": "d", "Đ": "D", "ł": "l",
                          "Ł": "L", "þ": "th", "ı": "i", "’": "'", "‘": "'",
                          "“": '"', "”": '"', "–": "-", "—": "-"})


@functools.lru_cache(maxsize=1 << 16)   # the same strings recur in every citing document
def fold(text: str | None) -> str:
    """Casefolded text with diacritics removed (for matching only).

    >>> fold("Galič, Sæther")
    'galic, saether'
    """
    if not text:
        return ""
    if text.isascii():
        return text[:MAX_TEXT].casefold()
    text = unicodedata.normalize("NFKD", text[:MAX_TEXT].casefold().translate(_SPECIAL))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return text.translate(_SPECIAL) if not text.isascii() else text


_NON_WORD = re.compile(r"[^\w]+")
_ORDINAL = re.compile(r"^(\d{1,4})(st|nd|rd|th)$")
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve "
         "thirteen fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth",
        "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


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
    for tok in _NON_WORD.split(text):
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


_MAIN_SPLIT = re.compile(r"[:;]|\?|\s[-–—]\s|\.\s")


def main_title(title: str | None) -> str:
    """The title before its subtitle ("Discipline and Punish: the Birth..." -> "Discipline and Punish")."""
    if not title:
        return ""
    parts = _MAIN_SPLIT.split(title[:MAX_TEXT], maxsplit=1)
    return parts[0].strip() or title


STOPWORDS = set("""a an the of and or in on for to with at by from as is are be
 was were its it this that these those into about over under between than
 s de la le les el los las des du del di da il i lo una un une und der die das
 den dem ein eine zu im am vom zur zum het en og av for til et""".split())

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
# --------------------------------------------------------------------------
_ETAL = re.compile(r"[\s,]*\b(?:et|at)\.?\s*al(?:ii|ia)?\b\.?\s*$", re.I)
_PAREN = re.compile(r"\([^()]{0,200}\)")
_NON_LATIN = re.compile(r"[^\x00-\x7f]+")
_INITIALS_ONLY = re.compile(r"^[A-Z]{1,3}$")


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
        stripped = _NON_LATIN.sub(" ", _PAREN.sub(" ", fold(text)))
        text = stripped if stripped.strip() else fold(text)
        text = re.sub(r"^the\s+", "", text.strip())
    else:
        text = fold(text)
    return " ".join(_NON_WORD.sub(" ", text).split())


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
# Per-ref features
# --------------------------------------------------------------------------
class Item:
    """Matching features of one full ref (computed once)."""
    __slots__ = ("idx", "id", "doc", "kind", "type", "year", "suffix", "title",
                 "norm", "main", "sig", "nums", "fams", "orgs", "others",
                 "has_authors", "container", "doi", "isbn", "url", "raw_core",
                 "bare", "short", "orig_text", "raw_head", "noyear")

    def __init__(self, idx: int, ref: dict):
        self.idx = idx
        self.id = ref["id"]
        self.doc = ref.get("document_id")
        self.kind = ref.get("kind")
        self.type = ref.get("type")
        self.year = _int(ref.get("year"))
        self.suffix = ref.get("year_suffix")
        self.title = ref.get("title") or ""
        self.norm = norm_title(self.title)
        self.main = norm_title(main_title(self.title))
        self.bare = norm_title(_PAREN.sub(" ", self.title)) if "(" in self.title else self.norm
        self.short = bool(ref.get("short_form"))
        raw = ref.get("raw") or ""
        # a translation that names its original: "(orig. Liquid Surveillance)"
        self.orig_text = norm_title(raw) if _ORIGINAL.search(raw[:MAX_TEXT]) else ""
        self.sig = significant_tokens(self.norm)
        self.nums = title_numbers(self.title)
        names = [n for n in map(clean_name, ref.get("authors") or []) if n]
        self.fams = [name_key(n) for n in names]
        self.orgs = [bool(n.get("literal")) for n in names]
        extra = [n for role in ("translators", "editors")
                 for n in map(clean_name, ref.get(role) or []) if n]
        self.others = {name_key(n) for n in extra} - {""}
        self.has_authors = any(self.fams)
        self.container = norm_title(ref.get("container_title"))
        self.doi = norm_doi(ref.get("doi"))
        self.isbn = norm_isbn(ref.get("isbn"))
        self.url = norm_url(ref.get("url"))
        self.raw_core = "" if self.norm else untitled_core(ref.get("raw"))
        self.raw_head = raw_head(raw)
        self.noyear = (norm_title(_YEAR.sub(" ", _PAREN.sub(" ", self.title)))
                       if _YEAR.search(self.title) else self.bare)


_ORIGINAL = re.compile(
    r"\b(?:orig(?:inal(?:ly)?)?\.?(?:\s+(?:title|published|publ\.?|ed\.?))?|"
    r"translat(?:ed|ion) (?:from|of)|first published (?:as|in)|"
    r"originaltitel|übersetzt|aus dem \w+ von|traduit|titre original)\b", re.I)


_IN_CONTAINER = re.compile(r"[.,]\s+(?:in|In|IN)[:\s]")
_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)\b")


def raw_head(raw: str | None) -> str:
    """Normalised raw text before a container ("..., In: Book") with years
    dropped, to look other refs' titles up in ("George Orwell, Nineteen
    Eighty-Four, London 1990." -> "george orwell nineteen eighty four london")."""
    text = (raw or "")[:MAX_TEXT]
    m = _IN_CONTAINER.search(text)
    if m:
        text = text[:m.start()]
    return norm_title(_YEAR.sub(" ", text))


def title_in_raw(x: Item, y: Item, need: int = 0) -> float:
    """Score for ``y``'s title printed in ``x``'s raw text (a ref the parser
    split badly: no title, a title swallowing the author, a cut title).
    The title is looked up whole, without bracketed parts or years (the raw
    text is searched without years), or as its main title.

    With author evidence (authors agree, or ``x`` has none parsed but prints
    ``y``'s first family name) the title (or main title) needs 2 significant
    words; without, the whole title needs MIN_SIG_TOKENS_IN_RAW; ``need``
    raises the minimum.
    A title equal to ``x``'s container (the book holding a chapter) never counts.
    """
    if not y.norm or not x.raw_head:
        return 0.0
    hay = f" {x.raw_head} "
    for cand in dict.fromkeys((y.norm, y.bare, y.noyear, y.main)):
        if not cand or cand in GENERIC_TITLES or f" {cand} " not in hay:
            continue
        whole = cand != y.main or y.main == y.norm
        if x.container and fuzz.ratio(cand, x.container) >= 90:
            return 0.0
        if x.has_authors and y.has_authors:
            if authors_agree(x, y) < AUTHOR_FAMILY:
                return 0.0
            evidence = True
        elif y.has_authors:
            evidence = f" {y.fams[0]} " in hay
        else:
            evidence = False
        if not evidence and not whole:
            continue   # a bare main title ("China's Social Credit System") is too common
        least = max(need, MIN_SIG_TOKENS_MAIN if evidence else MIN_SIG_TOKENS_IN_RAW)
        if len(significant_tokens(cand)) >= least and years_ok(x, y, strong=evidence):
            return 91.0 if evidence else 90.0
    return 0.0


def names_original(a: Item, b: Item) -> bool:
    """One ref names the other's title as its original ("trans. of ...")."""
    for x, y in ((a, b), (b, a)):
        if x.orig_text and len(y.sig) >= MIN_SIG_TOKENS_NO_AUTHOR \
                and y.norm not in GENERIC_TITLES and f" {y.norm} " in f" {x.orig_text} ":
            return True
    return False


def _int(v) -> int | None:
    """An int year from 2017, "2017", "2017a", "(2017)"; else None."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    m = re.search(r"\d{1,4}", str(v)[:50])
    return int(m.group(0)) if m else None


_LOCATOR = re.compile(
    r"(?:[\s,;:]+(?:p|pp|page|pages|para|paras|paragraph|line|lines|quote|"
    r"quotes|fn|note|at|s)\.?\s*[\divxlc]{1,6}(?:\s*[-–]\s*[\divxlc]{1,6})?)+\s*[.,;]?\s*$",
    re.I)


def untitled_core(raw: str | None) -> str:
    """Raw text of an untitled ref without a trailing locator ("appendix 1, quote 2" -> "appendix 1")."""
    text = " ".join((raw or "")[:MAX_TEXT].split())
    # the locator pattern is anchored at the end: run it on the tail only,
    # so it stays fast on any input
    head, tail = text[:-120], text[-120:]
    text = head + _LOCATOR.sub("", tail)
    core = " ".join(_NON_WORD.sub(" ", fold(text)).split())
    return "" if core in _IBID else core


_IBID = {"ibid", "ibidem", "id", "op cit", "idem", "loc cit", "ebd", "ebenda"}


# --------------------------------------------------------------------------
# Pair scoring
# --------------------------------------------------------------------------
def authors_agree(a: Item, b: Item) -> float:
    """0..100 agreement of two refs' authors (first author, then any overlap,
    translators and editors counting: a translation cited under its translator)."""
    best = 0.0
    if a.fams and b.fams and a.fams[0] and b.fams[0]:
        if a.orgs[0] and b.orgs[0]:
            best = fuzz.token_set_ratio(a.fams[0], b.fams[0])
            best = best if best >= AUTHOR_ORG else 0.0
        else:
            best = fuzz.ratio(a.fams[0], b.fams[0])
    if best >= AUTHOR_FAMILY:
        return best
    sa = set(a.fams) | a.others
    sb = set(b.fams) | b.others
    sa.discard("")
    sb.discard("")
    if (set(a.fams) & sb) or (set(b.fams) & sa):
        return 95.0
    return best


def title_score(a: Item, b: Item) -> float:
    """0..100 title agreement: whole title; title without bracketed glosses;
    main title when one ref omits the subtitle; a truncated title (short
    forms print the title's first words)."""
    if not a.norm or not b.norm:
        return 0.0
    score = fuzz.ratio(a.norm, b.norm)
    if score >= 100:
        return score
    if (a.bare != a.norm or b.bare != b.norm) and a.bare and b.bare \
            and min(len(significant_tokens(a.bare)), len(significant_tokens(b.bare))) >= 2:
        score = max(score, fuzz.ratio(a.bare, b.bare) - 2)
    short, other = (a, b) if len(a.norm) <= len(b.norm) else (b, a)
    # a short form in its own document may abbreviate to one distinctive word
    need = 1 if (short.short and short.doc == other.doc) else MIN_SIG_TOKENS_MAIN
    if len(short.sig) < need or short.norm in GENERIC_TITLES:
        return score
    if short.main == short.norm and other.main != other.norm:
        m = fuzz.ratio(short.main, other.main)
        if m >= MAIN_TITLE:
            score = max(score, m - 4)   # a little below a whole-title match
    head = other.norm[:len(short.norm) + 1]
    if len(head) > len(short.norm) and head[-1] == " " or head == other.norm:
        p = fuzz.ratio(short.norm, head.strip())
        if p >= MAIN_TITLE:
            score = max(score, p - 6)   # truncations are weaker still
    return score


def _generic(item: Item, other: Item) -> bool:
    """A title too weak to match on alone ("Introduction"), unless it is a
    short form abbreviating a ref of its own document."""
    if item.norm in GENERIC_TITLES:
        return True
    return len(item.sig) < 2 and not (item.short and item.doc == other.doc)


def years_ok(a: Item, b: Item, strong: bool) -> bool:
    if a.year is None or b.year is None:
        return True
    gap = abs(a.year - b.year)
    if gap and (a.type in SERIAL_TYPES or b.type in SERIAL_TYPES):
        return False   # this year's report is not last year's
    if gap <= 1:
        return True
    return strong and a.type in EDITION_TYPES and b.type in EDITION_TYPES


def vetoed(a: Item, b: Item) -> bool:
    if {a.type, b.type} == {"chapter", "book"}:
        return True
    if a.nums and b.nums and a.nums != b.nums:
        return True
    if a.doi and b.doi and a.doi != b.doi:
        return True
    return False


def pair_score(a: Item, b: Item) -> float:
    """Match score 0..100 of two full refs, 0 when they are not one work."""
    if vetoed(a, b):
        return 0.0
    score = _fields_score(a, b)
    if score <= 0 and (a.norm or b.norm):
        if a.norm and b.norm and a.has_authors and b.has_authors:
            # both parsed: only a cut title of the same authors
            # ("SenseTime Unveils AI Product" / "Unveils AI Product to ...")
            if authors_agree(a, b) < AUTHOR_FAMILY:
                return 0.0
            need = MIN_SIG_TOKENS_NO_AUTHOR + 1
        else:
            need = 0   # a parse gap (no title or no authors) on one side
        score = max(title_in_raw(a, b, need), title_in_raw(b, a, need))
    return score


def _fields_score(a: Item, b: Item) -> float:
    """Score from the parsed fields (title, authors, year)."""
    if not a.norm and not b.norm:
        # untitled refs: same text but the locator in one document
        # ("appendix 1, quote 1" / "appendix 1, quote 2")
        # or long identical raw text anywhere (a ref the parser could not split)
        if a.raw_core and a.raw_core == b.raw_core and (
                a.doc == b.doc or len(significant_tokens(a.raw_core)) >= 4):
            return 90.0
        return 0.0
    ts = title_score(a, b)
    if ts < TITLE_WITH_AUTHOR:
        if a.has_authors and b.has_authors and (a.orig_text or b.orig_text) \
                and names_original(a, b) and authors_agree(a, b) >= AUTHOR_FAMILY:
            return float(TITLE_WITH_AUTHOR)   # a translation naming its original
        return 0.0
    if a.has_authors and b.has_authors:
        au = authors_agree(a, b)
        if au < AUTHOR_FAMILY:
            return 0.0
        if _generic(a, b) or _generic(b, a):
            # "Introduction" by one author: only with equal year and container
            if ts < 100 or a.year is None or a.year != b.year:
                return 0.0
            if a.container and b.container and fuzz.ratio(a.container, b.container) < 90:
                return 0.0
        if not years_ok(a, b, strong=True):
            return 0.0
        return min(ts, au)
    need = TITLE_ONE_AUTHOR if (a.has_authors or b.has_authors) else TITLE_NO_AUTHOR
    if ts < need or min(len(a.sig), len(b.sig)) < MIN_SIG_TOKENS_NO_AUTHOR:
        return 0.0
    if not years_ok(a, b, strong=False):
        return 0.0
    return ts - 5   # weaker evidence than a title + author match


# --------------------------------------------------------------------------
# Union-find with cannot-link constraints
# --------------------------------------------------------------------------
class Clusters:
    """Union-find over item indexes; refuses joins that break a constraint."""

    def __init__(self, items: list[Item]):
        self.parent = list(range(len(items)))
        # per root: {doc: set(bibliography ref ids)}, {(doc, year, suffix)}
        self.bib = [({it.doc} if it.kind == "bibliography" else set()) for it in items]
        self.suffix = [({(it.doc, it.suffix)} if it.suffix else set()) for it in items]

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def can_join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.bib[ra] & self.bib[rb]:
            return False
        docs_a = {d for d, _ in self.suffix[ra]}
        for d, s in self.suffix[rb]:
            if d in docs_a and (d, s) not in self.suffix[ra]:
                return False
        return True

    def join(self, a: int, b: int) -> bool:
        if not self.can_join(a, b):
            return False
        ra, rb = self.find(a), self.find(b)
        if len(self.bib[ra]) + len(self.suffix[ra]) < len(self.bib[rb]) + len(self.suffix[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.bib[ra] |= self.bib[rb]
        self.suffix[ra] |= self.suffix[rb]
        self.bib[rb] = self.suffix[rb] = set()
        return True


# --------------------------------------------------------------------------
# Work clustering
# --------------------------------------------------------------------------
def follow_same_as(refs: list[dict]) -> dict[int, int]:
    """ref id -> id of the full ref it abbreviates (itself for full refs).

    Chains (ibid -> short form -> full ref) are followed; a cycle or a dangling
    pointer ends the chain at the last ref reached.
    """
    target = {r["id"]: r.get("same_as") for r in refs}
    root: dict[int, int] = {}
    for rid in target:
        path, cur = [], rid
        while cur not in root:
            path.append(cur)
            nxt = target.get(cur)
            if nxt is None or nxt not in target or nxt in path:
                root[cur] = cur
                break
            cur = nxt
        end = root[cur]
        for p in path:
            root[p] = end
    return root


def blocking_keys(it: Item) -> list[str]:
    keys = []
    for fam in it.fams[:1]:
        if fam:
            keys.append("a:" + fam.split()[0] if it.orgs[0] else "a:" + fam)
    for other in sorted(it.others)[:2]:
        keys.append("a:" + other)
    if it.sig:
        keys.append("t:" + " ".join(it.sig[:2]))
        main_sig = significant_tokens(it.main)
        if main_sig[:2] != it.sig[:2]:
            keys.append("t:" + " ".join(main_sig[:2]))
    if not it.norm and it.raw_core:
        keys.append("r:" + it.raw_core)
    if not it.has_authors or not it.norm:
        # parse gaps: the raw text's first words may be the author or title
        head = significant_tokens(it.raw_head)[:8]
        if not it.has_authors:
            keys += ["a:" + t for t in head[:3]]
        if not it.norm:
            keys += ["t:" + " ".join(head[i:i + 2]) for i in range(max(0, len(head) - 1))]
    return keys


def candidate_pairs(items: list[Item]) -> Iterable[tuple[int, int]]:
    """Pairs to score: all pairs of small blocks, a sorted window in big ones."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for it in items:
        for k in dict.fromkeys(blocking_keys(it)):
            blocks[k].append(it.idx)
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= BLOCK_ALL_PAIRS:
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    yield members[i], members[j]
        else:
            members = sorted(members, key=lambda m: (items[m].norm, items[m].year or 0))
            for i in range(len(members)):
                for j in range(i + 1, min(i + 1 + WINDOW, len(members))):
                    yield members[i], members[j]


def cluster_items(items: list[Item], cl: Clusters | None = None,
                  fixed: int = 0) -> tuple[Clusters, list[tuple]]:
    """Cluster full refs; returns the clusters and the joins made
    (item a, item b, reason, score 0..1).

    Incremental use: items ``0..fixed-1`` are refs of existing works, already
    joined in ``cl``; only pairs involving a later (new) item are compared.
    """
    cl = cl or Clusters(items)
    joins: list[tuple] = []
    # 1. identifiers
    for reason, attr in (("doi", "doi"), ("isbn", "isbn"), ("url", "url")):
        first: dict[str, int] = {}
        for it in items:
            value = getattr(it, attr)
            if not value or (reason == "isbn" and it.type == "chapter"):
                continue
            if value in first:
                other = items[first[value]]
                if it.idx < fixed:
                    continue
                if reason == "url" and it.norm and other.norm and \
                        fuzz.token_set_ratio(it.norm, other.norm) < 60:
                    continue   # one URL, two titles: a site-wide link
                if not vetoed(it, other) and cl.join(other.idx, it.idx):
                    joins.append((other.idx, it.idx, reason, 1.0))
            else:
                first[value] = it.idx
    # 2. fuzzy pairs from blocks, strongest first; a work cited in many
    # documents repeats the same fields, so each pair of field sets
    # (``match_fields``) is scored once
    scored: dict[tuple[int, int], float] = {}
    group: dict[tuple, int] = {}
    gid = [group.setdefault(match_fields(it), len(group)) for it in items]
    memo: dict[tuple, float] = {}
    for a, b in candidate_pairs(items):
        pair = (a, b) if a < b else (b, a)
        if pair[1] < fixed or pair in scored or cl.find(a) == cl.find(b):
            continue
        x, y = items[pair[0]], items[pair[1]]
        key = (gid[x.idx], gid[y.idx], x.doc == y.doc)
        if key not in memo:
            memo[key] = pair_score(x, y)
        scored[pair] = memo[key]
    for (a, b), s in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])):
        if s <= 0:
            break
        if cl.join(a, b):
            joins.append((a, b, "title+author+year", round(s / 100, 3)))
    return cl, joins


def match_fields(it: Item) -> tuple:
    """Everything ``pair_score`` reads of an item but its document (whose
    only use is "same document or not")."""
    return (it.type, it.year, it.title, it.short, it.orig_text, tuple(it.fams),
            tuple(it.orgs), tuple(sorted(it.others)), it.container, it.doi,
            it.raw_core, it.raw_head)


def index_keys(it: Item) -> list[str]:
    """Keys stored in ``ref_blocks`` for a full ref: its blocking keys and
    its identifiers (``doi:``, ``isbn:``, ``url:``)."""
    keys = list(dict.fromkeys(blocking_keys(it)))
    if it.doi:
        keys.append("doi:" + it.doi)
    if it.isbn and it.type != "chapter":
        keys.append("isbn:" + it.isbn)
    if it.url:
        keys.append("url:" + it.url)
    return keys


def sort_text(it: Item) -> str:
    """The order refs take inside a big block (as candidate_pairs sorts them)."""
    return it.norm[:80]


# --------------------------------------------------------------------------
# Source categories
# --------------------------------------------------------------------------
_GOV = re.compile(
    r"\b(state council|ministry|government|guowuyuan|zhengfu|people'?s republic|"
    r"national people'?s congress|congress|parliament|senate|white house|"
    r"commission|department of|bureau|federal|cabinet|supreme court|"
    r"court|european union|office of|embassy|communist party|central committee|"
    r"administration|ndrc|cac)\b")
_GOV_DOMAIN = re.compile(r"(\.gov(\.[a-z]{2})?|\.gouv\.[a-z]{2}|\.gc\.ca|\.mil|"
                         r"europa\.eu|gov\.cn|\.go\.[a-z]{2})$")
_NGO = re.compile(
    r"\b(institute|institut|foundation|stiftung|human rights watch|amnesty|"
    r"citizen lab|freedom house|think tank|council on foreign relations|"
    r"brookings|rand|chatham house|center for|centre for|pen america|merics|"
    r"asia society|pew research|carnegie|ngo|watch|oecd|united nations|"
    r"world bank|transparency international|electronic frontier|privacy international|"
    r"access now|article 19|reporters without borders|academy of social sciences|"
    r"csis|jamestown|aspen|heritage|cato|hoover|pew|policy studies|research center)\b")
_NEWS = re.compile(
    r"\b(times|post|news|guardian|telegraph|herald|tribune|journal|daily|"
    r"economist|reuters|associated press|xinhua|bbc|cnn|npr|abc|nbc|cbs|"
    r"bloomberg|wired|atlantic|forbes|observer|gazette|magazine|foreign policy|"
    r"handelsblatt|spiegel|zeit|volkskrant|repubblica|corriere|chronicle|"
    r"independent|inkstone|scmp|morning post|global times|people'?s daily|"
    r"quartz|vox|verge|techcrunch|axios|politico|newsweek|time)\b")
_VIDEO_DOMAIN = re.compile(r"(youtube\.com|youtu\.be|vimeo\.com|netflix\.com)$")
_ACADEMIC = re.compile(r"\b(universit\w*|college|press|academy|journal of)\b")

CATEGORY_BY_TYPE = {
    "article-journal": "scholarly", "paper-conference": "scholarly",
    "thesis": "scholarly", "chapter": "scholarly", "dataset": "scholarly",
    "book": "book", "entry-encyclopedia": "book", "entry-dictionary": "book",
    "article-newspaper": "news media", "article-magazine": "news media",
    "legislation": "government", "legal_case": "government",
    "bill": "government", "treaty": "government", "regulation": "government",
    "webpage": "web", "post-weblog": "web", "post": "web", "document": "web",
    "motion_picture": "audiovisual", "broadcast": "audiovisual",
    "song": "audiovisual", "graphic": "audiovisual",
    "interview": "interview or personal",
    "personal_communication": "interview or personal",
    "speech": "interview or personal",
    "report": "web",
}


_DOMAIN_LIKE = re.compile(r"^(?:www\.)?[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}$")
_ACADEMIC_DOMAIN = re.compile(r"(\.edu|\.ac\.[a-z]{2}|ssrn\.com|arxiv\.org|"
                              r"academia\.edu|researchgate\.net|jstor\.org|doi\.org)$")
_NEWS_TYPES = {"article-newspaper", "article-magazine"}
_WEB_TYPES = {"webpage", "post-weblog", "post", "document"}


def source_category(wtype: str | None, refs: list[dict]) -> str:
    """Category of a work from its CSL type plus evidence in its refs:
    organisation authors, publisher, container and URL domain.

    Order: interviews and audiovisual by type; government by type or evidence
    (.gov/.gov.cn domains, State Council, ministries ...); scholarly and books
    by type; then NGO/think-tank, news and academic evidence for reports, web
    pages and magazine pieces.
    """
    base = CATEGORY_BY_TYPE.get(wtype or "", "web")
    if wtype in ("interview", "personal_communication"):
        return "interview or personal"
    if base == "audiovisual":
        return base
    orgs, domains, containers = [], [], []
    for r in refs:
        orgs += [fold(n.get("literal")) for n in (r.get("authors") or [])
                 if isinstance(n, dict) and n.get("literal")]
        orgs.append(fold(r.get("publisher")))
        container = fold(r.get("container_title")).strip()
        containers.append(container)
        domains.append(url_domain(r.get("url")))
        if _DOMAIN_LIKE.match(container):
            domains.append(re.sub(r"^www\.", "", container))
    org_text = " | ".join(o for o in orgs if o)
    evidence = " | ".join([org_text] + [c for c in containers if c])
    domains = [d for d in domains if d]
    if base == "government" or any(_GOV_DOMAIN.search(d) for d in domains) \
            or (base not in ("scholarly", "book") and _GOV.search(evidence)):
        return "government"
    if wtype == "speech":
        return "interview or personal"
    if any(_VIDEO_DOMAIN.search(d) for d in domains):
        return "audiovisual"
    if base in ("scholarly", "book"):
        return base
    ngo = bool(_NGO.search(evidence))
    academic = bool(_ACADEMIC.search(evidence)) or any(
        _ACADEMIC_DOMAIN.search(d) for d in domains)
    news = any(_NEWS.search(c) for c in containers if c) or bool(_NEWS.search(org_text))
    if wtype in _NEWS_TYPES:
        return "NGO or think tank" if ngo and not news else "news media"
    if ngo or (wtype == "report" and any(d.endswith(".org") for d in domains)):
        return "NGO or think tank"
    if academic:
        return "scholarly"
    if news:
        return "news media"
    if any(d.endswith(".org") for d in domains):
        return "NGO or think tank"
    return "web"


# --------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------
def fingerprints(ref: dict) -> list[str]:
    """Stable ids of a ref across rebuilds: document + normalised raw text,
    and document + normalised title/first author/year (so a re-extracted
    document whose raw text changed slightly keeps its keys)."""
    doc = ref.get("document_id")
    text = " ".join(fold(ref.get("raw") or "").split())
    out = [hashlib.sha1(f"{doc}\x1f{text}".encode("utf-8")).hexdigest()[:20]]
    title = norm_title(ref.get("title"))
    if title:
        names = [n for n in map(clean_name, ref.get("authors") or []) if n]
        who = name_key(names[0]) if names else ""
        fields = f"{doc}\x1f{title}\x1f{who}\x1f{_int(ref.get('year'))}"
        out.append("f:" + hashlib.sha1(fields.encode("utf-8")).hexdigest()[:20])
    return out


def base_key(names: list[dict], year: int | None, title: str | None) -> str:
    """``chen2017transparent``: first author family (ascii) + year + first significant title word."""
    who = ""
    for n in names:
        who = ascii_word((n.get("family") or name_key(n).split(" ")[0]) if n else "")
        if who:
            break
    word = ""
    for tok in significant_tokens(" ".join(_NON_WORD.sub(" ", fold(title)).split())):
        word = ascii_word(tok)
        if word and not word.isdigit():
            break
        word = ""
    return f"{who or 'anon'}{year or 'nd'}{word}"


def _suffixes():
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b


def assign_keys(clusters: list[dict], previous_keys: dict[str, str]) -> list[str]:
    """A key per cluster (``{"base": str, "fingerprints": [...]}``), stable:
    a cluster keeps the key most of its refs had; new keys avoid every key
    known before (suffix a, b, ...)."""
    keys: list[str | None] = [None] * len(clusters)
    claims = []
    for ci, c in enumerate(clusters):
        votes = Counter(previous_keys[f] for f in c["fingerprints"] if f in previous_keys)
        for key, n in votes.items():
            claims.append((-n, ci, key))
    taken: set[str] = set()
    for _, ci, key in sorted(claims):
        if keys[ci] is None and key not in taken:
            keys[ci] = key
            taken.add(key)
    reserved = taken | set(previous_keys.values())
    for ci, c in enumerate(clusters):
        if keys[ci] is not None:
            continue
        key = c["base"]
        if key in reserved:
            for s in _suffixes():
                if key + s not in reserved:
                    key = key + s
                    break
        keys[ci] = key
        reserved.add(key)
    return keys  # type: ignore[return-value]


# --------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------
class _Person:
    __slots__ = ("forms", "members", "literal")

    def __init__(self, literal: bool):
        self.forms: set[tuple] = set()
        self.members: list[int] = []
        self.literal = literal


def cluster_authors(occ: list[dict], work_of_ref: dict[int, int]) -> list[int]:
    """Person index for every name occurrence.

    ``occ``: dicts with ref_id, role, position, name (cleaned).

    1. A bare family name ("Lyon" in a short form) at the same role/position
       as a fuller name in a ref of the same work is that person.
    2. Otherwise people are grouped by folded family name (organisations by
       their whole folded name); within a family, given names must be
       compatible ("R." ~ "Rogier", "Meng" !~ "Ming"); a name compatible with
       several different people stays on its own.
    3. Names with given names at the same position of refs of one work join
       when their families are near-equal (typos such as "Bossewith") and
       every given-name form of both stays compatible.
    """
    parent = list(range(len(occ)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for o in occ:
        n = o["name"]
        o["key"] = ("o:" if n.get("literal") else "p:") + name_key(n)
        o["given"] = given_tokens(n.get("given"))
    slots: dict[tuple, list[int]] = defaultdict(list)
    for i, o in enumerate(occ):
        w = work_of_ref.get(o["ref_id"])
        if w is not None:
            slots[(w, o["role"], o["position"])].append(i)

    def near(a: dict, b: dict) -> float:
        if a["key"][:2] != b["key"][:2] or not a["key"][2:] or not b["key"][2:]:
            return 0.0
        return fuzz.ratio(a["key"][2:], b["key"][2:])

    def bare(o: dict) -> bool:
        """A family name alone (a one-word "literal" is often just that)."""
        if o["key"].startswith("p:"):
            return not o["given"]
        return " " not in o["key"][2:]

    # 1. bare family names follow a fuller name of the same work
    attached: set[int] = set()
    for members in slots.values():
        full: dict[str, int] = {}   # key -> first fuller name with it (ties go to the first)
        for m in sorted(members):
            if occ[m]["given"]:
                full.setdefault(occ[m]["key"], m)
        best_for: dict[str, int | None] = {}   # one decision per spelling
        for m in members:
            if not bare(occ[m]) or not full:
                continue
            key = occ[m]["key"]
            if key not in best_for:
                probe = {"key": "p:" + key[2:]}   # an organisation-like bare name as a person
                best = max(full.values(), key=lambda f: (near(probe, occ[f]), -f))
                best_for[key] = best if near(probe, occ[best]) >= AUTHOR_FAMILY else None
            if best_for[key] is not None:
                parent[m] = best_for[key]
                attached.add(m)
    # 2. family groups
    groups: dict[str, list[int]] = defaultdict(list)
    for i, o in enumerate(occ):
        if i not in attached:
            groups[o["key"]].append(i)
    for key, members in groups.items():
        if key.startswith("o:"):
            for m in members[1:]:
                parent[find(m)] = find(members[0])
            continue
        order = sorted(members, key=lambda m: (-sum(len(t) > 1 for t in occ[m]["given"]),
                                               -len(occ[m]["given"]), m))
        persons: list[_Person] = []
        owner: dict[tuple, _Person] = {}   # a given-name form is in one person only
        by_initial: dict[str, list[_Person]] = defaultdict(list)   # blocking
        for m in order:
            g = occ[m]["given"]
            if g in owner:   # the same form again decides the same way
                owner[g].members.append(m)
                continue
            # one person's given names start with one letter ("Katherine" is
            # not "Catherine"): the usual family + first initial blocking
            fits = [p for p in by_initial[g[0][0] if g else ""]
                    if all(given_compatible(g, f) for f in p.forms)]
            # (a bare family name nobody of its work explains lands in "":
            # only other bare uses of that name, it may be any of the family)
            if g and len(fits) > 1:
                exact = [p for p in fits if g in p.forms]
                fits = exact[:1]
            if fits:
                p = fits[0]
            else:
                p = _Person(False)
                persons.append(p)
                by_initial[g[0][0] if g else ""].append(p)
            if g:
                p.forms.add(g)
            owner[g] = p
            p.members.append(m)
        for p in persons:
            for m in p.members[1:]:
                parent[find(m)] = find(p.members[0])
    # 2b. organisations: a bracketed gloss naming another organisation
    # ("Guowuyuan (The State Council)" = "State Council"), and typos of long
    # names ("Zhonghua Renming ..." = "Zhonghua Renmin ...")
    orgs = {k: ms for k, ms in groups.items() if k.startswith("o:") and k[2:]}
    for key, members in orgs.items():
        for m in members:
            gloss = org_gloss(occ[m]["name"])
            if gloss and "o:" + gloss in orgs and "o:" + gloss != key:
                parent[find(m)] = find(orgs["o:" + gloss][0])
                break
    by_first: dict[str, list[str]] = defaultdict(list)
    for key in orgs:
        by_first[key[2:].split()[0]].append(key)
    for keys in by_first.values():
        if len(keys) > BLOCK_ALL_PAIRS:
            continue
        for i, ka in enumerate(keys):
            for kb in keys[i + 1:]:
                if min(len(ka), len(kb)) >= 14 and fuzz.ratio(ka, kb) >= ORG_TYPO:
                    parent[find(orgs[kb][0])] = find(orgs[ka][0])
    # 3. typo'd families at one position of one work
    forms: dict[int, set] = defaultdict(set)
    for i, o in enumerate(occ):
        if o["given"]:
            forms[find(i)].add(o["given"])
    for members in slots.values():
        # one occurrence per (person, spelling): the rest decide the same way
        withg, seen = [], set()
        for m in members:
            if occ[m]["given"] and (find(m), occ[m]["key"]) not in seen:
                seen.add((find(m), occ[m]["key"]))
                withg.append(m)
        for x in range(len(withg)):
            for y in range(x + 1, len(withg)):
                a, b = withg[x], withg[y]
                ra, rb = find(a), find(b)
                if ra == rb or near(occ[a], occ[b]) < AUTHOR_FAMILY:
                    continue
                if not all(given_compatible(f, g) for f in forms[ra] for g in forms[rb]):
                    continue
                parent[rb] = ra
                forms[ra] |= forms.pop(rb, set())
    # 4. pinyin names printed in the other order ("Qiang, X." = "Xiao Qiang")
    by_given: dict[str, set[int]] = defaultdict(set)
    for i, o in enumerate(occ):
        fam = o["key"][2:]
        if o["key"].startswith("p:") and len(o["given"]) == 1 and len(o["given"][0]) > 1 \
                and is_pinyin(fam) and is_pinyin(o["given"][0]):
            by_given[o["given"][0]].add(i)
    for i, o in enumerate(occ):
        fam = o["key"][2:]
        if not (o["key"].startswith("p:") and len(o["given"]) == 1 and is_pinyin(fam)):
            continue
        g = o["given"][0]
        cands = {find(j) for j in by_given.get(fam, ())
                 if occ[j]["key"][2:][:len(g)] == g or
                 (len(g) > 1 and occ[j]["key"][2:] == g)}
        cands.discard(find(i))
        if len(cands) == 1 and not any(
                occ[j]["key"][2:] == fam for j in by_given.get(g, ())):
            parent[find(i)] = cands.pop()
    return [find(i) for i in range(len(occ))]


_PINYIN_SYL = ("(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
               "(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|an|ao|ei|en|er|"
               "ia|ie|in|iu|ou|ua|ue|ui|un|uo|a|e|i|o|u|v)")
_PINYIN = re.compile(f"^{_PINYIN_SYL}{_PINYIN_SYL}?$")


def is_pinyin(token: str) -> bool:
    """True for a one- or two-syllable pinyin word ("xiao", "qiang", "jianhua")."""
    return 0 < len(token) <= 12 and bool(_PINYIN.match(token))


# --------------------------------------------------------------------------
# The core
# --------------------------------------------------------------------------
_TEXT_FIELDS = ("raw", "title", "container_title", "publisher", "url", "doi", "isbn",
                "type", "kind", "year_suffix", "edition")


def _clean_ref(ref: dict, index: int) -> dict:
    """A copy of ``ref`` with the shapes resolve relies on (ids, name lists,
    text fields as str, year as int or None)."""
    r = dict(ref)
    r["id"] = ref.get("id", index)
    for col in ("authors", "editors", "translators"):
        r[col] = name_list(ref.get(col))
    for col in _TEXT_FIELDS:
        v = r.get(col)
        r[col] = None if v is None or v == "" else str(v)
    r["year"] = _int(ref.get("year"))
    return r


def _fullness(ref: dict) -> tuple:
    filled = sum(1 for k in ("title", "year", "container_title", "publisher",
                             "url", "doi", "isbn", "place", "volume", "pages")
                 if ref.get(k))
    return (not ref.get("short_form"), bool(ref.get("authors")),
            ref.get("kind") == "bibliography", filled, len(ref.get("title") or ""))


def work_fields(crefs: list[dict]) -> tuple[dict, dict]:
    """A work's row (without id and key) from its refs (cleaned, in document /
    position order), and what keys and authors are made from."""
    full = [r for r in crefs if not r.get("short_form")] or crefs
    full = sorted(full, key=_fullness, reverse=True)   # fullest first
    rep = full[0]
    with_authors = [r for r in full if r.get("authors")]
    author_src = rep if rep.get("authors") else (with_authors[0]
                                                 if with_authors else rep)
    types = Counter(r.get("type") for r in full if r.get("type"))
    wtype = (max(types.items(), key=lambda kv: (kv[1], kv[0] == rep.get("type")))[0]
             if types else rep.get("type"))
    years = Counter(_int(r.get("year")) for r in full if _int(r.get("year")))
    year = (max(years.items(), key=lambda kv: (kv[1], -kv[0]))[0]
            if years else _int(rep.get("year")))

    def first(field_name, norm=None):
        for r in full:
            v = r.get(field_name)
            if v and (norm is None or norm(v)):
                return v
        return None

    names = [n for n in map(clean_name, author_src.get("authors") or []) if n]
    info = dict(rep=rep, author_src=author_src, names=names, year=year,
                type=wtype, full=full)
    row = {
        "type": wtype,
        "title": rep.get("title") or first("title"),
        "year": year,
        "container_title": rep.get("container_title") or first("container_title"),
        "doi": first("doi", norm_doi), "url": first("url", norm_url) or first("url"),
        "isbn": first("isbn", norm_isbn) or first("isbn"),
        "publisher": rep.get("publisher") or first("publisher"),
        "authors": json.dumps([display_name(n) for n in names], ensure_ascii=False),
        "source_category": source_category(wtype, crefs),
        "ref_count": len(crefs),
        "cited_by_documents": len({r.get("document_id") for r in crefs}),
    }
    return row, info


def resolve(refs: list[dict], previous_keys: dict[str, str] | None = None) -> Resolution:
    """Cluster ``refs`` (ref rows with ``id``) into works and authors.

    ``previous_keys`` maps ref fingerprints to the work keys of the last
    build (the ``work_keys`` table), so keys stay stable.
    """
    with no_gc():
        return _resolve(refs, previous_keys or {})


@contextmanager
def no_gc():
    """Cyclic GC off: it rescans every live object as millions of small
    ones are made, which makes loading and clustering superlinear."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _resolve(refs: list[dict], previous_keys: dict[str, str]) -> Resolution:
    refs = [_clean_ref(r, i) for i, r in enumerate(refs)]
    by_id = {r["id"]: r for r in refs}
    root_of = follow_same_as(refs)
    roots = sorted({root_of[r["id"]] for r in refs},
                   key=lambda rid: (str(by_id[rid].get("document_id")),
                                    by_id[rid].get("position") or 0, rid))
    items = [Item(i, by_id[rid]) for i, rid in enumerate(roots)]
    cl, joins = cluster_items(items)

    # clusters in a stable order (first appearance by document, position)
    cluster_members: dict[int, list[int]] = defaultdict(list)
    for it in items:
        cluster_members[cl.find(it.idx)].append(it.idx)
    ordered = sorted(cluster_members.values(), key=lambda ms: ms[0])
    item_cluster = {}
    for ci, ms in enumerate(ordered):
        for m in ms:
            item_cluster[m] = ci
    root_index = {it.id: it.idx for it in items}
    ref_cluster = {r["id"]: item_cluster[root_index[root_of[r["id"]]]] for r in refs}
    refs_of: dict[int, list[dict]] = defaultdict(list)
    for r in refs:
        refs_of[ref_cluster[r["id"]]].append(r)

    res = Resolution()
    res.source_types = [{"id": i, "label": l, "description": d} for i, l, d in SOURCE_TYPES]
    # works
    infos = []
    for ci in range(len(ordered)):
        row, info = work_fields(refs_of[ci])
        infos.append(info)
        res.works.append({"id": ci + 1, "key": None, **row})
    res.blocks = [(k, sort_text(it), it.id) for it in items for k in index_keys(it)]
    # keys
    key_input = [{"base": base_key(info["names"], info["year"], res.works[ci]["title"]),
                  "fingerprints": [f for r in info["full"] if not r.get("short_form")
                                   for f in fingerprints(r)]}
                 for ci, info in enumerate(infos)]
    keys = assign_keys(key_input, previous_keys)
    work_keys = dict(previous_keys)
    for ci, key in enumerate(keys):
        res.works[ci]["key"] = key
        for f in key_input[ci]["fingerprints"]:
            work_keys[f] = key
    res.work_keys = work_keys
    res.ref_work = {rid: ci + 1 for rid, ci in ref_cluster.items()}
    # merges
    for a, b, reason, score in joins:
        res.merges.append({"work_id": item_cluster[a] + 1, "ref_id": items[b].id,
                           "other_ref_id": items[a].id, "reason": reason, "score": score})
    for r in refs:
        if root_of[r["id"]] != r["id"]:
            res.merges.append({"work_id": res.ref_work[r["id"]], "ref_id": r["id"],
                               "other_ref_id": root_of[r["id"]], "reason": "same_as",
                               "score": 1.0})
    # authors
    occ = []
    for r in refs:
        for role, col in (("author", "authors"), ("editor", "editors"),
                          ("translator", "translators")):
            for pos, raw_name in enumerate(r.get(col) or []):
                n = clean_name(raw_name)
                if n:
                    occ.append({"ref_id": r["id"], "role": role, "position": pos, "name": n})
    person = cluster_authors(occ, ref_cluster)
    author_id: dict[int, int] = {}
    person_occ: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(person):
        person_occ[p].append(i)
    for p in sorted(person_occ, key=lambda p: min(person_occ[p])):
        author_id[p] = len(author_id) + 1
        members = [occ[i] for i in person_occ[p]]
        people = [o for o in members if not o["name"].get("literal")]
        if people:   # the fullest given name, diacritics kept
            best = max(people, key=lambda o: (len(o["name"].get("given") or ""),
                                              not display_name(o["name"]).isascii()))
            name = display_name(best["name"])
        else:        # an organisation: its most used form, then the shortest
            forms = Counter(o["name"]["literal"] for o in members)
            name = max(forms, key=lambda f: (forms[f], -len(f)))
            best = next(o for o in members if o["name"]["literal"] == name)
        n = best["name"]
        given_init = (given_tokens(n.get("given")) or ("",))[0][:1]
        res.authors.append({
            "id": author_id[p], "name": name,
            "family": n.get("family"), "given": n.get("given"),
            "literal": int(bool(n.get("literal"))),
            "match_key": best["key"] + ("|" + given_init if given_init else ""),
        })
    res.ref_authors = [(o["ref_id"], o["role"], o["position"], author_id[person[i]])
                       for i, o in enumerate(occ)]
    occ_by_ref: dict[tuple, int] = {(o["ref_id"], o["role"], o["position"]): author_id[person[i]]
                                    for i, o in enumerate(occ)}
    seen_wa = set()
    for ci, info in enumerate(infos):
        src = info["author_src"]
        for role, col in (("author", "authors"), ("editor", "editors"),
                          ("translator", "translators")):
            r = src if col == "authors" else max(
                info["full"], key=lambda x: len(x.get(col) or []))
            for pos, raw_name in enumerate(r.get(col) or []):
                aid = occ_by_ref.get((r["id"], role, pos))
                if aid is None or (ci + 1, aid, role) in seen_wa:
                    continue
                seen_wa.add((ci + 1, aid, role))
                res.work_authors.append({"work_id": ci + 1, "author_id": aid,
                                         "position": pos, "role": role})
    # works.authors: the display names of the resolved people, in order
    display = {a["id"]: a["name"] for a in res.authors}
    names_of: dict[int, list[str]] = defaultdict(list)
    for wa in res.work_authors:
        if wa["role"] == "author":
            names_of[wa["work_id"]].append(display[wa["author_id"]])
    for w in res.works:
        if names_of.get(w["id"]):
            w["authors"] = json.dumps(names_of[w["id"]], ensure_ascii=False)
    return res


# --------------------------------------------------------------------------
# Store wrapper
# --------------------------------------------------------------------------
def _insert(db, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
           f"VALUES ({', '.join('?' for _ in cols)})")
    db.conn.executemany(sql, [[row.get(c) for c in cols] for row in rows])


def resolve_store(db, changed: "Changes | None" = None) -> dict[str, int]:
    """Recompute works/authors from every ref in ``db`` in one transaction.

    Rewrites works, authors, work_authors, merges, source_types, work_keys,
    ref_blocks and refs.work_id; never touches annotations.  Returns row
    counts (and ``"mode": "full"``).

    With ``changed`` (what a build replaced or removed) and little changed,
    resolves incrementally instead (``resolve_incremental``).
    """
    from .store import load_refs
    if changed is not None:
        out = resolve_incremental(db, changed)
        if out is not None:
            return out
    outer = db.conn.in_transaction
    with no_gc():
        refs = load_refs(db)
    previous = ({row["fingerprint"]: row["key"] for row in db["work_keys"].rows}
                if db["work_keys"].exists() else {})
    # refs still linked to a keyed work count too (a store without work_keys)
    key_of = {row["id"]: row["key"] for row in db.query("SELECT id, key FROM works")}
    for r in refs:
        key = key_of.get(r.get("work_id"))
        if key and not r.get("short_form"):
            for f in fingerprints(r):
                previous.setdefault(f, key)
    res = resolve(refs, previous)
    conn = db.conn
    # a savepoint: atomic on its own, and nests inside a build's transaction
    conn.execute("SAVEPOINT kb_resolve")
    try:
        conn.execute("UPDATE refs SET work_id = NULL")
        for table in ("merges", "work_authors", "authors", "works", "source_types",
                      "work_keys", "ref_blocks"):
            conn.execute(f"DELETE FROM [{table}]")
        _insert(db, "works", res.works)
        _insert(db, "authors", res.authors)
        _insert(db, "work_authors", res.work_authors)
        _insert(db, "merges", res.merges)
        _insert(db, "source_types", res.source_types)
        _insert(db, "work_keys", [{"fingerprint": f, "key": k}
                                  for f, k in sorted(res.work_keys.items())])
        conn.executemany("UPDATE refs SET work_id = ? WHERE id = ?",
                         [(w, r) for r, w in res.ref_work.items()])
        conn.executemany("INSERT INTO ref_blocks (key, sort, ref_id) VALUES (?, ?, ?)",
                         res.blocks)
        conn.execute("UPDATE works SET claim_count = (SELECT COUNT(DISTINCT c.claim_id) "
                     "FROM citations c JOIN refs r ON c.ref_id = r.id "
                     "WHERE r.work_id = works.id)")
    except BaseException:
        conn.execute("ROLLBACK TO SAVEPOINT kb_resolve")
        conn.execute("RELEASE SAVEPOINT kb_resolve")
        raise
    conn.execute("RELEASE SAVEPOINT kb_resolve")
    if conn.in_transaction and conn.isolation_level is not None and not outer:
        conn.commit()
    return {"works": len(res.works), "authors": len(res.authors),
            "merges": len(res.merges), "refs": len(res.ref_work), "mode": "full"}


# --------------------------------------------------------------------------
# Incremental resolution (a build that changed a few documents)
# --------------------------------------------------------------------------
#: beyond this share of the store's refs being new, resolve everything again.
INCREMENTAL_MAX_SHARE = 0.10
_CHUNK = 900   # ids per "IN (...)" query


@dataclass
class Changes:
    """What a build replaced or removed, noted before the old rows go:
    ``gone_refs`` (ref ids), ``lost_works`` (the works they were in) and
    ``documents`` (how many documents are replaced, added or removed)."""
    gone_refs: set = field(default_factory=set)
    lost_works: set = field(default_factory=set)
    documents: int = 0


def note_changes(db, document_ids: Iterable[str]) -> Changes:
    """The refs and works of ``document_ids`` now (call before replacing them)."""
    document_ids = list(document_ids)
    ch = Changes(documents=len(document_ids))
    for ids in _chunks(document_ids):
        for rid, wid in db.execute(
                f"SELECT id, work_id FROM refs WHERE document_id IN ({_qs(ids)})", ids):
            ch.gone_refs.add(rid)
            if wid is not None:
                ch.lost_works.add(wid)
    return ch


def _chunks(xs: list, n: int = _CHUNK):
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


def _qs(xs) -> str:
    return ", ".join("?" * len(xs))


def _rows(db, sql_head: str, ids: Iterable, tail: str = "") -> list[dict]:
    """Rows of ``sql_head IN (ids) tail`` (chunked), JSON name columns decoded."""
    out = []
    ids = list(ids)
    for part in _chunks(ids):
        for row in db.query(f"{sql_head} IN ({_qs(part)}) {tail}", part):
            for k in ("authors", "editors", "translators"):
                if k in row:
                    row[k] = json.loads(row[k]) if row.get(k) else []
            out.append(row)
    return out


def resolve_incremental(db, changed: Changes) -> dict | None:
    """Resolve only what a small change touched; None when a full resolve is due.

    Existing works stay as they are (rows, keys, authors).  The new refs
    (``work_id IS NULL``: refs of replaced or added documents) are clustered
    by the same rules as a full resolve against the refs of existing works
    found through the stored blocking index (``ref_blocks``: the same keys,
    all of a small block, the WINDOW nearest titles of a big one) and their
    identifiers; a new ref joining two existing works merges them.  Works
    that lost or gained refs get their row, key and authors recomputed from
    all their refs; a work left without refs is dropped.

    A full resolve is due (None) when the store has no blocking index yet or
    more than INCREMENTAL_MAX_SHARE of its refs are new.
    """
    total = db.execute("SELECT count(*) FROM refs").fetchone()[0]
    new_ids = [r[0] for r in db.execute("SELECT id FROM refs WHERE work_id IS NULL")]
    if not db.execute("SELECT 1 FROM ref_blocks LIMIT 1").fetchone() \
            or not db.execute("SELECT 1 FROM works LIMIT 1").fetchone() \
            or len(new_ids) > INCREMENTAL_MAX_SHARE * max(total, 1):
        return None
    enabled = gc.isenabled()
    gc.disable()
    conn = db.conn
    outer = conn.in_transaction
    conn.execute("SAVEPOINT kb_resolve")
    try:
        out = _resolve_incremental(db, changed, new_ids)
    except BaseException:
        conn.execute("ROLLBACK TO SAVEPOINT kb_resolve")
        conn.execute("RELEASE SAVEPOINT kb_resolve")
        raise
    finally:
        if enabled:
            gc.enable()
    conn.execute("RELEASE SAVEPOINT kb_resolve")
    if conn.in_transaction and conn.isolation_level is not None and not outer:
        conn.commit()
    return out


def _neighbours(db, it: Item) -> set[int]:
    """Ref ids sharing a blocking key or identifier with ``it`` (all of a small
    block; the WINDOW nearest by title of a big one)."""
    out: set[int] = set()
    sort = sort_text(it)
    for key in index_keys(it):
        ids = [r[0] for r in db.execute(
            "SELECT ref_id FROM ref_blocks WHERE key = ? LIMIT ?", [key, BLOCK_ALL_PAIRS + 1])]
        if len(ids) <= BLOCK_ALL_PAIRS or key.split(":", 1)[0] in ("doi", "isbn", "url"):
            out.update(ids[:BLOCK_ALL_PAIRS])
            if len(ids) <= BLOCK_ALL_PAIRS:
                continue
        out.update(r[0] for r in db.execute(
            "SELECT ref_id FROM ref_blocks WHERE key = ? AND sort >= ? ORDER BY sort LIMIT ?",
            [key, sort, WINDOW]))
        out.update(r[0] for r in db.execute(
            "SELECT ref_id FROM ref_blocks WHERE key = ? AND sort < ? ORDER BY sort DESC LIMIT ?",
            [key, sort, WINDOW]))
    return out


def _resolve_incremental(db, changed: Changes, new_ids: list[int]) -> dict:
    conn = db.conn
    gone = set(changed.gone_refs)
    for part in _chunks(sorted(gone)):   # a document that failed to re-read keeps its refs
        gone -= {r[0] for r in conn.execute(f"SELECT id FROM refs WHERE id IN ({_qs(part)})",
                                            part)}
    gone = sorted(gone)
    for part in _chunks(gone):
        conn.execute(f"DELETE FROM ref_blocks WHERE ref_id IN ({_qs(part)})", part)
    # the new refs and their roots (short forms and ibid follow their full ref)
    new_refs = [_clean_ref(r, 0) for r in _rows(
        db, "SELECT * FROM refs WHERE id", new_ids, "ORDER BY document_id, position, id")]
    new_by_id = {r["id"]: r for r in new_refs}
    root_of = follow_same_as(new_refs)
    new_roots = [new_by_id[rid] for rid in dict.fromkeys(root_of[r["id"]] for r in new_refs)]
    probe = [Item(0, r) for r in new_roots]
    near_ids: set[int] = set()
    for it in probe:
        near_ids |= _neighbours(db, it)
    near_ids -= set(new_by_id)
    frozen = [_clean_ref(r, 0) for r in _rows(
        db, "SELECT * FROM refs WHERE work_id IS NOT NULL AND id", near_ids,
        "ORDER BY document_id, position, id")]
    fixed = len(frozen)
    items = [Item(i, r) for i, r in enumerate(frozen + new_roots)]
    cl = Clusters(items)
    # existing works: joined already, with their whole constraint sets
    work_of_item = {it.idx: r["work_id"] for it, r in zip(items, frozen)}
    first_of_work: dict[int, int] = {}
    for idx, w in work_of_item.items():
        root = first_of_work.setdefault(w, idx)
        if root != idx:
            cl.parent[idx] = root
            cl.bib[idx], cl.suffix[idx] = set(), set()
    for part in _chunks(list(first_of_work)):
        for w, doc, kind, suffix in conn.execute(
                "SELECT work_id, document_id, kind, year_suffix FROM refs WHERE same_as IS NULL "
                f"AND work_id IN ({_qs(part)})", part):
            root = first_of_work[w]
            if kind == "bibliography":
                cl.bib[root].add(doc)
            if suffix:
                cl.suffix[root].add((doc, suffix))
    cl, joins = cluster_items(items, cl, fixed)
    # clusters holding new refs -> a work id (existing, merged, or new)
    works_in: dict[int, set[int]] = defaultdict(set)
    for idx, w in work_of_item.items():
        works_in[cl.find(idx)].add(w)
    next_id = first_new = (conn.execute("SELECT max(id) FROM works").fetchone()[0] or 0) + 1
    cluster_work: dict[int, int] = {}
    merged: dict[int, int] = {}           # old work -> work it merged into
    for it in items[fixed:]:
        root = cl.find(it.idx)
        if root in cluster_work:
            continue
        olds = sorted(works_in.get(root, ()))
        if olds:
            cluster_work[root] = olds[0]
            for w in olds[1:]:
                merged[w] = olds[0]
        else:
            cluster_work[root] = next_id
            next_id += 1
    ref_work = {r["id"]: cluster_work[cl.find(items[fixed + i].idx)]
                for i, r in enumerate(new_roots)}
    for r in new_refs:
        ref_work[r["id"]] = ref_work[root_of[r["id"]]]
    existing = {w for w in cluster_work.values() if w < first_new and w not in merged}
    new_works = sorted(set(cluster_work.values()) - existing - set(merged))
    touched = existing | set(new_works) | (set(changed.lost_works) - set(merged))
    touched |= {merged[w] for w in changed.lost_works if w in merged}
    # write: new works as placeholders (ids), refs linked, merged works folded in
    old_keys = {}
    for part in _chunks(sorted(touched | set(merged))):
        old_keys.update(conn.execute(f"SELECT id, key FROM works WHERE id IN ({_qs(part)})", part))
    conn.executemany("INSERT INTO works (id) VALUES (?)", [(w,) for w in new_works])
    conn.executemany("UPDATE refs SET work_id = ? WHERE id = ?",
                     [(w, r) for r, w in ref_work.items()])
    for old, into in merged.items():
        conn.execute("UPDATE refs SET work_id = ? WHERE work_id = ?", [into, old])
        conn.execute("UPDATE merges SET work_id = ? WHERE work_id = ?", [into, old])
        conn.execute("DELETE FROM work_authors WHERE work_id = ?", [old])
        conn.execute("DELETE FROM works WHERE id = ?", [old])
    merge_rows = [(cluster_work[cl.find(items[a].idx)], items[b].id, items[a].id, reason, score)
                  for a, b, reason, score in joins]
    merge_rows += [(ref_work[r["id"]], r["id"], root_of[r["id"]], "same_as", 1.0)
                   for r in new_refs if root_of[r["id"]] != r["id"]]
    conn.executemany("INSERT INTO merges (work_id, ref_id, other_ref_id, reason, score) "
                     "VALUES (?, ?, ?, ?, ?)", merge_rows)
    conn.executemany("INSERT INTO ref_blocks (key, sort, ref_id) VALUES (?, ?, ?)",
                     [(k, sort_text(it), it.id) for it in items[fixed:] for k in index_keys(it)])
    # touched works: rows, keys and authors from all their refs
    refs = [_clean_ref(r, 0) for r in _rows(
        db, "SELECT * FROM refs WHERE work_id", sorted(touched),
        "ORDER BY document_id, position, id")]
    refs_of: dict[int, list[dict]] = defaultdict(list)
    for r in refs:
        refs_of[r["work_id"]].append(r)
    emptied = sorted(w for w in touched if not refs_of.get(w))
    for w in emptied:
        conn.execute("DELETE FROM merges WHERE work_id = ?", [w])
        conn.execute("DELETE FROM work_authors WHERE work_id = ?", [w])
        conn.execute("DELETE FROM works WHERE id = ?", [w])
    live = sorted(refs_of)
    rows, infos = {}, {}
    for w in live:
        rows[w], infos[w] = work_fields(refs_of[w])
    keys, fps, previous = _incremental_keys(db, live, infos, rows, old_keys)
    if live:
        cols = list(rows[live[0]])
        conn.executemany("UPDATE works SET key = NULL WHERE id = ?", [(w,) for w in live])
        conn.executemany(
            f"UPDATE works SET key = ?, {', '.join(f'[{c}] = ?' for c in cols)} WHERE id = ?",
            [[keys[w]] + [rows[w][c] for c in cols] + [w] for w in live])
    conn.executemany("INSERT OR REPLACE INTO work_keys (fingerprint, key) VALUES (?, ?)",
                     [(f, keys[w]) for w in live for f in fps[w] if previous.get(f) != keys[w]])
    n_authors = _incremental_authors(db, live, infos)
    for part in _chunks(live):
        conn.execute("UPDATE works SET claim_count = (SELECT COUNT(DISTINCT c.claim_id) "
                     "FROM citations c JOIN refs r ON c.ref_id = r.id "
                     f"WHERE r.work_id = works.id) WHERE id IN ({_qs(part)})", part)
    return {"works": conn.execute("SELECT count(*) FROM works").fetchone()[0],
            "authors": conn.execute("SELECT count(*) FROM authors").fetchone()[0],
            "merges": len(merge_rows), "refs": len(new_refs), "mode": "incremental",
            "touched_works": len(live), "new_works": len(new_works),
            "merged_works": len(merged), "dropped_works": len(emptied),
            "new_authors": n_authors, "compared_refs": fixed}


def _incremental_keys(db, live: list[int], infos: dict, rows: dict,
                      old_keys: dict) -> tuple[dict[int, str], dict, dict]:
    """Keys for the touched works, as ``assign_keys`` would give them: the key
    most of a work's fingerprints had, else its old key, else a new one that
    no work and no remembered fingerprint uses.  Returns the keys, each
    work's fingerprints and the keys they had."""
    conn = db.conn
    fps = {w: [f for r in infos[w]["full"] if not r.get("short_form") for f in fingerprints(r)]
           for w in live}
    allf = sorted({f for fs in fps.values() for f in fs})
    previous: dict[str, str] = {}
    for part in _chunks(allf):
        previous.update(conn.execute(
            f"SELECT fingerprint, key FROM work_keys WHERE fingerprint IN ({_qs(part)})", part))
    live_set = set(live)

    def used_elsewhere(key: str) -> bool:
        row = conn.execute("SELECT id FROM works WHERE key = ?", [key]).fetchone()
        return row is not None and row[0] not in live_set

    claims = []
    for w in live:
        votes = Counter(previous[f] for f in fps[w] if f in previous)
        if not votes and old_keys.get(w):
            votes[old_keys[w]] = 1
        claims += [(-n, w, key) for key, n in votes.items()]
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for _, w, key in sorted(claims):
        if w not in keys and key not in taken and not used_elsewhere(key):
            keys[w] = key
            taken.add(key)
    for w in live:
        if w in keys:
            continue
        info = infos[w]
        base = base_key(info["names"], info["year"], rows[w]["title"])
        key = base
        for s in _suffixes():
            if key not in taken and not used_elsewhere(key) and not conn.execute(
                    "SELECT 1 FROM work_keys WHERE key = ? LIMIT 1", [key]).fetchone():
                break
            key = base + s
        keys[w] = key
        taken.add(key)
    return keys, fps, previous


def _fullest_form(n: dict, col: str, pos: int, refs: list[dict], limit: int = 200) -> dict:
    """The fullest compatible form of name ``n`` printed at the same place in
    the work's other refs ("Khan, J." -> "Khan, Javier"), as cluster_authors
    joins the names at one position of one work."""
    if n.get("literal"):
        return n
    key, g = name_key(n), given_tokens(n.get("given"))
    best, best_len = n, len("".join(g))
    for r in refs[:limit]:
        names = r.get(col) or []
        if pos >= len(names):
            continue
        m = clean_name(names[pos])
        if not m or m.get("literal") or name_key(m) != key:
            continue
        gm = given_tokens(m.get("given"))
        if gm and len("".join(gm)) > best_len and given_compatible(g, gm):
            best, best_len = m, len("".join(gm))
    return best


def _incremental_authors(db, live: list[int], infos: dict) -> int:
    """work_authors (and works.authors) of the touched works, each name matched
    to an existing person the way ``cluster_authors`` groups names (same folded
    family; compatible given names, and only one such person; organisations by
    whole name), else a new authors row.  Returns the number of new authors."""
    conn = db.conn
    for part in _chunks(live):
        conn.execute(f"DELETE FROM work_authors WHERE work_id IN ({_qs(part)})", part)
    next_id = (conn.execute("SELECT max(id) FROM authors").fetchone()[0] or 0) + 1
    created = 0
    cache: dict[tuple, int] = {}

    def person(n: dict) -> int:
        nonlocal next_id, created
        key = ("o:" if n.get("literal") else "p:") + name_key(n)
        g = given_tokens(n.get("given"))
        if (key, g) in cache:
            return cache[(key, g)]
        cands = conn.execute(
            "SELECT id, given FROM authors WHERE match_key = ? OR "
            "(match_key >= ? AND match_key < ?) ORDER BY id",
            [key, key + "|", key + "}"]).fetchall()
        found = None
        if key.startswith("o:"):
            found = cands[0][0] if cands else None
        elif g:
            fits = [(aid, given_tokens(ag)) for aid, ag in cands
                    if ag and given_compatible(g, given_tokens(ag))]
            exact = [aid for aid, ag in fits if ag == g]
            found = exact[0] if exact else (fits[0][0] if len(fits) == 1 else None)
        else:
            bare = [aid for aid, ag in cands if not ag]
            found = bare[0] if bare else None
        if found is None:
            found, next_id, created = next_id, next_id + 1, created + 1
            init = (g or ("",))[0][:1]
            conn.execute("INSERT INTO authors (id, name, family, given, literal, match_key) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         [found, display_name(n), n.get("family"), n.get("given"),
                          int(bool(n.get("literal"))), key + ("|" + init if init else "")])
        cache[(key, g)] = found
        return found

    rows, names_of = [], {}
    for w in live:
        info, seen = infos[w], set()
        names_of[w] = []
        for role, col in (("author", "authors"), ("editor", "editors"),
                          ("translator", "translators")):
            r = info["author_src"] if col == "authors" else max(
                info["full"], key=lambda x: len(x.get(col) or []))
            for pos, raw_name in enumerate(r.get(col) or []):
                n = clean_name(raw_name)
                if not n:
                    continue
                aid = person(_fullest_form(n, col, pos, info["full"]))
                if (aid, role) in seen:
                    continue
                seen.add((aid, role))
                rows.append((w, aid, pos, role))
                if role == "author":
                    names_of[w].append(aid)
    conn.executemany("INSERT INTO work_authors (work_id, author_id, position, role) "
                     "VALUES (?, ?, ?, ?)", rows)
    display = {}
    ids = sorted({a for v in names_of.values() for a in v})
    for part in _chunks(ids):
        display.update(conn.execute(f"SELECT id, name FROM authors WHERE id IN ({_qs(part)})",
                                    part))
    conn.executemany("UPDATE works SET authors = ? WHERE id = ?",
                     [(json.dumps([display[a] for a in names_of[w]], ensure_ascii=False), w)
                      for w in live if names_of[w]])
    return created
