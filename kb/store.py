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
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from . import review
from .models import DocResult, Ref, REF_FIELDS

SCHEMA_VERSION = 1
#: where the store lives unless told otherwise (``--db``)
DEFAULT_DB = Path("data/kb.db")

#: the parsed ref fields a works row carries too (from its refs)
WORK_FIELDS = ("type", "title", "year", "container_title", "doi", "url", "isbn", "publisher")


def _ref_columns(fields) -> dict:
    """Store columns of parsed ref fields (``models.REF_FIELDS``): the year
    an int, names JSON text, the rest text."""
    return {k: int if k == "year" else str for k in fields}


# table -> (columns, pk, foreign keys, full-text columns, work_key: its
# ``key`` column holds a works.key)
TABLES: dict[str, dict] = {
    "documents": dict(
        columns={
            "id": str, "path": str, "title": str, "label": str, "authors": str, "year": int,
            "language": str, "citation_style": str, "sha256": str, "format": str,
            "page_count": int, "ref_count": int, "claim_count": int,
            "built_at": str,
        },
        pk="id",
    ),
    "works": dict(
        columns={
            "id": int, "key": str, **_ref_columns(WORK_FIELDS),
            "authors": str, "source_category": str,
            "ref_count": int, "cited_by_documents": int, "claim_count": int,
            "pagerank": float, "betweenness": float, "community": int,
            "review_score": float, "review_reasons": str,
        },
        pk="id",
        fts=["title"],
        work_key=True,
    ),
    "refs": dict(
        columns={
            "id": int, "document_id": str, "kind": str, "note": int, "line": int,
            "page": int, "raw": str, **_ref_columns(REF_FIELDS), "year_suffix": str,
            "pinpoint": str, "short_form": int, "same_as": int, "work_id": int,
            "parse_ok": int, "position": int,
            "review_score": float, "review_reasons": str,
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
                 "pinpoint": str, "note": int},
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
        work_key=True,
    ),
    "annotations": dict(
        columns={"id": int, "key": str, "claim_id": int, "text": str,
                 "author": str, "created": str, "updated": str,
                 # stable identity + claim anchor (claim ids change on rebuild)
                 "uid": str, "claim_document_id": str, "claim_text": str,
                 # the work it was written on (JSON title/author/year), so a
                 # different work that later gets the key does not receive it;
                 # in the store's mirror, why a note is orphaned (else NULL)
                 "work_anchor": str, "orphan_reason": str},
        pk="id",
        work_key=True,
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
    # kb/resolve: the blocking index of full refs (blocking key, title sort
    # text), so an incremental build finds a new ref's candidates without
    # reading every ref; rewritten by a full resolve
    "ref_blocks": dict(
        columns={"id": int, "key": str, "sort": str, "ref_id": int},
        pk="id",
    ),
    # kb/publish/bibtex: each work's BibTeX entry (default options), written
    # by the build and used by the .bib exports; a trigger (BIBTEX_TRIGGERS)
    # drops a work's row whenever what its entry is made from changes
    "work_bibtex": dict(
        columns={"work_id": int, "key": str, "bibtex": str},
        pk="work_id",
    ),
}

JSON_COLUMNS = ("authors", "editors", "translators")
#: tables whose ``key`` column holds a works.key (``work_key`` in TABLES;
#: ref_blocks.key is a blocking key)
WORK_KEY_TABLES = tuple(t for t, spec in TABLES.items() if spec.get("work_key"))


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


# Datasette table pages (kb serve, metadata.yml facets and sorts): each facet
# is a group-by over the page's rows; on a big table (refs, claims, merges) a
# covering index makes it a scan of that index (issue 18, item 8).
FACET_INDEXES = (("refs", ["kind"]), ("refs", ["type"]), ("refs", ["parse_ok"]),
                 ("refs", ["short_form"]), ("works", ["type"]),
                 ("works", ["source_category"]), ("works", ["year"]),
                 ("works", ["ref_count"]), ("claims", ["section"]), ("claims", ["page"]),
                 ("merges", ["reason"]))


# what a work's BibTeX entry is made from (kb.publish.select.load_items): its
# works row, its refs, its names; a change to any drops the stored entry
_WORK_BIBTEX_COLUMNS = ("id", "key", *WORK_FIELDS, "source_category")
_FORGET = "DELETE FROM work_bibtex WHERE work_id = {};"
BIBTEX_TRIGGERS = {
    "kb_bibtex_works_update": (f"AFTER UPDATE OF {', '.join(_WORK_BIBTEX_COLUMNS)} ON works",
                               _FORGET.format("OLD.id") + _FORGET.format("NEW.id")),
    "kb_bibtex_works_delete": ("AFTER DELETE ON works", _FORGET.format("OLD.id")),
    "kb_bibtex_works_insert": ("AFTER INSERT ON works", _FORGET.format("NEW.id")),
    "kb_bibtex_refs_insert": ("AFTER INSERT ON refs", _FORGET.format("NEW.work_id")),
    "kb_bibtex_refs_delete": ("AFTER DELETE ON refs", _FORGET.format("OLD.work_id")),
    "kb_bibtex_refs_update": ("AFTER UPDATE ON refs",
                              _FORGET.format("OLD.work_id") + _FORGET.format("NEW.work_id")),
    "kb_bibtex_names_insert": ("AFTER INSERT ON work_authors", _FORGET.format("NEW.work_id")),
    "kb_bibtex_names_delete": ("AFTER DELETE ON work_authors", _FORGET.format("OLD.work_id")),
    "kb_bibtex_names_update": ("AFTER UPDATE ON work_authors",
                               _FORGET.format("OLD.work_id") + _FORGET.format("NEW.work_id")),
    "kb_bibtex_authors_update": (
        "AFTER UPDATE ON authors",
        "DELETE FROM work_bibtex WHERE work_id IN "
        "(SELECT work_id FROM work_authors WHERE author_id IN (OLD.id, NEW.id));"),
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, add missing columns, wire FTS. Idempotent."""
    for name in TABLES:
        ensure_table(db, name)
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
                        # canned queries (metadata.yml): covering / ordered scans
                        ("refs", ["work_id", "document_id"]),
                        ("refs", ["document_id", "position"]),
                        ("citations", ["ref_id", "claim_id"]),
                        # the review queue, worst first
                        ("refs", ["review_score"]), ("works", ["review_score"]),
                        # the site's facets (metadata.yml) count from an index
                        # instead of scanning the table, and its default sort
                        *FACET_INDEXES):
        db[table].create_index(cols, if_not_exists=True)
    # most_cited reads the top of this index (the graph stage's counts)
    db.execute("CREATE INDEX IF NOT EXISTS idx_works_most_cited ON works "
               "(cited_by_documents DESC, claim_count DESC, ref_count DESC, key)")
    # the "References that failed to parse" query (metadata.yml): the few
    # unparsed refs in reading order, without scanning every ref
    db.execute("CREATE INDEX IF NOT EXISTS idx_refs_unparsed ON refs (document_id, position) "
               "WHERE parse_ok = 0 OR title IS NULL")
    for name, (when, body) in BIBTEX_TRIGGERS.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN {body} END")
    db["kb_meta"].upsert({"name": "schema_version", "value": str(SCHEMA_VERSION)},
                         pk="name")


def ensure_table(db: sqlite_utils.Database, name: str) -> None:
    """Create table ``name`` as TABLES says, or add the columns it lacks;
    wire its full-text index.  (Also used for the annotations file.)"""
    spec = TABLES[name]
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
    score, reasons = review.review_ref(dict(row, short_form=ref.short_form, same_as=ref.same_as))
    row["review_score"] = score
    row["review_reasons"] = json.dumps(reasons) if reasons else None
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
            "id": doc.id, "path": doc.path, "title": doc.title, "label": doc.label or doc.id,
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
        insert_rows(db, "refs", rows)
        claim_ids = _next_ids(db, "claims", len(result.claims))
        insert_rows(db, "claims", [{
            "id": claim_ids[i], "document_id": doc.id, "text": c.text, "line": c.line,
            "page": c.page, "section": c.section} for i, c in enumerate(result.claims)])
        insert_rows(db, "citations", [
            {"claim_id": claim_ids[c.claim],
             "ref_id": ref_ids[c.ref] if c.ref is not None else None,
             "marker": c.marker, "pinpoint": c.pinpoint, "note": c.note}
            for c in result.citations])
    return {"refs": ref_ids, "claims": claim_ids}


def _next_ids(db, table: str, n: int) -> list[int]:
    start = (db.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0) + 1
    return list(range(start, start + n))


def insert_rows(db, table: str, rows: list[dict]) -> None:
    """Plain executemany insert of dict rows (a column a row lacks is NULL),
    inside the caller's transaction; the one insert helper of every stage."""
    if not rows:
        return
    cols = list(TABLES[table]["columns"])
    sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
           f"VALUES ({', '.join('?' for _ in cols)})")
    db.conn.executemany(sql, [[r.get(c) for c in cols] for r in rows])


def clear_errors(db: sqlite_utils.Database) -> None:
    """Forget the last build's errors (a build records its own)."""
    with db.conn:
        db.execute("DELETE FROM build_errors")


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


def update_work_review(db: sqlite_utils.Database) -> int:
    """Score every work for the review queue from its refs' scores
    (``kb.review.review_work``); returns how many works are in the queue."""
    by_work: dict[int, list] = {}
    for wid, score, reasons in db.execute(
            "SELECT work_id, review_score, review_reasons FROM refs WHERE work_id IS NOT NULL "
            "AND NOT (short_form = 1 AND same_as IS NOT NULL)").fetchall():
        by_work.setdefault(wid, []).append((score or 0.0, json.loads(reasons) if reasons else []))
    rows = []
    for wid, key, ref_count in db.execute("SELECT id, key, ref_count FROM works").fetchall():
        score, reasons = review.review_work({"key": key, "ref_count": ref_count},
                                            by_work.get(wid, []))
        rows.append((score, json.dumps(reasons) if reasons else None, wid))
    with db.atomic():
        db.conn.executemany("UPDATE works SET review_score = ?, review_reasons = ? WHERE id = ?",
                            rows)
    return sum(1 for r in rows if r[0] >= review.QUEUE)


def works_without_bibtex(db) -> list[int]:
    """Ids of the works with no stored BibTeX entry (new or changed since)."""
    return [r[0] for r in db.execute(
        "SELECT id FROM works WHERE id NOT IN (SELECT work_id FROM work_bibtex) ORDER BY id")]


def write_work_bibtex(db, rows: list[tuple]) -> None:
    """Store BibTeX entries: (work id, BibTeX key, entry text) rows."""
    db.conn.executemany("INSERT OR REPLACE INTO work_bibtex (work_id, key, bibtex) "
                        "VALUES (?, ?, ?)", rows)


def stored_bibtex(db, work_ids: list[int]) -> dict[int, tuple[str, str]]:
    """work id -> (BibTeX key, entry text) of those stored ({} in a store
    made before they were)."""
    conn = db.conn if hasattr(db, "conn") else db
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'work_bibtex'").fetchone():
        return {}
    found = {}
    for part in chunks(work_ids):
        found.update({w: (k, t) for w, k, t in conn.execute(
            f"SELECT work_id, key, bibtex FROM work_bibtex WHERE work_id IN ({marks(part)})",
            part)})
    return found


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {t: db[t].count for t in ("documents", "refs", "claims", "citations",
                                      "works", "authors", "build_errors")}


# --------------------------------------------------------------------------
# Writes of the resolve stage (kb/resolve): works, authors, keys, blocks
# --------------------------------------------------------------------------
#: ids per "IN (...)" query
CHUNK = 900
#: what a full resolve rewrites (children first)
RESOLVED_TABLES = ("merges", "work_authors", "authors", "works", "source_types",
                   "work_keys", "ref_blocks")


def chunks(xs: list, n: int = CHUNK):
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


def marks(xs) -> str:
    """``?, ?, ?`` for an ``IN (...)`` of ``xs``."""
    return ", ".join("?" * len(xs))


@contextmanager
def savepoint(db, name: str = "kb_write"):
    """Run the block atomically: a savepoint, so it also nests inside a
    caller's transaction (a build's); committed at the end when no
    transaction was open before."""
    conn = db.conn
    outer = conn.in_transaction
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
        conn.execute(f"RELEASE SAVEPOINT {name}")
        raise
    conn.execute(f"RELEASE SAVEPOINT {name}")
    if conn.in_transaction and conn.isolation_level is not None and not outer:
        conn.commit()


def remembered_keys(db) -> dict[str, str]:
    """``work_keys``: ref fingerprint -> the key its work had."""
    if not db["work_keys"].exists():
        return {}
    return {row["fingerprint"]: row["key"] for row in db["work_keys"].rows}


def replace_resolution(db, res) -> None:
    """Replace everything a full resolve computes with ``res`` (a
    ``kb.resolve.Resolution``): the RESOLVED_TABLES and refs.work_id."""
    conn = db.conn
    conn.execute("DELETE FROM work_bibtex")    # every work is new: the triggers then find none
    conn.execute("UPDATE refs SET work_id = NULL")
    for table in RESOLVED_TABLES:
        conn.execute(f"DELETE FROM [{table}]")
    insert_rows(db, "works", res.works)
    insert_rows(db, "authors", res.authors)
    insert_rows(db, "work_authors", res.work_authors)
    insert_rows(db, "merges", res.merges)
    insert_rows(db, "source_types", res.source_types)
    insert_rows(db, "work_keys", [{"fingerprint": f, "key": k}
                                  for f, k in sorted(res.work_keys.items())])
    link_refs(db, res.ref_work)
    index_refs(db, res.blocks)


def link_refs(db, ref_work: dict[int, int]) -> None:
    """Set refs.work_id (ref id -> work id)."""
    db.conn.executemany("UPDATE refs SET work_id = ? WHERE id = ?",
                        [(w, r) for r, w in ref_work.items()])


def index_refs(db, blocks: list[tuple]) -> None:
    """Add ``ref_blocks`` rows: (blocking key, sort text, ref id)."""
    db.conn.executemany("INSERT INTO ref_blocks (key, sort, ref_id) VALUES (?, ?, ?)", blocks)


def unindex_refs(db, ref_ids: list[int]) -> None:
    for part in chunks(ref_ids):
        db.conn.execute(f"DELETE FROM ref_blocks WHERE ref_id IN ({marks(part)})", part)


def add_works(db, work_ids: list[int]) -> None:
    """Empty works rows (placeholders filled by ``update_works``)."""
    db.conn.executemany("INSERT INTO works (id) VALUES (?)", [(w,) for w in work_ids])


def fold_work(db, old: int, into: int) -> None:
    """Work ``old`` merged into ``into``: its refs and merges move, it goes."""
    conn = db.conn
    conn.execute("UPDATE refs SET work_id = ? WHERE work_id = ?", [into, old])
    conn.execute("UPDATE merges SET work_id = ? WHERE work_id = ?", [into, old])
    conn.execute("DELETE FROM work_authors WHERE work_id = ?", [old])
    conn.execute("DELETE FROM works WHERE id = ?", [old])


def drop_works(db, work_ids: list[int]) -> None:
    """Remove works left without refs (with their merges and work_authors)."""
    for w in work_ids:
        db.conn.execute("DELETE FROM merges WHERE work_id = ?", [w])
        db.conn.execute("DELETE FROM work_authors WHERE work_id = ?", [w])
        db.conn.execute("DELETE FROM works WHERE id = ?", [w])


def update_works(db, rows: dict[int, dict]) -> None:
    """Rewrite works rows (work id -> columns, ``key`` among them); the keys
    are cleared first so two works may swap keys."""
    if not rows:
        return
    cols = list(next(iter(rows.values())))
    unknown = set(cols) - set(TABLES["works"]["columns"])
    if unknown:
        raise ValueError(f"works has no column {sorted(unknown)}")
    ids = list(rows)
    db.conn.executemany("UPDATE works SET key = NULL WHERE id = ?", [(w,) for w in ids])
    db.conn.executemany(
        f"UPDATE works SET {', '.join(f'[{c}] = ?' for c in cols)} WHERE id = ?",
        [[rows[w][c] for c in cols] + [w] for w in ids])


def remember_keys(db, pairs: list[tuple[str, str]]) -> None:
    """Add or replace ``work_keys`` rows: (fingerprint, key)."""
    db.conn.executemany("INSERT OR REPLACE INTO work_keys (fingerprint, key) VALUES (?, ?)",
                        pairs)


def clear_work_authors(db, work_ids: list[int]) -> None:
    for part in chunks(work_ids):
        db.conn.execute(f"DELETE FROM work_authors WHERE work_id IN ({marks(part)})", part)


def set_work_names(db, names: dict[int, str]) -> None:
    """works.authors (a JSON list of display names) by work id."""
    db.conn.executemany("UPDATE works SET authors = ? WHERE id = ?",
                        [(v, w) for w, v in names.items()])


# --------------------------------------------------------------------------
# Writes of the graph stage (kb/graph): the graph counts and tables
# --------------------------------------------------------------------------
#: the works columns the graph stage counts (pagerank is written apart)
GRAPH_WORK_COUNTS = ("cited_by_documents", "claim_count", "betweenness", "community")
GRAPH_TABLES = {
    "cocitations": ("work_a", "work_b", "weight", "documents", "same_note", "same_claim"),
    "coupling": ("document_a", "document_b", "shared_works", "jaccard"),
}


def write_graph(db, work_counts: dict[int, dict], pagerank: dict[int, float],
                doc_counts: dict[str, tuple], cocitations: list[tuple],
                coupling: list[tuple], meta: dict[str, str]) -> int:
    """Write what the graph stage computed, in one transaction: works'
    counts (work id -> {GRAPH_WORK_COUNTS column: value}) and pagerank, works.ref_count where
    empty, documents' (ref_count, claim_count), the cocitations and coupling
    tables (rows in GRAPH_TABLES order) and kb_meta entries.  Only the graph
    stage writes these counts.  Returns the cocitation/coupling rows changed."""
    with db.conn:
        conn = db.conn
        conn.executemany(
            f"UPDATE works SET {', '.join(f'[{c}] = ?' for c in GRAPH_WORK_COUNTS)} WHERE id = ?",
            [tuple(v[c] for c in GRAPH_WORK_COUNTS) + (wid,) for wid, v in work_counts.items()])
        conn.executemany("UPDATE works SET pagerank = ? WHERE id = ?",
                         [(v, wid) for wid, v in pagerank.items()])
        conn.execute("UPDATE works SET ref_count = (SELECT count(*) FROM refs "
                     "WHERE refs.work_id = works.id) WHERE ref_count IS NULL")
        conn.executemany("UPDATE documents SET ref_count = ?, claim_count = ? WHERE id = ?",
                         [(*v, d) for d, v in doc_counts.items()])
        changed = replace_rows(db, "cocitations", GRAPH_TABLES["cocitations"], cocitations)
        changed += replace_rows(db, "coupling", GRAPH_TABLES["coupling"], coupling)
        conn.executemany("INSERT OR REPLACE INTO kb_meta (name, value) VALUES (?, ?)",
                         list(meta.items()))
    return changed


def replace_rows(db, table: str, cols: tuple, rows: list[tuple]) -> int:
    """Make ``table`` hold exactly ``rows`` (tuples in ``cols`` order, the first
    two the primary key) writing only the difference: after a small change
    most pairs are unchanged, and rewriting them all is the slow part.
    Returns the number of rows deleted or written."""
    old = set(db.execute(f"SELECT {', '.join(cols)} FROM [{table}]"))
    new = set(rows)
    if len(new) != len(rows):
        raise ValueError(f"{table}: duplicate rows")
    keep_keys = {r[:2] for r in new}
    gone = [r[:2] for r in old - new if r[:2] not in keep_keys]
    add = new - old
    db.conn.executemany(f"DELETE FROM [{table}] WHERE {cols[0]} = ? AND {cols[1]} = ?", gone)
    db.conn.executemany(f"INSERT OR REPLACE INTO [{table}] ({', '.join(cols)}) "
                        f"VALUES ({', '.join('?' * len(cols))})", sorted(add))
    return len(gone) + len(add)
