"""Annotations: a reviewer's notes on works (and optionally on one claim).

Where they live
---------------
The source of truth is a small writable SQLite file *beside* the store:
``data/kb.db`` -> ``data/annotations.db`` (see :func:`annotations_path`).

* ``kb serve`` opens ``kb.db`` immutable, so notes written through the web go
  to ``annotations.db`` (mounted as a second, mutable Datasette database).
* The build *mirrors* the notes into the ``annotations`` table of the new
  ``kb.db`` before the atomic swap (:func:`carry_over`), so exports and SQL
  joins over ``kb.db`` see them, and re-anchors claim ids in
  ``annotations.db`` after the swap (:func:`reanchor`).
* A deleted/corrupt ``kb.db`` loses no note (they are in ``annotations.db``);
  a deleted ``annotations.db`` is re-seeded from the mirror in ``kb.db``
  (:func:`open_annotations` with ``recover_from``).  Only losing both loses notes.

Identity: ``key`` is ``works.key`` (kept stable across rebuilds by the resolver's
``work_keys`` table), checked against ``work_anchor``: the title, first author
and year of the work the note was written on.  An annotation whose work is
gone, or whose key now names a different work (a rebuilt store), stays and is
listed by :func:`orphaned` with the reason (:func:`orphan_reason`); it
re-attaches by itself when its own work returns under that key.
Claim ids change on every re-ingest, so an annotation on a claim also stores an
anchor (``claim_document_id``, ``claim_text``) and :func:`reanchor` maps it
to the current claim id after each build (``kb annotate`` does too).

    >>> db = open_annotations(annotations_path("data/kb.db"))
    >>> row = add(db, "smith2003", "Good survey.", author="ana")
    >>> [a["text"] for a in list_annotations(db, key="smith2003")]
    ['Good survey.']
    >>> orphaned(db, work_keys(store.connect("data/kb.db")))
"""
from __future__ import annotations

import json
import re
import sqlite3
import uuid
from difflib import SequenceMatcher
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from . import store

ANNOTATIONS_FILE = "annotations.db"
TABLE = "annotations"
MAX_TEXT = 20_000      # characters in one note
MAX_KEY = 200
MAX_AUTHOR = 200


class AnnotationError(ValueError):
    """A bad annotation request (empty text, unknown id ...)."""


def annotations_path(db_path: str | Path) -> Path:
    """The annotations file that belongs to store ``db_path``: named after
    the store, so two stores in one folder never share notes (the default
    store ``kb.db`` keeps ``annotations.db``).

    >>> annotations_path("data/kb.db"), annotations_path("data/big.db")
    (PosixPath('data/annotations.db'), PosixPath('data/big.annotations.db'))
    """
    path = Path(db_path)
    if path.stem == "kb":
        return path.with_name(ANNOTATIONS_FILE)
    return path.with_name(f"{path.stem}.{ANNOTATIONS_FILE}")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def ensure_table(db: sqlite_utils.Database) -> None:
    """Create/upgrade the annotations table (columns from kb.store.TABLES)."""
    store.ensure_table(db, TABLE)
    table = db[TABLE]
    table.create_index(["key"], if_not_exists=True)
    # uid is the identity used to carry rows between files
    for row in db.query(f"SELECT id FROM {TABLE} WHERE uid IS NULL"):
        table.update(row["id"], {"uid": uuid.uuid4().hex})


def open_annotations(path: str | Path,
                     recover_from: str | Path | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the annotations file at ``path``.

    When the file is new and ``recover_from`` names an existing store whose
    ``annotations`` table has rows (the build's mirror), they are copied in.
    """
    path = Path(path)
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=60)
    db = sqlite_utils.Database(conn)
    ensure_table(db)
    if new and recover_from and Path(recover_from).exists():
        recover(db, recover_from)
    return db


def recover(db: sqlite_utils.Database, store_path: str | Path) -> int:
    """Copy annotations mirrored in store ``store_path`` that ``db`` lacks."""
    try:
        src = sqlite3.connect(f"file:{Path(store_path)}?mode=ro", uri=True, timeout=60)
    except sqlite3.Error:
        return 0
    try:
        return recover_from_db(db, sqlite_utils.Database(src))
    except sqlite3.DatabaseError:      # not a database (corrupt store)
        return 0
    finally:
        src.close()


def recover_from_db(db: sqlite_utils.Database, other: sqlite_utils.Database) -> int:
    """Copy the rows of ``other``'s annotations table that ``db`` lacks (by uid)."""
    if not other[TABLE].exists():
        return 0
    have = {r["uid"] for r in db.query(f"SELECT uid FROM {TABLE}")}
    cols = set(store.TABLES[TABLE]["columns"]) - {"id"}
    added = 0
    with db.atomic():
        for row in list(other.query(f"SELECT * FROM {TABLE} ORDER BY id")):
            row = {k: v for k, v in row.items() if k in cols}
            if row.get("uid") in have:
                continue
            row["uid"] = row.get("uid") or uuid.uuid4().hex
            db[TABLE].insert(row)
            have.add(row["uid"])
            added += 1
    return added


def _clean_text(text: str | None, what: str, limit: int, required: bool) -> str | None:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        if required:
            raise AnnotationError(f"{what} must not be empty")
        return None
    if len(text) > limit:
        raise AnnotationError(f"{what} is too long ({len(text)} > {limit} characters)")
    return text


def add(db: sqlite_utils.Database, key: str, text: str, author: str | None = None,
        claim_id: int | None = None, claim: dict | None = None,
        work: dict | None = None) -> dict:
    """Add a note on work ``key`` (optionally on claim ``claim_id``); returns the row.

    ``claim`` is the claim's row ({document_id, text}) used as a stable anchor;
    ``work`` the work's row ({title, year, authors}), the note's work anchor.
    """
    key = _clean_text(key, "key", MAX_KEY, True)
    text = _clean_text(text, "text", MAX_TEXT, True)
    author = _clean_text(author, "author", MAX_AUTHOR, False)
    now = _now()
    row = {"key": key, "claim_id": claim_id, "text": text, "author": author,
           "created": now, "updated": now, "uid": uuid.uuid4().hex,
           "claim_document_id": (claim or {}).get("document_id"),
           "claim_text": (claim or {}).get("text"),
           "work_anchor": json.dumps(anchor_of(work)) if work else None}
    with db.atomic():
        pk = db[TABLE].insert(row).last_pk
    return get(db, pk)


def get(db: sqlite_utils.Database, annotation_id: int) -> dict | None:
    """One annotation by id, or None."""
    rows = list(db.query(f"SELECT * FROM {TABLE} WHERE id = ?", [annotation_id]))
    return rows[0] if rows else None


def update(db: sqlite_utils.Database, annotation_id: int, text: str | None = None,
           author: str | None = None) -> dict:
    """Change the text (and/or author) of a note; bumps ``updated``."""
    if get(db, annotation_id) is None:
        raise AnnotationError(f"no annotation with id {annotation_id}")
    changes: dict = {"updated": _now()}
    if text is not None:
        changes["text"] = _clean_text(text, "text", MAX_TEXT, True)
    if author is not None:
        changes["author"] = _clean_text(author, "author", MAX_AUTHOR, False)
    with db.atomic():
        db[TABLE].update(annotation_id, changes)
    return get(db, annotation_id)


def delete(db: sqlite_utils.Database, annotation_id: int) -> bool:
    """Delete a note; True when it existed."""
    with db.atomic():
        cur = db.execute(f"DELETE FROM {TABLE} WHERE id = ?", [annotation_id])
    return cur.rowcount > 0


def list_annotations(db: sqlite_utils.Database, key: str | None = None) -> list[dict]:
    """All notes (or those on ``key``), oldest first."""
    if key is None:
        return list(db.query(f"SELECT * FROM {TABLE} ORDER BY id"))
    return list(db.query(f"SELECT * FROM {TABLE} WHERE key = ? ORDER BY id", [key]))


def work_keys(kb_db: sqlite_utils.Database | None) -> set[str]:
    """Every ``works.key`` in a store (empty when there is no store/table)."""
    if kb_db is None or not kb_db["works"].exists():
        return set()
    return {r["key"] for r in kb_db.query("SELECT key FROM works WHERE key IS NOT NULL")}


def orphaned(db: sqlite_utils.Database, keys: set[str],
             kb_db: sqlite_utils.Database | None = None) -> list[dict]:
    """Notes whose key is not among ``keys`` (the store's current work keys),
    or, given the store ``kb_db``, whose key now names a different work."""
    notes = list_annotations(db)
    if kb_db is None:
        return [a for a in notes if a["key"] not in keys]
    reasons = orphan_reasons(notes, kb_db)
    return [dict(a, orphan_reason=reasons[a["id"]]) for a in notes if reasons.get(a["id"])]


# --- which work a note belongs to -----------------------------------------------

ANCHOR_TITLE_SIMILARITY = 0.6    # below: another work (titles are re-chosen on rebuilds)


def anchor_of(work: dict) -> dict:
    """What identifies a work row ({title, year, authors JSON}) for a note."""
    return {"title": work.get("title"), "year": work.get("year"),
            "author": first_family(work.get("authors"))}


def first_family(authors) -> str | None:
    try:
        names = json.loads(authors) if isinstance(authors, str) else authors
    except ValueError:
        return None
    if not names or not isinstance(names, list):
        return None
    first = names[0]
    if isinstance(first, dict):
        return first.get("family") or first.get("literal")
    return str(first) if first else None


def _words(text) -> str:
    return " ".join(re.findall(r"\w+", str(text or "").lower()))


def _describe(anchor: dict) -> str:
    bits = ", ".join(str(b) for b in (anchor.get("author"), anchor.get("year")) if b)
    return f"\u201c{anchor.get('title') or '?'}\u201d" + (f" ({bits})" if bits else "")


def same_work(anchor: dict | None, work: dict) -> bool:
    """Is ``work`` (a works row) the work a note with ``anchor`` was written on?"""
    if not anchor:
        return True            # a note older than anchors: the key decides
    now = anchor_of(work)
    a, b = _words(anchor.get("title")), _words(now["title"])
    if a and b and not (a.startswith(b) or b.startswith(a)) and \
            SequenceMatcher(None, a, b).ratio() < ANCHOR_TITLE_SIMILARITY:
        return False
    author_a, author_b = _words(anchor.get("author")), _words(now["author"])
    return not (author_a and author_b and author_a != author_b and anchor.get("year")
                and now["year"] and str(anchor["year"]) != str(now["year"]))


def note_anchor(note: dict) -> dict | None:
    try:
        return json.loads(note.get("work_anchor") or "null")
    except ValueError:
        return None


def orphan_reason(note: dict, work: dict | None) -> str | None:
    """Why ``note`` is not attached to ``work`` (its key's row now, or None), or None."""
    if work is None:
        return f"work {note['key']} is not in the store now"
    anchor = note_anchor(note)
    if same_work(anchor, work):
        return None
    return (f"key {note['key']} now names a different work, {_describe(anchor_of(work))}; "
            f"the note was written on {_describe(anchor)}")


def works_by_key(kb_db: sqlite_utils.Database | None, keys) -> dict[str, dict]:
    """{key: works row (key, title, year, authors)} for ``keys`` in store ``kb_db``."""
    keys = sorted(set(k for k in keys if k))
    if kb_db is None or not keys or not kb_db["works"].exists():
        return {}
    found = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update((r["key"], r) for r in kb_db.query(
            "SELECT key, title, year, authors FROM works WHERE key IN ({})".format(
                ",".join("?" * len(chunk))), chunk))
    return found


def orphan_reasons(notes: list[dict], kb_db: sqlite_utils.Database | None) -> dict[int, str]:
    """{note id: why it is orphaned} for the notes not attached in store ``kb_db``."""
    works = works_by_key(kb_db, [n["key"] for n in notes])
    reasons = {n["id"]: orphan_reason(n, works.get(n["key"])) for n in notes}
    return {i: r for i, r in reasons.items() if r}


def missing_anchors(db: sqlite_utils.Database,
                    kb_db: sqlite_utils.Database | None) -> dict[str, str]:
    """{uid: work anchor JSON} for notes written before work anchors existed,
    from their key's work in ``kb_db`` (the store they were written on)."""
    notes = list(db.query(f"SELECT uid, key FROM {TABLE} WHERE work_anchor IS NULL"))
    works = works_by_key(kb_db, [n["key"] for n in notes])
    return {n["uid"]: json.dumps(anchor_of(works[n["key"]])) for n in notes
            if n["key"] in works and n["uid"]}


def fill_anchors(db: sqlite_utils.Database, kb_db: sqlite_utils.Database | None,
                 anchors: dict[str, str] | None = None) -> int:
    """Write the anchors of notes that have none (``anchors`` by uid, else
    from store ``kb_db``); returns how many."""
    anchors = missing_anchors(db, kb_db) if anchors is None else anchors
    filled = 0
    with db.atomic():
        for uid, anchor in anchors.items():
            filled += db.execute(f"UPDATE {TABLE} SET work_anchor = ? WHERE uid = ? "
                                 "AND work_anchor IS NULL", [anchor, uid]).rowcount
    return filled


def claim_row(kb_db: sqlite_utils.Database | None, claim_id: int) -> dict | None:
    """The claim ``claim_id`` of a store ({id, document_id, text}), or None."""
    if kb_db is None or not kb_db["claims"].exists():
        return None
    rows = list(kb_db.query("SELECT id, document_id, text FROM claims WHERE id = ?",
                            [claim_id]))
    return rows[0] if rows else None


def claim_for(kb_db: sqlite_utils.Database, note: dict) -> int | None:
    """The current id, in store ``kb_db``, of the claim a note is anchored to."""
    if not note.get("claim_text") or not kb_db["claims"].exists():
        return note.get("claim_id")
    hit = list(kb_db.query(
        "SELECT id FROM claims WHERE document_id = ? AND text = ? ORDER BY id LIMIT 1",
        [note.get("claim_document_id"), note["claim_text"]]))
    return hit[0]["id"] if hit else None


def anchor_claims(db: sqlite_utils.Database, kb_db: sqlite_utils.Database) -> int:
    """Point each claim note at the current id of its anchored claim in ``kb_db``.

    A claim that is gone leaves ``claim_id`` NULL (the anchor stays, so it
    re-attaches when the claim returns).  Returns how many ids changed.
    """
    if not kb_db["claims"].exists():
        return 0
    changed = 0
    with db.atomic():
        for a in list(db.query(f"SELECT * FROM {TABLE} WHERE claim_text IS NOT NULL")):
            new_id = claim_for(kb_db, a)
            if new_id != a["claim_id"]:
                db[TABLE].update(a["id"], {"claim_id": new_id})
                changed += 1
    return changed


def mirror(db: sqlite_utils.Database, kb_db: sqlite_utils.Database,
           anchors: dict[str, str] | None = None) -> int:
    """Replace the ``annotations`` table of store ``kb_db`` with ``db``'s rows,
    their claim ids anchored to ``kb_db``'s claims, notes without a work
    anchor given the one in ``anchors`` (by uid); ``db`` is not changed."""
    notes = [dict(n, work_anchor=n.get("work_anchor") or (anchors or {}).get(n["uid"]))
             for n in list_annotations(db)]
    reasons = orphan_reasons(notes, kb_db)
    rows = [dict(r, claim_id=claim_for(kb_db, r), orphan_reason=reasons.get(r["id"]))
            for r in notes]
    ensure_table(kb_db)
    with kb_db.atomic():
        kb_db.execute(f"DELETE FROM {TABLE}")
        if rows:
            kb_db[TABLE].insert_all(rows)
    return len(rows)


def carry_over(db_path: str | Path, new_store: sqlite_utils.Database,
               echo=None) -> dict:
    """Build hook, before the swap: keep every note across a rebuild of ``db_path``.

    Opens ``annotations.db`` beside ``db_path``; when that file is missing it is
    re-seeded from the mirror in the old store (``db_path``) and in
    ``new_store`` (the build's copy of it).  Then mirrors the notes, anchored
    to the new claims, into ``new_store``.  The notes file itself is only
    changed by that recovery, so a build that fails later leaves it
    consistent with the old store; :func:`reanchor` updates its claim ids
    once the new store is in place.  Never deletes a note and never fails
    the build: an unreadable notes file is reported through ``echo`` and the
    old mirror in ``new_store`` is kept.
    """
    old = Path(db_path)
    path = annotations_path(old)
    try:
        lost = not path.exists() or path.stat().st_size == 0
        db = open_annotations(path, recover_from=old if old.exists() else None)
    except (sqlite3.Error, OSError) as e:
        _warn(echo, f"warning: {path}: cannot open annotations ({e}); "
                    "kept the annotations already in the store")
        return {"annotations": None, "error": str(e)}
    try:
        if lost:
            recover_from_db(db, new_store)
        # notes older than work anchors: anchored in the mirror (from the old
        # store's mirror, else its works), the notes file left as it is
        mirrored = mirror(db, new_store, _anchors_from(db, old))
        return {"annotations": mirrored,
                "orphaned": len(orphaned(db, work_keys(new_store)))}
    except sqlite3.DatabaseError as e:
        _warn(echo, f"warning: {path}: cannot read annotations ({e}); "
                    "kept the annotations already in the store")
        return {"annotations": None, "error": str(e)}
    finally:
        db.conn.close()


def _anchors_from(db: sqlite_utils.Database, store_path: Path) -> dict[str, str]:
    try:
        old = open_store_readonly(store_path)
    except sqlite3.Error:
        return {}
    if old is None:
        return {}
    try:
        anchors = missing_anchors(db, old)
        if old[TABLE].exists() and "work_anchor" in old[TABLE].columns_dict:
            anchors.update((r["uid"], r["work_anchor"]) for r in old.query(
                f"SELECT uid, work_anchor FROM {TABLE} WHERE work_anchor IS NOT NULL "
                "AND uid IS NOT NULL"))
        return anchors
    except sqlite3.DatabaseError:      # a corrupt old store anchors nothing
        return {}
    finally:
        old.conn.close()


def reanchor(db_path: str | Path, echo=None) -> int:
    """Build hook, after the swap: claim ids in ``annotations.db`` follow the
    store now at ``db_path``.  Returns how many changed; never raises."""
    path = annotations_path(db_path)
    if not path.exists() or not Path(db_path).exists():
        return 0
    try:
        db = open_annotations(path)
        kb_db = open_store_readonly(db_path)
        try:
            return anchor_claims(db, kb_db)
        finally:
            db.conn.close()
            kb_db.conn.close()
    except sqlite3.Error as e:
        _warn(echo, f"warning: {path}: claim ids not updated ({e}); "
                    "the next build or `kb annotate` retries")
        return 0


def _warn(echo, message: str) -> None:
    if echo:
        echo(message)


def open_store_readonly(db_path: str | Path) -> sqlite_utils.Database | None:
    """Open store ``db_path`` read-only (None when it does not exist)."""
    if not Path(db_path).exists():
        return None
    conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True, timeout=60)
    return sqlite_utils.Database(conn)


def current_notes(db_path: str | Path) -> list[dict]:
    """The live notes of store ``db_path`` for exporters and reports.

    Reads ``annotations.db`` beside the store (notes added since the last
    build included); falls back to the mirror inside the store when that
    file does not exist.  Read-only: never creates a file.  A note not
    attached to its work in the store carries ``orphan_reason``.

    >>> [n["text"] for n in current_notes("data/kb.db") if n["key"] == "smith2003"]
    """
    path = annotations_path(db_path)
    source = path if path.exists() else Path(db_path)
    db = open_store_readonly(source)
    if db is None:
        return []
    try:
        if not db[TABLE].exists():
            return []
        notes = list(db.query(f"SELECT * FROM {TABLE} ORDER BY created, id"))
    finally:
        db.conn.close()
    kb_db = open_store_readonly(db_path) if source != Path(db_path) else None
    try:
        if kb_db is not None:
            reasons = orphan_reasons(notes, kb_db)
            notes = [dict(n, orphan_reason=reasons.get(n["id"])) for n in notes]
    except sqlite3.DatabaseError:      # unreadable store: notes as they are
        pass
    finally:
        if kb_db is not None:
            kb_db.conn.close()
    return notes
