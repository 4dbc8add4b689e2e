"""Annotations: the pure functions, `kb annotate`, survival across builds, the web form."""
from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import annotate as ann
from kb import store
from kb.commands.annotate import command as annotate_cmd


# --- helpers -----------------------------------------------------------------

def make_store(path: Path, keys=("smith2003", "jones2010"), claims=()) -> Path:
    """A tiny store with works ``keys`` and claims [(document_id, text)]."""
    db = store.open_db(path)
    with db.conn:
        for i, key in enumerate(keys, 1):
            db["works"].insert({"id": i, "key": key, "title": f"Title {i}"})
        for doc in sorted({d for d, _ in claims}):
            db["documents"].insert({"id": doc})
        for doc, text in claims:
            db["claims"].insert({"document_id": doc, "text": text, "line": 1})
    db.conn.close()
    return path


def notes_db(tmp_path):
    return ann.open_annotations(tmp_path / ann.ANNOTATIONS_FILE)


def run(args, db_path):
    res = CliRunner().invoke(annotate_cmd, [*args, "--db", str(db_path)])
    return res.exit_code, res.output


# --- pure functions --------------------------------------------------------------

def test_add_list_update_delete(tmp_path):
    db = notes_db(tmp_path)
    a = ann.add(db, "smith2003", "  Good survey.  ", author="ana")
    assert a["text"] == "Good survey." and a["author"] == "ana"
    assert a["created"] == a["updated"] and a["uid"]
    b = ann.add(db, "jones2010", "Weak sample.")
    assert [n["id"] for n in ann.list_annotations(db)] == [a["id"], b["id"]]
    assert [n["text"] for n in ann.list_annotations(db, key="jones2010")] == ["Weak sample."]
    assert ann.update(db, b["id"], text="Small sample.")["text"] == "Small sample."
    assert ann.delete(db, a["id"]) is True
    assert ann.delete(db, a["id"]) is False
    assert [n["key"] for n in ann.list_annotations(db)] == ["jones2010"]


@pytest.mark.parametrize("key,text", [("", "x"), ("k", ""), ("k", "   "), ("k", "x" * 20_001)])
def test_bad_annotations_are_refused(tmp_path, key, text):
    db = notes_db(tmp_path)
    with pytest.raises(ann.AnnotationError):
        ann.add(db, key, text)
    assert ann.list_annotations(db) == []


def test_update_unknown_id(tmp_path):
    with pytest.raises(ann.AnnotationError, match="no annotation with id 9"):
        ann.update(notes_db(tmp_path), 9, text="x")


def test_orphaned_and_reattached_by_key(tmp_path):
    db = notes_db(tmp_path)
    ann.add(db, "smith2003", "kept")
    ann.add(db, "gone1999", "orphan")
    assert [n["key"] for n in ann.orphaned(db, {"smith2003"})] == ["gone1999"]
    # the work comes back with the same key: attached again, nothing to do
    assert ann.orphaned(db, {"smith2003", "gone1999"}) == []


def test_claim_anchor_follows_new_claim_ids(tmp_path):
    kb_path = make_store(tmp_path / "kb.db", claims=[("d1", "First."), ("d1", "Second.")])
    kb = store.connect(kb_path)
    claim = ann.claim_row(kb, 2)
    db = notes_db(tmp_path)
    note = ann.add(db, "smith2003", "on the second claim", claim_id=2, claim=claim)
    assert note["claim_document_id"] == "d1" and note["claim_text"] == "Second."
    # a re-ingest gives the claims new ids
    with kb.conn:
        kb.execute("DELETE FROM claims")
        kb["claims"].insert_all([{"id": 10, "document_id": "d1", "text": "Second."},
                                 {"id": 11, "document_id": "d1", "text": "First."}])
    assert ann.anchor_claims(db, kb) == 1
    assert ann.get(db, note["id"])["claim_id"] == 10
    with kb.conn:                                  # the claim disappears ...
        kb.execute("DELETE FROM claims WHERE id = 10")
    ann.anchor_claims(db, kb)
    kept = ann.get(db, note["id"])
    assert kept["claim_id"] is None and kept["claim_text"] == "Second."  # ... the note stays
    with kb.conn:                                  # ... and comes back
        kb["claims"].insert({"id": 12, "document_id": "d1", "text": "Second."})
    ann.anchor_claims(db, kb)
    assert ann.get(db, note["id"])["claim_id"] == 12


def test_mirror_and_recover(tmp_path):
    kb_path = make_store(tmp_path / "kb.db")
    path = tmp_path / ann.ANNOTATIONS_FILE
    db = ann.open_annotations(path)
    ann.add(db, "smith2003", "one")
    ann.add(db, "jones2010", "two")
    kb = store.connect(kb_path)
    assert ann.mirror(db, kb) == 2
    kb.conn.close()
    db.conn.close()
    path.unlink()                                  # the notes file is lost
    db = ann.open_annotations(path, recover_from=kb_path)
    assert sorted(n["text"] for n in ann.list_annotations(db)) == ["one", "two"]
    # recovering again adds nothing (same uids)
    assert ann.recover(db, kb_path) == 0


def test_recover_from_a_corrupt_store_is_harmless(tmp_path):
    bad = tmp_path / "kb.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    db = ann.open_annotations(tmp_path / ann.ANNOTATIONS_FILE, recover_from=bad)
    assert ann.list_annotations(db) == []


def test_carry_over_never_fails_on_a_corrupt_notes_file(tmp_path):
    kb_path = make_store(tmp_path / "kb.db")
    (tmp_path / ann.ANNOTATIONS_FILE).write_bytes(b"garbage" * 1000)
    kb = store.connect(kb_path)
    warnings = []
    out = ann.carry_over(kb_path, kb, echo=warnings.append)
    assert out["annotations"] is None and "cannot" in warnings[0]


# --- the command -----------------------------------------------------------------------

def test_cli_add_list_edit_delete(tmp_path):
    kb_path = make_store(tmp_path / "kb.db", claims=[("d1", "A claim.")])
    code, out = run(["smith2003", "Good survey", "--author", "ana"], kb_path)
    assert code == 0 and "added annotation 1 on smith2003" in out
    code, out = run(["smith2003", "On a claim", "--claim", "1"], kb_path)
    assert code == 0
    code, out = run(["--list"], kb_path)
    assert "Good survey" in out and "claim=1" in out and "ana" in out
    code, out = run(["--edit", "1", "Better survey"], kb_path)
    assert code == 0
    code, out = run(["--list", "--json"], kb_path)
    assert "Better survey" in out
    code, out = run(["--delete", "2"], kb_path)
    assert code == 0 and "deleted annotation 2" in out
    code, out = run(["--delete", "2"], kb_path)
    assert code != 0 and "no annotation with id 2" in out
    # notes live beside the store, not in it
    assert (tmp_path / "annotations.db").exists()


def test_cli_refuses_unknown_key_and_claim(tmp_path):
    kb_path = make_store(tmp_path / "kb.db")
    code, out = run(["nosuch1900", "x"], kb_path)
    assert code != 0 and "no work with key 'nosuch1900'" in out
    code, out = run(["smith2003", "x", "--claim", "99"], kb_path)
    assert code != 0 and "no claim with id 99" in out
    code, out = run(["smith2003", ""], kb_path)
    assert code != 0 and "must not be empty" in out


def test_cli_orphaned(tmp_path):
    kb_path = make_store(tmp_path / "kb.db")
    run(["smith2003", "kept"], kb_path)
    run(["gone1999", "orphan", "--force"], kb_path)
    code, out = run(["--list", "--orphaned"], kb_path)
    assert code == 0 and "gone1999 [orphaned]" in out and "kept" not in out
    code, out = run(["--list", "--key", "smith2003"], kb_path)
    assert "kept" in out and "orphan" not in out


def test_cli_is_registered():
    from kb import cli
    assert "annotate" in cli.COMMANDS


# --- survival across real builds ------------------------------------------------------------

DOC_A = """Trust and platforms

Trust has moved from institutions to platforms (Botsman, 2017). Most citizens
approve of the systems (Kostka, 2019).

References

Botsman, R. (2017). Who Can You Trust? How Technology Brought Us Together. London: Portfolio Penguin.
Kostka, G. (2019). China's social credit systems and public opinion. New Media & Society, 21(7), 1565-1593.
"""

DOC_B = """Discipline

Power works through visibility (Foucault, 1977).

References

Foucault, M. (1977). Discipline and Punish: The Birth of the Prison. New York: Pantheon.
"""


def _build(corpus, db_path, full=False):
    from kb.build import build
    return build([corpus], db_path, full=full, progress=False, echo=lambda m: None)


def _keys(db_path):
    db = store.connect(db_path)
    try:
        return {r["key"]: r for r in db.query("SELECT key, title FROM works")}
    finally:
        db.conn.close()


def _kb_notes(db_path):
    db = store.connect(db_path)
    try:
        return sorted(r["text"] for r in db.query("SELECT text FROM annotations"))
    finally:
        db.conn.close()


@pytest.fixture
def built(tmp_path):
    pytest.importorskip("kb.pipeline")
    pytest.importorskip("kb.resolve")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A)
    (corpus / "b.txt").write_text(DOC_B)
    db_path = tmp_path / "kb.db"
    _build(corpus, db_path)
    keys = _keys(db_path)
    assert keys, "the build found no works"
    return corpus, db_path


def _key_of(db_path, word):
    return next(k for k, r in _keys(db_path).items() if word in (r["title"] or "") + k)


def test_annotations_survive_rebuilds(built):
    corpus, db_path = built
    key_b = _key_of(db_path, "Discipline")
    key_a = _key_of(db_path, "Trust")
    assert run([key_a, "note on A"], db_path)[0] == 0
    assert run([key_b, "note on B"], db_path)[0] == 0
    _build(corpus, db_path)                                  # incremental, nothing changed
    assert _kb_notes(db_path) == ["note on A", "note on B"]   # mirrored into the store
    (corpus / "a.txt").write_text(DOC_A + "\nA changed line.\n")
    _build(corpus, db_path)                                  # re-ingest of a changed doc
    _build(corpus, db_path, full=True)                  # everything again
    assert _kb_notes(db_path) == ["note on A", "note on B"]
    assert run(["--list", "--orphaned"], db_path)[1].strip() == "no orphaned annotations"

    (corpus / "b.txt").unlink()                              # the work disappears
    _build(corpus, db_path)
    assert key_b not in _keys(db_path)
    code, out = run(["--list", "--orphaned"], db_path)
    assert f"{key_b} [orphaned]" in out and "note on A" not in out
    assert _kb_notes(db_path) == ["note on A", "note on B"]  # still in the store's mirror

    (corpus / "b.txt").write_text(DOC_B)                     # ... and returns
    _build(corpus, db_path)
    assert key_b in _keys(db_path)
    assert run(["--list", "--orphaned"], db_path)[1].strip() == "no orphaned annotations"


def test_deleted_store_or_deleted_notes_file_lose_nothing(built):
    corpus, db_path = built
    key = _key_of(db_path, "Discipline")
    run([key, "precious"], db_path)
    db_path.unlink()                                         # kb.db gone: rebuild from scratch
    _build(corpus, db_path, full=True)
    assert _kb_notes(db_path) == ["precious"]
    assert key in _keys(db_path)
    (db_path.parent / "annotations.db").unlink()             # notes file gone: the mirror
    _build(corpus, db_path)
    code, out = run(["--list"], db_path)
    assert "precious" in out
    assert (db_path.parent / "annotations.db").exists()


def test_deleting_all_notes_does_not_resurrect_them(built):
    corpus, db_path = built
    key = _key_of(db_path, "Discipline")
    run([key, "temporary"], db_path)
    _build(corpus, db_path)
    run(["--delete", "1"], db_path)
    _build(corpus, db_path)
    assert _kb_notes(db_path) == []
    assert "no annotations" in run(["--list"], db_path)[1]


# --- the web form --------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def password_hash():
    from datasette_auth_passwords.utils import hash_password
    return hash_password(PASSWORD)


def _datasette(tmp_path, password_hash):
    from datasette.app import Datasette
    kb_path = make_store(tmp_path / "kb.db", claims=[("d1", "A claim.")])
    notes = ann.annotations_path(kb_path)
    ann.open_annotations(notes).conn.close()
    return Datasette([str(kb_path), str(notes)], immutables=[str(kb_path)], metadata={
        "plugins": {"datasette-auth-passwords": {"admin_password_hash": password_hash}}})


def _token(html: str) -> str:
    return re.search(r'name="csrftoken" value="([^"]+)"', html).group(1)


async def _login(ds) -> dict:
    page = await ds.client.get("/-/login")
    csrf = page.cookies["ds_csrftoken"]
    r = await ds.client.post("/-/login", cookies={"ds_csrftoken": csrf},
                             data={"username": "admin", "password": PASSWORD,
                                   "csrftoken": _token(page.text)})
    assert r.status_code == 302, r.text
    return {"ds_actor": r.cookies["ds_actor"], "ds_csrftoken": csrf}


def test_web_anonymous_reads_only(tmp_path, password_hash):
    ds = _datasette(tmp_path, password_hash)
    ann.add(ann.open_annotations(tmp_path / "annotations.db"), "smith2003", "<b>bold?</b>")

    async def go():
        r = await ds.client.get("/-/annotations")
        assert r.status_code == 200
        assert "&lt;b&gt;bold?&lt;/b&gt;" in r.text and "<b>bold?" not in r.text
        assert "/-/annotations/add" not in r.text and "Log in" in r.text
        page = await ds.client.get("/-/login")
        csrf = page.cookies["ds_csrftoken"]
        r = await ds.client.post("/-/annotations/add", cookies={"ds_csrftoken": csrf},
                                 data={"key": "smith2003", "text": "spam",
                                       "csrftoken": _token(page.text)})
        assert r.status_code == 403
        r = await ds.client.post("/-/annotations/1/delete", cookies={"ds_csrftoken": csrf},
                                 data={"csrftoken": _token(page.text)})
        assert r.status_code == 403
        # plain SQL cannot write either
        r = await ds.client.get("/annotations.json", params={"sql": "delete from annotations"})
        assert r.status_code == 400
    asyncio.run(go())
    assert [n["text"] for n in ann.list_annotations(
        ann.open_annotations(tmp_path / "annotations.db"))] == ["<b>bold?</b>"]


def test_web_logged_in_user_adds_edits_deletes(tmp_path, password_hash):
    ds = _datasette(tmp_path, password_hash)

    async def go():
        cookies = await _login(ds)
        page = await ds.client.get("/-/annotations?key=smith2003", cookies=cookies)
        assert 'action="/-/annotations/add"' in page.text
        token = _token(page.text)
        r = await ds.client.post("/-/annotations/add", cookies=cookies, data={
            "key": "smith2003", "text": "Via the web <script>x</script>",
            "claim_id": "1", "csrftoken": token})
        assert r.status_code == 302
        # no CSRF token: refused by asgi-csrf
        r = await ds.client.post("/-/annotations/add", cookies=cookies,
                                 data={"key": "smith2003", "text": "forged"})
        assert r.status_code == 403
        # unknown work key: refused with a message, nothing written
        r = await ds.client.post("/-/annotations/add", cookies=cookies, data={
            "key": "nosuch", "text": "x", "csrftoken": token})
        assert r.status_code == 302
        page = await ds.client.get("/-/annotations?key=smith2003", cookies=cookies)
        assert "Via the web &lt;script&gt;" in page.text and "<script>x" not in page.text
        assert "A claim." in page.text          # the claim anchor is shown
        r = await ds.client.post("/-/annotations/1/edit", cookies=cookies,
                                 data={"text": "Edited", "csrftoken": token})
        assert r.status_code == 302
        notes = ann.list_annotations(ann.open_annotations(tmp_path / "annotations.db"))
        assert [(n["text"], n["author"], n["claim_id"]) for n in notes] == [
            ("Edited", "admin", 1)]
        r = await ds.client.post("/-/annotations/1/delete", cookies=cookies,
                                 data={"csrftoken": token})
        assert r.status_code == 302
    asyncio.run(go())
    assert ann.list_annotations(ann.open_annotations(tmp_path / "annotations.db")) == []


def test_web_store_stays_immutable(tmp_path, password_hash):
    ds = _datasette(tmp_path, password_hash)
    before = (tmp_path / "kb.db").read_bytes()

    async def go():
        cookies = await _login(ds)
        page = await ds.client.get("/-/annotations", cookies=cookies)
        await ds.client.post("/-/annotations/add", cookies=cookies, data={
            "key": "smith2003", "text": "x", "csrftoken": _token(page.text)})
    asyncio.run(go())
    assert (tmp_path / "kb.db").read_bytes() == before


def test_current_notes_prefers_the_live_file(tmp_path):
    kb_path = make_store(tmp_path / "kb.db")
    assert ann.current_notes(kb_path) == []
    kb = store.connect(kb_path)
    with kb.conn:
        kb["annotations"].insert({"key": "smith2003", "text": "mirrored"})
    kb.conn.close()
    assert [n["text"] for n in ann.current_notes(kb_path)] == ["mirrored"]
    assert not (tmp_path / "annotations.db").exists()      # read-only: nothing created
    db = ann.open_annotations(tmp_path / "annotations.db")
    ann.add(db, "smith2003", "live")
    assert [n["text"] for n in ann.current_notes(kb_path)] == ["live"]


def test_claim_note_follows_its_claim_through_a_reingest(built):
    corpus, db_path = built
    kb = store.connect(db_path)
    claim = next(kb.query("SELECT id, text FROM claims WHERE document_id = 'a' ORDER BY id"))
    kb.conn.close()
    key = _key_of(db_path, "Trust")
    assert run([key, "on a claim", "--claim", str(claim["id"])], db_path)[0] == 0
    (corpus / "a.txt").write_text("New first line.\n" + DOC_A)   # re-ingest: new claim ids
    _build(corpus, db_path)
    kb = store.connect(db_path)
    new_id = next(kb.query("SELECT id FROM claims WHERE document_id = 'a' AND text = ?",
                           [claim["text"]]))["id"]
    mirrored = next(kb.query("SELECT claim_id FROM annotations"))["claim_id"]
    kb.conn.close()
    assert new_id != claim["id"]
    assert mirrored == new_id
    notes = ann.open_annotations(db_path.parent / "annotations.db")
    assert [n["claim_id"] for n in ann.list_annotations(notes)] == [new_id]


def test_cli_survives_a_corrupt_store(tmp_path):
    (tmp_path / "kb.db").write_bytes(b"not a database" * 100)
    code, out = run(["--list"], tmp_path / "kb.db")
    assert code == 0 and "unreadable store" in out


def test_cli_reports_a_corrupt_notes_file(tmp_path):
    kb_path = make_store(tmp_path / "kb.db")
    (tmp_path / "annotations.db").write_bytes(b"garbage" * 500)
    code, out = run(["smith2003", "x"], kb_path)
    assert code == 1 and "annotations.db" in out and "no annotation was changed" in out
    assert "Traceback" not in out


def test_cli_full_disk_changes_nothing(tmp_path, monkeypatch):
    kb_path = make_store(tmp_path / "kb.db")
    run(["smith2003", "kept"], kb_path)
    real = ann.open_annotations

    def full(path, *a, **k):
        db = real(path, *a, **k)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db
    monkeypatch.setattr(ann, "open_annotations", full)
    code, out = run(["smith2003", "y" * 19_000], kb_path)
    assert code == 1 and "full" in out and "no annotation was changed" in out
    monkeypatch.undo()
    assert [n["text"] for n in ann.list_annotations(notes_db(tmp_path))] == ["kept"]
