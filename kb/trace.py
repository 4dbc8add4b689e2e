"""Trace queries: from a sentence to its sources, from a work to its sentences.

    >>> db = kb.store.connect("data/kb.db")
    >>> trace_text(db, "surveillance cameras", limit=5)   # claims matching text
    >>> trace_work(db, "botsman2017who")                   # claims citing a work

Pure functions over a sqlite-utils Database (the Datasette plugin reuses
them).  Each claim comes back as a dict::

    {"claim_id", "document_id", "document_title", "text", "line", "page",
     "section", "sources": [{"ref_id", "raw", "full_ref_id", "full_raw",
     "kind", "note", "pinpoint", "marker", "work_key", "work_title"}]}

A source's ``full_*`` fields follow ``refs.same_as`` (short forms and ibid)
to the full reference; ``work_key`` is ``works.key`` via the full ref's
``work_id`` (or the ref's own), None when the store has no works yet.
"""
from __future__ import annotations

import re

import sqlite_utils

MAX_QUERY = 500


def fts_query(text: str) -> str:
    """User text -> a safe FTS5 query: every word must occur (prefix match on the last)."""
    toks = re.findall(r"\w+", (text or "")[:MAX_QUERY], re.UNICODE)
    if not toks:
        return ""
    parts = [f'"{t}"' for t in toks[:-1]] + [f'"{toks[-1]}"*']
    return " ".join(parts)


def _has(db: sqlite_utils.Database, table: str) -> bool:
    return db[table].exists()


def _full_ref(db, ref_id: int, limit: int = 20) -> dict | None:
    """Follow same_as from ``ref_id`` to the full reference row."""
    row = db.execute("SELECT * FROM refs WHERE id = ?", [ref_id]).fetchone()
    cols = [d[0] for d in db.execute("SELECT * FROM refs LIMIT 0").description]
    seen = set()
    while row is not None:
        rec = dict(zip(cols, row))
        if rec.get("same_as") is None or rec["id"] in seen or len(seen) > limit:
            return rec
        seen.add(rec["id"])
        nxt = db.execute("SELECT * FROM refs WHERE id = ?", [rec["same_as"]]).fetchone()
        if nxt is None:
            return rec
        row = nxt
    return None


def _note_col(db) -> str:
    """The note number: the citation's own (stores built since issue 17),
    else its ref's."""
    if "note" in db["citations"].columns_dict:
        return "COALESCE(c.note, r.note)"
    return "r.note"


def sources(db: sqlite_utils.Database, claim_id: int) -> list[dict]:
    """The citations of one claim, each with its full reference and work key."""
    out = []
    works = _has(db, "works")
    rows = db.execute(
        f"SELECT c.ref_id, c.marker, c.pinpoint, r.raw, r.kind, {_note_col(db)}, r.work_id, "
        "r.pinpoint FROM citations c LEFT JOIN refs r ON r.id = c.ref_id "
        "WHERE c.claim_id = ? ORDER BY c.id", [claim_id]).fetchall()
    for ref_id, marker, pinpoint, raw, kind, note, work_id, ref_pin in rows:
        full = _full_ref(db, ref_id) if ref_id is not None else None
        wid = (full or {}).get("work_id") or work_id
        key = title = None
        if works and wid is not None:
            w = db.execute("SELECT key, title FROM works WHERE id = ?", [wid]).fetchone()
            if w:
                key, title = w
        out.append({
            "ref_id": ref_id, "raw": raw, "kind": kind, "note": note,
            "marker": marker, "pinpoint": pinpoint or ref_pin,
            "full_ref_id": (full or {}).get("id"), "full_raw": (full or {}).get("raw"),
            "work_key": key, "work_title": title,
        })
    return out


def _claims(db, where: str, params: list, limit: int | None) -> list[dict]:
    sql = ("SELECT cl.id, cl.document_id, d.title, cl.text, cl.line, cl.page, cl.section "
           "FROM claims cl LEFT JOIN documents d ON d.id = cl.document_id "
           f"WHERE {where} ORDER BY cl.document_id, cl.line, cl.id")
    if limit:
        sql += f" LIMIT {int(limit)}"
    out = []
    for cid, doc_id, title, text, line, page, section in db.execute(sql, params).fetchall():
        out.append({"claim_id": cid, "document_id": doc_id, "document_title": title,
                    "text": text, "line": line, "page": page, "section": section,
                    "sources": sources(db, cid)})
    return out


def trace_text(db: sqlite_utils.Database, text: str, limit: int | None = 20) -> list[dict]:
    """Claims whose text matches ``text`` (FTS5 on claims_fts; LIKE without it)."""
    q = fts_query(text)
    if not q:
        return []
    if _has(db, "claims_fts"):
        return _claims(db, "cl.id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)",
                       [q], limit)
    return _claims(db, "cl.text LIKE ?", [f"%{text[:MAX_QUERY]}%"], limit)


def trace_work(db: sqlite_utils.Database, key: str, limit: int | None = None) -> list[dict]:
    """Every claim, in every document, citing the work ``key`` (directly or
    through a short form / ibid pointing at one of its refs)."""
    if not _has(db, "works"):
        return []
    w = db.execute("SELECT id FROM works WHERE key = ?", [key]).fetchone()
    if not w:
        return []
    wid = w[0]
    ref_ids = {r[0] for r in db.execute("SELECT id FROM refs WHERE work_id = ?", [wid])}
    # short forms whose chain ends at one of the work's refs
    frontier = set(ref_ids)
    for _ in range(20):
        if not frontier:
            break
        marks = ",".join("?" * len(frontier))
        new = {r[0] for r in db.execute(
            f"SELECT id FROM refs WHERE same_as IN ({marks})", list(frontier))} - ref_ids
        ref_ids |= new
        frontier = new
    if not ref_ids:
        return []
    marks = ",".join("?" * len(ref_ids))
    return _claims(db, f"cl.id IN (SELECT claim_id FROM citations WHERE ref_id IN ({marks}))",
                   sorted(ref_ids), limit)


def format_claim(c: dict) -> str:
    """A claim and its sources as readable text."""
    where = f"{c['document_id']}:{c['line']}"
    if c.get("page") is not None:
        where += f" p.{c['page']}"
    if c.get("section"):
        where += f" [{c['section']}]"
    lines = [where, f"  “{c['text']}”"]
    if not c["sources"]:
        lines.append("  (no source linked: a comment-only note or an unmatched citation)")
    for s in c["sources"]:
        head = f"note {s['note']}" if s.get("note") is not None else (s.get("marker") or "")
        pin = f", at {s['pinpoint']}" if s.get("pinpoint") else ""
        key = f" [{s['work_key']}]" if s.get("work_key") else ""
        if s.get("ref_id") is None:
            lines.append(f"  <- {head}: (no source linked: the note cites nothing we could read)")
            continue
        lines.append(f"  <- {head}{pin}{key}: {s.get('full_raw') or s.get('raw') or ''}")
        if s.get("full_ref_id") not in (None, s.get("ref_id")):
            lines.append(f"       (as printed: {s.get('raw')})")
    return "\n".join(lines)
