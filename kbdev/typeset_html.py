"""HTML documents printed to PDF by Chromium (a second typesetter for kbdev.typeset).

Entries and endnotes are formatted here (simple author-date / notes forms),
so the text of every block is known: line labels come from aligning the
blocks' words with pdftotext's lines (kbdev.typeset.align_labels). Chromium's
own page header and footer (date, title, file URL, "1/3") are kept: they are
page furniture (meta). The header repeats the title, so the title's first
line may come out as meta.
"""
from __future__ import annotations

import html
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


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def make(rng, style: str, recs: list[dict], out: Path, name: str) -> dict | None:
    """One HTML document printed by Chromium; labels by aligning its known blocks."""
    notes_style = style.endswith("notes")
    font, size = rng.choice(FONTS), rng.choice([10, 11, 12, 13])
    title = D.title(rng, "en")
    heads, body, notes, citations = [], [], [], []
    blocks = [("title", title)]                     # (label, text) in reading order
    for s in range(rng.randint(2, 4)):
        h = D.heading(rng)
        heads.append(h)
        body.append(f"<h2>{h}</h2>")
        blocks.append(("title", h))
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
            blocks.append(("text", _plain(" ".join(sents))))
    bibhead = rng.choice(["References", "Bibliography", "Works Cited"])
    sorted_recs = sorted(recs, key=lambda r: _tex(r.get("author", "")))
    notes_html = ""
    if notes:
        notes_html = "<h2>Notes</h2>" + "".join(f'<p class="note">{i + 1}. {n}</p>'
                                                for i, n in enumerate(notes))
        blocks.append(("title", "Notes"))
        blocks += [("note-B", _plain(f"{i + 1}. {n}")) for i, n in enumerate(notes)]
        heads.append("Notes")
    heads.append(bibhead)
    blocks.append(("title", bibhead))
    blocks += [("ref-B", _plain(entry_text(r))) for r in sorted_recs]
    css = (f"body{{font-family:{font};font-size:{size}pt;margin:0 {rng.choice([1, 2, 3])}cm;"
           f"text-align:{rng.choice(['justify', 'left'])}}}"
           "p.ref{padding-left:2em;text-indent:-2em;margin:0 0 .3em 0}"
           "p.note{margin:0 0 .2em 0;font-size:90%}")
    ents = "".join(f'<p class="ref">{entry_text(r)}</p>' for r in sorted_recs)
    doc = (f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
           f"<style>{css}</style></head><body><h1>{html.escape(title)}</h1>" + "".join(body)
           + notes_html + f"<h2>{bibhead}</h2>" + ents + "</body></html>")
    meta = {"style": style, "family": "html", "title": title, "running": title,
            "headings": heads, "citations": citations, "twocolumn": False}
    gold_lines = [t for _, t in blocks]
    gold_labels = [lab for lab, _ in blocks]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "doc.html").write_text(doc)
        pdf = work / "doc.pdf"
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        f"--print-to-pdf={pdf}", str(work / "doc.html")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        if not pdf.exists():
            return None
        gold = dict(meta, name=name, keys=[r["key"] for r in recs], records=recs,
                    entries=[t for lab, t in blocks if lab == "ref-B"],
                    note_texts=[t for lab, t in blocks if lab == "note-B"],
                    gold_lines=gold_lines, gold_labels=gold_labels)
        for form, layout in (("txt", False), ("layout.txt", True)):
            text = T.pdftotext(pdf, layout)
            (out / f"{name}.{form}").write_text(text)
            lines = text.split("\n")
            labels = T.align_labels(gold_lines, gold_labels, lines)
            gold["plain" if form == "txt" else "layout"] = _furniture(labels, lines, title)
        shutil.copy(pdf, out / f"{name}.pdf")
        (out / f"{name}.html").write_text(doc)
    (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1))
    return gold


def _furniture(labels: list[str], lines: list[str], title: str) -> list[str]:
    """Chromium's header and footer lines (and the title it repeats there) -> meta."""
    out = ["meta" if lab != "blank" and FURNITURE.match(ln) else lab for lab, ln in zip(labels, lines)]
    key = T._norm(title)
    for i, ln in enumerate(lines):
        near = out[max(0, i - 2):i] + out[i + 1:i + 3]
        if T._norm(ln) == key and "meta" in near:
            out[i] = "meta"
    return out


# Chromium's page header and footer: date and time, title, file URL, "2/5"
FURNITURE = re.compile(r"^\s*(?:\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d\d\s*[AP]M.*|"
                       r".*file:///\S+.*|\d{1,3}/\d{1,3})\s*$")
