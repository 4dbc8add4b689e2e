"""Typeset test documents with known labels (LaTeX + biblatex, Chromium).

Each document is rendered twice from one source: once with tiny markers set in
the left margin at the start of every bibliography entry and every footnote
(zero width, so line and page breaks are identical), once without them. The
marked text gives the line labels, the clean PDF is what kb reads.

    python -m kbdev.typeset OUT_DIR --n 20 --seed 1 [--styles apa,ieee]

writes per document NAME.pdf, NAME.layout.txt (pdftotext -layout), NAME.txt
(pdftotext) and NAME.json (gold: style, entries, notes, citations, labels for
both text forms). Deterministic from the seed. Needs pdflatex, biber,
pdftotext; Chromium for the HTML producer.
"""
from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from kbdev import typeset_data as D

# style -> (biblatex options, family); family: authoryear | numeric | notes
STYLES = {
    "authoryear": ("style=authoryear", "authoryear"),
    "authoryear-ibid": ("style=authoryear-ibid", "authoryear"),
    "apa": ("style=apa", "authoryear"),
    "mla": ("style=mla", "authoryear"),
    "numeric": ("style=numeric", "numeric"),
    "numeric-comp": ("style=numeric-comp", "numeric"),
    "ieee": ("style=ieee", "numeric"),
    "nature": ("style=nature", "numeric"),
    "alphabetic": ("style=alphabetic", "numeric"),
    "chicago-authordate": ("chicago-authordate", "authoryear"),
    "chicago-notes": ("chicago-notes", "notes"),
    "verbose-ibid": ("style=verbose-ibid", "notes"),
    "verbose-note": ("style=verbose-note", "notes"),
    "verbose-trad2": ("style=verbose-trad2", "notes"),
    "oscola": ("style=oscola", "notes"),
    "html-authordate": ("", "html"),
    "html-notes": ("", "html"),
}
ENDNOTES = 0.0          # share of note-style documents (biblatex style=...) set as endnotes;
                        # 0 draws nothing, so a seed gives the same documents as before endnotes
HELD_OUT_STYLES = ("mla", "verbose-trad2", "numeric-comp", "html-notes")

FONTS = [
    r"\usepackage{lmodern}",
    r"\usepackage{mathptmx}",
    r"\usepackage{mathpazo}",
    r"\usepackage{charter}",
    r"\usepackage[scaled]{helvet}\renewcommand\familydefault{\sfdefault}",
    "",
]
MARK = re.compile(r"QZ([BNE])(\d+)ZQ")


def tool(name: str) -> bool:
    return shutil.which(name) is not None


# ---------------------------------------------------------------- records
def make_records(rng: random.Random, n: int) -> list[dict]:
    """n varied bibliography records (dicts of biblatex fields + key, type)."""
    return [D.record(rng, i) for i in range(n)]


def bib_text(records: list[dict]) -> str:
    out = []
    for r in records:
        fields = ",\n".join(f"  {k} = {{{v}}}" for k, v in r.items()
                            if k not in ("key", "entrytype"))
        out.append(f"@{r['entrytype']}{{{r['key']},\n{fields}\n}}\n")
    return "\n".join(out)


# ---------------------------------------------------------------- body
def cite_command(rng, family: str, keys: list[str], pin: str | None) -> str:
    k = ",".join(keys)
    opt = f"[{pin}]" if pin else ""
    if family == "notes":
        return rng.choice([r"\autocite", r"\footcite", r"\autocite"]) + opt + "{" + k + "}"
    if family == "numeric":
        return rng.choice([r"\autocite", r"\cite", r"\parencite"]) + opt + "{" + k + "}"
    return rng.choice([r"\parencite", r"\parencite", r"\textcite", r"\autocite"]) + opt + "{" + k + "}"


def make_body(rng, family: str, keys: list[str]):
    """Sections of paragraphs of sentences; returns (latex, citations, headings)."""
    citations, headings, parts = [], [], []
    used: list[str] = []
    n_sec = rng.randint(2, 4)
    todo = list(keys)
    rng.shuffle(todo)
    for s in range(n_sec):
        head = D.heading(rng)
        headings.append(head)
        parts.append(f"\\section{{{head}}}\n")
        for _ in range(rng.randint(1, 3)):
            sents = []
            for _ in range(rng.randint(3, 7)):
                words = D.sentence(rng)
                if rng.random() < 0.55 and (todo or used):
                    if todo and (not used or rng.random() < 0.7):
                        ks = [todo.pop()]
                        if rng.random() < 0.15 and todo:
                            ks.append(todo.pop())
                    else:
                        ks = [rng.choice(used)]      # repeated: ibid / short form
                    used.extend(k for k in ks if k not in used)
                    pin = str(rng.randint(3, 480)) if rng.random() < 0.5 else None
                    cmd = cite_command(rng, family, ks, pin)
                    citations.append({"fragment": words[:60], "keys": ks, "pinpoint": pin})
                    sents.append(f"{words} {cmd}.")
                elif family != "notes" and rng.random() < 0.12:
                    note = D.sentence(rng)
                    if keys and rng.random() < 0.5:
                        k = rng.choice(keys)
                        note += " See " + r"\textcite{" + k + "}"
                        used.append(k) if k not in used else None
                    sents.append(f"{words}.\\footnote{{{note}.}}")
                else:
                    sents.append(words + ".")
            parts.append(" ".join(sents) + "\n\n")
    # keys never cited still appear in the bibliography via \nocite
    return "".join(parts), citations, headings


def preamble(rng, style: str, running: str, endnotes: bool = False) -> str:
    opts, family = STYLES[style]
    if endnotes:                  # notes gathered under "Notes" before the bibliography
        opts += ",notetype=endonly"
    size = rng.choice(["10pt", "11pt", "12pt"])
    cls = rng.choice(["article", "article", "report"]) if family != "notes" else "article"
    twocol = family != "notes" and rng.random() < 0.25
    margin = rng.choice(["2.4cm", "2.8cm", "3.2cm"])
    lines = [f"\\documentclass[{size},a4paper{',twocolumn' if twocol else ''}]{{{cls}}}",
             r"\usepackage[T1]{fontenc}", r"\usepackage[utf8]{inputenc}",
             r"\usepackage[english]{babel}", r"\usepackage{csquotes}",
             f"\\usepackage[margin={margin}]{{geometry}}", rng.choice(FONTS),
             r"\usepackage{xcolor}", r"\interfootnotelinepenalty=10000"]
    if twocol:
        lines.append(r"\setlength{\columnsep}{3cm}")   # room for the right column's markers
    if opts.startswith("style="):
        lines.append(f"\\usepackage[{opts},backend=biber]{{biblatex}}")
    else:
        lines.append(f"\\usepackage[{opts.split('-')[1]},backend=biber]{{biblatex-chicago}}")
    if rng.random() < 0.7:
        lines += [r"\usepackage{fancyhdr}", r"\pagestyle{fancy}", r"\fancyhf{}",
                  f"\\fancyhead[L]{{\\small {running}}}", r"\fancyhead[R]{\small\thepage}",
                  r"\renewcommand{\headrulewidth}{0pt}"]
        if rng.random() < 0.4:
            lines.append(r"\fancyfoot[C]{\thepage}")
    lines.append(r"\addbibresource{refs.bib}")
    # markers: set in the margin, zero width; \phantom in the clean build
    lines += [r"\newif\ifmarks",
              r"\newcommand\mk[1]{\ifmarks\llap{\tiny QZ#1ZQ\hspace{1.3cm}}\else"
              r"\llap{\tiny\phantom{QZ#1ZQ}\hspace{1.3cm}}\fi}",
              r"\newcounter{bibn}",
              r"\AtEveryBibitem{\leavevmode\stepcounter{bibn}\mk{B\thebibn}}",
              r"\makeatletter\let\oldmakefntext\@makefntext",
              r"\renewcommand\@makefntext[1]{\oldmakefntext{\mk{N\@thefnmark}#1}}\makeatother"]
    if endnotes:
        lines.insert(lines.index(r"\addbibresource{refs.bib}"), r"\usepackage{endnotes}")
        lines += [r"\makeatletter\def\enoteformat{\rightskip\z@ \leftskip\z@ \parindent=1.8em"
                  r"\leavevmode\mk{N\@theenmark}\llap{\makeenmark}}\makeatother"]
    return "\n".join(lines), twocol


def latex_source(rng, style: str, keys: list[str]) -> tuple[str, dict]:
    _, family = STYLES[style]
    title = D.title(rng, "en").rstrip(".")
    running = title[:40]
    endnotes = (family == "notes" and STYLES[style][0].startswith("style=") and ENDNOTES > 0
                and rng.random() < ENDNOTES)
    pre, twocol = preamble(rng, style, running, endnotes)
    body, citations, headings = make_body(rng, family, keys)
    bibhead = rng.choice(["References", "Bibliography", "Works Cited", "Literature", "Sources"])
    src = (pre + "\n\\begin{document}\n"
           f"\\title{{{title}}}\\author{{{D.person(rng)[1]} {D.person(rng)[0]}}}\\date{{}}\\maketitle\n"
           + body + "\\nocite{" + ",".join(keys) + "}\n"
           + ("\\theendnotes\n" if endnotes else "")
           + f"\\printbibliography[title={{{bibhead}}}]\n\\par\\mk{{E0}}\n\\end{{document}}\n")
    meta = {"style": style, "family": family, "title": title, "running": running,
            "headings": headings + (["Notes"] if endnotes else []) + [bibhead],
            "citations": citations, "twocolumn": twocol, "endnotes": endnotes}
    return src, meta


def run(cmd: list[str], cwd: Path, timeout: int = 120) -> None:
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=timeout, check=False)


def pdftotext(pdf: Path, layout: bool) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, timeout=60).stdout.decode("utf-8", "replace")


def typeset_latex(src: str, bib: str, work: Path) -> tuple[Path, Path] | None:
    """Marked and clean PDF of one source, or None when LaTeX failed."""
    (work / "doc.tex").write_text(src.replace(r"\begin{document}", r"\markstrue\begin{document}"))
    (work / "clean.tex").write_text(src)
    (work / "refs.bib").write_text(bib)
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]
    run(latex + ["doc.tex"], work)
    run(["biber", "--quiet", "doc"], work)
    run(latex + ["doc.tex"], work)
    shutil.copy(work / "doc.aux", work / "clean.aux")
    shutil.copy(work / "doc.bbl", work / "clean.bbl")
    run(latex + ["clean.tex"], work)
    marked, clean = work / "doc.pdf", work / "clean.pdf"
    return (marked, clean) if marked.exists() and clean.exists() else None


# ---------------------------------------------------------------- labels
def page_edges(lines: list[str]) -> set[int]:
    """Indices of the first and last two non-blank lines of every page."""
    edges, page = set(), []
    for i, line in enumerate(lines + ["\f"]):
        if "\f" in line or i == len(lines):
            nb = [j for j in page if lines[j].strip()]
            edges.update(nb[:1] + nb[-2:])
            page = []
        if i < len(lines):
            page.append(i)
    return edges


def _norm(s: str) -> str:
    return re.sub(r"\W+", "", s).lower()


def label_lines(marked: list[str], meta: dict) -> tuple[list[str], list[str], list[dict]]:
    """Per-line labels and cleaned lines from marked pdftotext lines.

    Labels: ref-B, ref-I, note-B, note-I, text, title, meta, blank.
    """
    labels, clean, marks = [], [], []
    carry: list = []
    for line in marked:
        found = MARK.findall(line)
        rest = MARK.sub("", line)
        if found and not rest.strip(" \f"):
            carry += found           # a marker set on its own line: it belongs below
            found = []
        elif rest.strip(" \f") and carry:
            found, carry = carry + found, []
        marks.append(found)
        clean.append(rest)
    edges = page_edges(clean)
    heads = {_norm(h) for h in meta["headings"]} | {_norm(meta["title"])}
    running = _norm(meta["running"])
    state, notes, first_page = "text", [], True
    for i, line in enumerate(clean):
        kinds = {k for k, _ in marks[i]}
        bare = line.replace("\f", "").strip()
        n = _norm(bare)
        is_meta = i in edges and (re.fullmatch(r"[ivxlc\d]{1,4}", bare) is not None or
                                  (running and n.startswith(running[:25]) and
                                   re.fullmatch(r"\d{0,3}", n[len(running):] or "") is not None))
        if "\f" in line:
            first_page = False
            if state == "note" and not meta.get("endnotes"):
                state = "text"
        if "E" in kinds:
            state = "after"
        if "B" in kinds:
            labels.append("ref-B"); state = "ref"
        elif "N" in kinds:
            labels.append("note-B"); state = "note"
            notes.append({"number": [v for k, v in marks[i] if k == "N"][0], "line": i})
        elif not bare:
            labels.append("blank")
        elif is_meta and not (first_page and n == _norm(meta["title"])):
            labels.append("meta")
        elif n in heads or n.lstrip("0123456789") in heads:
            labels.append("title")
            if state == "note":
                state = "text"
        elif state in ("ref", "note"):
            labels.append(state + "-I")
        else:
            labels.append("text")
    lone_marks(labels, clean)
    return labels, clean, notes


def lone_marks(labels: list[str], lines: list[str]) -> None:
    """A raised note number on its own line starts the note below it."""
    for i, lab in enumerate(labels):
        if lab != "note-B":
            continue
        j = i - 1
        while j >= 0 and labels[j] == "blank":
            j -= 1
        if j >= 0 and labels[j] == "text" and re.fullmatch(r"\s*\d{1,3}\s*", lines[j]):
            labels[j], labels[i] = "note-B", "note-I"


def entries_from(labels: list[str], lines: list[str], kind: str) -> list[str]:
    out, cur = [], None
    for lab, line in zip(labels, lines):
        if lab == kind + "-B":
            if cur is not None:
                out.append(" ".join(cur))
            cur = [line.strip()]
        elif lab == kind + "-I" and cur is not None:
            cur.append(line.strip())
        elif lab in ("ref-B", "note-B"):
            if cur is not None:
                out.append(" ".join(cur))
            cur = None
    if cur is not None:
        out.append(" ".join(cur))
    return [re.sub(r"\s+", " ", e) for e in out]


def marked_lines(pdf: Path, twocol: bool) -> list[str]:
    """pdftotext -layout lines of the marked PDF, one column at a time."""
    if not twocol:
        return pdftotext(pdf, True).split("\n")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout).group(1))
    out = []
    for p in range(1, pages + 1):
        for x, w in ((0, 277), (277, 318)):
            args = ["pdftotext", "-enc", "UTF-8", "-layout", "-f", str(p), "-l", str(p),
                    "-x", str(x), "-y", "0", "-W", str(w), "-H", "842", str(pdf), "-"]
            text = subprocess.run(args, capture_output=True, timeout=60).stdout.decode("utf-8", "replace")
            out.extend(text.rstrip("\f").split("\n"))
            out.append("\f")          # a column ends like a page
    return out


def _tokens(lines: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    toks, where = [], []
    for i, line in enumerate(lines):
        k = 0
        for w in line.split():
            n = _norm(w)
            if n:
                toks.append(n)
                where.append((i, k))
                k += 1
    return toks, where


def align_labels(gold_lines: list[str], labels: list[str], lines: list[str]) -> list[str]:
    """Carry labels from the marked lines to another extraction of the same PDF.

    Words are aligned; a line takes the label of the gold line its first
    aligned word comes from, and starts an entry only where that gold line does.
    """
    ga, gw = _tokens(gold_lines)
    pa, pw = _tokens(lines)
    to_gold: dict[int, int] = {}
    sm = difflib.SequenceMatcher(None, ga, pa, autojunk=False)
    for i, j, n in sm.get_matching_blocks():
        for k in range(n):
            to_gold[j + k] = i + k
    # text read in another order (columns): place unmatched words by unique trigrams
    grams: dict = {}
    for i in range(len(ga) - 2):
        grams.setdefault(tuple(ga[i:i + 3]), []).append(i)
    for j in range(len(pa) - 2):
        if j not in to_gold:
            hit = grams.get(tuple(pa[j:j + 3]), [])
            if len(hit) == 1:
                to_gold[j] = hit[0]
    first: dict[int, tuple[int, bool]] = {}
    opens: set[int] = set()        # lines holding the first word of a gold entry start
    for j, (line, k) in enumerate(pw):
        if j not in to_gold:
            continue
        gi = to_gold[j]
        if gw[gi][1] == 0 and labels[gw[gi][0]].endswith("-B") and k <= 1:
            opens.add(line)
        if line not in first:
            first[line] = (gw[gi][0], gw[gi][1] == 0 and k == 0)
    out, prev = [], "text"
    for i, line in enumerate(lines):
        if not line.strip(" \f"):
            out.append("blank")
            continue
        if i in first:
            gl, at_start = first[i]
            lab = labels[gl]
            if lab.endswith("-B") and not at_start:
                lab = lab[:-2] + "-I"
            if i in opens and lab.endswith("-I"):
                lab = lab[:-2] + "-B"
        else:
            lab = prev.replace("-B", "-I") if prev[:3] in ("ref", "not") else "text"
        out.append(lab)
        prev = lab
    return out


def make_document(rng, style: str, records: list[dict], out: Path, name: str) -> dict | None:
    n = rng.randint(8, 30)
    recs = rng.sample(records, n)
    keys = [r["key"] for r in recs]
    if STYLES[style][1] == "html":
        from kbdev import typeset_html
        return typeset_html.make(rng, style, recs, out, name)
    src, meta = latex_source(rng, style, keys)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdfs = typeset_latex(src, bib_text(recs), work)
        if pdfs is None:
            return None
        labels, lines, notes = label_lines(marked_lines(pdfs[0], meta["twocolumn"]), meta)
        gold = dict(meta, name=name, keys=keys, records=recs,
                    entries=entries_from(labels, lines, "ref"),
                    note_texts=entries_from(labels, lines, "note"),
                    gold_lines=lines, gold_labels=labels)   # kbdev.finder_data aligns kb.read lines to these
        for form, layout in (("txt", False), ("layout.txt", True)):
            text = pdftotext(pdfs[1], layout)
            (out / f"{name}.{form}").write_text(text)
            key = "plain" if form == "txt" else "layout"
            gold[key] = align_labels(lines, labels, text.split("\n"))
        if meta["twocolumn"]:
            gold["layout"] = None     # columns share lines in -layout text
        shutil.copy(pdfs[1], out / f"{name}.pdf")
        shutil.copy(pdfs[0], out / f"{name}.marked.pdf")
        (out / f"{name}.tex").write_text(src)
    (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1))
    return gold


def _has_html() -> bool:
    import importlib.util
    return importlib.util.find_spec("kbdev.typeset_html") is not None


def generate(out: Path, n: int, seed: int, styles: list[str]) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    records = make_records(rng, 400)
    names = []
    for i in range(n):
        style = styles[i % len(styles)]
        if STYLES[style][1] == "html" and not (tool("chromium") and _has_html()):
            continue
        name = f"s{seed}-{i:03d}-{style}"
        if make_document(random.Random(f"{seed}-{i}"), style, records, out, name):
            names.append(name)
    return names


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--styles", default="train",
                    help="comma list, or 'train' (all but held-out), 'heldout', 'all'")
    ap.add_argument("--endnotes", type=float, default=ENDNOTES,
                    help="share of note-style documents set as endnotes")
    a = ap.parse_args(argv)
    globals()["ENDNOTES"] = a.endnotes
    if a.styles == "train":
        styles = [s for s in STYLES if s not in HELD_OUT_STYLES]
    elif a.styles == "heldout":
        styles = list(HELD_OUT_STYLES)
    elif a.styles == "all":
        styles = list(STYLES)
    else:
        styles = a.styles.split(",")
    names = generate(a.out, a.n, a.seed, styles)
    print(f"{len(names)} documents in {a.out}")


if __name__ == "__main__":
    main()
