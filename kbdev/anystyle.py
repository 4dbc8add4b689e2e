"""AnyStyle's labelled reference strings -> kb's CRF training sequences and gold fields.

Data: ``core.xml``, ``good.xml``, ``ugly.xml``, ``bad.xml`` from AnyStyle
(inukshuk/anystyle, res/parser, BSD-2-Clause), given as a directory path
(e.g. ../shared/train/anystyle/parser); never copied into the repository.
Each ``<sequence>`` holds labelled segments in order; the raw string is the
segments joined by spaces.

AnyStyle labels map to kb's token labels (see kb.parsing.tokens): author,
editor, translator, title, container (container-title, journal), date,
volume, issue (split out of AnyStyle's volume segment: "12(3)", "Bd. 4, Nr. 2",
"2003;19:"), pages, edition, publisher, place (location); note, genre, medium
and collection-title are "note" (words no field takes, kept apart from the
marks between fields); everything else (source, citation-number, url, doi,
isbn) is "other" (kb reads identifiers by rule). As in kb's synthetic data,
the punctuation, quotes and cue words ("In:", "pp.", "Hrsg.", "Vol.") at a
segment's edges are "other".
"""
from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from kb import parse as kparse
from kb.parsing import lexicon, rules
from kb.parsing.dates import numeric_order
from kb.parsing.tokens import tokenize

FILES = ("core", "good", "ugly", "bad")
LABEL_MAP = {"author": "author", "director": "author", "editor": "editor", "translator": "translator",
             "title": "title", "container-title": "container", "journal": "container", "date": "date",
             "volume": "volume", "pages": "pages", "edition": "edition", "publisher": "publisher",
             "location": "place", "note": "note", "genre": "note", "collection-title": "note",
             "medium": "note"}
_EDGE_CUES = {
    "editor": lexicon.EDITOR_WORDS | lexicon.IN_WORDS | {"by", "von", "edited", "a", "cura", "di", "herausgegeben"},
    "translator": lexicon.TRANS_WORDS | {"by", "von", "par", "translated"},
    "author": {"by", "von", "par"},
    "container": lexicon.IN_WORDS,
    "pages": lexicon.PAGE_WORDS | {"pp", "p", "s", "ss"},
    "volume": lexicon.VOL_WORDS | {"v"},
    "edition": {"ed", "edn", "edition", "aufl", "auflage", "éd", "édition", "ed.", "a"},
}
_ISSUE_CUE = lexicon.ISSUE_WORDS | {"n", "iss", "heft", "fasc"}
_VOL_CUE = lexicon.VOL_WORDS | {"v"}
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
_NUMISH = re.compile(r"\d+[A-Za-z]?|[IVXLC]{1,6}|[ivxlc]{1,6}")


def read(path: Path) -> list[list[tuple[str, str]]]:
    """Sequences of (AnyStyle label, segment text) from one XML file."""
    out = []
    for seq in ET.parse(path).getroot().iter("sequence"):
        segs = [(el.tag, (el.text or "").strip()) for el in seq]
        segs = [(lab, txt) for lab, txt in segs if txt]
        if segs:
            out.append(segs)
    return out


def load(directory: str | Path) -> dict[str, list[list[tuple[str, str]]]]:
    """File stem -> sequences, for the four AnyStyle parser files."""
    d = Path(directory)
    return {name: read(d / f"{name}.xml") for name in FILES if (d / f"{name}.xml").exists()}


def raw_string(segs) -> str:
    return " ".join(txt for _, txt in segs)


def _is_word(w: str) -> bool:
    return w[:1].isalnum()


def _volume_labels(words: list[str], idx: list[int]) -> dict[int, str]:
    """Labels inside one AnyStyle volume segment: volume, issue, date or other."""
    out = {}
    issue_cue = False
    depth = 0
    seen_vol = seen_issue = False
    for j, k in enumerate(idx):
        w = words[k]
        lw = w.lower().rstrip(".")
        nxt = words[idx[j + 1]] if j + 1 < len(idx) else ""
        if w in "([":
            depth += 1
        elif w in ")]":
            depth = max(0, depth - 1)
        if not _is_word(w):
            out[k] = "other"
            continue
        if lw in _VOL_CUE:
            out[k] = "other"
            continue
        if lw in _ISSUE_CUE:
            issue_cue = True
            out[k] = "other"
            continue
        if _YEAR.fullmatch(w) and (nxt in (";", ",", ".") or depth) and j + 2 < len(idx):
            out[k] = "date"  # Vancouver "2003;19:" / "2004, vol. 58"
            continue
        if _NUMISH.fullmatch(w) or (w[:1].isdigit() and len(w) < 8):
            if (issue_cue or seen_vol) and not seen_issue:
                out[k] = "issue"
                seen_issue = True
            elif not seen_vol and not issue_cue:
                out[k] = "volume"
                seen_vol = True
            else:
                out[k] = "other"
            continue
        out[k] = "other"
    return out


def token_labels(toks, clabs: list) -> list[str]:
    """kb labels per token from the (AnyStyle label, segment start) of each
    token's first character."""
    words = [t.text for t in toks]
    labels = [LABEL_MAP.get((clabs[t.start] or ("",))[0], "other") for t in toks]
    i, n = 0, len(toks)
    while i < n:
        j = i
        while j + 1 < n and clabs[toks[j + 1].start] == clabs[toks[i].start]:
            j += 1
        lab = labels[i]
        if lab == "volume":
            for k, v in _volume_labels(words, list(range(i, j + 1))).items():
                labels[k] = v
        elif lab != "other":
            _strip_edges(words, labels, i, j, lab)
        i = j + 1
    return labels


def _strip_edges(words, labels, i, j, lab):
    """Punctuation and cue words at a segment's edges are "other"."""
    cues = _EDGE_CUES.get(lab, set())
    lo, hi = i, j
    while lo <= hi and (not _is_word(words[lo]) or words[lo].lower() in cues):
        labels[lo] = "other"
        lo += 1
    while hi >= lo and (not _is_word(words[hi]) or words[hi].lower() in cues) and \
            not (lab in ("author", "editor", "translator") and words[hi] == "." and hi > lo
                 and len(words[hi - 1]) == 1 and words[hi - 1].isupper()):
        labels[hi] = "other"
        hi -= 1
    if lab == "pages":  # "561 p." / "S. 221-234": only the numbers
        for k in range(lo, hi + 1):
            if words[k].lower() in cues:
                labels[k] = "other"


def char_labels(segs) -> tuple[str, list]:
    """Normalised text and, per character, (AnyStyle label, segment start) or None."""
    parts, clabs = [], []
    pos = 0
    for lab, txt in segs:
        t = kparse.normalize(txt)
        if not t:
            continue
        if parts:
            parts.append(" ")
            clabs.append(None)
            pos += 1
        parts.append(t)
        clabs.extend([(lab, pos)] * len(t))
        pos += len(t)
    return "".join(parts), clabs


def sequence(segs):
    """(tokens, kb labels, masked text) exactly as kb.parse sees this string,
    or None when normalising the whole string would shift offsets."""
    text, clabs = char_labels(segs)
    if not text or kparse.normalize(text) != text:
        return None
    rest = getattr(kparse, "strip_list_label", str)(text)  # kb.parse drops a leading "12." / "[12]"
    clabs = clabs[len(text) - len(rest):]
    text = rest
    _, spans = rules.extract(text, numeric_order(text))
    masked = rules.mask(text, spans)
    toks = tokenize(masked)
    if not toks:
        return None
    return toks, token_labels(toks, clabs), masked


def split(data: dict, seed: int = 16, share: float = 0.2):
    """(train, test) lists of (file, segs): a random ``share`` of each file held out."""
    train, test = [], []
    for name in FILES:
        seqs = data.get(name, [])
        idx = list(range(len(seqs)))
        random.Random(f"{seed}-{name}").shuffle(idx)
        cut = int(len(idx) * share)
        held = set(idx[:cut])
        for k, s in enumerate(seqs):
            (test if k in held else train).append((name, s))
    return train, test
