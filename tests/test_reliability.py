"""What an outside probe broke (issue 18), each as a regression test.

1. SQL resource exhaustion on the site; 2. a mistyped or empty corpus path;
3. state changes by GET; 4. a note moving to a different work with the same
key; 5. a symlinked --db; 6. silent skips while reading a folder; 7. small
ones (corrupt store, huge ids, unknown work keys, broken pipes, busy ports).
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

from kb import annotate as ann
from kb import store
from kb.build import BuildError, build
from kb.cli import main as kb_main
from kb.commands import serve
from tests.kbfixtures import build_store
from test_faults import APA, quiet_build   # the fault tests' document and quiet build

ROOT = Path(__file__).resolve().parent.parent



def small_corpus(d: Path, n: int = 2) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (d / f"doc{i}.md").write_text(APA.format(n=i))
    return d


def count(db, sql, args=()):
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchone()[0]


def get(ds, path, **kw):
    return asyncio.run(ds.client.get(path, **kw))


def kb_cli(*args, **kw):
    return CliRunner().invoke(kb_main, [str(a) for a in args], **kw)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = build_store(tmp_path_factory.mktemp("site") / "kb.db")
    return serve.make_datasette(db), db


# --- 1. SQL resource exhaustion ------------------------------------------------------

HOGS = [
    "select randomblob(1000000000)",
    "select length(randomblob(1e9))",
    "select zeroblob(2000000000)",
    # a string doubling until it is huge
    "with recursive s(x) as (select 'ab' union all select x || x from s) "
    "select length(x) from s limit 40",
    # many big values, each allowed alone: the whole result is capped
    "with recursive n(i) as (select 1 union all select i + 1 from n limit 1000) "
    "select zeroblob(900000) as a, zeroblob(900000) as b from n",
]


@pytest.mark.parametrize("sql", HOGS)
def test_a_query_cannot_allocate_without_bound(site, sql):
    ds, _ = site
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB
    t = time.perf_counter()
    r = get(ds, "/kb.json", params={"sql": sql})
    seconds = time.perf_counter() - t
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert r.status_code == 400, (r.status_code, r.text[:200])
    assert seconds < 5
    assert grown_mb < 400
    assert len(r.content) < 100_000


def test_ordinary_queries_still_work_under_the_limits(site):
    ds, _ = site
    r = get(ds, "/kb.json", params={"sql": "select length(randomblob(1000)) as n",
                                   "_shape": "array"})
    assert r.status_code == 200 and r.json() == [{"n": 1000}]
    assert get(ds, "/kb/works.json").status_code == 200
    assert get(ds, "/kb/works.bib").status_code == 200


# --- 2. a mistyped or empty corpus path ------------------------------------------------

@pytest.fixture
def built(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    db = tmp_path / "kb.db"
    quiet_build([corpus], db)
    assert count(db, "select count(*) from documents") == 2
    return corpus, db


def test_a_missing_corpus_path_writes_nothing(built, tmp_path):
    corpus, db = built
    before = db.read_bytes()
    with pytest.raises(BuildError, match="corpsu"):
        quiet_build([tmp_path / "corpsu"], db)
    assert db.read_bytes() == before
    r = kb_cli("build", tmp_path / "corpsu", "--db", db, "-q")
    assert r.exit_code != 0 and "corpsu" in r.stderr
    assert db.read_bytes() == before


def test_a_build_that_would_remove_every_document_needs_a_flag(built, tmp_path):
    corpus, db = built
    before = db.read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BuildError, match="allow-empty"):
        quiet_build([empty], db)
    assert db.read_bytes() == before
    r = kb_cli("build", empty, "--db", db, "-q")
    assert r.exit_code != 0 and "--allow-empty" in r.stderr
    assert db.read_bytes() == before
    for f in corpus.iterdir():        # every document gone from the folder
        f.unlink()
    with pytest.raises(BuildError):
        quiet_build([corpus], db)
    assert db.read_bytes() == before
    s = quiet_build([empty], db, allow_empty=True)
    assert s.documents == 0 and s.removed == 2


def test_an_empty_folder_for_a_new_store_is_an_error_too(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BuildError):
        quiet_build([empty], tmp_path / "kb.db")
    assert not (tmp_path / "kb.db").exists()


# --- 3. no state change by GET ----------------------------------------------------

def signed_in(ds) -> dict:
    return {"ds_actor": ds.sign({"a": {"id": "ana"}}, "actor")}


async def csrf(ds, cookies) -> tuple[dict, str]:
    page = await ds.client.get("/-/annotations", cookies=cookies)
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    return {**cookies, "ds_csrftoken": page.cookies.get("ds_csrftoken")}, token


@pytest.fixture
def notes_site(tmp_path):
    db = build_store(tmp_path / "kb.db")
    notes = ann.open_annotations(ann.annotations_path(db))
    note = ann.add(notes, "botsman2017who", "keep me")
    notes.conn.close()
    return serve.make_datasette(db), db, note["id"]


def test_get_never_deletes_or_changes_a_note(notes_site):
    ds, db, note_id = notes_site
    cookies = signed_in(ds)
    for path in (f"/-/annotations/{note_id}/delete", f"/-/annotations/{note_id}/edit",
                 "/-/annotations/add?key=botsman2017who&text=spam"):
        r = get(ds, path, cookies=cookies)
        assert r.status_code == 405, (path, r.status_code)
    notes = ann.current_notes(db)
    assert [(n["id"], n["text"]) for n in notes] == [(note_id, "keep me")]

    async def post_delete():   # the real form still works
        c, token = await csrf(ds, cookies)
        return await ds.client.post(f"/-/annotations/{note_id}/delete", cookies=c,
                                    data={"csrftoken": token})
    assert asyncio.run(post_delete()).status_code == 302
    assert ann.current_notes(db) == []


# --- 4. a note stays with the work it was written on ------------------------------------

def make_store(path: Path, works: list[dict]) -> Path:
    path.unlink(missing_ok=True)
    db = store.open_db(path)
    for w in works:
        db["works"].insert({**w, "authors": json.dumps(w["authors"])})
    db.conn.close()
    return path


SMITH = {"key": "smith2003watching", "title": "Watching the watchers: surveillance and trust",
         "year": 2003, "authors": [{"family": "Smith", "given": "J."}], "type": "book"}
BIRDS = {"key": "smith2003watching", "title": "Watching birds in winter",
         "year": 2003, "authors": [{"family": "Smith", "given": "Anne"}], "type": "book"}


def test_a_note_does_not_move_to_a_different_work_with_the_same_key(tmp_path):
    db = make_store(tmp_path / "kb.db", [SMITH])
    assert kb_cli("annotate", "smith2003watching", "Careful survey.", "--db", db).exit_code == 0
    make_store(db, [BIRDS])          # store deleted and rebuilt: another work has the key
    r = kb_cli("annotate", "--list", "--orphaned", "--db", db)
    assert r.exit_code == 0 and "Careful survey." in r.stdout
    assert "different work" in r.stdout
    listed = json.loads(kb_cli("annotate", "--list", "--json", "--db", db).stdout)
    assert listed[0]["orphaned"] and "different work" in listed[0]["orphan_reason"]
    # not on the work page, not in the annotated export; orphaned with a reason on the site
    ds = serve.make_datasette(db)
    assert "Careful survey." not in get(ds, "/-/work/smith2003watching").text
    page = get(ds, "/-/annotations").text
    assert "Careful survey." in page and "different work" in page
    out = kb_cli("export", "annotated", "--db", db)
    assert out.exit_code == 0 and "Careful survey." not in out.stdout
    # the same work back (title as written): the note re-attaches
    make_store(db, [SMITH])
    assert "Careful survey." in get(serve.make_datasette(db), "/-/work/smith2003watching").text
    assert kb_cli("annotate", "--list", "--orphaned", "--db", db).stdout.strip() \
        == "no orphaned annotations"


# --- 5. a symlinked --db --------------------------------------------------------------

def test_a_build_through_a_symlink_writes_and_locks_the_target(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    real_dir = tmp_path / "d"
    real_dir.mkdir()
    target = real_dir / "kb.db"
    quiet_build([corpus], target)
    link = tmp_path / "link.db"
    link.symlink_to(target)
    small_corpus(corpus, 3)
    quiet_build([corpus], link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert count(target, "select count(*) from documents") == 3
    with FileLock(str(target) + ".lock"):         # a build on the target is running
        with pytest.raises(BuildError, match="another kb build"):
            quiet_build([corpus], link)
    assert link.is_symlink()


# --- 6. nothing is skipped silently ---------------------------------------------------------

def errors(db) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as c:
        return c.execute("select path, error from build_errors").fetchall()


def test_links_fifos_and_loops_are_reported(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    outside = tmp_path / "outside.txt"
    outside.write_text(APA.format(n="outside"))
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "dangling.txt").symlink_to(tmp_path / "nothing.txt")
    (corpus / "leaves.txt").symlink_to(outside)
    (corpus / "dirloop").symlink_to(corpus)
    os.mkfifo(corpus / "pipe.txt")
    said: list[str] = []
    db = tmp_path / "kb.db"
    s = build([corpus], db, progress=False, echo=said.append)
    found = dict((Path(p).name, e) for p, e in errors(db))
    for name in ("loop.txt", "dangling.txt", "leaves.txt", "pipe.txt", "dirloop"):
        assert name in found, (name, found)
        assert any(name in m for m in said), name
    assert "--follow-links" in found["leaves.txt"]
    assert "outside" not in {Path(p).stem for p in
                             [r[0] for r in sqlite3.connect(db).execute("select path from documents")]}
    assert s.documents == 2
    s = build([corpus], db, progress=False, echo=lambda m: None, follow_links=True)
    assert s.documents == 3


def test_a_truncated_long_line_gets_a_warning(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "long.txt").write_text("Smith (2003) said " + "word " * 1_100_000 + "\n"
                                     + APA.format(n="long"))
    said: list[str] = []
    db = tmp_path / "kb.db"
    build([corpus], db, progress=False, echo=said.append)
    assert any("long.txt" in m and "truncated" in m for m in said), said
    assert any("truncated" in e for p, e in errors(db) if p.endswith("long.txt"))


def test_two_stores_in_one_folder_keep_their_notes_apart(tmp_path):
    a, b = tmp_path / "kb.db", tmp_path / "other.db"
    assert ann.annotations_path(a) == tmp_path / "annotations.db"     # default kept
    assert ann.annotations_path(b) != ann.annotations_path(a)
    make_store(a, [SMITH])
    make_store(b, [BIRDS])
    assert kb_cli("annotate", "smith2003watching", "on a", "--db", a).exit_code == 0
    assert kb_cli("annotate", "smith2003watching", "on b", "--db", b).exit_code == 0
    assert [n["text"] for n in ann.current_notes(a)] == ["on a"]
    assert [n["text"] for n in ann.current_notes(b)] == ["on b"]


# --- 7. small ones ------------------------------------------------------------------

def test_serve_on_a_corrupt_store_is_a_clear_error(tmp_path):
    bad = tmp_path / "kb.db"
    bad.write_bytes(b"this is not a database" * 100)
    r = kb_cli("serve", "--db", bad, "--port", "0")
    assert r.exit_code != 0
    assert "Traceback" not in r.stderr + r.stdout and "not a kb store" in r.stderr
    assert "serving" not in r.stderr


def test_a_huge_annotation_id_is_not_found(notes_site):
    ds, _, _ = notes_site
    cookies = signed_in(ds)
    huge = "99999999999999999999999"

    async def go():
        c, token = await csrf(ds, cookies)
        return [(await ds.client.post(f"/-/annotations/{huge}/{action}", cookies=c,
                                      data={"csrftoken": token, "text": "x"})).status_code
                for action in ("edit", "delete")]
    assert asyncio.run(go()) == [404, 404]


def test_trace_of_an_unknown_work_fails(site):
    _, db = site
    r = kb_cli("trace", "--work", "nosuchkey", "--db", db)
    assert r.exit_code != 0 and "nosuchkey" in r.stderr


def test_annotate_list_into_a_closed_pipe_says_nothing_misleading(tmp_path):
    db = make_store(tmp_path / "kb.db", [SMITH])
    notes = ann.open_annotations(ann.annotations_path(db))
    for i in range(3000):
        ann.add(notes, "smith2003watching", f"note {i} " + "x" * 80)
    notes.conn.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "kb", "annotate", "--list", "--db", str(db)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    p.stdout.readline()
    p.stdout.close()            # like `| head -1`
    err = p.stderr.read().decode()
    p.wait(timeout=60)
    assert "no annotation was changed" not in err
    assert "Traceback" not in err


@pytest.mark.parametrize("workers", [[], ["--workers", "2"]])
def test_serve_on_a_busy_port_fails_before_saying_serving(tmp_path, workers):
    db = build_store(tmp_path / "kb.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        r = subprocess.run([sys.executable, "-m", "kb", "serve", "--db", str(db),
                            "--port", str(port), *workers], capture_output=True, text=True,
                           timeout=60, env=env, cwd=ROOT)
    assert r.returncode != 0
    assert "serving" not in r.stderr and str(port) in r.stderr
    assert "Traceback" not in r.stderr


# --- 8. exports stream, and say the same ---------------------------------------------

def test_streamed_bib_is_the_whole_export(site, monkeypatch):
    import sqlite_utils
    from kb.publish import bibstream
    from kb.publish.bibtex import bibtex_from_db
    ds, db = site
    monkeypatch.setattr(bibstream, "CHUNK", 2)       # several chunks from a small store
    whole = bibtex_from_db(sqlite_utils.Database(db))
    r = get(ds, "/kb/works.bib", params={"_x": "chunked"})
    assert r.status_code == 200 and r.text == whole and whole.count("@") >= 4
    assert 'filename="works.bib"' in r.headers["content-disposition"]
    r = get(ds, "/kb/refs.bib", params={"_sort": "id"})
    assert r.status_code == 200 and r.text.count("@") >= 3


def test_cached_pages_follow_notes_and_stay_anonymous(notes_site):
    ds, db, note_id = notes_site
    assert "keep me" in get(ds, "/-/work/botsman2017who").text
    assert get(ds, "/kb/works").status_code == 200
    notes = ann.open_annotations(ann.annotations_path(db))
    ann.update(notes, note_id, text="changed since")
    notes.conn.close()
    page = get(ds, "/-/work/botsman2017who").text      # a note written: not the old page
    assert "changed since" in page and "keep me" not in page
    signed = get(ds, "/kb/works", cookies=signed_in(ds)).text
    assert "ana" in signed                                # the actor's own menu
    assert "ana" not in get(ds, "/kb/works").text         # ... never served to others


def test_cached_pages_keep_each_clients_host(site):
    ds, _ = site
    pages = [get(ds, "/kb/works", headers={"host": h}).text for h in ("a.test:81", "b.test:82")]
    for text, other in zip(pages, ("b.test:82", "a.test:81")):
        assert other not in text
