"""The site under load (issue 18, item 8): facet indexes, the response cache
sharing a download as it is made, and the load benchmark's bookkeeping.
Figures come from scripts/bench_load.py (README, Load)."""
from __future__ import annotations

import asyncio
import re
import importlib.util
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml

from kb import store
from kb.publish import cache

ROOT = Path(__file__).resolve().parent.parent


def test_every_facet_of_a_big_table_counts_from_an_index(tmp_path):
    db = store.open_db(tmp_path / "kb.db")
    tables = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["kb"]["tables"]
    for table in ("refs", "works", "claims", "merges"):
        firsts = {idx.columns[0] for idx in db[table].indexes}
        for facet in tables[table].get("facets", []):
            assert facet in firsts, f"{table}.{facet} has no index"
        plan = " ".join(str(r) for r in db.execute(
            f"explain query plan select {tables[table]['facets'][-1]}, count(*) "
            f"from {table} group by 1").fetchall())
        assert "COVERING INDEX" in plan, plan


class FakeDatasette:
    databases: dict = {}

    def plugin_config(self, name):
        return None


def download_app(calls: list, chunks=(b"@a{1}\n", b"@b{2}\n", b"@c{3}\n"),
                 attachment=True):
    async def app(scope, receive, send):
        calls.append(scope["path"])
        headers = [(b"content-type", b"application/x-bibtex")]
        if attachment:
            headers.append((b"content-disposition", b'attachment; filename="w.bib"'))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for chunk in chunks:
            await asyncio.sleep(0.05)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    return app


async def get(app, path="/kb/works.bib", delay=0.0, log=None, name=""):
    await asyncio.sleep(delay)
    got = []

    async def send(message):
        if message["type"] == "http.response.body" and message.get("body"):
            got.append(message["body"])
            if log is not None:
                log.append((name, time.perf_counter()))

    async def receive():
        return {"type": "http.request", "body": b""}
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"",
             "headers": [(b"host", b"t")], "scheme": "http"}
    await app(scope, receive, send)
    return b"".join(got)


def test_a_download_is_made_once_and_streamed_to_identical_requests():
    calls, log = [], []
    app = cache.wrap(download_app(calls), FakeDatasette())

    async def both():
        return await asyncio.gather(get(app, log=log, name="first"),
                                    get(app, delay=0.07, log=log, name="second"))
    first, second = asyncio.run(both())
    assert first == second == b"@a{1}\n@b{2}\n@c{3}\n"
    assert calls == ["/kb/works.bib"]                  # made once
    end_of_first = max(t for n, t in log if n == "first")
    start_of_second = min(t for n, t in log if n == "second")
    assert start_of_second < end_of_first              # streamed along, not after
    assert asyncio.run(get(app)) == first and len(calls) == 1    # then from the cache


def test_a_page_is_made_once_and_waited_for():
    calls = []
    app = cache.wrap(download_app(calls, attachment=False), FakeDatasette())

    async def both():
        return await asyncio.gather(get(app, "/kb/works"), get(app, "/kb/works", delay=0.02))
    first, second = asyncio.run(both())
    assert first == second and calls == ["/kb/works"]


def test_a_download_too_big_to_keep_is_never_sent_short():
    calls = []
    ds = FakeDatasette()
    app = cache.wrap(download_app(calls, chunks=(b"x" * 60, b"y" * 60)), ds)
    ds._kb_response_cache.max_entry = 100

    async def both():
        return await asyncio.gather(get(app), get(app, delay=0.07), return_exceptions=True)
    first, second = asyncio.run(both())
    assert first == b"x" * 60 + b"y" * 60
    assert isinstance(second, RuntimeError)            # an error, not half a file


def bench_load():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "scripts/bench_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("fail, expected", [
    (httpx.ReadTimeout("slow"), "timeout"), (httpx.ConnectError("refused"), "ConnectError")])
def test_a_failed_request_is_counted_not_raised(fail, expected):
    def handler(request):
        raise fail
    http = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://127.0.0.1")
    assert bench_load().fetch(http, "/", time.perf_counter() + 5)[0] == expected


def test_a_slow_body_is_cut_at_the_deadline():
    def handler(request):
        return httpx.Response(200, content=iter([b"a", b"b"]))
    http = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://127.0.0.1")
    module = bench_load()
    assert module.fetch(http, "/", time.perf_counter() - 1)[0] == "timeout"
    status, first = module.fetch(http, "/", time.perf_counter() + 5)
    assert status == 200 and first is not None


# --- the site on a small store -------------------------------------------------

@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    from kb.commands.serve import make_datasette
    from tests.kbfixtures import build_store
    path = build_store(tmp_path_factory.mktemp("load") / "kb.db")
    return make_datasette(path, annotations=False), path


def test_a_work_page_lists_the_first_rows_and_counts_them_all(small_site, monkeypatch):
    from kb.publish import workpage
    ds, _ = small_site
    whole = asyncio.run(ds.client.get("/-/work/kostka2019china", params={"_x": 1})).text
    assert whole.count('class="raw"') == 3 and "The first" not in whole
    monkeypatch.setattr(workpage, "PAGE_ROWS", 1)
    page = asyncio.run(ds.client.get("/-/work/kostka2019china", params={"_x": 2})).text
    assert page.count('class="raw"') == 1 and page.count("<blockquote>") == 1
    assert "As written in the documents (3)" in page and "cited by 3 document(s)" in page
    assert "all 3 in the refs table" in page and "/kb/refs?work_id=" in page
    claims = re.search(r"Claims citing this work \((\d+)\)", whole).group(1)
    assert f"Claims citing this work ({claims})" in page and int(claims) > 1


TRACE_CLAIM_PLAIN = """select c.document_id as document, c.page, c.section, c.text as claim,
       ci.marker, ci.pinpoint, r.raw as source_as_written, w.key as work
from claims_fts join claims c on c.id = claims_fts.rowid
left join citations ci on ci.claim_id = c.id
left join refs r on r.id = ci.ref_id
left join works w on w.id = r.work_id
where claims_fts match :q order by c.document_id, c.line, ci.id limit 1000"""


def test_trace_claim_answers_as_the_plain_join_does(small_site, tmp_path):
    """metadata.yml's trace_claim joins only the claims that can be in the
    first 1000 rows; on a store of 1,500 matching claims, several on one line,
    its rows are the plain join's."""
    import shutil
    import sqlite3
    _, path = small_site
    copy = tmp_path / "kb.db"
    shutil.copy(path, copy)
    conn = sqlite3.connect(copy)
    doc = conn.execute("select id from documents order by id limit 1").fetchone()[0]
    conn.executemany("insert into claims (document_id, text, line) values (?, ?, ?)",
                     [(doc, f"zebra claim {i}", 5000 + i // 3) for i in range(1500)])
    ref = conn.execute("select id from refs where document_id = ? limit 1", [doc]).fetchone()[0]
    new = [r[0] for r in conn.execute("select id from claims where text like 'zebra%' "
                                      "order by id desc")]
    # cited in reverse: on a shared line the later claim's citation comes first
    conn.executemany("insert into citations (claim_id, ref_id, marker) values (?, ?, '1')",
                     [(c, ref) for c in new])
    conn.commit()
    sql = yaml.safe_load((ROOT / "metadata.yml").read_text())[
        "databases"]["kb"]["queries"]["trace_claim"]["sql"]
    conn.create_function("kb_fts", 1, lambda q: q)
    for q in ("zebra", "claim", "nothingmatches"):
        got = conn.execute(sql, {"q": q}).fetchall()
        assert got == conn.execute(TRACE_CLAIM_PLAIN, {"q": q}).fetchall()
    assert len(conn.execute(sql, {"q": "zebra"}).fetchall()) == 1000


# --- queries in the server's thread, schema per generation, several workers -------

SLOW_SQL = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 400000) "
            "select count(*) from n")


def test_a_slow_query_moves_to_a_sql_thread_with_the_same_answer(small_site):
    from kb.publish import live
    ds, path = small_site
    db = ds.get_database(path.stem)
    assert isinstance(db, live.LiveStore)

    async def go():
        fast = await db.execute("select count(*) from works")
        slow = await db.execute(SLOW_SQL)
        again = await db.execute(SLOW_SQL)
        return fast.first()[0], slow.first()[0], again.first()[0]
    works, slow, again = asyncio.run(go())
    assert works > 0 and slow == again == 400000
    assert SLOW_SQL in db.slow and "select count(*) from works" not in db.slow


def test_a_query_past_its_own_time_limit_still_stops(small_site):
    from datasette.database import QueryInterrupted
    ds, path = small_site
    db = ds.get_database(path.stem)
    with pytest.raises(QueryInterrupted):
        asyncio.run(db.execute(SLOW_SQL.replace("400000", "400000000"),
                               custom_time_limit=60))


def test_schema_answers_are_kept_and_copied(small_site):
    ds, path = small_site
    db = ds.get_database(path.stem)

    async def go():
        first = await db.foreign_keys_for_table("refs")
        first.clear()                      # a caller changing its copy changes nothing
        return (await db.foreign_keys_for_table("refs"), await db.table_columns("works"),
                await db.primary_keys("works"), await db.fts_table("works"))
    fks, columns, keys, fts = asyncio.run(go())
    assert fks and "key" in columns and keys == ["id"] and fts == "works_fts"


def test_workers_share_one_secret(tmp_path, monkeypatch):
    """`kb serve --workers 2`: a login made by one process holds in the other."""
    import os
    import socket
    import subprocess
    import sys
    from datasette_auth_passwords.utils import hash_password
    from tests.kbfixtures import build_store
    db = build_store(tmp_path / "kb.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KB_ADMIN_PASSWORD_HASH": hash_password("pw")}
    env.pop("DATASETTE_SECRET", None)
    proc = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--db", str(db),
                             "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/-/versions.json", timeout=1, trust_env=False)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.1)
        with httpx.Client(base_url=base, trust_env=False) as http:
            page = http.get("/-/login")
            token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
            r = http.post("/-/login", data={"username": "admin", "password": "pw",
                                            "csrftoken": token})
            assert r.status_code == 302
            actor = r.cookies["ds_actor"]
        for _ in range(30):        # new connections: both processes answer some
            r = httpx.get(base + "/-/actor.json", cookies={"ds_actor": actor}, trust_env=False,
                          headers={"connection": "close"})
            assert r.json()["actor"]["id"] == "admin"
        workers = [p for p in Path("/proc").glob("[0-9]*/stat")
                   if p.read_text().rsplit(")", 1)[1].split()[1] == str(proc.pid)]
        assert len(workers) >= 2
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert b"Traceback" not in proc.stderr.read()


def test_two_stores_of_one_name_in_one_process_answer_their_own(tmp_path):
    """Queries run in the server's thread: each store keeps its own connection there."""
    from kb.commands.serve import make_datasette
    from tests.kbfixtures import build_store
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = build_store(tmp_path / "a" / "kb.db")
    b = build_store(tmp_path / "b" / "kb.db")
    import sqlite3
    with sqlite3.connect(b) as conn:
        conn.execute("delete from citations")
        conn.execute("delete from claims")
    counts = []
    for path in (a, b):
        ds = make_datasette(path, annotations=False)
        counts.append(asyncio.run(ds.get_database("kb").execute(
            "select count(*) from claims")).first()[0])
    assert counts[0] > 0 and counts[1] == 0


def test_a_slow_function_moves_to_a_sql_thread_with_the_same_answer(small_site):
    ds, path = small_site
    db = ds.get_database(path.stem)
    threads = []

    def fn(conn):
        threads.append(threading.get_ident())
        return conn.execute(SLOW_SQL).fetchone()[0]

    async def go():
        return (await db.execute_fn_here_first(fn, "test:slow"),
                await db.execute_fn_here_first(fn, "test:slow"),
                await db.execute_fn_here_first(lambda c: c.execute(
                    "select count(*) from works").fetchone()[0], "test:fast"))
    here = threading.get_ident()
    first, again, works = asyncio.run(go())
    assert first == again == 400000 and works > 0
    assert "test:slow" in db.slow and "test:fast" not in db.slow
    # tried here, stopped, then a SQL thread; the second call went there at once
    assert threads[0] == here and here not in threads[1:] and len(threads) == 3


def test_pages_that_ask_the_site_itself_never_wait_for_their_own_turns():
    """More pages than turns, each asking the site for another page (as a
    table's .bib does through datasette.client): all are made."""
    wrapped = {}

    async def app(scope, receive, send):
        if scope["path"].startswith("/outer"):
            inner = await get(wrapped["app"], scope["path"].replace("outer", "inner"))
            await asyncio.sleep(0.01)
            body = b"outer:" + inner
        else:
            await asyncio.sleep(0.01)
            body = scope["path"].encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
    wrapped["app"] = cache.wrap(app, FakeDatasette())

    async def all_pages():
        return await asyncio.wait_for(asyncio.gather(
            *[get(wrapped["app"], f"/outer/{i}") for i in range(cache.MAKERS * 3)]), 10)
    got = asyncio.run(all_pages())
    assert got == [f"outer:/inner/{i}".encode() for i in range(cache.MAKERS * 3)]
