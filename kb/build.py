"""Build: files -> the SQLite store, incrementally, atomically, in parallel.

    >>> summary = build(["data/corpus"], "data/kb.db", jobs=2)
    >>> summary.documents, summary.failures

* Incremental: a document whose sha256 is unchanged is not re-processed,
  and after a small change the cross-document stages only redo what it
  touched (``resolve.resolve_incremental``: new refs clustered against the
  existing works through the stored blocking index; ``graph.update_store``
  keeping betweenness and communities while few documents changed); a build
  with nothing to do leaves works and graph as they are.  ``full`` re-reads
  every document and recomputes everything.
* Atomic: the store is copied beside the old one (``kb.db.tmp``, a kernel
  file copy under a read lock), updated there and swapped in with
  ``os.replace``; a crash or Ctrl-C leaves the previous store whole, and the
  next build starts from it again.
* Locked: a second build on the same store stops with a clear message
  (or waits, with ``wait``).
* Errors: an unreadable file is reported by name, recorded in
  ``build_errors``, and the rest goes on; its earlier rows are kept.
* Parallel: per-document work runs in a ``concurrent.futures`` executor —
  processes locally (``jobs``), or a Dask cluster (``scheduler``) through
  ``distributed.Client.get_executor()``.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import time
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from filelock import FileLock, Timeout

from . import annotate, resolve, store
from .read import FORMATS, ReadError

DEFAULT_CORPUS = Path("data/corpus")
DEFAULT_DB = store.DEFAULT_DB


class BuildError(Exception):
    """A build that cannot start or finish (the old store is untouched)."""


@dataclass
class Summary:
    documents: int = 0
    processed: int = 0
    unchanged: int = 0
    removed: int = 0
    refs: int = 0
    claims: int = 0
    citations: int = 0
    works: int = 0
    authors: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: wall seconds per stage (copy, process, resolve, graph, swap) and the
    #: modes the cross-document stages ran in (full / incremental / reused)
    stages: dict = field(default_factory=dict)

    def line(self) -> str:
        return (f"{self.documents} documents ({self.processed} processed, "
                f"{self.unchanged} unchanged, {self.removed} removed), "
                f"{self.refs} refs, {self.claims} claims, {self.citations} citations, "
                f"{self.works} works, {self.authors} authors, "
                f"{len(self.failures)} failures in {self.seconds:.1f}s")


# --- inputs -----------------------------------------------------------------

def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand directories; returns (readable-looking files, [(path, problem)])."""
    files, problems = [], []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    if f.suffix.lower() in FORMATS:
                        files.append(f)
                    else:
                        problems.append((str(f), f"unsupported file type {f.suffix or '(none)'!r}"))
        elif p.is_file():
            files.append(p)
        else:
            problems.append((str(p), "no such file or directory"))
    return files, problems


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def work(path: str):
    """Per-document job run in a worker: ('ok', DocResult) or ('error', reason)."""
    from .pipeline import process
    try:
        return "ok", process(path)
    except ReadError as e:
        return "error", e.reason
    except RecursionError:
        return "error", "document too deeply nested to process"
    except Exception as e:  # a bug must not stop the build; it is reported
        return "error", f"internal error {type(e).__name__}: {str(e)[:300]}"


# --- executors ----------------------------------------------------------------

class InlineExecutor(Executor):
    """Runs jobs in this process (jobs=1): same interface as the pools."""

    def submit(self, fn, *args, **kwargs):
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            fut.set_exception(e)
        return fut


def exit_with_parent(parent_pid: int, every: float = 0.5) -> None:
    """Worker initializer: leave when the build process dies (e.g. kill -9).

    Without it the pool's workers outlive a killed build forever, blocked on
    their queue and holding memory.
    """
    import threading

    def watch():
        while True:
            time.sleep(every)
            if os.getppid() != parent_pid:
                os._exit(1)
    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def make_executor(jobs: int = 1, scheduler: str | None = None):
    """(executor, closer): local processes, inline, or a Dask cluster."""
    if scheduler:
        from distributed import Client
        client = Client(scheduler)
        return client.get_executor(), client.close
    if jobs and jobs > 1:
        ex = ProcessPoolExecutor(max_workers=jobs, initializer=exit_with_parent,
                                 initargs=(os.getpid(),))
        return ex, ex.shutdown
    ex = InlineExecutor()
    return ex, ex.shutdown


def run_jobs(executor, fn: Callable, items: list, window: int) -> Iterator[tuple]:
    """Yield (item, result) as jobs finish, never more than ``window`` in flight."""
    pending: deque = deque()
    it = iter(items)
    for item in it:
        pending.append((item, executor.submit(fn, item)))
        if len(pending) >= window:
            break
    while pending:
        item, fut = pending.popleft()
        yield item, fut.result()
        nxt = next(it, None)
        if nxt is not None:
            pending.append((nxt, executor.submit(fn, nxt)))


# --- the build ------------------------------------------------------------------

def build(paths: Iterable[str | Path] | None = None, db_path: str | Path = DEFAULT_DB,
          jobs: int = 1, scheduler: str | None = None, full: bool = False,
          wait: bool = False, progress: bool = True,
          echo: Callable[[str], None] | None = None) -> Summary:
    """Build or update the store at ``db_path`` from ``paths`` (files or dirs)."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(db_path) + ".lock")
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        raise BuildError(f"another kb build is running on {db_path} "
                         f"(lock {db_path}.lock); wait for it or use --wait") from None
    try:
        return _build_locked(list(paths or [DEFAULT_CORPUS]), db_path, jobs,
                             scheduler, full, progress, echo or _stderr)
    finally:
        lock.release()


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)


def _build_locked(paths, db_path: Path, jobs, scheduler, full, progress, echo) -> Summary:
    t0 = time.perf_counter()
    summary = Summary()
    tmp = db_path.with_name(db_path.name + ".tmp")
    for stale in (tmp, Path(str(tmp) + "-journal"), Path(str(tmp) + "-wal")):
        stale.unlink(missing_ok=True)  # left by a killed build
    try:
        t = time.perf_counter()
        copy_store(db_path, tmp)
        summary.stages["copy"] = round(time.perf_counter() - t, 3)
        db = store.open_db(tmp, fast=True)
        store.clear_errors(db)
        files, problems = find_files(paths)
        for path, problem in problems:
            _fail(db, summary, echo, path, problem)
        todo, keep_ids = plan(db, files, full, summary, echo)
        stored = [r["id"] for r in db.query("SELECT id FROM documents")]  # (.pks = column names)
        removed = [d for d in stored if d not in keep_ids]
        changes = None if full else resolve.note_changes(
            db, removed + [Path(p).stem for p in todo])
        for doc_id in removed:
            store.delete_document(db, doc_id)
        summary.removed = len(removed)
        t = time.perf_counter()
        if len(todo) <= 1 and not scheduler:
            jobs = 1   # one document: no worker pool to start
        process_all(db, todo, jobs, scheduler, progress, summary, echo)
        summary.stages["process"] = round(time.perf_counter() - t, 3)
        if full or todo or removed or not stored:
            finish(db, echo, changes, summary.stages)   # else nothing changed
        annotate.carry_over(db_path, db, echo)  # notes survive every rebuild
        _fill_counts(db, summary)
        db.conn.commit()
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.conn.close()
        t = time.perf_counter()
        _fsync(tmp)
        os.replace(tmp, db_path)
        summary.stages["swap"] = round(time.perf_counter() - t, 3)
    except (OSError, sqlite3.OperationalError) as e:  # e.g. disk full (ENOSPC)
        _drop_tmp(tmp)
        raise BuildError(f"build failed, previous store kept: {e}") from e
    except BaseException:
        _drop_tmp(tmp)
        raise
    annotate.reanchor(db_path, echo)  # claim notes follow the new claim ids
    summary.seconds = time.perf_counter() - t0
    return summary


def copy_store(src: Path, dst: Path) -> None:
    """Consistent copy of an existing store, or nothing.

    The file is copied whole (``shutil.copyfile``: the kernel's copy, about
    4x faster than SQLite's page-by-page backup API) inside a read
    transaction, whose shared lock keeps any writer from committing
    meanwhile; a store in WAL mode (whose file alone is not the whole store)
    goes through the backup API instead.
    """
    if not src.exists():
        return
    try:
        a = sqlite3.connect(src, isolation_level=None, timeout=60)
        try:
            if str(a.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                with sqlite3.connect(dst) as b:
                    a.backup(b)
                return
            a.execute("BEGIN")
            a.execute("SELECT count(*) FROM sqlite_master").fetchone()   # shared lock held
            shutil.copyfile(src, dst)
            a.execute("COMMIT")
        finally:
            a.close()
    except (sqlite3.OperationalError, OSError) as e:  # disk full, I/O error: not the store's fault
        raise BuildError(f"cannot copy {src} to {dst}: {e}; previous store kept") from None
    except sqlite3.DatabaseError as e:
        raise BuildError(f"{src}: not a kb store ({e}); move it away to rebuild") from None


def plan(db, files: list[Path], full: bool, summary: Summary, echo):
    """Which files to process; returns (paths, ids of documents to keep)."""
    known = {r["id"]: r["sha256"] for r in db.query("SELECT id, sha256 FROM documents")}
    todo, keep, seen_sha, seen_id = [], set(), {}, {}
    for f in files:
        doc_id = f.stem
        try:
            sha = sha256_of(f)
        except OSError as e:
            keep.add(doc_id)  # keep what was stored for it
            _fail(db, summary, echo, str(f), f"cannot open: {e.strerror or e}", doc_id)
            continue
        if doc_id in seen_id:
            _fail(db, summary, echo, str(f), f"same document id {doc_id!r} as {seen_id[doc_id]}; skipped", doc_id)
            continue
        if sha in seen_sha:
            _fail(db, summary, echo, str(f), f"duplicate of {seen_sha[sha]} (same content); skipped", doc_id)
            continue
        seen_id[doc_id], seen_sha[sha] = str(f), str(f)
        keep.add(doc_id)
        if not full and known.get(doc_id) == sha:
            summary.unchanged += 1
        else:
            todo.append(str(f))
    return todo, keep


def process_all(db, todo: list[str], jobs, scheduler, progress, summary, echo) -> None:
    executor, close = make_executor(jobs, scheduler)
    try:
        results = run_jobs(executor, work, todo, window=max(2, (jobs or 1) * 4))
        if progress and todo:
            import click
            with click.progressbar(results, length=len(todo), label="Reading documents",
                                   file=sys.stderr,
                                   item_show_func=lambda x: Path(x[0]).name if x else "") as bar:
                for path, (status, value) in bar:
                    _store_one(db, path, status, value, summary, echo)
        else:
            for path, (status, value) in results:
                _store_one(db, path, status, value, summary, echo)
    finally:
        close()


def _store_one(db, path, status, value, summary, echo) -> None:
    if status == "ok":
        store.write_result(db, value)
        summary.processed += 1
        for warning in getattr(value.document, "warnings", None) or []:  # read fallbacks
            store.record_error(db, path, f"warning: {warning}", value.document.id)
            echo(f"warning: {path}: {warning}")
    else:
        _fail(db, summary, echo, path, value, Path(path).stem)


def _fail(db, summary, echo, path, reason, doc_id=None) -> None:
    summary.failures.append((str(path), reason))
    store.record_error(db, path, reason, doc_id)
    echo(f"error: {path}: {reason}")


def finish(db, echo, changes=None, stages: dict | None = None) -> dict:
    """Cross-document stages: works and authors, then the graph metrics.

    ``changes`` (a ``resolve.Changes``: what this build replaced or removed)
    lets both stages work incrementally when little changed; None (``--full``)
    recomputes everything.  Returns the two stages' summaries.
    """
    from . import graph
    stages = stages if stages is not None else {}
    t = time.perf_counter()
    res = resolve.resolve_store(db, changes)
    stages["resolve"] = round(time.perf_counter() - t, 3)
    stages["resolve_mode"] = res.get("mode")
    t = time.perf_counter()
    g = graph.update_store(db, changed_documents=changes.documents if changes is not None else None)
    stages["graph"] = round(time.perf_counter() - t, 3)
    stages["graph_metrics"] = g.get("metrics")
    stages["review_queue"] = store.update_work_review(db)
    return {"resolve": res, "graph": g}


def _fill_counts(db, summary: Summary) -> None:
    c = store.counts(db)
    summary.documents, summary.refs, summary.claims = c["documents"], c["refs"], c["claims"]
    summary.citations, summary.works, summary.authors = c["citations"], c["works"], c["authors"]


def _drop_tmp(tmp: Path) -> None:
    """Remove a half-written copy (and its journal); never the real store."""
    for f in (tmp, Path(str(tmp) + "-journal"), Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        try:
            f.unlink(missing_ok=True)
        except OSError:
            pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
