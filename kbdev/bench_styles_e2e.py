#!/usr/bin/env python
"""End-to-end accuracy per citation style on synthetic documents.

    python scripts/bench_styles_e2e.py [--docs 3] [--refs 25] [--seed 11]

For each style kbdev.synth knows (author-date, numeric, note styles), writes
documents citing records that are not in the corpus, builds them with
``kb build`` and scores the store with scripts/evaluate.py against the gold
the generator wrote: reference recall/precision, field accuracy, same_as
accuracy and citation link recall/precision, one line per style.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from kb.build import build
from kbdev import evaluate
from kbdev.synth import CORPUS_STYLES, write_corpus

KEYS = ("refs_recall", "refs_precision", "field_acc", "sameas_acc", "link_recall",
        "link_precision")


def score_style(style: str, root: Path, docs: int, refs: int, seed: int) -> dict:
    corpus, gold = root / style, root / f"{style}-gold"
    write_corpus(corpus, docs, refs_per_doc=refs, seed=seed, styles=(style,))
    gold.mkdir(parents=True, exist_ok=True)
    for j in corpus.glob("*.json"):
        j.replace(gold / j.name)
    db = root / f"{style}.db"
    build([corpus], db, progress=False, echo=lambda m: None)
    return evaluate.evaluate(db, gold)[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=3)
    ap.add_argument("--refs", type=int, default=25)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--styles", nargs="+", default=list(CORPUS_STYLES))
    a = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="kb-styles-"))
    print(f"{'style':<16} " + " ".join(f"{k:>14}" for k in KEYS))
    for style in a.styles:
        o = score_style(style, root, a.docs, a.refs, a.seed)
        print(f"{style:<16} " + " ".join(f"{o[k]:>14.3f}" for k in KEYS), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
