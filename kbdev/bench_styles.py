"""Per-style field accuracy of kb.parse on held-out synthetic records.

    python scripts/bench_styles.py            # 8 CSL styles + built-in templates, 120 records each
    python scripts/bench_styles.py -n 300 --styles apa ieee

Records come from kbdev.synth.make_records with seed 1000+ (training uses seeds
< 1000), rendered with citeproc-py (notes styles: full first notes).  A field
is scored when the record has it and the rendered string shows it (styles omit
fields); names compare by family names, strings normalised as in
scripts/eval_parse.py.  Target: >= 0.90 field accuracy per style.
"""
from __future__ import annotations

import argparse
import random
import re
import time

from kb.parse import parse
from kbdev import synth
from kbdev.eval_parse import field_equal, norm

STYLES = ["chicago-notes-bibliography", "chicago-author-date", "apa", "modern-language-association",
          "harvard-cite-them-right", "elsevier-vancouver", "ieee", "mhra-notes"]
NOTES = {"chicago-notes-bibliography", "mhra-notes"}
FIELDS = ("authors", "editors", "title", "container_title", "year", "volume", "issue", "pages",
          "publisher", "place", "url", "doi")
HELDOUT_SEED = 1000


def gold_fields(rec: dict) -> dict:
    y = (rec.get("issued") or {}).get("date-parts", [[None]])[0][0]
    return {
        "type": rec["type"], "authors": rec.get("author", []), "editors": rec.get("editor", []),
        "title": rec.get("title"), "container_title": rec.get("container-title"), "year": y,
        "volume": rec.get("volume"), "issue": rec.get("issue"), "pages": rec.get("page"),
        "publisher": rec.get("publisher"), "place": rec.get("publisher-place"),
        "url": rec.get("URL"), "doi": rec.get("DOI"),
    }


def shown(field: str, value, text: str) -> bool:
    """Does the rendered ``text`` show the gold ``value``?"""
    if value in (None, "", []):
        return False
    t = norm(text)
    if field in ("authors", "editors"):
        return all(norm(n.get("family") or n.get("literal")) in t for n in value)
    if field == "pages" or field in ("volume", "issue", "year"):
        return re.search(r"(?<!\d)" + re.escape(norm(str(value).split("-")[0])) + r"(?!\d)", t) is not None
    if field == "title" or field == "container_title":
        return norm(value)[:25].replace(" ", "") in t.replace(" ", "")
    return norm(str(value)) in t


def expand_pages(p):
    """"1164–79" -> "1164-1179" (styles abbreviate page ranges)."""
    if not p:
        return p
    m = re.fullmatch(r"(\d+)\s*[-–—]\s*(\d+)", str(p))
    if not m:
        return p
    a, b = m.groups()
    if len(b) < len(a):
        b = a[: len(a) - len(b)] + b
    return f"{a}-{b}"


def score_style(style: str, n: int, seed: int) -> dict:
    recs = synth.make_records(n, seed=seed)
    rng = random.Random(seed)
    if style in synth.TEMPLATES:
        marked = [synth.render_template(r, style, rng) for r in recs]
        kind = "footnote" if style in synth.NOTE_STYLES else "bibliography"
    else:
        marked = synth.render_citeproc(recs, style, notes=style in NOTES)
        kind = "footnote" if style in NOTES else "bibliography"
    ok = tot = tok = ttot = 0
    per_field: dict = {}
    for rec, m in zip(recs, marked):
        text = synth.strip_marks(m)
        if not text:
            continue
        pred = parse(text, kind)
        gold = gold_fields(rec)
        ttot += 1
        tok += pred["type"] == gold["type"]
        for f in FIELDS:
            g = gold[f]
            if not shown(f, g, text):
                g = [] if f in ("authors", "editors") else None
                if pred.get(f) in (None, []):
                    continue
            p = pred.get(f)
            if f == "pages":
                g, p = expand_pages(g), expand_pages(p)
            res = field_equal(f, g, p)
            if res is None:
                continue
            ok += res
            tot += 1
            a = per_field.setdefault(f, [0, 0])
            a[0] += res
            a[1] += 1
    return {"acc": ok / tot if tot else 0.0, "n": tot, "type": tok / ttot if ttot else 0.0,
            "fields": {f: a[0] / a[1] for f, a in per_field.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="per-style field accuracy on held-out synthetic records")
    ap.add_argument("-n", type=int, default=120, help="records per style")
    ap.add_argument("--styles", nargs="*", default=STYLES + ["chicago-bib", "wiki", "euro-endnote", "apa6"])
    ap.add_argument("--fields", action="store_true", help="also print per-field accuracy")
    args = ap.parse_args(argv)
    print(f"{'style':34} {'fields':>7} {'n':>5} {'type':>6}  {'time':>6}")
    worst = 1.0
    for i, style in enumerate(args.styles):
        t0 = time.time()
        res = score_style(style, args.n, HELDOUT_SEED + i)
        worst = min(worst, res["acc"])
        print(f"{style:34} {res['acc']:7.3f} {res['n']:5d} {res['type']:6.3f}  {time.time() - t0:5.1f}s")
        if args.fields:
            print("    " + "  ".join(f"{f}={a:.2f}" for f, a in sorted(res["fields"].items())))
    print(f"\nworst style: {worst:.3f} (target >= 0.90)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
