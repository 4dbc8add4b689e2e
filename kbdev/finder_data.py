"""Labelled line sequences for the line labeller (kb/lines.py).

* AnyStyle finder documents (``*.ttx``, from inukshuk/anystyle, BSD-2-Clause;
  see /work/shared/train/README.md): ``LABEL | text`` per line, a blank label
  continues the one above. Labels ref | text | meta | title | blank; ``ref``
  covers both reference lists and reference-bearing notes, and entry starts are
  not marked, so these train the coarse labeller only.
* Typeset documents from ``kbdev.typeset`` (NAME.json + NAME.txt /
  NAME.layout.txt / NAME.pdf): fine labels (ref-B, ref-I, note-B, note-I,
  text, title, meta, blank), known by construction. The PDF form is read with
  kb.read, so its lines carry the reader's LineLayout; its labels are carried
  over from the generator's gold lines (or the pdftotext labels) by word
  alignment, so they follow the reader as it changes.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_TTX = re.compile(r"^(\w*)\s*\| ?(.*)$")


@dataclass
class Doc:
    name: str
    lines: list[str]
    labels: list[str]
    layout: list | None = None
    style: str = ""


def read_ttx(path: Path) -> Doc:
    lines, labels, cur = [], [], "text"
    for raw in path.read_text(encoding="utf-8", errors="replace").split("\n"):
        m = _TTX.match(raw)
        if not m:
            if not raw:
                continue
            m = re.match(r"^()(.*)$", raw)
        lab, text = m.group(1), m.group(2)
        if lab:
            cur = lab
        text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        lines.append(text)
        labels.append("blank" if not text.strip() else cur if cur != "blank" else "text")
    return Doc(path.stem, lines, labels)


def anystyle_docs(folder: Path) -> list[Doc]:
    return [read_ttx(p) for p in sorted(Path(folder).glob("*.ttx"))]


def pdf_doc(pdf: Path, gold: dict) -> Doc | None:
    """The PDF as kb.read gives it (lines + layout), labels aligned from the gold."""
    from kb.read import ReadError, read
    from kbdev.typeset import align_labels
    src, labels = gold.get("gold_lines"), gold.get("gold_labels")
    if not src:
        txt = pdf.with_suffix(".txt")
        if not txt.exists() or not gold.get("plain"):
            return None
        src, labels = txt.read_text(encoding="utf-8").split("\n"), gold["plain"]
    try:
        doc = read(pdf)
    except ReadError:
        return None
    aligned = align_labels(src, labels, doc.lines)
    aligned = [_furniture(lab, lay) for lab, lay in zip(aligned, doc.layout)]
    return Doc(f"{gold['name']}:pdf", doc.lines, aligned, list(doc.layout), gold["style"])


def _furniture(label: str, lay) -> str:
    """A text line the reader set aside as furniture (page number, running head) is meta."""
    if lay is not None and lay.area == "furniture" and label in ("text", "title"):
        return "meta"
    return label


def typeset_docs(folder: Path, forms=("plain", "layout", "pdf")) -> list[Doc]:
    """Typeset documents as sequences; one per text form that has labels."""
    docs = []
    for js in sorted(Path(folder).glob("*.json")):
        gold = json.loads(js.read_text())
        for form in forms:
            if form == "pdf":
                pdf = js.with_name(js.name[:-5] + ".pdf")
                doc = pdf_doc(pdf, gold) if pdf.exists() else None
                if doc is not None:
                    docs.append(doc)
                continue
            labels = gold.get(form)
            if not labels:
                continue
            suffix = ".txt" if form == "plain" else ".layout.txt"
            text_path = js.with_name(js.name[:-5] + suffix)
            if not text_path.exists():
                continue
            lines = text_path.read_text(encoding="utf-8").split("\n")
            if len(lines) != len(labels):
                continue
            docs.append(Doc(f"{gold['name']}:{form}", lines, labels, None, gold["style"]))
    return docs
