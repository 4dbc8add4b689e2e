#!/usr/bin/env python
"""Concurrent load on a real ``kb serve`` (loopback only; not a test: prints figures).

    python scripts/bench_load.py --db /tmp/kb.db [--clients 16] [--requests 800]

Starts ``kb serve`` on 127.0.0.1 (a free port), waits for it, then
``--clients`` threads send ``--requests`` GETs in all (a fixed count, so the
run is bounded), spread round-robin over every page type: table pages, work
pages, canned queries (HTML), .bib exports (a table, a canned query, a work)
and the home page.  Prints requests/s and p50/p95/max per page type in ms,
and the server's peak memory.  Parameters come from the store (work keys,
document ids, words of titles), favouring well-cited works.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))      # this checkout's kb, as the server runs it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def urls(db: Path, n: int, seed: int = 0) -> list[tuple[str, str]]:
    """(page type, path) pairs, ``n`` in all, round-robin over the types."""
    rng = random.Random(seed)
    name = db.stem
    with sqlite3.connect(db) as c:
        keys = [r[0] for r in c.execute(
            "SELECT key FROM works ORDER BY coalesce(claim_count, 0) DESC LIMIT 500")]
        docs = [r[0] for r in c.execute("SELECT id FROM documents LIMIT 500")]
        titles = [r[0] for r in c.execute("SELECT title FROM works WHERE title IS NOT NULL "
                                          "LIMIT 2000")]
    words = [w for t in titles for w in t.split() if len(w) > 5 and w.isalpha()] or ["trust"]
    from kb.publish.plugin import load_metadata
    queries = load_metadata(name)["databases"][name].get("queries", {})

    def canned():        # with the parameters its SQL uses, as a reader's form sends
        q = rng.choice(sorted(queries))
        args = {"key": rng.choice(keys), "id": rng.choice(docs), "document": rng.choice(docs),
                "q": rng.choice(words), "name": rng.choice(words)}
        used = set(re.findall(r"(?<!:):([a-zA-Z_]\w*)", queries[q]["sql"]))
        query = urlencode({k: v for k, v in args.items() if k in used})
        return f"/{name}/{q}" + (f"?{query}" if query else "")

    makers = {
        "table": lambda: f"/{name}/" + rng.choice(["works", "refs", "claims", "documents",
                                                  "authors", "citations"]),
        "work": lambda: "/-/work/" + quote(rng.choice(keys), safe=""),
        "canned": canned,
        "bib-table": lambda: f"/{name}/works.bib",
        "bib-query": lambda: f"/{name}/most_cited.bib",
        "bib-work": lambda: "/-/work/" + quote(rng.choice(keys), safe="") + ".bib",
        "home": lambda: "/",
    }
    cycle = itertools.cycle(sorted(makers))
    return [(kind, makers[kind]()) for kind in itertools.islice(cycle, n)]


def serve(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise SystemExit(proc.stderr.read().decode())
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("kb serve did not start")


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run(base: str, work: list[tuple[str, str]], clients: int):
    times, statuses, lock = defaultdict(list), defaultdict(set), threading.Lock()
    statuses["failed"] = set()         # the paths that did not answer 200
    todo = iter(work)

    def client():
        with httpx.Client(base_url=base, timeout=60) as http:
            while True:
                with lock:
                    item = next(todo, None)
                if item is None:
                    return
                kind, path = item
                t = time.perf_counter()
                r = http.get(path)
                ms = 1000 * (time.perf_counter() - t)
                with lock:
                    times[kind].append(ms)
                    if kind == "canned":      # and per query
                        times["canned:" + path.split("?")[0].rsplit("/", 1)[-1]].append(ms)
                    statuses[kind].add(r.status_code)
                    if r.status_code != 200:
                        statuses["failed"].add(f"{r.status_code} {path}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, statuses, time.perf_counter() - t0


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--warmup", type=int, default=50, help="requests sent before timing")
    a = ap.parse_args(argv)
    port = free_port()
    proc = serve(a.db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        run(base, urls(a.db, a.warmup, seed=1), a.clients)
        times, statuses, seconds = run(base, urls(a.db, a.requests), a.clients)
        peak = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    total = sum(len(v) for k, v in times.items() if not k.startswith("canned:"))
    print(f"{a.db}: {total} requests, {a.clients} clients, {total / seconds:.1f} requests/s, "
          f"server peak RSS {peak:.0f} MB" if peak else "")
    print(f"{'page':<30} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  status")
    for failed in sorted(statuses.pop("failed"))[:5]:
        print("not 200:", failed)
    for kind in sorted(times):
        xs = times[kind]
        print(f"{kind:<30} {len(xs):>5} {statistics.median(xs):>8.1f} {pct(xs, 0.95):>8.1f} "
              f"{max(xs):>8.1f}  {','.join(map(str, sorted(statuses.get(kind, ()))))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
