"""Claims and citations: from every citing sentence to its sources and back.

    >>> claims, citations = cite(doc, apparatus, refs)
    >>> claims[citations[0].claim].text, refs[citations[0].ref].raw

``cite`` reads the running text locate found (``apparatus.body``, plus the
lines locate took for headings that do not read like one), finds the in-text
markers, cuts out the sentence each one supports (the claim) and links the
marker to the refs it names.  It also marks short forms and ibid in notes
(``ref.short_form``, ``ref.same_as``).

The package, one module per sub-stage (patterns at the bottom of each):

* ``stream``: the body lines as one string (``Stream``), headings;
* ``sentences``: sentence boundaries;
* ``marks``: the ``Mark``, the ``Context`` and the ``Extractor`` shape;
* ``keys``: bibliography keys and name matching;
* ``notes``, ``authordate``, ``numeric``: the marker extractors;
* ``shortforms``: short forms, ibid, note pinpoints;
* ``inline``: sources named in prose;
* ``claims``: the sentence of a marker, claims in reading order.

What is found
-------------
* Note markers: superscript note numbers that PDF extraction glued to a word
  or punctuation (``inch83.``, ``contacts.16``, ``system”1,``), numbers alone
  on a line (the corpus' PDFs put them on the line after the sentence),
  Unicode superscripts and ``<sup>n</sup>``.  A number is a candidate only
  when it is a known note number; among the candidates the longest run in
  increasing note order wins (markers come in note order), which weeds out
  years, quantities, page numbers and list numbering.  A footnote marker
  must stand after the previous footnote block and before its own (on the
  note's page), and the nearer one wins a tie.  Weaker forms count only
  where the sequence needs them: a number standing free (``NBC 32 she``,
  ``about” 54 .``), glued to the next word (``HBO 26declared``) or to a year
  (``in 201466``, ``in 2012.13 Since``).  Locate's markers
  (``apparatus.markers``) join the candidates.
* Author-date parentheticals ``(Botsman, 2017; Dirnhuber, 2019)``,
  ``(Ohlberg et al., 2017, p. 10)``, ``(State Council, 2014, para. 10)``,
  ``(see Koetse, 2018a)``, prefixes such as "see", "for example", a
  date before the year (``Campbell, 16 jan 2019``), a parenthetical the PDF
  cut short (``(Hawkins, 2017, para. Thus``); narrative forms ``Kostka (2019)``, ``Chen & Cheung
  (2017)``, ``Kostka's (2019)``, ``David Lyon (2003a)``; pinpoint-only
  ``(p. 19)`` / ``(para. 40)`` and year-only ``(2017, p. 377)``
  parentheticals continue the source cited just before (in the same
  paragraph or the one before); ``Source: Meissner, 2017, p. 3`` lines under
  a figure cite for the figure caption.  In documents without notes, an
  author already cited and named again without a year as the subject of a
  reporting verb ("Yan also reports…") or with a possessive before
  research/study/work ("Kostka's research") cites that author's last-cited
  work.
  Other author-date forms: Harvard ``(Smith 2005: 45)`` / ``Smith (2005:
  45)``, Chicago ``(Smith 2005, 45)``, several years of one author
  ``(Lyon 2003a, b, 2007)``, lowercase particles ``(de la Cruz & Reed, 1967)``
  / ``van Dijk (2005)``, an organisation with its gloss ``Xinhua Wang (Xinhua
  Net) (2019)`` / ``(Guojia … (National Development…), 2018)``, and works
  without an author cited by the first words of their title
  (``("Capitalism, Water," 2024)``, ``Capitalism, Water, and the Moral
  Democracy (2024)``).  MLA author-page ``(Said 45)``, ``(Gilroy and Hall
  12-15)``, ``(Said, Culture 12)``, ``(A. Okafor 170)``: names (and a short
  title or an initial) that pick out exactly one entry; a bare page
  ``(259)`` continues the author-page source cited just before.  A
  parenthetical standing after a sentence's end and before the next
  sentence (``…every step. (Certeau 43) The next…``, after a block
  quotation) belongs to the sentence before it.  A year-only ``(2018)`` continues the source cited just
  before only when that source has that year.
* Numeric markers ``[12]``, ``[3–5]``, ``[1, 4]``, ``[1; 4]``, IEEE ``[2, p.
  7]``, ``[12: 4]`` -> the numbered bibliography entry (its printed number, in its raw
  text or the list label locate read before it, else its position).  In documents without notes whose list prints its numbers:
  Vancouver superscripts ``¹``, ``²⁻⁴``, ``<sup>1,2</sup>``, ``^{2,5}`` and
  ``(1, 3)`` / ``(12, p. 4)`` standing before punctuation (not ``(1)
  first…`` enumerations); where none of these is found, superscripts that
  plain-text extraction glued to the word (``spectatorship1,2``,
  ``period1 .``) when the numbers first cited run 1, 2, 3… through the text
  and reach most of the list.
* Linking author-date markers: family names (diacritics folded, "et al." /
  "at al." dropped, fuzzy for typos), year and letter suffix; when no entry
  has the year, the one entry whose names match exactly (a year typo).
* Notes: a note marker cites every ref of that note; each Citation keeps
  the marker, the note number (``Citation.note``) and the pinpoint.  A note
  that cites nothing we read (comment-only, or a note not found) keeps its
  claim and one Citation with ``ref`` None, so a trace still shows the note.  The pinpoint is the ref's own
  ``pinpoint`` or the page printed at the end of a short form
  (``…, 160-180.``), after ``here:``, ``p.``/``pp.``/``Pag``/``para.``.
* Short forms: a note ref with no publication details (no year, publisher,
  URL…) is a short form; it points (``same_as``) at the bibliography entry
  with the same author names and most of its title words, else at the
  earlier full note; an author-only short form ``Smith, 45.`` at the
  preceding note's source when it is Smith's (Chicago 17), else at that
  author's only entry (none when there are several).  ``Ibid.``, ``ibidem``,
  ``id.``, ``ebd.`` repeat the last source of the preceding citation (none
  when the preceding note was not found); ``(n. 33)``, ``supra note 12``,
  ``above n 12`` the source of that note; ``op. cit.``/``loc. cit.``/
  ``a.a.O.`` the author's latest full note; ``Ders.``/``Dies.`` name the
  previous note's author; ``Vgl.``/``See``/``Cf.`` are read past.  What
  cannot be resolved keeps ``same_as`` None (see ``shortforms``).  Notes
  locate dropped that read as such short forms become note refs; note refs
  citing a law case (``Donoghue v Stevenson [1932] AC 562``) are
  ``type="legal_case"``.  A full note repeated in full (with its
  publication details) is left alone: it is a full reference of its own,
  and resolve puts both in one work.
* Claims: the sentence holding the marker (or, for a marker standing right
  after the sentence end, the sentence before it), whole across wrapped
  lines and page breaks: hyphenation is undone, note blocks and page-number
  lines are skipped, footnote text left in the body (``<sup>2</sup> …``) is
  read after the running text so it does not split the sentence around it,
  a quotation is kept whole, a citation parenthetical after a closing quote
  stays with its sentence, a colon ending its line before a capitalised line
  starts a block quotation (the quotation is the claim), a line ending in
  punctuation plus a note number is never a heading; note numbers are removed (author-date markers
  stay: they are part of the sentence as printed).  Its line is the marker's,
  its page ``doc.page_of(line)``, its section the last heading above it.

Prose-only documents (no notes, no bibliography, no author-date marker)
-----------------------------------------------------------------------
Sources named in prose become ``kind="inline"`` refs appended to ``refs``
(unless the locate stage already gave inline refs: then those are linked by
line).  The rules, one per source kind, in English and Norwegian/Danish/
Swedish/German wording:

* legislation: ``<Name> Constitution|Act|Law|Code…, Article|Section|§ N``
  (pinpoint ``Article N``);
* interview: the verb "interviewed"/"intervjuet"/"interviewte" followed by
  whom (a capitalised name, else the noun phrase); the noun use ("the
  interview with…") is not a source;
* broadcast: "podcast(en)" / "episode of" followed by a quoted title;
* thesis: "<Name> … wrote/has written a master's/thesis/dissertation"
  ("har skrevet master…");
* report/article/book: "report|article|book titled/called “X”".

Not found: sources named without such a cue word (a bare "according to
Reuters"), anonymous mentions ("a study showed"), bare author mentions
without a year ("Kostka's research"), and in note-style documents body
sentences that name a source without a marker.
"""
from __future__ import annotations

from ..models import Apparatus, Citation, Claim, Document, Ref
from ..text import fold, words  # noqa: F401  (part of the stage's interface)
from .authordate import AuthorDate, BareAuthor, source_line_marks
from .claims import Claims, claim_text, sentence_for
from .inline import link_prose_sources, prose_sources
from .keys import bib_keys
from .marks import Context, Extractor
from .notes import NoteMarkers, notes_map
from .numeric import Numeric
from .sentences import sentence_spans
from .shortforms import link_short_forms, mark_cases, recover_note_refs
from .stream import body_lines, build_stream

__all__ = ["cite", "build_stream", "sentence_spans", "fold", "words", "EXTRACTORS"]

# the marker finders, in order: each sees the marks of those before it
EXTRACTORS: tuple[Extractor, ...] = (NoteMarkers(), AuthorDate(), BareAuthor(), Numeric())


def cite(doc: Document, apparatus: Apparatus, refs: list[Ref]) -> tuple[list[Claim], list[Citation]]:
    """Claims and citations of one document; marks short forms in ``refs``.

    May append ``kind="inline"`` refs for prose-only documents.
    """
    body = body_lines(doc, apparatus)
    st, headings = build_stream(doc, body, apparatus.headings)
    recover_note_refs(apparatus.notes, refs)
    mark_cases(refs)
    link_short_forms(refs, located=set(apparatus.notes) or None,
                     texts={n: nt.text for n, nt in apparatus.notes.items()})
    if not st.text:
        return [], []
    ctx = Context(doc, apparatus, refs, st, body, bib_keys(refs),
                  notes_map(apparatus, refs, len(doc.lines)))
    for extractor in EXTRACTORS:
        if extractor.wanted(ctx):
            ctx.marks.extend(extractor.find(ctx))
    prose = prose_sources(ctx)
    marks = sorted(ctx.marks, key=lambda m: m.start)

    # note numbers, and superscript numbers after a sentence's end ("quickly.¹"),
    # mark sentence ends and leave the claim text
    note_spans = [(m.start, m.end) for m in marks if m.kind == "note" or
                  (m.kind == "numeric" and m.after_sentence)]
    spans = sentence_spans(st, note_spans)
    out = Claims(doc, headings)
    for mk in marks:
        a, b = sentence_for(spans, mk, st.text)
        text = claim_text(st.text, a, b, note_spans)
        if not text:
            continue
        ci = out.add(text, mk.line or st.line_at(mk.start), (a, b))
        note = mk.note if mk.kind == "note" else None
        for idx, pin in mk.targets:
            if idx is not None:
                out.cite(ci, idx, mk.marker, pin, note)
        if note is not None and not any(idx is not None for idx, _ in mk.targets):
            out.cite(ci, None, mk.marker, None, note)   # a note citing nothing we read
    for n, marker, targets, caption in source_line_marks(doc, body, ctx.keys):
        ci = out.add(caption or doc.line(n).strip(), n, ("source", n))
        for idx, pin in targets:
            if idx is not None:
                out.cite(ci, idx, marker, pin)
    link_prose_sources(ctx, spans, prose, out)
    return out.ordered()
