"""Does a speed change keep parse() output identical?  Dumps parse() of 3,000
AnyStyle strings plus the benchmark strings to JSON, or compares with a dump.

    python -m kbdev.parse_check --anystyle ../shared/train/anystyle/parser --dump /tmp/before.json
    python -m kbdev.parse_check --anystyle ../shared/train/anystyle/parser --compare /tmp/before.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import anystyle


def strings(anystyle_dir: str, n: int = 3000, bench: int = 4000) -> list[str]:
    data = anystyle.load(anystyle_dir)
    pool = [anystyle.raw_string(s) for name in anystyle.FILES for s in data.get(name, [])]
    step = max(1, len(pool) // n)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from scripts.bench_parse import corpus
    return pool[::step][:n] + corpus(bench)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--anystyle", required=True)
    ap.add_argument("--dump")
    ap.add_argument("--compare")
    args = ap.parse_args(argv)
    from kb.parse import parse
    refs = strings(args.anystyle)
    out = [parse(r) for r in refs] + [parse(r, "bibliography") for r in refs[:500]]
    out = json.loads(json.dumps(out, default=str))
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            json.dump(out, fh, ensure_ascii=False)
        print(len(out), "parses dumped")
    if args.compare:
        with open(args.compare, encoding="utf-8") as fh:
            old = json.load(fh)
        bad = [i for i, (a, b) in enumerate(zip(old, out)) if a != b]
        for i in bad[:10]:
            print(refs[i % len(refs)])
            print({k: (old[i][k], out[i][k]) for k in out[i] if old[i][k] != out[i][k]})
        print(f"{len(out)} parses, {len(bad)} differ")
        return 1 if bad or len(old) != len(out) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
