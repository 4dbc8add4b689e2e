"""The count of a full-text search page read from the full-text index (issue 18, load).

For ``?_search=WORD`` Datasette counts the matching rows of the table:
``select count(*) from refs where id in (select rowid from refs_fts where
refs_fts match escape_fts(:search))`` looks up every match in the table (a
common word on the 10,000-document store: 27,596 refs, 33 ms; 68,715
claims, 62 ms).  When the index is the table's own and kept in step with it,
the index alone gives the same number (4 ms):
``select count(*) from refs_fts where refs_fts match escape_fts(:search)``.

:func:`index_count` recognises that count (the search the only filter) and
gives the index-only SQL; kb.publish.live runs it when :func:`in_step` holds
for the table, once per store generation:

- the full-text table is an FTS4/FTS5 table whose ``content=`` is the table;
- the search key is the table's rowid (``rowid`` or its INTEGER PRIMARY KEY);
- triggers after INSERT, DELETE and UPDATE of the table write to the index
  (sqlite-utils' ``enable_fts(create_triggers=True)``, as kb.store makes it),
  none limited to some columns or rows;
- the index holds one entry per row (``{fts}_docsize`` counts the table's rows).

Otherwise, and when the index-only count fails, Datasette's count runs.
"""
from __future__ import annotations

import re
import sqlite3

_NAME = r"(\[[^\]]+\]|\w+)"
COUNT = re.compile(                 # Datasette 0.65's count_sql for ?_search= alone
    rf"select count\(\*\) from {_NAME} where {_NAME} in "
    rf"\(select rowid from {_NAME} where {_NAME} match (escape_fts\(:search\)|:search)\) ?")
CONTENT = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|\[([^\]]*)\]|(\w+))""", re.I)
TRIGGER = re.compile(r"\bafter\s+(insert|delete|update)\s+on\b(.*?)\bbegin\b", re.I | re.S)


def _bare(name: str) -> str:
    return name[1:-1] if name.startswith("[") else name


def index_count(sql: str):
    """((table, key, fts), index-only SQL) for Datasette's count of a
    ``?_search=`` page, else None."""
    m = COUNT.fullmatch(sql)
    if m is None or m.group(3) != m.group(4):
        return None
    table, key, fts, _, match = m.groups()
    return ((_bare(table), _bare(key), _bare(fts)),
            f"select count(*) from {fts} where {fts} match {match}")


def _sql_of(conn, kind: str, name: str) -> str | None:
    row = conn.execute("select sql from sqlite_master where type = ? and name = ? "
                       "collate nocase", [kind, name]).fetchone()
    return row[0] if row else None


def _is_rowid(conn, table: str, key: str) -> bool:
    if key.lower() == "rowid":
        return True
    create = _sql_of(conn, "table", table) or ""
    if re.search(r"\bwithout\s+rowid\b", create, re.I):
        return False
    pks = [(r[5], r[1], (r[2] or "").upper()) for r in
           conn.execute(f"pragma table_info({_quote(table)})") if r[5]]
    return len(pks) == 1 and pks[0][1].lower() == key.lower() and pks[0][2] == "INTEGER"


def _triggers_write(conn, table: str, fts: str) -> bool:
    """Unconditional triggers after INSERT, DELETE and UPDATE of ``table``
    that write to ``fts``."""
    events = set()
    for (sql,) in conn.execute("select sql from sqlite_master where type = 'trigger' "
                               "and tbl_name = ? collate nocase", [table]):
        m = TRIGGER.search(sql or "")
        if m is None or re.search(r"\bwhen\b", m.group(2), re.I):
            continue
        body = sql[m.end():].lower()
        if re.search(rf"""insert\s+into\s+["'\[`]?{re.escape(fts.lower())}["'\]`]?[\s(]""", body):
            events.add(m.group(1).lower())
    return events == {"insert", "delete", "update"}


def in_step(conn, table: str, key: str, fts: str) -> bool:
    """The full-text index ``fts`` answers counts of ``table``'s matches."""
    try:
        create = _sql_of(conn, "table", fts) or ""
        content = CONTENT.search(create)
        if not re.search(r"\busing\s+fts[45]\b", create, re.I) or content is None:
            return False
        if next(g for g in content.groups() if g is not None).lower() != table.lower():
            return False
        if not _is_rowid(conn, table, key) or not _triggers_write(conn, table, fts):
            return False
        if _sql_of(conn, "table", f"{fts}_docsize") is None:
            return False
        entries = conn.execute(f"select count(*) from {_quote(fts + '_docsize')}").fetchone()[0]
        rows = conn.execute(f"select count(*) from {_quote(table)}").fetchone()[0]
        return entries == rows
    except sqlite3.DatabaseError:
        return False


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
