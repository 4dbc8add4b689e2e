"""kb.cite: citation forms of styles the corpus does not use (numeric/IEEE,
MLA author-page, Harvard and Chicago author-date variants, title-first
citations, organisation glosses, name particles)."""
from kb.cite import cite
from kb.models import Ref

from test_cite import _note_doc, bib, run


def _refs(rows):
    return [bib(raw, fam, year) for raw, fam, year in rows]


def test_numeric_ieee_pinpoint_and_semicolons():
    refs = [bib(f"[{i}] Author{i}, A. Title {i}. 2010.", [f"Author{i}"], 2010) for i in range(1, 6)]
    claims, cits = run("One result [2, pp. 4–5]. Two agree [1; 5]. Not a citation [7].", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(1, "pp. 4–5"), (0, None), (4, None)]
    assert [c.text for c in claims] == ["One result [2, pp. 4–5].", "Two agree [1; 5]."]


def test_mla_author_page():
    refs = _refs([("Said, Edward. Orientalism. Pantheon, 1978.", ["Said"], 1978),
                  ("Gilroy, Paul, and Stuart Hall. Black Atlantic. Verso, 1993.",
                   ["Gilroy", "Hall"], 1993)])
    _, cits = run("The Orient was made (Said 45). It travelled (Gilroy and Hall 12-15). "
                  "Nothing here (United States).", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(0, "45"), (1, "12-15")]


def test_mla_author_short_title_picks_among_works():
    refs = _refs([("Said, Edward. Orientalism. Pantheon, 1978.", ["Said"], 1978),
                  ("Said, Edward. Culture and Imperialism. Knopf, 1993.", ["Said"], 1993)])
    refs[0].title, refs[1].title = "Orientalism", "Culture and Imperialism"
    _, cits = run("Empire needs stories (Said, Culture 12). Some say so (Said 3).", refs)
    assert [c.ref for c in cits] == [1]          # "(Said 3)" is ambiguous: no link


def test_harvard_colon_and_chicago_bare_page():
    refs = _refs([("Giddens, A. (1991) Modernity. Cambridge: Polity.", ["Giddens"], 1991),
                  ("Beck, U. (1992) Risk Society. London: Sage.", ["Beck"], 1992)])
    _, cits = run("Trust is reflexive (Giddens 1991: 35). Risks spread (Beck 1992, 21-23). "
                  "As Beck (1992: 7) puts it, so it goes.", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(0, "35"), (1, "21-23"), (1, "7")]


def test_several_years_of_one_author():
    refs = _refs([("Lyon, D. (2003a). Surveillance as Social Sorting.", ["Lyon"], 2003),
                  ("Lyon, D. (2003b). Surveillance after September 11.", ["Lyon"], 2003),
                  ("Lyon, D. (2007). Surveillance Studies.", ["Lyon"], 2007)])
    for r, suf in zip(refs, ("a", "b", None)):
        r.year_suffix = suf
    _, cits = run("Sorting is the point (Lyon 2003a, b, 2007).", refs)
    assert [c.ref for c in cits] == [0, 1, 2]


def test_title_first_citation_without_author():
    refs = [Ref(kind="bibliography", raw="Capitalism, water, and the moral democracy. (2024). "
                "Housing Online.", line=100, title="Capitalism, water, and the moral democracy",
                year=2024),
            bib("Jones, K. (2024). Water.", ["Jones"], 2024)]
    claims, cits = run("Water is scarce (\u201cCapitalism, Water,\u201d 2024). "
                       "Capitalism, Water, and the Moral Democracy (2024) argues so.", refs)
    assert [(claims[c.claim].text[:14], c.ref) for c in cits] == [
        ("Water is scarc", 0), ("Capitalism, Wa", 0)]


def test_organisation_with_gloss_and_particle_names():
    refs = [Ref(kind="bibliography", raw="Xinhua Wang (Xinhua Net) (2019). Report.", line=100,
                authors=[{"literal": "Xinhua Wang (Xinhua Net)"}], year=2019),
            bib("de la Cruz, M., & Reed, A. (1967). Power.", ["de la Cruz", "Reed"], 1967)]
    claims, cits = run("It grew. Xinhua Wang (Xinhua Net) (2019) reports growth. "
                       "It fell. de la Cruz & Reed (1967) disagree (de la Cruz & Reed, 1967).",
                       refs)
    assert [(claims[c.claim].text, c.ref) for c in cits] == [
        ("Xinhua Wang (Xinhua Net) (2019) reports growth.", 0),
        ("de la Cruz & Reed (1967) disagree (de la Cruz & Reed, 1967).", 1),
        ("de la Cruz & Reed (1967) disagree (de la Cruz & Reed, 1967).", 1)]


def test_year_only_parenthetical_does_not_continue_another_year():
    refs = _refs([("Jones, K. (2011). Geschichte.", ["Jones"], 2011)])
    _, cits = run("Jones (2011) says so. A notice (2018) said otherwise.", refs)
    assert [c.ref for c in cits] == [0]


def test_word_abbreviation_before_a_narrative_citation_ends_the_sentence():
    refs = _refs([("Jung, S. (2018). Ribao.", ["Jung"], 2018)])
    claims, _ = run("It shapes everyday art. Jung (2018) disagrees. See art. 5 of the Act.", refs)
    assert claims[0].text == "Jung (2018) disagrees."


def test_sentence_ending_in_a_note_number_is_not_a_heading():
    d, app, refs = _note_doc(["Critics point out that it rarely delivers.1",
                              "Lagos's experience offers a useful comparison.2", "",
                              "The role of capitalism remains poorly understood.3"],
                             ["Smith, A Book, London 2001.", "Jones, Other, Paris 2002.",
                              "Brown, Third, Rome 2003."])
    app.headings = []
    claims, cits = cite(d, app, refs)
    assert [(claims[c.claim].text, c.ref) for c in cits][1] == (
        "Lagos's experience offers a useful comparison.", 1)


def test_short_form_title_with_inner_quotes():
    d, app, refs = _note_doc(["One.1"], ['Nielsen, The hidden transport "of".'])
    refs += [Ref(kind="bibliography", raw="Bonnet-Ward, Zhiwei, and Max Nielsen. \u201cThe politics "
                 "of peace\u201d. Journal 4 (2001).", line=40,
                 authors=[{"family": "Bonnet-Ward"}, {"family": "Nielsen"}], year=2001),
             Ref(kind="bibliography", raw='Nielsen, Erik. \u201cThe hidden transport "of" Lima\u201d. '
                 "Tribune. 9 January 2009.", line=42, authors=[{"family": "Nielsen"}], year=2009)]
    cite(d, app, refs)
    assert refs[0].short_form and refs[0].same_as == 2


def test_vancouver_superscripts_and_parenthesised_numbers():
    refs = [bib(f"{i}. Author{i} A. Title {i}. Lancet. 2010;3:1-5.", [f"Author{i}"], 2010)
            for i in range(1, 5)]
    claims, cits = run("Rates rose in adults.\u00b9 They fell again\u00b2\u207b\u2074. "
                       "Trials agree (1, 3). The steps are (1) first and (2) second.", refs)
    assert [c.ref for c in cits] == [0, 1, 2, 3, 0, 2]
    assert claims[-1].text == "Trials agree (1, 3)."


def test_author_page_short_note_points_to_the_only_work():
    d, app, refs = _note_doc(["One.1 Two.2 Three.3"],
                             ["Smith, 45.", "Ibid., 47.", "Brown, 3."])
    refs += [Ref(kind="bibliography", raw="Smith, John. A Book. London: Verso, 2001.", line=40,
                 authors=[{"family": "Smith"}], year=2001),
             Ref(kind="bibliography", raw="Brown, Ann. Early. Paris: Seuil, 1990.", line=41,
                 authors=[{"family": "Brown"}], year=1990),
             Ref(kind="bibliography", raw="Brown, Ann. Late. Paris: Seuil, 1999.", line=42,
                 authors=[{"family": "Brown"}], year=1999)]
    _, cits = cite(d, app, refs)
    assert (refs[0].same_as, refs[1].same_as, refs[2].same_as) == (3, 0, None)
    assert [c.pinpoint for c in cits] == ["45", "47", "3"]


def test_colon_ending_a_line_introduces_a_block_quotation():
    d, app, refs = _note_doc(["A famous sentence from the episode is:",
                              "We live in an exquisite bedlam, an insanity.1",
                              "The note (Zhang Zheng:",
                              "Professor at Peking University) says so.2"],
                             ["Serling, The Twilight Zone, CBS 1963.", "Zhang, Talk, Beijing 2015."])
    claims, _ = cite(d, app, refs)
    assert [c.text for c in claims] == [
        "We live in an exquisite bedlam, an insanity.",
        "The note (Zhang Zheng: Professor at Peking University) says so."]


RESTART = """A Study of Things

Chapter 1. Beginnings

The first claim about surveillance is made here.1 The second claim about data follows.2
A third claim closes the chapter.3

Chapter 2. Middles

The fourth claim opens the chapter on cities.1 The fifth claim concerns markets.2

Notes

Chapter 1
1. Smith, John. The Book of Data. London: Verso, 2001.
2. Jones, Ann. Markets and Power. Paris: Seuil, 1999.
3. Brown, Kim. Cities. Oslo: Press, 2010.

Chapter 2
1. White, Tom. Surveillance Now. Boston: Beacon, 2015.
2. Smith, The Book of Data, 45.
"""


def test_note_numbering_restarting_per_chapter(tmp_path):
    from kb.pipeline import process
    p = tmp_path / "restart.txt"
    p.write_text(RESTART)
    res = process(p)
    got = [(c.marker, res.refs[c.ref].raw[:5], res.claims[c.claim].text[:10]) for c in res.citations]
    assert got == [("1", "Smith", "The first "), ("2", "Jones", "The second"),
                   ("3", "Brown", "A third cl"),
                   ("1", "White", "The fourth"), ("2", "Smith", "The fifth ")]
    short = next(r for r in res.refs if r.raw.startswith("Smith, The"))
    assert short.short_form and res.refs[short.same_as].raw.startswith("Smith, John")


def test_short_form_with_a_year_span_in_its_title_and_no_author_in_the_full_note():
    d, app, refs = _note_doc(["One.1 Two.2 Three.3 Four.4"],
                             ["Carmen Mwangi, “Gesellschaft und Staat (1994–2031),” Journal 4 (2001).",
                              "El poder y la trabajo (Bielefeld: Gallimard, 1935).",
                              "Mwangi, Gesellschaft und Staat (1994–2031).",
                              "Tian, El poder y la."])
    cite(d, app, refs)
    assert [(r.short_form, r.same_as) for r in refs] == [
        (False, None), (False, None), (True, 0), (True, 1)]


def test_line_continued_by_a_citation_is_not_a_heading():
    refs = _refs([("Romano, A. (2003). Ritual.", ["Romano"], 2003)])
    text = ("It ends here.\n\nScholars of ritual have long argued that capitalism matters for language\n"
            "(Romano, 2003). Another sentence follows.")
    claims, cits = run(text, refs)
    assert claims[cits[0].claim].text.startswith("Scholars of ritual")


def test_bracket_range_and_bare_year_after_semicolon():
    refs = [bib(f"[{i}] Author{i}, A. Title {i}. 2010.", [f"Author{i}"], 2010) for i in range(1, 5)]
    _, cits = run("Three studies agree [1]–[3].", refs)
    assert [c.ref for c in cits] == [0, 1, 2]
    refs = _refs([("Lyon, D. (2003a). Sorting.", ["Lyon"], 2003),
                  ("Lyon, D. (2003b). After.", ["Lyon"], 2003)])
    refs[0].year_suffix, refs[1].year_suffix = "a", "b"
    _, cits = run("Sorting is the point (Lyon, 2003a; 2003b, p. 4).", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(0, None), (1, "p. 4")]


def test_superscript_digit_alone_on_a_line_does_not_crash():
    from kb.pipeline import process
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "sup.txt"
        p.write_text("Smith\n\u00b9\nSmith\n1 Ibid., 4.\n")
        process(p)                       # found by tests/test_fuzz.py


def test_numeric_marker_uses_the_label_locate_read():
    # the list prints 2 then 1: the label, not the position, names the entry
    refs = [bib("Smith, J. Credit and control. 2019.", ["Smith"], 2019, label="2."),
            bib("Lee, K. Surveys of trust. 2020.", ["Lee"], 2020, label="1.")]
    _, cits = run("Scoring spreads [2]. Surveys agree [1].", refs)
    assert [c.ref for c in cits] == [0, 1]
