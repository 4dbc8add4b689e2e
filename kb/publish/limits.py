"""What one query on the published site may allocate (issue 18, item 1).

Datasette stops a query after ``sql_time_limit_ms``, but within that time
``select randomblob(1000000000)`` or a string doubled in a recursive CTE
could take gigabytes.  :func:`apply` runs on every connection Datasette opens
(the kb plugin's ``prepare_connection`` hook) and caps:

* each value: ``SQLITE_LIMIT_LENGTH`` (a longer string or blob is an SQL
  error, "string or blob too big", before it is built);
* the SQL text and compound selects;
* a whole result: rows are counted as they are fetched, and a statement
  whose rows together pass ``MAX_RESULT_BYTES`` stops with an SQL error
  (Datasette shows it as an error page), so no page, JSON or .bib response
  holds more than that however many columns and rows it asks for.

Streamed CSV (``_stream=1``) fetches page by page, each page within the cap.
"""
from __future__ import annotations

import sqlite3

MAX_VALUE_BYTES = 4 * 1024 * 1024        # one string or blob (largest kb value: a few KB)
MAX_RESULT_BYTES = 32 * 1024 * 1024      # every value of one statement's rows together
LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
}


class ResultTooLarge(sqlite3.DataError):
    """A statement's rows passed MAX_RESULT_BYTES."""


def apply(conn: sqlite3.Connection) -> None:
    """Cap values and results on ``conn`` (after Datasette set its row factory)."""
    for limit, value in LIMITS.items():
        if conn.getlimit(limit) > value:
            conn.setlimit(limit, value)
    conn.row_factory = budgeted(conn.row_factory)


def budgeted(make_row, budget: int = MAX_RESULT_BYTES):
    """A row factory that counts the bytes of each cursor's rows and raises
    ResultTooLarge past ``budget``; rows are still built by ``make_row``."""
    seen = {"cursor": None, "bytes": 0}

    def row_factory(cursor, values):
        if seen["cursor"] is not cursor:
            seen["cursor"], seen["bytes"] = cursor, 0
        seen["bytes"] += sum(len(v) for v in values if isinstance(v, (str, bytes)))
        if seen["bytes"] > budget:
            raise ResultTooLarge(f"query result too large (over {budget // 2**20} MB); "
                                 "ask for fewer rows or columns")
        return make_row(cursor, values) if make_row else values
    return row_factory
