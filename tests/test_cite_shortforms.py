"""kb.cite short forms and back-references in notes (issue 17, class 2):
ibid after a missed note, "Ibid., at 29", "(n. 33)", "supra note 12",
"above n 12", German ebd./a.a.O./ders./Vgl., op. cit., loc. cit., id."""
from kb.cite.shortforms import link_short_forms, note_pinpoint
from kb.models import Ref


def notes(*texts, start=1):
    return [Ref(kind="footnote", raw=t, line=100 + i, note=start + i) for i, t in enumerate(texts)]


def test_ibid_after_a_missed_note_stays_unresolved():
    refs = notes("Smith, The Archive of the State (London: Penguin, 1990), 4.")
    refs += notes("Ibid., 7.", start=3)          # note 2 was not found
    link_short_forms(refs, located={1, 3})
    assert refs[1].short_form and refs[1].same_as is None


def test_ibid_passes_over_a_comment_only_note():
    refs = notes("Smith, The Archive of the State (London: Penguin, 1990), 4.")
    refs += notes("Ibid., 7.", start=3)          # note 2 was found but cites nothing
    link_short_forms(refs, located={1, 2, 3})
    assert refs[1].same_as == 0


def test_ibid_repeats_the_last_source_of_the_preceding_note():
    refs = notes("Smith, The Archive of the State (London: Penguin, 1990).",
                 "Ibid., 12.")
    refs.insert(1, Ref(kind="footnote", raw="Brown, The Ledger of Trade (Oxford: OUP, 1984).",
                       line=100, note=1))
    link_short_forms(refs, located={1, 2})
    assert refs[2].same_as == 1


def test_ibid_at_pinpoint_is_the_page_not_the_word():
    refs = notes("Brown v Board of Education, 347 U.S. 483 (1954).", "Ibid., at 29.", "Id. at 30.")
    refs[1].pinpoint = "Ibid"                     # what a parser may leave there
    link_short_forms(refs)
    assert [note_pinpoint(r) for r in refs[1:]] == ["29", "30"]
    assert refs[1].same_as == 0 and refs[2].same_as == 1


def test_note_back_references():
    refs = notes("Paul Delacroix, The Trust of the Province (Suhrkamp 1982).",
                 "Maria Svensson, The Colonial Ledger (Chicago UP 1979); "
                 "Anna Okafor, The Border of Memory (Routledge 2001).",
                 "Delacroix (n 1) 72.", "Okafor (n. 2), p. 9.", "Okafor, supra note 2, at 14.",
                 "Svensson, above n 2, 33.", "Brennan (n 9).")
    # note 2 holds two refs, as locate splits it
    refs[1:2] = [Ref(kind="footnote", raw="Maria Svensson, The Colonial Ledger (Chicago UP 1979)",
                     line=101, note=2),
                 Ref(kind="footnote", raw="Anna Okafor, The Border of Memory (Routledge 2001).",
                     line=101, note=2)]
    link_short_forms(refs)
    assert [r.same_as for r in refs[3:]] == [0, 2, 2, 1, None]
    assert [note_pinpoint(r) for r in refs[3:]] == ["72", "p. 9", "14", "33", None]


def test_back_reference_to_a_note_with_two_sources_and_no_name_is_unresolved():
    refs = notes("A. Smith, Trade (Oxford 1990)", "B. Jones, Markets (London 1991).", "See n. 1.")
    refs[2].pinpoint = "1"                        # what a parser may take for a page
    refs[1].note = 1
    refs[2].note = 2
    link_short_forms(refs)
    assert refs[2].short_form and refs[2].same_as is None and note_pinpoint(refs[2]) is None


def test_german_short_forms():
    refs = notes("Müller, Hans: Die Ordnung der Archive, Berlin 1990, S. 4.",
                 "Vgl. ebd., S. 7.",
                 "Schmidt, Eva: Der Staat und die Stadt, München 1985.",
                 "Vgl. Müller, a.a.O., S. 12.",
                 "Ders.: Die Ordnung der Archive, S. 30.")
    link_short_forms(refs)
    assert [r.same_as for r in refs[1:]] == [0, None, 0, 0]
    assert note_pinpoint(refs[1]) == "S. 7"


def test_op_cit_and_loc_cit_need_the_author():
    refs = notes("Smith, The Archive of the State (London: Penguin, 1990).",
                 "Brown, The Ledger of Trade (Oxford: OUP, 1984).",
                 "Smith, op. cit., p. 9.", "Brown, loc. cit.", "Op. cit., p. 3.")
    link_short_forms(refs)
    assert [r.same_as for r in refs[2:]] == [0, 1, None]


def test_op_cit_with_two_bibliography_works_of_the_author_is_not_guessed():
    refs = [Ref(kind="bibliography", raw="Smith, A. The Archive. London, 1990.", line=1,
                authors=[{"family": "Smith"}]),
            Ref(kind="bibliography", raw="Smith, A. The Ledger. London, 1995.", line=2,
                authors=[{"family": "Smith"}])]
    refs += notes("Smith, op. cit., p. 9.")
    link_short_forms(refs)
    assert refs[2].short_form and refs[2].same_as is None


def test_notes_locate_dropped_become_short_form_refs():
    from test_cite import _note_doc
    from kb.cite import cite
    d, app, refs = _note_doc(
        ["Trust grew.1 It fell.2 It rose.3"],
        ["Peter Hartmann, The Ritual of the Province (Chicago UP 2001).",
         "Hartmann (n 1) 72.", "Okafor (n 9); Hartmann (n 1) 80."])
    del refs[1:]                                   # locate kept only the full note
    claims, cits = cite(d, app, refs)
    assert [(c.ref is not None and refs[c.ref].same_as, c.pinpoint) for c in cits] == [
        (None, None), (0, "72"), (None, None), (0, "80")]
    assert [refs[c.ref].note for c in cits] == [1, 2, 3, 3]


def test_chicago_author_only_short_form_repeats_the_preceding_source():
    refs = notes("Maria Ferreira, The Migration of the Garden (Berlin: Suhrkamp, 1960), 116.",
                 "M. Ferreira, 224.", "Castellano, “The Frontier of Trust,” Past and Present 35 "
                 "(1984): 61.", "Castellano.", "P. Ferreira, 9.")
    bib = [Ref(kind="bibliography", raw="Ferreira, Maria. The Migration of the Garden. Berlin: "
               "Suhrkamp, 1960.", line=1, authors=[{"family": "Ferreira", "given": "Maria"}]),
           Ref(kind="bibliography", raw="Ferreira, Paul. The State of the Border. London: "
               "Routledge, 1971.", line=2, authors=[{"family": "Ferreira", "given": "Paul"}])]
    refs = bib + refs
    link_short_forms(refs)
    assert [r.same_as for r in refs[3:]] == [2, None, 4, 1]    # "P." picks Paul


def test_back_reference_takes_the_author_from_the_note_text():
    refs = notes("Maria Hartmann, The Market of the Harbour (Berlin 1975)",
                 "n. 1.")
    refs.insert(1, Ref(kind="footnote", raw="Anna Svensson, The Archive of the Frontier "
                       "(Chicago 1990).", line=100, note=1))
    link_short_forms(refs, texts={2: "Svensson, see n. 1."})
    assert refs[2].same_as == 1
    link_short_forms(refs, texts={2: "n. 1."})
    assert refs[2].same_as is None
