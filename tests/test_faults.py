"""Faults the build survives: each leaves the previous store and every annotation whole.

kill -9 mid-build, two builds at once, a full disk (real tiny tmpfs when we may
mount one, and simulated ENOSPC / SQLITE_FULL), 1,000 broken files, a 50 MB
text file, encrypted / truncated / decompression-bomb PDFs, broken and legacy
encodings, the same document under two names.
"""
from __future__ import annotations

import errno
import io
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import annotate as ann
from kb import build as buildmod
from kb import read as kbread
from kb import store
from kb.build import BuildError, build

pytest.importorskip("kb.pipeline")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"

APA = """# Trust and credit {n}

Social credit has been studied widely (Chen & Cheung, 2017). Others disagree (Kostka, 2019, p. 3).

## References

Chen, Y., & Cheung, A. S. (2017). The transparent self under big data profiling. Journal of Comparative Law, 12(2), 356-378.

Kostka, G. (2019). China's social credit systems and public opinion. New Media & Society, 21(7), 1565-1593.
"""


# --- helpers ------------------------------------------------------------------------

def quiet_build(paths, db, **kw):
    return build(paths, db, progress=False, echo=lambda m: None, **kw)


def rows(db, sql, args=()):
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchall()


def kb_cli(*args, timeout=600, **kw):
    """Run ``python -m kb ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "kb", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, **kw)


def kb_popen(*args):
    return subprocess.Popen([sys.executable, "-m", "kb", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def small_corpus(d: Path, n: int = 2) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (d / f"doc{i}.md").write_text(APA.format(n=i))
    return d


def big_corpus(d: Path, copies: int) -> Path:
    """``copies`` distinct copies of every corpus document (slow enough to kill mid-way)."""
    d.mkdir(parents=True, exist_ok=True)
    for src in sorted(CORPUS.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        for i in range(copies):
            (d / f"{src.stem}_{i:03d}.txt").write_text(f"Copy {i}\n{text}", encoding="utf-8")
    return d


def annotated_store(tmp_path: Path):
    """A built store with two notes; returns (corpus, db, notes as listed)."""
    corpus = small_corpus(tmp_path / "corpus")
    db = tmp_path / "kb.db"
    quiet_build([corpus], db)
    keys = [r[0] for r in rows(db, "SELECT key FROM works ORDER BY key")]
    assert keys, "the build found no works"
    notes = ann.open_annotations(ann.annotations_path(db))
    ann.add(notes, keys[0], "first note", author="ana")
    ann.add(notes, "vanished2001", "note on a work that is gone")
    listed = ann.list_annotations(notes)
    notes.conn.close()
    return corpus, db, listed


def notes_now(db: Path) -> list[dict]:
    notes = ann.open_annotations(ann.annotations_path(db))
    try:
        return ann.list_annotations(notes)
    finally:
        notes.conn.close()


def wait_for(predicate, timeout=120.0, step=0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


def mid_build(proc, db: Path) -> bool:
    """True once the child build is running and writing its copy of the store."""
    tmp = Path(str(db) + ".tmp")
    return wait_for(lambda: proc.poll() is not None or (tmp.exists() and tmp.stat().st_size > 0)) \
        and proc.poll() is None


# --- kill -9 and two builds at once --------------------------------------------------------

@pytest.fixture(scope="module")
def slow_corpus(tmp_path_factory):
    return big_corpus(tmp_path_factory.mktemp("big") / "corpus", copies=12)


def test_kill_9_mid_build_keeps_store_and_notes(tmp_path, slow_corpus):
    corpus, db, notes = annotated_store(tmp_path)
    before = db.read_bytes()
    proc = kb_popen("build", slow_corpus, "--db", db, "-q")
    try:
        assert mid_build(proc, db), "the build finished before it could be killed"
        time.sleep(0.5)
        assert proc.poll() is None, "the build finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    # the previous store is byte for byte what it was; every note is there
    assert db.read_bytes() == before
    assert notes_now(db) == notes
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    # the next build recovers: stale lock and half-written copy are handled
    res = kb_cli("build", corpus, "--db", db, "-q")
    assert res.returncode == 0, res.stderr
    assert not Path(str(db) + ".tmp").exists()
    assert notes_now(db) == notes
    assert sorted(r[0] for r in rows(db, "SELECT text FROM annotations")) == sorted(
        n["text"] for n in notes)


def children(pid: int) -> set[int]:
    """Pids whose parent is ``pid`` (Linux /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_kill_9_parallel_build_leaves_no_workers(tmp_path, slow_corpus):
    corpus, db, notes = annotated_store(tmp_path)
    before = db.read_bytes()
    proc = kb_popen("build", slow_corpus, "--db", db, "-q", "-j", "2")
    try:
        assert mid_build(proc, db)
        assert wait_for(lambda: len(children(proc.pid)) >= 2, timeout=60)
        workers = children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    gone = wait_for(lambda: not any(alive(w) for w in workers), timeout=30)
    for w in workers:                      # never leave strays behind, even on failure
        if alive(w):
            os.kill(w, signal.SIGKILL)
    assert gone, "pool workers outlived the killed build"
    assert db.read_bytes() == before and notes_now(db) == notes
    res = kb_cli("build", corpus, "--db", db, "-q", "-j", "2")
    assert res.returncode == 0, res.stderr


def test_two_builds_at_once(tmp_path, slow_corpus):
    corpus, db, notes = annotated_store(tmp_path)
    first = kb_popen("build", slow_corpus, "--db", db, "-q")
    try:
        assert mid_build(first, db)
        second = kb_cli("build", corpus, "--db", db, "-q")
        assert second.returncode != 0
        assert "another kb build is running" in second.stderr
        assert "--wait" in second.stderr
    finally:
        first.kill()
        first.wait(timeout=60)
    assert notes_now(db) == notes


def test_builds_started_together_with_wait_both_finish(tmp_path):
    corpus = small_corpus(tmp_path / "corpus", n=3)
    db = tmp_path / "kb.db"
    procs = [kb_popen("build", corpus, "--db", db, "-q", "--wait") for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert rows(db, "SELECT count(*) FROM documents") == [(3,)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


# --- a full disk -------------------------------------------------------------------------

def test_disk_full_while_writing_keeps_previous_store(tmp_path, monkeypatch):
    """SQLITE_FULL for real: the new copy may not grow past its current size."""
    corpus, db, notes = annotated_store(tmp_path)
    before = db.read_bytes()
    for i in range(5, 40):
        (corpus / f"more{i}.md").write_text(APA.format(n=i) * 20)
    real_open = store.open_db

    def capped(path, *args, **kwargs):
        d = real_open(path, *args, **kwargs)
        pages = d.execute("PRAGMA page_count").fetchone()[0]
        d.execute(f"PRAGMA max_page_count = {pages + 2}")
        return d
    monkeypatch.setattr(buildmod.store, "open_db", capped)
    with pytest.raises(BuildError, match="previous store kept.*full"):
        quiet_build([corpus], db)
    assert db.read_bytes() == before
    assert not Path(str(db) + ".tmp").exists()
    assert notes_now(db) == notes


def test_enospc_is_a_clear_error(tmp_path, monkeypatch):
    corpus, db, notes = annotated_store(tmp_path)
    before = db.read_bytes()

    def no_space(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(buildmod, "_fsync", no_space)
    (corpus / "new.md").write_text(APA.format(n=99))
    from kb.cli import main
    res = CliRunner().invoke(main, ["build", str(corpus), "--db", str(db), "-q"])
    assert res.exit_code == 1
    assert "No space left on device" in res.output and "previous store kept" in res.output
    assert db.read_bytes() == before
    assert not Path(str(db) + ".tmp").exists()
    assert notes_now(db) == notes


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1.5 MB tmpfs (needs root and mount); skipped where we cannot mount."""
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root on Linux to mount a tmpfs")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(mnt)],
                        capture_output=True)
    if ok.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {ok.stderr.decode()[:200]}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_real_full_disk(tmp_path, tiny_disk):
    corpus, built, notes = annotated_store(tmp_path)
    db = tiny_disk / "kb.db"
    shutil.copy(built, db)
    shutil.copy(ann.annotations_path(built), ann.annotations_path(db))
    filler = tiny_disk / "filler"
    free = shutil.disk_usage(tiny_disk).free
    filler.write_bytes(b"\0" * max(0, free - db.stat().st_size - 8192))
    before = db.read_bytes()
    for i in range(5, 30):
        (corpus / f"more{i}.md").write_text(APA.format(n=i) * 10)
    res = kb_cli("build", corpus, "--db", db, "-q")
    assert res.returncode == 1
    assert "previous store kept" in res.stderr and "Traceback" not in res.stderr
    assert db.read_bytes() == before
    assert not Path(str(db) + ".tmp").exists()
    assert notes_now(db) == notes
    filler.unlink()                                   # room again: the build goes through
    res = kb_cli("build", corpus, "--db", db, "-q")
    assert res.returncode == 0, res.stderr
    assert notes_now(db) == notes


# --- bad files ------------------------------------------------------------------------------

def test_thousand_broken_files_and_a_few_good_ones(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bad = {}
    makers = [
        (".txt", lambda i: b""),                                   # empty
        (".txt", lambda i: bytes(range(256)) * 4 + bytes([i % 256])),  # binary
        (".pdf", lambda i: b"%PDF-1.4\n" + os.urandom(64)),       # broken PDF
        (".pdf", lambda i: b"not a pdf at all %d" % i),            # no header
        (".html", lambda i: b"<html><body><div></div>%d</body>" % i if False
         else b"<html><script>%d</script></html>" % i),            # no text
        (".md", lambda i: b"   \n\t\n" + b" " * (i % 7)),          # blank
    ]
    for i in range(1000):
        suffix, make = makers[i % len(makers)]
        p = corpus / f"bad{i:04d}{suffix}"
        p.write_bytes(make(i))
        bad[str(p)] = suffix
    for i in range(3):
        (corpus / f"good{i}.md").write_text(APA.format(n=f"good {i}"))
    db = tmp_path / "kb.db"
    res = kb_cli("build", corpus, "--db", db, "-q")
    assert res.returncode == 1
    assert "1000 file(s) failed" in res.stderr
    errors = dict(rows(db, "SELECT path, error FROM build_errors"))
    assert set(errors) == set(bad)                              # every one, by name
    assert all(e for e in errors.values())
    assert sorted(r[0] for r in rows(db, "SELECT id FROM documents")) == [
        "good0", "good1", "good2"]


def test_fifty_megabyte_text_file(tmp_path):
    """Bounded time (child timeout) and memory (peak RSS) on a 50 MB document."""
    corpus = small_corpus(tmp_path / "corpus", n=1)
    words = ("the of social credit system trust surveillance platform citizens "
             "government data policy").split()
    line = " ".join(words) + " (Smith, 2003).\n"
    with open(corpus / "huge.txt", "w") as f:
        for i in range(50_000_000 // len(line) + 1):
            f.write(line if i % 7 else f"{i} " + line)
    assert (corpus / "huge.txt").stat().st_size >= 50_000_000
    db = tmp_path / "kb.db"
    res = kb_cli("build", corpus, "--db", db, "-q", timeout=900)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kb < 3_000_000, f"peak memory {peak_kb} kB"
    docs = {r[0] for r in rows(db, "SELECT id FROM documents")}
    assert "doc0" in docs
    if "huge" not in docs:                      # refused: a clear error naming it
        errors = dict(rows(db, "SELECT path, error FROM build_errors"))
        assert any(p.endswith("huge.txt") and ("large" in e or "limit" in e)
                   for p, e in errors.items()), errors
        assert res.returncode == 1
    else:
        assert res.returncode == 0, res.stderr


# --- hostile PDFs ---------------------------------------------------------------------------

def good_pdf(text="Smith, J. (2003). A title. Journal of Things, 3(2), 1-9.") -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    for i in range(3):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 8, f"Page {i + 1}. A claim (Smith, 2003). " * 5 + "\n" + text)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter
    w = PdfWriter()
    w.append(PdfReader(io.BytesIO(good_pdf())))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def bomb_pdf(inflated: int = 200_000_000) -> bytes:
    """One page whose FlateDecode content stream inflates to ``inflated`` bytes."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject
    w = PdfWriter()
    w.append(PdfReader(io.BytesIO(good_pdf())))
    page = w.pages[0]
    font = list(page["/Resources"]["/Font"].keys())[0]
    line = f"BT {font} 12 Tf 72 712 Td (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj ET\n".encode()
    co, out, n, block = zlib.compressobj(9), [], 0, line * 20_000
    while n < inflated:
        out.append(co.compress(block))
        n += len(block)
    out.append(co.flush())
    stream = StreamObject()
    stream._data = b"".join(out)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = w._add_object(stream)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_hostile_pdfs_are_refused_by_name(tmp_path):
    corpus = small_corpus(tmp_path / "corpus", n=1)
    pdf = good_pdf()
    (corpus / "fine.pdf").write_bytes(pdf)
    (corpus / "locked.pdf").write_bytes(encrypted_pdf())
    (corpus / "cut.pdf").write_bytes(pdf[: len(pdf) // 2])
    (corpus / "bomb.pdf").write_bytes(bomb_pdf())
    (corpus / "bomb20.pdf").write_bytes(bomb_pdf(20_000_000))
    assert (corpus / "bomb.pdf").stat().st_size < 2_000_000
    db = tmp_path / "kb.db"
    res = kb_cli("build", corpus, "--db", db, "-q", timeout=600)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kb < 3_000_000
    assert res.returncode == 1
    errors = {Path(p).name: e for p, e in rows(db, "SELECT path, error FROM build_errors")}
    assert "encrypted" in errors["locked.pdf"]
    assert "cut.pdf" in errors
    assert "bomb" in errors["bomb.pdf"] and "bomb" in errors["bomb20.pdf"]
    docs = {r[0] for r in rows(db, "SELECT id FROM documents")}
    assert {"doc0", "fine"} <= docs and not docs & {"locked", "cut", "bomb", "bomb20"}
    assert "Traceback" not in res.stderr


# --- encodings ---------------------------------------------------------------------------------

DE = ("Die Überwachung der Bürger ist ein zentrales Thema der Forschung (Müller, 2003). "
      "Größere Studien zeigen ähnliche Ergebnisse für Österreich und die Schweiz.\n")
FR = ("L’État chinois développe un système de crédit social (Lefèvre, 2019). "
      "Les critiques évoquent une société de surveillance généralisée.\n")
ZH = "社会信用体系是中国政府建设的一项重要制度，旨在提高社会诚信水平（张伟，2019）。\n"
JA = "日本における監視社会の研究は近年増加している（山田、2018）。社会信用の概念も議論されている。\n"


@pytest.mark.parametrize("name,text,encoding,expect", [
    ("cp1252.txt", DE * 6 + "“Quoted” — dash\n", "cp1252", "Überwachung"),
    ("latin1.txt", FR.replace("’", "'") * 6, "latin-1", "Lefèvre"),
    ("gb18030.txt", ZH * 8, "gb18030", "社会信用体系"),
    ("shiftjis.txt", JA * 8, "shift_jis", "監視社会"),
])
def test_legacy_encodings_are_detected(tmp_path, name, text, encoding, expect):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    doc = kbread.read(p)
    assert expect in doc.text
    assert len(doc.lines) == text.count("\n") + 1


def test_invalid_utf8_and_mojibake_are_repaired(tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_bytes((DE * 5).encode("utf-8") + b"\xff\xfe\xc3 stray bytes\n" +
                       (DE * 5).encode("utf-8"))
    doc = kbread.read(broken)
    assert "Überwachung" in doc.text and len(doc.lines) == 12
    moji = tmp_path / "moji.txt"
    moji.write_text((FR * 5).encode("utf-8").decode("cp1252", errors="replace"),
                    encoding="utf-8")
    assert "Lefèvre" in kbread.read(moji).text


def test_encodings_through_the_build(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    ref = "\n\nReferences\n\nMüller, K. (2003). Über die Gesellschaft. Berlin: Suhrkamp.\n"
    (corpus / "de.txt").write_bytes((DE * 4 + ref).encode("cp1252"))
    (corpus / "zh.txt").write_bytes((ZH * 8).encode("gb18030"))
    (corpus / "bad.txt").write_bytes((DE * 4).encode("utf-8") + b"\xff\xff" + ref.encode())
    db = tmp_path / "kb.db"
    s = quiet_build([corpus], db)
    assert not s.failures
    assert {r[0] for r in rows(db, "SELECT id FROM documents")} == {"de", "zh", "bad"}
    raws = [r[0] for r in rows(db, "SELECT raw FROM refs WHERE document_id IN ('de','bad')")]
    assert any("Müller" in r for r in raws), raws


# --- the same document twice ----------------------------------------------------------------

def test_same_document_under_two_names_is_stored_once(tmp_path):
    corpus = small_corpus(tmp_path / "corpus", n=1)
    shutil.copy(corpus / "doc0.md", corpus / "copy_of_doc0.md")
    db = tmp_path / "kb.db"
    s = quiet_build([corpus], db)
    assert [r[0] for r in rows(db, "SELECT id FROM documents")] == ["copy_of_doc0"] or \
        [r[0] for r in rows(db, "SELECT id FROM documents")] == ["doc0"]
    assert rows(db, "SELECT count(DISTINCT sha256) FROM documents") == [(1,)]
    errors = rows(db, "SELECT path, error FROM build_errors")
    assert len(errors) == 1 and "duplicate of" in errors[0][1]
    assert [Path(p).name for p, _ in s.failures] == [Path(errors[0][0]).name]


# --- memory stays flat: documents are streamed, not all held ------------------------------

def test_build_holds_only_a_window_of_documents(tmp_path, monkeypatch):
    import gc
    import weakref
    corpus = small_corpus(tmp_path / "corpus", n=16)
    live: list = []
    peak = [0]
    real_work, real_write = buildmod.work, buildmod.store.write_result

    def work(path):
        status, value = real_work(path)
        if status == "ok":
            live.append(weakref.ref(value))
        return status, value

    def write_result(db, result):
        out = real_write(db, result)
        del result
        gc.collect()
        peak[0] = max(peak[0], sum(1 for r in live if r() is not None))
        return out
    monkeypatch.setattr(buildmod, "work", work)
    monkeypatch.setattr(buildmod.store, "write_result", write_result)
    s = quiet_build([corpus], tmp_path / "kb.db")
    assert s.processed == 16 and len(live) == 16
    assert peak[0] <= 5, f"{peak[0]} documents held at once"
