"""Time and peak memory of the graph stage on a synthetic store.

    python scripts/bench_graph.py                      # 10,000 docs x 40 refs
    python scripts/bench_graph.py --docs 1000 --html /tmp/g.html
    python scripts/bench_graph.py --store /tmp/bench.db --keep   # reuse the store

The synthetic store is written directly with sqlite-utils insert_all (the
pipeline is not involved): documents cite works drawn from a zipf-like
popularity (p ~ 1/rank^0.75) with topic structure (70% of a document's
draws come from its own topic out of 25), so Louvain has something to find.
Footnote documents put some works in the same note; every claim cites 1-3
refs.  The store is built in a child process so that the figures printed
are those of kb.graph.update_store (and render_html) alone.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb import graph  # noqa: E402
from kb.publish import picture  # noqa: E402
from kb.store import connect, open_db  # noqa: E402

CATEGORIES = (("scholarly", 0.45), ("book", 0.25), ("grey", 0.12), ("web", 0.1),
              ("news", 0.08))
SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vo", "an", "bel", "cor", "dun", "el",
             "fis", "gar", "hol", "ish", "jon", "kel", "lin", "mor", "nes", "ost",
             "per", "quin", "ros", "sal", "tor", "ul", "ver", "wes", "yan", "zel")
WORDS = ("trust", "state", "credit", "power", "market", "platform", "citizen",
         "data", "law", "surveillance", "society", "network", "reform", "history",
         "policy", "media", "risk", "governance", "identity", "knowledge")


def _name(rng, parts=2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def make_store(path: str | Path, docs: int = 10_000, refs_per_doc: int = 40,
               claims_per_doc: int = 20, universe: int = 160_000, seed: int = 7,
               topics: int = 25) -> dict:
    """Write a synthetic store to ``path``; returns row counts."""
    path = Path(path)
    if path.exists():
        path.unlink()
    rng = np.random.default_rng(seed)
    pyrng = __import__("random").Random(seed)
    db = open_db(path)
    p = 1.0 / np.arange(1, universe + 1) ** 0.75
    p /= p.sum()
    draws = rng.choice(universe, size=(docs, refs_per_doc * 2), p=p)
    doc_topic = rng.integers(0, topics, size=docs)
    own = rng.random(size=draws.shape) < 0.7
    draws = np.where(own, draws - draws % topics + doc_topic[:, None], draws)
    draws = np.minimum(draws, universe - 1)
    per_doc = []
    for row in draws:
        _, first = np.unique(row, return_index=True)
        per_doc.append(row[np.sort(first)][:refs_per_doc].tolist())
    used = sorted({w for ws in per_doc for w in ws})
    work_id = {u: i + 1 for i, u in enumerate(used)}
    # authors and works
    n_authors = max(10, len(used) // 2)
    authors = [dict(id=i + 1, name=f"{_name(pyrng)} {_name(pyrng, 3)}", literal=0)
               for i in range(n_authors)]
    for a in authors:
        a["given"], a["family"] = a["name"].split(" ", 1)
        a["match_key"] = a["name"].lower()
    cats = [c for c, _ in CATEGORIES]
    weights = [w for _, w in CATEGORIES]
    works, work_authors = [], []
    for u in used:
        wid = work_id[u]
        who = pyrng.sample(range(n_authors), pyrng.choice((1, 1, 2, 3)))
        names = [{"family": authors[a]["family"], "given": authors[a]["given"]}
                 for a in who]
        year = 1950 + (u * 7919) % 74
        title = " ".join(pyrng.choice(WORDS) for _ in range(pyrng.randint(3, 8))).capitalize()
        works.append(dict(id=wid, key=f"{names[0]['family'].lower()}{year}w{wid}",
                          type="article-journal", title=title, year=year,
                          container_title=f"Journal of {pyrng.choice(WORDS).capitalize()}",
                          authors=json.dumps(names),
                          source_category=pyrng.choices(cats, weights)[0]))
        work_authors += [dict(work_id=wid, author_id=authors[a]["id"], position=i,
                              role="author") for i, a in enumerate(who)]
    documents, refs, claims, citations = [], [], [], []
    ref_id = claim_id = 0
    for d, ws in enumerate(per_doc):
        doc = f"doc{d:05d}"
        notes = pyrng.random() < 0.4
        documents.append(dict(id=doc, path=f"corpus/{doc}.txt", title=f"Document {d}: "
                              + " ".join(pyrng.choice(WORDS) for _ in range(4)),
                              year=2000 + d % 24, format="txt",
                              citation_style="footnotes" if notes else "author-date",
                              sha256=f"{d:064x}", authors=json.dumps([_name(pyrng)])))
        first_ref = ref_id + 1
        note = 0
        for i, u in enumerate(ws):
            ref_id += 1
            if notes and (i == 0 or pyrng.random() > 0.3):
                note += 1          # else: same note as the previous ref
            refs.append(dict(id=ref_id, document_id=doc,
                             kind="footnote" if notes else "bibliography",
                             note=note if notes else None, line=i + 1, position=i,
                             raw=f"Ref {ref_id}", work_id=work_id[u], parse_ok=1,
                             short_form=0))
        for c in range(claims_per_doc):
            claim_id += 1
            claims.append(dict(id=claim_id, document_id=doc, text=f"Claim {claim_id}",
                               line=c + 1))
            for r in pyrng.sample(range(first_ref, ref_id + 1),
                                  min(pyrng.choice((1, 1, 2, 3)), len(ws))):
                citations.append(dict(claim_id=claim_id, ref_id=r, marker="(x)"))
    db.execute("PRAGMA synchronous = OFF")     # a throwaway file: no fsyncs
    with db.conn:
        for table, rows in (("authors", authors), ("works", works),
                            ("work_authors", work_authors), ("documents", documents),
                            ("refs", refs), ("claims", claims), ("citations", citations)):
            db[table].insert_all(rows, batch_size=5_000)
    counts = dict(documents=len(documents), works=len(works), refs=len(refs),
                  claims=len(claims), citations=len(citations), authors=len(authors))
    db.conn.close()
    return counts


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _make(path, docs, refs, queue):
    t0 = time.perf_counter()
    counts = make_store(path, docs, refs)
    queue.put((counts, time.perf_counter() - t0))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--refs", type=int, default=40, help="references per document")
    ap.add_argument("--store", help="store path (default: a temporary file)")
    ap.add_argument("--keep", action="store_true", help="reuse --store if it exists")
    ap.add_argument("--html", help="also render the HTML view to this file")
    args = ap.parse_args(argv)
    tmp = None
    if args.store:
        path = Path(args.store)
    else:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.db"
    if not (args.keep and path.exists()):
        queue = mp.get_context("fork").Queue()
        proc = mp.get_context("fork").Process(target=_make,
                                              args=(path, args.docs, args.refs, queue))
        proc.start()
        counts, secs = queue.get()
        proc.join()
        print(f"synthetic store: {counts} in {secs:.1f} s", flush=True)
    db = connect(path)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu0, t0 = _cpu(), time.perf_counter()
    summary = graph.update_store(db)
    total = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"update_store: {total:.1f} s wall, {_cpu() - cpu0:.1f} s CPU, "
          f"peak RSS {rss1:.0f} MB (before: {rss0:.0f} MB); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for k, v in summary.pop("seconds").items():
        print(f"  {k:15s} {v:8.2f} s")
    for k, v in summary.items():
        print(f"  {k}: {v}")
    if args.html:
        cpu0, t0 = _cpu(), time.perf_counter()
        text = picture.render_html(db)
        Path(args.html).write_text(text, encoding="utf-8")
        rss2 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"render_html: {time.perf_counter() - t0:.1f} s wall, {_cpu() - cpu0:.1f} s CPU,"
              f" {len(text) / 1e6:.1f} MB -> {args.html}, peak RSS {rss2:.0f} MB")
    db.conn.close()
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
