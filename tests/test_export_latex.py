"""The exported .bib typeset for real: pdflatex + bibtex (plain.bst, url.sty)
and pdflatex + biber (biblatex), with no LaTeX error and no bibtex/biber warning.

pdflatex cannot typeset CJK, Greek or Vietnamese without extra packages, so
the works whose text LaTeX cannot spell in ASCII are left out here (bibtex and
biber themselves read them in test_export_bibtex.py).  Runs use -draftmode so
no fonts are built.  Skipped, with the apt-get line, when TeX is missing.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kb.publish.bibtex import bibtex_from_db, non_ascii_keys
from kb.publish.select import select_work_ids
from test_export_store import gold_store, hard_store

PDFLATEX = shutil.which("pdflatex")
BIBTEX = shutil.which("bibtex")
BIBER = shutil.which("biber")
KPSEWHICH = shutil.which("kpsewhich")


def _has(file: str) -> bool:
    if not KPSEWHICH:
        return False
    return bool(subprocess.run([KPSEWHICH, file], capture_output=True, errors="replace",
                               text=True).stdout.strip())


needs_latex = pytest.mark.skipif(
    not (PDFLATEX and BIBTEX and _has("url.sty") and _has("plain.bst")),
    reason="pdflatex/url.sty missing: apt-get install -y --no-install-recommends "
           "texlive-binaries texlive-base texlive-latex-base")
needs_biblatex = pytest.mark.skipif(
    not (PDFLATEX and BIBER and _has("biblatex.sty") and _has("etoolbox.sty")),
    reason="biber/biblatex missing: apt-get install -y --no-install-recommends biber "
           "texlive-bibtex-extra texlive-latex-base texlive-latex-recommended")

PREAMBLE = "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"


@pytest.fixture(scope="module", params=["hard", "gold"])
def store(request, tmp_path_factory):
    build = {"hard": hard_store, "gold": gold_store}[request.param]
    return build(tmp_path_factory.mktemp(request.param) / "kb.db")


def latin_keys(db) -> list[str]:
    """Keys of works whose text pdflatex can typeset with T1 + utf8."""
    left = set(non_ascii_keys(bibtex_from_db(db, ascii=True)))
    keys = [db["works"].get(i)["key"] for i in select_work_ids(db)]
    return [k for k in keys if k not in left]


def pdflatex(tmp_path) -> str:
    result = subprocess.run([PDFLATEX, "-draftmode", "-interaction=nonstopmode", "main"],
                            cwd=tmp_path, capture_output=True, text=True,
                            errors="replace", timeout=300)
    return (tmp_path / "main.log").read_text(encoding="latin-1") + result.stdout


def latex_errors(log: str) -> list[str]:
    return [line for line in log.splitlines()
            if line.startswith("!") or re.search(r"Undefined control sequence|"
                                                 r"Citation .* undefined|Runaway argument",
                                                 line)]


@needs_latex
def test_pdflatex_and_bibtex_typeset_every_entry(store, tmp_path):
    keys = latin_keys(store)
    assert len(keys) > 10
    (tmp_path / "refs.bib").write_text(bibtex_from_db(store, keys=keys, ascii=True),
                                       encoding="utf-8")
    (tmp_path / "main.tex").write_text(
        PREAMBLE + "\\usepackage{url}\n\\begin{document}\n\\nocite{*}\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n")
    pdflatex(tmp_path)
    bib = subprocess.run([BIBTEX, "main"], cwd=tmp_path, capture_output=True, text=True,
                         errors="replace")
    assert "Warning" not in bib.stdout and bib.returncode == 0, bib.stdout
    pdflatex(tmp_path)
    log = pdflatex(tmp_path)
    assert latex_errors(log) == []
    bbl = (tmp_path / "main.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == len(keys)


@needs_biblatex
@pytest.mark.parametrize("biblatex", [False, True])
def test_pdflatex_and_biber_typeset_every_entry(store, tmp_path, biblatex):
    keys = latin_keys(store)
    (tmp_path / "refs.bib").write_text(bibtex_from_db(store, keys=keys, biblatex=biblatex),
                                       encoding="utf-8")
    (tmp_path / "main.tex").write_text(
        PREAMBLE + "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n")
    pdflatex(tmp_path)
    biber = subprocess.run([BIBER, "main"], cwd=tmp_path, capture_output=True, text=True,
                           errors="replace", timeout=300)
    assert biber.returncode == 0, biber.stdout + biber.stderr
    assert [line for line in biber.stdout.splitlines()
            if line.startswith(("WARN", "ERROR"))] == []
    log = pdflatex(tmp_path)
    assert latex_errors(log) == []
    bbl = (tmp_path / "main.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == len(keys)
    if biblatex:      # each URL printed once, from the url field
        assert "\\url" not in bbl


@needs_latex
def test_latex_check_can_fail(tmp_path):
    (tmp_path / "main.tex").write_text(
        PREAMBLE + "\\begin{document}\n\\url{x}\n\\end{document}\n")
    assert any("Undefined control sequence" in e for e in latex_errors(pdflatex(tmp_path)))
