"""kb.cite MLA author-page citations (issue 17, class 4 and MLA forms):
a page-only "(259)" after an author-page citation, an initial that picks
one of two authors of one name, a citation line after a line the stream
could take for a heading, and a citation after a block quotation."""
from kb.cite import cite
from kb.models import Apparatus

from test_cite import bib, doc_of, run


def _refs():
    refs = [bib("Okafor, Anna. The Province of the River. Routledge, 2002.", ["Okafor"], 2002),
            bib("Okafor, James. The State of the Ledger. Suhrkamp, 1974.", ["Okafor"], 1974),
            bib("Lindqvist, Yuki. The Memory of the Province. U of Chicago P, 1969.",
                ["Lindqvist"], 1969)]
    refs[0].authors[0]["given"] = "Anna"
    refs[1].authors[0]["given"] = "James"
    return refs


def test_initial_picks_the_author_and_bare_page_continues():
    claims, cits = run("Trade grew (A. Okafor 170). Ports closed (J. Okafor 284). Rivers "
                       "rose (Lindqvist 279). Boats sank (259). In 2019 there were (12) ships.",
                       _refs())
    assert [(c.ref, c.pinpoint) for c in cits] == [(0, "170"), (1, "284"), (2, "279"), (2, "259")]


def test_bare_page_does_not_continue_an_author_date_source():
    refs = [bib("Smith, J. (2005). The Archive. London: Sage.", ["Smith"], 2005)]
    _, cits = run("Trade grew (Smith, 2005). Boats sank (259).", refs)
    assert [c.ref for c in cits] == [0]


def test_citation_on_the_line_after_a_short_line_is_not_a_heading():
    refs = _refs()
    lines = ["Ports closed and rivers rose (J. Okafor 284).",
             "Citizens study collecting and changed revised debate across collecting",
             "(Lindqvist 300). Official records grew."]
    d = doc_of("\n".join(lines))
    claims, cits = cite(d, Apparatus(body={1, 2, 3}), refs)
    assert [(claims[c.claim].text[:8], c.ref) for c in cits] == [("Ports cl", 1), ("Citizens", 2)]


def test_citation_after_a_block_quotation_belongs_to_the_quotation():
    refs = [bib("Certeau, Michel de. The Practice of Everyday Life. U of California P, 1984.",
                ["Certeau"], 1984)]
    lines = ["Walking is a kind of speech. As Certeau puts it:",
             "    The act of walking is to the urban system what the speech act is",
             "    to language or to the statements uttered.",
             "(Certeau 97) The next paragraph turns to maps and their makers.",
             "Maps fix what walking keeps in motion (Certeau 121)."]
    d = doc_of("\n".join(lines))
    claims, cits = cite(d, Apparatus(body={1, 2, 3, 4, 5}), refs)
    got = [(claims[c.claim].text, c.pinpoint) for c in cits]
    assert "statements uttered" in got[0][0] and "maps and their makers" not in got[0][0]
    assert got[0][1] == "97"
    assert got[1] == ("Maps fix what walking keeps in motion (Certeau 121).", "121")


def test_short_title_that_is_not_the_entrys_is_no_link():
    refs = [bib("Lindqvist, Anna. The Reform of the Market. U of Chicago P, 2019.",
                ["Lindqvist"], 2019)]
    refs[0].title = "The Reform of the Market"
    _, cits = run("Trade grew (Lindqvist, Reform of the Market 81). Ports closed "
                  "(Lindqvist, The State of the Reform 113).", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(0, "81")]
