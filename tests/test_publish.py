"""The Datasette site: metadata, canned queries, facets, search, cells, work page, .bib.

Runs Datasette's own test client (no server, no network) over the small store
of tests/kbfixtures.py.  The real-browser test is tests/test_browser.py.
"""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st
from markupsafe import Markup
from pybtex.database import parse_string

from kb import store
from kb.commands.serve import command as serve_command, make_datasette
from kb.publish import plugin
from kbfixtures import build_store

ROOT = Path(__file__).resolve().parents[1]
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("site") / "kb.db")


@pytest.fixture(scope="module")
def ds(store_path):
    return make_datasette(store_path, annotations=False)


@pytest.fixture(scope="module")
def graph_ds(tmp_path_factory):
    """The same store with the graph stage's cocitations table filled (by hand,
    as kb.graph.update_store would: work ids, work_a < work_b)."""
    path = build_store(tmp_path_factory.mktemp("graph") / "kb.db")
    db = store.connect(path)
    ids = {r["key"]: r["id"] for r in db.query("select id, key from works")}
    pairs = [("botsman2017who", "kostka2019china", 3, 2, 0, 1),
             ("creemers2018china", "kostka2019china", 2, 1, 0, 1),
             ("botsman2017who", "creemers2018china", 1, 1, 0, 0)]
    with db.conn:
        db["cocitations"].insert_all(
            [dict(zip(("work_a", "work_b"), sorted((ids[a], ids[b]))),
                  weight=w, documents=d, same_note=n, same_claim=c)
             for a, b, w, d, n, c in pairs])
    db.conn.close()
    return make_datasette(path, annotations=False)


def get(ds, url: str):
    return asyncio.run(ds.client.get(url))


def rows(ds, url: str) -> list[dict]:
    """Rows of a table or query page as dicts (through the .json renderer)."""
    path, _, qs = url.partition("?")
    response = get(ds, f"{path}.json?_shape=array&{qs}")
    assert response.status_code == 200, response.text
    return response.json()


def html(ds, url: str) -> str:
    response = get(ds, url)
    assert response.status_code == 200, (url, response.text[:500])
    return response.text


def bib_keys(text: str) -> list[str]:
    return list(parse_string(text, "bibtex").entries.keys())


# ---------------------------------------------------------------- metadata

def test_root_metadata_is_the_packaged_copy():
    assert plugin.metadata_path().read_text() == (ROOT / "metadata.yml").read_text()


def test_metadata_describes_every_table_and_real_columns():
    meta = plugin.load_metadata()
    tables = meta["databases"]["kb"]["tables"]
    assert meta["title"] and meta["license"] and meta["source"]
    for name, spec in store.TABLES.items():
        assert name in tables, f"no metadata for table {name}"
        info = tables[name]
        assert info.get("description") or info.get("hidden"), name
        columns = set(spec["columns"])
        for key in ("facets", "sortable_columns"):
            assert set(info.get(key, [])) <= columns, (name, key)
        assert set(info.get("columns", {})) <= columns, name
        if "label_column" in info:
            assert info["label_column"] in columns, name
        if "fts_table" in info:
            assert info["fts_table"] == f"{name}_fts" and spec.get("fts"), name
    assert tables["works"]["label_column"] == "key"
    assert tables["documents"]["label_column"] == "label"  # the title, else a readable name
    assert tables["authors"]["label_column"] == "name"
    for name, query in meta["databases"]["kb"]["queries"].items():
        assert query["title"] and query["description"] and query["sql"], name


def test_load_metadata_rekeys_for_the_served_file(tmp_path):
    meta = plugin.load_metadata("store2")
    assert "store2" in meta["databases"] and "kb" not in meta["databases"]
    other = tmp_path / "m.yml"
    other.write_text(yaml.safe_dump({"title": "Other", "databases": {"kb": {"tables": {}}}}))
    assert plugin.load_metadata("x", other) == {"title": "Other",
                                                "databases": {"x": {"tables": {}}}}


def test_served_store_named_otherwise_keeps_its_queries(tmp_path):
    path = build_store(tmp_path / "library.db")
    site = make_datasette(path, annotations=False)
    assert rows(site, "/library/most_cited")[0]["work"] == "kostka2019china"


# ---------------------------------------------------------------- search

def test_fts_query_quotes_words_and_keeps_phrases_and_prefixes():
    assert plugin.fts_query("social credit") == '"social" "credit"'
    assert plugin.fts_query('"public opinion" trust*') == '"public opinion" "trust"*'
    assert plugin.fts_query('a"b OR NOT') == '"a" "b" "OR" "NOT"'
    assert plugin.fts_query("") == '""' == plugin.fts_query(None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_typed_text_is_a_valid_fts_query(text):
    conn = sqlite3.connect(":memory:")
    plugin.prepare_connection(conn)
    conn.execute("create virtual table t using fts5(body)")
    conn.execute("insert into t values ('social credit systems')")
    conn.execute("select count(*) from t where t match kb_fts(?)", [text]).fetchone()


def test_table_full_text_search(ds):
    assert {r["key"] for r in rows(ds, "/kb/works?_search=credit")} == {
        "kostka2019china", "creemers2018china"}
    assert [r["text"] for r in rows(ds, "/kb/claims?_search=examination")] == [
        "The examination combines surveillance and normalisation.",
        "Social credit extends the examination to whole populations, as survey "
        "evidence shows."]
    assert {r["document_id"] for r in rows(ds, "/kb/refs?_search=Pantheon")} == {"doc_b"}


def test_search_query_finds_works_refs_and_claims(ds):
    found = rows(ds, "/kb/search?q=trust")
    kinds = {(r["found_in"], r["work"]) for r in found}
    assert ("work", "botsman2017who") in kinds
    assert ("reference", "botsman2017who") in kinds
    assert any(r["found_in"] == "claim" and r["document"] == "doc_c" for r in found)
    assert rows(ds, '/kb/search?q=%22') == []
    assert rows(ds, "/kb/search?q=") == []
    assert {r["work"] for r in rows(ds, "/kb/search?q=%3Cscript%3E")} == {"reviewer2020script"}


# ---------------------------------------------------------------- canned queries

# every canned query with parameters that give it rows on the fixture store
QUERY_PARAMS = {
    "search": "q=credit", "trace_claim": "q=approve", "document_cites": "id=doc_a",
    "most_cited": "", "claims_citing": "key=kostka2019china",
    "cocited_with": "key=kostka2019china", "works_by_author": "name=Kostka",
    "source_categories": "", "annotated_bibliography": "document=doc_a",
    "unparsed_refs": "", "needs_review": "",
}


def query(ds, name, qs=""):
    return rows(ds, f"/kb/{name}?{qs}")


def test_trace_claim(ds):
    found = query(ds, "trace_claim", "q=approve")
    assert len(found) == 1
    row = found[0]
    assert row["claim"].startswith("Most citizens approve")
    assert (row["work"], row["pinpoint"], row["document"], row["page"]) == (
        "kostka2019china", "p. 1570", "doc_a", 1)
    two = query(ds, "trace_claim", "q=evolving+practice")
    assert sorted(r["work"] for r in two) == ["creemers2018china", "kostka2019china"]


def test_document_cites(ds):
    found = query(ds, "document_cites", "id=doc_a")
    assert [r["work"] for r in found] == ["botsman2017who", "kostka2019china",
                                          "creemers2018china", "reviewer2020script", None]
    kostka = found[1]
    assert (kostka["refs"], kostka["markers"], kostka["kinds"]) == (1, 2, "bibliography")
    assert found[-1]["as_written"].startswith("Anon.")
    foucault = query(ds, "document_cites", "id=doc_b")[0]
    assert (foucault["work"], foucault["refs"], foucault["markers"]) == (
        "foucault1977discipline", 2, 2)
    assert foucault["as_written"].startswith("Michel Foucault")   # not the ibid.


def test_most_cited(ds):
    found = query(ds, "most_cited")
    assert [(r["work"], r["documents"]) for r in found[:2]] == [
        ("kostka2019china", 3), ("botsman2017who", 2)]
    assert found[0]["claims"] == 4


def test_claims_citing(ds):
    found = query(ds, "claims_citing", "key=foucault1977discipline")
    assert [(r["pinpoint"], r["marker"]) for r in found] == [("200", "1"), ("202", "2")]
    assert query(ds, "claims_citing", "key=unknown") == []


def test_cocited_with_counts_from_refs(ds):
    found = {r["work"]: r for r in query(ds, "cocited_with", "key=kostka2019china")}
    assert set(found) == {"botsman2017who", "creemers2018china", "reviewer2020script",
                          "foucault1977discipline"}
    assert found["botsman2017who"]["documents_together"] == 2
    assert found["creemers2018china"]["claims_together"] == 1
    assert found["foucault1977discipline"]["claims_together"] == 0


def test_cocited_with_uses_the_graph_table_once_filled(graph_ds):
    found = rows(graph_ds, "/kb/cocited_with?key=kostka2019china")
    assert found[0]["work"] == "botsman2017who"
    assert (found[0]["weight"], found[0]["documents_together"]) == (3, 2)
    assert [r["work"] for r in found] == ["botsman2017who", "creemers2018china"]
    sql = asyncio.run(graph_ds.get_canned_queries("kb", None))["cocited_with"]["sql"]
    assert "cocitations" in sql
    page = html(graph_ds, "/-/work/creemers2018china")            # "often cited with"
    assert page.index("/-/work/kostka2019china") < page.index("/-/work/botsman2017who")


def test_works_by_author(ds):
    found = query(ds, "works_by_author", "name=sheridan")
    assert [(r["person"], r["role"], r["work"]) for r in found] == [
        ("Alan Sheridan", "translator", "foucault1977discipline")]
    assert {r["work"] for r in query(ds, "works_by_author", "name=o")} >= {
        "kostka2019china", "botsman2017who", "foucault1977discipline"}


def test_source_categories(ds):
    found = query(ds, "source_categories")
    doc_a = {r["source_category"]: r["works"] for r in found if r["document"] == "doc_a"}
    assert doc_a == {"Scholarly article": 1, "Book": 1, "Grey literature": 1,
                     "Web page": 1, "(uncategorised)": 0}
    assert {r["source_category"] for r in found if r["document"] == "doc_b"} == {
        "Book", "Scholarly article"}


def test_annotated_bibliography(ds):
    found = {r["work"]: r for r in query(ds, "annotated_bibliography", "document=doc_a")}
    assert set(found) == {"botsman2017who", "kostka2019china", "creemers2018china",
                          "reviewer2020script"}
    kostka = found["kostka2019china"]
    assert len(json.loads(kostka["annotations"])) == 2
    assert [c[:12] for c in json.loads(kostka["claims"])] == ["Most citizen",
                                                              "The system i"]
    assert json.loads(found["creemers2018china"]["annotations"]) == []


def test_unparsed_refs(ds):
    found = query(ds, "unparsed_refs")
    assert [r["raw"] for r in found] == ["Anon. n.d. ??? [untitled leaflet]"]


def test_every_canned_query_is_listed_and_answers(ds):
    names = set(plugin.load_metadata()["databases"]["kb"]["queries"])
    assert names == set(QUERY_PARAMS)
    page = html(ds, "/kb")
    for name, qs in QUERY_PARAMS.items():
        assert f'href="/kb/{name}"' in page, name
        assert query(ds, name, qs), name
        assert "<h1" in html(ds, f"/kb/{name}?{qs}")


# ---------------------------------------------------------------- facets and pages

def test_facets_from_metadata(ds):
    data = get(ds, "/kb/works.json").json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"type", "source_category", "year"} <= set(facets)
    types = {f["value"]: f["count"] for f in facets["type"]["results"]}
    assert types["book"] == 2
    refs = get(ds, "/kb/refs.json").json()["facet_results"]
    refs = refs.get("results", refs)
    assert {"document_id", "kind"} <= set(refs)
    docs = {f["value"]: f["count"] for f in refs["document_id"]["results"]}
    assert docs == {"doc_a": 5, "doc_b": 3, "doc_c": 2}


SEARCH_PAGES = ["/kb/refs.json?_search=china", "/kb/refs.json?_search=the&_facet_size=1",
                "/kb/refs.json?_search=china&document_id=doc_a&_facet=year",
                "/kb/claims.json?_search=social", "/kb/works.json?_search=credit",
                "/kb/refs.json?_search=nosuchwordanywhere"]


def facet_counts(data) -> dict:
    found = data["facet_results"]
    found = found.get("results", found)
    return {name: ([(r["value"], r["count"], r["selected"]) for r in f["results"]],
                   f["truncated"]) for name, f in found.items()}


def per_facet_counts(path, url) -> dict:
    """Each facet counted on its own, as Datasette's column facet does."""
    page, _, qs = url.partition("?")
    table = page.rsplit("/", 1)[1].split(".")[0]
    args = dict(p.split("=") for p in qs.split("&"))
    size = int(args.get("_facet_size", 6))
    meta = plugin.load_metadata()["databases"]["kb"]["tables"][table]
    where = [f"rowid in (select rowid from {table}_fts where {table}_fts match ?)"]
    params = ['"' + args["_search"] + '"']
    if "document_id" in args:
        where.append("document_id = ?")
        params.append(args["document_id"])
    out = {}
    with sqlite3.connect(path) as conn:
        for col in meta["facets"] + ([args["_facet"]] if "_facet" in args else []):
            got = conn.execute(
                f"select {col}, count(*) c from {table} where {' and '.join(where)} and "
                f"{col} is not null group by {col} order by c desc, {col} limit {size + 1}",
                params).fetchall()
            out[col] = ([(v, c, args.get(col) == str(v)) for v, c in got[:size]],
                        len(got) > size)
    return out


def test_search_page_facets_are_counted_in_one_pass(ds, store_path, monkeypatch):
    """A search page counts all its column facets with one query, and each
    count is what Datasette's own query per facet gives."""
    from kbfixtures import spy_sql
    seen = spy_sql(monkeypatch)
    nonempty = 0
    for url in SEARCH_PAGES:
        seen.clear()
        data = get(ds, url + "&_kb_test=onepass").json()
        matched = [q for q in seen if "_fts match" in q]
        assert len(matched) == 3, matched          # the rows, their count, the facets
        assert facet_counts(data) == per_facet_counts(store_path, url), url
        nonempty += any(r for r, _ in facet_counts(data).values())
    assert nonempty >= 4


def test_search_page_facets_equal_datasettes_own(ds, monkeypatch):
    from datasette.facets import ColumnFacet
    from kb.publish import facets
    ours = [get(ds, url + "&_kb_test=same").json()["facet_results"] for url in SEARCH_PAGES]
    monkeypatch.setattr(facets.OnePassFacet, "facet_results", ColumnFacet.facet_results)
    ds._kb_response_cache.entries.clear()      # (kb.publish.cache) made again
    theirs = [get(ds, url + "&_kb_test=same").json()["facet_results"]
              for url in SEARCH_PAGES]
    assert ours == theirs


def test_one_pass_that_fails_counts_facet_by_facet(ds, monkeypatch):
    from kb.publish import facets
    monkeypatch.setattr(facets, "values_sql", lambda *a: "select no_such_column")
    monkeypatch.setattr(facets, "one_pass_sql", lambda *a: "select no_such_column")
    data = get(ds, SEARCH_PAGES[0] + "&_kb_test=fallback").json()
    assert facet_counts(data) == per_facet_counts(ds.databases["kb"].path, SEARCH_PAGES[0])


def test_facets_of_mixed_values_equal_datasettes_own(tmp_path, monkeypatch):
    """Numbers and text in one column, ties, real numbers (counted in SQL):
    the same values, counts and order as Datasette's own facet queries."""
    from datasette.facets import ColumnFacet
    from kb.publish import facets
    path = build_store(tmp_path / "kb.db")
    with sqlite3.connect(path) as conn:
        conn.execute("update refs set page = case id % 4 when 0 then 'xii' when 1 then 'B' "
                     "when 2 then 12 else 3 end, note = id % 2, confidence = (id % 3) / 3.0")
    urls = ["/kb/refs.json?_search=the&_facet=page&_facet=note",
            "/kb/refs.json?_search=the&_facet=page&_facet=confidence",
            "/kb/refs.json?_search=the&_facet=page&_facet_size=2"]
    from kbfixtures import spy_sql
    seen = spy_sql(monkeypatch)
    site = make_datasette(path, annotations=False)
    ours = []
    for url in urls:
        seen.clear()
        ours.append(get(site, url).json()["facet_results"])
        grouped = any("kb_matched" in q for q in seen)    # SQL groups the rows
        assert grouped == ("confidence" in url)           # only for the real numbers
    monkeypatch.setattr(facets.OnePassFacet, "facet_results", ColumnFacet.facet_results)
    site = make_datasette(path, annotations=False)
    theirs = [get(site, url).json()["facet_results"] for url in urls]
    assert ours == theirs
    pages = {r["value"]: r["count"] for r in ours[0]["page"]["results"]}
    assert {type(v) for v in pages} == {int, str} and "confidence" in ours[1]


def test_labels_show_work_keys_and_never_none(ds, tmp_path):
    page = html(ds, "/kb/refs?document_id=doc_b")
    assert '<a href="/kb/works/5">foucault1977discipline</a>' in page
    path = build_store(tmp_path / "kb.db")
    db = store.connect(path)
    with db.conn:
        db.execute("update documents set title = null")
    db.conn.close()
    page = html(make_datasette(path, annotations=False), "/kb/refs")
    assert ">None<" not in page and '<a href="/kb/documents/doc_b">doc_b</a>' in page


def test_home_page_has_search_questions_and_graph(ds):
    page = html(ds, "/")
    assert 'action="/kb/search"' in page and 'name="q"' in page
    assert 'href="/kb/trace_claim"' in page and "Trace a claim to its sources" in page
    assert ('href="/-/graph"' in page) == (plugin.graph_renderer() is not None)
    assert 'href="/-/kb.css"' in page


def test_graph_page(ds):
    response = get(ds, "/-/graph")
    if plugin.graph_renderer() is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and "<html" in response.text.lower()
        assert "<script>alert(1)</script>" not in response.text


# ---------------------------------------------------------------- cells

def cell(value, column, table, _=None):
    return plugin.render_cell(row=None, value=value, column=column, table=table,
                              database="kb", datasette=None)


def test_render_cell_links_and_names():
    assert cell("10.1/x<y", "doi", "works", None) == Markup(
        '<a href="https://doi.org/10.1/x%3Cy">10.1/x&lt;y</a>')
    assert 'href="https://doi.org/10.5/a"' in cell("https://doi.org/10.5/a", "doi", "refs", None)
    assert cell("https://e.org/?a=1&b=2", "url", "works", None) == Markup(
        '<a href="https://e.org/?a=1&amp;b=2">https://e.org/?a=1&amp;b=2</a>')
    assert cell("javascript:alert(1)", "url", "works", None) is None
    authors = json.dumps([{"family": "Kostka", "given": "Genia"},
                          {"literal": "<b>State</b> Council"}])
    assert cell(authors, "authors", "works", None) == "Kostka, Genia; &lt;b&gt;State&lt;/b&gt; Council"
    assert cell('["Ada Lovelace"]', "authors", "documents", None) == "Ada Lovelace"
    assert cell("[]", "editors", "refs", None) == plugin.EMPTY
    assert cell("kostka2019china", "key", "works", None) == Markup(
        '<a href="/-/work/kostka2019china">kostka2019china</a>')
    assert cell("x", "key", "kb_meta", None) is None
    assert cell('["<i>a</i>", "b"]', "claims", None, None) == Markup(
        '<ul class="kb-list"><li>&lt;i&gt;a&lt;/i&gt;</li><li>b</li></ul>')
    assert cell("plain", "title", "works", None) is None and cell(3, "doi", "works", None) is None


def test_pages_show_names_links_and_escape_html(ds):
    works = html(ds, "/kb/works")
    assert '<a href="https://doi.org/10.1177/1461444819826402">' in works
    assert "Kostka, Genia" in works and '{&#34;family&#34;' not in works
    assert ">[]<" not in html(ds, "/kb/refs")
    assert '<a href="/-/work/kostka2019china">' in works
    search = html(ds, "/kb/search?q=credit")
    assert '<a href="/kb/documents/doc_a">doc_a</a>' in search
    assert '<a href="/kb/refs/5">5</a>' in html(ds, "/kb/unparsed_refs")
    documents = html(ds, "/kb/documents")
    assert '<a href="/kb/document_cites?id=doc_b">3</a>' in documents
    assert '<a href="/kb/claims?document_id=doc_b">3</a>' in documents
    for url in ("/kb/works", "/kb/refs", "/kb/search?q=hacking",
                "/-/work/reviewer2020script", "/kb/document_cites?id=doc_a"):
        page = html(ds, url)
        assert ESCAPED_SCRIPT in page, url
        assert "<script>alert(1)" not in page, url


# ---------------------------------------------------------------- work page

def test_work_page(ds):
    page = html(ds, "/-/work/kostka2019china")
    assert "China&#39;s social credit systems and public opinion" in page
    assert 'href="https://doi.org/10.1177/1461444819826402"' in page
    assert 'href="/-/work/kostka2019china.bib"' in page
    assert page.count('class="raw"') == 3                       # as written, 3 docs
    assert "Survey of 2,209 respondents" in page                 # annotation
    assert "Pinpoint checked" in page and "on the claim" in page
    assert "Most citizens approve of social credit systems" in page  # claims
    assert "Platforms broker trust between strangers" in page
    assert "@article{kostka2019china" in page                     # BibTeX shown
    assert 'href="/-/work/botsman2017who"' in page               # often cited with
    foucault = html(ds, "/-/work/foucault1977discipline")
    assert "Alan Sheridan</a> (translator)" in foucault
    assert get(ds, "/-/work/no-such-work").status_code == 404
    assert get(ds, "/-/work/no-such-work.bib").status_code == 404


def test_work_page_reads_live_notes_when_annotations_are_mounted(tmp_path):
    from kb import annotate
    path = build_store(tmp_path / "kb.db")
    site = make_datasette(path)                 # mounts annotations.db beside it
    assert "annotations" in site.databases
    notes = annotate.open_annotations(annotate.annotations_path(path))
    annotate.add(notes, "creemers2018china", "Written after the 2014 plan.", author="ana")
    notes.conn.close()
    page = html(site, "/-/work/creemers2018china")
    assert "Written after the 2014 plan." in page and "ana" in page
    assert 'href="/-/annotations?key=creemers2018china"' in page
    home = html(site, "/")
    assert 'href="/-/annotations"' in home                      # live notes page
    assert home.index('href="/kb"') < home.index('href="/annotations"')  # store first


# ---------------------------------------------------------------- .bib

def test_bib_of_a_table_covers_every_page_and_filter(ds):
    response = get(ds, "/kb/works.bib?_size=2")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-bibtex")
    assert 'filename="works.bib"' in response.headers["content-disposition"]
    assert sorted(bib_keys(response.text)) == sorted(
        ["botsman2017who", "kostka2019china", "creemers2018china",
         "reviewer2020script", "foucault1977discipline"])
    assert sorted(bib_keys(get(ds, "/kb/works.bib?type=book").text)) == [
        "botsman2017who", "foucault1977discipline"]


def test_bib_of_refs_and_queries(ds):
    assert sorted(bib_keys(get(ds, "/kb/refs.bib?document_id=doc_b").text)) == [
        "foucault1977discipline", "kostka2019china"]
    assert sorted(bib_keys(get(ds, "/kb/document_cites.bib?id=doc_c").text)) == [
        "botsman2017who", "kostka2019china"]
    assert bib_keys(get(ds, "/kb/works_by_author.bib?name=Sheridan").text) == [
        "foucault1977discipline"]
    assert bib_keys(get(ds, "/kb/search.bib?q=nothing-matches").text) == []
    gone = get(ds, "/kb.bib?sql=select+'gone2001'+as+key+union+select+'botsman2017who'")
    assert gone.status_code == 200 and bib_keys(gone.text) == ["botsman2017who"]
    assert sorted(bib_keys(get(ds, "/kb/citations.bib?claim_id=3").text)) == [
        "creemers2018china", "kostka2019china"]


def test_bib_matches_the_cli_exporter(ds, store_path):
    from kb.publish.bibtex import bibtex_from_db
    one = get(ds, "/-/work/reviewer2020script.bib")
    assert one.text == bibtex_from_db(store.connect(store_path), keys=["reviewer2020script"])
    entry = parse_string(one.text, "bibtex").entries["reviewer2020script"]
    assert "<script>alert(1)</script>" in entry.fields["title"]
    assert "Hacking" in entry.fields["title"]


def test_bib_link_only_where_rows_are_works(ds):
    assert 'href="/kb/works.bib' in html(ds, "/kb/works")
    assert 'href="/kb/refs.bib' in html(ds, "/kb/refs")
    assert 'href="/kb/most_cited.bib' in html(ds, "/kb/most_cited")
    assert ".bib" not in html(ds, "/kb/claims").replace("kb.css", "")


# ---------------------------------------------------------------- serve

def test_serve_without_a_store_says_build_first(tmp_path):
    result = CliRunner().invoke(serve_command, ["--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert "run `kb build` first" in result.output


def test_admin_login_only_with_a_password_hash_in_the_environment(tmp_path, monkeypatch):
    from datasette_auth_passwords.utils import hash_password
    path = build_store(tmp_path / "kb.db")

    async def login(site, password):
        page = await site.client.get("/-/login")
        csrf = page.cookies["ds_csrftoken"]
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
        response = await site.client.post(
            "/-/login", cookies={"ds_csrftoken": csrf},
            data={"username": "admin", "password": password, "csrftoken": token})
        return "ds_actor" in response.cookies

    monkeypatch.delenv("KB_ADMIN_PASSWORD_HASH", raising=False)
    assert not asyncio.run(login(make_datasette(path), ""))
    monkeypatch.setenv("KB_ADMIN_PASSWORD_HASH", hash_password("s3cret"))
    site = make_datasette(path)
    assert not asyncio.run(login(site, "wrong"))
    assert asyncio.run(login(site, "s3cret"))


def test_serve_datasette_is_immutable_and_time_limited(ds, store_path):
    db = ds.databases["kb"]
    assert not db.is_mutable
    assert ds.setting("sql_time_limit_ms") == 1000
    assert ds.plugin_config("kb_annotations") is None
    response = get(ds, "/kb.json?sql=" + "insert into kb_meta values ('a','b')")
    assert response.status_code >= 400


def test_plain_datasette_home_is_untouched_without_a_kb_store(tmp_path):
    from datasette.app import Datasette
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (a)").connection.commit()
    page = html(Datasette([str(other)]), "/")
    assert "kb-search" not in page and 'href="/other"' in page


def test_search_facets_of_any_datasette_database_equal_datasettes_own(tmp_path, monkeypatch):
    """The plugin's facets on a database that is not a kb store: a column
    that declares a collation (NOCASE groups "A" with "a") keeps
    Datasette's own queries; a plain table is counted in one pass."""
    import sqlite_utils
    from datasette.app import Datasette
    from datasette.facets import ColumnFacet
    from kb.publish import facets
    path = tmp_path / "other.db"
    db = sqlite_utils.Database(path)
    for table, collate in (("plain", ""), ("nocase", " COLLATE NOCASE")):
        db.execute(f"create table {table} (id integer primary key, title text, "
                   f"name text{collate}, n integer)")
        db[table].insert_all([{"title": f"word {i}", "name": "Ab" if i % 3 else "aB",
                               "n": i % 4 if i % 5 else str(i % 2)} for i in range(40)])
        db[table].enable_fts(["title"])
    db.conn.close()
    urls = [f"/other/{t}.json?_search=word&_facet=name&_facet=n" for t in ("plain", "nocase")]
    ours = [get(Datasette([str(path)]), url).json()["facet_results"] for url in urls]
    monkeypatch.setattr(facets.OnePassFacet, "facet_results", ColumnFacet.facet_results)
    theirs = [get(Datasette([str(path)]), url).json()["facet_results"] for url in urls]
    assert ours == theirs
    assert len(ours[0]["name"]["results"]) == 2 and len(ours[1]["name"]["results"]) == 1
