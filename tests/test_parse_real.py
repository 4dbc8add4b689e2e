"""The shipped parser on real-looking references of the error classes real
reference lists show (written for this test; not training strings), the
confidence it reports, and the AnyStyle training-data reader."""
from __future__ import annotations

import pytest

from kb.parse import parse, strip_list_label
from kb.parsing.names import split_names

# (reference, expected fields): family names for people, text otherwise
CASES = [
    ("Smith, John. 1969. Irish scholarship. Hermathena 108 (1969), pp. 14-17.",
     {"authors": ["Smith"], "container_title": "Hermathena", "volume": "108", "pages": "14-17", "year": 1969}),
    ("Müller, Hans (1982): Stadtentwicklung im Umbruch. Geographische Zeitschrift 67, S. 221-234.",
     {"authors": ["Müller"], "title": "Stadtentwicklung im Umbruch", "container_title": "Geographische Zeitschrift",
      "volume": "67", "pages": "221-234"}),
    ("Bean, Frank D. (2001): Immigrant fertility. Demography 38,1: 1-16.",
     {"authors": ["Bean"], "title": "Immigrant fertility", "container_title": "Demography", "volume": "38",
      "pages": "1-16"}),
    ("Brown, William O./Burdekin, Richard C. K. (2000): German Debt Traumas. In: Economica 68 (271), S. 317-333.",
     {"authors": ["Brown", "Burdekin"], "title": "German Debt Traumas", "container_title": "Economica",
      "volume": "68", "issue": "271", "pages": "317-333"}),
    ("Anderson RM, May RM. Population biology of infectious diseases. Nature. 1979;280:361-7.",
     {"authors": ["Anderson", "May"], "title": "Population biology of infectious diseases",
      "container_title": "Nature", "volume": "280", "year": 1979}),
    ("Katikireddi SV, Cloud GC: Planning a patient-centred service. BMJ 2008, 337:a1234.",
     {"authors": ["Katikireddi", "Cloud"], "title": "Planning a patient-centred service", "container_title": "BMJ"}),
    ("Kandel, E. R. (2001). Neural plasticity and memory. Nat. Rev. Neurosci. 2, 147-155.",
     {"authors": ["Kandel"], "title": "Neural plasticity and memory", "container_title": "Nat. Rev. Neurosci",
      "volume": "2", "pages": "147-155"}),
    ("Inowlocki, Lena & Lutz, Helma (2000): Hard Labour. In: Schmidt, Peter (Hrsg.): Biographie und Geschlecht. "
     "Opladen: Leske + Budrich, S. 101-123.",
     {"authors": ["Inowlocki", "Lutz"], "editors": ["Schmidt"], "title": "Hard Labour", "place": "Opladen",
      "pages": "101-123"}),
    ("Barlösius, Eva: Soziologie der Armut. Eine Einführung. München 2004.",
     {"authors": ["Barlösius"], "title": "Soziologie der Armut. Eine Einführung", "place": "München", "year": 2004}),
    ("Rossi, Paolo: La storia della scienza moderna. Palermo 2005.",
     {"authors": ["Rossi"], "title": "La storia della scienza moderna", "place": "Palermo", "year": 2005}),
    ("Dewey, John. Democracy and Education. Mineola, N.Y.: Dover, 2004.",
     {"authors": ["Dewey"], "title": "Democracy and Education", "publisher": "Dover", "year": 2004}),
    ("World Health Organization (2018): Global status report on alcohol and health. Geneva: WHO.",
     {"authors": ["World Health Organization"], "title": "Global status report on alcohol and health",
      "place": "Geneva", "publisher": "WHO"}),
    ("12. Jones, M. (2010). Learning to read. Journal of Education, 12(3), 45-67.",
     {"authors": ["Jones"], "title": "Learning to read", "container_title": "Journal of Education",
      "volume": "12", "issue": "3", "pages": "45-67"}),
    ("[7] J. Ziv and A. Lempel, A universal algorithm for sequential data compression, IEEE Trans. Inf. Theory 23 "
     "(1977) 337-343.",
     {"authors": ["Ziv", "Lempel"], "title": "A universal algorithm for sequential data compression",
      "container_title": "IEEE Trans. Inf. Theory", "volume": "23", "pages": "337-343"}),
    ("Schulze, Gerhard: Die Erlebnisgesellschaft. Kultursoziologie der Gegenwart. 2. Aufl. Frankfurt a. M./New York: "
     "Campus 2005.",
     {"authors": ["Schulze"], "title": "Die Erlebnisgesellschaft. Kultursoziologie der Gegenwart", "publisher": "Campus",
      "year": 2005}),
    ("Lamont, Michèle (1992). Money, Morals, and Manners. Chicago: University of Chicago Press.",
     {"authors": ["Lamont"], "title": "Money, Morals, and Manners", "place": "Chicago",
      "publisher": "University of Chicago Press", "year": 1992}),
]


def _value(v):
    if isinstance(v, list):
        return [n.get("family") or n.get("literal") for n in v]
    return v


def _norm(v):
    if isinstance(v, list):
        return [_norm(x) for x in v]
    return " ".join(str(v).replace("–", "-").replace(".", " ").split()).casefold() if v is not None else None


def test_real_looking_references_field_accuracy():
    right = total = 0
    misses = []
    for raw, want in CASES:
        got = parse(raw)
        for k, v in want.items():
            total += 1
            if _norm(_value(got.get(k))) == _norm(v):
                right += 1
            else:
                misses.append((raw[:40], k, _value(got.get(k)), v))
    # a floor under the shipped model's share (see kbdev/parser_eval.py for the real held-out figures)
    assert right / total >= 0.85, misses


@pytest.mark.parametrize("raw", [CASES[3][0], CASES[7][0]])
def test_slash_and_ampersand_author_lists(raw):
    assert [n["family"] for n in parse(raw)["authors"]] == CASES[[c[0] for c in CASES].index(raw)][1]["authors"]


def test_list_label_stripped():
    assert strip_list_label("12. Jones, M. Title.") == "Jones, M. Title."
    assert strip_list_label("[12] Jones") == "Jones"
    assert strip_list_label("[28]. Todd P.W. McMullen") == "Todd P.W. McMullen"
    assert strip_list_label("(2012) Title") == "(2012) Title"
    assert strip_list_label("2012. Title") == "2012. Title"
    a, b = parse(CASES[12][0]), parse(CASES[12][0][4:])
    assert a == b


def test_inverted_pairs():
    assert split_names("Brown, William O./Burdekin, Richard C. K.") == [
        {"family": "Brown", "given": "William O."}, {"family": "Burdekin", "given": "Richard C. K."}]
    assert len(split_names("Inowlocki, Lena & Lutz, Helma")) == 2
    assert len(split_names("Smith, J., Jones, K. & Brown, L.")) == 3


def test_confidence_present_and_lower_on_junk():
    clean = [parse(raw) for raw, _ in CASES]
    junk = [parse(s) for s in ("qwr zxv, 77 plk mnb; 9 - trs", "lorem ipsum 12 dolor sit 3, amet 4-5 consectetur",
                               "xx yy. zz 88 (aa) bb: cc, dd", "The and of, in to. 45; 1999 a the the")]
    for f in clean + junk:
        assert f["confidence"] is None or 0.0 <= f["confidence"] <= 1.0
        assert isinstance(f["low_confidence"], list)
    assert all(f["confidence"] is not None for f in clean)
    mean = lambda fs: sum(f["confidence"] for f in fs) / len(fs)  # noqa: E731
    assert mean(junk) < mean(clean) - 0.1
    assert sum(bool(f["low_confidence"]) or f["confidence"] < 0.5 for f in junk) >= 3


def test_anystyle_reader_labels(tmp_path):
    from kbdev import anystyle
    xml = ("<?xml version='1.0' encoding='UTF-8'?><dataset><sequence>"
           "<citation-number>[3]</citation-number><author>Bean, Frank D.</author><date>(2001):</date>"
           "<title>Immigrant fertility.</title><journal>In: Demography</journal><volume>38 (1):</volume>"
           "<pages>S. 1-16.</pages><location>Berlin:</location><publisher>Campus.</publisher>"
           "<note>(Reihe Arbeit, 4).</note></sequence></dataset>")
    (tmp_path / "core.xml").write_text(xml, encoding="utf-8")
    data = anystyle.load(tmp_path)
    segs = data["core"][0]
    toks, labels, _ = anystyle.sequence(segs)
    got = {}
    for t, lab in zip(toks, labels):
        got.setdefault(t.text, lab)  # the first token of each text
    assert toks[0].text == "Bean"  # the list label is dropped as kb.parse drops it
    assert got["Bean"] == got["Frank"] == "author"
    assert got["2001"] == "date" and got["fertility"] == "title"
    assert got["In"] == "other" and got["Demography"] == "container"
    assert got["38"] == "volume" and got["1"] == "issue"
    assert got["S"] == "other" and got["16"] == "pages"
    assert got["Berlin"] == "place" and got["Campus"] == "publisher"
    assert got["Reihe"] == "note" and got["("] == "other"  # words no field takes, apart from the marks


@pytest.mark.parametrize("text,families", [
    ("Smith, J., and others", ["Smith"]),              # "and others" is no person
    ("Müller, K. u", ["Müller"]),                      # what a cut "u. a." leaves
    ("Herndon D. N. et coll.", ["Herndon"]),           # Vancouver with dotted initials
    ("Lo Piccolo, F.", ["Lo Piccolo"]),                # two-word family before its initial
    ("García Márquez, G. and Lee, K.", ["García Márquez", "Lee"]),
    ("Dupont, U.", ["Dupont"]),                        # a capital U is an initial
    ("Bundesministerium für Familie, Senioren, Frauen und Jugend", [None]),  # one organisation
    ("Department of Health, UK", [None]),
    ("De la Cruz, Maria", ["De la Cruz"]),
])
def test_name_lists(text, families):
    assert [n.get("family") for n in split_names(text)] == families


def test_place_and_year_closing_a_title():
    got = parse("Beck, Ulrich (2004): Der kosmopolitische Blick. München 2004.")
    assert (got["title"], got["place"], got["year"]) == ("Der kosmopolitische Blick", "München", 2004)


def test_title_opening_with_a_quotation_keeps_its_words():
    got = parse('Kaiman, J. (2018). "Tyrant Train Woman" Goes Trending on Weibo and Unleashes Flood of New Memes. '
                "What's on Weibo. https://www.whatsonweibo.com/tyrant")
    assert "Goes Trending on Weibo" in (got["title"] or "")


def _toks_labels(text, spans):
    """Tokens of ``text`` and labels from (label, first word, last word) spans."""
    from kb.parsing.tokens import tokenize, _quote_states
    toks = tokenize(text)
    words = [t.text for t in toks]
    labels = ["other"] * len(toks)
    for lab, a, b in spans:
        i = words.index(a)
        j = words.index(b, i)
        labels[i:j + 1] = [lab] * (j - i + 1)
    return toks, labels, _quote_states(toks, text)


def test_a_quoted_title_ends_at_its_closing_quote():
    from kb.parse import _whole_quoted_title
    text = "“Exposing the Dictatorship”, ABC News In-Depth, YouTube Video. September 18, 2018."
    toks, labels, q = _toks_labels(text, [("title", "Exposing", "Depth"), ("container", "YouTube", "Video")])
    got = _whole_quoted_title(toks, labels, q)
    words = [t.text for t in toks]
    assert [w for w, l in zip(words, got) if l == "title" and w.isalnum()] == ["Exposing", "the", "Dictatorship"]
    assert got[words.index("ABC")] == "container"
    # a translation in parentheses after the quotation stays with the title
    text = "“Ba Wangluo Zaoyao” (Criminalizing rumours) Opinion. 2015."
    toks, labels, q = _toks_labels(text, [("title", "Ba", "rumours")])
    assert _whole_quoted_title(toks, labels, q)[[t.text for t in toks].index("Criminalizing")] == "title"


@pytest.mark.parametrize("text,lead,is_title", [
    ("Planning Outline for the Construction of a Credit System, (14 June 2014).", ("Planning", "System"), True),
    ("Social Credit System part-I, asiasociety.org. 2019.", ("Social", "I"), True),
    ("Smith, John and Anna van der Berg, 1999.", ("Smith", "Berg"), False),
    ("Ministry of Finance of the Republic, 2014.", ("Ministry", "Republic"), False),
    ("Smith, J. and K. Lee, 2001.", ("Smith", "Lee"), False),
])
def test_a_lead_that_reads_as_a_title_is_the_title(text, lead, is_title):
    from kb.parse import _unnamed_lead_is_title
    toks, labels, _ = _toks_labels(text, [("author",) + lead])
    got = _unnamed_lead_is_title(toks, list(labels))
    assert (got[0] == "title") is is_title


@pytest.mark.parametrize("text,span,venue_word", [
    ('"Tyrant Train Woman" Goes Trending on Weibo. 2018.', ("Tyrant", "Weibo"), None),
    ("“Exposing the Dictatorship,” ABC News In-Depth. 2018.", ("Exposing", "Depth"), "ABC"),
])
def test_words_after_a_quotation(text, span, venue_word):
    from kb.parse import _whole_quoted_title
    toks, labels, q = _toks_labels(text, [("title",) + span])
    got = _whole_quoted_title(toks, labels, q)
    words = [t.text for t in toks]
    if venue_word:
        assert got[words.index(venue_word)] == "container"
    else:
        assert got[words.index("Goes")] == "title"


def test_a_lone_container_holding_the_title_is_split():
    from kb.parse import _venue_as_title
    text = "Wang, Y. (2015). The Rise of the Chinese Security State. The China Quarterly, 222, 339-359."
    toks, labels, _ = _toks_labels(text, [("author", "Wang", "Y"), ("date", "2015", "2015"),
                                          ("container", "The", "Quarterly"), ("volume", "222", "222")])
    _venue_as_title(toks, labels)
    words = [t.text for t in toks]
    assert labels[words.index("Rise")] == "title" and labels[words.index("Quarterly")] == "container"
