"""Small stores for the export tests, and tests of kb.publish.select.

``hard_store(path)`` holds the hard cases (diacritics, Greek, CJK, LaTeX
specials in titles and URLs, organisations, every CSL type);
``gold_store(path)`` loads every gold reference of the corpus as refs, merged
into works by tests/gold/works.json, with the gold citations as claims.
Other export tests import these builders.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from kb.publish.select import (SelectionError, best_ref, load_items, select_items,
                               select_work_ids)
from kb.store import open_db

GOLD = Path(__file__).parent / "gold"

HARD_WORKS = [
    dict(key="nguyen2019", type="article-journal",
         title="Vietnamese Names: Nguyễn Thị Minh Khai & the 100% “Đổi Mới” Reforms",
         authors=[{"family": "Nguyễn", "given": "Thị Minh Khai"}],
         container_title="Journal of Asian_Studies #5", year=2019, date="2019-03-02",
         volume="12", issue="3", pages="243–254", doi="10.1000/j_a{b}c<1>",
         url="https://example.org/a_b%20c#sec-2?x=1&y=$5~u^v",
         accessed="2020-01-05"),
    dict(key="fraisse1954", type="book",
         title="Sur l'extension aux relations de quelques propriétés des ordres",
         authors=[{"family": "Fraïsse", "given": "Roland"}],
         editors=[{"family": "Gödel", "given": "Kurt"}],
         translators=[{"family": "Łukasiewicz", "given": "Jan"}],
         publisher="Gauthier-Villars", place="Paris", year=1954, edition="2",
         isbn="978-3-16-148410-0"),
    dict(key="greek2001", type="chapter",
         title="On α-β Pruning and the Ω Bound in {Braced} $Math$ \\textbf{x}",
         authors=[{"family": "Papadopoulos", "given": "Αλέξανδρος"},
                  {"family": "de la Cruz", "given": "María"}],
         editors=[{"family": "Smith", "given": "J. A."}],
         container_title="The NASA Handbook of Things", publisher="SAGE Publications Ltd",
         place="Thousand Oaks, CA", year=2001, pages="10-20"),
    dict(key="statecouncil2014", type="legislation",
         title="社会信用体系建设规划纲要 (Planning Outline for the Construction of a "
               "Social Credit System 2014–2020)",
         authors=[{"literal": "Guowuyuan 国务院 (The State Council)"}], year=2014,
         date="2014-06-14", url="http://www.gov.cn/zhengce/content/2014-06/27/content_8913.htm",
         accessed="2017-10-02"),
    dict(key="hbo2018", type="broadcast",
         title="China's \"Social Credit System\" Has Caused More Than Just Public Shaming",
         container_title="HBO", year=2018, date="2018-12-12"),
    dict(key="chengxin", type="webpage", title="Chengxin 诚信 (Integrity)",
         authors=[{"literal": "Ministry of Science and Technology, Beijing"}],
         url="https://cheng.xin/?spm=a262es.8826109.0.0.pzX7Uy", accessed="2017-05-05"),
    dict(key="daum2017", type="post-weblog", title="Giving Credit",
         authors=[{"family": "Daum", "given": "Jeremy"}],
         container_title="China Law Translate", year=2017, date="2017-01-04",
         url="http://www.chinalawtranslate.com/giving-credit/?lang=en",
         accessed="2017-08-22"),
    dict(key="ahmed2017", type="report",
         title="Cashless Society, Cached Data. Security Considerations for a Chinese "
               "Social Credit System",
         authors=[{"family": "Ahmed", "given": "Shazeda"}], publisher="The Citizen Lab",
         year=2017, date="2017-01-24",
         url="https://citizenlab.ca/2017/01/cashless-society-cached-data/"),
    dict(key="maurtvedt2018", type="thesis", title="Kredittsystemet i Kina",
         authors=[{"family": "Maurtvedt", "given": "Martin"}],
         publisher="Universitetet i Oslo", year=2018,
         raw="Maurtvedt, Martin. Kredittsystemet i Kina. Master's thesis, "
             "Universitetet i Oslo, 2018."),
    dict(key="lee2015", type="thesis", title="Credit and Trust",
         authors=[{"family": "Lee", "given": "Ann"}], publisher="MIT", year=2015,
         raw="Lee, Ann. Credit and Trust. PhD diss., MIT, 2015."),
    dict(key="smith2016", type="paper-conference", title="Scoring Citizens at Scale",
         authors=[{"family": "Smith", "given": "Bo"}, {"family": "Wu", "given": "Li"}],
         container_title="Proceedings of the ACM Conference on Fairness", year=2016,
         pages="1-9", publisher="ACM", place="New York"),
    dict(key="anon2018", type="article-newspaper", title="Editorial: The {Credit} Score",
         container_title="The Economist", year=2018, date="2018-04"),
    dict(key="orwell1949", type="book", title="Nineteen Eighty-Four",
         authors=[{"family": "Orwell", "given": "George"}], year=1949),
    dict(key="lyon2006", type="book", title="Theorizing Surveillance",
         authors=[{"family": "Lyon", "given": "David"}], year=2006, issue="4",
         publisher="Willan", place="Cullompton"),
    dict(key="pence2018", type="speech",
         title="Remarks by Vice President Pence on the Administration's Policy Toward China",
         authors=[{"family": "Pence", "given": "M."}], year=2018,
         url="https://www.whitehouse.gov/briefings-statements/remarks-vice-president-pence/"),
    dict(key="asianboss2018", type="motion_picture",
         title="Is China Becoming A Black Mirror Episode (Social Credit)",
         container_title="ASIAN BOSS", year=2018, date="2018-09-17"),
    dict(key="xiao", type="interview", authors=[{"family": "Xiao", "given": "Qiang"}]),
    dict(key="berg1988", type="entry-encyclopedia", title="Snowball sampling",
         authors=[{"family": "Berg", "given": "Sven"}],
         editors=[{"family": "Kotz", "given": "Samuel"}, {"family": "Johnson", "given": "Norman"}],
         container_title="Encyclopedia of Statistical Sciences", volume="8",
         pages="528-532", publisher="John Wiley", place="New York", year=1988),
    dict(key="specials2020", type="article-magazine",
         title="R&D at 100%: the_x #1 for $5 {Braced} ~ ^ \\ Test -- Ünïcode Ça",
         authors=[{"family": "O'Brien-Šmíd", "given": "Zoë"}],
         container_title="Wired & Co.", year=2020, volume="3", pages="7",
         url="https://ex.org/a_b%20c/~u/#s?x=1&y=$5^v", accessed="2021-02-03"),
    dict(key="web2019", type="webpage", title="A page with a #fragment",
         authors=[{"literal": "AT&T Labs"}], year=2019, editors=[{"family": "0"}],
         url="https://ex.org/p%C3%A9#frag_1"),
    dict(key="faubion2002", type="chapter", container_title="Power: Essential Works",
         editors=[{"family": "Faubion", "given": "J. D."}], publisher="Penguin Books",
         place="London", year=2002, volume="3", edition="Second"),
    dict(key="edited2010", type="book", title="Collected Essays",
         editors=[{"family": "Kotz", "given": "Samuel"}], publisher="Wiley", year=2010,
         volume="2", issue="7"),
]

NAME_ROLES = ("authors", "editors", "translators")


def _ref_row(work: dict, document_id: str, position: int, work_id: int, **extra) -> dict:
    row = {"document_id": document_id, "kind": "bibliography", "line": position + 1,
           "position": position, "raw": work.get("raw") or work.get("title") or work["key"],
           "short_form": 0, "parse_ok": 1, "work_id": work_id}
    for k in ("type", "title", "container_title", "year", "date", "volume", "issue",
              "pages", "edition", "publisher", "place", "url", "doi", "isbn", "accessed"):
        row[k] = work.get(k)
    for k in NAME_ROLES:
        row[k] = json.dumps(work.get(k) or [], ensure_ascii=False)
    row.update(extra)
    return row


def _fast(db):
    """Test stores need no durability: skip the fsyncs."""
    db.conn.execute("PRAGMA synchronous = OFF")
    db.conn.execute("PRAGMA journal_mode = MEMORY")
    return db


def hard_store(path) -> object:
    """A store with HARD_WORKS, one citing document, claims, annotations."""
    db = _fast(open_db(path))
    db["documents"].insert({"id": "doc1", "path": "doc1.txt", "title": "Doc one"})
    db["documents"].insert({"id": "doc2", "path": "doc2.txt", "title": "Doc two"})
    for i, work in enumerate(HARD_WORKS):
        wid = db["works"].insert({"key": work["key"], "type": work["type"],
                                  "title": work.get("title"), "year": work.get("year")}).last_pk
        doc = "doc1" if i % 2 == 0 else "doc2"
        # a poorer ref first, so best_ref has to choose
        db["refs"].insert(_ref_row({"key": work["key"], "title": work.get("title"),
                                    "type": work["type"]}, doc, 100 + i, wid))
        rid = db["refs"].insert(_ref_row(work, doc, i, wid)).last_pk
        db["refs"].insert(_ref_row({"key": work["key"], "raw": "Ibid."}, doc, 200 + i, wid,
                                   short_form=1, pinpoint="12"))
        cid = db["claims"].insert({"document_id": doc, "line": 10 + i, "page": 2,
                                   "text": f"Claim <b>{i}</b> & more about {work['key']}.",
                                   "section": "Intro"}).last_pk
        db["citations"].insert({"claim_id": cid, "ref_id": rid, "marker": f"({i})",
                                "pinpoint": "p. 5" if i % 3 == 0 else None})
    # one work known through work_authors (resolve's output) rather than refs
    wid = db["works"].insert({"key": "resolved2020", "type": "article-journal",
                              "title": "Resolved Authors", "year": 2020,
                              "container_title": "Social Science Journal"}).last_pk
    a1 = db["authors"].insert({"name": "Ann Lee", "family": "Lee", "given": "Ann",
                               "literal": 0}).last_pk
    a2 = db["authors"].insert({"name": "World Bank", "literal": 1}).last_pk
    db["work_authors"].insert_all([
        {"work_id": wid, "author_id": a2, "position": 1, "role": "author"},
        {"work_id": wid, "author_id": a1, "position": 0, "role": "author"}])
    db["annotations"].insert_all([
        {"key": "nguyen2019", "text": "Key source on <names> & reforms.", "author": "kim"},
        {"key": "orwell1949", "text": "Classic; cite the *1949* edition.", "author": "lee"}])
    return db


def _gold_key(ref: dict, taken: set[str]) -> str:
    name = ""
    if ref.get("authors"):
        a = ref["authors"][0]
        name = a.get("family") or a.get("literal") or ""
    name = name or ref.get("title") or ref.get("container_title") or "anon"
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = (re.sub(r"[^A-Za-z]", "", name)[:12].lower() or "anon") + str(ref.get("year") or "")
    key, n = base, 0
    while key in taken:
        n += 1
        key = f"{base}{chr(96 + n) if n < 27 else n}"
    taken.add(key)
    return key


def gold_store(path) -> object:
    """Every gold reference as a ref, merged into works, gold citations as claims."""
    db = _fast(open_db(path))
    with db.conn:                       # one transaction: fast
        _load_gold(db)
    return db


def _load_gold(db) -> None:
    clusters = json.loads((GOLD / "works.json").read_text())["clusters"]
    cluster_of = {m: i for i, c in enumerate(clusters) for m in c}
    docs = {p.stem: json.loads(p.read_text()) for p in sorted(GOLD.glob("0*.json"))}
    work_ids: dict = {}
    ref_ids: dict = {}
    taken: set[str] = set()
    # full refs first, so short forms can point at their work
    for stem, gold in docs.items():
        d = gold["document"]
        db["documents"].insert({"id": stem, "path": d["file"], "title": d["title"],
                                "year": d["year"]})
    for stem, gold in docs.items():
        refs = {r["id"]: r for r in gold["references"]}
        for pos, ref in enumerate(gold["references"]):
            gid = f"{stem}:{ref['id']}"
            if ref["short_form"] and ref.get("same_as"):
                continue
            group = cluster_of.get(gid, gid)
            if group not in work_ids:
                work_ids[group] = db["works"].insert({
                    "key": _gold_key(ref, taken), "type": ref["type"],
                    "title": ref["title"], "year": ref["year"]}).last_pk
            ref_ids[gid] = db["refs"].insert(_ref_row(
                {**ref, "key": ""}, stem, pos, work_ids[group], kind=ref["kind"],
                note=ref["note"], line=ref["line"], raw=ref["raw"])).last_pk
        for pos, ref in enumerate(gold["references"]):
            gid = f"{stem}:{ref['id']}"
            if gid in ref_ids:
                continue
            target = ref_ids.get(f"{stem}:{ref['same_as']}")
            wid = (db["refs"].get(target)["work_id"] if target else None)
            ref_ids[gid] = db["refs"].insert(_ref_row(
                {**ref, "key": ""}, stem, pos, wid, kind=ref["kind"], note=ref["note"],
                line=ref["line"], raw=ref["raw"], short_form=1)).last_pk
        for c in gold["citations"]:
            cid = db["claims"].insert({"document_id": stem, "text": c["claim"],
                                       "line": c["line"]}).last_pk
            for t in c["targets"]:
                if f"{stem}:{t}" in ref_ids:
                    db["citations"].insert({"claim_id": cid, "ref_id": ref_ids[f"{stem}:{t}"],
                                            "marker": c["marker"], "pinpoint": c["pinpoint"]})
        del refs


# -- tests of kb.publish.select ------------------------------------------------

@pytest.fixture
def db(tmp_path):
    return hard_store(tmp_path / "kb.db")


def keys_of(db, ids):
    return [db["works"].get(i)["key"] for i in ids]


def test_whole_base_is_every_work_sorted_by_key(db):
    keys = keys_of(db, select_work_ids(db))
    assert keys == sorted(w["key"] for w in HARD_WORKS + [{"key": "resolved2020"}])


def test_document_selects_the_works_it_references(db):
    keys = keys_of(db, select_work_ids(db, document="doc2"))
    assert keys == sorted(w["key"] for i, w in enumerate(HARD_WORKS) if i % 2)


def test_keys_and_query_give_the_union(db):
    ids = select_work_ids(db, keys=["orwell1949"],
                          query="SELECT key FROM works WHERE year = 2018")
    assert keys_of(db, ids) == ["anon2018", "asianboss2018", "hbo2018", "maurtvedt2018",
                                "orwell1949", "pence2018"]


@pytest.mark.parametrize("sql", [
    "SELECT id AS work_id FROM works WHERE key = 'lee2015'",
    "select r.id as ref_id from refs r join works w on w.id = r.work_id where w.key='lee2015'",
    "WITH k AS (SELECT 'lee2015' AS key) SELECT key FROM k;",
])
def test_query_columns(db, sql):
    assert keys_of(db, select_work_ids(db, query=sql)) == ["lee2015"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(keys=["nope"]), "no work with key 'nope'"),
    (dict(document="nodoc"), "no document 'nodoc'"),
    (dict(query="DELETE FROM works"), "one SELECT"),
    (dict(query="SELECT title FROM works"), "column named one of key, work_id, ref_id"),
    (dict(query="SELECT key FROM nowhere"), "no such table"),
    (dict(query="WITH x AS (SELECT 1) DELETE FROM works"), "query failed"),
])
def test_bad_selection_is_a_clear_error(db, kwargs, message):
    with pytest.raises(SelectionError, match=message):
        select_work_ids(db, **kwargs)
    assert db["works"].count == len(HARD_WORKS) + 1


def test_item_takes_the_fullest_ref_and_skips_short_forms(db):
    [item] = select_items(db, keys=["nguyen2019"])
    assert item["volume"] == "12" and item["issue"] == "3" and item["pages"] == "243–254"
    assert item["authors"] == [{"family": "Nguyễn", "given": "Thị Minh Khai"}]
    assert item["accessed"] == "2020-01-05"
    assert "Ibid." not in item["raws"]


def test_item_names_from_work_authors_in_position_order(db):
    [item] = select_items(db, keys=["resolved2020"])
    assert item["authors"] == [{"family": "Lee", "given": "Ann"}, {"literal": "World Bank"}]
    assert item["container_title"] == "Social Science Journal"


def test_best_ref_prefers_full_refs():
    refs = [{"id": 1, "short_form": 1, "title": "a", "year": 1, "pages": "2"},
            {"id": 2, "short_form": 0, "title": "a"},
            {"id": 3, "short_form": 0, "title": "a", "year": 2}]
    assert best_ref(refs)["id"] == 3


def test_gold_store_loads(tmp_path):
    db = gold_store(tmp_path / "gold.db")
    items = load_items(db, select_work_ids(db))
    assert len(items) == db["works"].count > 250
    assert len({i["key"] for i in items}) == len(items)
