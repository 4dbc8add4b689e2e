"""BibTeX entries stored by the build (store.work_bibtex) and the exports that use them.

The whole-base export must be byte for byte what the exporter makes from the
works (``bibtex_from_items(load_items(...))``), with stored entries, without
them (a store made before they were), and after any change to what an entry
is made from (the triggers drop it; the next build writes it again).
"""
from __future__ import annotations

import pytest

from kb import store
from kb.publish import bibtex
from kb.publish.select import load_items, select_work_ids
from test_export_store import gold_store, hard_store


def generated(db, **options) -> str:
    """What the exporter makes from the works, not reading stored entries."""
    return bibtex.bibtex_from_items(load_items(db, select_work_ids(db, **options)))


def stored_rows(db) -> dict:
    return {w: (k, t) for w, k, t in db.execute(
        "SELECT work_id, key, bibtex FROM work_bibtex")}


@pytest.fixture()
def hard(tmp_path):
    db = hard_store(tmp_path / "kb.db")
    assert bibtex.store_entries(db) == db["works"].count
    return db


@pytest.mark.parametrize("make", [hard_store, gold_store])
def test_stored_entries_equal_generated_ones(tmp_path, make):
    db = make(tmp_path / "kb.db")
    before = generated(db)
    assert bibtex.bibtex_from_db(db) == before          # nothing stored yet: made here
    assert bibtex.store_entries(db) == db["works"].count
    rows = stored_rows(db)
    for item in load_items(db, select_work_ids(db)):
        assert rows[item["id"]] == (bibtex.bib_key(item["key"]), bibtex.entry_text(item))
    assert bibtex.bibtex_from_db(db) == before
    assert bibtex.store_entries(db) == 0                 # nothing new


def test_exports_read_the_stored_entries(hard):
    wid, key = next(iter(hard.execute("SELECT id, key FROM works ORDER BY key")))
    marker = f"@misc{{{key},\n    note = {{from the store}}\n}}\n"
    hard.execute("UPDATE work_bibtex SET bibtex = ? WHERE work_id = ?", [marker, wid])
    assert bibtex.bibtex_from_db(hard).startswith(marker)
    assert bibtex.bibtex_from_db(hard, keys=[key]) == marker
    # other options make the entries anew
    assert "from the store" not in bibtex.bibtex_from_db(hard, biblatex=True)
    assert "from the store" not in bibtex.bibtex_from_db(hard, ascii=True)


def test_selections_equal_generated(hard):
    for options in ({"document": "doc1"}, {"keys": ["fraisse1954", "nguyen2019"]},
                    {"query": "SELECT key FROM works WHERE year > 2000"}, {"keys": []}):
        assert bibtex.bibtex_from_db(hard, **options) == generated(hard, **options)


@pytest.mark.parametrize("change", [
    "UPDATE works SET title = 'A New Title' WHERE key = 'fraisse1954'",
    "UPDATE works SET key = 'fraisse1954b' WHERE key = 'fraisse1954'",
    "UPDATE refs SET publisher = 'Other House' WHERE work_id = "
    "(SELECT id FROM works WHERE key = 'fraisse1954')",
    "DELETE FROM refs WHERE position BETWEEN 100 AND 199 AND work_id = "
    "(SELECT id FROM works WHERE key = 'fraisse1954')",
    "UPDATE authors SET family = 'Li' WHERE family = 'Lee'",
    "DELETE FROM work_authors WHERE author_id = (SELECT id FROM authors WHERE family = 'Lee')",
])
def test_a_change_drops_the_entry_and_the_build_writes_it_again(hard, change):
    before = stored_rows(hard)
    hard.execute(change)
    after = stored_rows(hard)
    assert 0 < len(before) - len(after) <= 2 and all(after[w] == before[w] for w in after)
    assert bibtex.bibtex_from_db(hard) == generated(hard)      # missing ones made here
    assert bibtex.store_entries(hard) == len(before) - len(after)
    assert bibtex.bibtex_from_db(hard) == generated(hard)


def test_new_ref_and_work_drop_entries(hard):
    wid = hard.execute("SELECT id FROM works WHERE key = 'nguyen2019'").fetchone()[0]
    hard["refs"].insert({"document_id": "doc1", "kind": "bibliography", "raw": "x",
                         "title": "Another title, fuller than the first one ever was",
                         "work_id": wid, "short_form": 0})
    assert wid not in stored_rows(hard)
    new = hard["works"].insert({"key": "new2024", "title": "New", "year": 2024}).last_pk
    assert new not in stored_rows(hard)
    assert bibtex.store_entries(hard) == 2
    assert bibtex.bibtex_from_db(hard) == generated(hard)


def test_keys_that_meet_are_told_apart_as_before(tmp_path):
    """Keys equal once made bibtex-safe, or equal but for case, get -2, -3
    in the export, as the exporter names them."""
    db = hard_store(tmp_path / "kb.db")
    for key in ("smith 2000", "smith-2000", "Smith,2000", "smith{2000"):
        db["works"].insert({"key": key, "type": "book", "title": f"Book {key}",
                            "year": 2000, "publisher": "P"})
    bibtex.store_entries(db)
    text = bibtex.bibtex_from_db(db)
    assert text == generated(db)
    assert "{smith-2000-2," in text and "{smith-2000-4," in text


def test_site_bib_of_a_table_from_stored_entries(tmp_path, monkeypatch):
    """The site's .bib of the works table (streamed in chunks) is the export
    made from the works, read from the stored entries."""
    import asyncio

    from kb.commands.serve import make_datasette
    from kb.publish import bibstream
    from kbfixtures import build_store
    path = build_store(tmp_path / "kb.db")
    db = store.connect(path)
    assert bibtex.store_entries(db) == db["works"].count
    db.conn.commit()
    whole = generated(db)
    db.execute("UPDATE work_bibtex SET bibtex = replace(bibtex, '}\n}', '}, note = {x}\n}')")
    db.conn.commit()
    marked = bibtex.bibtex_from_db(db)
    db.conn.close()
    assert marked != whole and marked.replace(", note = {x}", "") == whole
    monkeypatch.setattr(bibstream, "CHUNK", 2)
    site = make_datasette(path, annotations=False)
    r = asyncio.run(site.client.get("/kb/works.bib"))
    assert r.status_code == 200 and r.text == marked      # the stored entries, in order
