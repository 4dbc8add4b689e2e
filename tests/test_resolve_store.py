"""kb.resolve.resolve_store against a real store: atomic, complete, stable."""
from __future__ import annotations

import pytest

from kb import resolve as R
from kb import store
from kb.models import Document, DocResult, Ref
from kb.store import open_db, write_result


def _doc(doc_id, refs):
    return DocResult(document=Document(id=doc_id, path=f"{doc_id}.txt", lines=[],
                                       sha256=doc_id, format="txt"), refs=refs)


def _refs_a():
    return [
        Ref(kind="bibliography", raw="Chen, Yongxi and Anne Cheung. The Transparent Self. 2017.",
            line=1, type="article-journal", title="The Transparent Self Under Big Data Profiling",
            authors=[{"family": "Chen", "given": "Yongxi"}, {"family": "Cheung", "given": "Anne"}],
            year=2017),
        Ref(kind="bibliography", raw="State Council. Planning Outline. 2014.", line=2,
            type="legislation", title="Planning Outline for the Construction of a Social Credit System",
            authors=[{"literal": "State Council"}], year=2014,
            url="http://www.gov.cn/zhengce/content/2014-06/27/content_8913.htm"),
        Ref(kind="footnote", raw="Chen and Cheung, The Transparent Self.", line=3,
            title="The Transparent Self", authors=[{"family": "Chen"}], short_form=True, same_as=0),
        Ref(kind="footnote", raw="Ibid.", line=4, short_form=True, same_as=2),
    ]


def _refs_b():
    return [
        Ref(kind="endnote", raw="Yongxi Chen, Anne Cheung, 'The Transparent Self under Big Data "
            "Profiling', 2017.", line=9, type="article-journal",
            title="The Transparent Self under Big Data Profiling",
            authors=[{"family": "Chen", "given": "Yongxi"}, {"family": "Cheung", "given": "A."}],
            year=2017),
        Ref(kind="endnote", raw="Chen, X. Transparent markets. 2017.", line=10,
            title="Transparent markets", authors=[{"family": "Chen", "given": "X."}], year=2017),
    ]


@pytest.fixture
def db(tmp_path):
    db = open_db(tmp_path / "kb.db")
    write_result(db, _doc("a", _refs_a()))
    db["annotations"].insert({"key": "chen2017transparent", "text": "keep me"})
    return db


def test_resolve_store_writes_every_table(db):
    summary = R.resolve_store(db)
    assert summary["works"] == 2
    assert db.execute("SELECT COUNT(*) FROM refs WHERE work_id IS NULL").fetchone()[0] == 0
    ids = [r[0] for r in db.execute("SELECT work_id FROM refs ORDER BY position")]
    assert ids[0] == ids[2] == ids[3] != ids[1]
    keys = {r["key"] for r in db["works"].rows}
    assert keys == {"chen2017transparent", "state2014planning"}
    gov = next(r for r in db["works"].rows if r["type"] == "legislation")
    assert gov["source_category"] == "government"
    assert db["source_types"].count == 8
    assert db["work_authors"].count == 3
    reasons = {r["reason"] for r in db["merges"].rows}
    assert reasons == {"same_as"}
    assert db["work_keys"].count == 4       # two fingerprints per full ref
    assert [r["text"] for r in db["annotations"].rows] == ["keep me"]


def test_resolve_store_keys_stable_when_a_document_is_added(db):
    R.resolve_store(db)
    before = {r["title"]: r["key"] for r in db["works"].rows}
    R.resolve_store(db)
    assert {r["title"]: r["key"] for r in db["works"].rows} == before
    write_result(db, _doc("b", _refs_b()))
    R.resolve_store(db)
    after = {r["key"]: r for r in db["works"].rows}
    assert set(before.values()) <= set(after)
    assert after["chen2017transparent"]["ref_count"] == 4
    assert after["chen2017transparent"]["cited_by_documents"] == 2
    assert "chen2017transparenta" in after        # the colliding new work
    assert {r["reason"] for r in db["merges"].rows} >= {"same_as", "title+author+year"}
    # the same person across documents is one author row
    assert db.execute("SELECT COUNT(*) FROM authors WHERE family = 'Cheung'").fetchone()[0] == 1
    assert [r["text"] for r in db["annotations"].rows] == ["keep me"]


def test_resolve_store_is_atomic(db, monkeypatch):
    R.resolve_store(db)
    snapshot = {t: list(db[t].rows) for t in ("works", "authors", "merges", "work_keys")}
    work_ids = [r[0] for r in db.execute("SELECT work_id FROM refs ORDER BY id")]
    real_insert = store.insert_rows

    def failing_insert(db_, table, rows):
        if table == "merges":
            raise RuntimeError("disk full")
        real_insert(db_, table, rows)
    monkeypatch.setattr(store, "insert_rows", failing_insert)
    with pytest.raises(RuntimeError):
        R.resolve_store(db)
    for table, rows in snapshot.items():
        assert list(db[table].rows) == rows
    assert [r[0] for r in db.execute("SELECT work_id FROM refs ORDER BY id")] == work_ids


def test_resolve_store_on_empty_store(tmp_path):
    db = open_db(tmp_path / "empty.db")
    assert R.resolve_store(db)["works"] == 0
    assert db["source_types"].count == 8


def test_resolve_store_inside_an_outer_transaction_does_not_commit_it(db):
    db.conn.execute("BEGIN")
    db.conn.execute("DELETE FROM annotations")
    R.resolve_store(db)
    assert db.conn.in_transaction
    db.conn.rollback()
    assert db["works"].count == 0
    assert db["annotations"].count == 1


def test_resolve_store_keeps_keys_when_work_keys_was_lost(db):
    R.resolve_store(db)
    before = {r["title"]: r["key"] for r in db["works"].rows}
    db.conn.execute("UPDATE works SET key = key || 'x'")   # keys of an older build
    db.conn.execute("DELETE FROM work_keys")
    db.conn.commit()
    R.resolve_store(db)
    assert {r["title"]: r["key"] for r in db["works"].rows} == {
        t: k + "x" for t, k in before.items()}
