"""kb.locate rules for layouts of common styles (each on a small hand-made document):
one entry per paragraph, numbered lists, single-spaced author-date lists,
entries run together on one line, short-form notes, names with particles,
and note numbering that restarts in each chapter."""
from __future__ import annotations

import pytest

from kb.locate import _split_chicago_run, locate, split_note
from kb.models import Apparatus, Document


def make_doc(text: str) -> Document:
    return Document(id="t", path="t.txt", lines=text.split("\n"), sha256="", format="txt")


def raws(app: Apparatus) -> list[str]:
    return [e.raw for e in app.entries]


BODY = "Trust matters (Baker, 2005). Markets do too (Cheng, 2009).\n\n"


def test_one_entry_per_paragraph_even_when_lines_start_like_entries():
    text = BODY + (
        "References\n\n"
        "Baker, L., ter Haar, K. & Kühnreich, J. (2005). The politics of food. In H.\n"
        "Costa & J. Kowalczyk (Eds.), Rights and work (pp. 1-9). New York: Seuil.\n\n"
        "Cairo's the credit question: evidence from Lima. (2014, October). EnergyCredit.\n"
        "Retrieved from https://news.example.net/cairo-credit\n\n"
        "Cheng, Y. (2009, July 27). On Radical Forest. Housing Weekly.\n\n"
        "Guojia Fazhan 济社中 (National Development Commission) (2018, November).\n"
        "Le ville et la État en Cairo. Modern Science Blog.\n\n"
        "van der Berg, M. B. (1996). The Politics of Space. Migration and Society, 46(9).\n")
    got = raws(locate(make_doc(text)))
    assert len(got) == 5
    assert got[0].endswith("New York: Seuil.")
    assert got[1].startswith("Cairo's") and got[1].endswith("cairo-credit")
    assert got[3].endswith("Modern Science Blog.")
    assert got[4].startswith("van der Berg")


def test_double_spaced_pdf_list_is_not_cut_at_every_blank_line():
    text = BODY + (
        "Bibliography\n\n"
        "Ahmed, Shazeda. “Cashless Society, Cached Data. Security Considerations for a\n\n"
        "Chinese Social Credit System”. The Citizen Lab. 01.24.2017.\n\n"
        "Altheide, David L. Terrorism and the Politics of Fear. New York: Rowman &\n\n"
        "Littlefield, 2006.\n\n"
        "Bakken, Børge. The Exemplary Society: Human Improvement, Social Control, and the\n\n"
        "Dangers of Modernity in China. New York: Oxford University Press, 2000.\n")
    got = raws(locate(make_doc(text)))
    assert [r.split(",")[0] for r in got] == ["Ahmed", "Altheide", "Bakken"]


def test_numbered_list_cuts_only_at_the_next_number():
    text = BODY + (
        "References\n\n"
        "[1] State Council. Guiding Opinions on Visual Security. 2023.\n"
        "[2] du Bois G (1988) A public history of memory. In: van Dijk K, eds. Is trade\n"
        "47. Paris: Parker & Baker. pp 758-775.\n"
        "[3] Smirnov A. On political theory?. Annals of Method. 1986;35(6):834-868.\n")
    got = raws(locate(make_doc(text)))
    assert len(got) == 3
    assert got[1].startswith("du Bois") and got[1].endswith("pp 758-775.")


def test_single_spaced_author_date_list():
    text = BODY + (
        "References\n"
        "Act on Local Revolution. (2017).\n"
        "Baker, L. (2005). The politics of food. In J. Zhong & A.\n"
        "Dvořák-Kang (Eds.), Falü xinwen (pp. 212-228). Ivanov Publishing.\n"
        "Chengshi guanli lishi fazhan 国会信 (Authoritarianism and Silence in Lagos). (2003, July\n"
        "27). Netflix.\n"
        "Ivanov, A. & Turner, L. (1962). Why Silence Matters. Berlin: Oxford University\n"
        "Press.\n"
        "Japan Commission on Justice (2003, December 9). Guiding Opinions on Old Film.\n"
        "Mao, X. (2013). The Practice Question. Retrieved from\n"
        "https://blogs.example.fr/doc/the-practice-question.pdf\n"
        "van der Berg, P. (2013, November 9). How Italy learned to love care. Transport\n"
        "Online.\n")
    got = raws(locate(make_doc(text)))
    assert [r[:6] for r in got] == ["Act on", "Baker,", "Chengs", "Ivanov", "Japan ",
                                    "Mao, X", "van de"]
    assert got[3].endswith("Oxford University Press.")      # "Press." is no sub-heading


def test_hanging_indent_list_cut_at_flush_lines():
    text = BODY + (
        "Works Cited\n"
        "Baker, Lena. Food. Verso, 2005.\n"
        "Why war matters: evidence from Egypt? Verso, 1939.\n"
        "Cheng, Yongxi. “On Radical Forest.” Housing Weekly, 27 July 2009,\n"
        "    news.example.net/forest. Accessed 5 Aug. 2023.\n"
        "Rethinking Land in Visual Europe (1998–2023). Gallimard, 1995.\n"
        "von Weizsäcker, Mathilde. “A history of class.” Gender.org,\n"
        "    22 Sep. 2001.\n")
    got = raws(locate(make_doc(text)))
    assert [r[:6] for r in got] == ["Baker,", "Why wa", "Cheng,", "Rethin", "von We"]


def test_chicago_entries_run_together_on_one_line():
    assert _split_chicago_run(
        "Smith, John. Power. London: Verso, 2001. Jones, Mary. Trust. Oslo: Polity, 2003.") == [
        "Smith, John. Power. London: Verso, 2001.", "Jones, Mary. Trust. Oslo: Polity, 2003."]
    one = ("Feng, Yuxuan Wei. “Rethinking Ritual”. In Identity after Modernity, edited by "
           "Mark Hartmann and Amelia Roberts, 380-406. Chicago: MIT Press, 1962.")
    assert _split_chicago_run(one) == [one]
    text = BODY + ("Bibliography\n\n"
                   "Baker, Lena. Food. London: Verso, 2005. Cheng, Yongxi. Forest. Oslo: Polity, 2009.\n"
                   "Dvořák, Stefan. “Silence”. Finance & Nation 56 (1980): 384-420.\n")
    assert [r.split(",")[0] for r in raws(locate(make_doc(text)))] == ["Baker", "Cheng", "Dvořák"]


NOTES = ("The state grew.1 Markets followed.2 Trust broke down.3 Cities grew.4 Rents rose.5\n\n"
         "Notes\n\n"
         "1. Piotr Peters, “New gender: health, body,” ARD, 25 April 1966.\n"
         "2. “Capitalism, water, and the moral democracy,” Housing Online, 2024.\n"
         "3. Rural Institute for Development Studies, “Regulation on Economic Crisis,” 2001.\n"
         "4. Capitalism, water, and the moral.\n"
         "5. Rural Institute for Development Studies, Regulation on Economic Crisis, 34.\n")


def test_short_form_notes_found_by_their_full_reference():
    app = locate(make_doc(NOTES))
    assert sorted({e.note for e in app.entries}) == [1, 2, 3, 4, 5]


def test_comment_note_is_not_taken_for_a_short_form():
    text = NOTES.replace("4. Capitalism, water, and the moral.", "4. Translation mine, here and below.")
    app = locate(make_doc(text))
    assert 4 in app.notes and 4 not in {e.note for e in app.entries}


@pytest.mark.parametrize("note,n", [
    ("Baker, Lakshmi; Müller, Max-Sarah; ter Haar, Kofi; Van Dyke, Daniel (2005). "
     "\"The politics of food\". Politics 44 (1): 642-657.", 1),
    ("Peng, Ming (1977). “The crisis question”. In Costa, Hassan; Kowalczyk, Juliette (ed.). "
     "Rights and work in japan: evidence from China. Éditions du Seuil.", 1),
    ("Fu, Tao (2010). “Kultur und Überwachung”. In Girard, Deepa (ed.). A urban history of "
     "water: global land and finance in Shanghai. Campus Verlag.", 1),
    ("Sarah Peterson, “Rethinking \"Technology in Urban\" Germany,” Welfare Magazine, 2011.", 1),
])
def test_note_with_name_lists_and_nested_quotes_is_one_source(note, n):
    pieces = split_note(note)
    assert len(pieces) == n
    assert pieces[-1][1].rstrip(".").endswith(note.rstrip(".")[-12:])


@pytest.mark.parametrize("note", [
    "Rethinking Democracy in Everyday India (Éditions du Seuil, 1993).",
    "Rethinking voice in transnational Cairo, Frankfurt a. M. 1983.",
    "Uwe ibn Khaldun, On Digital Ageing? (Vietnam Commission on Class, 1996).",
])
def test_book_citations_known_by_their_publication_facts(note):
    text = "A claim.1\n\nNotes\n\n1. " + note + "\n2. Max Weber, Economy (Berkeley: UCP, 1978).\n"
    assert any(e.note == 1 for e in locate(make_doc(text)).entries)


def test_endnote_numbering_restarts_in_each_chapter():
    text = ("Chapter One\n\nThe state grew.1 Markets followed.2 Trust broke down.3\n\n"
            "Chapter Two\n\nCities expanded.1 Labour moved.2\n\n"
            "Notes\n\nChapter One\n\n"
            "1. Karl Polanyi, The Great Transformation (New York: Farrar, 1944), 12.\n"
            "2. Max Weber, Economy and Society (Berkeley: University of California Press, 1978).\n"
            "3. Polanyi, The Great Transformation, 40.\n\n"
            "Chapter Two\n\n"
            "1. David Harvey, Social Justice and the City (London: Arnold, 1973).\n"
            "2. Harvey, Social Justice, 88.\n")
    app = locate(make_doc(text))
    assert [(m.number, m.text) for m in app.markers] == [
        (1, "1"), (2, "2"), (3, "3"), (4, "1"), (5, "2")]
    assert sorted(app.notes) == [1, 2, 3, 4, 5]
    assert app.notes[4].text.startswith("David Harvey")
    assert [e.note for e in app.entries] == [1, 2, 3, 4, 5]


def test_footnote_numbering_restarts_in_each_chapter():
    text = ("1 Introduction\n\nThe state grew.1 Markets followed.2 Trust broke down.3\n\n"
            "____________\n"
            "1 Karl Polanyi, The Great Transformation (New York: Farrar, 1944), 12.\n"
            "2 Max Weber, Economy and Society (Berkeley: University of California Press, 1978).\n"
            "3 Polanyi, The Great Transformation, 40.\n"
            "12\n\n"
            "2 Cities\n\nCities expanded.1 Labour moved.2\n\n"
            "____________\n"
            "1 David Harvey, Social Justice and the City (London: Arnold, 1973).\n"
            "2 Harvey, Social Justice, 88.\n"
            "13\n")
    app = locate(make_doc(text))
    assert [m.number for m in app.markers] == [1, 2, 3, 4, 5]
    assert sorted(app.notes) == [1, 2, 3, 4, 5]
    assert app.notes[5].text == "Harvey, Social Justice, 88."
