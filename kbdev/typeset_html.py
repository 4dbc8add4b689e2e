"""HTML documents printed to PDF by Chromium (a second typesetter for kbdev.typeset).

Entries and endnotes are formatted here (simple author-date / notes forms);
each carries a margin marker span, hidden in the clean print, so the labels
come out the same way as for LaTeX. Chromium's own page header and footer
(date, title, file URL, "1/3") are kept: they are page furniture (meta).

Unfinished: the margin markers do not yet land on their lines' baselines in
Chromium's output, so the labels are wrong; off unless KB_TYPESET_HTML=1.
"""
from __future__ import annotations

import html
import os
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from kbdev import typeset as T
from kbdev import typeset_data as D

FONTS = ["Georgia, serif", "'DejaVu Sans', sans-serif", "'Liberation Serif', serif",
         "'Times New Roman', serif", "Arial, sans-serif"]


def _tex(s: str) -> str:
    return s.replace("\\&", "&").replace("--", "–").strip("{}")


def _names(field: str) -> str:
    people = [p.strip() for p in _tex(field).split(" and ")]
    return "; ".join(people) if len(people) < 4 else people[0] + " et al."


def entry_text(r: dict) -> str:
    who = _names(r.get("author", "Anon.")).rstrip(".")
    t = _tex(r["title"])
    y = r["date"]
    if r["entrytype"] == "article":
        s = f"{who}. {y}. “{t}.” <i>{_tex(r['journaltitle'])}</i> {r['volume']}: {_tex(r['pages'])}."
    elif r["entrytype"] == "incollection":
        s = (f"{who}. {y}. “{t}.” In <i>{_tex(r['booktitle'])}</i>, edited by {_names(r['editor'])}, "
             f"{_tex(r['pages'])}. {r['location']}: {r['publisher']}.")
    elif r["entrytype"] == "online":
        s = f"{who}. {y}. <i>{t}</i>. {r.get('url', '')}."
    else:
        place = r.get("location", "")
        pub = r.get("publisher", r.get("institution", ""))
        s = f"{who}. {y}. <i>{t}</i>. {place}: {_tex(pub)}."
    return s


def _sentence(rng) -> str:
    return html.escape(D.sentence(rng))


def make(rng, style: str, recs: list[dict], out: Path, name: str) -> dict | None:
    if not os.environ.get("KB_TYPESET_HTML"):
        return None        # labels not yet reliable (see the module docstring)
    notes_style = style.endswith("notes")
    font, size = rng.choice(FONTS), rng.choice([10, 11, 12, 13])
    cols = 1      # CSS columns do not crop at a fixed x; one column only
    title = D.title(rng, "en")
    heads, body, notes, citations = [], [], [], []
    for s in range(rng.randint(2, 4)):
        h = D.heading(rng)
        heads.append(h)
        body.append(f"<h2>{h}</h2>")
        for _ in range(rng.randint(1, 3)):
            sents = []
            for _ in range(rng.randint(3, 6)):
                txt = _sentence(rng)
                if rng.random() < 0.5:
                    r = rng.choice(recs)
                    surname = _tex(r.get("author", "Anon")).split(",")[0].split(" and ")[0]
                    pin = str(rng.randint(3, 400)) if rng.random() < 0.5 else None
                    citations.append({"fragment": txt[:60], "keys": [r["key"]], "pinpoint": pin})
                    if notes_style:
                        notes.append(entry_text(r).rstrip(".") + (f", {pin}." if pin else "."))
                        txt += f".<sup>{len(notes)}</sup>"
                    else:
                        txt += f" ({surname} {r['date']}{', ' + pin if pin else ''})."
                else:
                    txt += "."
                sents.append(txt)
            body.append("<p>" + " ".join(sents) + "</p>")
    bibhead = rng.choice(["References", "Bibliography", "Works Cited"])
    sorted_recs = sorted(recs, key=lambda r: _tex(r.get("author", "")))
    ents = [f'<p class="ref"><span class="mk">QZB{i + 1}ZQ</span>{entry_text(r)}</p>'
            for i, r in enumerate(sorted_recs)]
    notes_html = ""
    if notes:
        items = [f'<p class="note"><span class="mk">QZN{i + 1}ZQ</span>{i + 1}. {n}</p>'
                 for i, n in enumerate(notes)]
        notes_html = "<h2>Notes</h2>" + "".join(items)
        heads.append("Notes")
    heads.append(bibhead)
    css = (f"body{{font-family:{font};font-size:{size}pt;margin:0 {rng.choice([1, 2, 3])}cm;"
           f"column-count:{cols};column-gap:3cm;text-align:{rng.choice(['justify', 'left'])}}}"
           "p.ref{padding-left:2em;text-indent:-2em;margin:0 0 .3em 0;position:relative}"
           "p.note{margin:0 0 .2em 0;position:relative;font-size:90%}"
           ".mk{display:inline-block;width:0;white-space:nowrap;position:relative;left:-1.3cm;font-size:5pt}")
    doc = (f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
           f"<style>{css}</style></head><body><h1>{html.escape(title)}</h1>" + "".join(body)
           + notes_html + f"<h2>{bibhead}</h2>" + "".join(ents) + "</body></html>")
    meta = {"style": style, "family": "html", "title": title, "running": title,
            "headings": heads, "citations": citations, "twocolumn": cols == 2}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdfs = []
        for tag, extra in (("doc", ""), ("clean", ".mk{visibility:hidden}")):
            (work / f"{tag}.html").write_text(doc.replace("</style>", extra + "</style>"))
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            f"--print-to-pdf={work / (tag + '.pdf')}", str(work / f"{tag}.html")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
            pdfs.append(work / f"{tag}.pdf")
        if not all(p.exists() for p in pdfs):
            return None
        marked = T.marked_lines(pdfs[0], cols == 2)
        furniture = re.compile(r"^\s*(?:\d{1,2}/\d{1,2}/\d{2,4}.*|.*file:///\S+.*|.*\b\d{1,3}/\d{1,3}\s*)$")
        labels, lines, note_marks = T.label_lines(marked, meta)
        labels = ["meta" if lab == "text" and furniture.match(ln) else lab
                  for lab, ln in zip(labels, lines)]
        gold = dict(meta, name=name, keys=[r["key"] for r in recs], records=recs,
                    entries=T.entries_from(labels, lines, "ref"),
                    note_texts=T.entries_from(labels, lines, "note"))
        for form, layout in (("txt", False), ("layout.txt", True)):
            text = T.pdftotext(pdfs[1], layout)
            (out / f"{name}.{form}").write_text(text)
            gold["plain" if form == "txt" else "layout"] = T.align_labels(lines, labels, text.split("\n"))
        if cols == 2:
            gold["layout"] = None
        shutil.copy(pdfs[1], out / f"{name}.pdf")
        (out / f"{name}.html").write_text(doc.replace("</style>", ".mk{display:none}</style>"))
    (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1))
    return gold
