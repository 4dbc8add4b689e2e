"""Parser accuracy per CSL style on held-out styles (kbdev.cslstyles.split).

    python scripts/eval_styles.py [--model PATH] [--per-style 20] [--json OUT] [--baseline OLD.json]

Invented records (seeds >= 3000: never training records) are rendered through
each held-out style with citeproc-py: bibliography entries, and for note
styles half first-citation notes.  Gold fields come from the sentinel labels
read through kb's own field builder (as kbdev.parser_eval does for AnyStyle),
and are compared with kb.parse's output the same way (parser_eval.compare):
per field the share right where the gold has the field, exact = every field
right.  Figures per style, per group (format/discipline), per format and
locale, the worst styles, and pooled.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict

from kb.parsing import rules
from kb.parsing.dates import numeric_order
from kb.parsing.fields import to_fields

from . import cslstyles, synth
from .parser_eval import FIELDS, compare

EVAL_SEED = 3000


def gold_fields(marked: str, rec: dict) -> dict:
    toks, labels, masked = synth.training_sequence(marked, rec)
    text = synth.char_labels(marked)[0][: rules.MAX_CHARS]
    order = numeric_order(text)
    f = to_fields(masked, toks, labels, order)
    ruled, _ = rules.extract(text, order)
    f["url"] = ruled["url"] if rec.get("URL") else None
    f["doi"] = ruled["doi"] if rec.get("DOI") else None
    return f


def rendered(style: dict, records: list[dict]) -> list[tuple[str, str, dict]]:
    """(kind, sentinel-marked string, record) for one style: bibliography
    entries, the first half as notes for note styles."""
    half = len(records) // 2 if style["format"] == "note" else 0
    out = []
    if half:
        for rec, m in zip(records[:half], synth.render_citeproc(records[:half], style["name"], notes=True)):
            out.append(("footnote", m, rec))
    for rec, m in zip(records[half:], synth.render_citeproc(records[half:], style["name"])):
        out.append(("bibliography", m, rec))
    return [x for x in out if x[1]]


def score_style(style: dict, records: list[dict], parse_fn) -> dict:
    """Per-field [right, total] and exact [right, total] for one style."""
    right = defaultdict(lambda: [0, 0])
    exact = [0, 0]
    for kind, marked, rec in rendered(style, records):
        gold = gold_fields(marked, rec)
        pred = parse_fn(synth.strip_marks(marked), kind)
        res = compare(pred, gold)
        for k, ok in res.items():
            right[k][0] += ok
            right[k][1] += 1
        exact[0] += all(res.values())
        exact[1] += 1
    return {"fields": dict(right), "exact": exact}


def _merge(parts: list[dict]) -> dict:
    right = defaultdict(lambda: [0, 0])
    exact = [0, 0]
    for p in parts:
        for k, (a, b) in p["fields"].items():
            right[k][0] += a
            right[k][1] += b
        exact[0] += p["exact"][0]
        exact[1] += p["exact"][1]
    return {"fields": dict(right), "exact": exact}


def rates(counts: dict) -> dict:
    out = {"n": counts["exact"][1], "exact": round(counts["exact"][0] / max(1, counts["exact"][1]), 3)}
    for k in FIELDS:
        if k in counts["fields"]:
            a, b = counts["fields"][k]
            out[k] = round(a / b, 3)
    return out


def evaluate(styles: list[dict], parse_fn, per_style: int = 20, seed: int = EVAL_SEED) -> dict:
    """Rates per style, per group, per format, per locale language, pooled."""
    pool = synth.make_records(per_style * len(styles), seed=seed)
    per = {}
    for i, s in enumerate(styles):
        per[s["name"]] = score_style(s, pool[i * per_style:(i + 1) * per_style], parse_fn)
    info = {s["name"]: s for s in styles}

    def by(key):
        groups = defaultdict(list)
        for name, c in per.items():
            groups[key(info[name])].append(c)
        return {g: rates(_merge(cs)) for g, cs in sorted(groups.items())}

    return {"styles": {n: dict(rates(c), group=cslstyles.group(info[n])) for n, c in per.items()},
            "groups": by(cslstyles.group), "formats": by(lambda s: s["format"]),
            "locales": by(lambda s: s["lang"]), "pooled": rates(_merge(list(per.values())))}


def table(rows: dict) -> str:
    cols = ["n", "exact"] + [k for k in FIELDS if any(k in r for r in rows.values())]
    lines = ["| | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, r in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    return "\n".join(lines)


def report(res: dict, worst: int = 10) -> str:
    bad = dict(sorted(res["styles"].items(), key=lambda x: (x[1]["exact"], x[0]))[:worst])
    return "\n\n".join([
        "pooled\n" + table({"pooled": res["pooled"]}),
        "by format\n" + table(res["formats"]),
        "by group (format/discipline)\n" + table(res["groups"]),
        "by locale\n" + table(res["locales"]),
        f"worst {worst} styles\n" + table({f"{n} ({r['group']})": r for n, r in bad.items()}),
    ])


def compare_report(res: dict, base: dict, fields=("exact", "authors", "title", "container_title",
                                                  "publisher", "place", "editors")) -> str:
    """Baseline -> this model, exact and key fields, pooled, by format and group."""
    rows = {"pooled": (base["pooled"], res["pooled"])}
    for part in ("formats", "groups"):
        rows.update({g: (base[part].get(g, {}), r) for g, r in res[part].items()})
    lines = ["| | " + " | ".join(fields) + " |", "|---" * (len(fields) + 1) + "|"]
    for name, (b, r) in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{b.get(f, '')} → {r.get(f, '')}" for f in fields) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="CRF model file (default: the shipped one)")
    ap.add_argument("--per-style", type=int, default=20, help="records per held-out style")
    ap.add_argument("--styles", type=int, default=0, help="only the first N held-out styles (quick look)")
    ap.add_argument("--per-style-table", action="store_true", help="print every style's row")
    ap.add_argument("--json", help="write all figures to this file")
    ap.add_argument("--baseline", help="figures (--json) of another model to compare with")
    args = ap.parse_args(argv)
    from kb import parse as kparse
    if args.model:
        kparse.MODEL_PATH = type(kparse.MODEL_PATH)(args.model)
    held = cslstyles.split(cslstyles.select())[1]
    if args.styles:
        held = held[: args.styles]
    res = evaluate(held, kparse.parse, args.per_style)
    print(f"{len(held)} held-out styles, {args.per_style} records each")
    print(report(res))
    if args.per_style_table:
        print("\nper style\n" + table({f"{n} ({r['group']})": r for n, r in res["styles"].items()}))
    if args.baseline:
        with open(args.baseline, encoding="utf-8") as fh:
            print("\nbaseline -> this model\n" + compare_report(res, json.load(fh)))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
