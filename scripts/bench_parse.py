"""References parsed per second on one core (target >= 1,000/s).

    python scripts/bench_parse.py            # 4,000 synthetic references, 8 styles
    python scripts/bench_parse.py -n 20000
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kbdev import synth  # noqa: E402
from kb.parse import parse  # noqa: E402


def corpus(n: int, seed: int = 2000) -> list[str]:
    """``n`` reference strings in the built-in styles (fast to make)."""
    rng = random.Random(seed)
    recs = synth.make_records(n, seed=seed)
    styles = list(synth.TEMPLATES)
    return [synth.strip_marks(synth.render_template(r, styles[i % len(styles)], rng))
            for i, r in enumerate(recs)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="parse throughput on one core")
    ap.add_argument("-n", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=1, help="runs; the median and best are reported")
    args = ap.parse_args(argv)
    refs = corpus(args.n)
    parse(refs[0])  # load the model
    rates = []
    for _ in range(max(1, args.repeat)):
        t0, c0 = time.perf_counter(), time.process_time()
        for r in refs:
            parse(r)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        rates.append(len(refs) / cpu)
        # CPU time is what one core spends; wall time also counts other processes' turns
        print(f"{len(refs)} references: {len(refs) / cpu:.0f} refs/s of one core's CPU time "
              f"({len(refs) / wall:.0f}/s wall clock on this machine now); target >= 1000", flush=True)
    if len(rates) > 1:
        rates.sort()
        print(f"median {rates[len(rates) // 2]:.0f} refs/s, best {rates[-1]:.0f} over {len(rates)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
