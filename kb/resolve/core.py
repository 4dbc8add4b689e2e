"""The whole resolution: refs -> works, authors, keys and merges.

    >>> res = resolve(refs, previous_keys={})    # pure: ref dicts in, rows out
    >>> res.ref_work[ref_id]                     # -> work id (1-based)
    >>> resolve_store(db)                        # the same over a store, atomically
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from .. import store
from . import incremental
from .authors import author_rows, cluster_authors, name_occurrences, work_author_rows
from .keys import assign_keys, base_key, fingerprints
from .match import Item, cluster_items, follow_same_as, index_keys, no_gc, sort_text
from .works import SOURCE_TYPES, clean_ref, work_fields


@dataclass
class Resolution:
    """What ``resolve`` computes; each list is rows for the table of that name.

    ``ref_work`` maps every ref id to its work id; ``ref_authors`` lists
    (ref_id, role, position, author_id) for every name printed in a ref, the
    author clustering over all occurrences (used by the evaluation).
    """
    works: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    work_authors: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)
    source_types: list[dict] = field(default_factory=list)
    work_keys: dict[str, str] = field(default_factory=dict)
    ref_work: dict[int, int] = field(default_factory=dict)
    ref_authors: list[tuple] = field(default_factory=list)
    #: rows of ``ref_blocks``: (key, sort text, ref id) of every full ref
    blocks: list[tuple] = field(default_factory=list)


def resolve(refs: list[dict], previous_keys: dict[str, str] | None = None) -> Resolution:
    """Cluster ``refs`` (ref rows with ``id``) into works and authors.

    ``previous_keys`` maps ref fingerprints to the work keys of the last
    build (the ``work_keys`` table), so keys stay stable.
    """
    with no_gc():
        return _resolve(refs, previous_keys or {})


@dataclass
class _Clustering:
    """Full refs clustered: the items, the joins made, and each ref's cluster
    (0-based, in order of first appearance by document and position)."""
    items: list[Item]
    joins: list[tuple]
    root_of: dict[int, int]
    item_cluster: dict[int, int]
    ref_cluster: dict[int, int]
    refs_of: dict[int, list[dict]]


def _cluster(refs: list[dict]) -> _Clustering:
    by_id = {r["id"]: r for r in refs}
    root_of = follow_same_as(refs)
    roots = sorted({root_of[r["id"]] for r in refs},
                   key=lambda rid: (str(by_id[rid].get("document_id")),
                                    by_id[rid].get("position") or 0, rid))
    items = [Item(i, by_id[rid]) for i, rid in enumerate(roots)]
    cl, joins = cluster_items(items)
    # clusters in a stable order (first appearance by document, position)
    cluster_members: dict[int, list[int]] = defaultdict(list)
    for it in items:
        cluster_members[cl.find(it.idx)].append(it.idx)
    ordered = sorted(cluster_members.values(), key=lambda ms: ms[0])
    item_cluster = {m: ci for ci, ms in enumerate(ordered) for m in ms}
    root_index = {it.id: it.idx for it in items}
    ref_cluster = {r["id"]: item_cluster[root_index[root_of[r["id"]]]] for r in refs}
    refs_of: dict[int, list[dict]] = defaultdict(list)
    for r in refs:
        refs_of[ref_cluster[r["id"]]].append(r)
    return _Clustering(items, joins, root_of, item_cluster, ref_cluster, refs_of)


def _resolve(refs: list[dict], previous_keys: dict[str, str]) -> Resolution:
    refs = [clean_ref(r, i) for i, r in enumerate(refs)]
    c = _cluster(refs)
    res = Resolution()
    res.source_types = [{"id": i, "label": l, "description": d} for i, l, d in SOURCE_TYPES]
    infos = []
    for ci in range(len(c.refs_of)):
        row, info = work_fields(c.refs_of[ci])
        infos.append(info)
        res.works.append({"id": ci + 1, "key": None, **row})
    res.blocks = [(k, sort_text(it), it.id) for it in c.items for k in index_keys(it)]
    res.work_keys = _keys(res.works, infos, previous_keys)
    res.ref_work = {rid: ci + 1 for rid, ci in c.ref_cluster.items()}
    res.merges = _merges(refs, c, res.ref_work)
    occ = name_occurrences(refs)
    person = cluster_authors(occ, c.ref_cluster)
    res.authors, author_of = author_rows(occ, person)
    res.ref_authors = [(o["ref_id"], o["role"], o["position"], author_of[i])
                       for i, o in enumerate(occ)]
    res.work_authors = work_author_rows(infos, occ, author_of)
    _name_works(res.works, res.authors, res.work_authors)
    return res


def _keys(works: list[dict], infos: list[dict], previous_keys: dict[str, str]) -> dict:
    """Set each work's key; returns the fingerprint -> key map to remember."""
    key_input = [{"base": base_key(info["names"], info["year"], works[ci]["title"]),
                  "fingerprints": [f for r in info["full"] if not r.get("short_form")
                                   for f in fingerprints(r)]}
                 for ci, info in enumerate(infos)]
    work_keys = dict(previous_keys)
    for ci, key in enumerate(assign_keys(key_input, previous_keys)):
        works[ci]["key"] = key
        for f in key_input[ci]["fingerprints"]:
            work_keys[f] = key
    return work_keys


def _merges(refs: list[dict], c: _Clustering, ref_work: dict[int, int]) -> list[dict]:
    """``merges`` rows: every join made, and every short form to its full ref."""
    out = [{"work_id": c.item_cluster[a] + 1, "ref_id": c.items[b].id,
            "other_ref_id": c.items[a].id, "reason": reason, "score": score}
           for a, b, reason, score in c.joins]
    out += [{"work_id": ref_work[r["id"]], "ref_id": r["id"],
             "other_ref_id": c.root_of[r["id"]], "reason": "same_as", "score": 1.0}
            for r in refs if c.root_of[r["id"]] != r["id"]]
    return out


def _name_works(works: list[dict], authors: list[dict], work_authors: list[dict]) -> None:
    """works.authors: the display names of the resolved people, in order."""
    display = {a["id"]: a["name"] for a in authors}
    names_of: dict[int, list[str]] = defaultdict(list)
    for wa in work_authors:
        if wa["role"] == "author":
            names_of[wa["work_id"]].append(display[wa["author_id"]])
    for w in works:
        if names_of.get(w["id"]):
            w["authors"] = json.dumps(names_of[w["id"]], ensure_ascii=False)


def resolve_store(db, changed: incremental.Changes | None = None) -> dict[str, int]:
    """Recompute works/authors from every ref in ``db`` in one transaction.

    Rewrites works, authors, work_authors, merges, source_types, work_keys,
    ref_blocks and refs.work_id; never touches annotations (nor the graph
    counts: the graph stage writes those).  Returns row counts (and
    ``"mode": "full"``).

    With ``changed`` (what a build replaced or removed) and little changed,
    resolves incrementally instead (``incremental.resolve_incremental``).
    """
    if changed is not None:
        out = incremental.resolve_incremental(db, changed)
        if out is not None:
            return out
    with no_gc():
        refs = store.load_refs(db)
    previous = store.remembered_keys(db)
    # refs still linked to a keyed work count too (a store without work_keys)
    key_of = {row["id"]: row["key"] for row in db.query("SELECT id, key FROM works")}
    for r in refs:
        key = key_of.get(r.get("work_id"))
        if key and not r.get("short_form"):
            for f in fingerprints(r):
                previous.setdefault(f, key)
    res = resolve(refs, previous)
    # a savepoint: atomic on its own, and nests inside a build's transaction
    with store.savepoint(db, "kb_resolve"):
        store.replace_resolution(db, res)
    return {"works": len(res.works), "authors": len(res.authors),
            "merges": len(res.merges), "refs": len(res.ref_work), "mode": "full"}
