"""Column facets of a search page counted in one pass (issue 18, load).

Datasette counts each column facet with its own query over the page's rows;
on a full-text search page that query looks up every matching row again (a
common word: 40,000 refs, about 45 ms per facet on the 10,000-document
store).  :class:`OnePassFacet` replaces Datasette's ``ColumnFacet``
(``register_facet_classes`` in kb.publish.plugin): on a page with a
``_search`` it reads the matching rows once, each facet column's values as
one JSON array, and counts them here (``top_values``; when a column holds
real numbers or blobs, one statement groups a temporary table of the rows by
each column instead: ``one_pass_sql``), then lets Datasette's own code build
the facets from those rows, so the page is the same as before.
Other pages (no search, a single facet, a table that declares a collation)
keep Datasette's queries, which count from the store's facet indexes
(``store.FACET_INDEXES``).  When the
one pass fails or passes its time limit (the facets' limit times their
number) the facets are counted one by one, as Datasette does.
"""
from __future__ import annotations

import heapq
import json
import sqlite3
from collections import Counter

from datasette.database import QueryInterrupted, Results
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite

PLAIN_TYPES = {int, str, type(None)}     # facet values counted here (no reals: SQLite groups 1 with 1.0)


def searched(request) -> bool:
    """A full-text search page (``_search`` or ``_search_COLUMN``)."""
    return any((k == "_search" or k.startswith("_search_")) and request.args.get(k)
               for k in request.args.keys())


def one_pass_sql(sql: str, columns: list[str], limit: int) -> str:
    """Each column's top ``limit`` (value, count) rows over ``sql``'s rows, in
    Datasette's facet order (count desc, value), as (facet, value, count)."""
    cols = [escape_sqlite(c) for c in columns]
    groups = " union all ".join(
        f"select {i} as facet, {c} as value, count(*) as count from kb_matched "
        f"where {c} is not null group by {c}" for i, c in enumerate(cols))
    return (f"with kb_matched as materialized (select {', '.join(dict.fromkeys(cols))} "
            f"from ({sql})) "
            f"select facet, value, count from (select facet, value, count, row_number() "
            f"over (partition by facet order by count desc, value) as n from ({groups})) "
            f"where n <= {int(limit)} order by facet, n")


def values_sql(sql: str, columns: list[str]) -> str:
    """Each column's values over ``sql``'s rows, one JSON array per column."""
    return (f"select {', '.join(f'json_group_array({escape_sqlite(c)})' for c in columns)} "
            f"from ({sql})")


def top_values(values: list, limit: int) -> list[dict] | None:
    """Datasette's facet rows for a column's values: the ``limit`` commonest
    (count desc, then the value in SQLite's order: numbers before text, text
    by code point), nulls left out; None when a value is a real number (JSON
    does not keep it exactly, and SQLite groups 1 with 1.0)."""
    if not set(map(type, values)) <= PLAIN_TYPES:
        return None
    counts = Counter(values)
    counts.pop(None, None)
    ranked = heapq.nsmallest(limit, counts.items(),
                             key=lambda vc: (-vc[1], isinstance(vc[0], str), vc[0]))
    return [{"value": v, "count": n} for v, n in ranked]


class Prefetched:
    """The Datasette ``ds``, but a facet query over ``sql`` is answered from
    ``answers`` (escaped column -> Results) instead of run again."""

    def __init__(self, ds, sql: str, answers: dict):
        self._ds, self._sql, self._answers = ds, sql, answers

    def __getattr__(self, name):
        return getattr(self._ds, name)

    async def execute(self, database, sql, *args, **kwargs):
        text = sql.strip()
        for col, results in self._answers.items():
            if text.startswith(f"select {col} as value, count(*) as count from (") \
                    and self._sql in text:
                return results
        return await self._ds.execute(database, sql, *args, **kwargs)


class OnePassFacet(ColumnFacet):
    """Datasette's column facet, counted in one pass on search pages."""

    async def facet_results(self):
        columns = [c["config"].get("column") or c["config"]["simple"]
                   for c in self.get_configs()]
        if len(set(columns)) < 2 or not searched(self.request) or not await self.plain():
            return await super().facet_results()
        try:
            answers = await self.count_all(list(dict.fromkeys(columns)))
        except (QueryInterrupted, sqlite3.DatabaseError):
            return await super().facet_results()       # one by one, as Datasette does
        ds = self.ds
        self.ds = Prefetched(ds, self.sql, answers)
        try:
            return await super().facet_results()
        finally:
            self.ds = ds

    async def plain(self) -> bool:
        """A table whose columns declare no collation (values grouped and
        ordered by their bytes, as ``top_values`` does)."""
        if not self.table:
            return False
        got = await self.ds.execute(self.database, "select sql from sqlite_master "
                                    "where type = 'table' and name = ?", [self.table])
        return bool(got.rows) and not any("collate" in (r[0] or "").lower() for r in got.rows)

    async def count_all(self, columns: list[str]) -> dict:
        """escaped column -> Results(value, count) as Datasette's own facet
        query for it would give: counted here from each column's values (one
        JSON array each), else grouped in SQL (``one_pass_sql``) when a
        value is a real number or a blob, or the arrays are too long."""
        limit = self.get_facet_size() + 1
        rows = None
        try:
            got = await self.run(values_sql(self.sql, columns), len(columns))
            rows = [top_values(json.loads(text), limit) for text in got.rows[0]]
        except sqlite3.DatabaseError:     # a blob, or an array past SQLite's length limit
            pass
        if rows is None or None in rows:
            got = await self.run(one_pass_sql(self.sql, columns, limit), len(columns))
            rows = [[] for _ in columns]
            for row in got.rows:
                rows[row["facet"]].append(row)
        description = (("value", None), ("count", None))
        return {escape_sqlite(c): Results(rows[i], False, description)
                for i, c in enumerate(columns)}

    async def run(self, sql: str, facets: int):
        return await self.ds.execute(
            self.database, sql, self.params, truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms") * facets)
