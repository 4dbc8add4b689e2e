"""Held-out accuracy of kb's reference parser on AnyStyle's labelled strings.

    python -m kbdev.parser_eval --anystyle ../shared/train/anystyle/parser [--model PATH]
    python -m kbdev.parser_eval --anystyle ../shared/train/anystyle/parser --errors title   # the misses

Gold fields come from the labelled segments read through kb's own field
builder (kb.parsing.fields.to_fields on the gold token labels), so gold and
prediction are tidied alike; fields are then compared the way a user would:
case, whitespace and punctuation ignored, names by family name in order.
Per field: the share right among strings whose gold has that field; exact:
strings with every labelled field right.  Figures per file and pooled, on
the held-out 20% of each file (kbdev.anystyle.split, fixed seed).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict

from kb.parsing import rules
from kb.parsing.dates import numeric_order
from kb.parsing.fields import to_fields

from . import anystyle

FIELDS = ("authors", "editors", "title", "container_title", "volume", "issue", "pages",
          "publisher", "place", "year", "edition", "url", "doi")


def gold_fields(segs) -> dict | None:
    seq = anystyle.sequence(segs)
    if seq is None:
        return None
    toks, labels, masked = seq
    text = anystyle.char_labels(segs)[0]
    order = numeric_order(text)
    f = to_fields(masked, toks, labels, order)
    ruled, _ = rules.extract(text, order)
    labs = {lab for lab, _ in segs}
    f["url"] = ruled["url"] if "url" in labs else None
    f["doi"] = ruled["doi"] if "doi" in labs else None
    return f


def norm(v) -> str:
    """What a user compares: words and numbers, case and punctuation ignored."""
    if v is None:
        return ""
    if isinstance(v, list):
        return "|".join(norm(p.get("family") or p.get("literal") or "") for p in v)
    s = str(v).replace("–", "-").replace("—", "-")
    return re.sub(r"[\W_]+", " ", s).strip().casefold()


_ED_WORDS = re.compile(r"\b(?:ed|edn|edition|aufl|auflage|éd|édition)\b")


def compare(pred: dict, gold: dict) -> dict[str, bool]:
    """Field -> right? for the fields the gold has ("5th ed." = "5th")."""
    out = {}
    for k in FIELDS:
        g, p = norm(gold.get(k)), norm(pred.get(k))
        if k == "edition":
            g, p = _ED_WORDS.sub("", g).strip(), _ED_WORDS.sub("", p).strip()
        if g:
            out[k] = g == p
    return out


def evaluate(items, parse_fn, conf_fn=None) -> dict:
    """Per-file and pooled per-field accuracy and exact rate over (file, segs)."""
    right = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    exact = defaultdict(lambda: [0, 0])
    for name, segs in items:
        gold = gold_fields(segs)
        if gold is None:
            continue
        pred = parse_fn(anystyle.raw_string(segs))
        res = compare(pred, gold)
        for grp in (name, "pooled"):
            for k, ok in res.items():
                right[grp][k][0] += ok
                right[grp][k][1] += 1
            exact[grp][0] += all(res.values())
            exact[grp][1] += 1
        if conf_fn:
            conf_fn(pred, res)
    out = {}
    for grp in right:
        out[grp] = {k: round(a / b, 3) for k, (a, b) in sorted(right[grp].items())}
        out[grp]["n"] = exact[grp][1]
        out[grp]["exact"] = round(exact[grp][0] / exact[grp][1], 3)
    return out


def mismatches(items, parse_fn, field: str):
    """(file, raw string, gold, predicted) where ``field`` is wrong ("all": any field)."""
    out = []
    for name, segs in items:
        gold = gold_fields(segs)
        if gold is None:
            continue
        raw = anystyle.raw_string(segs)
        pred = parse_fn(raw)
        for k, ok in compare(pred, gold).items():
            if not ok and field in (k, "all"):
                out.append((name, raw, k, norm(gold.get(k)), norm(pred.get(k))))
    return out


def field_confidences(items, parse_fn) -> list[tuple[float, bool]]:
    """(confidence, right?) for every gold field the parser gave a confidence."""
    out = []

    def note(pred, res):
        conf = pred.get("field_confidence") or {}
        for k, ok in res.items():
            if k in conf:
                out.append((conf[k], ok))
    evaluate(items, parse_fn, note)
    return out


def calibration(pairs, threshold: float) -> dict:
    """Among fields marked sure (>= threshold) the share right; among those
    marked unsure the share wrong."""
    sure = [ok for c, ok in pairs if c >= threshold]
    unsure = [ok for c, ok in pairs if c < threshold]
    return {"threshold": threshold, "sure": len(sure), "sure_right": round(sum(sure) / max(1, len(sure)), 3),
            "unsure": len(unsure), "unsure_wrong": round(1 - sum(unsure) / max(1, len(unsure)), 3)}


def best_threshold(pairs, min_wrong: float = 0.5) -> float:
    """The highest threshold at which the fields marked unsure are still wrong
    at least ``min_wrong`` of the time (flag as many as that allows)."""
    grid = [x / 100 for x in range(20, 100, 2)]
    ok = [t for t in grid if calibration(pairs, t)["unsure_wrong"] >= min_wrong]
    return max(ok) if ok else grid[0]


def table(res: dict) -> str:
    groups = [g for g in ("core", "good", "ugly", "bad", "pooled") if g in res]
    cols = ["n", "exact"] + [k for k in FIELDS if any(k in res[g] for g in groups)]
    lines = ["| field | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
    for c in cols:
        lines.append(f"| {c} | " + " | ".join(str(res[g].get(c, "")) for g in groups) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--anystyle", required=True, help="directory with AnyStyle's core/good/ugly/bad.xml")
    ap.add_argument("--model", help="CRF model file (default: the shipped one)")
    ap.add_argument("--files", help="comma-separated files to score whole (a by-file hold-out)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", metavar="FIELD", help="list the held-out strings where FIELD ('all': any) is wrong")
    ap.add_argument("--calibrate", action="store_true",
                    help="pick the low-confidence threshold on half the held-out strings, report on the other half")
    args = ap.parse_args(argv)
    from kb import parse as kparse
    if args.model:
        kparse.MODEL_PATH = type(kparse.MODEL_PATH)(args.model)
    data = anystyle.load(args.anystyle)
    if args.files:
        items = [(n, s) for n in args.files.split(",") for s in data.get(n, [])]
    else:
        items = anystyle.split(data)[1]
    if args.calibrate:
        half = items[::2], items[1::2]
        pairs = field_confidences(half[0], kparse.parse)
        for x in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            print("calibration half", json.dumps(calibration(pairs, x)))
        t = best_threshold(pairs)
        print("chosen", t, "-> other half", json.dumps(calibration(field_confidences(half[1], kparse.parse), t)))
        print("current LOW_CONFIDENCE", kparse.LOW_CONFIDENCE, "->",
              json.dumps(calibration(field_confidences(half[1], kparse.parse), kparse.LOW_CONFIDENCE)))
        return 0
    if args.errors:
        for name, raw, k, g, p in mismatches(items, kparse.parse, args.errors):
            print(f"[{name}] {k}: gold={g!r} pred={p!r}\n    {raw}")
        return 0
    res = evaluate(items, kparse.parse)
    print(json.dumps(res, indent=1) if args.json else table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
