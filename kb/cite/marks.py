"""What every marker finder shares: the Mark it returns, the Context it
reads and the Extractor shape (one object per family of in-text markers, as
eyecite keeps one per citation form)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..models import Apparatus, Document, Ref
from ..text import PARTICLE
from .keys import BibKey
from .stream import Stream


# note number | author-date | numeric | prose source | a "(p. 19)" that
# continues the source cited before (made author-date once resolved)
MarkKind = Literal["note", "author-date", "numeric", "inline", "continue"]


@dataclass
class Mark:
    """A marker found in the stream: ``start:end`` as printed, the refs it
    cites (``targets``: (ref index or None, pinpoint))."""
    start: int
    end: int
    marker: str
    kind: MarkKind
    targets: list = field(default_factory=list)   # [(ref index, pinpoint)]
    after_sentence: bool = False        # stands after the end of its sentence
    note: int | None = None
    caption: str | None = None          # for figure sources: the caption line
    line: int | None = None
    given: bool = False                 # found by locate
    weak: bool = False                  # a weaker marker form
    form: str = ""                      # "mla": author-page, no year; "page": a bare "(259)"


@dataclass
class Context:
    """One document as the marker finders read it (built once by cite())."""
    doc: Document
    apparatus: Apparatus
    refs: list[Ref]
    stream: Stream
    body: list[int]                     # the running text's line numbers
    keys: list[BibKey]                  # one per bibliography ref
    notes: dict[int, int]               # note number -> line of its text (see notes_map)
    marks: list[Mark] = field(default_factory=list)   # found so far, in extractor order


class Extractor:
    """One family of in-text markers.  ``wanted`` says whether the document
    can hold them; ``find`` returns them.  cite() runs its extractors in
    order, each seeing the marks found before it (``ctx.marks``)."""

    def wanted(self, ctx: Context) -> bool:
        return True

    def find(self, ctx: Context) -> list[Mark]:
        raise NotImplementedError


def clean_pin(p: str | None) -> str | None:
    """A pinpoint as printed, without trailing punctuation (None without a digit)."""
    if not p:
        return None
    p = p.strip().rstrip(".,;")
    return p if re.search(r"\d", p) else None


# a lowercase particle opening a name: "de la Cruz", "van Dijk"
PARTICLE_NAME = re.compile(PARTICLE + r"\s+(?:" + PARTICLE + r"\s+){0,2}[A-Z]")
