"""Incremental resolution: a build that changed a few documents.

    >>> changes = note_changes(db, document_ids)   # before the old rows go
    >>> ...                                        # the build replaces them
    >>> resolve_incremental(db, changes)           # None: a full resolve is due

Existing works stay as they are (rows, keys, authors).  The new refs
(``work_id IS NULL``: refs of replaced or added documents) are clustered by
the same rules as a full resolve against the refs of existing works found
through the stored blocking index (``ref_blocks``: the same keys, all of a
small block, the WINDOW nearest titles of a big one) and their identifiers;
a new ref joining two existing works merges them.  Works that lost or gained
refs get their row, key and authors recomputed from all their refs; a work
left without refs is dropped.  Every write goes through ``kb.store``.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from .. import store
from .authors import credited_names
from .keys import base_key, fingerprints, suffixes
from .match import Clusters, Item, cluster_items, follow_same_as, index_keys, no_gc, sort_text
from .normalise import clean_name, display_name, given_compatible, given_tokens, name_key
from .thresholds import BLOCK_ALL_PAIRS, WINDOW
from .works import clean_ref, work_fields

#: beyond this share of the store's refs being new, resolve everything again.
INCREMENTAL_MAX_SHARE = 0.10


@dataclass
class Changes:
    """What a build replaced or removed, noted before the old rows go:
    ``gone_refs`` (ref ids), ``lost_works`` (the works they were in) and
    ``documents`` (how many documents are replaced, added or removed)."""
    gone_refs: set = field(default_factory=set)
    lost_works: set = field(default_factory=set)
    documents: int = 0


def note_changes(db, document_ids: Iterable[str]) -> Changes:
    """The refs and works of ``document_ids`` now (call before replacing them)."""
    document_ids = list(document_ids)
    ch = Changes(documents=len(document_ids))
    for ids in store.chunks(document_ids):
        for rid, wid in db.execute(
                f"SELECT id, work_id FROM refs WHERE document_id IN ({store.marks(ids)})", ids):
            ch.gone_refs.add(rid)
            if wid is not None:
                ch.lost_works.add(wid)
    return ch


def _rows(db, sql_head: str, ids: Iterable, tail: str = "") -> list[dict]:
    """Rows of ``sql_head IN (ids) tail`` (chunked), JSON name columns decoded."""
    out = []
    for part in store.chunks(list(ids)):
        for row in db.query(f"{sql_head} IN ({store.marks(part)}) {tail}", part):
            for k in store.JSON_COLUMNS:
                if k in row:
                    row[k] = json.loads(row[k]) if row.get(k) else []
            out.append(row)
    return out


def _clean_rows(db, sql_head: str, ids: Iterable) -> list[dict]:
    """``_rows`` in document/position order, cleaned for matching."""
    return [clean_ref(r, 0) for r in _rows(db, sql_head, ids, "ORDER BY document_id, position, id")]


def resolve_incremental(db, changed: Changes) -> dict | None:
    """Resolve only what a small change touched (see the module docstring);
    None when a full resolve is due: the store has no blocking index yet or
    more than INCREMENTAL_MAX_SHARE of its refs are new."""
    total = db.execute("SELECT count(*) FROM refs").fetchone()[0]
    new_ids = [r[0] for r in db.execute("SELECT id FROM refs WHERE work_id IS NULL")]
    if not db.execute("SELECT 1 FROM ref_blocks LIMIT 1").fetchone() \
            or not db.execute("SELECT 1 FROM works LIMIT 1").fetchone() \
            or len(new_ids) > INCREMENTAL_MAX_SHARE * max(total, 1):
        return None
    with no_gc(), store.savepoint(db, "kb_resolve"):
        return _resolve_incremental(db, changed, new_ids)


def _neighbours(db, it: Item) -> set[int]:
    """Ref ids sharing a blocking key or identifier with ``it`` (all of a small
    block; the WINDOW nearest by title of a big one)."""
    out: set[int] = set()
    sort = sort_text(it)
    for key in index_keys(it):
        ids = [r[0] for r in db.execute(
            "SELECT ref_id FROM ref_blocks WHERE key = ? LIMIT ?", [key, BLOCK_ALL_PAIRS + 1])]
        if len(ids) <= BLOCK_ALL_PAIRS or key.split(":", 1)[0] in ("doi", "isbn", "url"):
            out.update(ids[:BLOCK_ALL_PAIRS])
            if len(ids) <= BLOCK_ALL_PAIRS:
                continue
        out.update(r[0] for r in db.execute(
            "SELECT ref_id FROM ref_blocks WHERE key = ? AND sort >= ? ORDER BY sort LIMIT ?",
            [key, sort, WINDOW]))
        out.update(r[0] for r in db.execute(
            "SELECT ref_id FROM ref_blocks WHERE key = ? AND sort < ? ORDER BY sort DESC LIMIT ?",
            [key, sort, WINDOW]))
    return out


@dataclass
class _Plan:
    """The new refs clustered against the existing works near them."""
    new_refs: list[dict]
    root_of: dict[int, int]
    items: list[Item]
    fixed: int                       # items[:fixed] are refs of existing works
    cl: Clusters
    joins: list[tuple]
    works_in: dict[int, set[int]]    # cluster root -> the existing works in it
    cluster_work: dict[int, int] = field(default_factory=dict)   # cluster root -> work
    merged: dict[int, int] = field(default_factory=dict)         # old work -> work it joined
    ref_work: dict[int, int] = field(default_factory=dict)
    new_works: list[int] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)


def _resolve_incremental(db, changed: Changes, new_ids: list[int]) -> dict:
    gone = set(changed.gone_refs)
    for part in store.chunks(sorted(gone)):   # a document that failed to re-read keeps its refs
        gone -= {r[0] for r in db.execute(
            f"SELECT id FROM refs WHERE id IN ({store.marks(part)})", part)}
    store.unindex_refs(db, sorted(gone))
    plan = _cluster_new(db, new_ids)
    _assign_works(db, plan, changed)
    old_keys = {}
    for part in store.chunks(sorted(plan.touched | set(plan.merged))):
        old_keys.update(db.execute(
            f"SELECT id, key FROM works WHERE id IN ({store.marks(part)})", part))
    # write: new works as placeholders (ids), refs linked, merged works folded in
    store.add_works(db, plan.new_works)
    store.link_refs(db, plan.ref_work)
    for old, into in plan.merged.items():
        store.fold_work(db, old, into)
    items = plan.items
    merge_rows = [{"work_id": plan.cluster_work[plan.cl.find(items[a].idx)],
                   "ref_id": items[b].id, "other_ref_id": items[a].id,
                   "reason": reason, "score": score} for a, b, reason, score in plan.joins]
    merge_rows += [{"work_id": plan.ref_work[r["id"]], "ref_id": r["id"],
                    "other_ref_id": plan.root_of[r["id"]], "reason": "same_as", "score": 1.0}
                   for r in plan.new_refs if plan.root_of[r["id"]] != r["id"]]
    store.insert_rows(db, "merges", merge_rows)
    store.index_refs(db, [(k, sort_text(it), it.id) for it in items[plan.fixed:]
                          for k in index_keys(it)])
    # touched works: rows, keys and authors from all their refs
    refs_of: dict[int, list[dict]] = defaultdict(list)
    for r in _clean_rows(db, "SELECT * FROM refs WHERE work_id", sorted(plan.touched)):
        refs_of[r["work_id"]].append(r)
    emptied = sorted(w for w in plan.touched if not refs_of.get(w))
    store.drop_works(db, emptied)
    live = sorted(refs_of)
    rows, infos = {}, {}
    for w in live:
        rows[w], infos[w] = work_fields(refs_of[w])
    keys, fps, previous = _incremental_keys(db, live, infos, rows, old_keys)
    store.update_works(db, {w: {"key": keys[w], **rows[w]} for w in live})
    store.remember_keys(db, [(f, keys[w]) for w in live for f in fps[w]
                             if previous.get(f) != keys[w]])
    n_authors = _incremental_authors(db, live, infos)
    return {"works": db.execute("SELECT count(*) FROM works").fetchone()[0],
            "authors": db.execute("SELECT count(*) FROM authors").fetchone()[0],
            "merges": len(merge_rows), "refs": len(plan.new_refs), "mode": "incremental",
            "touched_works": len(live), "new_works": len(plan.new_works),
            "merged_works": len(plan.merged), "dropped_works": len(emptied),
            "new_authors": n_authors, "compared_refs": plan.fixed}


def _cluster_new(db, new_ids: list[int]) -> _Plan:
    """The new refs (short forms and ibid following their full ref) clustered
    with the refs of existing works that share a block with them."""
    new_refs = _clean_rows(db, "SELECT * FROM refs WHERE id", new_ids)
    new_by_id = {r["id"]: r for r in new_refs}
    root_of = follow_same_as(new_refs)
    new_roots = [new_by_id[rid] for rid in dict.fromkeys(root_of[r["id"]] for r in new_refs)]
    near_ids: set[int] = set()
    for it in (Item(0, r) for r in new_roots):
        near_ids |= _neighbours(db, it)
    near_ids -= set(new_by_id)
    frozen = _clean_rows(db, "SELECT * FROM refs WHERE work_id IS NOT NULL AND id", near_ids)
    fixed = len(frozen)
    items = [Item(i, r) for i, r in enumerate(frozen + new_roots)]
    cl = Clusters(items)
    # existing works: joined already, with their whole constraint sets
    work_of_item = {it.idx: r["work_id"] for it, r in zip(items, frozen)}
    first_of_work: dict[int, int] = {}
    for idx, w in work_of_item.items():
        root = first_of_work.setdefault(w, idx)
        if root != idx:
            cl.parent[idx] = root
            cl.bib[idx], cl.suffix[idx] = set(), set()
    for part in store.chunks(list(first_of_work)):
        for w, doc, kind, suffix in db.execute(
                "SELECT work_id, document_id, kind, year_suffix FROM refs WHERE same_as IS NULL "
                f"AND work_id IN ({store.marks(part)})", part):
            root = first_of_work[w]
            if kind == "bibliography":
                cl.bib[root].add(doc)
            if suffix:
                cl.suffix[root].add((doc, suffix))
    cl, joins = cluster_items(items, cl, fixed)
    works_in: dict[int, set[int]] = defaultdict(set)   # cluster root -> existing works
    for idx, w in work_of_item.items():
        works_in[cl.find(idx)].add(w)
    return _Plan(new_refs, root_of, items, fixed, cl, joins, works_in)


def _assign_works(db, plan: _Plan, changed: Changes) -> None:
    """A work id for every cluster holding new refs: its existing work (the
    lowest id when it joined several: the others merge into it) or a new id;
    and the works touched (gained, lost or merged refs)."""
    cl, fixed = plan.cl, plan.fixed
    next_id = first_new = (db.execute("SELECT max(id) FROM works").fetchone()[0] or 0) + 1
    for it in plan.items[fixed:]:
        root = cl.find(it.idx)
        if root in plan.cluster_work:
            continue
        olds = sorted(plan.works_in.get(root, ()))
        if olds:
            plan.cluster_work[root] = olds[0]
            for w in olds[1:]:
                plan.merged[w] = olds[0]
        else:
            plan.cluster_work[root] = next_id
            next_id += 1
    plan.ref_work = {it.id: plan.cluster_work[cl.find(it.idx)] for it in plan.items[fixed:]}
    for r in plan.new_refs:
        plan.ref_work[r["id"]] = plan.ref_work[plan.root_of[r["id"]]]
    merged = plan.merged
    existing = {w for w in plan.cluster_work.values() if w < first_new and w not in merged}
    plan.new_works = sorted(set(plan.cluster_work.values()) - existing - set(merged))
    plan.touched = existing | set(plan.new_works) | (set(changed.lost_works) - set(merged))
    plan.touched |= {merged[w] for w in changed.lost_works if w in merged}


def _incremental_keys(db, live: list[int], infos: dict, rows: dict,
                      old_keys: dict) -> tuple[dict[int, str], dict, dict]:
    """Keys for the touched works, as ``assign_keys`` would give them: the key
    most of a work's fingerprints had, else its old key, else a new one that
    no work and no remembered fingerprint uses.  Returns the keys, each
    work's fingerprints and the keys they had."""
    fps = {w: [f for r in infos[w]["full"] if not r.get("short_form") for f in fingerprints(r)]
           for w in live}
    allf = sorted({f for fs in fps.values() for f in fs})
    previous: dict[str, str] = {}
    for part in store.chunks(allf):
        previous.update(db.execute(
            f"SELECT fingerprint, key FROM work_keys WHERE fingerprint IN ({store.marks(part)})",
            part))
    live_set = set(live)

    def used_elsewhere(key: str) -> bool:
        row = db.execute("SELECT id FROM works WHERE key = ?", [key]).fetchone()
        return row is not None and row[0] not in live_set

    claims = []
    for w in live:
        votes = Counter(previous[f] for f in fps[w] if f in previous)
        if not votes and old_keys.get(w):
            votes[old_keys[w]] = 1
        claims += [(-n, w, key) for key, n in votes.items()]
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for _, w, key in sorted(claims):
        if w not in keys and key not in taken and not used_elsewhere(key):
            keys[w] = key
            taken.add(key)
    for w in live:
        if w in keys:
            continue
        info = infos[w]
        base = base_key(info["names"], info["year"], rows[w]["title"])
        key = base
        for s in suffixes():
            if key not in taken and not used_elsewhere(key) and not db.execute(
                    "SELECT 1 FROM work_keys WHERE key = ? LIMIT 1", [key]).fetchone():
                break
            key = base + s
        keys[w] = key
        taken.add(key)
    return keys, fps, previous


def _fullest_form(n: dict, col: str, pos: int, refs: list[dict], limit: int = 200) -> dict:
    """The fullest compatible form of name ``n`` printed at the same place in
    the work's other refs ("Khan, J." -> "Khan, Javier"), as cluster_authors
    joins the names at one position of one work."""
    if n.get("literal"):
        return n
    key, g = name_key(n), given_tokens(n.get("given"))
    best, best_len = n, len("".join(g))
    for r in refs[:limit]:
        names = r.get(col) or []
        if pos >= len(names):
            continue
        m = clean_name(names[pos])
        if not m or m.get("literal") or name_key(m) != key:
            continue
        gm = given_tokens(m.get("given"))
        if gm and len("".join(gm)) > best_len and given_compatible(g, gm):
            best, best_len = m, len("".join(gm))
    return best


def _incremental_authors(db, live: list[int], infos: dict) -> int:
    """work_authors (and works.authors) of the touched works, each name matched
    to an existing person (``_People``), else a new authors row.  Returns the
    number of new authors."""
    store.clear_work_authors(db, live)
    people = _People(db)
    rows, names_of = [], {}
    for w in live:
        info, seen = infos[w], set()
        names_of[w] = []
        for role, col, r in credited_names(info):
            for pos, raw_name in enumerate(r.get(col) or []):
                n = clean_name(raw_name)
                if not n:
                    continue
                aid = people.find(_fullest_form(n, col, pos, info["full"]))
                if (aid, role) in seen:
                    continue
                seen.add((aid, role))
                rows.append({"work_id": w, "author_id": aid, "position": pos, "role": role})
                if role == "author":
                    names_of[w].append(aid)
    store.insert_rows(db, "work_authors", rows)
    display = {}
    ids = sorted({a for v in names_of.values() for a in v})
    for part in store.chunks(ids):
        display.update(db.execute(
            f"SELECT id, name FROM authors WHERE id IN ({store.marks(part)})", part))
    store.set_work_names(db, {w: json.dumps([display[a] for a in names_of[w]],
                                            ensure_ascii=False)
                              for w in live if names_of[w]})
    return people.created


class _People:
    """Names to existing authors rows, the way ``cluster_authors`` groups
    names (same folded family; compatible given names, and only one such
    person; organisations by whole name); a name that fits none is added."""

    def __init__(self, db):
        self.db = db
        self.next_id = (db.execute("SELECT max(id) FROM authors").fetchone()[0] or 0) + 1
        self.created = 0
        self.cache: dict[tuple, int] = {}

    def find(self, n: dict) -> int:
        key = ("o:" if n.get("literal") else "p:") + name_key(n)
        g = given_tokens(n.get("given"))
        if (key, g) not in self.cache:
            found = self._existing(key, g)
            if found is None:
                found = self._add(n, key, g)
            self.cache[(key, g)] = found
        return self.cache[(key, g)]

    def _existing(self, key: str, g: tuple) -> int | None:
        cands = self.db.execute(
            "SELECT id, given FROM authors WHERE match_key = ? OR "
            "(match_key >= ? AND match_key < ?) ORDER BY id",
            [key, key + "|", key + "}"]).fetchall()
        if key.startswith("o:"):
            return cands[0][0] if cands else None
        if g:
            fits = [(aid, given_tokens(ag)) for aid, ag in cands
                    if ag and given_compatible(g, given_tokens(ag))]
            exact = [aid for aid, ag in fits if ag == g]
            return exact[0] if exact else (fits[0][0] if len(fits) == 1 else None)
        bare = [aid for aid, ag in cands if not ag]
        return bare[0] if bare else None

    def _add(self, n: dict, key: str, g: tuple) -> int:
        aid = self.next_id
        self.next_id += 1
        self.created += 1
        init = (g or ("",))[0][:1]
        store.insert_rows(self.db, "authors", [{
            "id": aid, "name": display_name(n), "family": n.get("family"),
            "given": n.get("given"), "literal": int(bool(n.get("literal"))),
            "match_key": key + ("|" + init if init else "")}])
        return aid
