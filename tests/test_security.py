"""The published site: read-only for anonymous users, SQL time limit, loopback by
default, and text from documents escaped on every page that shows it."""
from __future__ import annotations

import asyncio
import re

import pytest

from kb import annotate as ann
from kb.commands import serve
from tests.kbfixtures import SCRIPT_TITLE, build_store

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = build_store(tmp_path_factory.mktemp("site") / "kb.db")
    notes = ann.open_annotations(ann.annotations_path(db), recover_from=db)
    ann.add(notes, "reviewer2020script", f"Careful: {SCRIPT} in the title")
    notes.conn.close()
    return serve.make_datasette(db), db


def get(ds, path, **kw):
    return asyncio.run(ds.client.get(path, **kw))


def assert_escaped(html: str):
    assert SCRIPT not in html
    assert ESCAPED in html or "&lt;script&gt;" in html


def test_script_in_raw_and_title_is_escaped_on_refs_page(site):
    ds, _ = site
    r = get(ds, "/kb/refs")
    assert r.status_code == 200
    assert "Hacking the Reviewer" in r.text
    assert_escaped(r.text)


def test_script_is_escaped_on_work_pages(site):
    ds, db = site
    import sqlite3
    with sqlite3.connect(db) as c:
        work_id = c.execute("SELECT id FROM works WHERE key = 'reviewer2020script'").fetchone()[0]
    for path in ("/-/work/reviewer2020script", f"/kb/works/{work_id}", "/kb/works"):
        r = get(ds, path)
        assert r.status_code == 200, path
        assert "Hacking the Reviewer" in r.text, path
        assert_escaped(r.text)


def test_script_is_escaped_in_search_and_annotations(site):
    ds, _ = site
    r = get(ds, "/kb/search", params={"q": "Hacking"})
    if r.status_code == 200:
        assert_escaped(r.text)
    r = get(ds, "/-/annotations")
    assert r.status_code == 200 and "Careful:" in r.text
    assert_escaped(r.text)
    r = get(ds, "/annotations/annotations")
    assert r.status_code == 200
    assert SCRIPT not in r.text


def test_script_is_inert_in_the_graph_view(site):
    ds, _ = site
    r = get(ds, "/-/graph")
    if r.status_code == 404:
        pytest.skip("no graph view")
    assert r.status_code == 200
    assert SCRIPT not in r.text and "alert(1)" in r.text   # present, but as inert data


def test_json_keeps_text_verbatim(site):
    """Escaping is for HTML only: the JSON API returns the text as written."""
    ds, _ = site
    r = get(ds, "/kb/works.json", params={"key": "reviewer2020script", "_shape": "array"})
    assert r.json()[0]["title"] == SCRIPT_TITLE


def test_anonymous_users_cannot_write(site):
    ds, db = site
    before = db.read_bytes()
    notes = ann.open_annotations(ann.annotations_path(db))
    notes_before = ann.list_annotations(notes)

    async def go():
        page = await ds.client.get("/-/annotations")
        assert "/-/annotations/add" not in page.text
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
        cookies = {"ds_csrftoken": page.cookies.get("ds_csrftoken", "")}
        data = {"key": "botsman2017who", "text": "spam"}
        if token:
            data["csrftoken"] = token.group(1)
        r = await ds.client.post("/-/annotations/add", data=data, cookies=cookies)
        assert r.status_code == 403
        for db_name, sql in (("kb", "delete from works"), ("annotations", "delete from annotations"),
                             ("kb", "update works set title = 'x'"),
                             ("annotations", "insert into annotations (key, text) values ('a', 'b')")):
            r = await ds.client.get(f"/{db_name}.json", params={"sql": sql})
            assert r.status_code in (400, 403), (sql, r.status_code)
    asyncio.run(go())
    assert db.read_bytes() == before
    assert ann.list_annotations(notes) == notes_before and notes_before


def test_store_is_served_immutable(site):
    ds, _ = site
    assert ds.databases["kb"].is_mutable is False
    assert ds.databases["annotations"].is_mutable is True


def test_sql_time_limit_stops_a_runaway_query(site):
    ds, _ = site
    assert 0 < ds.setting("sql_time_limit_ms") <= 5000
    runaway = ("with recursive n(i) as (select 1 union all select i + 1 from n) "
               "select count(*) from n")
    r = get(ds, "/kb.json", params={"sql": runaway})
    assert r.status_code == 400
    assert "too long" in r.text.lower() or "interrupted" in r.text.lower()


def test_loopback_by_default():
    host = next(p for p in serve.command.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_login_is_offered_and_no_accounts_means_no_login(site):
    ds, _ = site
    r = get(ds, "/-/login")
    assert r.status_code == 200
    # without KB_ADMIN_PASSWORD_HASH no account exists, so nobody can log in
    r = asyncio.run(ds.client.post("/-/login", data={"username": "admin", "password": ""}))
    assert r.status_code in (200, 403) and "ds_actor" not in r.cookies


def test_admin_from_env_can_annotate_through_kb_serve(tmp_path, monkeypatch):
    """`kb serve` wiring end to end: KB_ADMIN_PASSWORD_HASH -> login -> a note is added."""
    from datasette_auth_passwords.utils import hash_password
    monkeypatch.setenv("KB_ADMIN_PASSWORD_HASH", hash_password("pw"))
    db = build_store(tmp_path / "kb.db")
    ds = serve.make_datasette(db)

    def token(html):
        return re.search(r'name="csrftoken" value="([^"]+)"', html).group(1)

    async def go():
        page = await ds.client.get("/-/login")
        csrf = page.cookies["ds_csrftoken"]
        r = await ds.client.post("/-/login", cookies={"ds_csrftoken": csrf}, data={
            "username": "admin", "password": "pw", "csrftoken": token(page.text)})
        assert r.status_code == 302
        cookies = {"ds_actor": r.cookies["ds_actor"], "ds_csrftoken": csrf}
        page = await ds.client.get("/-/annotations?key=foucault1977discipline", cookies=cookies)
        r = await ds.client.post("/-/annotations/add", cookies=cookies, data={
            "key": "foucault1977discipline", "text": "Read chapter 3.",
            "csrftoken": token(page.text)})
        assert r.status_code == 302
    asyncio.run(go())
    notes = ann.open_annotations(ann.annotations_path(db))
    assert [(n["key"], n["author"]) for n in ann.list_annotations(notes)][-1] == (
        "foucault1977discipline", "admin")


def test_without_annotations_db_no_dead_links(tmp_path):
    db = build_store(tmp_path / "kb.db")
    ds = serve.make_datasette(db, annotations=False)
    assert get(ds, "/-/annotations").status_code == 404
    assert 'href="/-/annotations"' not in get(ds, "/kb/works").text
