"""CSL-JSON export (Zotero, Mendeley, pandoc, citeproc).

    >>> from kb.store import connect
    >>> from kb.publish.csl import csl_json_from_db, csl_item
    >>> text = csl_json_from_db(connect("data/kb.db"), keys=["ahmed2017"])
    >>> csl_item(item)      # one export item (kb.publish.select) -> CSL dict

Each item's ``id`` is ``works.key``; names keep their family/given/literal
split; ``issued`` and ``accessed`` are ``date-parts`` as precise as the store
knows; a type outside the CSL vocabulary becomes ``document``.  The output
validates against the CSL-JSON schema (tests/data/csl-data.json).
"""
from __future__ import annotations

import json
import re

from .select import select_items

CSL_TYPES = frozenset((
    "article article-journal article-magazine article-newspaper bill book broadcast "
    "chapter classic collection dataset document entry entry-dictionary "
    "entry-encyclopedia figure graphic hearing interview legal_case legislation "
    "manuscript map motion_picture musical_score pamphlet paper-conference patent "
    "performance periodical personal_communication post post-weblog regulation "
    "report review review-book software song speech standard thesis treaty webpage"
).split())

# store field -> CSL variable (strings)
TEXT_FIELDS = {
    "title": "title", "container_title": "container-title", "volume": "volume",
    "issue": "issue", "pages": "page", "edition": "edition", "publisher": "publisher",
    "place": "publisher-place", "url": "URL", "doi": "DOI", "isbn": "ISBN",
}
NAME_FIELDS = {"authors": "author", "editors": "editor", "translators": "translator"}


def date_parts(iso: str | None, year: int | None = None) -> dict | None:
    """``{"date-parts": [[2017, 1, 24]]}`` from an ISO date (or just a year)."""
    m = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", (iso or "").strip())
    if m and (year is None or int(m.group(1)) == int(year)):
        return {"date-parts": [[int(p) for p in m.groups() if p]]}
    if year is not None:
        return {"date-parts": [[int(year)]]}
    return None


def csl_name(name: dict) -> dict:
    """A CSL name: family/given, or literal for organisations."""
    if name.get("family"):
        out = {"family": name["family"]}
        if name.get("given"):
            out["given"] = name["given"]
        return out
    return {"literal": name.get("literal") or name.get("given") or ""}


def csl_item(item: dict) -> dict:
    """One CSL-JSON item from an export item."""
    csl_type = (item.get("type") or "document").lower()
    out: dict = {"id": item["key"],
                 "type": csl_type if csl_type in CSL_TYPES else "document"}
    for field, variable in NAME_FIELDS.items():
        names = [csl_name(n) for n in item.get(field) or []]
        if names:
            out[variable] = names
    for field, variable in TEXT_FIELDS.items():
        if item.get(field) not in (None, ""):
            out[variable] = str(item[field])
    issued = date_parts(item.get("date"), item.get("year"))
    if issued:
        out["issued"] = issued
    accessed = date_parts(item.get("accessed"))
    if accessed:
        out["accessed"] = accessed
    if csl_type == "thesis":
        from .bibtex import is_masters
        out["genre"] = "Master's thesis" if is_masters(item) else "PhD thesis"
    return out


def csl_items(items: list[dict]) -> list[dict]:
    return [csl_item(i) for i in items]


def csl_json_from_db(db, keys=None, document=None, query=None) -> str:
    """CSL-JSON text (an array) for the works chosen (every work by default)."""
    items = select_items(db, document=document, keys=keys, query=query)
    return json.dumps(csl_items(items), ensure_ascii=False, indent=2) + "\n"
