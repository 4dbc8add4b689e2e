"""Unit tests for kb.resolve: one case of the issue per test."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from kb import resolve as R
from kbdev.metrics import bcubed, cluster_errors
from kb.resolve import resolve


def ref(rid, doc="d1", **kw):
    """A ref row as load_refs gives it."""
    row = {"id": rid, "document_id": doc, "position": rid, "kind": "footnote",
           "raw": kw.pop("raw", f"raw {rid} {kw.get('title')}"), "type": "book",
           "authors": [], "editors": [], "translators": [], "title": None,
           "container_title": None, "year": None, "url": None, "doi": None,
           "isbn": None, "publisher": None, "short_form": 0, "same_as": None,
           "year_suffix": None, "edition": None}
    row.update(kw)
    return row


def person(family, given=None):
    return {"family": family, "given": given}


def org(name):
    return {"literal": name}


def same_work(res, *ids):
    return len({res.ref_work[i] for i in ids}) == 1


def work_of(res, rid):
    return next(w for w in res.works if w["id"] == res.ref_work[rid])


# ---------------------------------------------------------------- works: joins

def test_full_short_form_and_ibid_are_one_work():
    refs = [ref(1, kind="bibliography", title="The Transparent Self Under Big Data Profiling",
                authors=[person("Chen", "Yongxi"), person("Cheung", "Anne")], year=2017),
            ref(2, title="The Transparent Self", authors=[person("Chen")], short_form=1, same_as=1),
            ref(3, raw="Ibid.", short_form=1, same_as=2)]
    res = resolve(refs, {})
    assert same_work(res, 1, 2, 3)
    assert len(res.works) == 1
    assert {m["reason"] for m in res.merges} == {"same_as"}


def test_short_form_without_same_as_matches_its_full_ref():
    refs = [ref(1, kind="bibliography", title="China to build giant facial recognition "
                "database to identify any citizen within seconds",
                authors=[person("Chen", "Steven")], year=2017, type="article-newspaper"),
            ref(2, title="China to build giant facial recognition database",
                authors=[person("Chen")], short_form=1, type="article-newspaper")]
    assert same_work(resolve(refs, {}), 1, 2)


def test_ibid_without_same_as_is_not_merged_with_other_ibids():
    refs = [ref(1, title="Discipline and Punish", authors=[person("Foucault", "Michel")]),
            ref(2, raw="Ibid.", short_form=1),
            ref(3, title="Liquid Surveillance", authors=[person("Bauman", "Zygmunt")]),
            ref(4, raw="Ibid.", short_form=1)]
    res = resolve(refs, {})
    assert len({res.ref_work[i] for i in (1, 2, 3, 4)}) == 4


def test_with_and_without_subtitle_are_one_work():
    refs = [ref(1, doc="a", title="Discipline and Punish", authors=[person("Foucault")]),
            ref(2, doc="b", title="Discipline and Punish: the Birth of the Prison",
                authors=[person("Foucault", "Michel")], year=1975),
            ref(3, doc="c", title="Discipline and punish: the birth of the prison",
                authors=[person("Foucault", "M.")], year=1991, edition="2")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2, 3)


def test_doi_joins_different_spellings():
    refs = [ref(1, doc="a", title="The Rise Of The Chinese Security State", type="article-journal",
                authors=[person("Wang", "Yuhua")], doi="10.1017/s0305741015000430"),
            ref(2, doc="b", title="Rise of the Chinese security-state", type="article-journal",
                authors=[person("Wang", "Y.")], doi="https://doi.org/10.1017/S0305741015000430")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2)
    assert res.merges[0]["reason"] == "doi"


def test_url_joins_but_bare_homepage_does_not():
    refs = [ref(1, doc="a", title="What's Your Public Credit Score?", type="webpage",
                url="http://www.npr.org/sections/parallels/2017/01/03/507983933/score"),
            ref(2, doc="b", title="Public credit score in Shanghai", type="webpage",
                url="https://npr.org/sections/parallels/2017/01/03/507983933/score/"),
            ref(3, doc="a", title="Chinese Citizens Want the Government to Rank Them",
                type="article-magazine", url="https://foreignpolicy.com/"),
            ref(4, doc="b", title="Life Inside China's Social Credit Laboratory",
                type="article-magazine", url="https://foreignpolicy.com/")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2)
    assert not same_work(res, 3, 4)
    assert any(m["reason"] == "url" for m in res.merges)


def test_isbn10_and_isbn13_join():
    refs = [ref(1, doc="a", title="From Family to Market", authors=[person("Wang", "Fei-ling")],
                isbn="0-8476-8880-1"),
            ref(2, doc="b", title="Labor Allocation in Contemporary China",
                authors=[person("Wang", "Fei Ling")], isbn="978-0-8476-8880-7")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2)
    assert res.merges[0]["reason"] == "isbn"


def test_typo_in_author_name_is_one_work_and_one_author():
    refs = [ref(1, doc="a", title="The end of forgetting: Strategic agency beyond the panopticon",
                authors=[person("Bossewith", "Jonah"), person("Sinnreich", "Aram")],
                year=2012, type="article-journal"),
            ref(2, doc="b", title="The End of Forgetting: Strategic Agency beyond the Panopticon",
                authors=[person("Bossewitch", "Jonah"), person("Sinnreich", "Aram")],
                year=2013, type="article-journal")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2)
    first = {aid for rid, role, pos, aid in res.ref_authors if pos == 0}
    assert len(first) == 1


def test_at_al_is_dropped_like_et_al():
    refs = [ref(1, doc="a", title="On Fairness: User perspectives on social media data mining",
                authors=[person("Kennedy", "Helen"), person("Elgesem", "Dag")], year=2015),
            ref(2, doc="b", title="On Fairness: user perspectives on social media data mining",
                authors=[person("Kennedy at al.", "H.")], year=2015),
            ref(3, doc="c", title="On fairness: User perspectives on social media data mining",
                authors=[person("Kennedy", "H."), {"literal": "et al."}], year=2015)]
    res = resolve(refs, {})
    assert same_work(res, 1, 2, 3)
    names = {a["name"] for a in res.authors}
    assert not any("al." in n for n in names)
    assert len([a for a in res.authors if a["family"] == "Kennedy"]) == 1


def test_translation_cited_under_its_translator_is_one_work():
    refs = [ref(1, doc="a", title="Discipline and Punish: The Birth of the Prison",
                authors=[person("Foucault", "Michel")], translators=[person("Sheridan", "Alan")],
                year=1977),
            ref(2, doc="b", title="Discipline and punish: the birth of the prison",
                authors=[person("Sheridan", "Alan")], year=1977)]
    assert same_work(resolve(refs, {}), 1, 2)


def test_translation_under_another_title_is_its_own_work_unless_it_names_the_original():
    liquid = ref(1, doc="a", title="Liquid Surveillance: A Conversation",
                 authors=[person("Bauman", "Zygmunt"), person("Lyon", "David")], year=2013)
    german = ref(2, doc="b", title="Daten, Drohnen, Disziplin: Ein Gespräch über flüchtige Überwachung",
                 authors=[person("Bauman", "Zygmunt"), person("Lyon", "David")], year=2014)
    assert not same_work(resolve([liquid, german], {}), 1, 2)
    named = dict(german, raw="Bauman, Zygmunt and David Lyon. Daten, Drohnen, Disziplin. "
                 "Berlin: Suhrkamp, 2014. Originaltitel: Liquid Surveillance: A Conversation.")
    assert same_work(resolve([liquid, named], {}), 1, 2)


def test_editions_and_reprints_are_one_work_and_keep_their_edition():
    refs = [ref(1, doc="a", title="1984", authors=[person("Orwell", "George")], year=1949),
            ref(2, doc="b", title="Nineteen Eighty-Four", authors=[person("Orwell", "George")],
                year=1990, edition="Penguin reprint")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2)
    assert refs[1]["edition"] == "Penguin reprint"   # refs are not rewritten


def test_title_only_news_item_joins_a_ref_naming_its_author():
    refs = [ref(1, doc="a", kind="bibliography", type="article-newspaper", year=2018,
                title="Inside China's Dystopian Dreams: A.I., Shame and Lots of Cameras",
                authors=[person("Mozur", "P.")]),
            ref(2, doc="b", type="article-newspaper",
                title="Inside China’s Dystopian Dreams: A.I., Shame and Lots of Cameras")]
    assert same_work(resolve(refs, {}), 1, 2)


def test_organisation_author_in_two_spellings():
    refs = [ref(1, doc="a", type="legislation", year=2014, authors=[org("Chinese State Council")],
                title="Planning Outline for the Construction of a Social Credit System (2014–2020)"),
            ref(2, doc="b", type="legislation", year=2014, authors=[org("State Council")],
                title="Planning Outline for the Construction of a Social Credit System 2014-2020")]
    assert same_work(resolve(refs, {}), 1, 2)


# ---------------------------------------------------------- works: kept apart

def test_same_author_two_works_of_one_year_stay_apart():
    refs = [ref(1, kind="bibliography", type="chapter", year=2003, year_suffix="a",
                title="Introduction", authors=[person("Lyon", "D.")],
                container_title="Surveillance as Social Sorting"),
            ref(2, kind="bibliography", type="chapter", year=2003, year_suffix="b",
                title="Surveillance as social sorting: computer codes and mobile bodies",
                authors=[person("Lyon", "D.")], container_title="Surveillance as Social Sorting")]
    assert not same_work(resolve(refs, {}), 1, 2)


def test_year_suffixes_keep_near_identical_titles_apart():
    refs = [ref(1, kind="footnote", year=2003, year_suffix="a", title="Surveillance after September 11",
                authors=[person("Lyon", "David")]),
            ref(2, kind="footnote", year=2003, year_suffix="b", title="Surveillance after September 11",
                authors=[person("Lyon", "David")])]
    assert not same_work(resolve(refs, {}), 1, 2)


def test_two_bibliography_entries_of_one_document_stay_apart():
    refs = [ref(1, kind="bibliography", title="Surveillance Studies", type="entry-encyclopedia",
                authors=[person("Marx", "Gary T.")], year=2015),
            ref(2, kind="bibliography", title="Surveillance Studies", type="entry-encyclopedia",
                authors=[person("Marx", "Gary T.")], year=2015),
            ref(3, doc="other", title="Surveillance Studies", type="entry-encyclopedia",
                authors=[person("Marx", "Gary T.")], year=2015)]
    res = resolve(refs, {})
    assert not same_work(res, 1, 2)
    assert same_work(res, 1, 3) or same_work(res, 2, 3)


def test_chapter_and_the_book_holding_it_stay_apart():
    refs = [ref(1, doc="a", type="book", title="Surveillance as Social Sorting",
                authors=[person("Lyon", "David")], year=2003, isbn="0415278732"),
            ref(2, doc="b", type="chapter", title="Surveillance as Social Sorting",
                container_title="Surveillance as Social Sorting",
                authors=[person("Lyon", "David")], year=2003, isbn="0415278732")]
    assert not same_work(resolve(refs, {}), 1, 2)


def test_two_reports_of_one_organisation_stay_apart():
    refs = [ref(1, doc="a", type="report", authors=[org("Freedom House")],
                title="Freedom in the World 2017"),
            ref(2, doc="b", type="report", authors=[org("Freedom House")],
                title="Freedom in the World 2018"),
            ref(3, doc="a", type="report", authors=[org("Pew Research Center")], year=2016,
                title="Privacy and Information Sharing"),
            ref(4, doc="b", type="report", authors=[org("Pew Research Center")], year=2016,
                title="Americans feel the tension between privacy and security")]
    res = resolve(refs, {})
    assert not same_work(res, 1, 2)
    assert not same_work(res, 3, 4)


def test_same_title_report_of_another_year_stays_apart():
    refs = [ref(1, doc="a", type="report", year=2017, authors=[org("CNNIC")],
                title="Statistical Report on Internet Development in China"),
            ref(2, doc="b", type="report", year=2019, authors=[org("CNNIC")],
                title="Statistical Report on Internet Development in China"),
            ref(3, doc="c", type="report", year=2018, authors=[org("CNNIC")],
                title="Statistical Report on Internet Development in China"),
            ref(4, doc="d", type="report", year=2018, authors=[org("CNNIC")],
                title="Statistical report on internet development in China")]
    res = resolve(refs, {})
    assert len({res.ref_work[i] for i in (1, 2, 3)}) == 3
    assert same_work(res, 3, 4)


def test_parts_of_a_series_stay_apart():
    refs = [ref(i, doc=f"d{i}", type="webpage", title=f"Social Credit System part-{p}",
                container_title="asiasociety.org")
            for i, p in enumerate(["I", "II", "III", "IV"], 1)]
    refs.append(ref(5, doc="d9", type="webpage", title="Social Credit System part-I",
                    container_title="asiasociety.org"))
    res = resolve(refs, {})
    assert len({res.ref_work[i] for i in range(1, 5)}) == 4
    assert same_work(res, 1, 5)


def test_generic_titles_do_not_join_different_books():
    refs = [ref(1, doc="a", type="chapter", title="Introduction", year=2012,
                authors=[person("Gubrium", "Jaber F.")], container_title="The SAGE Handbook"),
            ref(2, doc="b", type="chapter", title="Introduction", year=2005,
                authors=[person("Gubrium", "Jaber F.")], container_title="Another Handbook"),
            ref(3, doc="c", type="chapter", title="Introduction", year=2012,
                authors=[person("Smith", "J.")], container_title="The SAGE Handbook")]
    res = resolve(refs, {})
    assert len({res.ref_work[i] for i in (1, 2, 3)}) == 3


def test_titles_in_different_languages_stay_apart():
    refs = [ref(1, doc="a", type="article-newspaper", year=2018,
                title="La Cina come Black Mirror: entro il 2020 introdurrà un punteggio sociale"),
            ref(2, doc="b", type="article-newspaper", year=2018,
                title="China is becoming Black Mirror: by 2020 it will introduce a social score")]
    assert not same_work(resolve(refs, {}), 1, 2)


def test_refs_without_title():
    refs = [ref(1, doc="a", type="document", raw="appendix 1, quote 1"),
            ref(2, doc="a", type="document", raw="appendix 1, quote 2"),
            ref(3, doc="b", type="document", raw="appendix 1, quote 1"),
            ref(4, doc="a", type="interview", raw="interview with a student"),
            ref(5, doc="a", type="interview", raw="interview with a professor")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2)
    assert not same_work(res, 1, 3)          # another document's appendix
    assert not same_work(res, 4, 5)
    assert all(r["id"] in res.ref_work for r in refs)


def test_short_titles_without_authors_do_not_join():
    refs = [ref(1, doc="a", type="webpage", title="Financial report", authors=[org("Tencent")]),
            ref(2, doc="b", type="webpage", title="Financial report", authors=[org("Baidu")]),
            ref(3, doc="c", type="webpage", title="Financial Reports")]
    res = resolve(refs, {})
    assert len({res.ref_work[i] for i in (1, 2, 3)}) == 3


# ------------------------------------------------------------------ authors

def _author_ids(res, rid, role="author"):
    return [aid for r, ro, pos, aid in sorted(res.ref_authors) if r == rid and ro == role]


def test_name_forms_of_one_person_are_one_author():
    refs = [ref(1, doc="a", title="Cyber China", authors=[person("Creemers", "Rogier")]),
            ref(2, doc="b", title="China's social credit system: an evolving practice",
                authors=[person("Creemers", "R")]),
            ref(3, doc="c", title="Planning Outline", authors=[org("State Council")],
                translators=[person("Creemers", "R.")])]
    res = resolve(refs, {})
    ids = {_author_ids(res, 1)[0], _author_ids(res, 2)[0], _author_ids(res, 3, "translator")[0]}
    assert len(ids) == 1
    creemers = next(a for a in res.authors if a["id"] in ids)
    assert creemers["name"] == "Creemers, Rogier"


def test_conflicting_given_names_are_two_people():
    refs = [ref(1, doc="a", title="Credit and trust in rural China", authors=[person("Jin", "Meng")]),
            ref(2, doc="b", title="Urban grids and policing", authors=[person("Jin", "Ming")]),
            ref(3, doc="c", title="Social credit pilots", authors=[person("Jin", "M.")])]
    res = resolve(refs, {})
    a1, a2, a3 = (_author_ids(res, i)[0] for i in (1, 2, 3))
    assert a1 != a2
    assert a3 not in (a1, a2)   # "M." could be either: kept apart


def test_given_names_with_other_first_letters_are_two_people():
    # family + first initial blocking: a one-letter spelling change at the
    # start is another person, even where the names are near-equal
    refs = [ref(1, doc="a", title="Data and the state", authors=[person("Miller", "Katherine")]),
            ref(2, doc="b", title="Platforms in Asia", authors=[person("Miller", "Catherine")]),
            ref(3, doc="c", title="Data and the state, again", authors=[person("Miller", "K.")])]
    res = resolve(refs, {})
    a1, a2, a3 = (_author_ids(res, i)[0] for i in (1, 2, 3))
    assert a1 != a2 and a3 == a1


def test_many_occurrences_of_one_name_form_are_one_person():
    # a work cited in many documents repeats its author's spelling: one person
    refs = [ref(i, doc=f"d{i}", title="The Social Credit Score",
                authors=[person("Liang", "Fan" if i % 2 else "F.")]) for i in range(1, 41)]
    refs.append(ref(41, doc="z", title="Other work", authors=[person("Liang", "Gang")]))
    res = resolve(refs, {})
    assert len({_author_ids(res, i)[0] for i in range(1, 41)}) == 1
    assert _author_ids(res, 41) != _author_ids(res, 1)


def test_organisations_kept_whole():
    refs = [ref(1, doc="a", title="Notice on the social credit system", type="legislation",
                authors=[org("State Council")]),
            ref(2, doc="b", title="Opinions on credit", type="legislation",
                authors=[org("The State Council")]),
            ref(3, doc="c", title="Human Rights report", type="report",
                authors=[org("Human Rights Watch")])]
    res = resolve(refs, {})
    assert _author_ids(res, 1) == _author_ids(res, 2)
    names = {a["name"] for a in res.authors}
    assert "Human Rights Watch" in names
    sc = next(a for a in res.authors if a["id"] == _author_ids(res, 1)[0])
    assert sc["literal"] == 1 and "State Council" in sc["name"]


def test_diacritics_folded_for_matching_but_kept_for_display():
    refs = [ref(1, doc="a", title="Bentham, Deleuze and Beyond", authors=[person("Galic", "M.")]),
            ref(2, doc="b", title="Bentham, Deleuze and Beyond: An Overview",
                authors=[person("Galič", "Maša")])]
    res = resolve(refs, {})
    assert _author_ids(res, 1) == _author_ids(res, 2)
    a = next(a for a in res.authors if a["id"] == _author_ids(res, 1)[0])
    assert a["name"] == "Galič, Maša"


def test_pinyin_name_printed_family_last_is_one_person():
    refs = [ref(1, doc="a", title="The Road to Digital Unfreedom", authors=[person("Qiang", "X.")]),
            ref(2, doc="b", type="interview", authors=[person("Xiao", "Qiang")]),
            ref(3, doc="c", title="Grid management", authors=[person("Qiang", "Wu")])]
    res = resolve(refs, {})
    assert _author_ids(res, 1) == _author_ids(res, 2)
    assert _author_ids(res, 3) != _author_ids(res, 1)


def test_work_authors_roles_and_positions():
    refs = [ref(1, type="chapter", title="Migration, hukou and resistance in reform China",
                authors=[person("Mallee", "H")],
                editors=[person("Perry", "EJ"), person("Selden", "M")],
                translators=[person("Liu", "Li")])]
    res = resolve(refs, {})
    rows = sorted((wa["role"], wa["position"]) for wa in res.work_authors)
    assert rows == [("author", 0), ("editor", 0), ("editor", 1), ("translator", 0)]
    assert json.loads(res.works[0]["authors"]) == ["Mallee, H"]


# ------------------------------------------------------------- source types

@pytest.mark.parametrize("row, category", [
    (dict(type="webpage", url="http://www.gov.cn/zhengce/content/2014-06/27/content_8913.htm"),
     "government"),
    (dict(type="report", authors=[org("State Council")]), "government"),
    (dict(type="report", authors=[org("Human Rights Watch")]), "NGO or think tank"),
    (dict(type="report", publisher="The Citizen Lab"), "NGO or think tank"),
    (dict(type="article-journal", container_title="China Quarterly"), "scholarly"),
    (dict(type="book", publisher="Routledge"), "book"),
    (dict(type="article-newspaper", container_title="The New York Times"), "news media"),
    (dict(type="webpage", container_title="Roger Clarke's Website"), "web"),
    (dict(type="motion_picture", container_title="YouTube"), "audiovisual"),
    (dict(type="webpage", url="https://www.youtube.com/watch?v=abc"), "audiovisual"),
    (dict(type="interview"), "interview or personal"),
])
def test_source_category(row, category):
    r = ref(1, title="Something specific enough", **row)
    assert resolve([r], {}).works[0]["source_category"] == category


def test_source_types_table_and_work_type_majority_prefers_full_refs():
    refs = [ref(1, doc="a", type="report", title="The Transparent Self Under Big Data Profiling",
                authors=[person("Chen", "Yongxi")], year=2017),
            ref(2, doc="b", type="article-journal", title="The Transparent Self Under Big Data Profiling",
                authors=[person("Chen", "Y.")], year=2017),
            ref(3, doc="c", type="article-journal", title="The Transparent Self under Big Data Profiling",
                authors=[person("Chen", "Yongxi")], year=2017),
            ref(4, doc="a", type="report", title="Transparent Self", short_form=1, same_as=1),
            ref(5, doc="a", type="report", title="Transparent Self", short_form=1, same_as=1)]
    res = resolve(refs, {})
    assert len(res.works) == 1
    assert res.works[0]["type"] == "article-journal"
    assert res.works[0]["ref_count"] == 5
    ids = {s["id"] for s in res.source_types}
    assert ids == {"scholarly", "book", "news media", "government", "NGO or think tank",
                   "web", "audiovisual", "interview or personal"}
    assert all(w["source_category"] in ids for w in res.works)


def test_work_columns_filled_from_the_fullest_refs():
    refs = [ref(1, doc="a", title="From Family to Market: Labor Allocation in Contemporary China",
                authors=[person("Wang", "Fei-ling")], year=1998, publisher="Rowman & Littlefield"),
            ref(2, doc="b", title="From Family to Market: Labor Allocation in Contemporary China",
                authors=[person("Wang", "Fei Ling")], year=1998, isbn="0-8476-8880-1")]
    w = resolve(refs, {}).works[0]
    assert w["isbn"] == "0-8476-8880-1" and w["publisher"] == "Rowman & Littlefield"
    assert w["cited_by_documents"] == 2 and w["ref_count"] == 2


# ---------------------------------------------------------------------- keys

def test_key_format():
    refs = [ref(1, title="The Transparent Self Under Big Data Profiling", year=2017,
                authors=[person("Chén", "Yongxi")]),
            ref(2, title="Ökonomie der Aufmerksamkeit", year=None, authors=[person("Franck", "G.")]),
            ref(3, title="金盾工程", year=2003, type="webpage")]
    keys = [w["key"] for w in resolve(refs, {}).works]
    assert keys == ["chen2017transparent", "franckndokonomie", "anon2003"]


def test_keys_unique_and_suffixed():
    refs = [ref(1, doc="a", title="Transparent governance", year=2017, authors=[person("Chen", "A.")]),
            ref(2, doc="b", title="Transparent markets", year=2017, authors=[person("Chen", "B.")])]
    keys = [w["key"] for w in resolve(refs, {}).works]
    assert keys == ["chen2017transparent", "chen2017transparenta"]


def _doc_refs(doc, start, specs):
    return [ref(start + i, doc=doc, kind="bibliography", raw=f"{a}. {t}. {y}.", title=t,
                year=y, authors=[person(a, "X.")]) for i, (a, t, y) in enumerate(specs)]


def test_keys_stable_across_rebuilds_and_additions():
    doc_a = _doc_refs("a", 1, [("Chen", "The Transparent Self", 2017),
                               ("Lyon", "Surveillance Studies: An Overview", 2007),
                               ("Marx", "Windows into the Soul", 2016)])
    first = resolve(doc_a, {})
    keys1 = {w["title"]: w["key"] for w in first.works}
    second = resolve(doc_a, first.work_keys)
    assert {w["title"]: w["key"] for w in second.works} == keys1
    # a new document, read before "a" in id order, citing one of the works and
    # a new work that collides with an existing key
    doc_0 = _doc_refs("0", 100, [("Chen", "Transparent Governance in China", 2017),
                                 ("Lyon", "Surveillance Studies: An Overview", 2007)])
    third = resolve(doc_0 + doc_a, second.work_keys)
    keys3 = {w["title"]: w["key"] for w in third.works}
    for title, key in keys1.items():
        assert keys3[title] == key
    assert keys3["Transparent Governance in China"] == "chen2017transparenta"
    # refs of an existing work keep its key when the new doc cites it
    assert third.ref_work[101] == third.ref_work[2]
    # and a rebuild from scratch with the stored keys gives the same again
    fourth = resolve(doc_a + doc_0, third.work_keys)
    assert {w["title"]: w["key"] for w in fourth.works} == keys3


def test_split_cluster_keeps_key_on_majority():
    a = _doc_refs("a", 1, [("Chen", "The Transparent Self", 2017)])
    b = _doc_refs("b", 10, [("Chen", "The Transparent Self", 2017)])
    c = _doc_refs("c", 20, [("Chen", "The Transparent Self", 2017)])
    first = resolve(a + b + c, {})
    key = first.works[0]["key"]
    # later, doc c's ref turns out to be another work (new title)
    c2 = [dict(c[0], title="The Transparent Society", raw="Chen. The Transparent Society. 2017.")]
    res = resolve(a + b + c2, first.work_keys)
    keys = {res.ref_work[r["id"]]: w for r in a + b + c2 for w in res.works
            if w["id"] == res.ref_work[r["id"]]}
    assert work_of(res, 1)["key"] == key
    assert work_of(res, 20)["key"] != key
    assert len({w["key"] for w in res.works}) == len(res.works) == len(keys)


# ------------------------------------------------------- internals, properties

def test_blocking_is_bounded_in_big_blocks():
    items = [R.Item(i, ref(i, title=f"Study number {i} of social credit",
                           authors=[person("Wang", "X.")])) for i in range(500)]
    pairs = list(R.candidate_pairs(items))
    # every item sits in at most a few blocks, each compared within a window
    assert len(pairs) <= 500 * R.WINDOW * 3


def test_title_normalisation():
    assert R.norm_title("1984") == R.norm_title("Nineteen Eighty-Four")
    assert R.norm_title("the 21st Century") == R.norm_title("The Twenty-First Century")
    assert R.title_numbers("Social Credit System part-I") != R.title_numbers("part-II")
    assert R.main_title("Discipline and Punish: the Birth of the Prison") == "Discipline and Punish"
    assert R.norm_isbn("0-8476-8880-1") == R.norm_isbn("9780847688807")
    assert R.norm_url("https://foreignpolicy.com/") is None


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_normalisers_total_and_idempotent(text):
    t = R.norm_title(text)
    assert R.norm_title(t) == t
    R.title_numbers(text)
    R.untitled_core(text)
    R.clean_name({"family": text, "given": text})
    R.given_tokens(text)
    R.base_key([{"family": text}], 2000, text)


@given(st.lists(st.tuples(st.sampled_from(["Chen", "Chén", "Lyon", "Marx"]),
                          st.sampled_from(["The Transparent Self", "Surveillance Studies",
                                           "Windows into the Soul", "Introduction"]),
                          st.sampled_from([2003, 2007, None]),
                          st.sampled_from(["a", "b", "c"]),
                          st.booleans()),
                min_size=1, max_size=25))
@settings(max_examples=60, deadline=None)
def test_every_ref_gets_a_work_and_keys_are_unique(specs):
    refs = [ref(i, doc=d, kind="bibliography" if bib else "footnote", title=t, year=y,
                authors=[person(a, "D.")]) for i, (a, t, y, d, bib) in enumerate(specs)]
    res = resolve(refs, {})
    assert set(res.ref_work) == {r["id"] for r in refs}
    keys = [w["key"] for w in res.works]
    assert len(keys) == len(set(keys))
    assert {wa["work_id"] for wa in res.work_authors} <= {w["id"] for w in res.works}
    # bibliography entries of one document are never one work
    bib = [(r["document_id"], res.ref_work[r["id"]]) for r in refs if r["kind"] == "bibliography"]
    assert len(bib) == len(set(bib))


# ------------------------------------------------------------------ metrics

def test_bcubed_known_values():
    gold = {1: "a", 2: "a", 3: "b", 4: "b"}
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed({1: 1, 2: 1, 3: 1, 4: 1}, gold)
    assert (p, r) == (0.5, 1.0)
    p, r, _ = bcubed({1: 1, 2: 2, 3: 3, 4: 4}, gold)
    assert (p, r) == (1.0, 0.5)
    errs = cluster_errors({1: 1, 2: 1, 3: 1, 4: 2}, gold)
    assert errs["merges"] == [[["1", "2"], ["3"]]]
    assert errs["splits"] == [[["3"], ["4"]]]


@given(st.dictionaries(st.integers(0, 30), st.integers(0, 5), min_size=1),
       st.dictionaries(st.integers(0, 30), st.integers(0, 5), min_size=1))
def test_bcubed_bounds(pred, gold):
    p, r, f = bcubed(pred, gold)
    assert 0 < p <= 1 and 0 < r <= 1 and 0 <= f <= 1


def test_untitled_refs_with_identical_long_text_join_across_documents():
    raw = "Interview with a senior official of the People's Bank of China, Beijing, March 2018"
    refs = [ref(1, doc="a", type="interview", raw=raw, parse_ok=0),
            ref(2, doc="b", type="interview", raw=raw + ", p. 4", parse_ok=0)]
    assert same_work(resolve(refs, {}), 1, 2)


def test_key_survives_a_slightly_changed_raw_text():
    doc_a = _doc_refs("a", 1, [("Chen", "The Transparent Self", 2017)])
    first = resolve(doc_a, {})
    other = resolve(_doc_refs("b", 5, [("Chen", "Transparent Markets", 2017)]) + doc_a,
                    first.work_keys)
    assert work_of(other, 1)["key"] == "chen2017transparent"
    # the document is extracted again: its raw text changes, fields do not
    doc_a2 = [dict(doc_a[0], raw=doc_a[0]["raw"] + " Print.")]
    again = resolve(doc_a2, first.work_keys)
    assert again.works[0]["key"] == "chen2017transparent"


# ------------------------------------------------------ parse gaps (real pipeline)

def test_ref_without_parsed_title_matches_by_title_in_raw():
    refs = [ref(1, doc="a", kind="bibliography", type="report", year=2017,
                title="Central planning, local experiments: The complex implementation of "
                      "China's social credit system",
                authors=[person("Ohlberg", "M."), person("Ahmed", "S.")]),
            ref(2, doc="b", type="webpage", title=None,
                raw="Mareike Ohlberg, Shazeda Ahmed, Bertram Lang, CENTRAL PLANNING, LOCAL "
                    "EXPERIMENTS (12 December 2017). Pag 5.",
                authors=[person("Ohlberg", "Mareike"), person("Ahmed", "Shazeda")])]
    assert same_work(resolve(refs, {}), 1, 2)


def test_title_swallowing_the_author_matches_by_family_and_title_in_raw():
    refs = [ref(1, doc="a", type="book", title="Discipline and Punish: the Birth of the Prison",
                authors=[person("Foucault", "Michel")], year=1975),
            ref(2, doc="b", type="document", title="Foucault, Discipline and Punish, Translate",
                raw="Foucault, Discipline and Punish, Translate. Sheridan.")]
    assert same_work(resolve(refs, {}), 1, 2)


def test_cut_title_matches_the_whole_title_printed_in_its_raw():
    refs = [ref(1, doc="a", kind="bibliography", type="chapter", year=2018,
                title="Inside China's Dystopian", authors=[person("Mozur", "P.")],
                raw="Mozur, P. (2018, July 8). Inside China's Dystopian Dreams: A.I., Shame and "
                    "Lots of Cameras. The New York Times."),
            ref(2, doc="b", type="webpage",
                title="Inside China's Dystopian Dreams: A.I., Shame and Lots of Cameras",
                raw='"Inside China\'s Dystopian Dreams: A.I., Shame and Lots of Cameras". '
                    'Retrieved 8 September 2019')]
    assert same_work(resolve(refs, {}), 1, 2)


def test_numeric_title_found_spelled_in_raw_but_not_as_a_year():
    orwell = ref(1, doc="a", type="book", title="1984", authors=[person("Orwell", "George")],
                 year=1949)
    spelled = ref(2, doc="b", type="book", title=None,
                  raw="George Orwell, Nineteen Eighty-Four, London 1990.",
                  authors=[person("Orwell", "George"), person("Eighty-Four", "Nineteen")])
    essay = ref(3, doc="c", type="book", title=None,
                raw="George Orwell, (1984). Collected essays. London.",
                authors=[person("Orwell", "George")])
    res = resolve([orwell, spelled, essay], {})
    assert same_work(res, 1, 2)
    assert not same_work(res, 1, 3)


def test_common_phrase_in_raw_does_not_join_unrelated_refs():
    refs = [ref(1, doc="a", type="article-magazine", year=2017, authors=[person("Borak", "Masha")],
                title="China's Social Credit System: AI-driven panopticon or fragmented foundation"),
            ref(2, doc="b", type="broadcast", year=2017,
                title='China\'s "Social Credit System" Has Caused More Than Just Public Shaming',
                raw='China\'s "Social Credit System" Has Caused More Than Just Public Shaming. HBO.'),
            ref(3, doc="c", type="article-newspaper", year=2017,
                title="China's social credit system coming towards America",
                raw="China's social credit system coming towards America. Fox.")]
    res = resolve(refs, {})
    assert len({res.ref_work[i] for i in (1, 2, 3)}) == 3


def test_one_word_literal_in_a_short_form_is_the_family_of_its_work():
    refs = [ref(1, kind="bibliography", title="From Family to Market", year=1998,
                authors=[person("Wang", "Fei Ling")]),
            ref(2, kind="bibliography", title="Court Orders Phone Shaming", year=2017,
                authors=[person("Wang", "Lianzhang")]),
            ref(3, title="From Family to Market", authors=[org("Wang")], short_form=1, same_as=1),
            ref(4, title="Court Orders Phone Shaming", authors=[org("Wang")], short_form=1,
                same_as=2),
            ref(5, doc="z", title="Annual results", authors=[org("Tencent")], type="report")]
    res = resolve(refs, {})
    assert _author_ids(res, 3) == _author_ids(res, 1)
    assert _author_ids(res, 4) == _author_ids(res, 2)
    assert _author_ids(res, 1) != _author_ids(res, 2)
    tencent = next(a for a in res.authors if a["id"] == _author_ids(res, 5)[0])
    assert tencent["literal"] == 1


def test_badly_cut_title_of_the_same_author_found_in_raw():
    refs = [ref(1, doc="a", type="article-newspaper", year=2018, authors=[person("Meng", "Jing")],
                title="Unveils AI Product to Police Online Content",
                raw="Meng Jing, ‘SenseTime Unveils AI Product to Police Online Content’, in "
                    "South China Morning Post, 25.4.2018"),
            ref(2, doc="a", type="book", year=2018, authors=[person("Meng", "Jing")],
                title="SenseTime Unveils AI Product",
                raw="Meng Jing, ‘SenseTime Unveils AI Product’, 2018."),
            ref(3, doc="b", type="article-newspaper", year=2018, authors=[person("Meng", "Jing")],
                title="Social Credit", raw="Meng Jing, 'Social Credit', 2018."),
            ref(4, doc="b", type="article-newspaper", year=2018, authors=[person("Meng", "Jing")],
                title="Tencent to use social credit ratings",
                raw="Meng Jing, 'Tencent to use social credit ratings', 2018.")]
    res = resolve(refs, {})
    assert same_work(res, 1, 2)
    assert not same_work(res, 3, 4)     # a two-word title is too weak


_any_text = st.one_of(st.none(), st.text(max_size=60))
_any_name = st.one_of(
    st.fixed_dictionaries({"family": _any_text, "given": _any_text}),
    st.fixed_dictionaries({"literal": _any_text}),
    st.text(max_size=20))


@given(st.lists(st.fixed_dictionaries({
    "title": _any_text, "raw": _any_text, "type": st.sampled_from([None, "book", "chapter", "report"]),
    "year": st.one_of(st.none(), st.integers(-5, 3000), st.text(max_size=6)),
    "authors": st.one_of(st.none(), st.lists(_any_name, max_size=3), st.text(max_size=30)),
    "url": _any_text, "doi": _any_text, "isbn": _any_text,
    "kind": st.sampled_from(["bibliography", "footnote", "inline"]),
    "document_id": st.sampled_from(["a", "b"]),
    "same_as": st.one_of(st.none(), st.integers(0, 12)),
    "short_form": st.booleans()}), max_size=12))
@settings(max_examples=150, deadline=None)
def test_resolve_never_crashes_on_odd_input(rows):
    rows = [dict(r, id=i) for i, r in enumerate(rows)]
    res = resolve(rows, {})
    assert set(res.ref_work) == set(range(len(rows)))
    assert len({w["key"] for w in res.works}) == len(res.works)


def test_organisation_gloss_and_misspelling():
    refs = [ref(1, doc="a", type="legislation", title="Planning outline", authors=[org("State Council")]),
            ref(2, doc="b", type="legislation", title="Guanyu yinfa",
                authors=[org("Guowuyuan 国务院 (The State Council)")]),
            ref(3, doc="b", type="legislation", title="Dashuju",
                authors=[org("Zhonghua Renmin Gongheguo Zhongyang Renmin Zhengfu")]),
            ref(4, doc="b", type="legislation", title="Shehui xinyong",
                authors=[org("Zhonghua Renming Gongheguo Zhongyang Renmin Zhengfu")]),
            ref(5, doc="c", type="article-newspaper", title="Credit news", authors=[org("Xinhua")]),
            ref(6, doc="c", type="article-newspaper", title="Other news",
                authors=[org("Xinhua Wang 新华网 (Xinhua Net)")])]
    res = resolve(refs, {})
    assert _author_ids(res, 1) == _author_ids(res, 2)
    assert _author_ids(res, 3) == _author_ids(res, 4)
    assert _author_ids(res, 5) != _author_ids(res, 6)


@pytest.mark.parametrize("text", [" " * 2000 + "x", ",,,," * 500 + "x", ", p 1" * 400 + "x",
                                  "et " * 600, "(" * 1000 + "x" + ")" * 1000],
                         ids=["spaces", "commas", "locators", "etal", "brackets"])
def test_text_helpers_stay_linear_on_pathological_input(text):
    # no timing assertion: a quadratic regex would make this test hang, not fail
    R.untitled_core(text)
    R.raw_head(text)
    R.clean_name({"family": text, "given": text, "literal": text})
    R.org_gloss({"literal": text})
    R.title_numbers(text)
    R.norm_title(text)
    R.main_title(text)
