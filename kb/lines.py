"""Line labeller: what each line of a document is (a CRF over lines).

Labels: ``ref-B``/``ref-I`` (first / further line of a reference-list entry),
``note-B``/``note-I`` (footnote or endnote), ``text`` (body), ``title``
(heading), ``meta`` (running heads, page numbers, furniture), ``blank``.

Two CRFs, stacked: the coarse one (ref | text | title | meta | blank) is
trained on real, hand-labelled documents (AnyStyle's finder set); the fine one
adds entry starts and the note/reference split, trained on typeset documents
whose labels are known, and sees the coarse label as a feature. Features come
from the text shape of a line and its neighbours, plus ``LineLayout`` (size,
indent, position, superscripts, area) where the reader gives it.

    >>> labels = label(lines)            # list[str], one per line
    >>> groups(labels, lines)            # [("ref" | "note", [line indices]), ...]

Models: ``kb/data/finder.crfsuite`` (fine) and ``finder_coarse.crfsuite``;
``scripts/train_finder.py`` rebuilds both. Features of a line use at most its
first ``MAX_CHARS`` characters, so labelling is linear in the input.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .models import LineLayout

DATA = Path(__file__).parent / "data"
FINE_MODEL = DATA / "finder.crfsuite"
COARSE_MODEL = DATA / "finder_coarse.crfsuite"
MAX_CHARS = 300
LABELS = ("ref-B", "ref-I", "note-B", "note-I", "text", "title", "meta", "blank")
COARSE = {"ref-B": "ref", "ref-I": "ref", "note-B": "ref", "note-I": "ref"}

YEAR = re.compile(r"(?<!\d)(?:1[5-9]\d\d|20[0-4]\d)[a-z]?(?!\d)")
PAREN_YEAR = re.compile(r"\((?:1[5-9]\d\d|20[0-4]\d)[a-z]?\)")
URL = re.compile(r"https?://|www\.|\bdoi\b|\b10\.\d{4,9}/", re.IGNORECASE)
NAME_START = re.compile(r"^(?:(?:van|von|de|der|du|da|di|del|la|le)\s)?[A-Z\u00C0-\u024F][\w'’\-]{1,30},"
                        r"\s(?:[A-Z\u00C0-\u024F][\w'’\-]*\.?\s?){1,3}")
INITIALS_START = re.compile(r"^(?:[A-Z]\.\s?){1,3}(?:-[A-Z]\.\s?)?[A-Z\u00C0-\u024F][\w'’\-]+")
DITTO = re.compile(r"^[\-_–—―‒]{2,}")
NUM_START = re.compile(r"^(\d{1,4})(?:[.)]\s|\s+\S|(?=[A-Z“\"‘]))")
BRACKET_START = re.compile(r"^\[\d{1,4}\]|^\(\d{1,4}\)|^\[[A-Z][\w+]{1,8}\d{2}[a-z]?\]")
SUPER_START = re.compile(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
LONE_NUM = re.compile(r"^\d{1,4}$")
ROMAN = re.compile(r"^[ivxlc]{1,6}$", re.IGNORECASE)
PAGES = re.compile(r"\bpp?\.\s?\d|\d+\s?[–-]\s?\d+")
EDITOR = re.compile(r"\b(?:eds?\.|ed\. by|edited by|hrsg\.|hg\.|\(eds?\.?\)|trans\.|transl\.)", re.IGNORECASE)
IN_WORD = re.compile(r"\bIn:?\s|\bin:\s")
IBID = re.compile(r"\b(?:ibid|ibidem|ebd|op\. cit|id\.|supra|infra)\b", re.IGNORECASE)
QUOTE = re.compile(r"[“”\"«»„]")
PUBLISHER = re.compile(r"\b(?:Press|Verlag|University|Publish\w*|Books|Editions?|Éditions)\b")
PLACE_PUB = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?:\s?[A-Z]")
VOL = re.compile(r"\b\d{1,4}\s?\(\d{1,4}\)|\bvol\.|\bno\.|\bBd\.|\bHeft\b", re.IGNORECASE)
SENT_END = re.compile(r"[.!?][”\"’)]?$")
WORD = re.compile(r"[^\W\d_]+")
PUNCT = re.compile(r"[.,;:()]")
DIGIT = re.compile(r"\d")


def _bucket(x: float, edges: tuple) -> int:
    for i, e in enumerate(edges):
        if x < e:
            return i
    return len(edges)


def _heading_kind(text: str) -> str | None:
    from .locate import heading_kind       # the heading vocabulary lives there
    return heading_kind(text)


def shape(raw: str) -> dict:
    """Features of one line on its own (a dict of name -> str | float)."""
    line = raw.replace("\f", "")[:MAX_CHARS]
    text = line.strip()
    if not text:
        return {"blank": 1.0}
    f: dict = {}
    lead = len(line) - len(line.lstrip(" "))
    f["ind"] = str(_bucket(lead, (1, 3, 6, 11, 21, 41)))
    f["len"] = str(_bucket(len(text), (4, 12, 30, 50, 70, 90)))
    words = WORD.findall(text)
    f["nw"] = str(_bucket(len(words), (2, 4, 8, 12)))
    first = text.split()[0]
    f["f1"] = re.sub(r"[a-z\u00DF-\u00FF]+", "a", re.sub(r"[A-Z\u00C0-\u00DE]+", "A",
                                                          re.sub(r"\d+", "0", first)))[:6]
    f["w1"] = first.lower()[:12] if len(first) < 12 else "LONG"
    f["lastc"] = text[-1] if not text[-1].isalnum() else ("d" if text[-1].isdigit() else "a")
    checks = {
        "lone_num": LONE_NUM.match(text), "roman": ROMAN.match(text),
        "num_start": NUM_START.match(text), "bracket": BRACKET_START.match(text),
        "super": SUPER_START.match(text), "name": NAME_START.match(text),
        "initials": INITIALS_START.match(text), "ditto": DITTO.match(text),
        "year": YEAR.search(text), "pyear": PAREN_YEAR.search(text), "url": URL.search(text),
        "pages": PAGES.search(text), "editor": EDITOR.search(text), "in": IN_WORD.search(text),
        "ibid": IBID.search(text), "quote": QUOTE.search(text), "pub": PUBLISHER.search(text),
        "place": PLACE_PUB.search(text), "vol": VOL.search(text), "sent_end": SENT_END.search(text),
        "hyph_end": text.endswith("-"), "comma_end": text.endswith(","),
        "caps": len(text) > 3 and text.upper() == text and any(c.isalpha() for c in text),
        "lower_start": text[0].islower(),
    }
    for k, v in checks.items():
        if v:
            f[k] = 1.0
    if words:
        f["cap_share"] = str(_bucket(sum(w[0].isupper() for w in words) / len(words), (0.2, 0.5, 0.8)))
    punct = len(PUNCT.findall(text))
    f["punct"] = str(_bucket(punct / max(len(text), 1), (0.02, 0.04, 0.07, 0.1)))
    f["digits"] = str(_bucket(len(DIGIT.findall(text)) / len(text), (0.05, 0.15, 0.5)))
    if len(text) <= 80:
        kind = _heading_kind(text)
        if kind:
            f["head_" + kind] = 1.0
    return f


def _layout_features(lay: LineLayout | None) -> dict:
    if lay is None:
        return {}
    f = {"L_size": str(_bucket(lay.size, (0.8, 0.92, 1.08, 1.25))),
         "L_ind": str(_bucket(lay.indent, (0.01, 0.04, 0.1, 0.3))),
         "L_y": str(_bucket(lay.y, (0.08, 0.2, 0.8, 0.92))),
         "L_gap": str(_bucket(lay.gap, (0.2, 0.6, 1.2, 2.5))),
         "L_area": lay.area}
    if lay.bold > 0.5:
        f["L_bold"] = 1.0
    if lay.italic > 0.3:
        f["L_ital"] = 1.0
    if any(s <= 2 for s, _ in lay.sup):
        f["L_sup0"] = 1.0
    elif lay.sup:
        f["L_sup"] = 1.0
    return f


NEIGHBOUR_KEYS = ("blank", "ind", "len", "name", "lone_num", "num_start", "year", "sent_end",
                  "head_bibliography", "head_notes", "bracket", "ditto", "lower_start", "L_size", "L_area",
                  "L_ind", "L_gap", "L_bold")


def _step(d: float, tol: float) -> str:
    return "+" if d > tol else "-" if d < -tol else "="


def _layout_steps(f: dict, lay, prev, nxt) -> None:
    """Indent, size and gap of a PDF line against its neighbours (hanging indents, note areas)."""
    if prev is not None:
        f["Ldind_p"] = _step(lay.indent - prev.indent, 0.008)
        f["Ldsize_p"] = _step(lay.size - prev.size, 0.05)
        f["Lpara"] = _step(lay.gap - prev.gap, 0.15)
    if nxt is not None:
        f["Ldind_n"] = _step(nxt.indent - lay.indent, 0.008)
        f["Ldsize_n"] = _step(nxt.size - lay.size, 0.05)


def features(lines: list[str], layout: list | None = None) -> list[dict]:
    """CRF features of every line, with its neighbours' shapes."""
    shapes = [shape(x) for x in lines]
    lays = list(layout or []) + [None] * (len(lines) - len(layout or []))
    for s, lay in zip(shapes, lays):
        s.update(_layout_features(lay))
    n = len(lines)
    nonblank = [i for i, s in enumerate(shapes) if "blank" not in s]
    page_pos = _page_positions(lines)
    lines = [x.replace("\f", "")[:MAX_CHARS] for x in lines]
    inds = [len(x) - len(x.lstrip(" ")) for x in lines]
    lens = sorted(len(lines[i].strip()) for i in nonblank) or [1]
    typical = max(lens[len(lens) // 2], 1)
    common = Counter(min(inds[i], 80) for i in nonblank).most_common(1)
    margin = common[0][0] if common else 0
    prev_nb, next_nb = _nearest_nonblank(shapes)
    out = []
    section, since = "none", 0          # the last notes / bibliography heading above
    for i, s in enumerate(shapes):
        f = dict(s)
        f["bias"] = 1.0
        f["sec"] = section + str(_bucket(i - since, (40, 150)))
        if "head_notes" in s or "head_bibliography" in s:
            section, since = ("notes" if "head_notes" in s else "bib"), i
        f["pos"] = str(int(10 * i / max(n, 1)))
        f["page"] = page_pos[i]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                for key in NEIGHBOUR_KEYS:
                    if key in shapes[j]:
                        f[f"{d}:{key}"] = shapes[j][key]
            else:
                f[f"{d}:none"] = 1.0
        nxt = next_nb[i]
        if lays[i] is not None and "blank" not in s:
            _layout_steps(f, lays[i], lays[prev_nb[i]] if prev_nb[i] is not None else None,
                          lays[nxt] if nxt is not None else None)
        if "blank" not in s:
            f["rlen"] = str(_bucket(len(lines[i].strip()) / typical, (0.3, 0.6, 0.85, 1.1)))
            f["rind"] = str(_bucket(inds[i] - margin, (-1, 1, 3, 8, 20)))
            prv = prev_nb[i]
            if prv is not None:
                d = inds[i] - inds[prv]
                f["dind_p"] = "+" if d > 1 else "-" if d < -1 else "="
                for key in ("sent_end", "name", "lone_num", "year", "len"):
                    if key in shapes[prv]:
                        f["pnb:" + key] = shapes[prv][key]
            if nxt is not None:
                d = inds[nxt] - inds[i]
                f["dind_n"] = "+" if d > 1 else "-" if d < -1 else "="
                for key in ("name", "lone_num", "year", "lower_start"):
                    if key in shapes[nxt]:
                        f["nnb:" + key] = shapes[nxt][key]
        out.append(f)
    return out


def _nearest_nonblank(shapes: list[dict]) -> tuple[list, list]:
    """For each line, the index of the nearest non-blank line above and below."""
    n = len(shapes)
    prev, nxt = [None] * n, [None] * n
    last = None
    for i in range(n):
        prev[i] = last
        if "blank" not in shapes[i]:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        nxt[i] = last
        if "blank" not in shapes[i]:
            last = i
    return prev, nxt


def _page_positions(lines: list[str]) -> list[str]:
    """'top' / 'bottom' for the first / last two non-blank lines of a page."""
    pos = ["mid"] * len(lines)
    start = 0
    breaks = [i for i, x in enumerate(lines) if "\f" in x]
    if not breaks:
        return pos
    for end in breaks + [len(lines)]:
        nb = [i for i in range(start, min(end + 1, len(lines))) if lines[i].strip(" \f")]
        if end < len(lines) and "\f" in lines[end] and lines[end].strip(" \f"):
            nb = [i for i in nb if i != end]          # the \f line opens the next page
        for i in nb[:2]:
            pos[i] = "top"
        for i in nb[-2:]:
            pos[i] = "bottom"
        start = end
    return pos


def to_items(feats: list[dict]) -> list[dict]:
    """crfsuite items: string values become name=value indicators."""
    items = []
    for f in feats:
        items.append({(k + "=" + v if isinstance(v, str) else k): (1.0 if isinstance(v, str) else v)
                      for k, v in f.items()})
    return items


@lru_cache(maxsize=4)
def _tagger(path: str):
    import pycrfsuite
    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def coarse_labels(feats_items: list[dict], model: Path = COARSE_MODEL) -> list[str]:
    return _tagger(str(model)).tag(feats_items)


def with_coarse(items: list[dict], coarse: list[str]) -> list[dict]:
    """Add the coarse labels of a line and its neighbours as features."""
    out = []
    n = len(coarse)
    for i, it in enumerate(items):
        it = dict(it)
        for d in (-1, 0, 1):
            j = i + d
            it[f"C{d}={coarse[j] if 0 <= j < n else 'none'}"] = 1.0
        out.append(it)
    return out


def label(lines: list[str], layout: list | None = None) -> list[str]:
    """One label from LABELS per line (see the module docstring)."""
    if not lines:
        return []
    if not COARSE_MODEL.exists():
        raise FileNotFoundError(COARSE_MODEL)
    items = to_items(features(lines, layout))
    coarse = coarse_labels(items)
    if not FINE_MODEL.exists():
        return [c if c != "ref" else "ref-I" for c in coarse]
    return _tagger(str(FINE_MODEL)).tag(with_coarse(items, coarse))


def label_document(doc) -> list[str]:
    layout = doc.layout if getattr(doc, "layout", None) else None
    return label(doc.lines, layout)


def groups(labels: list[str], lines: list[str]) -> list[tuple[str, list[int]]]:
    """Entries and notes as the labels group them: ("ref" | "note", 0-based
    line indices), in order. A -B line opens one; -I lines continue the open
    one of their kind (or open one if none is); blank and meta lines are
    skipped; any other label closes it."""
    out: list[tuple[str, list[int]]] = []
    cur = None
    for i, (lab, line) in enumerate(zip(labels, lines)):
        if lab in ("blank", "meta") or not line.strip():
            continue
        kind, _, part = lab.partition("-")
        if part == "B" or (part == "I" and cur != kind):
            out.append((kind, []))
            cur = kind
        elif part != "I":
            cur = None
            continue
        out[-1][1].append(i)
    return out
