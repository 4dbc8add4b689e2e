"""Entry segmentation per style on typeset documents (kbdev.typeset output).

    PYTHONPATH=$PWD python scripts/eval_segment.py /tmp/ts_held [--forms pdf,txt,layout.txt]

For every document, runs kb.read + kb.locate on the PDF and on its pdftotext
texts, and compares what was located with the gold: bibliography entries
(kind bibliography) against the gold entries, notes (Apparatus.notes) against
the gold footnotes. A located item is correct when its text matches one gold
item (one to one) with similarity >= 0.85 after folding case, spacing,
punctuation, a leading label ("[4]", "12.") and alphabetic labels ("[Abc99]").

``--labeller`` segments with the line labeller alone (kb/lines.py, with the
reader's layout): entries are its ref-B/ref-I runs, notes its note-B/note-I
runs; what a labeller-first locate could reach.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.locate import locate  # noqa: E402
from kb.read import read  # noqa: E402

LEAD = re.compile(r"^\s*(?:\[[^\]]{1,12}\]|\d{1,4}[.)]?)\s*")
LABEL = re.compile(r"\[[A-Z][\w+\-]{0,10}\d{2}[a-z]?\]")
THRESHOLD = 0.85


def fold(text: str) -> str:
    text = LABEL.sub("", LEAD.sub("", text))      # list labels, wherever the text put them
    return re.sub(r"[\W_]+", "", text.casefold())[:400]


def match(gold: list[str], found: list[str]) -> int:
    """How many found items match a distinct gold item."""
    g = [fold(x) for x in gold]
    used, hits = set(), 0
    for f in (fold(x) for x in found):
        best, bi = 0.0, None
        for i, x in enumerate(g):
            if i in used or not x or not f:
                continue
            sm = difflib.SequenceMatcher(None, f, x, autojunk=False)
            if sm.real_quick_ratio() < THRESHOLD or sm.quick_ratio() < THRESHOLD:
                continue
            r = sm.ratio()
            if r > best:
                best, bi = r, i
        if bi is not None and best >= THRESHOLD:
            used.add(bi)
            hits += 1
    return hits


def located(path: Path) -> tuple[list[str], list[str]]:
    doc = read(path)
    app = locate(doc)
    bib = [e.raw for e in app.entries if e.kind == "bibliography"]
    notes = [nt.text for nt in app.notes.values()]
    return bib, notes


def labelled(path: Path) -> tuple[list[str], list[str]]:
    """Entries and notes as the line labeller alone groups them."""
    from kb import lines as L
    doc = read(path)
    found: dict = {"ref": [], "note": []}
    for kind, idx in L.groups(L.label_document(doc), doc.lines):
        found[kind].append(" ".join(doc.lines[i].strip() for i in idx))
    return found["ref"], found["note"]


def evaluate(folder: Path, forms: list[str], by_labeller: bool = False) -> dict:
    """(style, form, what) -> [gold, found, correct]."""
    tally: dict = defaultdict(lambda: [0, 0, 0])
    for js in sorted(folder.glob("*.json")):
        gold = json.loads(js.read_text())
        stem = js.name[:-5]
        for form in forms:
            path = js.with_name(f"{stem}.{form}")
            if not path.exists():
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    bib, notes = (labelled if by_labeller else located)(path)
            except Exception as exc:       # a failure counts as nothing found
                print(f"  {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                bib, notes = [], []
            for what, g, f in (("bib", gold["entries"], bib), ("notes", gold["note_texts"], notes)):
                t = tally[(gold["style"], form, what)]
                t[0] += len(g)
                t[1] += len(f)
                t[2] += match(g, f)
    return tally


def table(tally: dict) -> str:
    rows = [f"{'style':20} {'form':10} {'what':5} {'gold':>5} {'found':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    totals: dict = defaultdict(lambda: [0, 0, 0])
    for (style, form, what), (g, f, c) in sorted(tally.items()):
        if g == 0 and f == 0:
            continue
        for key in ((form, what),):
            t = totals[key]
            t[0] += g; t[1] += f; t[2] += c
        rows.append(_row(style, form, what, g, f, c))
    rows.append("")
    for (form, what), (g, f, c) in sorted(totals.items()):
        rows.append(_row("ALL", form, what, g, f, c))
    return "\n".join(rows)


def _row(style, form, what, g, f, c) -> str:
    p = c / f if f else 0.0
    r = c / g if g else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return f"{style:20} {form:10} {what:5} {g:5d} {f:5d} {p:6.3f} {r:6.3f} {f1:6.3f}"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--forms", default="pdf,txt,layout.txt")
    ap.add_argument("--labeller", action="store_true", help="segment with kb/lines.py alone")
    a = ap.parse_args(argv)
    t0 = time.time()
    print(table(evaluate(a.folder, a.forms.split(","), a.labeller)))
    print(f"\n({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
