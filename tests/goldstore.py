"""Test helper: a store built straight from the gold annotations.

A perfect pipeline would produce exactly this store, so the scorer must
give it 1.000 everywhere.  ``damage`` removes a share of it to check that
the scores fall by about that much.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from kb import store
from kb.models import Citation, Claim, DocResult, Document, Ref, REF_FIELDS

GOLD = Path(__file__).parent / "gold"


def gold_docs(gold_dir: Path = GOLD) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(gold_dir.glob("0*.json"))}


def gold_result(stem: str, gold: dict) -> DocResult:
    meta = gold["document"]
    doc = Document(id=stem, path=meta["file"], lines=[], sha256=stem, format="txt",
                   language=meta.get("language"), title=meta.get("title"),
                   authors=meta.get("authors") or [], year=meta.get("year"),
                   citation_style=meta.get("citation_style"))
    index = {g["id"]: i for i, g in enumerate(gold["references"])}
    refs = []
    for g in gold["references"]:
        fields = {k: g.get(k) for k in REF_FIELDS if k in g}
        for k in ("authors", "editors", "translators"):
            fields[k] = fields.get(k) or []
        refs.append(Ref(kind=g["kind"], raw=g["raw"], line=g["line"], note=g.get("note"),
                        short_form=bool(g.get("short_form")),
                        same_as=index.get(g.get("same_as")), **fields))
    claims, cites, claim_ix = [], [], {}
    for c in gold["citations"]:
        key = (c["claim"], c["line"])
        if key not in claim_ix:
            claim_ix[key] = len(claims)
            claims.append(Claim(text=c["claim"], line=c["line"]))
        for t in c.get("targets") or []:
            cites.append(Citation(claim=claim_ix[key], ref=index[t], marker=c["marker"],
                                  pinpoint=c.get("pinpoint")))
    return DocResult(doc, refs, claims, cites)


def build_gold_store(db_path, gold_dir: Path = GOLD, damage: float = 0.0, seed: int = 0):
    """Write the gold as a store; with ``damage`` drop that share of refs and citations."""
    rng = random.Random(seed)
    db = store.open_db(db_path, fast=True)
    for stem, gold in gold_docs(gold_dir).items():
        res = gold_result(stem, gold)
        if damage:
            keep = [i for i in range(len(res.refs))
                    if rng.random() >= damage or any(r.same_as == i for r in res.refs)]
            remap = {old: new for new, old in enumerate(keep)}
            refs = [res.refs[i] for i in keep]
            for r in refs:
                r.same_as = remap.get(r.same_as) if r.same_as is not None else None
            res.citations = [Citation(c.claim, remap[c.ref], c.marker, c.pinpoint)
                             for c in res.citations if c.ref in remap]
            res.refs = refs
        store.write_result(db, res)
    _gold_works(db, gold_dir)
    return db


def _gold_works(db, gold_dir: Path) -> None:
    clusters = json.loads((gold_dir / "works.json").read_text())["clusters"]
    cluster_of = {item: n for n, c in enumerate(clusters) for item in c}
    with db.conn:
        work_ids = {}
        for stem, g in gold_docs(gold_dir).items():
            # refs were written in gold order (possibly thinned): map by raw+line
            stored = {(r["raw"], r["line"]): r["id"] for r in db.query(
                "SELECT id, raw, line FROM refs WHERE document_id = ?", [stem])}
            for ref in g["references"]:
                rid = stored.get((ref["raw"], ref["line"]))
                if rid is None or ref.get("short_form"):
                    continue
                cl = cluster_of.get(f"{stem}:{ref['id']}", f"{stem}:{ref['id']}")
                if cl not in work_ids:
                    work_ids[cl] = db["works"].insert(
                        {"key": f"w{len(work_ids)}", "title": ref.get("title")}).last_pk
                db["refs"].update(rid, {"work_id": work_ids[cl]})
        db.execute("UPDATE refs SET work_id = (SELECT r2.work_id FROM refs r2 "
                   "WHERE r2.id = refs.same_as) WHERE same_as IS NOT NULL")
