"""Measure kb.locate against the gold references of the corpus.

    python scripts/eval_locate.py            # per-document table
    python scripts/eval_locate.py -v         # also list misses and extras
    python scripts/eval_locate.py --locate   # kb.locate alone (no inline sources)
    python scripts/eval_locate.py --locate -v --corpus /tmp/s/apa6 --gold /tmp/s/apa6
                                             # any corpus dir + gold dir (e.g. kbdev.synth's)

By default the found references are the pipeline's refs (kb.pipeline.process):
locate()'s entries plus the sources named in prose that kb.cite adds for
documents without an apparatus (kind "inline").  With ``--locate`` only
locate()'s entries are scored, against the gold minus its inline records.

An entry matches a gold reference when their normalised raw texts are
similar (rapidfuzz ratio >= THRESHOLD); pairs are taken best-first, one to one.
Short forms count (they are references too).  ``line`` is the share of
matched pairs whose start line equals gold's, ``kind+note`` the share whose
kind and note number equal gold's.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from rapidfuzz import fuzz

from kb.locate import locate
from kb.pipeline import process
from kb.read import read

ROOT = Path(__file__).resolve().parent.parent

THRESHOLD = 80


def norm(s: str) -> str:
    s = s.casefold()
    s = re.sub(r"[“”„«»\"]", '"', s)
    s = re.sub(r"[‘’`']", "'", s)
    s = re.sub(r"[*_]", "", s)
    s = re.sub(r"\s+", " ", s).strip(" .,;:")
    return s


def match(gold: list[dict], found: list) -> list[tuple[int, int, float]]:
    """Best-first one-to-one pairs (gold index, found index, score)."""
    cands = []
    for gi, g in enumerate(gold):
        gn = norm(g["raw"])
        for fi, e in enumerate(found):
            sc = fuzz.ratio(gn, norm(e.raw))
            if sc >= THRESHOLD:
                # prefer the same line and the same note on ties
                bonus = (e.line == g["line"]) * 0.5 + (e.note == g.get("note")) * 0.25
                cands.append((sc + bonus, gi, fi))
    cands.sort(reverse=True)
    used_g, used_f, pairs = set(), set(), []
    for sc, gi, fi in cands:
        if gi in used_g or fi in used_f:
            continue
        used_g.add(gi)
        used_f.add(fi)
        pairs.append((gi, fi, sc))
    return pairs


def evaluate(corpus: Path = ROOT / "data/corpus", gold_dir: Path = ROOT / "tests/gold",
             locate_only: bool = False):
    """{doc stem: dict(gold, found, matched, recall, precision, line)}"""
    out = {}
    for gp in sorted(Path(gold_dir).glob("*.json")):
        if gp.name == "works.json":
            continue
        gold = json.loads(gp.read_text())
        path = Path(corpus) / gold["document"]["file"]
        refs = gold["references"]
        if locate_only:
            found = locate(read(path)).entries
            refs = [r for r in refs if r["kind"] != "inline"]
        else:
            found = process(path).refs
        pairs = match(refs, found)
        n_line = sum(1 for gi, fi, _ in pairs if found[fi].line == refs[gi]["line"])
        n_note = sum(1 for gi, fi, _ in pairs
                     if found[fi].note == refs[gi].get("note") and found[fi].kind == refs[gi]["kind"])
        out[gp.stem] = dict(
            gold=len(refs), found=len(found), matched=len(pairs),
            recall=len(pairs) / len(refs) if refs else 1.0,
            precision=len(pairs) / len(found) if found else 1.0,
            line=n_line / len(pairs) if pairs else 1.0,
            note=n_note / len(pairs) if pairs else 1.0,
            pairs=pairs, refs=refs, entries=found)
    return out


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    verbose = "-v" in argv
    kw = {}
    for opt, key in (("--corpus", "corpus"), ("--gold", "gold_dir")):
        if opt in argv:
            kw[key] = Path(argv[argv.index(opt) + 1])
    if "corpus" in kw and "gold_dir" not in kw:
        kw["gold_dir"] = kw["corpus"]       # kbdev.synth writes .json next to the .txt
    res = evaluate(locate_only="--locate" in argv, **kw)
    print(f"{'document':24} {'gold':>5} {'found':>5} {'match':>5} {'recall':>7} {'prec':>6} "
          f"{'line':>6} {'kind+note':>9}")
    for stem, r in res.items():
        print(f"{stem:24} {r['gold']:5d} {r['found']:5d} {r['matched']:5d} "
              f"{r['recall']:7.3f} {r['precision']:6.3f} {r['line']:6.3f} {r['note']:9.3f}")
        if verbose:
            got_g = {gi for gi, _, _ in r["pairs"]}
            got_f = {fi for _, fi, _ in r["pairs"]}
            for gi, g in enumerate(r["refs"]):
                if gi not in got_g:
                    print(f"   MISS {g['id']} l{g['line']} {g['raw'][:110]}")
            for fi, e in enumerate(r["entries"]):
                if fi not in got_f:
                    print(f"   EXTRA n{e.note} l{e.line} {e.raw[:110]}")
            for gi, fi, _ in r["pairs"]:
                g, e = r["refs"][gi], r["entries"][fi]
                if g["line"] != e.line:
                    print(f"   LINE {g['id']} gold l{g['line']} found l{e.line} {e.raw[:60]}")
    return res


if __name__ == "__main__":
    main()
