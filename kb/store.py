"""The SQLite store: the one place the schema lives.

    >>> db = open_db("data/kb.db")        # creates tables if missing
    >>> ids = write_result(db, result)    # one DocResult -> rows
    >>> db["refs"].count

Tables and the columns named in the public contract (README "Schema") are
never renamed; columns may be added.  Foreign keys are on.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .models import DocResult, Ref, REF_FIELDS

SCHEMA_VERSION = 1

# table -> (columns, pk, foreign keys, full-text columns)
TABLES: dict[str, dict] = {
    "documents": dict(
        columns={
            "id": str, "path": str, "title": str, "authors": str, "year": int,
            "language": str, "citation_style": str, "sha256": str, "format": str,
            "page_count": int, "ref_count": int, "claim_count": int,
            "built_at": str,
        },
        pk="id",
    ),
    "works": dict(
        columns={
            "id": int, "key": str, "type": str, "title": str, "year": int,
            "container_title": str, "doi": str, "url": str, "isbn": str,
            "publisher": str, "authors": str, "source_category": str,
            "ref_count": int, "cited_by_documents": int, "claim_count": int,
            "pagerank": float, "betweenness": float, "community": int,
        },
        pk="id",
        fts=["title"],
    ),
    "refs": dict(
        columns={
            "id": int, "document_id": str, "kind": str, "note": int, "line": int,
            "page": int, "raw": str, "type": str, "authors": str, "editors": str,
            "translators": str, "title": str, "container_title": str, "year": int,
            "date": str, "volume": str, "issue": str, "pages": str,
            "edition": str, "publisher": str, "place": str, "url": str,
            "doi": str, "isbn": str, "accessed": str, "year_suffix": str,
            "pinpoint": str, "short_form": int, "same_as": int, "work_id": int,
            "parse_ok": int, "position": int,
            "confidence": float, "low_confidence": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id"),
                      ("same_as", "refs", "id"),
                      ("work_id", "works", "id")],
        fts=["raw", "title"],
    ),
    "claims": dict(
        columns={"id": int, "document_id": str, "text": str, "line": int,
                 "page": int, "section": str},
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        fts=["text"],
    ),
    "citations": dict(
        columns={"id": int, "claim_id": int, "ref_id": int, "marker": str,
                 "pinpoint": str},
        pk="id",
        foreign_keys=[("claim_id", "claims", "id"), ("ref_id", "refs", "id")],
    ),
    "authors": dict(
        columns={"id": int, "name": str, "family": str, "given": str,
                 "literal": int, "match_key": str},
        pk="id",
    ),
    "work_authors": dict(
        columns={"work_id": int, "author_id": int, "position": int, "role": str},
        pk=("work_id", "author_id", "role"),
        foreign_keys=[("work_id", "works", "id"), ("author_id", "authors", "id")],
    ),
    "merges": dict(
        columns={"id": int, "work_id": int, "ref_id": int, "other_ref_id": int,
                 "reason": str, "score": float},
        pk="id",
        foreign_keys=[("work_id", "works", "id"), ("ref_id", "refs", "id")],
    ),
    "source_types": dict(
        columns={"id": str, "label": str, "description": str},
        pk="id",
    ),
    # key stability: a ref fingerprint remembers the key its work had
    "work_keys": dict(
        columns={"fingerprint": str, "key": str},
        pk="fingerprint",
    ),
    "annotations": dict(
        columns={"id": int, "key": str, "claim_id": int, "text": str,
                 "author": str, "created": str, "updated": str,
                 # stable identity + claim anchor (claim ids change on rebuild)
                 "uid": str, "claim_document_id": str, "claim_text": str},
        pk="id",
    ),
    "build_errors": dict(
        columns={"id": int, "path": str, "document_id": str, "error": str,
                 "at": str},
        pk="id",
    ),
    "kb_meta": dict(columns={"name": str, "value": str}, pk="name"),
    # kb/graph.py: co-cited work pairs (work_a < work_b) and coupled documents
    # (document_a < document_b); no foreign keys so documents/works can be
    # deleted and rebuilt freely (the graph stage rewrites both tables)
    "cocitations": dict(
        columns={"work_a": int, "work_b": int, "weight": int, "documents": int,
                 "same_note": int, "same_claim": int},
        pk=("work_a", "work_b"),
    ),
    "coupling": dict(
        columns={"document_a": str, "document_b": str, "shared_works": int,
                 "jaccard": float},
        pk=("document_a", "document_b"),
    ),
    # kb/resolve.py: the blocking index of full refs (blocking key, title sort
    # text), so an incremental build finds a new ref's candidates without
    # reading every ref; rewritten by a full resolve
    "ref_blocks": dict(
        columns={"id": int, "key": str, "sort": str, "ref_id": int},
        pk="id",
    ),
}

JSON_COLUMNS = ("authors", "editors", "translators")


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open a database with foreign keys on (no schema changes)."""
    conn = sqlite3.connect(str(path), timeout=60)
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


def open_db(path: str | Path, fast: bool = False) -> sqlite_utils.Database:
    """Open (creating if needed) a store with the full schema.

    ``fast`` turns off syncing: only for a build's private copy, which is
    synced once before it is swapped in and thrown away after a crash.
    """
    db = connect(path)
    if fast:
        db.conn.execute("PRAGMA synchronous = OFF")
        db.conn.execute("PRAGMA journal_mode = MEMORY")
        # a big page cache: index upkeep of 100k-row writes stays in memory
        db.conn.execute("PRAGMA cache_size = -262144")
        db.conn.execute("PRAGMA temp_store = MEMORY")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, add missing columns, wire FTS. Idempotent."""
    for name, spec in TABLES.items():
        table = db[name]
        if not table.exists():
            table.create(spec["columns"], pk=spec["pk"],
                         foreign_keys=spec.get("foreign_keys"),
                         not_null=None)
        else:
            have = set(table.columns_dict)
            for col, typ in spec["columns"].items():
                if col not in have:
                    table.add_column(col, typ)
        if spec.get("fts") and not db[f"{name}_fts"].exists():
            table.enable_fts(spec["fts"], create_triggers=True)
    if not db["works"].exists() or "key" not in [
            c for idx in db["works"].indexes if idx.unique for c in idx.columns]:
        db["works"].create_index(["key"], unique=True, if_not_exists=True)
    for table, cols in (("refs", ["document_id"]), ("refs", ["work_id"]),
                        ("claims", ["document_id"]), ("citations", ["claim_id"]),
                        ("citations", ["ref_id"]), ("annotations", ["key"]),
                        ("cocitations", ["work_b"]), ("coupling", ["document_b"]),
                        ("ref_blocks", ["key", "sort"]), ("ref_blocks", ["ref_id"]),
                        ("work_keys", ["key"]), ("merges", ["work_id"]),
                        # foreign-key children: deleting a ref must not scan them
                        ("refs", ["same_as"]), ("merges", ["ref_id"]),
                        ("merges", ["other_ref_id"]),
                        ("work_authors", ["author_id"]), ("authors", ["match_key"]),
                        # canned queries (kb/metadata.yml): covering / ordered scans
                        ("refs", ["work_id", "document_id"]),
                        ("refs", ["document_id", "position"]),
                        ("citations", ["ref_id", "claim_id"])):
        db[table].create_index(cols, if_not_exists=True)
    # most_cited reads the top of this index (the graph stage's counts)
    db.execute("CREATE INDEX IF NOT EXISTS idx_works_most_cited ON works "
               "(cited_by_documents DESC, claim_count DESC, ref_count DESC, key)")
    db["kb_meta"].upsert({"name": "schema_version", "value": str(SCHEMA_VERSION)},
                         pk="name")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def ref_row(ref: Ref, document_id: str, position: int) -> dict:
    row = {"document_id": document_id, "kind": ref.kind, "note": ref.note,
           "line": ref.line, "page": ref.page, "raw": ref.raw,
           "year_suffix": ref.year_suffix, "pinpoint": ref.pinpoint,
           "short_form": int(bool(ref.short_form)), "parse_ok": int(ref.parse_ok),
           "position": position, "confidence": ref.confidence,
           "low_confidence": json.dumps(ref.low_confidence) if ref.low_confidence else None}
    for k in REF_FIELDS:
        v = getattr(ref, k)
        row[k] = json.dumps(v, ensure_ascii=False) if k in JSON_COLUMNS else v
    return row


def delete_document(db: sqlite_utils.Database, document_id: str) -> None:
    """Remove a document and every row hanging on it (annotations stay)."""
    with db.atomic():
        _delete_document(db, document_id)


def _delete_document(db, document_id: str) -> None:
    db.execute("DELETE FROM citations WHERE claim_id IN "
               "(SELECT id FROM claims WHERE document_id = ?)", [document_id])
    db.execute("DELETE FROM citations WHERE ref_id IN "
               "(SELECT id FROM refs WHERE document_id = ?)", [document_id])
    db.execute("DELETE FROM merges WHERE ref_id IN (SELECT id FROM refs WHERE document_id = ?)"
               " OR other_ref_id IN (SELECT id FROM refs WHERE document_id = ?)",
               [document_id, document_id])
    db.execute("DELETE FROM claims WHERE document_id = ?", [document_id])
    db.execute("UPDATE refs SET same_as = NULL WHERE document_id = ?", [document_id])
    db.execute("DELETE FROM refs WHERE document_id = ?", [document_id])
    db.execute("DELETE FROM documents WHERE id = ?", [document_id])


def write_result(db: sqlite_utils.Database, result: DocResult) -> dict:
    """Replace one document's rows with ``result``; returns its new row ids.

    Runs in one transaction: either the whole document lands or nothing does.
    """
    doc = result.document
    with db.atomic():
        _delete_document(db, doc.id)
        db["documents"].insert({
            "id": doc.id, "path": doc.path, "title": doc.title,
            "authors": json.dumps(doc.authors, ensure_ascii=False),
            "year": doc.year, "language": doc.language,
            "citation_style": doc.citation_style, "sha256": doc.sha256,
            "format": doc.format, "page_count": len(doc.pages) or None,
            "ref_count": len(result.refs), "claim_count": len(result.claims),
            "built_at": _now(),
        })
        ref_ids = _next_ids(db, "refs", len(result.refs))
        rows = []
        for i, ref in enumerate(result.refs):
            row = ref_row(ref, doc.id, i)
            row["id"] = ref_ids[i]
            if ref.same_as is not None and 0 <= ref.same_as < len(ref_ids) and ref.same_as != i:
                row["same_as"] = ref_ids[ref.same_as]
            rows.append(row)
        _insert(db, "refs", rows)
        claim_ids = _next_ids(db, "claims", len(result.claims))
        _insert(db, "claims", [{
            "id": claim_ids[i], "document_id": doc.id, "text": c.text, "line": c.line,
            "page": c.page, "section": c.section} for i, c in enumerate(result.claims)])
        _insert(db, "citations", [
            {"claim_id": claim_ids[c.claim],
             "ref_id": ref_ids[c.ref] if c.ref is not None else None,
             "marker": c.marker, "pinpoint": c.pinpoint}
            for c in result.citations])
    return {"refs": ref_ids, "claims": claim_ids}


def _next_ids(db, table: str, n: int) -> list[int]:
    start = (db.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0) + 1
    return list(range(start, start + n))


def _insert(db, table: str, rows: list[dict]) -> None:
    """Plain executemany insert (one statement per table, inside the caller's transaction)."""
    if not rows:
        return
    cols = list(TABLES[table]["columns"])
    sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
           f"VALUES ({', '.join('?' for _ in cols)})")
    db.conn.executemany(sql, [[r.get(c) for c in cols] for r in rows])


def record_error(db: sqlite_utils.Database, path: str, error: str,
                 document_id: str | None = None) -> None:
    with db.atomic():
        db["build_errors"].insert({"path": str(path), "document_id": document_id,
                                   "error": error, "at": _now()})


def load_refs(db: sqlite_utils.Database) -> list[dict]:
    """Every ref row, JSON columns decoded, in document/position order."""
    rows = []
    for row in db.query("SELECT * FROM refs ORDER BY document_id, position, id"):
        for k in JSON_COLUMNS:
            row[k] = json.loads(row[k]) if row.get(k) else []
        rows.append(row)
    return rows


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {t: db[t].count for t in ("documents", "refs", "claims", "citations",
                                      "works", "authors", "build_errors")}
