"""Choose works from the store and build one export item per work.

Every exporter (BibTeX, CSL-JSON, RIS, annotated bibliography) starts here:

    >>> from kb.store import connect
    >>> from kb.publish.select import select_work_ids, load_items
    >>> db = connect("data/kb.db")
    >>> ids = select_work_ids(db)                            # the whole base
    >>> ids = select_work_ids(db, document="001_55ce07cbde726804")
    >>> ids = select_work_ids(db, keys=["ahmed2017", "botsman2017"])
    >>> ids = select_work_ids(db, query="SELECT key FROM works WHERE year < 2000")
    >>> items = load_items(db, ids)                           # list of dicts

Selection (several options give the union of what each selects; none selects
every work; ``keys=[]`` selects none):

- ``document``: the works that document references (its refs' ``work_id``).
- ``keys``: works by ``works.key``; an unknown key is an error
  (``strict=False`` skips it instead, as the Datasette plugin wants).
- ``query``: one read-only SQL ``SELECT`` (or ``WITH ... SELECT``) whose result
  has a column named ``key`` (works.key), ``work_id`` or ``ref_id`` (refs.id,
  mapped to its work); the first of those three present is used, in that
  order.  The query runs with ``PRAGMA query_only`` so it cannot write.

An item is a plain dict in the store's CSL spelling (``container_title``,
``issue``, ``place``...): the works row, filled from the work's *best* full ref
(``kb.resolve.works.fullness``, the rule resolve also picks a work's fields
by; ties go to the lowest id); fields that ref lacks come from the work's
other full refs, best first.
Names (``authors``, ``editors``, ``translators``: lists of
``{"family", "given"}`` or ``{"literal"}``) come from ``work_authors`` with that
role when it has any, else from the refs.  ``raws`` lists the reference texts
as printed (used e.g. to tell a master's thesis from a PhD thesis).
"""
from __future__ import annotations

import json
import sqlite3

from ..models import REF_FIELDS
from ..store import WORK_FIELDS   # works columns that override the ref's value when set
from ..resolve.works import best_ref, fullest_first  # noqa: F401  (best_ref: public here too)

ID_COLUMNS = ("key", "work_id", "ref_id")
NAME_ROLES = ("authors", "editors", "translators")


class SelectionError(ValueError):
    """A selection option names something the store does not hold."""


def select_work_ids(db, document: str | None = None, keys=None,
                    query: str | None = None, strict: bool = True) -> list[int]:
    """Work ids chosen by the options (union), ordered by works.key.

    ``keys=None`` means "not given"; an empty list selects no work.  With
    ``strict=False`` unknown keys are skipped instead of raising.
    """
    if document is None and keys is None and not query:
        return [r["id"] for r in db.query("SELECT id FROM works ORDER BY key, id")]
    ids: set[int] = set()
    if document is not None:
        ids |= _document_work_ids(db, document)
    if keys:
        ids |= _key_work_ids(db, list(keys), strict)
    if query:
        ids |= _query_work_ids(db, query)
    return _ordered(db, ids)


def _ordered(db, ids: set[int]) -> list[int]:
    if not ids:
        return []
    rows = db.query(f"SELECT id FROM works WHERE id IN ({','.join('?' * len(ids))}) "
                    "ORDER BY key, id", sorted(ids))
    return [r["id"] for r in rows]


def _document_work_ids(db, document: str) -> set[int]:
    if not list(db.query("SELECT 1 FROM documents WHERE id = ?", [document])):
        raise SelectionError(f"no document {document!r} in the store")
    return {r["work_id"] for r in db.query(
        "SELECT DISTINCT work_id FROM refs WHERE document_id = ? AND work_id IS NOT NULL",
        [document])}


def _key_work_ids(db, keys: list[str], strict: bool = True) -> set[int]:
    found = set()
    for key in keys:
        rows = list(db.query("SELECT id FROM works WHERE key = ?", [key]))
        if rows:
            found.add(rows[0]["id"])
        elif strict:
            raise SelectionError(f"no work with key {key!r} in the store")
    return found


def _query_work_ids(db, query: str) -> set[int]:
    text = query.strip().rstrip(";")
    first = text.split(None, 1)[0].upper() if text else ""
    if first not in ("SELECT", "WITH"):
        raise SelectionError("--query must be one SELECT statement")
    conn = db.conn
    conn.execute("PRAGMA query_only = ON")
    try:
        cur = conn.execute(text)
        names = [d[0].lower() for d in cur.description or ()]
        column = next((c for c in ID_COLUMNS if c in names), None)
        if column is None:
            raise SelectionError(
                f"--query must return a column named one of {', '.join(ID_COLUMNS)}; "
                f"it returned: {', '.join(names) or 'nothing'}")
        values = {row[names.index(column)] for row in cur.fetchall()}
    except sqlite3.Error as error:
        raise SelectionError(f"--query failed: {error}") from error
    finally:
        conn.execute("PRAGMA query_only = OFF")
    values.discard(None)
    if not values:
        return set()
    marks = ",".join("?" * len(values))
    sql = {"key": f"SELECT id FROM works WHERE key IN ({marks})",
           "work_id": f"SELECT id FROM works WHERE id IN ({marks})",
           "ref_id": f"SELECT DISTINCT work_id AS id FROM refs WHERE id IN ({marks}) "
                     "AND work_id IS NOT NULL"}[column]
    return {r["id"] for r in db.query(sql, list(values))}


# -- items ------------------------------------------------------------------

def _filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def _decode_names(value) -> list[dict]:
    if not value:
        return []
    if isinstance(value, list):
        return value
    try:
        names = json.loads(value)
    except (TypeError, ValueError):
        return []
    return [n for n in names if isinstance(n, dict)] if isinstance(names, list) else []


def _work_names(db, work_id: int) -> dict[str, list[dict]]:
    names: dict[str, list[dict]] = {r: [] for r in NAME_ROLES}
    rows = db.query(
        "SELECT wa.role, a.name, a.family, a.given, a.literal FROM work_authors wa "
        "JOIN authors a ON a.id = wa.author_id WHERE wa.work_id = ? "
        "ORDER BY wa.position, a.id", [work_id])
    for row in rows:
        role = (row["role"] or "author").lower().rstrip("s") + "s"
        if role not in names:
            continue
        if row["literal"] or not row["family"]:
            names[role].append({"literal": row["name"] or row["family"] or ""})
        else:
            name = {"family": row["family"]}
            if row["given"]:
                name["given"] = row["given"]
            names[role].append(name)
    return names


def build_item(work: dict, refs: list[dict], names: dict[str, list[dict]]) -> dict:
    """One export item from a works row, its refs and its names (pure)."""
    ranked = fullest_first(sorted(refs, key=lambda r: r.get("id") or 0))
    item: dict = {"key": work.get("key") or f"work{work['id']}", "id": work["id"]}
    for k in REF_FIELDS:
        if k in NAME_ROLES:
            continue
        value = work.get(k) if k in WORK_FIELDS else None
        if not _filled(value):
            value = next((r.get(k) for r in ranked if _filled(r.get(k))), None)
        item[k] = value.strip() if isinstance(value, str) else value
    for role in NAME_ROLES:
        value = names.get(role) or []
        if not value:
            value = next((_decode_names(r.get(role)) for r in ranked
                          if _decode_names(r.get(role))), [])
        item[role] = value
    if item.get("year") is not None:
        try:
            item["year"] = int(item["year"])
        except (TypeError, ValueError):
            item["year"] = None
    item["raws"] = [r["raw"] for r in ranked if r.get("raw")]
    item["source_category"] = work.get("source_category")
    return item


def load_items(db, work_ids: list[int]) -> list[dict]:
    """Export items for ``work_ids``, in that order."""
    items = []
    for work_id in work_ids:
        works = list(db.query("SELECT * FROM works WHERE id = ?", [work_id]))
        if not works:
            continue
        refs = list(db.query("SELECT * FROM refs WHERE work_id = ? ORDER BY id",
                             [work_id]))
        items.append(build_item(works[0], refs, _work_names(db, work_id)))
    return items


def select_items(db, document=None, keys=None, query=None,
                 strict: bool = True) -> list[dict]:
    """``load_items(select_work_ids(...))`` in one call."""
    return load_items(db, select_work_ids(db, document=document, keys=keys,
                                          query=query, strict=strict))


def queued_works(db, ids: list[int]) -> list[dict]:
    """Works among ``ids`` in the review queue (kb.review), worst first:
    ``{"id", "key", "review_score", "review_reasons"}``."""
    from ..review import QUEUE
    if not ids or "review_score" not in db["works"].columns_dict:
        return []
    chosen = set(ids)
    rows = db.execute("SELECT id, key, review_score, review_reasons FROM works "
                      "WHERE review_score >= ? ORDER BY review_score DESC, key", [QUEUE]).fetchall()
    return [{"id": i, "key": k, "review_score": s,
             "review_reasons": json.loads(r) if r else []}
            for i, k, s, r in rows if i in chosen]
