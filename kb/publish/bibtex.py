r"""BibTeX export: one pybtex entry per work, accepted by bibtex and biber.

    >>> from kb.store import connect
    >>> from kb.publish.bibtex import bibtex_from_db
    >>> text = bibtex_from_db(connect("data/kb.db"))               # every work
    >>> text = bibtex_from_db(db, keys=["ahmed2017"], ascii=True)  # pure LaTeX

The Datasette plugin's ``.bib`` renderer calls ``bibtex_from_db(db, keys=...)``
(``db`` a sqlite_utils.Database or a sqlite3 connection; ``keys=None`` exports
every work, ``keys=[]`` none, unknown keys are skipped; ``strict=True`` raises
``kb.publish.select.SelectionError`` for them instead, as ``kb export`` does).
Lower level: ``bibtex_from_items(items)`` on items from
``kb.publish.select.load_items``, ``bib_entry(item)`` for one
``pybtex.database.Entry``.

Choices (each one checked by running real bibtex with plain.bst, biber and its
data-model validation in tests/test_export_bibtex.py, and by typesetting with
pdflatex + bibtex and pdflatex + biber/biblatex in tests/test_export_latex.py):

- Keys are ``works.key``.  Names are pybtex ``Person`` objects in the roles
  author, editor, translator; an organisation (``literal``) is braced whole so
  bibtex never splits it into first/last names.
- Entry types come from the CSL type; an entry that lacks a field its type
  requires in plain.bst becomes ``misc`` (so bibtex never warns), keeping every
  field; the container (journal, site, publisher) then goes to ``howpublished``.
  article-journal/-magazine/-newspaper -> article (author, journal, year);
  book -> book (author or editor, publisher, year); chapter and
  entry-encyclopedia -> incollection (author, booktitle, publisher, year);
  paper-conference -> inproceedings; report -> techreport (institution =
  publisher); thesis -> mastersthesis when the printed reference says
  master/M.A./M.Sc./MPhil, else phdthesis (school = publisher);
  everything else (webpage, post-weblog, legislation, motion_picture,
  broadcast, interview, speech, ...) -> misc with
  ``howpublished = {container, \url{...}}`` and the kind in ``note``
  (a URL holding % # or ^ is written there as escaped text instead, since
  biber's .bbl passes howpublished through a macro argument where \url
  cannot take those).
  A book with both author and editor keeps the editors in ``note``
  ("Edited by ...") because plain.bst refuses both.
- An entry without the names plain.bst sorts by (the author; for books the
  author or editor) gets a ``key`` field: the editors' family names, else the
  title.  Names with no letter at all ("0", a parsing slip) are dropped.
  Months are written as the bibtex macros jan..dec; ISO ``date`` is kept when
  it is more precise than the year (biber uses it, bibtex ignores it);
  ``urldate`` from ``accessed``; pages use ``--``.
- Text is LaTeX-safe: & % $ # _ { } ~ ^ \ are escaped (braces as
  ``\textbraceleft{}``/``\textbraceright{}`` so bibtex's brace counting stays
  balanced).  In titles every word holding a capital is braced, so styles that
  sentence-case titles (plain.bst) keep proper nouns and acronyms as printed.
- ``url`` and ``doi`` stay verbatim (biblatex and url.sty read them raw); only
  characters that would break bibtex's parser (braces, backslash, spaces) are
  percent-encoded, which names the same URL.
- ``biblatex=True`` (``kb export bibtex --biblatex``) writes biblatex's own
  types for biber instead: webpage/post-weblog (and anything else with a URL
  but no container) -> online (site in ``organization``), report -> report
  (type techreport), thesis -> thesis (type mathesis/phdthesis), an edited
  book -> collection; no ``key`` field and no URL in ``howpublished``, so
  each URL is printed once (from ``url``).  Every field is valid for its type
  in biber's data model.
- Unicode is kept by default (biber, or bibtex with inputenc).  ``ascii=True``
  encodes non-ASCII text to LaTeX with latexcodec, bracing each accented
  character (``Fra{\"\i}sse``); stacked diacritics are nested
  (``Nguy{\~{\^{e}}}n``).  Characters LaTeX cannot spell in ASCII (CJK,
  Vietnamese horn and hook) are kept as UTF-8; ``non_ascii_keys`` reports them.
"""
from __future__ import annotations

import codecs
import io
import re
import unicodedata

import latexcodec  # noqa: F401  (registers the "ulatex" codecs)
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer

from .select import load_items, select_work_ids

# -- LaTeX text ----------------------------------------------------------------

SPECIALS = {
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}

# combining mark -> LaTeX accent command (for stacked diacritics)
ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0308": '"',
    "\u0304": "=", "\u0307": ".", "\u0306": "u", "\u030c": "v", "\u030b": "H",
    "\u0327": "c", "\u0328": "k", "\u0323": "d", "\u0331": "b", "\u030a": "r",
}

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
          "nov", "dec")


# latexcodec spells these Greek letters as math commands LaTeX lacks: keep them
NO_SUCH_COMMAND = {r"\Alpha", r"\Beta", r"\Epsilon", r"\Zeta", r"\Eta", r"\Iota",
                   r"\Kappa", r"\Mu", r"\Nu", r"\Omicron", r"\omicron", r"\Rho",
                   r"\Tau", r"\Chi"}


def _ascii_char(char: str) -> str | None:
    """LaTeX for one non-ASCII character, or None when LaTeX has no ASCII form."""
    try:
        latex = codecs.encode(char, "ulatex+ascii")
    except UnicodeEncodeError:
        latex = _accented(char)
    m = re.fullmatch(r"\$(\\[A-Za-z]+)\$", latex or "")
    if m and m.group(1) in NO_SUCH_COMMAND:
        return None
    if latex is None:
        return None
    # braced so bibtex counts it as one character and never changes its case
    return "{" + latex + "}" if ("\\" in latex or "$" in latex) else latex


def _accented(char: str) -> str | None:
    """Nest accent commands for a character with several diacritics."""
    base, *marks = unicodedata.normalize("NFD", char)
    if not marks or not all(m in ACCENTS for m in marks):
        return None
    above = "\u0300\u0301\u0302\u0303\u0308\u0304\u0306\u030c"
    if base in "ij" and any(m in above for m in marks):
        base = "\\" + base   # dotless i/j under an accent above
    elif not base.isascii():
        return None
    latex = base
    for mark in marks:
        latex = f"\\{ACCENTS[mark]}{{{latex}}}"
    return latex


def latex_text(text: str, ascii: bool = False) -> str:
    """``text`` escaped for a BibTeX field (LaTeX-encoded when ``ascii``)."""
    out = []
    text = unicodedata.normalize("NFC", text)
    for char in text:
        if char in SPECIALS:
            out.append(SPECIALS[char])
        elif char.isascii() or not ascii:
            out.append(char)
        else:
            out.append(_ascii_char(char) or char)
    return "".join(out)


def _split_word(word: str) -> tuple[str, str, str]:
    """(leading punctuation, the word from first to last letter/digit, trailing)."""
    alnum = [i for i, c in enumerate(word) if c.isalnum()]
    if not alnum:
        return word, "", ""
    return word[:alnum[0]], word[alnum[0]:alnum[-1] + 1], word[alnum[-1] + 1:]


def protect_title(title: str, ascii: bool = False) -> str:
    """Escape a title and brace every word that holds a capital letter."""
    out = []
    for part in re.split(r"(\s+)", title.strip()):
        # brace the word itself, not the punctuation around it
        lead, core, tail = _split_word(part)
        latex = latex_text(core, ascii)
        if any(c.isupper() for c in core):
            latex = "{" + latex + "}"
        out.append(latex_text(lead, ascii) + latex + latex_text(tail, ascii))
    return "".join(out)


def safe_url(url: str) -> str:
    """A URL bibtex can carry verbatim: braces, backslashes, spaces %-encoded."""
    url = url.strip()
    for char, code in (("{", "%7B"), ("}", "%7D"), ("\\", "%5C"), (" ", "%20"),
                       ("\t", "%09"), ("\n", "%0A"), ('"', "%22")):
        url = url.replace(char, code)
    return url


def url_text(url: str) -> str:
    r"""A URL for running text (``howpublished``): ``\url{...}`` when that is
    safe inside a macro argument (biber's .bbl puts it in one), else the URL
    as escaped text: url.sty cannot take % # ^ there, and prints \% as is."""
    if any(c in url for c in "%#^\\{}"):
        return latex_text(url)
    return r"\url{" + url + "}"


def valid_isbn(isbn: str) -> bool:
    """True for an ISBN-10/13 whose check digit is right (biber warns otherwise)."""
    digits = re.sub(r"[\s-]", "", isbn.upper())
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        return sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits)) % 10 == 0
    return False


def plain_pages(pages: str) -> bool:
    """True for page text made of page-like characters (biber parses it as a
    range); anything else goes to the note."""
    pages = pages.strip()
    ends = re.split(r"[-\u2010-\u2015,]+", pages)      # a list of ranges: "3-5, 9"
    return (bool(re.fullmatch(r"[\w(.][\w\s.,:;/()+\-\u2010-\u2015]*", pages))
            and any(c.isalnum() for c in pages)
            and "0" not in (e.strip() for e in ends))     # biber reads "0" as empty


def bib_pages(pages: str) -> str:
    """``243-254`` / ``243–254`` -> ``243--254``."""
    return re.sub(r" ?[-\u2010-\u2015\u2212]+ ?", "--", " ".join(pages.split()[:20]))


# -- names ---------------------------------------------------------------------

def _name_part(text: str, ascii: bool) -> str:
    latex = latex_text(text.strip(), ascii)
    # a comma or a bare "and" would split the name or the name list
    if "," in text or re.search(r"(?i)(^|\s)and(\s|$)", text):
        latex = "{" + latex + "}"
    return latex


def _name_text(text) -> str:
    """A name part as a name: no braces or backslashes (escaped, biber decodes
    them back and misreads the name), starting with a letter or digit and not
    ending in a comma (biber rejects "Lee, ,A"); "" when no letter or digit."""
    text = re.sub(r"[{}\\]", "", str(text or ""))
    alnum = [i for i, c in enumerate(text) if c.isalnum()]
    if not alnum:
        return ""
    return text[alnum[0]:].rstrip(",;: \t\n")


def is_name(name: dict) -> bool:
    """False for "0", "." and the like: a parsing slip, not a name (biber
    rejects "0" as an empty name)."""
    text = "".join(str(name.get(k) or "") for k in ("family", "given", "literal"))
    return any(c.isalpha() for c in text)


def person(name: dict, ascii: bool = False) -> Person | None:
    """A pybtex Person from a CSL name dict; organisations braced whole."""
    # a part with no letter or digit ("-", ".") is no name: bibtex would read
    # "Lee, -" as a name ending in a comma (an error)
    family, given, literal = (_name_text(name.get(k)) for k in ("family", "given", "literal"))
    if not family and not literal:
        literal = given
        given = ""
    if not is_name(name):
        return None
    if not family:
        return Person(last="{" + latex_text(literal, ascii) + "}") if literal else None
    # a comma inside a person's name is a parsing slip; biber rejects a name
    # with more than two commas even when braced ("Lee, {A, B, C}")
    family, given = (" ".join(x.replace(",", " ").split()) for x in (family, given))
    return Person(first=_name_part(given, ascii) if given else "",
                  last=_name_part(family, ascii))


def names_text(names: list[dict]) -> str:
    """Plain "A and B" list of names for a note."""
    out = []
    for n in names:
        if n.get("family"):
            out.append(" ".join(x for x in (n.get("given"), n.get("family")) if x))
        elif n.get("literal") or n.get("given"):
            out.append(n.get("literal") or n.get("given"))
    return " and ".join(out)


# -- entry types ---------------------------------------------------------------

MISC_NOTES = {
    "legislation": "Legislation", "legal_case": "Legal case",
    "motion_picture": "Film", "broadcast": "Broadcast", "interview": "Interview",
    "speech": "Speech", "personal_communication": "Personal communication",
    "dataset": "Dataset", "song": "Recording", "map": "Map", "patent": "Patent",
}

MASTERS = re.compile(
    r"(?i)\bmaster(?:'?s)?\b|\bmasteroppgave\b|\bmasterarbeit\b|\bmagister|\bm\u00e9moire\b"
    r"|\b(?:M\.?\s?A|M\.?\s?Sc|M\.?\s?Phil|MBA|MRes)\.?(?!\w)"
    r"(?=[^.]{0,40}?\b(?:thesis|dissertation|degree)\b)")

# bibtex type -> fields plain.bst requires ("author|editor" = either)
REQUIRED = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "mastersthesis": ("author", "title", "school", "year"),
    "misc": (),
}


def is_masters(item: dict) -> bool:
    """True when a printed reference names a master's-level thesis."""
    return any(MASTERS.search(raw[:2000]) for raw in item.get("raws") or ())


def preferred_type(item: dict) -> str:
    """The BibTeX type a work's CSL type maps to, before required-field checks."""
    csl = (item.get("type") or "").lower()
    if csl.startswith("article"):
        return "article"
    if csl == "book":
        return "book"
    if csl in ("chapter", "entry-encyclopedia", "entry-dictionary", "entry"):
        return "incollection"
    if csl == "paper-conference":
        return "inproceedings"
    if csl == "report":
        return "techreport"
    if csl == "thesis":
        return "mastersthesis" if is_masters(item) else "phdthesis"
    return "misc"


def biblatex_type(item: dict) -> str:
    """The biblatex type (biber): its own types, no fallback for missing
    fields (biblatex prints what there is), but a container is still needed
    for article/incollection/inproceedings."""
    csl = (item.get("type") or "").lower()
    container = bool(item.get("container_title"))
    if csl in ("webpage", "post-weblog", "post"):
        return "online" if item.get("url") else "misc"
    if csl == "book":
        return "collection" if item.get("editors") and not item.get("authors") else "book"
    if csl in ("report", "thesis") and item.get("publisher"):
        return csl            # institution = publisher
    bib = preferred_type(item)
    if bib in ("techreport", "phdthesis", "mastersthesis") or (
            bib in ("article", "incollection", "inproceedings") and not container):
        bib = "misc"
    return "online" if bib == "misc" and item.get("url") else bib


def entry_type(item: dict, biblatex: bool = False) -> str:
    """The BibTeX type: the preferred one when its required fields are there."""
    if biblatex:
        return biblatex_type(item)
    bib = preferred_type(item)
    have = {
        "author": bool(item.get("authors")),
        "editor": bool(item.get("editors")),
        "title": bool(item.get("title")),
        "year": item.get("year") is not None,
        "journal": bool(item.get("container_title")),
        "booktitle": bool(item.get("container_title")),
        "publisher": bool(item.get("publisher")),
        "institution": bool(item.get("publisher")),
        "school": bool(item.get("publisher")),
    }
    for need in REQUIRED[bib]:
        if not any(have[f] for f in need.split("|")):
            return "misc"
    return bib


# -- entries -------------------------------------------------------------------

def _pages(item: dict, fields: dict, notes: list, tx) -> None:
    """pages with ``--`` (escaped by ``tx``); page text bibtex cannot sort goes to the note."""
    if item.get("pages"):
        if plain_pages(str(item["pages"])):
            fields["pages"] = tx(bib_pages(str(item["pages"])))
        else:
            notes.append(f"pp. {item['pages']}")


def _year(item: dict, fields: dict) -> None:
    """year, and month/date where the date is that precise."""
    if item.get("year") is not None:
        fields["year"] = str(item["year"])
        month, date = _date_parts(item)
        if month:
            fields["month"] = month
            fields["date"] = date


def _isbn(item: dict, fields: dict, notes: list) -> None:
    """A valid ISBN goes to ``isbn``; a mistyped one to the note."""
    isbn = str(item.get("isbn") or "").strip()
    if isbn and valid_isbn(isbn):
        fields["isbn"] = isbn
    elif isbn:
        notes.append(f"ISBN {isbn}")


def _date_parts(item: dict) -> tuple[str | None, str | None]:
    """(month macro, ISO date when more precise than the year)."""
    date = (item.get("date") or "").strip()
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", date)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None, None
    if item.get("year") is not None and int(m.group(1)) != int(item["year"]):
        return None, None
    return MONTHS[int(m.group(2)) - 1], date


def _sort_key(item: dict, bib: str, persons: dict) -> str | None:
    """Text for plain.bst's ``key`` field, which it sorts by when the names it
    sorts by (the author; for books the author or editor) are missing."""
    if persons.get("author") or (bib == "book" and persons.get("editor")):
        return None
    editors = [n.get("family") or n.get("literal") for n in item.get("editors") or []]
    for text in (" ".join(e for e in editors if e), item.get("title"),
                 item.get("container_title"), item.get("publisher")):
        if text and text.strip():
            return text.strip()
    return item["key"]


def bib_fields(item: dict, ascii: bool = False,
               biblatex: bool = False) -> tuple[str, dict, dict]:
    """(bibtex type, fields, persons) for one item; values already LaTeX."""
    item = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in item.items()}
    item.update({role: [n for n in item.get(role) or [] if is_name(n)]
                 for role in ("authors", "editors", "translators")})
    if biblatex:
        return _biblatex_fields(item, ascii)
    bib = entry_type(item)
    tx = lambda s: latex_text(str(s), ascii)  # noqa: E731
    container = item.get("container_title")
    publisher = item.get("publisher")
    url = safe_url(item["url"]) if item.get("url") else None
    fields, persons, notes = _start_fields(item, bib, ascii, tx, ("misc",))
    if bib == "book" and "author" in persons and "editor" in persons:
        notes.append("Edited by " + names_text(item["editors"]))
        del persons["editor"]
    if bib == "techreport":
        fields["institution"] = tx(publisher)
    elif bib in ("phdthesis", "mastersthesis"):
        fields["school"] = tx(publisher)
    elif bib == "misc":
        how = [tx(x) for x in (container, publisher) if x] + _misc_parts(item, tx)
        if url:
            how.append(url_text(url))
        if how:
            fields["howpublished"] = ", ".join(how)
    elif bib == "article":      # biblatex articles take neither field
        if publisher:
            notes.append(publisher)
        if item.get("edition"):
            notes.append(f"{item['edition']} ed.")
    elif publisher:
        fields["publisher"] = tx(publisher)
    if item.get("place"):
        fields["address"] = tx(item["place"])
    if bib != "misc":   # misc keeps these in howpublished
        if item.get("edition") and bib != "article":
            fields["edition"] = tx(item["edition"])
        if item.get("volume"):
            fields["volume"] = tx(item["volume"])
        if item.get("issue"):
            # plain.bst refuses a number without a volume in articles, and a
            # number without a series (which kb never has) in books and
            # collections: such a number goes to the note
            if (bib == "article" and not item.get("volume")) or (
                    bib in ("book", "incollection", "inproceedings")):
                notes.append(f"No. {item['issue']}")
            else:
                fields["number"] = tx(item["issue"])
        _pages(item, fields, notes, tx)
    _year(item, fields)
    _isbn(item, fields, notes)
    if item.get("doi"):
        fields["doi"] = safe_url(item["doi"])
    if url:
        fields["url"] = url
    if item.get("accessed"):
        fields["urldate"] = tx(item["accessed"])
    if bib == "misc":
        label = MISC_NOTES.get((item.get("type") or "").lower())
        if label:
            notes.insert(0, label)
        if item.get("accessed") and url:
            notes.append(f"Accessed {item['accessed']}")
    if bib == "misc" and not (persons.get("author") or fields.keys() & {
            "title", "howpublished", "year"} or notes):
        # nothing parsed: the text as printed (plain.bst wants some field)
        notes.append((item.get("raws") or [item["key"]])[0][:500])
    if notes:
        fields["note"] = ". ".join(tx(n) for n in notes)
    sort = _sort_key(item, bib, persons)
    if sort:
        # blank after encoding (only markup, say): the citation key sorts it
        fields["key"] = tx(sort).strip() or tx(item["key"])
    return bib, fields, persons


def _start_fields(item: dict, bib: str, ascii: bool, tx,
                  translator_in_note: tuple) -> tuple[dict, dict, list]:
    """(fields, persons, notes) both builders start from: the people, the
    title and the journal or book title; in ``translator_in_note`` types
    (which have no translator field) translators go to the note."""
    fields: dict[str, str] = {}
    persons = _persons(item, ascii)
    notes: list[str] = []
    if bib in translator_in_note and "translator" in persons:
        notes.append("Translated by " + names_text(item["translators"]))
        del persons["translator"]
    if item.get("title"):
        fields["title"] = protect_title(item["title"], ascii)
    if bib == "article":
        fields["journal"] = tx(item.get("container_title"))
    elif bib in ("incollection", "inproceedings"):
        fields["booktitle"] = tx(item.get("container_title"))
    return fields, persons, notes


def _persons(item: dict, ascii: bool) -> dict[str, list[Person]]:
    """pybtex persons by role (author, editor, translator), empty roles left out."""
    out = {}
    for role, name in (("author", "authors"), ("editor", "editors"),
                       ("translator", "translators")):
        people = [p for p in (person(n, ascii) for n in item.get(name) or []) if p]
        if people:
            out[role] = people
    return out


def _misc_parts(item: dict, tx) -> list[str]:
    """Volume, issue, pages and edition as printed in a misc entry's text."""
    return [f"{label} {tx(value)}" for label, value in (
        ("vol.", item.get("volume")), ("no.", item.get("issue")),
        ("pp.", bib_pages(str(item.get("pages") or ""))), ("ed.", item.get("edition")))
        if value]


def _biblatex_fields(item: dict, ascii: bool) -> tuple[str, dict, dict]:
    """bib_fields for biblatex/biber: native types, the URL only in ``url``."""
    bib = biblatex_type(item)
    tx = lambda s: latex_text(str(s), ascii)  # noqa: E731
    container, publisher = item.get("container_title"), item.get("publisher")
    fields, persons, notes = _start_fields(item, bib, ascii, tx, ("misc", "online"))
    if bib in ("online", "misc"):
        site = [tx(x) for x in (container, publisher) if x]
        if bib == "misc":
            site += _misc_parts(item, tx)
        if site:
            fields["organization" if bib == "online" else "howpublished"] = ", ".join(site)
    if bib in ("report", "thesis"):
        fields["institution"] = tx(publisher)
        fields["type"] = ("techreport" if bib == "report" else
                          "mathesis" if is_masters(item) else "phdthesis")
    elif bib == "article":      # biblatex articles have no publisher or place
        notes += [x for x in (publisher, item.get("place")) if x]
    elif bib not in ("online", "misc") and publisher:
        fields["publisher"] = tx(publisher)
    if item.get("place") and bib not in ("online", "article"):
        fields["address"] = tx(item["place"])
    if bib not in ("online", "misc"):
        for field, key in (("edition", "edition"), ("volume", "volume"),
                           ("issue", "number")):
            if item.get(field) and not (field == "volume" and bib == "report"):
                fields[key] = tx(item[field])
        if bib == "report" and item.get("volume"):
            notes.append(f"Vol. {item['volume']}")
        _pages(item, fields, notes, tx)
    _year(item, fields)
    if bib not in ("online", "misc", "article"):
        _isbn(item, fields, notes)
    elif item.get("isbn"):
        notes.append(f"ISBN {item['isbn']}")
    if item.get("doi"):
        fields["doi"] = safe_url(item["doi"])
    if item.get("url"):
        fields["url"] = safe_url(item["url"])
    if item.get("accessed"):
        fields["urldate"] = tx(item["accessed"])
    label = MISC_NOTES.get((item.get("type") or "").lower())
    if label and bib in ("misc", "online"):
        notes.insert(0, label)
    if not (persons or fields or notes):
        notes.append((item.get("raws") or [item["key"]])[0][:500])   # never empty
    if notes:
        fields["note"] = ". ".join(tx(n) for n in notes)
    return bib, fields, persons


def bib_entry(item: dict, ascii: bool = False, biblatex: bool = False) -> Entry:
    """The pybtex Entry for one export item."""
    bib, fields, persons = bib_fields(item, ascii, biblatex)
    return Entry(bib, fields=protect_lists(fields), persons=persons)


def bib_key(key: str) -> str:
    """A citation key bibtex can read (no spaces, commas, braces, quotes...)."""
    return re.sub(r'[\s,{}()"#%\'=\\~]', "-", key) or "work"


# fields biber reads as "and"-separated lists: one publisher/place stays one
LIST_FIELDS = ("publisher", "address", "institution", "school", "organization")


def protect_lists(fields: dict) -> dict:
    """Brace list-field values holding a bare "and" ("Simon and Schuster")."""
    return {k: "{" + v + "}" if k in LIST_FIELDS and re.search(r"(?i)(^|\s)and(\s|$)", v)
            else v for k, v in fields.items()}


class LatexWriter(Writer):
    """pybtex's writer, with values that are already LaTeX and month macros."""

    def _encode(self, text):
        return text

    def _write_field(self, stream, type, value):
        if type == "month" and value in MONTHS:
            stream.write(f",\n    {type} = {value}")
        else:
            self.check_braces(value)
            stream.write(f",\n    {type} = {{{value}}}")


def bibliography(items: list[dict], ascii: bool = False,
                 biblatex: bool = False) -> BibliographyData:
    """pybtex BibliographyData for ``items`` (keys = works.key)."""
    data = BibliographyData()
    for item in items:
        key, n = bib_key(item["key"]), 1
        while key in data.entries:          # two keys that differ only in bad chars
            n += 1
            key = f"{bib_key(item['key'])}-{n}"
        data.add_entry(key, bib_entry(item, ascii, biblatex))
    return data


def write_bibtex(data: BibliographyData) -> str:
    """BibliographyData as .bib text."""
    stream = io.StringIO()
    LatexWriter(encoding="UTF-8").write_stream(data, stream)
    return stream.getvalue()


def bibtex_from_items(items: list[dict], ascii: bool = False,
                      biblatex: bool = False) -> str:
    """.bib text for export items."""
    return write_bibtex(bibliography(items, ascii, biblatex))


def bibtex_from_db(db, keys=None, ascii: bool = False, document=None,
                   query=None, strict: bool = False, biblatex: bool = False) -> str:
    """.bib text for the works chosen (every work when no option is given;
    ``keys=[]`` gives ""); unknown keys are skipped unless ``strict``.
    With the default options the entries the build stored are used."""
    db = _as_database(db)
    ids = select_work_ids(db, document=document, keys=keys, query=query, strict=strict)
    if ascii or biblatex:
        return bibtex_from_items(load_items(db, ids), ascii, biblatex)
    return stored_bibtex_text(db, ids)


# -- entries stored by the build (store.work_bibtex) ---------------------------

def entry_text(item: dict, key: str | None = None) -> str:
    """One item's entry as .bib text (default options), under ``key``
    (``bib_key`` of its work key by default)."""
    data = BibliographyData()
    data.add_entry(key or bib_key(item["key"]), bib_entry(item))
    return write_bibtex(data)


def store_entries(db, chunk: int = 500) -> int:
    """Store the BibTeX entry of every work that has none (new or changed
    since, see store.BIBTEX_TRIGGERS); returns how many were written.  A
    work whose entry cannot be written is left out (its export says why)."""
    from .. import store
    db = _as_database(db)
    ids, written = store.works_without_bibtex(db), 0
    for start in range(0, len(ids), chunk):
        rows = []
        for item in load_items(db, ids[start:start + chunk]):
            try:
                rows.append((item["id"], bib_key(item["key"]), entry_text(item)))
            except Exception:  # noqa: BLE001 - made (and failing) again at export
                continue
        store.write_work_bibtex(db, rows)
        written += len(rows)
    return written


def stored_bibtex_text(db, ids: list[int]) -> str:
    """``bibtex_from_items(load_items(db, ids))``, byte for byte, from the
    stored entries; works without one are made here."""
    from .. import store
    stored = store.stored_bibtex(db, ids)
    made = {item["id"]: item for item in load_items(db, [i for i in ids if i not in stored])}
    texts, used = [], set()
    for work_id in ids:
        if work_id in stored:
            base, text = stored[work_id]
        elif work_id in made:
            base, text = bib_key(made[work_id]["key"]), None
        else:
            continue
        key, n = base, 1
        while key.lower() in used:       # as bibliography(): pybtex keys ignore case
            n += 1
            key = f"{base}-{n}"
        used.add(key.lower())
        if text is None:
            text = entry_text(made[work_id], key)
        elif key != base:
            head, _, rest = text.partition("{")
            text = f"{head}{{{key}{rest[len(base):]}"
        texts.append(text)
    return "\n".join(texts)


def non_ascii_keys(text: str) -> list[str]:
    """Keys of entries in .bib ``text`` that still hold non-ASCII characters."""
    keys, current = [], None
    for line in text.splitlines():
        m = re.match(r"@\w+\{(.*),?$", line)
        if m:
            current = m.group(1).rstrip(",")
        elif not line.isascii() and current and current not in keys:
            keys.append(current)
    return keys


def _as_database(db):
    """Accept a sqlite_utils.Database or a sqlite3 connection."""
    import sqlite3

    import sqlite_utils
    if isinstance(db, sqlite3.Connection):
        return sqlite_utils.Database(db)
    return db
