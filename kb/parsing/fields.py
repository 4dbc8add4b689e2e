"""Token labels -> CSL fields (names split, dates read, strings tidied).

    >>> from kb.parsing.tokens import tokenize
    >>> toks = tokenize("Smith, J. Title. London: Sage, 2001.")
    >>> labels = ["author"]*4 + ["title", "other", "place", "other", "publisher", "other", "date", "other"]
    >>> f = to_fields("Smith, J. Title. London: Sage, 2001.", toks, labels)
    >>> f["place"], f["publisher"], f["year"]
    ('London', 'Sage', 2001)
"""
from __future__ import annotations

import re

from .dates import parse_date, find_year
from .names import split_names
from .tokens import Token
from ..text import YEAR

_STRIP = " \t.,;:–—-/|*_"
_SPACES = re.compile(r"\s+")
_QUOTES = "“”‘’«»„‚\"'"


def segments(text: str, toks: list[Token], labels: list[str]) -> dict[str, list[str]]:
    """Label -> list of text spans (runs of one label; punctuation-only gaps
    inside a run of the same label are kept)."""
    out: dict[str, list[str]] = {}
    i, n = 0, len(toks)
    while i < n:
        lab = labels[i]
        j = i
        while j + 1 < n and labels[j + 1] == lab:
            j += 1
        if lab != "other":
            out.setdefault(lab, []).append(text[toks[i].start:toks[j].end])
        i = j + 1
    return out


def clean_text(s: str | None, quotes: bool = True) -> str | None:
    """Strip surrounding punctuation, quotes, brackets and markdown stars."""
    if not s:
        return None
    s = _SPACES.sub(" ", s).strip()
    for _ in range(3):
        s = s.strip(_STRIP)
        if quotes:
            s = s.strip(_QUOTES + " ")
        if s.startswith("(") and s.endswith(")") and s.count("(") == 1:
            s = s[1:-1]
        if s.startswith("[") and s.endswith("]") and s.count("[") == 1:
            s = s[1:-1]
        if s.count("(") < s.count(")") and s.endswith(")"):
            s = s[:-1]
        if s.count("(") > s.count(")") and s.startswith("("):
            s = s[1:]
        if s.endswith(("(", "[")):
            s = s[:-1]
    # balance a lone trailing quote left inside ("Title” (PDF)")
    if quotes and s and s[-1] in _QUOTES and not any(q in s[:-1] for q in "“‘\"'«"):
        s = s[:-1].rstrip()
    return s or None


def _num(s: str | None, words: str) -> str | None:
    if not s:
        return None
    s = re.sub(r"^(?:" + words + r")\b\.?:?\s*", "", s.strip(), flags=re.I)
    s = clean_text(s)
    return s


def to_fields(text: str, toks: list[Token], labels: list[str], order: str | None = None) -> dict:
    """Fields dict (see kb.parse.parse) from tokens and their labels."""
    seg = segments(text, toks, labels)
    at: dict[str, list[int]] = {}  # label -> its token indices
    for k, lab in enumerate(labels):
        at.setdefault(lab, []).append(k)
    f: dict = {}

    def first(lab):
        return seg[lab][0] if seg.get(lab) else None

    def longest(lab):
        return max(seg[lab], key=len) if seg.get(lab) else None

    def joined(lab):
        """From the first to the last token of a label within its first area."""
        idx = at.get(lab)
        if not idx:
            return None
        # stop at a gap holding another field
        end = idx[0]
        for k in idx[1:]:
            if k == end + 1:
                end = k
                continue
            gap = labels[end + 1:k]
            gap_words = [toks[j].text for j in range(end + 1, k)]
            if any(g not in ("other",) for g in gap) or k - end > 3 or \
                    (lab not in ("author", "editor", "translator") and "." in gap_words):
                break
            end = k
        # keep a parenthesis the run opened ("... (Xinhua Net)")
        span = text[toks[idx[0]].start:toks[end].end]
        while span.count("(") > span.count(")") and end + 1 < len(toks) and toks[end + 1].text == ")":
            end += 1
            span = text[toks[idx[0]].start:toks[end].end]
        return span

    f["authors"] = split_names(joined("author") or "") if seg.get("author") else []
    f["editors"] = split_names(joined("editor") or "") if seg.get("editor") else []
    f["translators"] = split_names(joined("translator") or "") if seg.get("translator") else []
    f["title"] = clean_text(joined("title"))
    f["container_title"] = clean_text(joined("container"))
    if f["container_title"]:
        f["container_title"] = re.sub(r"^(?:in|dans)\s*:?\s+", "", f["container_title"], flags=re.I)
        f["container_title"] = clean_container(f["container_title"], f)
    _authors_as_editors(text, toks, labels, f, seg)
    dates = seg.get("date", [])
    plain = [d for d in dates if not re.fullmatch(r"\W*\d{4}\s*[-–—/]\s*\d{2,4}\W*", d)]
    date_txt = " ".join(plain or dates)
    iso = parse_date(date_txt, order) if date_txt else None
    yr = find_year(date_txt) if date_txt else None
    f["year"] = int(iso[:4]) if iso else (yr[0] if yr else None)
    f["year_suffix"] = yr[1] if yr else None
    f["date"] = iso if iso and len(iso) > 4 else None
    f["volume"] = _num(first("volume"), r"vol|vols|volume|bd|band|jg|tome|t")
    f["issue"] = _num(first("issue"), r"no|nos|nr|number|issue|heft|h|n°|num")
    pages = _num(first("pages"), r"pp|p|pages|page|s|seiten|pag")
    if pages and re.fullmatch(r"\d+", pages):
        # "1110–33": a range whose end the labeller left out
        m = re.search(re.escape(pages) + r"\s*([-–—])\s*(\d+)", text)
        if m:
            pages = pages + m.group(1) + m.group(2)
    f["pages"] = re.sub(r"\s*([-–—])\s*", r"\1", pages) if pages else None
    f["edition"] = clean_text(first("edition"))
    if not f["edition"]:
        low = text.lower()
        m = _EDITION.search(text) if ("ed" in low or "aufl" in low or "éd" in low) else None
        if m:
            f["edition"] = m.group(1)
    _editors_as_translators(text, toks, labels, f)
    # a bare site name ("asiasociety.org") the labeller left unlabelled is the container
    if not f["container_title"]:
        for k, t in enumerate(toks):
            if labels[k] == "other" and "." in t.text and len(t.text) > 4 and t.text[0].isalpha():
                f["container_title"] = t.text
                break
    f["publisher"] = clean_text(joined("publisher"))
    f["place"] = clean_text(joined("place"))
    pin = first("pinpoint")
    f["pinpoint"] = _num(pin, r"pp|p|s|here|hier") if pin else None
    return f


def _authors_as_editors(text, toks, labels, f, seg) -> None:
    """"Faubion, J. D. (Ed.)." / "Smith, J., ed." -> editors."""
    aut = [k for k, l in enumerate(labels) if l == "author"]
    if aut and not seg.get("editor"):
        after = text[toks[aut[-1]].end:toks[aut[-1]].end + 14]
        if re.search(r"\((?:eds?|hrsg|hg)\.?\)\W*$", text[toks[aut[0]].start:toks[aut[-1]].end], re.I):
            after = "(Ed.)"
        if re.match(r"\s*[,.]?\s*\(?(?:eds?|hrsg|hg|dir|coord)\.?\)", after, re.I) or \
                re.match(r"\s*,\s*(?:eds?|editors?|hrsg|hg)\.?(?:\s|$)", after, re.I):
            f["editors"], f["authors"] = f["authors"], []


def _editors_as_translators(text, toks, labels, f) -> None:
    """"(R. Creemers, Trans.)" / "translated by": the names are translators."""
    ed = [k for k, l in enumerate(labels) if l == "editor"]
    if ed and not f["translators"]:
        after = text[toks[ed[-1]].end:toks[ed[-1]].end + 12]
        before = text[max(0, toks[ed[0]].start - 16):toks[ed[0]].start]
        if re.match(r"\W{0,3}(?:trans|transl|tr|übers|trad)\b", after, re.I) or \
                re.search(r"(?:translated|übersetzt|traduit)\s+(?:by|von|par)\s*$", before, re.I):
            f["translators"], f["editors"] = f["editors"], []


_MEDIUM_TAIL = re.compile(r"[\s,]+(?:video|film|podcast|\[video\]|\[film\])$|"
                          r"(?<=\w),\s*(?:youtube|vimeo)(?:\s+(?:video|channel))?$", re.I)  # "Channel, YouTube"
_EDITION = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|revised|"
                      r"\d{1,2}(?:st|nd|rd|th|\.))\s+(?:ed\.|edn\b|edition\b|aufl|auflage\b|éd\.)", re.I)


def clean_container(c: str, f: dict) -> str | None:
    """Tidy a container: strip "Vol"/"No" debris and media words; a trailing
    volume number moves to ``volume``."""
    for _ in range(2):
        c = re.sub(r"[\s,]+(?:vol|volume|no|nr|issue|bd|jg)\.?\s*$", "", c, flags=re.I)
        c = _MEDIUM_TAIL.sub("", c)
        c = c.rstrip(" ,(:;")
        m = re.search(r"\s(\d{1,4}|[IVXL]{1,6})$", c)
        if m and re.fullmatch(YEAR, m.group(1)):
            m = None  # a year, not a volume
        if m and len(c) > len(m.group(0)) + 3:
            if not f.get("volume"):
                f["volume"] = m.group(1)
            c = c[: m.start()].rstrip(" ,")
    return clean_text(c)
