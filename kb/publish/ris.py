"""RIS export (Zotero, Mendeley, EndNote), written with rispy.

    >>> from kb.store import connect
    >>> from kb.publish.ris import ris_from_db, ris_entry
    >>> text = ris_from_db(connect("data/kb.db"), document="001_55ce07cbde726804")

Tags: TY from the CSL type (JOUR, MGZN, NEWS, BOOK, CHAP, ENCYC, CONF, RPRT,
THES, ELEC, BLOG, STAT, CASE, MPCT, SOUND, PCOMM, DATA, GEN), ID = works.key,
AU authors ("Family, Given" or the organisation's name), A2 editors,
A4 translators, TI, T2 container (JO too for journals), PY year, DA date
(YYYY/MM/DD), VL, IS, SP/EP pages, ET, PB, CY, UR, DO, SN (ISBN), Y2 accessed,
M3 the kind of thesis.
"""
from __future__ import annotations

import re

import rispy

from .select import select_items

RIS_TYPES = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS",
    "article": "JOUR", "book": "BOOK", "chapter": "CHAP", "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT", "paper-conference": "CPAPER", "report": "RPRT",
    "thesis": "THES", "webpage": "ELEC", "post-weblog": "BLOG", "post": "ELEC",
    "legislation": "STAT", "bill": "BILL", "legal_case": "CASE", "motion_picture": "MPCT",
    "broadcast": "MPCT", "interview": "PCOMM", "speech": "SOUND",
    "personal_communication": "PCOMM", "dataset": "DATA", "map": "MAP",
    "patent": "PAT", "software": "COMP", "song": "SOUND", "manuscript": "MANSCPT",
}


class PlainRisWriter(rispy.RisWriter):
    """rispy's writer without its "1." counter lines (not part of RIS)."""

    def set_header(self, count):
        return ""


def ris_name(name: dict) -> str:
    if name.get("family"):
        return ", ".join(x for x in (name["family"], name.get("given")) if x)
    return name.get("literal") or name.get("given") or ""


def ris_date(iso: str | None) -> str | None:
    """``2017-01-24`` -> ``2017/01/24`` (RIS DA/Y2 form)."""
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", (iso or "").strip())
    if not m:
        return None
    return "/".join(p for p in m.groups() if p)


def ris_entry(item: dict) -> dict:
    """One rispy entry dict for an export item."""
    csl = (item.get("type") or "").lower()
    out: dict = {"type_of_reference": RIS_TYPES.get(csl, "GEN"), "id": item["key"]}
    for field, tag in (("authors", "authors"), ("editors", "secondary_authors"),
                       ("translators", "subsidiary_authors")):
        names = [ris_name(n) for n in item.get(field) or []]
        if names:
            out[tag] = [n for n in names if n]
    simple = {"title": "title", "container_title": "secondary_title",
              "volume": "volume", "issue": "number", "edition": "edition",
              "publisher": "publisher", "place": "place_published", "doi": "doi",
              "isbn": "issn"}
    for field, key in simple.items():
        if item.get(field) not in (None, ""):
            out[key] = str(item[field])
    if csl.startswith("article") and item.get("container_title"):
        out["journal_name"] = item["container_title"]
    if item.get("year") is not None:
        out["year"] = str(item["year"])
    if ris_date(item.get("date")):
        out["date"] = ris_date(item["date"])
    if item.get("pages"):
        m = re.match(r"^\s*(\S+?)\s*[-\u2010-\u2015]+\s*(\S+)\s*$", item["pages"])
        first, last = m.groups() if m else (item["pages"].strip(), None)
        out["start_page"] = first
        if last:
            out["end_page"] = last
    if csl == "thesis":
        from .bibtex import is_masters
        out["type_of_work"] = "Master's thesis" if is_masters(item) else "PhD thesis"
    if item.get("url"):
        out["urls"] = [item["url"]]
    if ris_date(item.get("accessed")):
        out["access_date"] = ris_date(item["accessed"])
    return out


def ris_from_db(db, keys=None, document=None, query=None) -> str:
    """RIS text for the works chosen (every work by default)."""
    items = select_items(db, document=document, keys=keys, query=query)
    return rispy.dumps([ris_entry(i) for i in items], implementation=PlainRisWriter)
