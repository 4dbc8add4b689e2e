"""Documents with known citations, typeset for real (LaTeX + biblatex + biber).

    >>> docs = make_docs(tmp_dir, styles=("verbose-ibid", "numeric"), seed=1)
    >>> docs[0].pdf, docs[0].txt, docs[0].plain, docs[0].truth

Each document cites a small bibliography from sentences of filler words;
the generator knows which keys each sentence cites (``truth``: a list of
``(sentence words, [keys], [pinpoints])``) and the title of every key, so a
linked ref can be mapped back to its key by its title words (and family name).
Columns: link precision P and recall R (a link is (sentence, key)), the
recall of repeat links (a key cited before: ibid, short form,
back-reference), and in notes styles the resolution accuracy of short-form
note refs (``same_as`` followed to the right key; unresolved counts wrong).  Three input
forms of each document: the PDF, its ``pdftotext`` text, and ``plain`` text
(the lines kb.read takes out of the PDF: superscript markers as Unicode
superscript digits), written next to the PDF.

Styles (``STYLES``): biblatex notes styles (verbose-ibid, verbose-note,
chicago-notes, oscola: short forms, ibid, "n. 3" back-references),
author-date (authoryear, mla) and numeric (numeric brackets, nature
superscripts).  ``score`` compares kb's claims and citations with the truth.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from kb.text import words

# style name -> (preamble package line, cite command, notes?)
STYLES = {
    "verbose-ibid": (r"\usepackage[style=verbose-ibid,backend=biber,autocite=footnote]{biblatex}",
                     "autocite", True),
    "verbose-note": (r"\usepackage[style=verbose-note,backend=biber,autocite=footnote]{biblatex}",
                     "autocite", True),
    "chicago-notes": (r"\usepackage[notes,backend=biber]{biblatex-chicago}", "autocite", True),
    "oscola": (r"\usepackage[style=oscola,backend=biber,ibidtracker=constrict]{biblatex}",
               "autocite", True),
    "authoryear": (r"\usepackage[style=authoryear,backend=biber]{biblatex}", "parencite", False),
    "mla": (r"\usepackage[style=mla,backend=biber]{biblatex}", "parencite", False),
    "numeric": (r"\usepackage[style=numeric,backend=biber]{biblatex}", "parencite", False),
    "nature": (r"\usepackage[style=nature,backend=biber]{biblatex}", "supercite", False),
}

FILLER = ("the archive record shows that official policy changed slowly across many "
          "regional offices while public debate about surveillance grew and several "
          "institutions revised their practice of collecting evidence from citizens "
          "during the period under study").split()

FAMILIES = ["Hartmann", "Okafor", "Lindqvist", "Moreau", "Castellano", "Whitfield",
            "Nakamura", "Brennan", "Delacroix", "Svensson", "Ferreira", "Kowalski"]
GIVEN = ["Anna", "Peter", "Maria", "James", "Ingrid", "Paul", "Yuki", "Claire"]
TITLE_WORDS = ("memory state border trust labour empire river market ritual colonial "
               "harbour frontier witness silence migration garden archive ledger "
               "province reform").split()
PUBLISHERS = [("Oxford", "Oxford University Press"), ("London", "Routledge"),
              ("Chicago", "University of Chicago Press"), ("Berlin", "Suhrkamp")]
JOURNALS = ["Journal of Social History", "Past and Present", "Law and Society Review"]


@dataclass
class CiteDoc:
    style: str
    stem: str
    pdf: Path | None = None
    txt: Path | None = None
    plain: Path | None = None
    truth: list = field(default_factory=list)     # [(sentence words, keys, pins)]
    titles: dict = field(default_factory=dict)    # key -> title


def make_bib(rnd: random.Random, n: int) -> tuple[str, dict]:
    """A .bib of ``n`` entries (two share an author) -> (text, key -> title)."""
    entries, titles = [], {}
    fams = rnd.sample(FAMILIES, n - 1)
    fams.append(fams[0])            # one author with two works
    for i, fam in enumerate(fams):
        key = f"{fam.lower()}{i}"
        tw = rnd.sample(TITLE_WORDS, 4)
        title = f"The {tw[0].capitalize()} of the {tw[1].capitalize()}: {tw[2].capitalize()} and {tw[3].capitalize()}"
        titles[key] = title
        year = 1960 + rnd.randint(0, 60)
        author = f"{fam}, {rnd.choice(GIVEN)}"
        if i % 3 == 2:
            v = rnd.randint(3, 60)
            entries.append(f"@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n"
                           f"  journaltitle = {{{rnd.choice(JOURNALS)}}},\n  volume = {{{v}}},\n"
                           f"  year = {{{year}}},\n  pages = {{{100 + i}--{130 + i}}}\n}}")
        else:
            place, pub = rnd.choice(PUBLISHERS)
            entries.append(f"@book{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n"
                           f"  location = {{{place}}},\n  publisher = {{{pub}}},\n"
                           f"  year = {{{year}}}\n}}")
    return "\n\n".join(entries) + "\n", titles


def make_text(rnd: random.Random, keys: list[str], cmd: str, n_par: int = 6) -> tuple[str, list]:
    """LaTeX paragraphs and the truth: which keys each citing sentence cites."""
    paras, truth = [], []
    last = None
    for _ in range(n_par):
        sents = []
        for _ in range(rnd.randint(4, 6)):
            ws = [rnd.choice(FILLER) for _ in range(rnd.randint(9, 16))]
            s = ws[0].capitalize() + " " + " ".join(ws[1:])
            if rnd.random() < 0.55:
                if last and rnd.random() < 0.3:
                    cited = [last]            # the same source again (ibid)
                else:
                    cited = rnd.sample(keys, 2 if rnd.random() < 0.2 else 1)
                pin = str(rnd.randint(5, 300)) if len(cited) == 1 and rnd.random() < 0.7 else None
                arg = f"[{pin}]" if pin else ""
                sep = " " if cmd == "parencite" else ""
                s += f"{sep}\\{cmd}{arg}{{{','.join(cited)}}}."
                truth.append((words(" ".join(ws)), cited, [pin] * len(cited)))
                last = cited[-1]
            else:
                s += "."
            sents.append(s)
        paras.append(" ".join(sents))
    return "\n\n".join(paras), truth


def latex_doc(style: str, body: str) -> str:
    pkg, _, notes = STYLES[style]
    lang = r"\usepackage[british]{babel}\usepackage{csquotes}" if style in ("oscola", "mla") \
        else r"\usepackage[english]{babel}\usepackage{csquotes}"
    return ("\\documentclass[11pt]{article}\n\\usepackage[T1]{fontenc}\\usepackage{lmodern}\n"
            "\\usepackage[a5paper,margin=16mm]{geometry}\n" + lang + "\n" + pkg + "\n"
            "\\addbibresource{refs.bib}\n\\begin{document}\n\\section*{Introduction}\n" + body +
            "\n\n\\printbibliography\n\\end{document}\n")


def typeset(out: Path, stem: str, tex: str, bib: str) -> Path:
    """pdflatex, biber, pdflatex x2 in ``out`` -> the PDF (RuntimeError on failure)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "refs.bib").write_text(bib, encoding="utf-8")
    (out / f"{stem}.tex").write_text(tex, encoding="utf-8")
    run = ["pdflatex", "-interaction=batchmode", "-halt-on-error", f"{stem}.tex"]
    for cmd in (run, ["biber", "-q", stem], run, run):
        subprocess.run(cmd, cwd=out, capture_output=True, timeout=180)
    pdf = out / f"{stem}.pdf"
    if not pdf.exists():
        raise RuntimeError(f"{stem}: LaTeX failed (see {out / (stem + '.log')})")
    return pdf


def make_doc(root, style: str, seed: int = 1, n_refs: int = 8) -> CiteDoc:
    """One typeset document in ``root/<style>-<seed>/`` with its three forms."""
    if not (shutil.which("pdflatex") and shutil.which("biber")):
        raise RuntimeError("pdflatex/biber not installed")
    rnd = random.Random(f"{style}-{seed}")
    bib, titles = make_bib(rnd, n_refs)
    body, truth = make_text(rnd, list(titles), STYLES[style][1])
    stem = f"{style}-{seed}".replace("_", "-")
    out = Path(root) / stem
    pdf = typeset(out, stem, latex_doc(style, body), bib)
    txt = out / f"{stem}.txt"
    subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), str(txt)], check=True)
    from kb.read import read
    plain = out / f"{stem}-plain.txt"
    plain.write_text("\n".join(read(pdf).lines) + "\n", encoding="utf-8")
    return CiteDoc(style, stem, pdf, txt, plain, truth, titles)


def make_docs(root, styles=tuple(STYLES), seeds=(1,)) -> list[CiteDoc]:
    return [make_doc(root, s, seed) for s in styles for seed in seeds]


# --- scoring ------------------------------------------------------------------------

def key_of_ref(refs, i, titles: dict, limit: int = 20) -> str | None:
    """The key a ref stands for: follow ``same_as`` to the full reference and
    match its title words (None when unresolved or not matched)."""
    seen = 0
    while i is not None and refs[i].same_as is not None and seen < limit:
        i, seen = refs[i].same_as, seen + 1
    if i is None:
        return None
    # the family names too: a "———." entry prints none (the authors above)
    raw = set(words(refs[i].raw or "")) | {w for a in refs[i].authors or []
                                          for w in words(a.get("family") or "")}
    best, best_s = None, 0.0
    for k, t in titles.items():
        tw = [w for w in words(t) if len(w) > 3]
        s = sum(w in raw for w in tw) / len(tw)
        family = re.sub(r"\d+$", "", k)           # keys are family name + number
        if s >= 0.75 and family in raw:
            s += 1
        if s > best_s:
            best, best_s = k, s
    return best if best_s >= 1.75 else None


def _sentence_of(claim_words: list[str], truth) -> int | None:
    """The truth sentence a claim is (most of its words in order)."""
    best, best_s = None, 0.0
    cw = " ".join(claim_words)
    for j, (tw, _, _) in enumerate(truth):
        s = " ".join(tw)
        if s and s in cw:
            score = len(s) / max(len(cw), 1)
            if score > best_s:
                best, best_s = j, score
    return best


def score(doc: CiteDoc, refs, claims, citations) -> dict:
    """Link counts of one document: tp, predicted, truth links; and the
    repeat links (a key cited before: ibid / short form / back-reference)."""
    gold = {(j, k) for j, (_, ks, _) in enumerate(doc.truth) for k in ks}
    seen, repeat = set(), set()
    for j, (_, ks, _) in enumerate(doc.truth):
        for k in ks:
            if k in seen:
                repeat.add((j, k))
        seen.update(ks)
    pred = set()
    for c in citations:
        if c.ref is None:
            continue
        j = _sentence_of(words(claims[c.claim].text), doc.truth)
        k = key_of_ref(refs, c.ref, doc.titles)
        pred.add((j, k))
    tp = len(pred & gold)
    out = {"tp": tp, "pred": len(pred), "gold": len(gold),
           "rep_ok": len(pred & repeat), "rep": len(repeat), "res_ok": 0, "res": 0}
    if STYLES[doc.style][2]:
        # notes styles: note n is the n-th citing sentence; a short form /
        # ibid / back-reference must resolve to one of that sentence's keys
        for i, r in enumerate(refs):
            if r.short_form and r.note is not None and 0 < r.note <= len(doc.truth):
                out["res"] += 1
                out["res_ok"] += key_of_ref(refs, i, doc.titles) in doc.truth[r.note - 1][1]
    return out


def run_form(doc: CiteDoc, form: str) -> dict:
    """Process one input form of a document with the pipeline and score it."""
    from kb.pipeline import process
    path = {"pdf": doc.pdf, "pdftotext": doc.txt, "plain": doc.plain}[form]
    res = process(path)
    return score(doc, res.refs, res.claims, res.citations)


def prf(counts: list[dict]) -> dict:
    tp = sum(c["tp"] for c in counts)
    pred = sum(c["pred"] for c in counts)
    gold = sum(c["gold"] for c in counts)
    rep_ok = sum(c["rep_ok"] for c in counts)
    rep = sum(c["rep"] for c in counts)
    res_ok = sum(c.get("res_ok", 0) for c in counts)
    res = sum(c.get("res", 0) for c in counts)
    return {"P": tp / pred if pred else 0.0, "R": tp / gold if gold else 0.0,
            "rep": rep_ok / rep if rep else float("nan"), "n": gold,
            "res": res_ok / res if res else float("nan"), "n_res": res}


def main(argv=None) -> int:
    import argparse
    import tempfile
    ap = argparse.ArgumentParser(description="Link precision/recall on typeset documents")
    ap.add_argument("--styles", nargs="+", default=list(STYLES))
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--forms", nargs="+", default=["pdf", "pdftotext", "plain"])
    ap.add_argument("--out", default=None, help="keep the documents here")
    a = ap.parse_args(argv)
    root = Path(a.out or tempfile.mkdtemp(prefix="kb-citedocs-"))
    print(f"{'style':<14} {'form':<10} {'P':>6} {'R':>6} {'repeat':>7} {'links':>6} "
          f"{'resolve':>7} {'short':>6}")
    total: dict[str, list] = {f: [] for f in a.forms}
    for style in a.styles:
        docs = [make_doc(root, style, s) for s in a.seeds]
        for form in a.forms:
            counts = [run_form(d, form) for d in docs]
            total[form] += counts
            o = prf(counts)
            print(f"{style:<14} {form:<10} {o['P']:>6.3f} {o['R']:>6.3f} {o['rep']:>7.3f} "
                  f"{o['n']:>6} {o['res']:>7.3f} {o['n_res']:>6}", flush=True)
    for form, counts in total.items():
        o = prf(counts)
        print(f"{'ALL':<14} {form:<10} {o['P']:>6.3f} {o['R']:>6.3f} {o['rep']:>7.3f} {o['n']:>6} "
              f"{o['res']:>7.3f} {o['n_res']:>6}")
    return 0
