"""BibTeX export, checked against pybtex, bibtexparser 1.x, bibtex and biber.

The bibtex/biber tests run the real programs (Debian: texlive-binaries,
texlive-base for plain.bst, biber) and skip with a reason when they are missing.
"""
from __future__ import annotations

import codecs
import re
import shutil
import subprocess
import unicodedata

import bibtexparser
import latexcodec  # noqa: F401
import pytest
from bibtexparser.bparser import BibTexParser
from hypothesis import given, settings, strategies as st
from pybtex.database import parse_string

from kb.publish.bibtex import (bib_entry, bib_pages, bibtex_from_db,
                               bibtex_from_items, entry_type, latex_text,
                               non_ascii_keys, protect_title, safe_url)
from kb.publish.select import SelectionError, load_items, select_work_ids
from test_export_store import HARD_WORKS, gold_store, hard_store

BIBTEX = shutil.which("bibtex")
BIBER = shutil.which("biber")
KPSEWHICH = shutil.which("kpsewhich")


def _has_plain_bst() -> bool:
    if not (BIBTEX and KPSEWHICH):
        return False
    out = subprocess.run([KPSEWHICH, "plain.bst"], capture_output=True, text=True)
    return bool(out.stdout.strip())


needs_bibtex = pytest.mark.skipif(
    not _has_plain_bst(),
    reason="bibtex/plain.bst missing: apt-get install -y --no-install-recommends "
           "texlive-binaries texlive-base")
needs_biber = pytest.mark.skipif(
    not BIBER, reason="biber missing: apt-get install -y --no-install-recommends biber")


# -- a LaTeX -> text decoder for the round trips ------------------------------

ACCENT_MARKS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", '"': "\u0308",
                "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
                "c": "\u0327", "k": "\u0328", "d": "\u0323", "b": "\u0331", "r": "\u030a"}


def latex_to_text(s: str) -> str:
    """Undo kb.publish.bibtex's LaTeX (escapes, accents, braces, \\url)."""
    escapes = ((r"\textbraceleft{}", "{"), (r"\textbraceright{}", "}"),
               (r"\textbackslash{}", "\\"), (r"\textasciitilde{}", "~"),
               (r"\textasciicircum{}", "^"), (r"\&", "&"), (r"\%", "%"),
               (r"\$", "$"), (r"\#", "#"), (r"\_", "_"))
    for i, (latex, _) in enumerate(escapes):      # placeholders, restored at the end
        s = s.replace(latex, chr(0xF000 + i))
    s = s.replace(r"\url", "")
    s = re.sub(r"\\([ij])(?![A-Za-z])", r"\1", s)          # dotless i/j under accents
    accent = re.compile(r"\\([`'^~\"=.])([A-Za-z])")      # \'e
    s = accent.sub(lambda m: m.group(2) + ACCENT_MARKS[m.group(1)], s)
    for _ in range(4):                                       # nested accents, inside out
        s = re.sub(r"\\([`'^~\"=.uvHckdbr])\{([^{}\\]+)\}",
                   lambda m: m.group(2) + ACCENT_MARKS[m.group(1)], s)
    if "\\" in s or "``" in s or "--" in s or "''" in s:
        s = codecs.decode(s, "ulatex")
    s = s.replace("{", "").replace("}", "")
    for i, (_, char) in enumerate(escapes):
        s = s.replace(chr(0xF000 + i), char)
    return unicodedata.normalize("NFC", s)


def norm(s) -> str:
    s = unicodedata.normalize("NFC", str(s))
    s = re.sub(r"[\u2010-\u2015\u2212-]+", "-", s)
    return " ".join(s.split())


def entry_text(entry) -> str:
    """Every field and name of a parsed pybtex entry, decoded, in one string."""
    parts = [latex_to_text(v) for v in entry.fields.values()]
    for people in entry.persons.values():
        for p in people:
            parts.append(latex_to_text(" ".join(p.rich_first_names and [
                str(x) for x in p.first_names] + p.middle_names + p.prelast_names
                + p.last_names)))
            parts.append(latex_to_text(" ".join(p.last_names)))
    return norm(" | ".join(parts))


def item_values(item: dict) -> list[str]:
    """Every value an item holds that the export must keep."""
    values = []
    for k in ("title", "container_title", "volume", "issue", "pages", "edition",
              "publisher", "place", "url", "doi", "isbn", "accessed", "year"):
        if item.get(k) not in (None, ""):
            values.append(str(item[k]))
    for role in ("authors", "editors", "translators"):
        for n in item.get(role) or []:
            values += [v for v in (n.get("family"), n.get("given"), n.get("literal")) if v]
    return values


# -- fixtures -------------------------------------------------------------------

@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    return hard_store(tmp_path_factory.mktemp("hard") / "kb.db")


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    return gold_store(tmp_path_factory.mktemp("gold") / "kb.db")


def run_bibtex(tmp_path, text: str, keys=None) -> subprocess.CompletedProcess:
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    cites = "".join(f"\\citation{{{k}}}\n" for k in keys) if keys else "\\citation{*}\n"
    (tmp_path / "main.aux").write_text(cites + "\\bibstyle{plain}\n\\bibdata{refs}\n")
    return subprocess.run([BIBTEX, "main"], cwd=tmp_path, capture_output=True, errors="replace",
                          text=True, timeout=120)


def bibtex_problems(result) -> list[str]:
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if re.search(r"(?i)warning|error|I was expecting|"
                                                r"I'm skipping|illegal|---line", line)]


# -- round trips through pybtex and bibtexparser --------------------------------

@pytest.mark.parametrize("ascii, biblatex", [(False, False), (True, False), (False, True)])
def test_pybtex_reads_back_every_entry_with_nothing_lost(hard, ascii, biblatex):
    items = load_items(hard, select_work_ids(hard))
    data = parse_string(bibtex_from_items(items, ascii=ascii, biblatex=biblatex), "bibtex")
    assert list(data.entries) == [i["key"] for i in items]
    for item in items:
        text = entry_text(data.entries[item["key"]])
        for value in item_values(item):
            if value in (item.get("url"), item.get("doi")):
                value = safe_url(value)         # the same URL, %-encoded where needed
            assert norm(value) in text, (item["key"], value, text)


def test_bibtexparser_reads_back_the_same_entries(hard):
    items = load_items(hard, select_work_ids(hard))
    text = bibtex_from_items(items)
    parsed = bibtexparser.loads(text, BibTexParser(common_strings=True))
    by_key = {e["ID"]: e for e in parsed.entries}
    assert list(by_key) == [i["key"] for i in items]
    pyb = parse_string(text, "bibtex")
    for key, entry in pyb.entries.items():
        got = by_key[key]
        assert got["ENTRYTYPE"] == entry.type
        for field, value in entry.fields.items():
            if field == "month":
                continue
            assert norm(latex_to_text(got[field.lower()])) == norm(latex_to_text(value))
    assert by_key["nguyen2019"]["month"] == "March"
    assert by_key["nguyen2019"]["url"] == "https://example.org/a_b%20c#sec-2?x=1&y=$5~u^v"


def test_gold_store_reads_back_through_both_parsers(gold):
    items = load_items(gold, select_work_ids(gold))
    text = bibtex_from_items(items)
    assert len(parse_string(text, "bibtex").entries) == len(items)
    assert len(bibtexparser.loads(text).entries) == len(items)


# -- the hard cases, exactly ---------------------------------------------------------

@pytest.mark.parametrize("text, ascii, latex", [
    ("Fraïsse", True, r'Fra{\"\i}sse'),
    ("Nguyễn Thị Minh Khai", True, r"Nguy{\~{\^{e}}}n Th{\d{i}} Minh Khai"),
    ("Gödel", True, r'G{\"o}del'),
    ("α and Ω", True, r"{$\alpha$} and {$\Omega$}"),
    ("诚信", True, "诚信"),
    ("诚信 Fraïsse", False, "诚信 Fraïsse"),
    ("A & B 100% a_b #1 $5 {x} ~ ^ \\", False,
     r"A \& B 100\% a\_b \#1 \$5 \textbraceleft{}x\textbraceright{} "
     r"\textasciitilde{} \textasciicircum{} \textbackslash{}"),
])
def test_latex_text(text, ascii, latex):
    assert latex_text(text, ascii) == latex


def test_titles_protect_capitalised_words_not_punctuation():
    assert protect_title("China's Social Credit: an AI-driven (NASA) test") == \
        "{China's} {Social} {Credit}: an {AI-driven} ({NASA}) test"
    assert protect_title("Über {Braces}", ascii=True) == \
        r'{{\"U}ber} \textbraceleft{}{Braces}\textbraceright{}'


def test_urls_stay_verbatim_except_what_breaks_bibtex():
    url = "https://example.org/a_b%20c#sec?x=1&y=$5~u^v"
    assert safe_url(url) == url
    assert safe_url("http://x.org/{a}\\b c") == "http://x.org/%7Ba%7D%5Cb%20c"


def test_pages_use_double_dash():
    assert bib_pages("243-254") == bib_pages("243–254") == bib_pages("243 — 254") == "243--254"


@pytest.mark.parametrize("key, bibtype", [
    ("nguyen2019", "article"), ("fraisse1954", "book"), ("greek2001", "incollection"),
    ("berg1988", "incollection"), ("smith2016", "inproceedings"), ("ahmed2017", "techreport"),
    ("maurtvedt2018", "mastersthesis"), ("lee2015", "phdthesis"),
    ("daum2017", "misc"), ("chengxin", "misc"), ("statecouncil2014", "misc"),
    ("hbo2018", "misc"), ("asianboss2018", "misc"), ("pence2018", "misc"),
    ("anon2018", "misc"),      # an article without author: plain.bst requires one
    ("orwell1949", "misc"),    # a book without publisher
    ("edited2010", "book"),    # editor instead of author
    ("faubion2002", "misc"),   # a chapter without author or title
])
def test_entry_types(hard, key, bibtype):
    [item] = load_items(hard, select_work_ids(hard, keys=[key]))
    assert entry_type(item) == bibtype


@pytest.mark.parametrize("raw, masters", [
    ("Lee, Ann. Credit. Master's thesis, Oslo, 2018.", True),
    ("Lee, A. (2018). Credit (M.A. thesis). Oslo.", True),
    ("Lee, A. Credit. MSc dissertation, LSE, 2018.", True),
    ("Lee, Ann. Kreditt. Masteroppgave, UiO, 2018.", True),
    ("Lee, Ann. Credit. PhD diss., MIT, 2015.", False),
    ("Lee, Ann. Credit. Doctoral dissertation, MIT, 2015.", False),
    ("Ann, MA. The Making of Things. Routledge, 2001.", False),
])
def test_thesis_level_from_the_printed_reference(raw, masters):
    item = {"key": "k", "type": "thesis", "title": "Credit", "year": 2018,
            "authors": [{"family": "Lee", "given": "Ann"}], "publisher": "Oslo",
            "raws": [raw]}
    assert entry_type(item) == ("mastersthesis" if masters else "phdthesis")


@pytest.mark.parametrize("key, bibtype", [
    ("nguyen2019", "article"), ("fraisse1954", "book"), ("greek2001", "incollection"),
    ("smith2016", "inproceedings"), ("ahmed2017", "report"), ("maurtvedt2018", "thesis"),
    ("daum2017", "online"), ("chengxin", "online"), ("statecouncil2014", "online"),
    ("hbo2018", "misc"), ("anon2018", "article"), ("orwell1949", "book"),
    ("edited2010", "collection"), ("xiao", "misc"),
])
def test_biblatex_entry_types(hard, key, bibtype):
    [item] = load_items(hard, select_work_ids(hard, keys=[key]))
    assert entry_type(item, biblatex=True) == bibtype


def test_biblatex_fields(hard):
    items = {i["key"]: i for i in load_items(hard, select_work_ids(hard))}
    e = bib_entry(items["daum2017"], biblatex=True)
    assert e.fields["organization"] == "China Law Translate" and "howpublished" not in e.fields
    assert e.fields["url"] == "http://www.chinalawtranslate.com/giving-credit/?lang=en"
    e = bib_entry(items["maurtvedt2018"], biblatex=True)
    assert (e.fields["type"], e.fields["institution"]) == ("mathesis", "Universitetet i Oslo")
    e = bib_entry(items["fraisse1954"], biblatex=True)
    assert [str(p) for p in e.persons["editor"]] == ["Gödel, Kurt"]
    assert all("key" not in bib_entry(i, biblatex=True).fields for i in items.values())


def test_entry_fields_and_names(hard):
    items = {i["key"]: i for i in load_items(hard, select_work_ids(hard))}
    e = bib_entry(items["nguyen2019"])
    assert e.fields["month"] == "mar" and e.fields["date"] == "2019-03-02"
    assert e.fields["urldate"] == "2020-01-05" and e.fields["pages"] == "243--254"
    e = bib_entry(items["fraisse1954"])
    assert [str(p) for p in e.persons["translator"]] == ["Łukasiewicz, Jan"]
    assert "editor" not in e.persons and "Edited by Kurt Gödel" in e.fields["note"]
    e = bib_entry(items["chengxin"])
    assert [str(p) for p in e.persons["author"]] == \
        ["{Ministry of Science and Technology, Beijing}"]
    assert e.fields["howpublished"] == r"\url{https://cheng.xin/?spm=a262es.8826109.0.0.pzX7Uy}"
    assert "key" not in e.fields          # it has an author to sort by
    e = bib_entry(items["hbo2018"])
    assert e.fields["note"] == "Broadcast" and e.fields["howpublished"] == "HBO"
    assert e.fields["key"].startswith("China's")


def test_sort_key_when_plain_has_no_name_to_sort_by(hard):
    items = {i["key"]: i for i in load_items(hard, select_work_ids(hard))}
    e = bib_entry(items["faubion2002"])          # misc sorts by author only
    assert e.type == "misc" and e.fields["key"] == "Faubion"
    assert "vol. 3" in e.fields["howpublished"] and "ed. Second" in e.fields["howpublished"]
    assert "key" not in bib_entry(items["edited2010"]).fields   # book sorts by editor


def test_junk_names_are_dropped(hard):
    [item] = load_items(hard, select_work_ids(hard, keys=["web2019"]))
    assert "editor" not in bib_entry(item).persons


def test_organisation_with_and_stays_one_name(hard):
    text = bibtex_from_db(hard, keys=["chengxin", "resolved2020"])
    data = parse_string(text, "bibtex")
    assert len(data.entries["chengxin"].persons["author"]) == 1
    assert [str(p) for p in data.entries["resolved2020"].persons["author"]] == \
        ["Lee, Ann", "{World Bank}"]


def test_ascii_output_is_ascii_but_for_what_latex_cannot_spell(hard):
    text = bibtex_from_db(hard, ascii=True)
    assert non_ascii_keys(text) == ["greek2001", "nguyen2019", "statecouncil2014", "chengxin"] \
        or set(non_ascii_keys(text)) == {"greek2001", "nguyen2019", "statecouncil2014",
                                         "chengxin"}
    assert r'Fra{\"\i}sse' in text
    assert "Gödel" not in text and r'G{\"o}del' in text


def test_bibtex_from_db_key_contract(hard):
    """The Datasette plugin's contract: None = all, [] = none, unknown skipped."""
    assert bibtex_from_db(hard, keys=[]) == ""
    assert list(parse_string(bibtex_from_db(hard, keys=["nope", "lee2015"]),
                             "bibtex").entries) == ["lee2015"]
    assert len(parse_string(bibtex_from_db(hard), "bibtex").entries) == hard["works"].count
    with pytest.raises(SelectionError):
        bibtex_from_db(hard, keys=["nope"], strict=True)


def test_bibtex_from_db_accepts_a_sqlite3_connection(hard):
    assert bibtex_from_db(hard.conn, keys=["lee2015"]).startswith("@phdthesis{lee2015,")


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_title_survives_the_round_trip(title):
    if not title.strip():                         # blank: no title field at all
        assert "title" not in parse_string(bibtex_from_items(
            [{"key": "k", "type": "book", "title": title}]), "bibtex").entries["k"].fields
        return
    item = {"key": "k", "type": "book", "title": title, "year": 2000,
            "authors": [{"family": title[:10] or "x", "given": "A"}], "raws": []}
    text = bibtex_from_items([item])
    entry = parse_string(text, "bibtex").entries["k"]
    # LaTeX's own ligatures (-- '' ``) typeset as the dash and quotes they stand for
    expected = title.strip().replace("--", "–").replace("''", "”").replace("``", "“")
    assert norm(latex_to_text(entry.fields["title"])) == norm(expected)


# -- the real programs ------------------------------------------------------------------

@needs_bibtex
@pytest.mark.parametrize("ascii", [False, True])
def test_bibtex_accepts_the_hard_store_without_a_warning(hard, tmp_path, ascii):
    result = run_bibtex(tmp_path, bibtex_from_db(hard, ascii=ascii))
    assert result.returncode == 0, result.stdout
    assert bibtex_problems(result) == []
    bbl = (tmp_path / "main.bbl").read_text(encoding="utf-8")
    assert bbl.count(r"\bibitem") == len(HARD_WORKS) + 1


@needs_bibtex
def test_bibtex_accepts_each_key_cited(hard, tmp_path):
    keys = [w["key"] for w in HARD_WORKS]
    result = run_bibtex(tmp_path, bibtex_from_db(hard), keys=keys)
    assert bibtex_problems(result) == [] and result.returncode == 0
    bbl = (tmp_path / "main.bbl").read_text(encoding="utf-8")
    assert r"\newblock \url{https://cheng.xin/?spm=a262es.8826109.0.0.pzX7Uy}" in " ".join(
        bbl.split())


@needs_bibtex
def test_bibtex_accepts_the_whole_gold_corpus_without_a_warning(gold, tmp_path):
    result = run_bibtex(tmp_path, bibtex_from_db(gold))
    assert result.returncode == 0, result.stdout
    assert bibtex_problems(result) == []


@needs_bibtex
def test_bibtex_test_can_fail(tmp_path):
    """The check above sees a warning when there is one."""
    result = run_bibtex(tmp_path, "@article{x, title={T}, year={2000}}\n")
    assert any("empty author" in line for line in bibtex_problems(result))


def run_biber(tmp_path, text: str, validate: bool) -> list[str]:
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    args = [BIBER, "--tool", "--output-file", str(tmp_path / "out.bib"), "refs.bib"]
    if validate:
        args.insert(2, "--validate-datamodel")
    result = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True,
                            errors="replace", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if re.match(r"(WARN|ERROR)", line)]


@needs_biber
@pytest.mark.parametrize("biblatex", [False, True])
def test_biber_reads_everything_without_a_warning(hard, gold, tmp_path, biblatex):
    assert run_biber(tmp_path, bibtex_from_db(hard, biblatex=biblatex), validate=False) == []
    assert run_biber(tmp_path, bibtex_from_db(gold, biblatex=biblatex), validate=False) == []


@needs_biber
@pytest.mark.parametrize("biblatex", [False, True])
def test_biber_data_model_sees_only_missing_data(gold, hard, tmp_path, biblatex):
    """Every field is valid for its biblatex type; the only complaints are
    about data the sources never printed (no year, no title, roman volume)."""
    problems = run_biber(tmp_path, bibtex_from_db(gold, biblatex=biblatex), validate=True)
    problems += run_biber(tmp_path, bibtex_from_db(hard, biblatex=biblatex), validate=True)
    unexpected = [p for p in problems if "Missing mandatory field" not in p
                  and "must be datatype 'integer'" not in p]
    assert unexpected == []


# -- random works through the real bibtex ---------------------------------------------

CSL_TYPES = ["article-journal", "article-magazine", "article-newspaper", "book", "chapter",
             "entry-encyclopedia", "paper-conference", "report", "thesis", "webpage",
             "post-weblog", "legislation", "motion_picture", "broadcast", "interview",
             "speech", "dataset", "document", None]
TEXT = st.lists(st.sampled_from(list("aZé诚 &%$#_{}~^\\-–.,'\"0Ω") + [" and "]),
                min_size=1, max_size=12).map("".join)
NAME = st.one_of(
    st.fixed_dictionaries({"family": TEXT}, optional={"given": TEXT}),
    st.fixed_dictionaries({"literal": TEXT}))
FIELD = {k: TEXT for k in ("title", "container_title", "volume", "issue", "pages",
                           "edition", "publisher", "place", "isbn")}
RANDOM_ITEM = st.fixed_dictionaries(
    {"type": st.sampled_from(CSL_TYPES)},
    optional={**FIELD, "year": st.integers(1000, 2100),
              "date": st.sampled_from(["2017-01-24", "2018-13", "2018-04", "x"]),
              "url": st.sampled_from(["https://ex.org/a_b%20c#s?x=1&y=$5~u^v",
                                      "http://x.org/{a}\\b c"]),
              "doi": st.just("10.1/a_b"), "accessed": st.just("2020-01-05"),
              "authors": st.lists(NAME, max_size=3), "editors": st.lists(NAME, max_size=2),
              "translators": st.lists(NAME, max_size=2),
              "raws": st.lists(TEXT, max_size=1)})


@needs_bibtex
@settings(max_examples=25, deadline=None)
@given(st.lists(RANDOM_ITEM, min_size=1, max_size=12), st.booleans())
def test_bibtex_never_warns_on_random_works(tmp_path_factory, items, ascii):
    items = [{**item, "key": f"w{i}"} for i, item in enumerate(items)]
    tmp = tmp_path_factory.mktemp("random")
    result = run_bibtex(tmp, bibtex_from_items(items, ascii=ascii))
    assert result.returncode == 0 and bibtex_problems(result) == [], \
        (tmp / "refs.bib").read_text(encoding="utf-8")


@needs_biber
@settings(max_examples=4, deadline=None)
@given(st.lists(RANDOM_ITEM, min_size=20, max_size=40))
def test_biber_never_warns_on_random_works(tmp_path_factory, items):
    items = [{**item, "key": f"w{i}"} for i, item in enumerate(items)]
    tmp = tmp_path_factory.mktemp("random-biber")
    for biblatex in (False, True):
        assert run_biber(tmp, bibtex_from_items(items, biblatex=biblatex), validate=False) == []


def test_a_zero_in_a_page_list_goes_to_the_note():
    # biber reads each range of a list ("3-5, 9") and warns on a "0" one
    from kb.publish.bibtex import plain_pages
    assert plain_pages("3-5, 9") and plain_pages("12")
    assert not plain_pages("Ω,0") and not plain_pages("0, 12")
