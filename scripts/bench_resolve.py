#!/usr/bin/env python
"""Time kb.resolve on a built store: full and incremental (not a test: prints figures).

    python scripts/bench_resolve.py --db /tmp/kb-bench-small/kb1000.db [--docs 1]

Works on a copy of the store.  Full: ``resolve_store`` over every ref.
Incremental: the refs of ``--docs`` documents are unlinked (as if those
documents had just been re-read) and ``resolve_store`` runs with the
changes noted, as ``kb build`` does after a small change; then a full resolve
of the same store checks that both cluster the refs the same way.
Prints wall and CPU seconds, refs/s and peak memory.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb import resolve, store  # noqa: E402


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def clustering(db) -> set[frozenset]:
    groups: dict[int, set] = {}
    for rid, wid in db.execute("SELECT id, work_id FROM refs"):
        groups.setdefault(wid, set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def timed(label: str, fn, n_refs: int):
    t, c = time.perf_counter(), cpu_s()
    out = fn()
    wall, cpu = time.perf_counter() - t, cpu_s() - c
    print(f"{label:<12} {wall:8.2f} s wall {cpu:8.2f} s CPU  {n_refs / max(cpu, 1e-9):9.0f} refs/s CPU"
          f"  {out}", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--docs", type=int, default=1, help="documents changed for the incremental run")
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-resolve-"))
    try:
        path = tmp / "kb.db"
        shutil.copy(a.db, path)
        db = store.open_db(path, fast=True)
        n = db.execute("SELECT count(*) FROM refs").fetchone()[0]
        print(f"{a.db}: {n} refs")
        timed("full", lambda: resolve.resolve_store(db), n)
        docs = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id LIMIT ?", [a.docs])]
        changes = resolve.note_changes(db, docs)
        changes.gone_refs = set()        # the same ref ids come back
        with db.conn:
            db.execute(f"UPDATE refs SET work_id = NULL WHERE document_id IN "
                       f"({', '.join('?' * len(docs))})", docs)
            db.execute("DELETE FROM ref_blocks WHERE ref_id IN (SELECT id FROM refs "
                       "WHERE work_id IS NULL)")
        timed("incremental", lambda: resolve.resolve_store(db, changes), n)
        db.conn.commit()
        after = clustering(db)
        timed("full again", lambda: resolve.resolve_store(db), n)
        print("incremental == full clustering:", after == clustering(db))
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
