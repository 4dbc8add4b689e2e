"""kb.locate on the shapes real documents and pdftotext give (issue 15): one
test per rule, each on a small hand-made text."""
from __future__ import annotations

from kb.locate import heading_kind, locate
from kb.locate.entries import _bibliography_entries
from kb.models import Document, Page
from kb.read.columns import decolumn

BODY = ("The argument of this paper is made at some length in what follows, as it should be\n"
        "in a paper of this kind, with sources cited along the way (Smith 2019).\n\n")


def make_doc(text: str, pages=None) -> Document:
    return Document(id="t", path="t.txt", lines=text.split("\n"), sha256="", format="txt",
                    pages=pages or [])


def bib(app) -> list[str]:
    return [e.raw for e in app.entries if e.kind == "bibliography"]


# --- headings ------------------------------------------------------------------------

def test_numbered_colon_and_qualified_headings():
    assert heading_kind("7. Literatur / Verweise") == "bibliography"
    assert heading_kind("Ausgewählte Literatur:") == "bibliography"
    assert heading_kind("References and Further Reading") == "bibliography"
    assert heading_kind("Selected Bibliography") == "bibliography"
    assert heading_kind("Books and articles") == "sub"
    assert heading_kind("Literature and the novel in 1900") is None


MHRA = ("Anderson, Benedict, Imagined Communities: Reflections on the Origin and Spread of\n"
        "Nationalism (London: Verso, 1983)\n"
        "Bhabha, Homi K., The Location of Culture (London: Routledge, 1994)\n"
        "Butler, Judith, Gender Trouble: Feminism and the Subversion of Identity (New York:\n"
        "Routledge, 1990)\n"
        "Said, Edward W., Orientalism (New York: Pantheon, 1978)")


def test_mhra_entries_ending_without_a_period_under_a_numbered_heading():
    got = bib(locate(make_doc(BODY + "7. Literatur / Verweise\n" + MHRA)))
    assert len(got) == 4
    assert got[0].endswith("(London: Verso, 1983)")
    assert got[2].startswith("Butler") and got[2].endswith("1990)")


# --- entries in pdftotext text -----------------------------------------------------------

def test_repeated_author_dash_and_its_lost_form_open_entries():
    """"———." opens a new entry by the same author; pdftotext drops the dash
    (a rule, not a glyph) and leaves ". 1988."; "Org. 2011." opens one too."""
    text = (BODY + "Bibliography\n"
            "Baker, Peter J. 1963. “Reform of law.” Law Quarterly Review 4:31–60.\n"
            "———. 1970. Law and society in the provinces. London: Verso.\n"
            "Crawford, John. 1984. “Law and archive.” In Practice in labour: memory of city, edited\n"
            "by Catherine Crawford, 308–333. London: Verso.\n"
            "Deutsches Institut für Normung. 1959. “Practice between revolution.” Accessed February 15, "
            "2021. https://www.example29.org/family/907.\n"
            ". 1988. Révolution de la frontière: pouvoir dans mémoire. Working Paper 67.\n"
            "Turin: Deutsches Institut für Normung.\n"
            "Ellison, David Scott. 1956. Violence of citizenship. London and New York: Routledge.\n"
            "Esposito, Francesca, and Yiqing Huang. 2006. Stato nella società: storia e memoria.\n"
            "Beijing: Zhonghua Shuju.\n"
            "Villanueva, Lucía. 1957. Sociedad y estado. Oxford: Oxford University Press.\n"
            "World Health Organization. 2011. Violence beyond power. Working Paper 2. Oxford:\n"
            "World Health Organization.\n")
    got = bib(locate(make_doc(text)))
    assert len(got) == 9, got
    assert got[1].startswith("———. 1970.")
    assert got[4].startswith(". 1988.") and got[4].endswith("Normung.")
    assert got[8].startswith("World Health Organization. 2011.")


def test_entry_ends_where_its_line_stops_short():
    """pdftotext drops indents: an entry ends at a line that stops short of
    the full width, and the next line opens the next one (a title first, the
    author's dash lost)."""
    text = (BODY + "Bibliography\n"
            "Müller, Karl et al. Raum zwischen Arbeit: Stadt der Geschichte. In: Zeitschrift für\n"
            "Soziologie 61.1 (2017), pp. 162–168.\n"
            "Histoire et savoir: révolution et mémoire. Working Paper 9. Beijing: European Com-\n"
            "mission, 1957.\n"
            "Trade of violence: archive and reform, 1967–2008. Working Paper 19. London and New\n"
            "York: European Commission, 2007.\n"
            "Wang, Jing, and Jost Hoffmann. Citizenship after revolution: archive beyond market, 1908–2013.\n"
            "Weißenborn, Friederike. “Raum nach Reform: Staat nach Stadt”. Revista de Occidente, vol. 31, no. 1,\n"
            "1986, pp. 142–58.\n")
    got = bib(locate(make_doc(text)))
    assert len(got) == 5, got
    assert got[1].startswith("Histoire") and got[2].startswith("Trade")


def test_oscola_names_open_entries():
    text = (BODY + "Bibliography\n"
            "Fairbanks M, Li H, and Schlögel K, “Politik im Staat: Ordnung im Raum, 1782–2000” in F Ginzburg (ed),\n"
            "Krieg und Erinnerung: Herrschaft und Arbeit (Verso 2020).\n"
            "Fernández C and Villanueva L, “Ciudad en poder” (1968) ⟨https://www.example52.org/migration/237⟩\n"
            "accessed 17 February 2015.\n"
            "Fernández C and others, “Stadt nach Krieg: Grenze zwischen Geschichte” (1988) 73 Nature Human Behaviour 191.\n"
            "Johnson DS and others, Law between citizenship: market between economy (Siglo XXI 1994).\n")
    got = bib(locate(make_doc(text)))
    assert [g.split(",")[0] for g in got] == ["Fairbanks M", "Fernández C and Villanueva L",
                                              "Fernández C and others", "Johnson DS and others"]


def test_names_and_year_alone_do_not_end_an_entry():
    text = (BODY + "References\n"
            "O'Brien, Anne-Marie; García Márquez, Lucía; Johnson, Peter J. 1977.\n"
            "Migration in violence. Munich: C.H. Beck.\n"
            "Ortega, Carmen. 1952. “Market beyond identity.” American Historical Review 19: 479–509.\n"
            "Rossi, Carlo. 2007. Storia nella società. London and New York: Routledge.\n")
    got = bib(locate(make_doc(text)))
    assert len(got) == 3 and got[0].endswith("C.H. Beck."), got


def test_alphabetic_labels_alone_on_their_lines():
    text = (BODY + "Works Cited\n[ACR83]\n\n"
            "John Ashworth, Francesca Colombo, and Robert Reynolds. Migration of family. London:\n"
            "Verso, 1983.\n[Ash50]\n\nCatherine Ashworth. Société dans travail. Princeton, NJ: Princeton\n"
            "University Press, 1950.\n[Bia+72]\n\nMarco Bianchi et al. Ciudad y memoria. Frankfurt am Main:\n"
            "Suhrkamp, 1972.\n")
    app = locate(make_doc(text))
    got = bib(app)
    assert len(got) == 3, got
    assert got[1].startswith("Catherine Ashworth") and got[2].endswith("Suhrkamp, 1972.")


def test_author_date_names_running_onto_the_next_line():
    text = (BODY + "References\n"
            "Núñez, C., García Márquez, G., Fernández,\n"
            "L., & de la Cruz, C. (1984). Trabajo\n"
            "de la sociedad. Routledge.\n"
            "Reynolds, A.-M., Thompson, R., Fairbanks,\n"
            "E., & Ashworth, D. S. (1989). Language between practice: Memory\n"
            "of reform. In R. Thompson (Ed.), Memory of family (pp. 121–129). Oxford University Press.\n"
            "World Health Organization. (2006). Herrschaft der wissen. Retrieved March 12, 2017, from https :\n"
            "//www.example72.org/city/480\n"
            "Zhang, X., Liu, H., Liu, H., & Chen,\n"
            "Y. (1967). Religion beyond empire. Revista de Occidente, 4, 595–635.\n")
    got = bib(locate(make_doc(text)))
    assert [g[:6] for g in got] == ["Núñez,", "Reynol", "World ", "Zhang,"], got


# --- page furniture ----------------------------------------------------------------------

def test_running_head_at_a_page_top_is_not_glued_into_an_entry():
    lines = (BODY + "Bibliography\n"
             "Reynolds, David Scott. “Empire in migration: power and revolution,” 2001. Accessed March 12,\n"
             "2022. https://www.example39.org/archive/138.\n"
             "Revolution and memory\n"
             "Reynolds, John, John Crawford, Peter J. O’Brien, and Robert Pennington. Language after empire:\n"
             "science and revolution. Cambridge: Cambridge University Press, 1981.\n").split("\n")
    head = lines.index("Revolution and memory") + 1
    pages = [Page(1, 1, head - 1), Page(2, head, len(lines))]
    got = bib(locate(make_doc("\n".join(lines), pages)))
    assert len(got) == 2 and not any("Revolution and memory" in g for g in got), got


def test_publisher_lines_are_not_entries_or_note_text():
    text = (BODY + "References\n"
            "Lee, K. (2020). Surveys of trust. Journal of Trust, 3(2), 1-20.\n"
            "Cite this article as: Doe, J. (2021). A paper. Journal X, 1, 1-9.\n"
            "Smith, J. (2019). Credit and control. London: Verso.\n")
    got = bib(locate(make_doc(text)))
    assert len(got) == 2 and not any("Cite this" in g for g in got), got


# --- notes -------------------------------------------------------------------------------

def test_numbered_section_heading_in_layout_text_is_no_note():
    text = ("1     Results\nSuch a reading documents the limits of the older theory.1 The earlier\n"
            "literature argues the point.2\n\n\n2     Background\nRecent scholarship insists on it.3\n"
            "  1. Giulia Ferrara and Marco Esposito, “Società e città,” Studi Storici 40 (1985): 61.\n"
            "  2. Ferrara and Esposito, 355.\n"
            "  3. Marco Bianchi, “Memoria della potere,” in Potere della cultura (Frankfurt am Main: Suhrkamp, 1959), 238.\n")
    notes = locate(make_doc(text)).notes
    assert sorted(notes) == [1, 2, 3]
    assert notes[2].text == "Ferrara and Esposito, 355."


def test_two_notes_glued_together_are_cut_apart():
    text = ("Body text with a claim.1 And another claim here.2\n\n" + "_" * 20 + "\n"
            "1 See Rowe, Mike, ‘Policing’, Journal of Law 3 (2001), 12 (n. 33). 2Mike Rowe, "
            "Policing Diversity (London: Sage, 2007), 44.\n")
    notes = locate(make_doc(text)).notes
    assert sorted(notes) == [1, 2]
    assert notes[1].text.endswith("(n. 33).")
    assert notes[2].text.startswith("Mike Rowe, Policing Diversity")


def test_unheaded_numbered_list_after_the_body():
    text = ("Scoring systems spread quickly.[1] Many people approve of them.[2] Others do not.[3]\n\n"
            "[1] Smith, John. Credit and Control. London: Verso, 2019.\n"
            "[2] Lee, Kim. Surveys of Trust. Oxford: OUP, 2020.\n"
            "[3] Wang, Yu. The Rise. Beijing: Zhonghua, 2015.\n")
    got = [e.raw for e in locate(make_doc(text)).entries]
    assert [g[:5] for g in got] == ["Smith", "Lee, ", "Wang,"]


def test_notes_at_the_end_of_each_chapter_number_on():
    def chapter(n):
        return (f"Chapter {n}\n\nThe argument of this chapter is made here at some length.1 "
                "More text follows.2 And more.3\n\nNotes\n\n" +
                "\n".join(f"{i}. Smith, John{n}{i}. Title {i}. London: Verso, 19{80 + i}." for i in (1, 2, 3))
                + "\n\n")
    notes = locate(make_doc(chapter(1) + chapter(2) + chapter(3))).notes
    assert sorted(notes) == list(range(1, 10))
    assert notes[4].text.startswith("Smith, John21.")
    assert notes[9].text.startswith("Smith, John33.")


def test_footnotes_under_the_list_with_their_markers_lost():
    text = ("Body text with a claim.1\n\n" + "_" * 20 + "\n"
            "1 Baker, David Scott, Religion and state (Cambridge: Cambridge University Press, 1982), 12.\n\n"
            "Literature\n"
            "Baker, David Scott and John Pennington. Religion and state. Cambridge: Cambridge University\n"
            "       Press, 1982.\n"
            "Bianchi, Marco. Memoria della potere: città e stato. Frankfurt am Main: Suhrkamp, 1959.\n"
            "Bundesamt für Statistik. Arbeit und Krieg. Working Paper 58. Princeton, NJ: Bundesamt für\n"
            "       Statistik, 1989.\n\n"
            "   2\n"
            "       Bundesamt für Statistik. Arbeit und Krieg. Working Paper 58. Princeton, NJ: Bundesamt, 1989.\n"
            "  3\n"
            "       Marco Bianchi. Memoria della potere: città e stato. Frankfurt am Main: Suhrkamp, 1959, 14.\n")
    app = locate(make_doc(text))
    assert sorted(app.notes) == [1, 2, 3]
    assert len(bib(app)) == 3


# --- reading layout text -----------------------------------------------------------------

def test_two_column_layout_text_is_read_column_by_column():
    left = [f"left line {i} of the body text here" for i in range(12)]
    right = [f"{i + 1}. Author, A. Title {i}. 1990." if i % 2 == 0 else "   Verso, London." for i in range(12)]
    page = "\n".join(f"{l:<40}      {r}" for l, r in zip(left, right))
    out = decolumn("Title over both columns of the page, set in one line\n" + page).split("\n")
    assert out[0].startswith("Title over both")
    assert out[1:13] == left
    assert out[13] == "1. Author, A. Title 0. 1990."
    assert out[14] == "   Verso, London."


def test_one_column_text_is_left_alone_and_a_page_margin_is_taken_off():
    text = "\n".join(f"A sentence of running text, number {i}, set in one column." for i in range(20))
    assert decolumn(text) == text
    assert decolumn("\n".join("          " + l for l in text.split("\n"))) == text


def test_numbered_list_in_narrow_columns():
    """Entries wrapping over five lines: fewer than a third of the lines carry
    a number, and still the list is cut at each number in sequence (an entry
    by an organisation opens like no name)."""
    entry = (" [{n}]   United Nations Development Pro-\n       gramme, “Gesellschaft im poli-\n"
             "       tik,” United Nations Development\n       Programme, Frankfurt am Main,\n"
             "       Working Paper {n}, 1963.\n")
    text = "References\n" + "".join(entry.format(n=n) for n in range(1, 21))
    lines = text.split("\n")
    got = [e.raw for e in _bibliography_entries(lines, (1, len(lines)), set())]   # the rules alone
    assert len(got) == 20 and got[3].endswith("Working Paper 4, 1963."), len(got)
    assert len(bib(locate(make_doc(BODY + text)))) == 20


def test_comment_footnote_at_the_foot_of_a_page():
    """A note that cites nothing, printed straight under the body: its marker
    was seen and the page's number follows it, so it is a footnote."""
    lines = ("The debate documents that religious practice adapted to the new legal order. The debate\n"
             "suggests that the reforms were uneven across the provinces.1 This interpretation suggests how\n"
             "the market reshaped urban labour after the war (Harrington 1993).\n"
             "1 The earlier literature insists that the reforms were uneven across the provinces.\n\n1\n"
             "The next page goes on with the argument of the paper, as running text does.\n").split("\n")
    pages = [Page(1, 1, 6), Page(2, 7, len(lines))]
    notes = locate(make_doc("\n".join(lines), pages)).notes
    assert list(notes) == [1] and notes[1].text.startswith("The earlier literature insists")


def test_oscola_single_dash_and_names_with_a_colon_title():
    text = (BODY + "Bibliography\n"
            "O’Brien R, “Science between empire: religion between nation” (1970) 28 Social Science Quarterly 74.\n"
            "Ortega A and Villanueva A, Estado de la poder: trabajo y memoria (Baker DS and McAllister A.-M trs, CH\n"
            "Beck 1980).\n"
            "United Nations Development Programme, “Mémoire après savoir” (1984) 64(1) The Lancet 409.\n"
            "— “Mémoire après travail: savoir dans frontière” (2003) ⟨https://www.example20.org/labour/895⟩\n"
            "accessed 15 August 2019.\n")
    got = bib(locate(make_doc(text)))
    assert [g[:6] for g in got] == ["O’Brie", "Ortega", "United", "— “Mém"], got


def test_labeller_entries_start_at_dashes_and_at_the_left_edge():
    """The line labeller's ref-I on a "———." line or on a flush-left line of a
    hanging-indent list (PDF layout) becomes an entry start."""
    from kb.locate.labelled import _entry_starts
    from kb.models import LineLayout
    part = ["Bianchi, Marco. Title one. Suhrkamp, 1959.", "———. Title two. Verso,", "2001.",
            "National Research Council. Migration in citizenship: market beyond", "archive. Princeton UP, 1972.",
            "Núñez, Gabriel. Sociedad y trabajo. Cambridge UP, 2013.", "Zhang, Wei. Market. Suhrkamp, 1954."]
    labels = ["ref-B", "ref-I", "ref-I", "ref-B", "ref-I", "ref-I", "ref-I"]
    assert _entry_starts(labels, part, None) == ["ref-B", "ref-B", "ref-I", "ref-B", "ref-I", "ref-I", "ref-I"]
    layout = [LineLayout(indent=x) for x in (0.0, 0.0, 0.03, 0.0, 0.03, 0.0, 0.0)]
    assert _entry_starts(labels, part, layout) == ["ref-B", "ref-B", "ref-I", "ref-B", "ref-I", "ref-B", "ref-B"]


def test_hanging_indent_list_with_a_margin_of_its_own():
    """A column of layout text keeps a margin: the entries start at the list's
    own left edge, not at the start of the line."""
    text = (BODY + "References\n"
            "    Deutsches Institut für Normung.\n           (1963). Révolution et culture:\n"
            "           Mémoire de la savoir (Working\n           Paper No. 84). Munich.\n"
            "    European Commission. (2019). Citi-\n           zenship in reform (5th ed.).\n"
            "           Gallimard.\n"
            "    Fairbanks, C., García Márquez, G.,\n           Whitfield, D. S., & McAllister,\n"
            "           J. (2013). Violence and ritual.\n"
            "    Fairbanks, P. J., & Baker, P. J. (1960).\n           Reform beyond science. Ox-\n"
            "           ford University Press.\n")
    got = bib(locate(make_doc(text)))
    assert [g[:9] for g in got] == ["Deutsches", "European ", "Fairbanks", "Fairbanks"], got


def test_lone_footnote_number_at_the_foot_of_a_page():
    lines = ("The evidence shows why citizenship remained contested in the border regions, and\n"
             "religious practice adapted to the new legal order.1 One historian has shown it again.\n"
             "1\n\nThe evidence documents why citizenship remained contested in the border regions.\n\n1\n"
             "The next page goes on with the argument of the paper, as running text does.\n").split("\n")
    pages = [Page(1, 1, 7), Page(2, 8, len(lines))]
    notes = locate(make_doc("\n".join(lines), pages)).notes
    assert list(notes) == [1] and notes[1].text.startswith("The evidence documents why")


def test_endnote_number_alone_with_its_period_and_browser_furniture():
    """Browser print: "16." alone on its line, its words on the next lines, and
    the page's header and footer between the notes."""
    notes = "\n".join(f"{n}. Smith, John. {1950 + n}. Title {n}. London: Verso, {n}." for n in range(1, 5))
    lines = (BODY + "Notes\n" + notes + "\nfile:///tmp/doc.html 1/2\n"
             "12/6/26, 2:56 AM Labour beyond family\n5.\nHarrington,\nCatherine.\n1973.\nState of border, 92.\n"
             "6. Lee, Kim. 2001. Title. Oxford: OUP, 12.\nfile:///tmp/doc.html 2/2\n").split("\n")
    app = locate(make_doc("\n".join(lines), [Page(1, 1, 12), Page(2, 13, len(lines))]))
    assert sorted(app.notes) == [1, 2, 3, 4, 5, 6]
    assert app.notes[5].text == "Harrington, Catherine. 1973. State of border, 92."
    assert app.notes[4].text.endswith("Verso, 4.") and app.notes[6].text.endswith("OUP, 12.")


def test_labeller_entries_in_a_hanging_list_start_only_at_the_left_edge():
    """In a PDF's hanging-indent list (here a right column, its own edge at
    0.44) an indented line opens no entry, a flush line read as text before
    an indented reference line does, and ". 1982." (the dash lost) does."""
    from kb.locate.labelled import _entry_starts
    from kb.models import LineLayout
    part = ["Deutsches Institut für Normung.", "(1963). Révolution et culture:", "Munich.",
            "European Commission. (2019). Citizenship", "in reform (5th ed.).",
            ". 1982. Revolution of archive. Working", "Paper 34. London: Verso.",
            "Fairbanks, C., García Márquez, G.,", "J. (2013). Violence and ritual:", "1992. American Historical Review,"]
    labels = ["text", "ref-B", "ref-I", "ref-B", "ref-I", "ref-I", "ref-I", "ref-B", "ref-I", "ref-B"]
    layout = [LineLayout(indent=x) for x in (0.438, 0.4986, 0.4986, 0.438, 0.4986, 0.4986, 0.4986, 0.438, 0.4986,
                                             0.4986)]
    assert _entry_starts(labels, part, layout) == ["ref-B", "ref-I", "ref-I", "ref-B", "ref-I", "ref-B", "ref-I",
                                                   "ref-B", "ref-I", "ref-I"]


def test_numbered_labels_alone_on_their_lines():
    """pdftotext of a numbered list: "[2]" alone on its line, the entry's
    text after a blank, wrapped with blanks between its lines."""
    text = (BODY + "Works Cited\n[1]\n\nCatherine Baker and Peter J. McAllister. Labour and trade. Munich: C.H.\n"
            "Beck, 1983.\n\n[2]\n\nBundesamt für Statistik.  Estado de la cultura: ciudad y estado. In: The\n\n"
            "Lancet 58.6 (1989), pp. 545–584.\n\n[3]\n\nHélène de Certeau.  Histoire après société. In: Law Quar-\n\n"
            "terly Review 95 (2003), pp. 116–131.\n")
    got = bib(locate(make_doc(text)))
    assert [g[:8] for g in got] == ["Catherin", "Bundesam", "Hélène d"], got
    lines = text.split("\n")
    head = lines.index("Works Cited") + 1
    rules = [e.raw[:8] for e in _bibliography_entries(lines, (head, len(lines)), set())]  # the rules alone
    assert rules == ["Catherin", "Bundesam", "Hélène d"], rules


def test_footnote_at_a_page_foot_with_a_centred_page_number():
    """Layout text centres the page number far to the right of the margin."""
    lines = ("Fernández, and Weißenborn 1996). One historian contends why citizenship remained\n"
             "contested in the border regions, and the migration of rural families.1 The evidence\n"
             "shows that memory and archive were bound together in the period.\n"
             "  1 Such a reading insists that religious practice adapted to the new legal order.\n\n\n"
             + " " * 47 + "1\n"
             "Trade and city: memory in history                                      2\n"
             "The next page goes on with the argument of the paper, as running text does.\n").split("\n")
    pages = [Page(1, 1, 7), Page(2, 8, len(lines))]
    notes = locate(make_doc("\n".join(lines), pages)).notes
    assert list(notes) == [1] and notes[1].text.startswith("Such a reading insists")


def test_t1_glyph_codes_from_pdftotext_are_repaired(tmp_path):
    from kb.read import read
    p = tmp_path / "t1.txt"
    p.write_text("Ho\x1bmann, J\x10Title\x11, pp. 1\x152.\n\x16\x16\x16. Another. Verso, 1990.\n")
    assert read(p).lines[:2] == ["Hoffmann, J“Title”, pp. 1–2.", "———. Another. Verso, 1990."]


def test_repeated_author_mark_extraction_could_not_map():
    """A run of one unmapped mark ("\\x16\\x16\\x16.") is still the repeated-author mark."""
    text = (BODY + "Works Cited\n"
            "European Commission. Herrschaft zwischen Grenze, 1998, www.example89.org/migration/\n"
            "745. Accessed 13 Aug. 2020.\n"
            "\x16\x16\x16. Theory of economy: practice after memory. European Commission, 1952.\n"
            "Harrington, Robert. Nation and violence: migration after violence, 1909–2011. Zhonghua\n"
            "Shuju, 1950.\n")
    lines = text.split("\n")
    head = lines.index("Works Cited") + 1
    rules = [e.raw[:10] for e in _bibliography_entries(lines, (head, len(lines)), set())]
    assert rules == ["European C", "\x16\x16\x16. Theor", "Harrington"], rules


def test_two_columns_whose_lines_do_not_share_baselines():
    """In a list the columns' lines interleave (few lines hold text on both
    sides); the gutter is still found and the columns read one by one."""
    left = [f"Left entry {i}, a line of the left column" for i in range(10)]
    right = [f"Right entry {i}, in the other column" for i in range(10)]
    rows = []
    for l, r in zip(left, right):
        rows += [l, " " * 50 + r]
    out = decolumn("\n".join(rows)).split("\n")
    assert out == left + right


def test_a_numbered_list_in_sequence_is_cut_where_it_says(monkeypatch):
    # an IOP-style "[1] ... [19]" list read with its layout: the labeller's
    # guesses never override numbers that run 1, 2, 3 ... in turn
    from kb.locate import labelled
    from kb.models import Entry, LineLayout
    found = [Entry(kind="bibliography", raw=f"Author{i} A 19{70 + i} Phys. Rev. {i} 1", line=i, label=f"[{i}]")
             for i in range(1, 6)]
    glued = [Entry(kind="bibliography", raw="glued", line=1)] * 3
    monkeypatch.setattr(labelled, "_labelled_entries", lambda *a, **k: glued)
    layout = [LineLayout() for _ in range(6)]
    assert labelled._prefer_labelled([""] * 6, (1, 6), found, layout) == found
    found[2].label = "[7]"      # out of turn: the labeller decides
    assert labelled._prefer_labelled([""] * 6, (1, 6), found, layout) == glued


def test_entries_set_apart_by_space_are_cut_at_the_space():
    # no hanging indent: "4 pt between references"; a line that begins
    # "(2004)." under an author line goes on with the entry above it
    from kb.locate.labelled import _entry_starts
    from kb.models import LineLayout
    part = ["Hansen, A. (1995). A Guide to Good Writing for Scientists.",
            "2nd ed. Viborg: Low Budget Publishing.",
            "Hansen, A.L., Jacobsen, K.K. and Jensen, B.",
            "(2004). Title of paper. Journal of Animal Physiology",
            "and Animal Nutrition 68(3):123–135.",
            "Jones, A.R. and Walter, H. (1995). Title of chapter.",
            "In: A. Mohr and P. Wings (eds.) New Soil Analysis,",
            "Schulze, H. (1994). Endogenous ileal nitrogen",
            "losses in pigs: Dietary factors. Ph.D. thesis."]
    gaps = [0.3, 0, 0.36, 0, 0, 0.36, 0, 0.36, 0]
    labels = ["ref-B", "ref-I", "ref-B", "ref-B", "ref-I", "ref-B", "ref-I", "ref-B", "ref-I"]
    layout = [LineLayout(indent=0.42, gap=g) for g in gaps]
    got = _entry_starts(labels, part, layout)
    assert [k for k, lab in enumerate(got) if lab == "ref-B"] == [0, 2, 5, 7]
