"""kb.cite numeric citations (issue 17, class 3): ranges and lists in
brackets, pinpoints "(12, p. 4)" and "[12: 4]", superscript ranges and
TeX-like "^{2,5}", and superscripts plain-text extraction glued to words."""
from test_cite import bib, run


def numbered(n):
    return [bib(f"{i}. Author{i}, A. Title {i}. 2010.", [f"Author{i}"], 2010, label=str(i))
            for i in range(1, n + 1)]


def test_bracket_ranges_lists_and_colon_pinpoint():
    refs = numbered(8)
    _, cits = run("One [3–5]. Two [1, 4, 7]. Three [2: 14]. Four [6, p. 9].", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [
        (2, None), (3, None), (4, None), (0, None), (3, None), (6, None), (1, "14"), (5, "p. 9")]


def test_parenthesised_number_with_page():
    refs = numbered(12)
    _, cits = run("Cells divide (12, p. 4). They rest (3).", refs)
    assert [(c.ref, c.pinpoint) for c in cits] == [(11, "p. 4"), (2, None)]


def test_superscript_range_and_tex_caret():
    refs = numbered(6)
    _, cits = run("Cells divide.¹⁻³ They rest.^{2,5} Others wait$^{6}$.", refs)
    assert [c.ref for c in cits] == [0, 1, 2, 1, 4, 5]


def test_glued_superscripts_in_citation_order():
    refs = numbered(4)
    text = ("Audiences watch spectatorship1,2 . Screens glow brighter3 . "
            "In 2019 some 40 people left. Others return2 . Many stay4 .")
    claims, cits = run(text, refs)
    assert [(c.ref, claims[c.claim].text.split()[0]) for c in cits] == [
        (0, "Audiences"), (1, "Audiences"), (2, "Screens"), (1, "Others"), (3, "Many")]


def test_glued_numbers_out_of_sequence_are_not_citations():
    refs = numbered(4)
    _, cits = run("Prices rose by10 . Area4 is large. Group2 left. Site3 closed.", refs)
    assert cits == []


def test_superscripts_after_the_full_stop_end_their_sentence():
    refs = numbered(3)
    claims, cits = run("Cells divide quickly.¹ They rest in winter.² Both are known.¹,³", refs)
    assert [(claims[c.claim].text, c.ref) for c in cits] == [
        ("Cells divide quickly.", 0), ("They rest in winter.", 1),
        ("Both are known.", 0), ("Both are known.", 2)]


def test_superscripts_without_printed_list_numbers_need_citation_order():
    refs = [bib(f"Author{i}, A. Title {i}. 2010.", [f"Author{i}"], 2010) for i in range(1, 5)]
    _, cits = run("Cells divide¹. They rest². Both are known¹,³. Others wait⁴.", refs)
    assert [c.ref for c in cits] == [0, 1, 0, 2, 3]
    _, cits = run("Cells divide³. They rest¹. Both are known².", refs)
    assert cits == []
