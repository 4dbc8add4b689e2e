#!/usr/bin/env python
"""Score a built store against the gold annotations.

    python scripts/evaluate.py --db data/kb.db --gold tests/gold [--json]

Per document and overall:
* refs recall / precision — gold references (short forms excluded) matched
  one-to-one to ``refs`` rows by normalised raw text and title, year agreeing;
* field accuracy over matched pairs (fields where gold or store has a value);
* sameas accuracy — gold short forms / ibid whose store row, following
  ``same_as``, lands on the ref matched to the gold target (or its work);
* link recall / precision — a gold (citation, target) pair is found when a
  ``citations`` row's claim shares most of the gold claim's words and its
  ref, following ``same_as``, is the one matched to the target;
* works B-cubed precision / recall over the gold works clusters.

The last line is exactly
``overall: refs_recall=… refs_precision=… field_acc=… sameas_acc=… link_recall=… link_precision=…``
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz

FIELDS = ("title", "authors", "year", "container_title", "volume", "issue", "pages",
          "url", "doi", "publisher", "accessed", "type")
RAW_MIN = 0.75     # normalised raw-text similarity that makes a match
TITLE_MIN = 0.90   # ... or title similarity, with some raw similarity
CLAIM_MIN = 0.6    # share of the gold claim's words the store claim must hold


# --- normalisation -------------------------------------------------------------

def norm(s) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", str(s)).lower()
    s = re.sub(r"[*_`]", "", s)
    s = re.sub(r"[\u2018\u2019\u201a\u201b\u2032'`\u201c\u201d\u201e\u201f\"«»‹›]", "", s)
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s.strip(" .,;:")


def words(s: str) -> set[str]:
    return set(re.findall(r"\w+", norm(s)))


def norm_url(u) -> str:
    u = norm(u).replace(" ", "")
    u = re.sub(r"^https?://(www\.)?", "", u)
    return u.rstrip("/")


def norm_pages(p) -> str:
    return re.sub(r"\s", "", norm(p)).replace("--", "-")


def families(authors) -> list[str]:
    out = []
    for a in authors or []:
        if isinstance(a, dict):
            out.append(norm(a.get("family") or a.get("literal") or ""))
        else:
            out.append(norm(a))
    return out


def field_equal(name: str, gold, ours) -> bool:
    if name == "authors":
        return families(gold) == families(ours)
    if name == "year":
        return (gold is None and ours is None) or (gold is not None and ours is not None
                                                   and str(gold) == str(ours))
    if name == "url":
        return norm_url(gold) == norm_url(ours)
    if name == "doi":
        return norm(gold).replace("https://doi.org/", "") == norm(ours).replace("https://doi.org/", "")
    if name == "pages":
        return norm_pages(gold) == norm_pages(ours)
    return norm(gold) == norm(ours)


def has_value(v) -> bool:
    return v not in (None, "", [], {})


# --- loading -------------------------------------------------------------------

def load_gold(gold_dir: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(gold_dir.glob("*.json"))
            if p.name != "works.json"}


def load_store(db_path: Path) -> dict[str, dict]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    out: dict[str, dict] = defaultdict(lambda: {"refs": [], "claims": {}, "citations": []})
    for r in conn.execute("SELECT * FROM refs ORDER BY id"):
        r = dict(r)
        for k in ("authors", "editors", "translators"):
            r[k] = json.loads(r[k]) if r.get(k) else []
        out[r["document_id"]]["refs"].append(r)
    for c in conn.execute("SELECT * FROM claims"):
        out[c["document_id"]]["claims"][c["id"]] = dict(c)
    for c in conn.execute("SELECT citations.*, claims.document_id FROM citations "
                          "JOIN claims ON claims.id = citations.claim_id"):
        out[c["document_id"]]["citations"].append(dict(c))
    conn.close()
    return out


# --- matching ------------------------------------------------------------------

def match_refs(gold_refs: list[dict], refs: list[dict]) -> dict[str, int]:
    """One-to-one gold id -> store ref id, best pairs first."""
    pairs = []
    g_raw = [norm(g["raw"]) for g in gold_refs]
    s_raw = [norm(r["raw"]) for r in refs]
    for i, g in enumerate(gold_refs):
        gt = norm(g.get("title"))
        for j, r in enumerate(refs):
            raw_sim = fuzz.ratio(g_raw[i], s_raw[j]) / 100
            title_sim = fuzz.ratio(gt, norm(r.get("title"))) / 100 if gt else 0.0
            ok = raw_sim >= RAW_MIN or (title_sim >= TITLE_MIN and
                                        fuzz.partial_ratio(g_raw[i], s_raw[j]) >= 60)
            if not ok:
                continue
            if g.get("year") is not None and r.get("year") is not None and g["year"] != r["year"] \
                    and raw_sim < 0.95:
                continue
            line_gap = abs((g.get("line") or 0) - (r.get("line") or 0))
            pairs.append((max(raw_sim, title_sim), -line_gap, i, j))
    pairs.sort(reverse=True)
    used_g, used_s, out = set(), set(), {}
    for _, _, i, j in pairs:
        if i in used_g or j in used_s:
            continue
        used_g.add(i)
        used_s.add(j)
        out[gold_refs[i]["id"]] = refs[j]["id"]
    return out


def follow(ref_id, by_id: dict[int, dict], limit: int = 20):
    seen = 0
    while ref_id is not None and seen < limit:
        nxt = by_id.get(ref_id, {}).get("same_as")
        if nxt is None:
            return ref_id
        ref_id, seen = nxt, seen + 1
    return ref_id


def gold_follow(gid: str, gold_by_id: dict[str, dict]) -> str:
    for _ in range(20):
        g = gold_by_id.get(gid)
        if not g or not g.get("same_as"):
            return gid
        gid = g["same_as"]
    return gid


def claim_matches(gold_claim: str, claim: str) -> bool:
    gw, cw = words(gold_claim), words(claim)
    if not gw or not cw:
        return False
    return len(gw & cw) / len(gw) >= CLAIM_MIN and len(cw) <= 2 * len(gw) + 15


# --- scoring -------------------------------------------------------------------

def score_document(gold: dict, st: dict) -> dict:
    refs = st["refs"]
    by_id = {r["id"]: r for r in refs}
    gold_refs = gold["references"]
    gold_by_id = {g["id"]: g for g in gold_refs}
    full_gold = [g for g in gold_refs if not g.get("short_form")]
    full_refs = [r for r in refs if not r.get("short_form")]
    m = match_refs(full_gold, full_refs)
    short_gold = [g for g in gold_refs if g.get("short_form")]
    rest = [r for r in refs if r["id"] not in set(m.values())]
    m_short = match_refs(short_gold, rest)
    match = {**m, **m_short}

    res = {"gold_refs": len(full_gold), "refs": len(full_refs), "matched": len(m)}
    # fields
    per_field = {f: [0, 0] for f in FIELDS}
    for gid, rid in m.items():
        g, r = gold_by_id[gid], by_id[rid]
        for f in FIELDS:
            if has_value(g.get(f)) or has_value(r.get(f)):
                per_field[f][1] += 1
                per_field[f][0] += field_equal(f, g.get(f), r.get(f))
    res["fields"] = per_field
    # same_as
    ok = total = 0
    for g in short_gold:
        if not g.get("same_as"):
            continue
        total += 1
        rid = match.get(g["id"])
        target = match.get(gold_follow(g["id"], gold_by_id))
        if rid is None or target is None:
            continue
        mine = follow(rid, by_id)
        ok += mine == target or (by_id[mine].get("work_id") is not None and
                                 by_id[mine].get("work_id") == by_id[target].get("work_id"))
    res["sameas"] = (ok, total)
    # links
    claims = st["claims"]
    cites = [c for c in st["citations"] if c.get("ref_id") is not None]
    gold_pairs = []
    for c in gold["citations"]:
        for t in c.get("targets") or []:
            gold_pairs.append((c, match.get(gold_follow(t, gold_by_id)), match.get(t)))
    found = 0
    for c, target, direct in gold_pairs:
        if target is None and direct is None:
            continue
        for mine in cites:
            if mine["ref_id"] in (direct,) or follow(mine["ref_id"], by_id) == target:
                if claim_matches(c["claim"], claims[mine["claim_id"]]["text"]):
                    found += 1
                    break
    correct = 0
    for mine in cites:
        end = follow(mine["ref_id"], by_id)
        text = claims[mine["claim_id"]]["text"]
        for c, target, direct in gold_pairs:
            if (end == target or mine["ref_id"] == direct) and claim_matches(c["claim"], text):
                correct += 1
                break
    res["links"] = (found, len(gold_pairs), correct, len(cites))
    return res


def ratio(a: float, b: float) -> float:
    return a / b if b else 1.0


def works_scores(gold_dir: Path, db_path: Path, matches: dict[str, dict]) -> tuple[float, float] | None:
    """B-cubed precision/recall of works over gold refs the store found."""
    path = gold_dir / "works.json"
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    work_of = {rid: wid for rid, wid in conn.execute("SELECT id, work_id FROM refs")}
    conn.close()
    gold_cluster = {}
    for n, cluster in enumerate(json.loads(path.read_text())["clusters"]):
        for item in cluster:
            gold_cluster[item] = n
    items = {}
    for doc, m in matches.items():
        for gid, rid in m.items():
            key = f"{doc}:{gid}"
            if work_of.get(rid) is None:
                continue
            items[key] = (gold_cluster.get(key, key), work_of[rid])
    if not items:
        return 0.0, 0.0
    by_gold, by_work = defaultdict(set), defaultdict(set)
    for k, (g, w) in items.items():
        by_gold[g].add(k)
        by_work[w].add(k)
    p = sum(len(by_work[w] & by_gold[g]) / len(by_work[w]) for g, w in items.values()) / len(items)
    r = sum(len(by_work[w] & by_gold[g]) / len(by_gold[g]) for g, w in items.values()) / len(items)
    return p, r


def evaluate(db_path: Path, gold_dir: Path) -> tuple[list[str], dict]:
    gold = load_gold(gold_dir)
    st = load_store(db_path)
    lines, tot = [], defaultdict(float)
    per_field_all = {f: [0, 0] for f in FIELDS}
    matches = {}
    for doc, g in gold.items():
        s = st.get(doc, {"refs": [], "claims": {}, "citations": []})
        r = score_document(g, s)
        full_gold = [x for x in g["references"] if not x.get("short_form")]
        matches[doc] = match_refs(full_gold, [x for x in s["refs"] if not x.get("short_form")])
        fc = sum(v[0] for v in r["fields"].values())
        ft = sum(v[1] for v in r["fields"].values())
        for f, (a, b) in r["fields"].items():
            per_field_all[f][0] += a
            per_field_all[f][1] += b
        sa, st_ = r["sameas"]
        lf, lt, lc, ln = r["links"]
        lines.append(f"{doc}: refs_recall={ratio(r['matched'], r['gold_refs']):.3f} "
                     f"refs_precision={ratio(r['matched'], r['refs']):.3f} "
                     f"field_acc={ratio(fc, ft):.3f} sameas_acc={ratio(sa, st_):.3f} "
                     f"link_recall={ratio(lf, lt):.3f} link_precision={ratio(lc, ln):.3f} "
                     f"(gold refs {r['gold_refs']}, store refs {r['refs']}, "
                     f"links {lt}, store citations {ln})")
        for k, v in (("matched", r["matched"]), ("gold_refs", r["gold_refs"]), ("refs", r["refs"]),
                     ("fc", fc), ("ft", ft), ("sa", sa), ("st", st_), ("lf", lf), ("lt", lt),
                     ("lc", lc), ("ln", ln)):
            tot[k] += v
    lines.append("fields: " + " ".join(f"{f}={ratio(a, b):.3f}" for f, (a, b) in per_field_all.items()))
    ws = works_scores(gold_dir, db_path, matches)
    if ws:
        lines.append(f"works: bcubed_precision={ws[0]:.3f} bcubed_recall={ws[1]:.3f}")
    overall = {
        "refs_recall": ratio(tot["matched"], tot["gold_refs"]),
        "refs_precision": ratio(tot["matched"], tot["refs"]),
        "field_acc": ratio(tot["fc"], tot["ft"]),
        "sameas_acc": ratio(tot["sa"], tot["st"]),
        "link_recall": ratio(tot["lf"], tot["lt"]),
        "link_precision": ratio(tot["lc"], tot["ln"]),
    }
    overall["fields"] = {f: ratio(a, b) for f, (a, b) in per_field_all.items()}
    if ws:
        overall["works_precision"], overall["works_recall"] = ws
    lines.append("overall: " + " ".join(f"{k}={overall[k]:.3f}" for k in (
        "refs_recall", "refs_precision", "field_acc", "sameas_acc", "link_recall", "link_precision")))
    return lines, overall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="data/kb.db")
    ap.add_argument("--gold", default="tests/gold")
    ap.add_argument("--json", action="store_true", help="print the overall figures as JSON first")
    a = ap.parse_args(argv)
    if not Path(a.db).exists():
        print(f"error: {a.db}: no such store (run kb build first)", file=sys.stderr)
        return 2
    lines, overall = evaluate(Path(a.db), Path(a.gold))
    if a.json:
        print(json.dumps(overall))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
