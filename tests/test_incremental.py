"""Incremental builds: after a small change the store equals a full rebuild's
where it matters (works clustering, work keys), and the cheap paths are taken."""
from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from kb import graph, resolve, store
from kb.build import build
from kb.publish.bibtex import bib_key, entry_text
from kb.publish.select import load_items, select_work_ids
from kbdev.synth import CORPUS_STYLES, make_document, make_records


def write_doc(directory: Path, d: int, pool: list[dict], rng: random.Random, n: int = 12) -> Path:
    """A document citing ``n`` works of ``pool`` (popular ones more often)."""
    weights = [1 / (i + 1) ** 0.8 for i in range(len(pool))]
    picked: dict[int, dict] = {}
    while len(picked) < n:
        i = rng.choices(range(len(pool)), weights)[0]
        picked[i] = pool[i]
    text, _ = make_document(list(picked.values()), CORPUS_STYLES[d % len(CORPUS_STYLES)],
                            seed=d, doc_id=f"doc{d:03d}")
    p = directory / f"doc{d:03d}.txt"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A 16-document corpus over a shared pool of 40 works, built once."""
    root = tmp_path_factory.mktemp("incr")
    corpus = root / "corpus"
    corpus.mkdir()
    pool = make_records(40, seed=5)
    rng = random.Random(5)
    for d in range(16):
        write_doc(corpus, d, pool, rng)
    db = root / "base.db"
    build([corpus], db, progress=False, echo=lambda m: None)
    return root, corpus, db, pool


def clustering(db) -> dict[str, frozenset]:
    """work key -> the refs (document, position) in that work."""
    with sqlite3.connect(db) as c:
        out: dict[str, set] = {}
        for doc, pos, key in c.execute("SELECT r.document_id, r.position, w.key FROM refs r "
                                       "JOIN works w ON w.id = r.work_id"):
            out.setdefault(key, set()).add((doc, pos))
    return {k: frozenset(v) for k, v in out.items()}


def changed_copy(base, name: str) -> tuple[Path, Path]:
    """A copy of the corpus and store with one document edited, one removed
    and one added."""
    root, corpus, db, pool = base
    c2 = root / f"corpus-{name}"
    shutil.copytree(corpus, c2)
    db2 = root / f"{name}.db"
    shutil.copy(db, db2)
    first = c2 / "doc000.txt"
    first.write_text(first.read_text() + "\nOne more closing sentence.\n")
    (c2 / "doc001.txt").unlink()
    write_doc(c2, 99, pool, random.Random(99))
    return c2, db2


def test_incremental_equals_full_resolve(base, monkeypatch):
    corpus, db = changed_copy(base, "a")
    monkeypatch.setattr(resolve.incremental, "INCREMENTAL_MAX_SHARE", 0.5)   # a small corpus
    modes = []
    real = resolve.resolve_incremental
    monkeypatch.setattr(resolve.incremental, "resolve_incremental",
                        lambda *a, **k: (lambda out: (modes.append(out and out["mode"]), out)[1])(
                            real(*a, **k)))
    s = build([corpus], db, progress=False, echo=lambda m: None)
    assert s.processed == 2 and s.removed == 1 and modes == ["incremental"]
    incremental = clustering(db)
    # the same store resolved from scratch (same refs, same key history)
    full_db = db.with_name("a-full.db")
    shutil.copy(db, full_db)
    d = store.open_db(full_db)
    assert resolve.resolve_store(d)["mode"] == "full"
    d.conn.commit()
    full = clustering(full_db)
    assert set(incremental.values()) == set(full.values())   # same works
    assert incremental == full                                # same keys
    # and a --full build of the changed corpus clusters the refs the same way
    full_build = db.with_name("a-fullbuild.db")
    shutil.copy(base[2], full_build)
    build([corpus], full_build, full=True, progress=False, echo=lambda m: None)
    assert set(clustering(full_build).values()) == set(incremental.values())


def test_incremental_keeps_store_consistent(base, monkeypatch):
    corpus, db = changed_copy(base, "b")
    monkeypatch.setattr(resolve.incremental, "INCREMENTAL_MAX_SHARE", 0.5)
    build([corpus], db, progress=False, echo=lambda m: None)
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        assert c.execute("SELECT count(*) FROM refs WHERE work_id IS NULL").fetchone()[0] == 0
        # every work has refs, every full ref is in the blocking index once or more
        assert c.execute("SELECT count(*) FROM works WHERE id NOT IN "
                         "(SELECT work_id FROM refs)").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM ref_blocks WHERE ref_id NOT IN "
                         "(SELECT id FROM refs)").fetchone()[0] == 0
        ref_count = dict(c.execute("SELECT work_id, count(*) FROM refs GROUP BY work_id"))
        assert ref_count == dict(c.execute("SELECT id, ref_count FROM works"))
        # works.authors names people of the authors table
        assert c.execute("SELECT count(*) FROM works w WHERE w.authors != '[]' AND NOT EXISTS "
                         "(SELECT 1 FROM work_authors wa WHERE wa.work_id = w.id)"
                         ).fetchone()[0] == 0
    # every work's stored BibTeX entry is the one the exporter makes now
    d = store.connect(db)
    items = load_items(d, select_work_ids(d))
    stored = store.stored_bibtex(d, [i["id"] for i in items])
    assert {i["id"]: (bib_key(i["key"]), entry_text(i)) for i in items} == stored


def test_big_change_resolves_everything(base, monkeypatch):
    root, corpus, db, pool = base
    db2 = root / "big.db"
    shutil.copy(db, db2)
    d = store.open_db(db2)
    d.execute("UPDATE refs SET work_id = NULL")     # as if every document were new
    assert resolve.resolve_incremental(d, resolve.Changes()) is None


def test_graph_reuses_expensive_metrics_for_small_changes(base):
    root, corpus, db, pool = base
    db2 = root / "graph.db"
    shutil.copy(db, db2)
    d = store.open_db(db2)
    before = dict(d.execute("SELECT id, community FROM works"))
    n_docs = d.execute("SELECT count(*) FROM documents").fetchone()[0]
    graph.REUSE_SHARE, old = 1 / n_docs, graph.REUSE_SHARE
    try:
        d.execute("UPDATE works SET community = 99 WHERE id = 1")   # mark: kept when reused
        s = graph.update_store(d, changed_documents=1)
        assert s["metrics"] == "reused"
        assert d.execute("SELECT community FROM works WHERE id = 1").fetchone()[0] == 99
        # the next change goes over the share: recomputed, counter reset
        s = graph.update_store(d, changed_documents=1)
        assert s["metrics"] == "computed"
        assert dict(d.execute("SELECT id, community FROM works")) == before
        assert d.execute("SELECT value FROM kb_meta WHERE name = 'graph.stale_documents'"
                         ).fetchone()[0] == "0"
        assert graph.update_store(d)["metrics"] == "computed"
    finally:
        graph.REUSE_SHARE = old


def test_document_that_fails_to_reread_keeps_its_refs_indexed(base, monkeypatch):
    root, corpus, db, pool = base
    c2, db2 = root / "corpus-fail", root / "fail.db"
    shutil.copytree(corpus, c2)
    shutil.copy(db, db2)
    (c2 / "doc003.txt").unlink()
    (c2 / "doc003.pdf").write_bytes(b"%PDF-1.4 not really a pdf")   # same id, unreadable
    monkeypatch.setattr(resolve.incremental, "INCREMENTAL_MAX_SHARE", 0.5)
    sql = ("SELECT count(*) FROM ref_blocks b JOIN refs r ON r.id = b.ref_id "
           "WHERE r.document_id = 'doc003'")
    with sqlite3.connect(db2) as c:
        before = c.execute(sql).fetchone()[0]
    s = build([c2], db2, progress=False, echo=lambda m: None)
    assert s.failures and s.processed == 0
    with sqlite3.connect(db2) as c:
        assert before > 0 and c.execute(sql).fetchone()[0] == before


def test_links_pagerank_equals_networkx(base):
    import networkx as nx
    d = store.open_db(base[2])
    links = graph.load_links(d)
    theirs = nx.pagerank(graph.citation_graph(links), weight="weight")
    ours = graph.links_pagerank(links)
    assert set(ours) == set(theirs)
    assert max(abs(ours[v] - theirs[v]) for v in ours) < 1e-9
    warm = graph.links_pagerank(links, nstart=theirs)      # a warm start lands there too
    assert max(abs(warm[v] - theirs[v]) for v in ours) < 1e-5
