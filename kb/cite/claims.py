"""Claims: the sentence each marker supports, and the claims and citations
of one document collected in reading order."""
from __future__ import annotations

import bisect
import re

from ..models import Citation, Claim, Document
from .marks import Mark


class Claims:
    """The claims and citations of one document, one claim per sentence."""

    def __init__(self, doc: Document, headings: dict[int, str]):
        self.doc, self.headings = doc, headings
        self.claims: list[Claim] = []
        self.citations: list[Citation] = []
        self._at: dict = {}

    def add(self, text: str, line: int, key) -> int:
        """Index of the claim ``key`` (a sentence span), made on first use."""
        if key not in self._at:
            self.claims.append(Claim(text=text, line=line, page=self.doc.page_of(line),
                                     section=section_of(self.headings, line)))
            self._at[key] = len(self.claims) - 1
        return self._at[key]

    def cite(self, claim: int, ref: int | None, marker: str, pinpoint: str | None = None,
             note: int | None = None) -> None:
        self.citations.append(Citation(claim=claim, ref=ref, marker=marker, pinpoint=pinpoint,
                                       note=note))

    def ordered(self) -> tuple[list[Claim], list[Citation]]:
        """Claims in reading order (line), citations renumbered to match."""
        claims, citations = self.claims, self.citations
        order = sorted(range(len(claims)), key=lambda i: (claims[i].line, i))
        new_of = {old: new for new, old in enumerate(order)}
        claims[:] = [claims[i] for i in order]
        for c in citations:
            c.claim = new_of[c.claim]
        citations.sort(key=lambda c: (c.claim,))
        return claims, citations


def sentence_for(spans: list[tuple[int, int]], mk: Mark, text: str) -> tuple[int, int]:
    """The sentence span a marker supports (a note marker standing right
    after a sentence's end: that sentence)."""
    starts = [a for a, _ in spans]
    k = bisect.bisect_right(starts, mk.start) - 1
    k = max(k, 0)
    a, b = spans[k]
    if (mk.kind == "note" or mk.after_sentence) and k > 0 and not text[a:mk.start].strip():
        return spans[k - 1]
    if (mk.kind == "note" or mk.after_sentence) and k > 0 and re.fullmatch(r"\s*[\"”’')\]]*\s*", text[a:mk.start]):
        return spans[k - 1]
    if mk.kind == "author-date" and k > 0 and mk.marker.startswith("(") \
            and not text[a:mk.start].strip() \
            and re.search(r"[.!?][\"”’']?\s*$", text[spans[k - 1][0]:mk.start]) \
            and re.match(r"\s*(?:$|[\"“‘(]?[A-Z\u00c0-\u024f])", text[mk.end:mk.end + 3]):
        # "…every step. (Certeau 43) The next…": the citation closing a
        # (block) quotation belongs to it, not to the sentence after it
        return spans[k - 1]
    return a, b


def claim_text(text: str, a: int, b: int, drop: list[tuple[int, int]]) -> str:
    """The sentence ``text[a:b]`` without the note markers in ``drop``."""
    pieces, pos = [], a
    for s, e in sorted(drop):
        if e <= a or s >= b:
            continue
        pieces.append(text[pos:max(s, pos)])
        pos = max(pos, e)
    pieces.append(text[pos:b])
    out = "".join(pieces)
    out = re.sub(r"<sup>\d+</sup>", "", out)
    out = re.sub(r"\s+", " ", out).strip()
    out = re.sub(r"\s+([.,;:])", r"\1", out)
    return out


def section_of(headings: dict[int, str], line: int) -> str | None:
    """The last heading at or above ``line``."""
    keys = [n for n in headings if n <= line]
    return headings[max(keys)] if keys else None
