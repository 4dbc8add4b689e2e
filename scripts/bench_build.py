#!/usr/bin/env python
"""Benchmark kb build on synthetic corpora (not a test: prints figures).

    python scripts/bench_build.py --sizes 100 1000 10000 --jobs 2 [--keep DIR]

For each size: generates a corpus with ``kbdev.synth`` (40 references per
document drawn from a shared pool of works with Zipf-like popularity, as in a
real field; mixed styles, notes and author-date), builds it
from scratch, then changes one document and rebuilds.  Prints documents/s,
refs/s, build time per document, peak memory (this process and its
workers), store size, the incremental rebuild time, CPU seconds (this
process and its pool's workers; wall times are noisy on a shared machine)
and the wall seconds of each build stage (copy, process, resolve, graph,
swap) with the modes the cross-document stages ran in.
"""
from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.build import build  # noqa: E402
from kbdev.synth import CORPUS_STYLES, make_document, make_records  # noqa: E402


def write_corpus(directory: Path, n_docs: int, refs_per_doc: int, seed: int) -> list[Path]:
    """Documents citing works from one shared pool (popular works cited often)."""
    import random
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = make_records(max(200, n_docs * refs_per_doc // 4), seed=seed)
    # cumulative weights once: rng.choices(weights=...) re-sums all of them per call
    cum = list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(pool))))
    indexes = range(len(pool))
    paths = []
    for d in range(n_docs):
        picked = {}
        while len(picked) < refs_per_doc:
            i = rng.choices(indexes, cum_weights=cum)[0]
            picked[i] = pool[i]
        style = CORPUS_STYLES[d % len(CORPUS_STYLES)]
        text, _ = make_document(list(picked.values()), style, seed=seed + d, doc_id=f"doc{d:05d}")
        p = directory / f"doc{d:05d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def cpu_s() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def bench(size: int, jobs: int, workdir: Path, refs_per_doc: int, repeat: int = 1) -> dict:
    corpus = workdir / f"corpus{size}"
    db = workdir / f"kb{size}.db"
    t = time.perf_counter()
    write_corpus(corpus, size, refs_per_doc, seed=size)
    gen = time.perf_counter() - t
    runs = []
    for _ in range(repeat):   # fresh store each time; the median run is kept
        db.unlink(missing_ok=True)
        t, c = time.perf_counter(), cpu_s()
        s = build([corpus], db, jobs=jobs, progress=False, echo=lambda m: None)
        runs.append((time.perf_counter() - t, cpu_s() - c, s))
    full, full_cpu, s = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    own, kids = peak_mb()
    victim = sorted(corpus.iterdir())[0]
    victim.write_text(victim.read_text() + "\nOne more closing sentence.\n")
    t, c = time.perf_counter(), cpu_s()
    s2 = build([corpus], db, jobs=jobs, progress=False, echo=lambda m: None)
    incr, incr_cpu = time.perf_counter() - t, cpu_s() - c
    # a second document changed: this process has its modules and models loaded
    other = sorted(corpus.iterdir())[1]
    other.write_text(other.read_text() + "\nOne more closing sentence.\n")
    t = time.perf_counter()
    build([corpus], db, jobs=jobs, progress=False, echo=lambda m: None)
    again = time.perf_counter() - t
    return dict(incr_again_s=again, incr_again_pct=100 * again / full,size=size, gen_s=gen, full_s=full, docs_per_s=s.documents / full,
                refs_per_s=s.refs / full, ms_per_doc=1000 * full / s.documents,
                refs=s.refs, works=s.works, failures=len(s.failures),
                incr_s=incr, incr_pct=100 * incr / full, processed_incr=s2.processed,
                full_cpu=full_cpu, incr_cpu=incr_cpu, incr_cpu_pct=100 * incr_cpu / full_cpu,
                full_stages=s.stages, incr_stages=s2.stages,
                peak_mb_main=own, peak_mb_workers=kids,
                store_mb=db.stat().st_size / 1e6)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--refs-per-doc", type=int, default=40)
    ap.add_argument("--keep", type=Path, help="keep corpora and stores here")
    ap.add_argument("--repeat", type=int, default=1,
                    help="full builds per size (median kept; small builds vary ±10%%)")
    a = ap.parse_args(argv)
    workdir = a.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"jobs={a.jobs} refs/doc={a.refs_per_doc} workdir={workdir}", flush=True)
    print(f"{'docs':>6} {'build s':>8} {'docs/s':>7} {'refs/s':>7} {'ms/doc':>7} "
          f"{'refs':>7} {'works':>7} {'incr s':>7} {'incr %':>6} {'peak MB':>8} "
          f"{'workers MB':>10} {'store MB':>8} {'fail':>4} {'cpu s':>7} {'incr cpu':>8} "
          f"{'cpu %':>6}", flush=True)
    results = []
    for size in a.sizes:
        r = bench(size, a.jobs, workdir, a.refs_per_doc, a.repeat)
        results.append(r)
        print(f"{r['size']:>6} {r['full_s']:>8.1f} {r['docs_per_s']:>7.1f} {r['refs_per_s']:>7.0f} "
              f"{r['ms_per_doc']:>7.1f} {r['refs']:>7} {r['works']:>7} {r['incr_s']:>7.1f} "
              f"{r['incr_pct']:>6.1f} {r['peak_mb_main']:>8.0f} {r['peak_mb_workers']:>10.0f} "
              f"{r['store_mb']:>8.1f} {r['failures']:>4} {r['full_cpu']:>7.1f} "
              f"{r['incr_cpu']:>8.1f} {r['incr_cpu_pct']:>6.1f}", flush=True)
        print(f"       full stages s: {r['full_stages']}", flush=True)
        print(f"       incremental stages s: {r['incr_stages']}", flush=True)
        print(f"       incremental again (warm process): {r['incr_again_s']:.2f} s = "
              f"{r['incr_again_pct']:.1f}%", flush=True)
    if len(results) > 1:
        base, last = results[0], results[-1]
        print(f"per-document time at {last['size']} docs vs {base['size']}: "
              f"{100 * (last['ms_per_doc'] / base['ms_per_doc'] - 1):+.1f}% wall, "
              f"{100 * (last['full_cpu'] / last['size'] / (base['full_cpu'] / base['size']) - 1):+.1f}% CPU")
    if not a.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
