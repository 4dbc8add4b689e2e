"""kb.cite: one small test per citation form (eyecite style)."""
from hypothesis import given, settings, strategies as st

from kb.cite import cite, sentence_spans, build_stream, fold
from kb.models import Apparatus, Document, Note, Ref


def doc_of(text: str) -> Document:
    return Document(id="t", path="t.txt", lines=text.split("\n"), sha256="0", format="txt")


def bib(raw, family, year, line=100, **kw):
    authors = [{"family": f} for f in family] if isinstance(family, list) else \
        [{"literal": family}]
    return Ref(kind="bibliography", raw=raw, line=line, authors=authors, year=year, **kw)


def prose(d: Document) -> Apparatus:
    """The apparatus of a document that is running text only."""
    return Apparatus(body=set(range(1, len(d.lines) + 1)))


def run(body: str, refs, notes=None):
    lines = body.split("\n")
    d = doc_of(body + "\n" * 5)
    app = Apparatus(body=set(range(1, len(lines) + 1)), notes=notes or {})
    claims, cits = cite(d, app, refs)
    return claims, cits


def links(claims, cits):
    return [(claims[c.claim].text, c.ref, c.pinpoint) for c in cits]


# --- author-date --------------------------------------------------------------

def test_parenthetical_two_sources():
    refs = [bib("Botsman, R. (2017). Big data.", ["Botsman"], 2017),
            bib("Dirnhuber, J. (2019). Creepy.", ["Dirnhuber"], 2019)]
    claims, cits = run("Many titles say Orwellian (Botsman, 2017; Dirnhuber, 2019). Next one.", refs)
    assert [c.ref for c in cits] == [0, 1]
    assert claims[0].text == "Many titles say Orwellian (Botsman, 2017; Dirnhuber, 2019)."


def test_et_al_with_page_pinpoint():
    refs = [bib("Ohlberg, M., Ahmed, S., & Lang, B. (2017). Central planning.",
                ["Ohlberg", "Ahmed", "Lang"], 2017)]
    _, cits = run("Names are published (Ohlberg et al., 2017, p. 10).", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(0, "p. 10")]


def test_at_al_typo():
    refs = [bib("Ohlberg, M., Ahmed, S., & Lang, B. (2017). Central planning.",
                ["Ohlberg", "Ahmed", "Lang"], 2017)]
    _, cits = run("Names are published (Ohlberg at al., 2017, p. 10).", refs)
    assert [c.ref for c in cits] == [0]


def test_organisation_author_and_para():
    refs = [bib("State Council. (2014). Planning Outline.", "State Council", 2014)]
    _, cits = run("A plan was made (State Council, 2014, para. 10).", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(0, "para. 10")]


def test_narrative_form_and_page_continuation():
    refs = [bib("Kostka, G. (2019). China's social credit systems.", ["Kostka"], 2019)]
    claims, cits = run("Kostka (2019) notes that data is limited. Supporters are older (p. 13-15).",
                       refs)
    assert [(c.marker, c.ref, c.pinpoint) for c in cits] == [
        ("Kostka (2019)", 0, None), ("(p. 13-15)", 0, "p. 13-15")]
    assert claims[1].text == "Supporters are older (p. 13-15)."


def test_year_letter_suffix_picks_the_entry():
    refs = [bib("Lyon, D. (2003a). Introduction.", ["Lyon"], 2003, year_suffix="a"),
            bib("Lyon, D. (2003b). Surveillance as social sorting.", ["Lyon"], 2003,
                year_suffix="b")]
    _, cits = run("Access is the best way (Lyon, 2003b, p. 14).", refs)
    assert [c.ref for c in cits] == [1]


def test_name_typo_and_diacritics():
    refs = [bib("Hvistendahl, M. (2017). Inside China's vast new experiment.",
                ["Hvistendahl"], 2017),
            bib("Galič, M., Timan, T., Koops, B. (2017). Bentham.", ["Galič", "Timan", "Koops"],
                2017)]
    _, cits = run("It considers friends (Hvistendal, 2017, para. 14). "
                  "The inspector sees all (Galic et al., 2017, p. 12).", refs)
    assert [c.ref for c in cits] == [0, 1]


def test_year_in_prose_is_not_a_citation():
    refs = [bib("Kostka, G. (2019). China's social credit systems.", ["Kostka"], 2019)]
    _, cits = run("The plan was launched in 2014 (after years of debate).", refs)
    assert cits == []


def test_numeric_bracket_markers():
    refs = [bib(f"[{i}] Author{i}, A. Title {i}. 2010.", [f"Author{i}"], 2010) for i in range(1, 6)]
    _, cits = run("Scores spread fast [3–5]. Two studies agree [1, 4].", refs)
    assert [c.ref for c in cits] == [2, 3, 4, 0, 3]


def test_figure_source_line_cites_for_the_caption():
    refs = [bib("Meissner, M. (2017). China's social credit system.", ["Meissner"], 2017)]
    claims, cits = run("Figure 1: Categories of data\n\nSource: Meissner, 2017, p. 3", refs)
    assert claims[cits[0].claim].text == "Figure 1: Categories of data"
    assert cits[0].pinpoint == "p. 3"


# --- notes ---------------------------------------------------------------------

def _note_doc(body_lines, notes_text, kind="endnote"):
    """A body followed by numbered notes, as locate would report them."""
    lines = body_lines + [""] + notes_text
    d = doc_of("\n".join(lines))
    first = len(body_lines) + 2
    notes = {i + 1: Note(number=i + 1, kind=kind, line=first + i, end_line=first + i,
                         text=t, lines=[first + i]) for i, t in enumerate(notes_text)}
    refs = [Ref(kind=kind, raw=t, line=first + i, note=i + 1)
            for i, t in enumerate(notes_text)]
    app = Apparatus(body=set(range(1, len(body_lines) + 1)), notes=notes, note_kind=kind)
    return d, app, refs


def test_note_number_glued_to_word_and_punctuation():
    d, app, refs = _note_doc(
        ["The party would not move an inch1. They rated contacts.2 Scores rose in 2014."],
        ["Brady, Marketing Dictatorship, Lanham 2010.", "Chen, The Transparent Self, 2017."])
    claims, cits = cite(d, app, refs)
    assert [(claims[c.claim].text, c.ref) for c in cits] == [
        ("The party would not move an inch.", 0), ("They rated contacts.", 1)]


def test_note_number_alone_on_the_next_line():
    body = ["Good ones are rewarded and bad ones are", "punished.", "1", " The system grows."]
    d, app, refs = _note_doc(body, ["Strittmatter, Creating the honest man, Berlin 2018."],
                             kind="footnote")
    app.body = {1, 2, 4}
    claims, cits = cite(d, app, refs)
    assert claims[cits[0].claim].text == "Good ones are rewarded and bad ones are punished."
    assert cits[0].ref == 0 and claims[cits[0].claim].line == 3


def test_quantities_and_years_are_not_note_markers():
    d, app, refs = _note_doc(
        ["About 90,000 incidents, 250 per day in 2014 and 1.4 billion people.1"],
        ["King, How Censorship in China Allows Criticism, 2013."])
    claims, cits = cite(d, app, refs)
    assert [c.marker for c in cits] == ["1"]


def test_hyphenation_is_undone_across_lines():
    d, app, refs = _note_doc(["Employing this technology to punish rumor-", "mongering works.1"],
                             ["Bakken, The Exemplary Society, Oxford 2000."])
    claims, _ = cite(d, app, refs)
    assert claims[0].text == "Employing this technology to punish rumormongering works."


def test_ibid_points_to_previous_note():
    d, app, refs = _note_doc(["One.1 Two.2"],
                             ["Marx, What's New About the New Surveillance, 2002, 10.", "Ibid."])
    cite(d, app, refs)
    assert refs[1].short_form and refs[1].same_as == 0


def test_short_form_points_to_bibliography():
    d, app, refs = _note_doc(["One claim here.1"],
                             ["Meissner and Wübbeke, “IT-backed authoritarianism”, 53."])
    refs.append(Ref(kind="bibliography", raw="Meissner, Mirjam and Wübbeke, Jost. "
                    "“IT-backed authoritarianism: information technology”. 2016.", line=50,
                    authors=[{"family": "Meissner"}, {"family": "Wübbeke"}], year=2016))
    claims, cits = cite(d, app, refs)
    assert refs[0].short_form and refs[0].same_as == 1
    assert cits[0].pinpoint == "53"


def test_here_pinpoint_in_a_full_note():
    d, app, refs = _note_doc(["Scoring uses five areas.1"],
                             ["Chen, ‘The Transparent Self’, Journal, 2/2017, 356–378, here: 361."])
    _, cits = cite(d, app, refs)
    assert cits[0].pinpoint == "361"


# --- prose-only ----------------------------------------------------------------

def test_prose_constitution_article_is_an_inline_source():
    d = doc_of("This runs counter to China’s Constitution, Article 4:\n\nAll are equal.")
    refs = []
    claims, cits = cite(d, prose(d), refs)
    assert refs and refs[0].kind == "inline" and refs[0].type == "legislation"
    assert cits[0].pinpoint == "Article 4"


def test_prose_interview_verb_not_noun():
    d = doc_of("Helene interviewed Xiao Qiang, a researcher.\n\n"
               "The interview with Xiao Qiang is online.")
    refs = []
    claims, cits = cite(d, prose(d), refs)
    assert [r.type for r in refs] == ["interview"]
    assert refs[0].authors[0]["family"] == "Xiao"


def test_prose_named_interview_keeps_interviewer_description_and_topic():
    d = doc_of("Later Anna interviewed Li Wei, a sociologist at Fudan, about the pilots. "
               "Then we left.")
    refs = []
    cite(d, prose(d), refs)
    assert refs[0].raw == "Anna interviewed Li Wei, a sociologist at Fudan, about the pilots"


def test_prose_unnamed_interview_stays_short():
    d = doc_of("In May we interviewed two students in Oslo, to hear their views.")
    refs = []
    cite(d, prose(d), refs)
    assert refs[0].raw == "interviewed two students in Oslo"


# --- sentences -----------------------------------------------------------------

def test_sentences_keep_abbreviations_and_initials():
    d = doc_of("Lyon, D. wrote e.g. this in the U.S. today. Then more (p. 5). Last.")
    s, _ = build_stream(d, [1])
    parts = [s.text[a:b].strip() for a, b in sentence_spans(s)]
    assert parts == ["Lyon, D. wrote e.g. this in the U.S. today.", "Then more (p. 5).", "Last."]


def test_fold_strips_diacritics():
    assert fold("Božovič") == "bozovic" and fold("O’Neil") == "oneil"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_cite_never_crashes_on_any_text(text):
    d = doc_of(text or "x")
    refs = [bib("Kostka, G. (2019). China.", ["Kostka"], 2019)]
    claims, cits = cite(d, prose(d), refs)
    assert all(0 <= c.claim < len(claims) for c in cits)


def test_bare_author_after_a_citation_cites_the_same_work():
    refs = [bib("Yan, S. (2019). China Uber-rates its citizens.", ["Yan"], 2019)]
    claims, cits = run("They mention biases (Yan, 2019, para. 27). Yan also reports unjust cases.",
                       refs)
    assert [(c.marker, c.ref) for c in cits] == [("(Yan, 2019, para. 27)", 0), ("Yan", 0)]


def test_parenthetical_cut_short_by_the_pdf():
    refs = [bib("Hawkins, A. (2017). Chinese citizens.", ["Hawkins"], 2017)]
    _, cits = run('The pact "disintegrates" (Hawkins, 2017, para. Thus, it changed.', refs)
    assert [c.ref for c in cits] == [0]


def test_unmatched_author_date_keeps_no_citation():
    refs = [bib("Kostka, G. (2019). China.", ["Kostka"], 2019)]
    claims, cits = run("There is little incentive (Udemans, 2018, para. 42). More (p. 3).", refs)
    assert cits == []


def test_note_number_standing_free_or_glued_to_a_year():
    d, app, refs = _note_doc(
        ["An interview with the NBC 1 she said so. It was aired in 19612. "
         "It ended in 2012.3 Since then it grew."],
        ["NBC News, Video, 2019.", "The Atlantic, 2015.", "Reuters, 2014."])
    claims, cits = cite(d, app, refs)
    assert [c.marker for c in cits] == ["1", "2", "3"]
    assert claims[cits[2].claim].text == "It ended in 2012."


def test_comment_only_note_keeps_its_claim_without_a_linked_ref():
    d, app, refs = _note_doc(["A remark.1 A source.2"],
                             ["This is a comment.", "Brady, Marketing Dictatorship, Lanham 2010."])
    refs.pop(0)                              # the comment cites nothing
    claims, cits = cite(d, app, refs)
    assert [c.text for c in claims] == ["A remark.", "A source."]
    # the comment keeps a citation with no ref, so a trace shows its note number
    assert [(c.marker, c.ref, c.note) for c in cits] == [("1", None, 1), ("2", 0, 2)]


def test_op_cit_points_to_the_earlier_note_by_that_author():
    d, app, refs = _note_doc(["One.1 Two.2 Three.3"],
                             ["Bakken, The Exemplary Society, Oxford 2000, 12.",
                              "King, How Censorship Works, Princeton 2013.",
                              "Bakken, op. cit., 45."])
    _, cits = cite(d, app, refs)
    assert refs[2].short_form and refs[2].same_as == 0
    assert cits[-1].pinpoint == "45"


def test_repeated_full_note_stays_a_full_reference():
    full = "Barme, Geremie; Ye, Sang (1997). The Great Firewall of China. Wired."
    d, app, refs = _note_doc(["One.1 Two.2"], [full, full])
    cite(d, app, refs)
    assert refs[1].same_as is None and not refs[1].short_form


def test_prose_podcast_thesis_and_named_report():
    d = doc_of('It is the topic of our latest episode of the podcast "Iterations".\n\n'
               "Our guest is Martin Maurtvedt, who has written a master's thesis on the system.\n\n"
               'The book titled "Who Can You Trust?" explains it.')
    refs = []
    claims, cits = cite(d, prose(d), refs)
    assert [r.type for r in refs] == ["broadcast", "thesis", "book"]
    assert refs[0].container_title == "Iterations"
    assert refs[1].authors[0]["family"] == "Maurtvedt"
    assert len(cits) == 3 and len(claims) == 3
