"""A work's row from its refs: the best ref, the fields, the source category.

    >>> row, info = work_fields(refs_of_one_work)   # cleaned refs (``clean_ref``)
    >>> best_ref(refs)                              # the fullest ref
    >>> source_category("report", refs)             # e.g. "NGO or think tank"

Patterns and the category tables are at the bottom of the module.
"""
from __future__ import annotations

import json
import re
from collections import Counter

from .normalise import (clean_name, display_name, fold, int_year, name_list, norm_doi,
                        norm_isbn, norm_url, url_domain)

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


# --------------------------------------------------------------------------
# Source categories
# --------------------------------------------------------------------------
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
# Work rows
# --------------------------------------------------------------------------
def clean_ref(ref: dict, index: int) -> dict:
    """A copy of ``ref`` with the shapes resolve relies on (ids, name lists,
    text fields as str, year as int or None)."""
    r = dict(ref)
    r["id"] = ref.get("id", index)
    for col in ("authors", "editors", "translators"):
        r[col] = name_list(ref.get(col))
    for col in _TEXT_FIELDS:
        v = r.get(col)
        r[col] = None if v is None or v == "" else str(v)
    r["year"] = int_year(ref.get("year"))
    return r


def fullness(ref: dict) -> tuple:
    """How full a ref is (bigger is fuller): a full ref before a short form,
    then one naming authors, a bibliography entry, more of FULLNESS_FIELDS
    filled, a longer title.  The one rule for a work's best ref, used here
    (the work's row) and by the exporters (``publish.select``)."""
    filled = sum(1 for k in FULLNESS_FIELDS if ref.get(k))
    return (not ref.get("short_form"), bool(name_list(ref.get("authors"))),
            ref.get("kind") == "bibliography", filled, len(ref.get("title") or ""))


def fullest_first(refs: list[dict]) -> list[dict]:
    """The full refs (all refs when none is full), fullest first; ties keep
    their order."""
    full = [r for r in refs if not r.get("short_form")] or list(refs)
    return sorted(full, key=fullness, reverse=True)


def best_ref(refs: list[dict]) -> dict | None:
    """The fullest ref (``fullness``), the first given on ties; None for no refs."""
    ranked = fullest_first(refs)
    return ranked[0] if ranked else None


def work_fields(crefs: list[dict]) -> tuple[dict, dict]:
    """A work's row (without id and key) from its refs (cleaned, in document /
    position order), and what keys and authors are made from."""
    full = fullest_first(crefs)
    rep = full[0]
    with_authors = [r for r in full if r.get("authors")]
    author_src = rep if rep.get("authors") else (with_authors[0]
                                                 if with_authors else rep)
    types = Counter(r.get("type") for r in full if r.get("type"))
    wtype = (max(types.items(), key=lambda kv: (kv[1], kv[0] == rep.get("type")))[0]
             if types else rep.get("type"))
    years = Counter(int_year(r.get("year")) for r in full if int_year(r.get("year")))
    year = (max(years.items(), key=lambda kv: (kv[1], -kv[0]))[0]
            if years else int_year(rep.get("year")))

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


# --------------------------------------------------------------------------
# Patterns
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
_TEXT_FIELDS = ("raw", "title", "container_title", "publisher", "url", "doi", "isbn",
                "type", "kind", "year_suffix", "edition")
#: the fields whose filling makes a ref fuller (``fullness``)
FULLNESS_FIELDS = ("title", "year", "container_title", "publisher", "url", "doi", "isbn",
                   "place", "volume", "pages")
