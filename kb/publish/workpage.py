"""The store's part of a work page (/-/work/KEY), read in one go.

:func:`load_work` runs in one of Datasette's SQL threads
(``db.execute_fn``): the work, its people, category, refs, citing claims,
co-cited works and BibTeX come from one thread hop instead of a dozen
(under load each hop waits for the event loop and the GIL).

    >>> parts = await db.execute_fn(lambda conn: load_work(conn, "kostka2019china", export))

A work cited thousands of times would make a page of megabytes that takes
seconds: the page lists the first PAGE_ROWS references and claims, says how
many there are in all, and links to the table and query that hold them all.
"""
from __future__ import annotations

from typing import Callable

PAGE_ROWS = 200         # references, and claims, listed on a work page

PEOPLE_SQL = """select a.id, a.name, wa.role from work_authors wa
    join authors a on a.id = wa.author_id where wa.work_id = ?
    order by case wa.role when 'author' then 0 when 'editor' then 1 else 2 end,
             wa.position"""
REFS_SQL = """select r.*, d.title as document_title from refs r
    left join documents d on d.id = r.document_id where r.work_id = :id
    order by r.document_id, r.position limit :limit"""
# in all, each from a covering index
COUNTS_SQL = """select (select count(*) from refs where work_id = :id) as refs,
    (select count(distinct document_id) from refs where work_id = :id) as documents,
    (select count(distinct ci.claim_id) from refs r join citations ci on ci.ref_id = r.id
     where r.work_id = :id) as claims"""
CLAIMS_SQL = """select c.id, c.document_id, c.page, c.line, c.section,
    c.text, d.title as document_title, group_concat(distinct ci.marker) as marker,
    group_concat(distinct ci.pinpoint) as pinpoint
    from citations ci join refs r on r.id = ci.ref_id
    join claims c on c.id = ci.claim_id
    left join documents d on d.id = c.document_id
    where r.work_id = :id group by c.id order by c.document_id, c.line limit :limit"""
# kb.graph's cocitations, each side through its own index (an OR over both
# sides scans every pair)
COCITED_SQL = """select o.key, o.title, o.year, c.documents, c.weight from (
      select work_b as other, documents, weight from cocitations where work_a = :id
      union all
      select work_a, documents, weight from cocitations where work_b = :id) c
    join works o on o.id = c.other
    where o.id != :id
    order by c.weight desc, o.key limit :limit"""
# before the graph stage fills cocitations: counted from the refs
COCITED_FROM_REFS_SQL = """select o.key, o.title, o.year,
      count(distinct r.document_id) as documents
    from refs r join works o on o.id = r.work_id
    where r.document_id in (select document_id from refs where work_id = :id)
      and o.id != :id
    group by o.id order by documents desc, o.key limit :limit"""


def _rows(conn, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _has(conn, table: str) -> bool:
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = ?",
                        [table]).fetchone() is not None


def cocited(conn, work_id: int, limit: int = 10) -> list[dict]:
    """Works most often cited together with ``work_id``."""
    params = {"id": work_id, "limit": limit}
    if _has(conn, "cocitations") and conn.execute(
            "select 1 from cocitations limit 1").fetchone():
        return _rows(conn, COCITED_SQL, params)
    return _rows(conn, COCITED_FROM_REFS_SQL, params)


def load_work(conn, key: str, export: Callable) -> dict | None:
    """{work, people, category, refs, claims, counts, cocited, bibtex} of work
    ``key`` (None when unknown): the first PAGE_ROWS refs and claims, and
    counts of {refs, documents, claims} in all; ``export(conn, keys)`` makes
    the BibTeX."""
    found = _rows(conn, "select * from works where key = ?", [key])
    if not found:
        return None
    work = found[0]
    category = None
    if work.get("source_category") and _has(conn, "source_types"):
        cat = _rows(conn, "select label from source_types where id = ?",
                    [work["source_category"]])
        category = cat[0]["label"] if cat else None
    page = {"id": work["id"], "limit": PAGE_ROWS}
    return {"work": work, "people": _rows(conn, PEOPLE_SQL, [work["id"]]),
            "category": category, "refs": _rows(conn, REFS_SQL, page),
            "claims": _rows(conn, CLAIMS_SQL, page),
            "counts": _rows(conn, COUNTS_SQL, {"id": work["id"]})[0],
            "cocited": cocited(conn, work["id"]), "bibtex": export(conn, [key])}
