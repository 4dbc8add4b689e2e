"""Shared text vocabulary: what two or more stages need to read the same way.

* ``YEAR`` / ``YEAR_RE``: a four-digit year (1500-2099);
* ``fold`` (word matching), ``fold_letters`` (keys across documents),
  ``fold_markup`` (comparing printed texts): three foldings, three purposes;
* ``words``: the folded word tokens of a text; ``title_words``: a title's
  words without its leading article (the title normaliser for matching);
* ``PARTICLES`` (lowercase name particles, "van", "de la") and ``PARTICLE``,
  the regex alternation derived from them;
* heading vocabulary: the reference-section headings (``BIB_HEADINGS``,
  ``NOTE_HEADINGS``, ``SUB_HEADINGS``, ``END_HEADINGS``), front-matter
  headings, ``heading_key`` and ``heading_kind``;
* ``markdown_title``: a document's ``# Title`` line.

The patterns sit at the bottom of the module.
"""
from __future__ import annotations

import functools
import re
import unicodedata

MAX_TEXT = 2000          # characters of a text folded for keys (fold_letters / fold_markup)


# --- years -----------------------------------------------------------------------

# a four-digit year, 1500-2099, as a pattern to build on (no boundaries, no groups)
YEAR = r"(?:1[5-9]|20)\d\d"


# --- folding --------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 14)   # a reference's text is folded again per citation
def fold(s: str) -> str:
    """For word matching: lowercase, diacritics and apostrophes dropped:
    ``"Božovič" -> "bozovic"``, ``"O'Neil" -> "oneil"``."""
    s = s or ""
    if s.isascii():
        return s.replace("'", "").lower()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("’", "").replace("'", "").lower()


@functools.lru_cache(maxsize=1 << 16)   # the same strings recur in every citing document
def fold_letters(text: str | None) -> str:
    """For keys across documents: casefolded, diacritics removed, letters
    without a decomposition spelled out (ø -> o, æ -> ae, ß -> ss), curly
    quotes and dashes made plain; apostrophes and punctuation kept.

    >>> fold_letters("Galič, Sæther")
    'galic, saether'
    """
    if not text:
        return ""
    if text.isascii():
        return text[:MAX_TEXT].casefold()
    text = unicodedata.normalize("NFKD", text[:MAX_TEXT].casefold().translate(_SPECIAL))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return text.translate(_SPECIAL) if not text.isascii() else text


def fold_markup(text: str) -> str:
    """For comparing printed texts: casefolded, quotes and ``*``/``_`` markup
    dropped, spacing collapsed (diacritics kept)."""
    t = _QUOTES_MARKUP.sub("", text[:MAX_TEXT].casefold())
    return _SPACES.sub(" ", t).strip()


# --- words ------------------------------------------------------------------------


def words(s: str) -> list[str]:
    """Folded word tokens of ``s`` (``fold``, then runs of letters/digits)."""
    return list(_words(s))


@functools.lru_cache(maxsize=1 << 14)
def _words(s: str) -> tuple[str, ...]:
    return tuple(WORD.findall(fold(s)))


def title_words(s: str) -> list[str]:
    """Folded words of a title, a leading article dropped: ``"The Moral
    Economy"`` -> ``["moral", "economy"]``."""
    ws = words(s)
    return ws[1:] if len(ws) > 1 and ws[0] in ARTICLES else ws


# --- headings ------------------------------------------------------------------------


def heading_key(line: str) -> str:
    """A line reduced to a heading key: no markup, numbering, case or colon.

    >>> heading_key("#### 8. Reference List:")
    'reference list'
    """
    s = line.strip()[:120]
    s = _MD_HASHES.sub("", s)
    s = s.replace("*", "").replace("_", " ").strip()
    s = HEAD_NUM.sub("", s)
    s = s.strip(" \t:.：-–—")
    return _SPACES.sub(" ", s).casefold()


def heading_kind(line: str) -> str | None:
    """'bibliography' | 'notes' | 'sub' for a reference-section heading line."""
    if len(line.strip()) > 80:
        return None
    key = heading_key(line)
    if key in SUB_HEADINGS:
        return "sub"
    for k in _heading_variants(key):
        if k in BIB_HEADINGS:
            return "bibliography"
        if k in NOTE_HEADINGS:
            return "notes"
    return None


def _heading_variants(key: str) -> list[str]:
    """A heading key without a qualifier ("ausgewählte literatur"), then, when
    it joins headings ("literatur / verweise", "references and further
    reading") and every part is one, its first part."""
    out = [key, _HEAD_QUALIFIER.sub("", key)]
    parts = [_HEAD_QUALIFIER.sub("", p.strip()) for p in _HEAD_JOIN.split(key)]
    known = BIB_HEADINGS | NOTE_HEADINGS | SUB_HEADINGS | _HEAD_PARTS
    if len(parts) > 1 and all(p in known for p in parts):
        out.append(parts[0])
    return out


def markdown_title(lines: list[str], limit: int = 50) -> tuple[str | None, int | None]:
    """(text, 1-based line) of the first ``# Title`` among the first ``limit``
    lines (emphasis markup and closing hashes dropped), else (None, None)."""
    for i, line in enumerate(lines[:limit], 1):
        m = _MD_TITLE.match(line.strip()[:1000])     # no lazy scan: linear
        if m:
            return _EMPHASIS.sub("", m.group(1).rstrip("#").rstrip()).strip(), i
    return None, None


# --- vocabulary and patterns -------------------------------------------------------

# lowercase name particles ("de la Cruz", "van Dijk", "ibn Khaldun"); the
# parser's features use this set as it is (parsing/names.py)
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "la", "le",
    "du", "des", "dos", "das", "ter", "ten", "vom", "zu", "zum", "zur", "af",
    "al", "el", "bin", "ibn", "st.", "d'", "l'", "op", "het", "'t"})
# the same particles (the word ones) as one regex group, longest first
PARTICLE = "(?:" + "|".join(sorted((p for p in PARTICLES if p.isalpha()),
                                   key=lambda p: (-len(p), p))) + ")"

# leading articles a title's words drop for matching
ARTICLES = {"the", "a", "an", "le", "la", "les", "l", "der", "die", "das", "el", "los", "las"}

WORD = re.compile(r"[^\W_]+", re.UNICODE)
YEAR_RE = re.compile(r"(?<!\d)" + YEAR + r"(?!\d)")
# a reference-list entry opening with its year, the authors of the entry
# above left out: "(1999b) Title", "ed. (2009) Title" (econ styles)
YEAR_FIRST = re.compile(r"^(?:eds?\.\s)?\(" + YEAR + r"[a-z]?\)\s")
# a law case: parties "X v Y" (or "R v Y") and a law-report citation, English
# "[1932] AC 562" / "[2004] UKHL 22" / "(1990) 12 Cr App R 3" or US
# "347 U.S. 483 (1954)"
CASE_CITATION = re.compile(
    r"(?<![\w'’])[A-Z][\w'’.&-]{0,40}(?:\s+(?:of|the|and|for|de|[A-Z][\w'’.&()-]{0,40})){0,6},?"
    r"\s+v\.?\s+[A-Z][^;]{0,80}?"
    r"(?:[\[(]" + YEAR + r"[\])]\s+(?:\d{1,4}\s+)?[A-Z][A-Za-z.]{0,10}(?:\s+[A-Z][A-Za-z.]{0,10}){0,3}"
    r"\s+\d{1,5}|,?\s+\d{1,4}\s+[A-Z][A-Za-z.]{0,10}(?:\s?[A-Za-z.\d]{1,10}){0,3}\s+\d{1,5}"
    r"(?:,\s*\d{1,5})?\s*\([^()]{0,30}?" + YEAR + r"\))")

_SPECIAL = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
                          "Œ": "OE", "ß": "ss", "đ": "d", "Đ": "D", "ł": "l",
                          "Ł": "L", "þ": "th", "ı": "i", "’": "'", "‘": "'",
                          "“": '"', "”": '"', "–": "-", "—": "-"})
_QUOTES_MARKUP = re.compile(r"[“”„«»\"‘’*_]")
_SPACES = re.compile(r"\s+")
_MD_HASHES = re.compile(r"^#{1,6}\s*")
_MD_TITLE = re.compile(r"#\s+(\S.*)")
_EMPHASIS = re.compile(r"[*_]{1,3}")

# numbering before a heading: "8.", "2.1", "IV.", "a)", "Chapter 3"
HEAD_NUM = re.compile(r"^(?:(?:chapter|kapitel|capitolo|capítulo|chapitre)\s+)?"
                      r"(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[ivxlc]{1,6}\.|[a-z]\))\s+", re.IGNORECASE)

# "Literatur / Verweise", "References and Further Reading": the parts of a heading
_HEAD_JOIN = re.compile(r"\s*/\s*|\s+(?:and|und|&|et|y|e|og|och|en)\s+")
# "Ausgewählte Literatur", "Selected References": a qualifier before the heading word
_HEAD_QUALIFIER = re.compile(r"^(?:ausgewählte|verwendete|zitierte|weiterführende|benutzte|"
                             r"selected|select|cited|consulted|recommended|further|additional)\s+")
# further parts a joined heading may have ("Literatur / Verweise")
_HEAD_PARTS = {"verweise", "links", "reading", "further reading", "abbreviations", "abkürzungen",
               "weblinks", "internet", "resources", "documents", "data"}
# heading keys (heading_key) of a reference list
BIB_HEADINGS = {
    "bibliography", "bibliographies", "references", "reference list", "reference",
    "list of references", "references cited", "works cited", "work cited",
    "works consulted", "literature", "literature cited", "cited literature",
    "literature list", "sources", "sources cited", "list of sources",
    "sources and literature", "sources and bibliography", "selected bibliography",
    "select bibliography", "further reading", "bibliography and sources",
    "references and notes", "citations",
    # de
    "literaturverzeichnis", "literatur", "quellen", "quellenverzeichnis",
    "quellen und literatur", "bibliographie", "literaturangaben",
    # it / es / pt / fr
    "bibliografia", "bibliografía", "riferimenti bibliografici", "fonti",
    "références", "références bibliographiques", "sources et bibliographie",
    "referencias", "referencias bibliográficas", "fuentes", "obras citadas",
    "referências", "referências bibliográficas",
    # nordic / dutch
    "litteratur", "litteraturliste", "litteraturlista", "litteraturförteckning",
    "kilder", "kildeliste", "kilder og litteratur", "referanser", "referencer",
    "källor", "referenser", "lähteet", "kirjallisuus", "bronnen", "literatuur",
    "literatuurlijst", "bronnenlijst",
    # others
    "список литературы", "литература", "источники", "bibliografie",
    "kaynakça", "kaynaklar", "piśmiennictwo", "bibliografia i źródła",
    "参考文献", "参考资料", "参考資料", "文献", "引用文献", "参考书目",
    "参考書目", "引用書目", "參考文獻", "參考資料", "참고문헌", "المراجع",
}
# heading keys of an endnotes section
NOTE_HEADINGS = {
    "notes", "endnotes", "end notes", "footnotes", "note", "notes and references",
    "anmerkungen", "fußnoten", "fussnoten", "endnoten", "notes de fin", "notas",
    "note finali", "noter", "noten", "sluttnoter", "slutnoter", "注", "注释",
    "注釋", "脚注", "尾注", "примечания",
}
# heading keys of a part of a reference list ("Primary sources")
SUB_HEADINGS = {
    "primary sources", "secondary sources", "primary literature",
    "secondary literature", "books", "articles", "journal articles",
    "book chapters", "chapters", "web", "websites", "web sources", "online sources",
    "internet sources", "newspapers", "newspaper articles", "reports",
    "government documents", "official documents", "legal documents", "laws",
    "legislation", "cases", "interviews", "films", "videos", "archives",
    "archival sources", "documents", "other", "other sources", "media",
    "news", "press", "books and articles", "monographs", "edited volumes",
    "dissertations", "theses", "datasets", "software", "podcasts",
    "primärquellen", "sekundärliteratur", "fonti primarie", "fonti secondarie",
    "fuentes primarias", "fuentes secundarias", "sources primaires",
    "sources secondaires", "primærkilder", "sekundærkilder", "一手资料",
    "二手资料", "中文文献", "英文文献", "外文文献",
}
# headings that end a reference section (matched against heading_key)
END_HEADINGS = re.compile(
    r"^(?:appendix|appendices|annex|annexe|anhang|anexo|allegato|vedlegg|bilaga|"
    r"bijlage|附录|index|acknowledg(?:e)?ments?|about the authors?|author biograph|"
    r"biographical note|curriculum vitae|glossary|list of (?:figures|tables)|"
    r"declaration|erklärung|related articles|further information|comments?$|"
    r"notes on contributors|"
    # a manuscript's tables and figures follow its reference list
    r"(?:tables?|figures?)(?: and (?:tables?|figures?))?$|(?:table|figure|fig)\.? \d+(?:$|[.:]? \w)|"
    r"figure (?:captions|legends)$)", re.IGNORECASE)
# heading keys of the front matter (a document opening with one has no title line)
FRONT_HEADINGS = {
    "abstract", "summary", "introduction", "preface", "foreword", "contents",
    "table of contents", "acknowledgements", "acknowledgments", "zusammenfassung",
    "einleitung", "inhalt", "inhaltsverzeichnis", "sammendrag", "innledning", "forord",
    "resumen", "introducción", "riassunto", "introduzione", "prefazione", "résumé",
    "sommaire", "前言", "摘要", "目录", "序言", "引言",
}
