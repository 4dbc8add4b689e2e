#!/usr/bin/env python
"""Concurrent load on a real ``kb serve`` (loopback only; not a test: prints figures).

    python scripts/bench_load.py --db /tmp/kb.db [--clients 16] [--requests 800]
        [--timeout 30] [--max-seconds 600] [--workers N]

Starts ``kb serve`` on 127.0.0.1 (a free port), waits for it, then
``--clients`` threads send ``--requests`` GETs in all, spread round-robin
over every page type: table pages, work pages, canned queries (HTML), .bib
exports (a table, a canned query, a work), a full-text search, the graph
and the home page.  Prints requests/s and p50/p95/max per page type in ms,
the server's CPU time in the timed run and its peak memory (``--workers N``:
kb serve's processes, summed).  Parameters come from the store (work keys,
document ids, words of titles), favouring well-cited works.

Times are to the last byte of the body; "p95 1st" is to the first byte
(an export streams, so its download starts then).
Bounded: a request that takes over ``--timeout`` s or fails is counted (the
"fail" column, per page type; its time counts in the percentiles as the time
it took to fail, a lower bound) instead of stopping the run, and no request
is sent after ``--max-seconds`` (those left are shown as "unsent").  The
``--warmup`` requests before the timed ones fill the response cache as a
running site's is and may take until ``--max-seconds`` (a whole-table .bib
is made once, cold, in tens of seconds on a big store); their slowest are
printed.  Only 127.0.0.1 is ever contacted (no proxies from the environment).
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
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
        types = [r[0] for r in c.execute("SELECT DISTINCT type FROM works "
                                         "WHERE type IS NOT NULL")] or ["book"]
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

    def as_json(url):
        path, _, query = url.partition("?")
        return path + ".json" + (f"?{query}" if query else "")

    makers = {
        "table": lambda: f"/{name}/" + rng.choice(["works", "refs", "claims", "documents",
                                                  "authors", "citations"]),
        # a table filtered by a facet value (facet counts over the filtered rows)
        "table-facet": lambda: rng.choice([
            f"/{name}/refs?" + urlencode({"document_id": rng.choice(docs)}),
            f"/{name}/claims?" + urlencode({"document_id": rng.choice(docs)}),
            f"/{name}/works?" + urlencode({"type": rng.choice(types)})]),
        "table-search": lambda: f"/{name}/" + rng.choice(["works", "refs", "claims"])
        + "?" + urlencode({"_search": rng.choice(words)}),
        "work": lambda: "/-/work/" + quote(rng.choice(keys), safe=""),
        "canned": canned,
        "canned-json": lambda: as_json(canned()),
        "bib-table": lambda: f"/{name}/works.bib",
        "bib-query": lambda: f"/{name}/most_cited.bib",
        "bib-work": lambda: "/-/work/" + quote(rng.choice(keys), safe="") + ".bib",
        "graph": lambda: "/-/graph",
        "home": lambda: "/",
    }
    cycle = itertools.cycle(sorted(makers))
    return [(kind, makers[kind]()) for kind in itertools.islice(cycle, n)]


def serve(db: Path, port: int, workers: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = tempfile.TemporaryFile()     # a file, not a pipe: a chatty server never blocks
    more = ["--workers", str(workers)] if workers else []
    proc = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port)] + more,
                            env=env, stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=1, trust_env=False)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                log.seek(0)
                raise SystemExit(log.read().decode(errors="replace"))
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("kb serve did not start")


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory of ``pid`` and its worker processes, summed."""
    total = None
    for p in [pid] + children(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total = (total or 0) + int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its worker processes so far."""
    total = 0.0
    for p in [pid] + children(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (kb serve's workers)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid):
            out.append(int(stat.parent.name))
    return out


def run(base: str, work: list[tuple[str, str]], clients: int, timeout: float,
        deadline: float):
    """Send ``work`` from ``clients`` threads; no request starts after ``deadline``
    (a perf_counter time).  Returns (times, statuses, fails, unsent, seconds)."""
    times, statuses, lock = defaultdict(list), defaultdict(set), threading.Lock()
    fails = defaultdict(int)           # page type -> requests that failed or timed out
    ttfb = defaultdict(list)           # page type -> ms to the first byte of the body
    statuses["failed"] = set()         # the paths that did not answer 200
    todo = iter(work)
    unsent = [0]
    slowest = []                       # (ms, status, path) of every request

    def record(kind, path, ms, first_ms, status):
        kinds = [kind]
        if kind.startswith("canned"):      # and per query
            kinds.append("canned:" + path.split("?")[0].rsplit("/", 1)[-1].split(".")[0])
        for k in kinds:
            times[k].append(ms)
            ttfb[k].append(first_ms)
        statuses[kind].add(status)
        slowest.append((ms, status, path))
        if status != 200:
            statuses["failed"].add(f"{status} {path}")
            fails[kind] += 1

    def client():
        # loopback only: no proxies or other settings from the environment
        with httpx.Client(base_url=base, timeout=timeout, trust_env=False) as http:
            while True:
                with lock:
                    item = next(todo, None)
                    if item is not None and time.perf_counter() > deadline:
                        unsent[0] += 1 + sum(1 for _ in todo)
                        item = None
                if item is None:
                    return
                kind, path = item
                t = time.perf_counter()
                status, first = fetch(http, path, t + timeout)
                ms = 1000 * (time.perf_counter() - t)
                with lock:
                    record(kind, path, ms, 1000 * ((first or time.perf_counter()) - t), status)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slowest.sort(reverse=True, key=lambda x: x[0])
    statuses["slowest"] = slowest[:5]
    return times, ttfb, statuses, fails, unsent[0], time.perf_counter() - t0


def fetch(http: httpx.Client, path: str, deadline: float):
    """GET ``path`` reading the whole body by ``deadline``: (status, time of
    the first body byte); the status is "timeout" past the deadline."""
    first = None
    try:
        with http.stream("GET", path) as r:
            for _ in r.iter_raw():
                first = first or time.perf_counter()
                if time.perf_counter() > deadline:
                    return "timeout", first
            return r.status_code, first
    except httpx.TimeoutException:
        return "timeout", first
    except httpx.HTTPError as e:
        return type(e).__name__, first


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--warmup", type=int, default=50,
                    help="requests sent before timing (no --timeout: up to --max-seconds)")
    ap.add_argument("--timeout", type=float, default=30,
                    help="seconds a request may take before it counts as failed")
    ap.add_argument("--workers", type=int, default=None,
                    help="kb serve --workers (default: kb serve's own default)")
    ap.add_argument("--max-seconds", type=float, default=600,
                    help="no request is sent after this many seconds (warm-up included)")
    a = ap.parse_args(argv)
    # stopped from outside: still stop the server (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    port = free_port()
    proc = serve(a.db, port, a.workers)
    base = f"http://127.0.0.1:{port}"
    deadline = time.perf_counter() + a.max_seconds
    try:
        # the warm-up fills the response cache as a running site's is: its
        # requests may take until the deadline (a cold whole-table .bib does)
        t = time.perf_counter()
        warm = run(base, urls(a.db, a.warmup, seed=1), a.clients, deadline - t, deadline)
        print(f"warm-up: {a.warmup} requests in {time.perf_counter() - t:.1f} s, slowest: "
              + ", ".join(f"{ms / 1000:.1f} s {status} {path}"
                          for ms, status, path in warm[2]["slowest"][:3]))
        cpu = cpu_seconds(proc.pid)
        times, ttfb, statuses, fails, unsent, seconds = run(
            base, urls(a.db, a.requests), a.clients, a.timeout, deadline)
        peak = peak_rss_mb(proc.pid)
        cpu = cpu_seconds(proc.pid) - cpu
        print(f"server CPU in the timed run: {cpu:.1f} s in {seconds:.1f} s "
              f"({100 * cpu / seconds:.0f}% of a core); load average {os.getloadavg()[0]:.1f}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    report(a, times, ttfb, statuses, fails, unsent, seconds, peak)
    return 0


def report(a, times, ttfb, statuses, fails, unsent, seconds, peak) -> None:
    total = sum(len(v) for k, v in times.items() if not k.startswith("canned:"))
    print(f"{a.db}: {total} requests, {a.clients} clients, workers {a.workers or 'default'}, "
          f"{total / seconds:.1f} requests/s, "
          f"{sum(fails.values())} failed, {unsent} unsent (past --max-seconds)"
          + (f", server peak RSS {peak:.0f} MB" if peak else ""))
    print(f"{'page':<30} {'n':>5} {'fail':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'p95 1st':>8}  status")
    statuses.pop("slowest")
    for failed in sorted(statuses.pop("failed"), key=str)[:10]:
        print("not 200:", failed)
    for kind in sorted(times):
        xs = times[kind]
        print(f"{kind:<30} {len(xs):>5} {fails.get(kind, 0):>5} {statistics.median(xs):>8.1f} "
              f"{pct(xs, 0.95):>8.1f} {max(xs):>8.1f} "
              f"{pct(ttfb[kind], 0.95):>8.1f}  "
              f"{','.join(map(str, sorted(statuses.get(kind, ()), key=str)))}")


if __name__ == "__main__":
    sys.exit(main())
