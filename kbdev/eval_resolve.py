"""Measure kb.resolve on refs built straight from the gold annotations.

    python scripts/eval_resolve.py            # figures + wrong merges/splits
    python scripts/eval_resolve.py --quiet    # figures only
    python scripts/eval_resolve.py --unlinked --noisy   # harder variants
    python scripts/eval_resolve.py --calibrate          # threshold margins
    python scripts/eval_resolve.py --db data/kb.db      # a built store

Works: every gold reference becomes a ref row (short forms keep their
``same_as``); ``resolve()`` clusters them; B-cubed precision/recall against
tests/gold/works.json (short forms take the cluster of the full ref their
``same_as`` chain ends at).

Authors: there is no gold file, so the gold person of every printed name is
derived by a rule and then hand-checked (see ``gold_person`` and
AUTHOR_GOLD_FIXES): same person = same folded family name (organisations:
same folded name without bracketed glosses and non-Latin script) and the same
first given initial; a short form's names are those of the full ref its
same_as points at; a bare family name in a full ref is only the same as other
bare uses of it (it could be anyone of that family; e.g. "Cohen and Arieli"
is Nissim Cohen, not "Cohen, D.").  Every family with more than one
given-name form in the corpus was read by hand; AUTHOR_GOLD_FIXES records the
decisions where the rule is wrong.
Author clustering precision is B-cubed precision over name occurrences.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from kb.resolve import clean_name, fold, given_tokens, name_key, resolve
from kbdev.metrics import bcubed, cluster_errors

ROOT = Path(__file__).resolve().parents[1]

GOLD = ROOT / "tests" / "gold"

#: Hand-checked author identities where the plain rule (folded family +
#: first given initial; organisations: folded name) is wrong, as
#: "family|given" -> gold label, or "o:organisation" -> gold label.
AUTHOR_GOLD_FIXES: dict[str, str] = {
    # "Meng Jing and Jane Li" (004 N8c) is not Li Jianhua (000 B73)
    "li|jane": "li|jane",
    # "Qiang, X." (001 B45, The Road to Digital Unfreedom) is Xiao Qiang,
    # printed family-last; same person as "Xiao Qiang" (003 I3)
    "qiang|x.": "xiao|q",
    # organisations: "Guowuyuan 国务院 (The State Council)" and "Chinese State
    # Council" are the State Council; "Zhonghua Renming ..." is a misspelling
    # of "Zhonghua Renmin Gongheguo Zhongyang Renmin Zhengfu"
    "o:guowuyuan": "o:state council",
    "o:chinese state council": "o:state council",
    "o:zhonghua renming gongheguo zhongyang renmin zhengfu":
        "o:zhonghua renmin gongheguo zhongyang renmin zhengfu",
}


def load_gold(gold_dir: Path = GOLD) -> tuple[list[dict], dict[int, str], dict[int, str]]:
    """(ref rows, ref id -> gold work label, ref id -> "stem:Rid") from the gold files."""
    refs: list[dict] = []
    ids: dict[str, int] = {}
    for path in sorted(gold_dir.glob("0*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        stem = path.stem
        for pos, r in enumerate(doc["references"]):
            rid = len(refs) + 1
            ids[f"{stem}:{r['id']}"] = rid
            row = {k: r.get(k) for k in (
                "kind", "note", "line", "raw", "type", "title", "container_title",
                "year", "date", "volume", "issue", "pages", "edition", "publisher",
                "place", "url", "doi", "isbn", "accessed")}
            row.update(id=rid, document_id=stem, position=pos,
                       authors=r.get("authors") or [], editors=r.get("editors") or [],
                       translators=r.get("translators") or [],
                       short_form=int(bool(r.get("short_form"))),
                       same_as=r.get("same_as"), gold_id=f"{stem}:{r['id']}")
            refs.append(row)
    for row in refs:
        if row["same_as"] is not None:
            row["same_as"] = ids.get(f"{row['document_id']}:{row['same_as']}")
    works = json.loads((gold_dir / "works.json").read_text(encoding="utf-8"))
    label = {}
    for ci, cluster in enumerate(works["clusters"]):
        for gid in cluster:
            label[ids[gid]] = f"W{ci}"
    by_id = {r["id"]: r for r in refs}

    def root(rid):
        seen = set()
        while by_id[rid]["same_as"] is not None and rid not in seen:
            seen.add(rid)
            rid = by_id[rid]["same_as"]
        return rid
    gold = {r["id"]: label.get(root(r["id"]), f"R{root(r['id'])}") for r in refs}
    names = {r["id"]: r["gold_id"] for r in refs}
    for r in refs:
        r["gold_work"] = gold[r["id"]]
    return refs, gold, names


def gold_person(refs: list[dict]) -> dict[tuple, str]:
    """(ref id, role, position) -> gold person label, by the stated method."""
    occ = []
    for r in refs:
        for role, col in (("author", "authors"), ("editor", "editors"),
                          ("translator", "translators")):
            for pos, raw in enumerate(r.get(col) or []):
                n = clean_name(raw)
                if n:
                    occ.append(((r["id"], role, pos), n))
    out = {}
    by_id = {r["id"]: r for r in refs}
    for k, n in occ:
        if n.get("literal"):
            key = "o:" + name_key(n)
            out[k] = AUTHOR_GOLD_FIXES.get(key, key)
            continue
        fam = name_key(n)
        g = given_tokens(n.get("given"))
        label = f"{fam}|{g[0][0] if g else ''}"
        fix = f"{fam}|{fold(n.get('given') or '')}"
        out[k] = "p:" + AUTHOR_GOLD_FIXES.get(fix, label)
    # a bare family name in a full ref: the person at the same place of a
    # ref of the same gold work (e.g. "Foucault, Discipline and Punish")
    works = {}
    for r in refs:
        works.setdefault(r["gold_work"], []).append(r["id"])
    for k, n in occ:
        rid, role, pos = k
        if n.get("literal") or n.get("given"):
            continue
        for other in works[by_id[rid]["gold_work"]]:
            o = out.get((other, role, pos))
            x = by_id[other][role + "s"][pos] if (other, role, pos) in out else None
            if o and x and x.get("given") and name_key(x) == name_key(n):
                out[k] = o
                break
    # a short form's names are the names of the full ref it abbreviates
    for k, n in occ:
        rid, role, pos = k
        target = by_id[rid].get("same_as")
        seen = set()
        while target is not None and by_id[target].get("same_as") is not None \
                and target not in seen:
            seen.add(target)
            target = by_id[target]["same_as"]
        if target is not None and (target, role, pos) in out and not n.get("literal"):
            out[k] = out[(target, role, pos)]
    return out


def zotero_baseline(refs: list[dict]) -> dict[int, int]:
    """Zotero's duplicate rule, the floor to beat: same ISBN, same DOI, or the
    same normalised title with years at most one apart and (when both list
    creators) a shared surname + first initial.  Short forms follow same_as."""
    from kb.resolve import follow_same_as, norm_doi, norm_isbn
    import re
    root = follow_same_as(refs)
    full = [r for r in refs if root[r["id"]] == r["id"]]
    parent = {r["id"]: r["id"] for r in full}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def creators(r):
        out = set()
        for n in r.get("authors") or []:
            n = clean_name(n)
            if n:
                g = given_tokens(n.get("given"))
                out.add((fold(n.get("family") or n.get("literal")), g[0][0] if g else ""))
        return out

    groups = defaultdict(list)
    for r in full:
        for kind, value in (("isbn", norm_isbn(r.get("isbn"))), ("doi", norm_doi(r.get("doi")))):
            if value:
                groups[(kind, value)].append(r)
        title = re.sub(r"[^\w]", "", fold(r.get("title") or ""))
        if title:
            groups[("title", title)].append(r)
    for (kind, _), members in groups.items():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if kind == "title":
                    ya, yb = a.get("year"), b.get("year")
                    if ya and yb and abs(int(ya) - int(yb)) > 1:
                        continue
                    ca, cb = creators(a), creators(b)
                    if ca and cb and not ca & cb:
                        continue
                parent[find(a["id"])] = find(b["id"])
    return {r["id"]: find(root[r["id"]]) for r in refs}


def perturb(rows: list[dict], seed: int = 7, rate: float = 0.3) -> list[dict]:
    """Parser-like noise on full refs (deterministic): a share of them lose
    the year or subtitle, get a lower-cased title, initials for given names,
    an "et al." tail, a typo in the first family name, or lose the type."""
    import random
    rnd = random.Random(seed)
    out = []
    for row in rows:
        row = dict(row)
        if not row["short_form"] and rnd.random() < rate:
            kind = rnd.choice(["year", "subtitle", "case", "initials", "etal", "typo", "type"])
            title = row.get("title") or ""
            authors = [dict(a) for a in row.get("authors") or []]
            if kind == "year":
                row["year"] = None
            elif kind == "subtitle" and ":" in title:
                row["title"] = title.split(":", 1)[0]
            elif kind == "case":
                row["title"] = title.lower()
            elif kind == "initials":
                for a in authors:
                    if a.get("given"):
                        a["given"] = a["given"][0] + "."
            elif kind == "etal" and len(authors) > 1:
                authors = [authors[0], {"literal": "et al."}]
            elif kind == "typo" and authors and len(authors[0].get("family") or "") > 5:
                f = authors[0]["family"]
                i = rnd.randrange(1, len(f) - 2)
                authors[0]["family"] = f[:i] + f[i + 1] + f[i] + f[i + 2:]
            elif kind == "type":
                row["type"] = None
            row["authors"] = authors
        out.append(row)
    return out


def evaluate(verbose: bool = True, unlinked: bool = False, noisy: bool = False) -> dict:
    """Run resolve() on the gold refs; returns the figures (and prints errors).

    ``unlinked``: drop ``same_as`` from every short form that prints a title
    (as if the cite stage had not linked it), so resolve must match it.
    ``noisy``: add parser-like noise to the full refs (see ``perturb``).
    """
    refs, gold, names = load_gold()
    rows = [{k: v for k, v in r.items() if not k.startswith("gold_")} for r in refs]
    if unlinked:
        for row in rows:
            if row["short_form"] and row["title"]:
                row["same_as"] = None
    if noisy:
        rows = perturb(rows)
    res = resolve(rows, {})
    pred = res.ref_work
    p, r, f = bcubed(pred, gold)
    errors = cluster_errors({names[k]: v for k, v in pred.items()},
                            {names[k]: v for k, v in gold.items()})
    gold_auth = gold_person(refs)
    pred_auth = {(rid, role, pos): aid for rid, role, pos, aid in res.ref_authors}
    ap, ar, af = bcubed(pred_auth, gold_auth)
    auth_errors = cluster_errors(
        {f"{names[k[0]]}/{k[1]}{k[2]}": v for k, v in pred_auth.items()},
        {f"{names[k[0]]}/{k[1]}{k[2]}": v for k, v in gold_auth.items()})
    zp, zr, zf = bcubed(zotero_baseline(rows), gold)
    out = {"works_precision": p, "works_recall": r, "works_f1": f,
           "zotero_precision": zp, "zotero_recall": zr, "zotero_f1": zf,
           "author_precision": ap, "author_recall": ar, "refs": len(refs),
           "works": len(res.works), "gold_works": len(set(gold.values())),
           "errors": errors, "author_errors": auth_errors}
    if verbose:
        by_name = {r["gold_id"]: r for r in refs}

        def show(gid):
            x = by_name[gid]
            fams = [a.get("family") or a.get("literal") for a in x["authors"]]
            return f"{gid} [{x['type']}] {fams} {x['year']} | {(x['title'] or x['raw'])[:80]}"
        print("WRONG MERGES (one predicted work, several gold works):")
        for groups in errors["merges"]:
            print("  --")
            for g in groups:
                print("    gold:", "; ".join(show(x) for x in g[:3]))
        print("WRONG SPLITS (one gold work, several predicted works):")
        for groups in errors["splits"]:
            print("  --")
            for g in groups:
                print("    pred:", "; ".join(show(x) for x in g[:3]))
        print("AUTHOR WRONG MERGES:")
        for groups in auth_errors["merges"]:
            print("   ", groups)
        print("AUTHOR SPLITS:")
        for groups in auth_errors["splits"]:
            print("   ", groups)
    print(f"refs {len(refs)}  works {len(res.works)} (gold {out['gold_works']})")
    print(f"works B-cubed precision {p:.4f} recall {r:.4f} F1 {f:.4f}")
    print(f"Zotero-rule baseline: works B-cubed precision {zp:.4f} recall {zr:.4f} F1 {zf:.4f}")
    print(f"authors B-cubed precision {ap:.4f} recall {ar:.4f}")
    return out


def evaluate_store(db_path: Path, verbose: bool = True) -> dict:
    """The same figures on a built store (the real locate/parse/cite output).

    Gold references are matched to store refs with scripts/evaluate.py's
    ``match_refs``; works are scored over matched refs (short forms too,
    since they carry their work); authors over the names of matched refs
    whose folded family equals the gold one at the same position, with the
    clustering ``resolve()`` gives on the store's refs.
    """
    from kb.store import connect, load_refs
    from kbdev import evaluate as ev
    refs, gold, names = load_gold()
    ids = {v: k for k, v in names.items()}
    by_id = {r["id"]: r for r in refs}
    db = connect(db_path)
    store_refs = load_refs(db)
    res = resolve(store_refs, {})
    stored = {r["id"]: r for r in store_refs}
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in store_refs:
        by_doc[r["document_id"]].append(r)
    gold_docs = ev.load_gold(GOLD)
    pred_w, gold_w, pred_a, gold_a = {}, {}, {}, {}
    gold_auth = gold_person(refs)
    occ = {(rid, role, pos): aid for rid, role, pos, aid in res.ref_authors}
    for doc, g in gold_docs.items():
        rows = [dict(r, short_form=bool(r["short_form"])) for r in by_doc.get(doc, [])]
        for gid, rid in ev.match_refs(g["references"], rows).items():
            key = f"{doc}:{gid}"
            pred_w[key], gold_w[key] = res.ref_work[rid], gold[ids[key]]
            gref = by_id[ids[key]]
            for pos, ga in enumerate(gref["authors"]):
                sa = (stored[rid]["authors"] or [])[pos:pos + 1]
                n1, n2 = clean_name(ga), clean_name(sa[0]) if sa else None
                if n1 and n2 and name_key(n1) == name_key(n2) \
                        and (rid, "author", pos) in occ:
                    pred_a[(key, pos)] = occ[(rid, "author", pos)]
                    gold_a[(key, pos)] = gold_auth[(ids[key], "author", pos)]
    p, r, f = bcubed(pred_w, gold_w)
    ap, ar, _ = bcubed(pred_a, gold_a)
    errors = cluster_errors(pred_w, gold_w)
    if verbose:
        for kind in ("merges", "splits"):
            print(f"WRONG {kind.upper()}:")
            for groups in errors[kind]:
                print("   ", groups)
    print(f"store {db_path}: {len(pred_w)} gold refs matched, {len(pred_a)} names")
    print(f"works B-cubed precision {p:.4f} recall {r:.4f} F1 {f:.4f}")
    print(f"authors B-cubed precision {ap:.4f} recall {ar:.4f}")
    return {"works_precision": p, "works_recall": r, "author_precision": ap,
            "author_recall": ar, "errors": errors}


def calibrate() -> None:
    """Score distribution of the blocked candidate pairs of the gold full refs:
    how far same-work and different-work pairs sit from the thresholds."""
    from kb import resolve as R
    refs, gold, names = load_gold()
    full = [r for r in refs if not r["short_form"]]
    items = [R.Item(i, r) for i, r in enumerate(full)]
    rows = []
    seen = set()
    for a, b in R.candidate_pairs(items):
        if (a, b) in seen:
            continue
        seen.add((a, b))
        x, y = items[a], items[b]
        same = gold[x.id] == gold[y.id]
        both = x.has_authors and y.has_authors
        if R.vetoed(x, y):
            continue
        rows.append((same, both, R.title_score(x, y),
                     R.authors_agree(x, y) if both else None, R.pair_score(x, y),
                     names[x.id], names[y.id]))
    print(f"{len(rows)} candidate pairs from {len(items)} full refs")
    for same in (True, False):
        sel = [r for r in rows if r[0] == same]
        print(("SAME work" if same else "DIFFERENT works (not vetoed)") + f": {len(sel)} pairs")
        for r in sorted(sel, key=lambda r: -r[2] if not same else r[2])[:12]:
            au = "-" if r[3] is None else f"{r[3]:.0f}"
            print(f"   title {r[2]:5.1f} authors {au:>4} -> score {r[4]:5.1f}  {r[5]}  {r[6]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--unlinked", action="store_true",
                    help="short forms with a title lose same_as (resolve must match them)")
    ap.add_argument("--noisy", action="store_true",
                    help="parser-like noise on full refs (missing years, typos, ...)")
    ap.add_argument("--calibrate", action="store_true",
                    help="print the scores of the closest same/different-work pairs")
    ap.add_argument("--db", type=Path,
                    help="score a built store instead of refs made from the gold")
    args = ap.parse_args(argv)
    if args.db:
        evaluate_store(args.db, verbose=not args.quiet)
        return 0
    if args.calibrate:
        calibrate()
        return 0
    evaluate(verbose=not args.quiet, unlinked=args.unlinked, noisy=args.noisy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
