#!/usr/bin/env python
"""Time every canned query of the Datasette site (not a test: prints figures).

    python scripts/bench_serve.py --db /tmp/kb-bench/kb10000.db [--runs 30]

Serves the store the way ``kb serve`` does (immutable, kb metadata and
plugin) through Datasette's own client, runs each canned query ``--runs``
times with parameters drawn from the store (a work key, a document id, an
author name, a claim word), and prints p50 and p95 in milliseconds.
Build a big store first with ``scripts/bench_build.py --sizes 10000 --keep DIR``.
Concurrent load on a real server: ``scripts/bench_load.py``.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from kb.commands.serve import make_datasette
from kb.publish.plugin import load_metadata


def samples(db_path: Path, n: int, seed: int = 0) -> dict[str, list[str]]:
    """Parameter values drawn from the store, favouring well-cited works."""
    rng = random.Random(seed)
    with sqlite3.connect(db_path) as c:
        keys = [r[0] for r in c.execute(
            "SELECT key FROM works ORDER BY coalesce(claim_count, 0) DESC LIMIT 2000")]
        docs = [r[0] for r in c.execute("SELECT id FROM documents")]
        names = [r[0] for r in c.execute("SELECT family FROM authors WHERE family IS NOT NULL "
                                         "LIMIT 5000")]
        titles = [r[0] for r in c.execute("SELECT title FROM works WHERE title IS NOT NULL "
                                          "LIMIT 5000")]
    words = [w for t in titles for w in t.split() if len(w) > 5 and w.isalpha()]
    pick = lambda xs: [rng.choice(xs) for _ in range(n)] if xs else [""] * n  # noqa: E731
    return {"key": pick(keys), "id": pick(docs), "document": pick(docs),
            "name": pick(names), "q": pick(words)}


async def time_queries(db_path: Path, runs: int) -> list[tuple[str, float, float, int]]:
    ds = make_datasette(db_path, annotations=False)
    name = db_path.stem
    queries = load_metadata(name)["databases"][name].get("queries", {})
    params = samples(db_path, runs)
    out = []
    for qname, q in queries.items():
        needed = q.get("params") or _params_in(q["sql"])
        times, status = [], 200
        for i in range(runs):
            args = {p: params.get(p, [""] * runs)[i] for p in needed}
            # _run: a new address each time, so kb's response cache never answers
            url = f"/{name}/{qname}.json?" + urlencode({**args, "_shape": "array", "_run": i})
            t = time.perf_counter()
            r = await ds.client.get(url)
            times.append(1000 * (time.perf_counter() - t))
            status = max(status, r.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        out.append((qname, statistics.median(times), p95, status))
    return out


def _params_in(sql: str) -> list[str]:
    import re
    return sorted(set(re.findall(r"(?<!:):([a-zA-Z_]\w*)", sql)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args(argv)
    with sqlite3.connect(a.db) as c:
        docs, refs = c.execute("SELECT (SELECT count(*) FROM documents), "
                               "(SELECT count(*) FROM refs)").fetchone()
    print(f"{a.db}: {docs} documents, {refs} refs, {a.runs} runs per query")
    print(f"{'query':<26} {'p50 ms':>8} {'p95 ms':>8} {'status':>6}")
    for qname, p50, p95, status in asyncio.run(time_queries(a.db, a.runs)):
        print(f"{qname:<26} {p50:>8.1f} {p95:>8.1f} {status:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
