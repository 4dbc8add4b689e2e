"""PDFs with known text, for the reader's tests and benchmark.

    >>> path, truth = latex_pdf(tmp_dir, pages=3, seed=1)          # needs pdflatex
    >>> path, truth = fpdf_pdf(tmp_dir / "a.pdf", pages=3, seed=1)  # fpdf2 only

``truth`` is a dict: ``body`` (the running-text words in order), ``notes``
(number -> note text), ``head`` (the running head), ``names`` (words with
diacritics), ``hyphenated`` (long words likely broken at a line end).
LaTeX output has true footnotes with superscript markers, a running head
and page-number footers, ligatures (fi, fl, ffi) and, with the OT1 font
encoding, accents set as separate glyphs ("Dahlstr¨om").
"""
from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

WORDS = ("the of and to in that history social conceptualization differentiation "
         "historiography characteristically internationalisation unquestionably "
         "official efficient affluent first flight fluent office difficult "
         "reflection significant confidential scientific archive evidence "
         "government institutions surveillance interpretation responsibility "
         "self-control well-known long-term nineteenth-century "
         "Dahlström Schlögel Müller Gödel Françoise Åström Pérez Señora").split()
NAMES = [w for w in WORDS if any(ord(c) > 127 for c in w)]
LONG = [w for w in WORDS if len(w) >= 12 and "-" not in w]
HEAD = "Journal of Reading Tests"
SURNAMES = ["Smith", "Dahlström", "Schlögel", "Anderson", "Kastan", "Rowe", "Müller"]


def sentences(rnd: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 18))]
        out.append(words[0][0].upper() + words[0][1:] + " " + " ".join(words[1:]) + ".")
    return out


def note_text(rnd: random.Random, n: int) -> str:
    who = rnd.choice(SURNAMES)
    return (f"{who}, The {rnd.choice(LONG)} of the {rnd.choice(['archive', 'office', 'state'])} "
            f"(London: Penguin, {1950 + n}), {n + 10}.")


def latex_source(pages: int, seed: int, encoding: str = "OT1",
                 columns: int = 1) -> tuple[str, dict]:
    rnd = random.Random(seed)
    body, notes, paras, n = [], {}, [], 0
    for _ in range(pages * 3):
        parts = []
        for s in sentences(rnd, 5):
            body.extend(s.split())
            if rnd.random() < 0.25:
                n += 1
                notes[n] = note_text(rnd, n)
                s = s[:-1] + r"\footnote{" + notes[n] + "}."
            parts.append(s)
        paras.append(" ".join(parts))
    enc = r"\usepackage[T1]{fontenc}\usepackage{lmodern}" if encoding == "T1" else ""
    cls = r"\documentclass[11pt,twocolumn]{article}" if columns == 2 else r"\documentclass[11pt]{article}"
    paper = "a4paper" if columns == 2 else "a5paper"
    src = (cls + "\n" + enc +
           r"\usepackage[" + paper + r",margin=18mm]{geometry}\usepackage{fancyhdr}"
           r"\pagestyle{fancy}\fancyhf{}\fancyhead[C]{" + HEAD + r"}\fancyfoot[C]{\thepage}"
           "\n" r"\begin{document}" "\n" + "\n\n".join(paras) + "\n" r"\end{document}" "\n")
    return src, {"body": body, "notes": notes, "head": HEAD, "names": NAMES, "hyphenated": LONG}


def latex_pdf(out_dir, pages: int = 3, seed: int = 1, encoding: str = "OT1",
              name: str = "doc", columns: int = 1) -> tuple[Path, dict]:
    """Typeset a LaTeX article with footnotes and running heads (needs pdflatex)."""
    if not shutil.which("pdflatex"):
        raise RuntimeError("pdflatex not installed")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src, truth = latex_source(pages, seed, encoding, columns)
    (out_dir / f"{name}.tex").write_text(src, encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=batchmode", "-halt-on-error", f"{name}.tex"],
                   cwd=out_dir, capture_output=True, timeout=120, check=True)
    return out_dir / f"{name}.pdf", truth


def fpdf_pdf(path, pages: int = 3, seed: int = 1) -> tuple[Path, dict]:
    """A plain fpdf2 document (core font, Latin-1 text) with page-number footers."""
    from fpdf import FPDF
    rnd = random.Random(seed)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    body = []
    for i in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", size=8)
        pdf.cell(0, 5, HEAD, align="C")
        pdf.ln(10)
        pdf.set_font("helvetica", size=11)
        text = " ".join(s for s in sentences(rnd, 14)
                        if all(ord(c) < 256 for c in s))
        body.extend(text.split())
        pdf.multi_cell(0, 6, text)
        pdf.set_y(-15)
        pdf.set_font("helvetica", size=9)
        pdf.cell(0, 5, str(i + 1), align="C")
    pdf.output(str(path))
    return Path(path), {"body": body, "notes": {}, "head": HEAD, "names": NAMES,
                        "hyphenated": LONG}


def chromium_pdf(out_dir, pages: int = 3, seed: int = 1) -> tuple[Path, dict]:
    """HTML printed to PDF by headless Chromium (needs chromium)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise RuntimeError("chromium not installed")
    rnd = random.Random(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    body, paras = [], []
    for _ in range(pages * 4):
        text = " ".join(sentences(rnd, 5))
        body.extend(text.split())
        paras.append(f"<p>{text}</p>")
    html = ("<html><head><meta charset='utf-8'><style>body{font-family:serif;"
            "font-size:12pt;hyphens:auto} p{text-align:justify}</style></head><body lang='en'>"
            + "".join(paras) + "</body></html>")
    src = out_dir / "doc.html"
    src.write_text(html, encoding="utf-8")
    out = out_dir / "doc.pdf"
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", src.as_uri()], capture_output=True, timeout=120)
    return out, {"body": body, "notes": {}, "head": None, "names": NAMES, "hyphenated": LONG}
