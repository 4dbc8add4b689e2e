"""Internal records that flow between the stages.

    read  -> Document
    locate -> Apparatus (Entry per reference string, Marker per in-text marker)
    parse -> fields dict (CSL-JSON names) merged into a Ref
    cite  -> Claim, Citation (and Ref.short_form / Ref.same_as)
    resolve -> Work, Author (across documents)

Everything here is a plain dataclass so a stage can be tested alone and the
per-document result can be pickled to a worker process and back.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Any, Literal, get_args

# --- kinds ----------------------------------------------------------------------

RefKind = Literal["bibliography", "footnote", "endnote", "inline"]
NoteKind = Literal["footnote", "endnote"]
CitationStyle = Literal["author-date", "notes-bibliography", "footnotes", "endnotes", "none"]
Format = Literal["txt", "md", "html", "pdf"]
Area = Literal["body", "footnote", "furniture"]

REF_KINDS: tuple[str, ...] = get_args(RefKind)
NOTE_KINDS: tuple[str, ...] = get_args(NoteKind)
CITATION_STYLES: tuple[str, ...] = get_args(CitationStyle)

# --- field lists ------------------------------------------------------------------

# The parsed fields a Ref carries, in CSL-JSON spelling (dashes as underscores
# where the store column uses underscores).  Every other list of ref fields
# derives from this one.
REF_FIELDS = (
    "type", "authors", "editors", "translators", "title", "container_title",
    "year", "date", "volume", "issue", "pages", "edition", "publisher",
    "place", "url", "doi", "isbn", "accessed",
)
# what parse() may return for a Ref besides REF_FIELDS
PARSE_EXTRAS = ("year_suffix", "pinpoint", "parse_ok", "confidence", "low_confidence")
REF_PARSED = REF_FIELDS + PARSE_EXTRAS


@dataclass
class Page:
    """A page of the source: its printed/physical number and its line span."""
    number: int
    start_line: int  # 1-based, inclusive
    end_line: int    # 1-based, inclusive


@dataclass
class LineLayout:
    """How one line of a PDF was set (None for text, Markdown, HTML).

    ``size`` is the line's main font size over the body text's (1.0 = body);
    ``indent`` the left edge over the page width (0-1) measured from the
    text block's left margin; ``y`` the top over the page height (0 = top);
    ``gap`` the space above the line over the body line height; ``bold`` and
    ``italic`` the share of characters so set; ``sup`` the (start, end)
    character spans set as superscripts; ``area`` body | footnote | furniture.
    """
    size: float = 1.0
    indent: float = 0.0
    y: float = 0.0
    gap: float = 0.0
    bold: float = 0.0
    italic: float = 0.0
    sup: list[tuple[int, int]] = field(default_factory=list)
    area: Area = "body"


@dataclass
class Document:
    """One source file as lines. ``lines[0]`` is line 1 of the file."""
    id: str                      # file stem
    path: str
    lines: list[str]
    sha256: str
    format: Format
    pages: list[Page] = field(default_factory=list)
    language: str | None = None
    title: str | None = None
    label: str | None = None     # the title, else a readable name (pipeline.readable_name)
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    citation_style: CitationStyle | None = None
    layout: list[LineLayout | None] = field(default_factory=list)  # per line, PDFs only
    warnings: list[str] = field(default_factory=list)  # read problems worth a build_errors row

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line(self, n: int) -> str:
        """Line ``n`` (1-based)."""
        return self.lines[n - 1]

    def page_of(self, line: int) -> int | None:
        """Page number holding 1-based ``line``, or None when pages are unknown."""
        for p in self.pages:
            if p.start_line <= line <= p.end_line:
                return p.number
        return None


@dataclass
class Entry:
    """A located reference string, before parsing.

    ``note`` is the note number for notes; ``label`` the list label printed
    before a bibliography entry when locate read one ("[12]", "12.", "12)"),
    which ``raw`` leaves out.  A note citing three sources gives three entries.
    """
    kind: RefKind
    raw: str
    line: int
    note: int | None = None
    page: int | None = None
    label: str | None = None


@dataclass
class Note:
    """One footnote or endnote, whether or not it cites anything.

    ``number`` is the printed number (for unnumbered endnotes: the position
    in the list, 1-based); ``line``/``end_line`` the 1-based span of its text;
    ``text`` its lines joined with single spaces; ``lines`` the line numbers
    holding its text (the note-number line itself excluded).
    """
    number: int
    kind: NoteKind
    line: int
    end_line: int
    text: str
    page: int | None = None
    lines: list[int] = field(default_factory=list)
    numbered: bool = True        # False for endnotes aligned to markers by order


@dataclass
class Marker:
    """A note marker in the running text: ``text`` as printed at ``line``,
    characters ``start:end`` of that line (a marker alone on its own line
    has start 0)."""
    number: int
    line: int
    start: int
    end: int
    text: str
    alone: bool = False          # the marker is the whole line (PDF superscripts)


@dataclass
class Apparatus:
    """What locate() finds in one document (stable field names: cite uses them).

    - ``entries``: every reference string, in reading order (notes by number).
    - ``notes``: number -> Note, every footnote/endnote (comment-only ones too).
    - ``markers``: note markers found in the running text, in reading order.
    - ``body``: 1-based line numbers of running text (not notes, not the
      bibliography/notes sections, not page-number or separator lines, not
      lines that are only a marker, not headings).
    - ``headings``: (line, text) of section headings, in order.
    - ``bibliography_span`` / ``notes_span``: (first, last) line of the
      reference-list section / endnotes section, or None.
    - ``page_lines``: lines that print only a page number.
    - ``note_kind``: which kind of notes the document uses (None: no notes).
    """
    entries: list[Entry] = field(default_factory=list)
    notes: dict[int, Note] = field(default_factory=dict)
    markers: list[Marker] = field(default_factory=list)
    body: set[int] = field(default_factory=set)
    headings: list[tuple[int, str]] = field(default_factory=list)
    bibliography_span: tuple[int, int] | None = None
    notes_span: tuple[int, int] | None = None
    page_lines: set[int] = field(default_factory=set)
    note_kind: NoteKind | None = None


@dataclass
class Ref:
    """One reference as written in a document, with its parsed fields
    (``REF_FIELDS``; ``kind`` to ``label`` as located, see Entry)."""
    kind: RefKind
    raw: str
    line: int
    note: int | None = None
    page: int | None = None
    label: str | None = None
    type: str | None = None
    authors: list[dict] = field(default_factory=list)
    editors: list[dict] = field(default_factory=list)
    translators: list[dict] = field(default_factory=list)
    title: str | None = None
    container_title: str | None = None
    year: int | None = None
    date: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    edition: str | None = None
    publisher: str | None = None
    place: str | None = None
    url: str | None = None
    doi: str | None = None
    isbn: str | None = None
    accessed: str | None = None
    year_suffix: str | None = None   # the "a" of 2003a, for author-date linking
    pinpoint: str | None = None      # a page cited inside a note ("160-180")
    short_form: bool = False
    same_as: int | None = None       # index into the document's refs list
    work_id: int | None = None       # set by resolve (index into works)
    parse_ok: bool = True            # False when nothing could be parsed
    confidence: float | None = None  # the parser's least sure field (0-1; None: no model)
    low_confidence: list[str] = field(default_factory=list)  # fields the parser is unsure of

    def fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in REF_FIELDS}


@dataclass
class Claim:
    """A citing sentence (or quoted passage) of the running text."""
    text: str
    line: int
    page: int | None = None
    section: str | None = None


@dataclass
class Citation:
    """A marker in a claim pointing at one ref (indexes into the document's lists)."""
    claim: int
    ref: int | None
    marker: str
    pinpoint: str | None = None
    note: int | None = None          # the note number, for a note marker


@dataclass
class DocResult:
    """Everything one document contributes, before cross-document resolution."""
    document: Document
    refs: list[Ref] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


def as_dict(obj) -> dict:
    return asdict(obj)
