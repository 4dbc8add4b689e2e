"""PDF pages per second per core: reading alone and end to end (target >= 10/s).

    python scripts/bench_read.py                 # 4 LaTeX PDFs x 10 pages (fpdf2 without TeX):
                                                 # read, end to end per document, a whole kb build
    python scripts/bench_read.py --pages 20 --docs 6
    python scripts/bench_read.py --compare       # text quality and speed per PDF library

End to end is kb.pipeline.process (read, locate, parse, cite): what a build
worker does per document; locate runs the line labeller (kb/lines.py) over the
whole document and over reference sections, as the build does.  The "label"
row times the labeller alone (features + both CRFs) on the read documents,
and the calls it got during end to end are counted.  Rates are per CPU second of this process (one
core); wall-clock rates are printed too.  ``--compare`` scores the plain text
of pypdf, pdfminer.six, pdfplumber and pypdfium2 (and kb.read) against the
known words of generated PDFs (LaTeX OT1 and T1, fpdf2, Chromium when
installed): recall and precision of word tokens, running heads set aside.
"""
from __future__ import annotations

import argparse
import collections
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kbdev.pdfmake import chromium_pdf, fpdf_pdf, latex_pdf  # noqa: E402


def make_docs(out: Path, docs: int, pages: int) -> list[Path]:
    paths = []
    for i in range(docs):
        if shutil.which("pdflatex"):
            path, _ = latex_pdf(out / f"d{i}", pages=pages, seed=100 + i,
                                encoding="T1" if i % 2 else "OT1")
        else:
            path, _ = fpdf_pdf(out / f"d{i}.pdf", pages=pages, seed=100 + i)
        paths.append(path)
    return paths


def rate(fn, paths: list[Path]) -> tuple[float, float, int]:
    """(pages per CPU second, pages per wall second, pages)."""
    from kb.read import read
    n = sum(len(read(p).pages) for p in paths)    # also warms the caches
    t0, c0 = time.perf_counter(), time.process_time()
    for p in paths:
        fn(p)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return n / max(cpu, 1e-9), n / max(wall, 1e-9), n


def label_rate(paths: list[Path]) -> tuple[float, float, int]:
    """The line labeller alone on the read documents (with their layout)."""
    from kb import lines
    from kb.read import read
    docs = [read(p) for p in paths]
    lines.label_document(docs[0])                 # load the models
    t0, c0 = time.perf_counter(), time.process_time()
    for d in docs:
        lines.label_document(d)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = sum(len(d.pages) for d in docs)
    return n / max(cpu, 1e-9), n / max(wall, 1e-9), n


def counting_labeller():
    """Wrap kb.lines.label to count the lines it labels; returns the tally."""
    from kb import lines
    tally = {"calls": 0, "lines": 0}
    inner = lines.label

    def label(ls, layout=None):
        tally["calls"] += 1
        tally["lines"] += len(ls)
        return inner(ls, layout)
    lines.label = label
    return tally


def throughput(args) -> None:
    from kb.pipeline import process
    from kb.read import read
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_docs(Path(tmp), args.docs, args.pages)
        maker = "LaTeX" if shutil.which("pdflatex") else "fpdf2"
        tally = counting_labeller()
        for name, fn in (("read", read), ("label", None), ("end to end", process)):
            tally.update(calls=0, lines=0)
            cpu, wall, n = label_rate(paths) if fn is None else rate(fn, paths)
            print(f"{name:11s} {n} pages ({maker}): {cpu:6.1f} pages/s per core "
                  f"(wall {wall:6.1f} pages/s)")
        print(f"{'':11s} (end to end ran the labeller {tally['calls']} times over "
              f"{tally['lines']} lines)")
        build_rate(Path(tmp), paths, n, maker)


def build_rate(tmp: Path, paths: list[Path], pages: int, maker: str) -> None:
    """A whole ``kb build`` (one process: read ... resolve, graph, store) of the PDFs."""
    from kb.build import build
    corpus = tmp / "corpus"
    corpus.mkdir()
    for i, p in enumerate(paths):
        shutil.copy(p, corpus / f"doc{i}.pdf")
    t0, c0 = time.perf_counter(), time.process_time()
    build([corpus], tmp / "kb.db", jobs=1, progress=False, echo=lambda s: None)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{'kb build':11s} {pages} pages ({maker}): {pages / cpu:6.1f} pages/s per core "
          f"(wall {pages / wall:6.1f} pages/s)")


# --- library comparison ---------------------------------------------------------------

def ext_pypdf(p):
    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return [pg.extract_text() for pg in PdfReader(p).pages]


def ext_pdfminer(p):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer
    return ["".join(e.get_text() for e in page if isinstance(e, LTTextContainer))
            for page in extract_pages(p)]


def ext_pdfplumber(p):
    import pdfplumber
    with pdfplumber.open(p) as pdf:
        return [pg.extract_text() or "" for pg in pdf.pages]


def ext_pypdfium2(p):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(p)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def ext_kb(p):
    from kb.read import read
    d = read(p)
    return ["\n".join(d.lines[pg.start_line - 1:pg.end_line]) for pg in d.pages]


TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
NO_SUP = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def score(pages: list[str], truth: dict) -> tuple[float, float]:
    """Recall and precision of word tokens against the source's words."""
    text = "\n".join(pages).translate(NO_SUP)
    ext = collections.Counter(TOKEN.findall(text))
    gold = collections.Counter(TOKEN.findall(" ".join(truth["body"] +
                                                       list(truth["notes"].values()))))
    heads = text.count(truth["head"]) if truth["head"] else 0
    for w in (truth["head"] or "").split():   # running heads are not scored
        ext[w] = max(0, ext[w] - heads)
    both = sum((ext & gold).values())
    return both / max(1, sum(gold.values())), both / max(1, sum(ext.values()))


def compare(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docs = {"fpdf2": fpdf_pdf(tmp / "f.pdf", pages=args.pages)}
        if shutil.which("pdflatex"):
            docs["latex-OT1"] = latex_pdf(tmp / "ot1", pages=args.pages, seed=1)
            docs["latex-T1"] = latex_pdf(tmp / "t1", pages=args.pages, seed=2, encoding="T1")
        if shutil.which("chromium") or shutil.which("chromium-browser"):
            docs["chromium"] = chromium_pdf(tmp / "ch", pages=args.pages)
        libs = {"pypdf": ext_pypdf, "pdfminer.six": ext_pdfminer,
                "pdfplumber": ext_pdfplumber, "pypdfium2": ext_pypdfium2, "kb.read": ext_kb}
        ext_kb(str(docs["fpdf2"][0]))   # warm up
        print("library       " + " | ".join(f"{d:^27s}" for d in docs))
        for name, fn in libs.items():
            try:
                fn(str(docs["fpdf2"][0]))
            except ImportError:
                print(f"{name:13s} not installed")
                continue
            row = []
            for path, truth in docs.values():
                t0 = time.process_time()
                pages = fn(str(path))
                cpu = time.process_time() - t0
                r, p = score(pages, truth)
                row.append(f"R {r:.3f} P {p:.3f} {len(pages) / max(cpu, 1e-9):5.0f} p/s")
            print(f"{name:13s} " + " | ".join(row))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="PDF reading throughput on one core")
    ap.add_argument("--docs", type=int, default=4)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--compare", action="store_true", help="compare PDF libraries")
    args = ap.parse_args(argv)
    compare(args) if args.compare else throughput(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
