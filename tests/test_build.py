"""kb build: fills the store, skips unchanged files, swaps atomically, survives bad files."""
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import build as buildmod
from kb.build import BuildError, build
from kb.cli import main

CORPUS = Path(__file__).parent.parent / "data" / "corpus"

APA = """# Trust and credit

Social credit has been studied widely (Chen & Cheung, 2017). Others disagree (Kostka, 2019, p. 3).

## References

Chen, Y., & Cheung, A. S. (2017). The transparent self under big data profiling. Journal of Comparative Law, 12(2), 356-378.

Kostka, G. (2019). China's social credit systems and public opinion. New Media & Society, 21(7), 1565-1593. https://doi.org/10.1177/1461444819826402
"""


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "apa.md").write_text(APA)
    (d / "second.txt").write_text(APA.replace("Trust and credit", "Credit and trust"))
    return d


def rows(db, sql):
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


def test_build_fills_the_store(corpus, tmp_path):
    db = tmp_path / "kb.db"
    s = build([corpus], db, progress=False)
    assert s.documents == 2 and s.processed == 2 and not s.failures
    assert s.refs >= 4 and s.claims >= 2 and s.works >= 2
    assert {r[0] for r in rows(db, "SELECT id FROM documents")} == {"apa", "second"}


def test_unchanged_documents_are_not_reprocessed(corpus, tmp_path, monkeypatch):
    db = tmp_path / "kb.db"
    build([corpus], db, progress=False)
    seen = []
    real = buildmod.work
    monkeypatch.setattr(buildmod, "work", lambda p: (seen.append(p), real(p))[1])
    (corpus / "second.txt").write_text(APA + "\nA new closing line.\n")
    s = build([corpus], db, progress=False)
    assert [Path(p).name for p in seen] == ["second.txt"]
    assert s.unchanged == 1 and s.processed == 1


def test_removed_document_is_dropped(corpus, tmp_path):
    db = tmp_path / "kb.db"
    build([corpus], db, progress=False)
    (corpus / "second.txt").unlink()
    s = build([corpus], db, progress=False)
    assert s.removed == 1
    assert rows(db, "SELECT id FROM documents") == [("apa",)]


def test_crash_mid_build_leaves_previous_store_whole(corpus, tmp_path, monkeypatch):
    db = tmp_path / "kb.db"
    build([corpus], db, progress=False)
    before = db.read_bytes()
    (corpus / "third.txt").write_text(APA.replace("Trust and credit", "Third"))

    def boom(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(buildmod, "finish", boom)
    with pytest.raises(KeyboardInterrupt):
        build([corpus], db, progress=False)
    assert db.read_bytes() == before
    assert not Path(str(db) + ".tmp").exists()
    monkeypatch.undo()
    assert build([corpus], db, progress=False).documents == 3


def test_broken_file_is_recorded_and_the_rest_builds(corpus, tmp_path):
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (corpus / "empty.txt").write_text("")
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(main, ["build", str(corpus), "--db", str(db), "-q"])
    assert result.exit_code == 1
    assert "broken.pdf" in result.output and "empty.txt" in result.output
    errors = dict(rows(db, "SELECT path, error FROM build_errors"))
    assert any(p.endswith("broken.pdf") for p in errors)
    assert any(p.endswith("empty.txt") and "empty" in e for p, e in errors.items())
    assert len(rows(db, "SELECT id FROM documents")) == 2


def test_failed_reread_keeps_earlier_rows(corpus, tmp_path):
    db = tmp_path / "kb.db"
    build([corpus], db, progress=False)
    n = rows(db, "SELECT count(*) FROM refs WHERE document_id='second'")[0][0]
    (corpus / "second.txt").write_bytes(b"\x00\x01" * 100)
    s = build([corpus], db, progress=False)
    assert s.failures
    assert rows(db, "SELECT count(*) FROM refs WHERE document_id='second'")[0][0] == n


def test_second_build_is_locked_out(corpus, tmp_path):
    from filelock import FileLock
    db = tmp_path / "kb.db"
    with FileLock(str(db) + ".lock"):
        with pytest.raises(BuildError, match="another kb build is running"):
            build([corpus], db, progress=False)


def test_not_a_store_is_refused_and_kept(corpus, tmp_path):
    db = tmp_path / "kb.db"
    db.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(BuildError, match="not a kb store"):
        build([corpus], db, progress=False)
    assert db.read_bytes().startswith(b"not sqlite")


def test_parallel_build_matches_serial(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    build([CORPUS], a, progress=False, jobs=1)
    build([CORPUS], b, progress=False, jobs=2)
    q = "SELECT document_id, line, raw, title FROM refs ORDER BY document_id, position"
    assert rows(a, q) == rows(b, q)


def test_default_corpus_builds_five_documents(tmp_path):
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(main, ["build", str(CORPUS), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert len(rows(db, "SELECT id FROM documents")) == 5
    assert "5 documents" in result.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "kb" in result.output
