"""Page furniture: running heads and feet, page numbers and publisher lines
printed on every page, which text extraction puts between the lines of a
reference list or a note.

A line is furniture when it stands among the first or last three lines of a
page, holds some words, ends in no period or comma, and the same line (its numbers aside) stands there on another page too
("Journal of X 12 (2019)", "file:///... 2/3", "WORKS CITED 176"); when it is
a publisher's line ("Cite this article as ...", "Downloaded from ...",
"Page 3 of 12", a browser's "file:///… 2/3" and "12/6/26, 2:56 AM"); or (``heads``) when it is the first line of a page after the
first and reads as a running head: short, no closing punctuation, no year,
or a title with the page number set apart ("Revolution and memory      2").
"""
from __future__ import annotations

import re

from ..text import YEAR_RE, heading_kind

EDGE = 3                 # lines at the top and at the bottom of a page looked at


def furniture(lines: list[str], pages, heads: bool = True) -> set[int]:
    """Line numbers (1-based) of page furniture; ``pages``: Document.pages."""
    out = {i for i, line in enumerate(lines, 1) if PUBLISHER_LINE.match(line[:200])}
    if len(pages) < 2:
        return out
    edges: list[tuple[int, list[int]]] = []
    seen: dict[str, set[int]] = {}
    for p in pages:
        nb = [i for i in range(p.start_line, min(p.end_line, len(lines)) + 1) if lines[i - 1].strip()]
        edge = nb[:EDGE] + [i for i in nb[-EDGE:] if i not in nb[:EDGE]]
        edges.append((p.number, nb))
        for i in edge:
            seen.setdefault(_key(lines[i - 1]), set()).add(p.number)
    for number, nb in edges:
        edge = nb[:EDGE] + nb[-EDGE:]
        out.update(i for i in edge if len(seen.get(_key(lines[i - 1]), ())) >= 2
                   and len(re.findall(r"[^\W\d_]", lines[i - 1])) >= 6
                   and not re.search(r"[.,;][”’\"]?\d{0,3}$", lines[i - 1].rstrip()))   # "trust.12": a marker
        if heads and nb and number != pages[0].number and _running_head(lines[nb[0] - 1]):
            out.add(nb[0])
    return out


def _key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.strip().casefold()))[:120]


def _running_head(line: str) -> bool:
    """Does a page's first line read as a running head?"""
    s = line.strip()
    if not s or len(s) > 90 or heading_kind(s) or YEAR_RE.search(s):
        return False
    if PAGED_HEAD.match(s):
        return True
    return len(s) <= 60 and len(s.split()) >= 2 and s[:1].isupper() and \
        not re.search(r"[.,;:)\]”\"’/-]$", s)


# --- patterns -----------------------------------------------------------------

PUBLISHER_LINE = re.compile(
    r"^\s{0,40}(?:cite this article(?: as)?:?|submit your (?:manuscript|next)|downloaded from\s|"
    r"this article is protected by copyright|page \d{1,4} of \d{1,4}\s*$|"
    r"file:///\S+\s+\d{1,4}/\d{1,4}\s*$|"
    r"\d{1,2}/\d{1,2}/\d{2,4},?\s\d{1,2}:\d{2}(?:\s?[AP]M)?\b)", re.IGNORECASE)   # a browser's print stamp
# a running head with its page number set apart: "12    Title of the Paper", "Title    12"
PAGED_HEAD = re.compile(r"^(?:\d{1,4}\s{3,}\S.{2,80}|\S.{2,80}?\s{3,}\d{1,4})$")
