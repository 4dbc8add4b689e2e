"""Field accuracy of kb.parse.parse against the corpus gold.

    python scripts/eval_parse.py            # per-document and per-field table
    python scripts/eval_parse.py --errors title   # show mismatches of a field
    python scripts/eval_parse.py --json     # machine-readable summary

For every non-short-form reference in tests/gold/*.json: parse(raw, kind)
vs the gold fields.  A field counts when gold or prediction has a value
(both empty is not scored); strings compare normalised (case, whitespace,
quotes, dashes, trailing punctuation); names compare by family names (or
literal); ``type`` and ``year`` compare exactly.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

from kb.parse import parse
from kbdev.evaluate import norm as evaluate_norm

ROOT = Path(__file__).resolve().parent.parent

GOLD = ROOT / "tests" / "gold"
FIELDS = ("type", "authors", "editors", "translators", "title", "container_title", "year",
          "date", "volume", "issue", "pages", "edition", "publisher", "place", "url", "doi",
          "isbn", "accessed")


def norm(v) -> str:
    """The official scorer's normalisation, with spaces around hyphens dropped
    (a parser's own spacing of "pp. 1 - 9" is not a field error)."""
    return re.sub(r"\s*-\s*", "-", evaluate_norm(v))


def names_key(names) -> list[str]:
    return [norm(n.get("family") or n.get("literal") or "") for n in names or []]


def field_equal(field: str, gold, pred) -> bool | None:
    """True/False, or None when neither side has a value (not scored)."""
    if field in ("authors", "editors", "translators"):
        g, p = names_key(gold), names_key(pred)
        if not g and not p:
            return None
        return g == p
    if field == "year":
        if gold is None and pred is None:
            return None
        return gold == pred
    g, p = norm(gold), norm(pred)
    if not g and not p:
        return None
    if field == "url":
        g, p = g.rstrip("/"), p.rstrip("/")
    return g == p


def gold_refs():
    for path in sorted(GOLD.glob("*.json")):
        if path.name in ("works.json",):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "references" not in doc:
            continue
        for ref in doc["references"]:
            if not ref.get("short_form"):
                yield path.stem, ref


def evaluate(show: str | None = None) -> dict:
    """Per-field and per-document accuracy (and the overall field accuracy)."""
    per_field = defaultdict(lambda: [0, 0])
    per_doc = defaultdict(lambda: [0, 0])
    errors = []
    for doc, ref in gold_refs():
        pred = parse(ref["raw"], ref.get("kind"))
        for field in FIELDS:
            ok = field_equal(field, ref.get(field), pred.get(field))
            if ok is None:
                continue
            per_field[field][0] += ok
            per_field[field][1] += 1
            per_doc[doc][0] += ok
            per_doc[doc][1] += 1
            if not ok and show in (field, "all"):
                errors.append((doc, ref["id"], field, ref.get(field), pred.get(field), ref["raw"]))
    tot_ok = sum(v[0] for v in per_field.values())
    tot = sum(v[1] for v in per_field.values())
    return {
        "overall": tot_ok / tot if tot else 0.0,
        "fields": {k: (v[0] / v[1], v[1]) for k, v in per_field.items()},
        "documents": {k: (v[0] / v[1], v[1]) for k, v in per_doc.items()},
        "errors": errors,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", help="show mismatches of this field ('all' for every field)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--model", help="CRF model file (default: the shipped one)")
    args = ap.parse_args(argv)
    if args.model:
        from kb import parse as kparse
        kparse.MODEL_PATH = type(kparse.MODEL_PATH)(args.model)
    res = evaluate(args.errors)
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if k != "errors"}, indent=1))
        return 0
    for e in res["errors"]:
        doc, rid, field, g, p, raw = e
        print(f"{doc[:3]} {rid:6} {field:15} gold={json.dumps(g, ensure_ascii=False)}\n"
              f"{'':26} pred={json.dumps(p, ensure_ascii=False)}\n{'':26} raw={raw[:200]}")
    print(f"{'document':28} {'acc':>6} {'n':>5}")
    for doc, (acc, n) in sorted(res["documents"].items()):
        print(f"{doc:28} {acc:6.3f} {n:5d}")
    print(f"\n{'field':18} {'acc':>6} {'n':>5}")
    for field in FIELDS:
        if field in res["fields"]:
            acc, n = res["fields"][field]
            print(f"{field:18} {acc:6.3f} {n:5d}")
    print(f"\n{'OVERALL':18} {res['overall']:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
