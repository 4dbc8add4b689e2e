"""A search page's count read from the full-text index (kb.publish.searchcount).

Every count and row must be what plain Datasette shows for the same store;
the index-only count is used only while kb's triggers keep the index in step
with the table, and a store whose index is out of step is counted as
Datasette counts it.
"""
from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3

import pytest
import sqlite_utils
from datasette.app import Datasette

from kb.commands.serve import make_datasette
from kb.publish import plugin, searchcount
from kbfixtures import build_store

PAGES = ["/kb/refs.json?_search=china", "/kb/refs.json?_search=the",
         "/kb/works.json?_search=credit", "/kb/claims.json?_search=social",
         "/kb/claims.json?_search=the&_size=1", "/kb/refs.json?_search=nosuchwordanywhere",
         "/kb/refs.json?_search=china&document_id=doc_a",
         "/kb/refs.json?_search_title=china", "/kb/works.json?_search=cred*&_searchmode=raw",
         "/kb/refs.json?_search=the&_next=3"]


def get(ds, url: str):
    response = asyncio.run(ds.client.get(url))
    assert response.status_code == 200, (url, response.text[:300])
    return response.json()


def shown(ds, urls: list[str]) -> list:
    """The count and rows each page shows."""
    return [(page["filtered_table_rows_count"], page["rows"])
            for page in (get(ds, u) for u in urls)]


def plain_datasette(path):
    return Datasette([str(path)], metadata=plugin.load_metadata(), immutables=[])


@pytest.fixture
def sql_seen(monkeypatch):
    from kbfixtures import spy_sql
    return spy_sql(monkeypatch)


def counts(seen: list) -> list:
    return [q for q in seen if q.startswith("select count(*)") and " match " in q]


def test_counts_and_rows_equal_plain_datasettes(tmp_path, sql_seen):
    path = build_store(tmp_path / "kb.db")
    ours = shown(make_datasette(path, annotations=False), PAGES)
    theirs = shown(plain_datasette(path), PAGES)
    assert ours == theirs
    assert ours[0][0] > 0 and ours[1][0] > 1 and ours[5][0] == 0
    assert len(ours[4][1]) == 1 < ours[4][0]


def test_search_count_reads_only_the_index(tmp_path, sql_seen):
    """One count per search page, over the full-text table alone; with
    another filter or a column search, Datasette's count."""
    site = make_datasette(build_store(tmp_path / "kb.db"), annotations=False)
    for table in ("refs", "claims", "works"):
        sql_seen.clear()
        get(site, f"/kb/{table}.json?_search=the")
        assert counts(sql_seen) == [
            f"select count(*) from {table}_fts where {table}_fts match escape_fts(:search)"]
    sql_seen.clear()
    get(site, "/kb/refs.json?_search=china&document_id=doc_a")
    assert [q.startswith("select count(*) from refs where") for q in counts(sql_seen)] == [True]


def out_of_step(path, how: str):
    """Break the index's step with refs: a row deleted without its trigger,
    or a trigger missing."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("drop trigger refs_ad")
        if how == "stale":
            conn.execute("delete from refs where id = (select min(rowid) from refs_fts "
                         "where refs_fts match 'china')")
            conn.execute("create trigger refs_ad after delete on refs begin "
                         "insert into refs_fts (refs_fts, rowid, raw, title) "
                         "values ('delete', old.rowid, old.raw, old.title); end")
    conn.close()


@pytest.mark.parametrize("how", ["stale", "no trigger"])
def test_index_out_of_step_is_counted_as_datasette_counts(tmp_path, sql_seen, how):
    path = build_store(tmp_path / "kb.db")
    out_of_step(path, how)
    urls = ["/kb/refs.json?_search=china"]
    ours = shown(make_datasette(path, annotations=False), urls)
    assert ours == shown(plain_datasette(path), urls)
    assert counts(sql_seen)[-1].startswith("select count(*) from refs where id in")
    if how == "stale":      # the index holds one entry more than the table
        conn = sqlite3.connect(path)
        index = conn.execute("select count(*) from refs_fts where refs_fts match 'china'")
        assert index.fetchone()[0] == ours[0][0] + 1


def test_in_step_needs_the_tables_own_index_its_rowid_and_triggers(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite_utils.Database(path)
    for name, pk in (("kept", "id"), ("bare", "id"), ("other", "id"), ("textkey", "code")):
        db[name].insert_all([{pk: i if pk == "id" else f"c{i}", "title": f"word {i}"}
                             for i in range(5)], pk=pk)
    db["kept"].enable_fts(["title"], create_triggers=True)
    db["bare"].enable_fts(["title"])                       # no triggers
    db["textkey"].enable_fts(["title"], create_triggers=True)
    db.execute("create virtual table other_fts using fts5 (title, content='kept')")
    conn = db.conn
    assert searchcount.in_step(conn, "kept", "id", "kept_fts")
    assert searchcount.in_step(conn, "kept", "rowid", "kept_fts")
    assert not searchcount.in_step(conn, "bare", "id", "bare_fts")
    assert not searchcount.in_step(conn, "other", "id", "other_fts")   # another table's
    assert not searchcount.in_step(conn, "textkey", "code", "textkey_fts")
    assert not searchcount.in_step(conn, "kept", "id", "no_such_fts")


def test_index_count_recognises_only_a_search_alone():
    sql = ("select count(*) from refs where id in (select rowid from refs_fts "
           "where refs_fts match escape_fts(:search)) ")
    assert searchcount.index_count(sql) == (
        ("refs", "id", "refs_fts"),
        "select count(*) from refs_fts where refs_fts match escape_fts(:search)")
    odd = ("select count(*) from [my refs] where rowid in (select rowid from [my fts] "
           "where [my fts] match :search) ")
    assert searchcount.index_count(odd) == (
        ("my refs", "rowid", "my fts"), "select count(*) from [my fts] where [my fts] match :search")
    assert searchcount.index_count(sql.replace("refs_fts match", "other_fts match")) is None
    assert searchcount.index_count(sql + "and kind = :p0 ") is None
    assert searchcount.index_count(sql.replace("count(*)", "id")) is None


PAGES_HTML = ["/kb/refs?_search=china", "/kb/refs", "/kb/works?_search=credit",
              "/kb/claims?_search=social", "/kb/documents", "/kb/works?_sort=title",
              "/kb/refs?_search=the&_facet=page", "/kb/citations", "/kb/refs/1",
              "/kb/refs?_search=nosuchwordanywhere", "/kb/authors?_size=2"]


def page_html(site, url: str) -> str:
    response = asyncio.run(site.client.get(url))
    assert response.status_code == 200, url
    return re.sub(r"took [\d.]+ ?ms", "took ms", response.text)


def test_table_pages_are_datasettes_own_bytes(tmp_path, monkeypatch):
    """kb/templates/_table.html (rows written by kb.publish.tablerows) makes
    the pages Datasette's own _table.html makes, byte for byte (each page
    the first of a new site: a row page shows the licence only after a
    table page, in Datasette as here)."""
    path = build_store(tmp_path / "kb.db")
    ours = [page_html(make_datasette(path, annotations=False), u) for u in PAGES_HTML]
    theirs_dir = tmp_path / "templates"
    shutil.copytree(plugin.TEMPLATES, theirs_dir)
    (theirs_dir / "_table.html").unlink()
    monkeypatch.setattr(plugin, "TEMPLATES", theirs_dir)
    site = make_datasette(path, annotations=False)
    assert "kb_table_rows" not in site.jinja_env.loader.get_source(
        site.jinja_env, "_table.html")[0]
    theirs = [page_html(make_datasette(path, annotations=False), u) for u in PAGES_HTML]
    for url, a, b in zip(PAGES_HTML, ours, theirs):
        assert a == b, url
    assert all("<td class=" in p for p in ours[:5]) and "&lt;script&gt;" in "".join(ours)
