"""works.key is stable: rebuilds, full rebuilds and an added document keep every key."""
import shutil
import sqlite3
from pathlib import Path

from kb.build import build

CORPUS = Path(__file__).parent.parent / "data" / "corpus"

EXTRA = """# A new paper

Trust matters (Doe, 2020). Credit too (Roe & Poe, 2021, p. 4).

## References

Doe, J. (2020). A wholly new study of trust. Journal of New Things, 1(1), 1-10.

Roe, A., & Poe, B. (2021). Another unseen work. London: Nowhere Press.
"""


def keys(db):
    with sqlite3.connect(db) as c:
        return dict(c.execute("SELECT r.document_id || ':' || r.position, w.key FROM refs r "
                              "JOIN works w ON w.id = r.work_id"))


def test_keys_survive_rebuilds_and_an_added_document(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    db = tmp_path / "kb.db"
    build([corpus], db, progress=False)
    first = keys(db)
    assert len(set(first.values())) > 200
    build([corpus], db, progress=False)                 # nothing changed
    assert keys(db) == first
    build([corpus], db, progress=False, full=True)      # everything re-read
    assert keys(db) == first
    (corpus / "extra.md").write_text(EXTRA)
    build([corpus], db, progress=False)                 # a document added
    after = keys(db)
    assert {k: v for k, v in after.items() if not k.startswith("extra:")} == first
    new = {v for k, v in after.items() if k.startswith("extra:")}
    assert len(new) == 2 and not new & set(first.values())


def test_keys_unchanged_in_a_separate_fresh_build(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    build([CORPUS], a, progress=False)
    build([CORPUS], b, progress=False)
    assert keys(a) == keys(b)
