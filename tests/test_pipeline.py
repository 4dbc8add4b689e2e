"""kb.pipeline: one file -> DocResult (read -> locate -> parse -> cite)."""
from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from kb.locate import locate
from kb.models import Apparatus, DocResult, Entry
from kb.pipeline import (citation_style, fill_metadata, guess_authors, guess_title,
                         guess_year, process, to_ref)
from kb.read import ReadError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
GOLD = ROOT / "tests" / "gold"

ENDNOTE_DOC = """A Title for a Short Essay

Geopolitics dominates the news.1 Yet the country changes inside.2 Zones were set up.3

A closing paragraph that has no marker and says what the author thinks about all of this.

See: Ulrich Menzel, ‘Tribut für China’, in Blätter, 6/2018, 49–60.

This coexistence of jurisdictions is typical of the Internet and makes it harder to act.

Keting Zhang and Fang Zhang, ‘Report on the Special Zones’, in Annual Report, Singapore 2016, 153–171.

Published 10 August 2018
Contributed by Some Review © Jane Writer / Some Review
"""


def test_process_small_endnote_document(tmp_path):
    p = tmp_path / "essay.txt"
    p.write_text(ENDNOTE_DOC, encoding="utf-8")
    res = process(p)
    assert isinstance(res, DocResult)
    doc = res.document
    assert doc.citation_style == "endnotes"
    assert doc.title == "A Title for a Short Essay"
    assert doc.authors == ["Jane Writer"] and doc.year == 2018
    assert [(r.kind, r.note, r.line) for r in res.refs] == [("endnote", 1, 7), ("endnote", 3, 11)]
    assert res.refs[0].raw.startswith("Ulrich Menzel")
    assert res.refs[0].year == 2018 and res.refs[0].parse_ok
    # the markers of the notes that cite something are linked to their refs
    linked = {res.refs[c.ref].note for c in res.citations if c.ref is not None}
    assert linked == {1, 3}
    # the result crosses process boundaries (the build runs it in a pool)
    assert pickle.loads(pickle.dumps(res)).refs == res.refs


def test_process_is_picklable_for_pools(tmp_path):
    p = tmp_path / "essay.txt"
    p.write_text(ENDNOTE_DOC, encoding="utf-8")
    assert pickle.loads(pickle.dumps(process)) is process
    with ProcessPoolExecutor(max_workers=1) as pool:
        res = pool.submit(process, str(p)).result(timeout=120)
    assert len(res.refs) == 2


def test_process_unreadable_file_raises_read_error(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("", encoding="utf-8")
    with pytest.raises(ReadError) as err:
        process(p)
    assert "empty.txt" in str(err.value)


def test_document_without_apparatus(tmp_path):
    p = tmp_path / "post.txt"
    p.write_text("Just a short post.\n\nNothing is cited here at all, only opinions.\n",
                 encoding="utf-8")
    res = process(p)
    assert res.document.citation_style == "none"
    assert [r for r in res.refs if r.kind != "inline"] == []


@pytest.mark.parametrize("kinds, style", [
    ({"bibliography"}, "author-date"),
    ({"bibliography", "footnote"}, "notes-bibliography"),
    ({"bibliography", "endnote"}, "notes-bibliography"),
    ({"footnote"}, "footnotes"),
    ({"endnote"}, "endnotes"),
    (set(), "none"),
])
def test_citation_style_from_what_was_found(kinds, style):
    app = Apparatus(entries=[Entry(k, "X, Title, 2000.", 1) for k in sorted(kinds)])
    assert citation_style(app) == style


def test_to_ref_keeps_location_and_adds_fields():
    e = Entry("footnote", "Wang, Y., & Minzner, C. (2015). The Rise of the Chinese Security "
              "State. The China Quarterly, 222, 339-359. doi: 10.1017/S0305741015000430", 12,
              note=4, page=3)
    r = to_ref(e)
    assert (r.kind, r.line, r.note, r.page) == ("footnote", 12, 4, 3)
    assert r.raw == e.raw and r.year == 2015 and r.doi == "10.1017/S0305741015000430"


def test_metadata_guessers():
    assert guess_title(["# Big Data *and* Trust", "", "## Jane Doe1"]) == ("Big Data and Trust", 1)
    assert guess_authors(["# Big Data", "", "## Jane Doe1", "", "#### Abstract"], 1) == ["Jane Doe"]
    assert guess_title([" Abstract ", "", "Text."]) == (None, None)
    assert guess_title(["Security camera in building. Photo.", "", "Text"]) == (None, None)
    assert guess_title([" 前言 ", "这篇论文"]) == (None, None)
    assert guess_authors(["Translated by Paul Young", "© Katika Kühnreich / Review"],
                         None) == ["Katika Kühnreich"]
    assert guess_authors(["By the end of May nothing had changed."], None) == []
    assert guess_year(["Text", "Published 10 August 2018"]) == 2018
    assert guess_year(["Nothing here 2018"]) is None


def test_fill_metadata_never_overwrites():
    from kb.models import Document
    doc = Document("d", "d.md", ["# Other title", "", "## Some Body"], "", "md",
                   title="Reader title", authors=["Given Author"], year=1999)
    fill_metadata(doc)
    assert (doc.title, doc.authors, doc.year) == ("Reader title", ["Given Author"], 1999)


# --- the corpus, end to end -----------------------------------------------------------

corpus = pytest.mark.skipif(not any(CORPUS.glob("*.txt")), reason="corpus not present")


@pytest.fixture(scope="module")
def corpus_results():
    return {p.stem: process(p) for p in sorted(CORPUS.glob("*.txt"))}


@corpus
def test_corpus_document_fields(corpus_results):
    for stem, res in corpus_results.items():
        gold = json.loads((GOLD / f"{stem}.json").read_text())["document"]
        doc = res.document
        assert doc.citation_style == gold["citation_style"], stem
        assert doc.title == gold["title"], stem
        assert doc.authors == gold["authors"], stem
        assert doc.year == gold["year"], stem


@corpus
def test_corpus_pipeline_refs_floor(corpus_results):
    """The pipeline's refs (locate + the inline sources kb.cite adds) against gold."""
    from kbdev import eval_locate as ev
    for stem, res in corpus_results.items():
        refs = json.loads((GOLD / f"{stem}.json").read_text())["references"]
        pairs = ev.match(refs, res.refs)
        assert len(pairs) / len(refs) >= 0.8, stem
        assert len(pairs) / max(1, len(res.refs)) >= 0.8, stem


@corpus
def test_corpus_apparatus_is_consistent():
    from kb.read import read
    for p in sorted(CORPUS.glob("*.txt")):
        doc = read(p)
        app = locate(doc)
        note_lines = {ln for nt in app.notes.values() for ln in nt.lines}
        assert not note_lines & app.body, p.name
        if app.bibliography_span:
            a, b = app.bibliography_span
            assert not set(range(a, b + 1)) & app.body, p.name
        assert not app.page_lines & app.body, p.name
        for e in app.entries:
            assert e.note is None or e.note in app.notes, p.name


def test_repeated_author_dashes_name_the_authors_above(tmp_path):
    # Chicago/MLA "———." and econ "— and Smith", "—, — and", "(1999b)"
    from kb.pipeline import process
    lines = ["Title", "", "Text cites Brown (2000).", "", "References", "",
             "Brown, B. (2000). My Favourite Brown Book. Brownington: Brownpress.",
             "———. 2001. Another Book. London: Verso.",
             "— and SMITH, S. (2000). Econometric analysis. In M. Miller (ed.), Quantitative "
             "Economic Analysis, Paris: Smith Publishing, pp. 12–34.",
             "BERNANKE, B. and BLINDER, A. (1988). Credit, money and aggregate demand. "
             "American Economic Review, 78, 435–9.",
             "—, — and GILCHRIST, S. (1996). The financial accelerator. Review of Economics "
             "and Statistics, 78, 1–152.",
             "(1999b) Estimation of demand elasticities. My Favourite Journal, 77, 77–99."]
    (tmp_path / "d.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    refs = process(tmp_path / "d.txt").refs
    families = [[a["family"].title() for a in r.authors] for r in refs]
    assert families == [["Brown"], ["Brown"], ["Brown", "Smith"], ["Bernanke", "Blinder"],
                        ["Bernanke", "Blinder", "Gilchrist"], ["Bernanke", "Blinder", "Gilchrist"]]


def test_a_dash_lost_in_extraction_still_names_the_authors_above(tmp_path):
    # PDF text without the 3-em dash glyph: ". 1990b. Title" (Chicago author-date)
    from kb.pipeline import process
    lines = ["Title", "", "Text cites Bernhard (1990a).", "", "References", "",
             "Bernhard, Thomas. 1990a. Histrionics: Three Plays. Chicago: University of Chicago Press.",
             ". 1990b. A Party for Boris. In Bernhard 1990a."]
    (tmp_path / "d.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    refs = process(tmp_path / "d.txt").refs
    assert [[a["family"] for a in r.authors] for r in refs] == [["Bernhard"], ["Bernhard"]]
